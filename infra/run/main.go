// Command run is `make run`: it fetches and starts DynamoDB Local (data kept
// under .local/ so a restart keeps the content), creates the table from
// template.yaml, loads the demo content once, feeds the table's stream to
// the search indexer (infra/streamlocal, after indexing what is there),
// and serves every route of
// template.yaml on http://127.0.0.1:3000 through the real handlers, with
// protected routes behind a local JWT authorizer (`make token ROLE=editor`
// prints a token it accepts), and the editors' console at /quan-tri/ signing
// in at a stand-in for Cognito's hosted UI (localauth.HostedUI) that issues
// the same tokens. The media library runs on an in-process S3-compatible
// store (gofakes3, objects kept as files under .local/media) served on the same
// origin under /local-s3/: the console PUTs to its presigned URLs, the
// media processor runs after each upload as S3's event would start it, and
// the variants are served at /media/<id>/<slot> as the edge serves them.
// Ctrl-C stops the server and DynamoDB Local.
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

	"github.com/johannesboyne/gofakes3/backend/s3afero"
	"github.com/spf13/afero"

	"eportal/infra/demo"
	"eportal/infra/localauth"
	"eportal/infra/localserver"
	"eportal/infra/localstack"
	"eportal/infra/streamlocal"
	"eportal/internal/apigw"
	"eportal/internal/dynamo"
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
	mediaDir := flag.String("media-data", ".local/media", "directory of the local media bucket's objects (kept across restarts)")
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

	// The media bucket, its upload event and its edge, in process.
	media, err := startMedia(*mediaDir, *addr, store, log)
	if err != nil {
		return err
	}
	defer media.Wait()
	srv, err := localserver.New(tmpl.Routes(),
		localserver.Functions(store, time.Now, apigw.DefaultBudget, localserver.WithMediaBucket(media.Bucket, media.BaseURL)),
		strings.Split(*origins, ","), log,
		localserver.WithAuthorizer(issuer.Verify), localserver.WithCORS(cors), localserver.WithMedia(media),
		localserver.WithSignIn(localauth.HostedUIPath, localauth.NewHostedUI(issuer, localauth.HostedUIPath, localauth.Audience)))
	if err != nil {
		return err
	}
	return localserver.Serve(ctx, *addr, srv, func(a net.Addr) {
		log.Info("eportal ready on http://"+a.String(), "routes", len(tmpl.Routes()))
		fmt.Fprintf(os.Stderr, "\n  eportal ready (Ctrl-C stops it and DynamoDB Local)\n  reader site: http://%s/\n  editors:     http://%s/quan-tri/ (sign in as a demo editor, publisher or admin)\n  JSON API:    curl http://%s/articles\n  admin API:   curl -H \"Authorization: Bearer $(make -s token ROLE=editor)\" http://%s/admin/...\n  media:       uploads to http://%s%s (in-process S3, %s), images at http://%s%s/<id>/<slot>\n\n", a, a, a, a, a, localserver.S3Prefix, *mediaDir, a, media.BaseURL)
	})
}

// startMedia opens the local media bucket's objects under dir (created when
// missing) and returns the store the server mounts, its presigned URLs
// pointing at addr, with the template's bucket functions fed its uploads.
func startMedia(dir, addr string, store *dynamo.Store, log *slog.Logger) (*localserver.MediaStore, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	fs, err := s3afero.NewBasePathFs(afero.NewOsFs(), abs, s3afero.FsPathCreateAll)
	if err != nil {
		return nil, fmt.Errorf("media store %s: %w", dir, err)
	}
	backend, err := s3afero.MultiBucket(fs)
	if err != nil {
		return nil, fmt.Errorf("media store %s: %w", dir, err)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("-addr %q: %w", addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	media, err := localserver.NewMediaStore(backend, "http://"+net.JoinHostPort(host, port), log)
	if err != nil {
		return nil, err
	}
	content, err := demo.Parse()
	if err != nil {
		return nil, err
	}
	files, err := content.Files(media.BaseURL, time.Now())
	if err != nil {
		return nil, err
	}
	if err := localserver.SeedFiles(backend, files); err != nil {
		return nil, err
	}
	for _, fn := range localserver.BucketFunctions(store, media.Bucket, media.BaseURL, log) {
		media.OnUpload(fn)
	}
	log.Info("media store ready", "dir", abs, "uploads", "http://"+net.JoinHostPort(host, port)+localserver.S3Prefix, "images", media.BaseURL)
	return media, nil
}
