// Package localstack starts what `make run` and `make load` serve from:
// DynamoDB Local (fetched once into the cache), the table created from
// template.yaml, the demo content, and a store on it. The two commands only
// add what differs: where the data lives, the client's options, the server,
// and (make run) the stream's consumers (StartStreams).
package localstack

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"eportal/infra/ddblocal"
	"eportal/infra/demo"
	"eportal/infra/streamlocal"
	"eportal/infra/tables"
	"eportal/infra/template"
	"eportal/internal/cursor"
	"eportal/internal/dynamo"
)

// Options says how to start a stack.
type Options struct {
	Port    int    // DynamoDB Local's port; 0 picks a free one
	DataDir string // where DynamoDB Local keeps its data; "" keeps it in memory
	Table   string
	// Client options, applied after eportal's own (ddblocal.NewClient): a
	// fault injector, say.
	Client []func(*dynamodb.Options)
	// Progress receives the download progress of DynamoDB Local's first
	// fetch; nil discards it.
	Progress io.Writer
}

// Stack is a running DynamoDB Local with eportal's table and demo content.
type Stack struct {
	Template *template.Template
	Instance *ddblocal.Instance
	Store    *dynamo.Store
	DB       *dynamodb.Client // the store's client
	Table    string
	// TableCreated and DemoLoaded say whether this start created the table
	// and loaded the demo content (false: they were there already).
	TableCreated, DemoLoaded bool
}

// Start starts the stack. On error it stops what it started.
func Start(ctx context.Context, o Options) (*Stack, error) {
	path, err := template.Find()
	if err != nil {
		return nil, err
	}
	tmpl, err := template.Load(path)
	if err != nil {
		return nil, err
	}
	progress := o.Progress
	if progress == nil {
		progress = io.Discard
	}
	dir, err := ddblocal.Ensure(ctx, ddblocal.CacheDir(), progress)
	if err != nil {
		return nil, err
	}
	inst, err := ddblocal.Start(ctx, ddblocal.Options{Dir: dir, Port: o.Port, DBPath: o.DataDir})
	if err != nil {
		return nil, err
	}
	s := &Stack{Template: tmpl, Instance: inst}
	if err := s.prepare(ctx, o); err != nil {
		return nil, errors.Join(err, inst.Stop())
	}
	return s, nil
}

func (s *Stack) prepare(ctx context.Context, o Options) error {
	db, err := ddblocal.NewClient(ctx, s.Instance.Endpoint, o.Client...)
	if err != nil {
		return err
	}
	s.DB, s.Table = db, o.Table
	if s.TableCreated, err = tables.Create(ctx, db, o.Table); err != nil {
		return err
	}
	// A fresh cursor secret each start: cursors are short-lived by design.
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	codec, err := cursor.New(secret)
	if err != nil {
		return err
	}
	s.Store = dynamo.New(db, o.Table, codec)
	if s.DemoLoaded, err = demo.Load(ctx, s.Store, time.Now()); err != nil {
		return fmt.Errorf("load demo content: %w", err)
	}
	return nil
}

// StartStreams starts, for each function of the template that reads the
// table's stream (template.StreamConsumers), a poller that feeds it the
// stream as its event source mapping would (filter, batch size, retries),
// calling handlers[function], until ctx ends. The pollers start at the
// stream's end (LATEST): when StartStreams returns, every later write will
// be delivered, and what was written before is left to a backfill
// (Store.IndexAll for the search indexer) that the caller runs next. It
// fails when a consumer has no handler.
func (s *Stack) StartStreams(ctx context.Context, handlers map[string]streamlocal.Handler, log *slog.Logger) error {
	consumers, err := s.Template.StreamConsumers()
	if err != nil {
		return err
	}
	streams, err := streamlocal.NewClient(ctx, s.Instance.Endpoint)
	if err != nil {
		return err
	}
	for _, c := range consumers {
		h := handlers[c.Function]
		if h == nil {
			return fmt.Errorf("stream consumer %s: no handler for %s", c.Mapping, c.Function)
		}
		p := streamlocal.New(s.DB, streams, s.Table, h, log.With("function", c.Function))
		p.KeyPrefix, p.BatchSize, p.MaxRetries, p.FromLatest = c.KeyPrefix, c.BatchSize, c.MaxRetries, true
		if err := p.Start(ctx); err != nil {
			return fmt.Errorf("stream consumer %s: %w", c.Mapping, err)
		}
	}
	return nil
}

// Stop stops DynamoDB Local.
func (s *Stack) Stop() error { return s.Instance.Stop() }
