// Command indexer is the search indexer: it reads the table's stream
// (IndexerStream in template.yaml: public items only, in batches of 10) and
// keeps the search index in step with the published articles. It only
// wires dependencies; the handler is internal/indexer.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"eportal/internal/indexer"
	"eportal/internal/lambdaenv"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "indexer:", err)
		os.Exit(1)
	}
}

func run() error {
	// No list cursors: the indexer serves no list.
	env, err := lambdaenv.Load(context.Background(), lambdaenv.WithoutCursors())
	if err != nil {
		return err
	}
	h := indexer.New(env.Store, env.Logger)
	lambda.Start(h.Handle)
	return nil
}
