// Command reindex is the search index's backfill (`make reindex`): it
// indexes every article on the public list (published, and scheduled for
// later) through Store.IndexAll, as the indexer would have from the stream.
// Run it after first deploying the indexer on a table that already has
// articles, after restoring the table, or when IndexerFailures has messages
// (docs/operations.md). An article already indexed costs two reads and no
// write, so running it again is cheap and changes nothing.
//
//	go run ./infra/reindex -table <TableName output>                     # AWS: default credentials and region
//	go run ./infra/reindex -table eportal-local -endpoint http://127.0.0.1:8700   # make run's DynamoDB Local
//
// On AWS it needs dynamodb:Query on GSI1, GetItem on the table, and the
// index writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem) on SEARCH#
// items.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"eportal/infra/ddblocal"
	"eportal/internal/dynamo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reindex:", err)
		os.Exit(1)
	}
}

// every is how often (in articles) progress is printed.
const every = 50

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	fs.SetOutput(out)
	table := fs.String("table", "", "the table's name (the stack's TableName output); required")
	endpoint := fs.String("endpoint", "", "a DynamoDB Local endpoint (http://127.0.0.1:8700 for make run); empty for AWS with the default credentials and region")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *table == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("usage: reindex -table NAME [-endpoint URL]")
	}
	var db *dynamodb.Client
	if *endpoint != "" {
		c, err := ddblocal.NewClient(ctx, *endpoint)
		if err != nil {
			return err
		}
		db = c
	} else {
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return fmt.Errorf("load AWS config: %w", err)
		}
		db = dynamodb.NewFromConfig(cfg, dynamo.ClientOptions(dynamo.AWSTimeouts))
	}
	store := dynamo.New(db, *table, nil) // no list cursors: IndexAll reads the list itself
	start := time.Now()
	fmt.Fprintf(out, "reindex: indexing the published articles and documents of %s\n", *table)
	n, err := store.IndexAll(ctx, func(n int) {
		if n%every == 0 {
			fmt.Fprintf(out, "reindex: %d articles and documents (%s)\n", n, time.Since(start).Round(time.Second))
		}
	})
	if err != nil {
		return fmt.Errorf("after %d articles: %w (run it again: it picks up where the index stands)", n, err)
	}
	fmt.Fprintf(out, "reindex: %d articles and documents indexed in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
