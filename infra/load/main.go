// Command load is `make load`: a bounded mixed load on loopback. It starts
// an in-memory DynamoDB Local, creates the table from template.yaml, loads
// the demo content, serves every template route through the real handlers
// on 127.0.0.1 (admin routes behind a local JWT issuer whose key lives only
// in memory), and lets package loadgen drive readers, beacons, voters and an
// editor-publisher at it for -time, optionally with DynamoDB faults
// injected at -faults. It prints requests/s, p50 and p99 per route and a
// PASS or FAIL line per check, and exits 1 if a check fails.
//
//	go run ./infra/load -time 45s -faults 0.05 -c 16
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"eportal/infra/loadgen"
	"eportal/infra/localauth"
	"eportal/infra/localserver"
	"eportal/infra/localstack"
	"eportal/internal/apigw"

	// A test kit, imported here on purpose: this command is a test harness
	// run by hand, not production code, and its faults are the ones the
	// store's tests inject.
	"eportal/internal/dynamo/dynamotest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run() error {
	duration := flag.Duration("time", 45*time.Second, "how long to send requests")
	rate := flag.Float64("faults", 0, "share of DynamoDB requests failed with an injected fault, 0 to 0.5")
	workers := flag.Int("c", 16, "concurrent readers, beacon senders and voters (half, 3/10, the rest), besides one editor-publisher")
	seed := flag.Uint64("seed", 0, "seed of the random choices and faults (0: random)")
	logPath := flag.String("log", ".local/load.log", "file for the server's warnings and errors")
	flag.Parse()
	switch {
	case *duration <= 0:
		return errors.New("-time must be positive")
	case *rate < 0 || *rate > 0.5:
		return errors.New("-faults must be from 0 to 0.5")
	case *workers < 3:
		return errors.New("-c must be at least 3")
	}
	if *seed == 0 {
		*seed = mrand.Uint64()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var faults *dynamotest.Faults
	var clientOpts []func(*dynamodb.Options)
	if *rate > 0 {
		faults = dynamotest.NewFaults()
		clientOpts = append(clientOpts, faults.Option())
	}
	stack, err := localstack.Start(ctx, localstack.Options{Table: "eportal-load", Client: clientOpts, Progress: os.Stderr}) // in memory
	if err != nil {
		return err
	}
	defer func() {
		if err := stack.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
		}
	}()
	tmpl, store, inst := stack.Template, stack.Store, stack.Instance

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	issuer, err := localauth.New(key)
	if err != nil {
		return err
	}
	tokens := map[string]string{}
	for _, role := range []string{"editor", "publisher", "admin"} {
		user, err := localauth.DevUser(role)
		if err != nil {
			return err
		}
		if tokens[role], err = issuer.TokenFor(user, time.Hour); err != nil {
			return err
		}
	}

	if err := os.MkdirAll(filepath.Dir(*logPath), 0o755); err != nil {
		return err
	}
	logFile, err := os.Create(*logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	logs := loadgen.NewLogCounter(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The handlers log to the default logger, taken when they are built.
	slog.SetDefault(slog.New(logs))
	srv, err := localserver.New(tmpl.Routes(), localserver.Functions(store, time.Now, apigw.DefaultBudget), nil, slog.Default(),
		localserver.WithAuthorizer(issuer.Verify))
	if err != nil {
		return err
	}
	serveCtx, stopServing := context.WithCancel(context.Background())
	addr, served := make(chan net.Addr, 1), make(chan error, 1)
	go func() { served <- localserver.Serve(serveCtx, "127.0.0.1:0", srv, func(a net.Addr) { addr <- a }) }()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a.String()
	case err := <-served:
		stopServing()
		return err
	}

	var injected int
	if faults != nil {
		faults.Set(faultRule(*rate, *seed))
	}
	client, sources := loadgen.NewClient(*workers)
	fmt.Printf("load: %d CPUs, %d workers for %s, faults %.3g, API on %s, DynamoDB Local on %s\n",
		runtime.NumCPU(), *workers, *duration, *rate, base, inst.Endpoint)
	report, err := loadgen.Run(ctx, loadgen.Config{
		BaseURL: base, Client: client, Sources: sources, Duration: *duration, Workers: *workers,
		Editor: "Bearer " + tokens["editor"], Publisher: "Bearer " + tokens["publisher"], Admin: "Bearer " + tokens["admin"],
		Category: "tin-tuc-su-kien", Faults: faults != nil, Views: store, Seed: *seed,
		EndFaults: func() {
			if faults != nil {
				injected = faults.Hits()
				faults.Set(nil)
			}
		},
	})
	stopServing()
	if serr := <-served; serr != nil && err == nil {
		err = serr
	}
	if err != nil {
		return err
	}
	if err := report.Write(os.Stdout); err != nil {
		return err
	}
	warnings, errs := logs.Counts()
	fmt.Printf("\nDynamoDB faults injected: %d; server log %s: %d warnings, %d errors\n", injected, *logPath, warnings, errs)
	if !report.OK() {
		return errors.New("a check failed")
	}
	fmt.Println("load: all checks passed")
	return nil
}

// faultRule fails DynamoDB requests at rate p in all, each with a fault AWS
// may answer that request with: throttling and 500s for any request,
// TransactionConflict for a transaction, TransactionConflictException for a
// plain write (each fault an equal share). None of them lets the request
// reach the table, so no count may be off by one: the SDK's or the store's
// retry either gets the write through once or the request answers 503
// having written nothing (lost responses, which do reach the table, are
// left to the store's tests and their documented bounds).
func faultRule(p float64, seed uint64) dynamotest.Rule {
	stream := uint64(0)
	at := func(op string, f dynamotest.Fault, share float64) dynamotest.Rule {
		stream++ // each rule its own source: AtRate's lock covers only its own
		return dynamotest.AtRate(op, f, share, mrand.New(mrand.NewPCG(seed, stream)))
	}
	byOp := map[string][]dynamotest.Rule{
		"TransactWriteItems": {at("TransactWriteItems", dynamotest.Throttle, p/3), at("TransactWriteItems", dynamotest.ServerError, p/3),
			at("TransactWriteItems", dynamotest.Conflict, p/3)},
	}
	for _, op := range []string{"PutItem", "UpdateItem", "DeleteItem"} {
		byOp[op] = []dynamotest.Rule{at(op, dynamotest.Throttle, p/3), at(op, dynamotest.ServerError, p/3), at(op, dynamotest.WriteConflict, p/3)}
	}
	reads := []dynamotest.Rule{at("", dynamotest.Throttle, p/2), at("", dynamotest.ServerError, p/2)}
	return func(op, body string) dynamotest.Fault {
		rules, ok := byOp[op]
		if !ok {
			rules = reads
		}
		for _, rule := range rules {
			if f := rule(op, body); f != dynamotest.Pass {
				return f
			}
		}
		return dynamotest.Pass
	}
}
