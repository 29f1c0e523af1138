// Command run is `make run`: it fetches and starts DynamoDB Local (data kept
// under .local/ so a restart keeps the content), creates the table from
// template.yaml, loads the demo content once, feeds the table's stream to
// the search indexer (infra/streamlocal, after indexing what is there),
// and serves every route of
// template.yaml on http://127.0.0.1:3000 through the real handlers, with
// protected routes behind a local JWT authorizer (`make token ROLE=editor`
// prints a token it accepts), and the editors' console at /quan-tri/ signing
// in at a stand-in for Cognito's hosted UI (localauth.HostedUI) that issues
// the same tokens. Ctrl-C stops the server and DynamoDB Local.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"eportal/infra/localauth"
	"eportal/infra/localserver"
	"eportal/infra/localstack"
	"eportal/infra/streamlocal"
	"eportal/internal/apigw"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "run:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:3000", "address to serve the API on")
	ddbPort := flag.Int("dynamodb-port", 8700, "port for DynamoDB Local")
	dataDir := flag.String("data", ".local/dynamodb", "DynamoDB Local data directory (kept across restarts)")
	table := flag.String("table", "eportal-local", "table name")
	origins := flag.String("cors-origins", "http://localhost:5173", "comma-separated origins allowed by CORS")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	data, err := filepath.Abs(*dataDir)
	if err != nil {
		return err
	}
	log.Info("starting DynamoDB Local", "port", *ddbPort, "data", data)
	stack, err := localstack.Start(ctx, localstack.Options{Port: *ddbPort, DataDir: data, Table: *table, Progress: os.Stderr})
	if err != nil {
		return err
	}
	defer func() {
		if err := stack.Stop(); err != nil {
			log.Error("stop DynamoDB Local", "err", err)
		} else {
			log.Info("DynamoDB Local stopped")
		}
	}()
	log.Info("table ready", "table", *table, "created", stack.TableCreated)
	log.Info("demo content", "loaded now", stack.DemoLoaded, "already there", !stack.DemoLoaded)
	tmpl, store := stack.Template, stack.Store

	// The search indexer, fed by the table's stream as on AWS: a published
	// article is searchable a moment later. The pollers start at the
	// stream's end before the backfill, so a write during the backfill is
	// indexed by one or the other (both is harmless); the backfill indexes
	// what was written before (the demo content, older data).
	handlers := map[string]streamlocal.Handler{}
	for id, h := range localserver.StreamFunctions(store, log) {
		handlers[id] = streamlocal.Handler(h)
	}
	if err := stack.StartStreams(ctx, handlers, log); err != nil {
		return err
	}
	started := time.Now()
	n, err := store.IndexAll(ctx, nil)
	if err != nil {
		return fmt.Errorf("search index backfill: %w", err)
	}
	log.Info("search index ready", "articles indexed", n, "took", time.Since(started).Round(time.Millisecond))

	// The JWT authorizer's stand-in: `make token` signs with the same key.
	issuer, err := localauth.LoadOrCreate(filepath.Join(filepath.Dir(tmpl.Path), localauth.KeyFile))
	if err != nil {
		return err
	}

	cors, err := tmpl.CORS()
	if err != nil {
		return err
	}
	srv, err := localserver.New(tmpl.Routes(), localserver.Functions(store, time.Now, apigw.DefaultBudget), strings.Split(*origins, ","), log,
		localserver.WithAuthorizer(issuer.Verify), localserver.WithCORS(cors),
		localserver.WithSignIn(localauth.HostedUIPath, localauth.NewHostedUI(issuer, localauth.HostedUIPath, localauth.Audience)))
	if err != nil {
		return err
	}
	return localserver.Serve(ctx, *addr, srv, func(a net.Addr) {
		log.Info("eportal ready on http://"+a.String(), "routes", len(tmpl.Routes()))
		fmt.Fprintf(os.Stderr, "\n  eportal ready (Ctrl-C stops it and DynamoDB Local)\n  reader site: http://%s/\n  editors:     http://%s/quan-tri/ (sign in as a demo editor, publisher or admin)\n  JSON API:    curl http://%s/articles\n  admin API:   curl -H \"Authorization: Bearer $(make -s token ROLE=editor)\" http://%s/admin/...\n\n", a, a, a, a)
	})
}
