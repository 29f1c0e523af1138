// Command views is the views function: the beacon POST /articles/{slug}/views
// (and a 405 for its other methods). It only wires dependencies; the handler
// is internal/viewsapi.
//
// Environment: TABLE_NAME; VIEW_WINDOW, the dedupe window (default 30m);
// VIEW_SHARDS, counter shards per article (default 8, at most 100).
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"eportal/internal/lambdaenv"
	"eportal/internal/portal"
	"eportal/internal/viewsapi"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "views:", err)
		os.Exit(1)
	}
}

func run() error {
	env, err := lambdaenv.Load(context.Background(), lambdaenv.WithoutCursors())
	if err != nil {
		return err
	}
	window, err := lambdaenv.Duration("VIEW_WINDOW", 30*time.Minute)
	if err != nil {
		return err
	}
	shards, err := lambdaenv.Int("VIEW_SHARDS", 8, portal.MaxViewShards)
	if err != nil {
		return err
	}
	h := viewsapi.New(env.Store, viewsapi.WithLogger(env.Logger), viewsapi.WithBudget(env.Budget),
		viewsapi.WithEdgeSecret(env.EdgeSecret),
		viewsapi.WithConfig(viewsapi.Config{Window: window, Shards: shards}))
	lambda.Start(lambdaenv.Observe(h.Handle))
	return nil
}
