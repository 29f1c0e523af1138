// Package tables creates eportal's DynamoDB table from its one definition in
// template.yaml, for the local stack and for tests (a fresh table per test).
package tables

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/infra/ddblocal"
	"eportal/infra/template"
	"eportal/internal/cursor"
	"eportal/internal/dynamo"
)

// Create creates table name from template.yaml's Table resource and turns on
// its TTL attribute. It reports false when the table already exists, and
// then changes nothing but this: a table made before the template had a
// stream (older `make run` data) gets the template's, which the search
// indexer reads.
func Create(ctx context.Context, db *dynamodb.Client, name string) (bool, error) {
	return create(ctx, db, name, true)
}

// create is Create, with the template's stream or without it.
func create(ctx context.Context, db *dynamodb.Client, name string, stream bool) (bool, error) {
	path, err := template.Find()
	if err != nil {
		return false, err
	}
	tmpl, err := template.Load(path)
	if err != nil {
		return false, err
	}
	in, err := tmpl.TableInput(name)
	if err != nil {
		return false, err
	}
	if !stream {
		in.StreamSpecification = nil
	}
	_, err = db.CreateTable(ctx, in)
	var inUse *types.ResourceInUseException
	if errors.As(err, &inUse) {
		return false, addStream(ctx, db, name, in.StreamSpecification)
	}
	if err != nil {
		return false, fmt.Errorf("create table %s: %w", name, err)
	}
	if err := dynamodb.NewTableExistsWaiter(db).Wait(ctx, &dynamodb.DescribeTableInput{TableName: &name}, time.Minute); err != nil {
		return false, fmt.Errorf("wait for table %s: %w", name, err)
	}
	if ttl := tmpl.TTLAttribute(); ttl != "" {
		_, err = db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
			TableName:               &name,
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(ttl), Enabled: aws.Bool(true)},
		})
		if err != nil {
			return false, fmt.Errorf("enable TTL on %s: %w", name, err)
		}
	}
	return true, nil
}

// addStream turns on spec's stream on an existing table that has none.
func addStream(ctx context.Context, db *dynamodb.Client, name string, spec *types.StreamSpecification) error {
	if spec == nil {
		return nil
	}
	out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &name})
	if err != nil {
		return fmt.Errorf("describe table %s: %w", name, err)
	}
	if s := out.Table.StreamSpecification; s != nil && aws.ToBool(s.StreamEnabled) {
		if s.StreamViewType != spec.StreamViewType {
			return fmt.Errorf("table %s has a %s stream; template.yaml says %s: delete the table (make run's data is in .local/)",
				name, s.StreamViewType, spec.StreamViewType)
		}
		return nil
	}
	if _, err := db.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: &name, StreamSpecification: spec}); err != nil {
		return fmt.Errorf("enable the stream of %s: %w", name, err)
	}
	if err := dynamodb.NewTableExistsWaiter(db).Wait(ctx, &dynamodb.DescribeTableInput{TableName: &name}, time.Minute); err != nil {
		return fmt.Errorf("wait for table %s: %w", name, err)
	}
	return nil
}

// MustCreate creates a table with a fresh random name for one test and
// deletes it when the test ends. The table has no stream: DynamoDB Local
// keeps every stream record (24 hours, in memory), which slows a test that
// writes a lot several times over, and only the stream's own tests read
// it (MustCreateWithStream).
func MustCreate(tb testing.TB, db *dynamodb.Client) string {
	tb.Helper()
	return mustCreate(tb, db, false)
}

// MustCreateWithStream is MustCreate with the template's stream.
func MustCreateWithStream(tb testing.TB, db *dynamodb.Client) string {
	tb.Helper()
	return mustCreate(tb, db, true)
}

func mustCreate(tb testing.TB, db *dynamodb.Client, stream bool) string {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "test-" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if _, err := create(ctx, db, name, stream); err != nil {
		tb.Fatalf("create table: %v", err)
	}
	tb.Cleanup(func() {
		_, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name})
	})
	return name
}

// TestStore is a store on a fresh table for one test, with the client and
// cursor codec under it.
type TestStore struct {
	*dynamo.Store
	DB      *dynamodb.Client
	Table   string
	Cursors *cursor.Codec
}

// MustStore connects to the DynamoDB Local of the test binary
// (ddblocal.RunTests sets DYNAMODB_ENDPOINT), creates a fresh table for tb
// and returns a store on it. optFns configure the client, e.g. a
// dynamotest.CallCounter's Option.
func MustStore(tb testing.TB, optFns ...func(*dynamodb.Options)) *TestStore {
	tb.Helper()
	return mustStore(tb, false, optFns)
}

// MustStoreWithStream is MustStore on a table with the template's stream.
func MustStoreWithStream(tb testing.TB, optFns ...func(*dynamodb.Options)) *TestStore {
	tb.Helper()
	return mustStore(tb, true, optFns)
}

func mustStore(tb testing.TB, stream bool, optFns []func(*dynamodb.Options)) *TestStore {
	tb.Helper()
	db, err := ddblocal.NewClient(context.Background(), os.Getenv(ddblocal.EndpointEnv), optFns...)
	if err != nil {
		tb.Fatal(err)
	}
	table := mustCreate(tb, db, stream)
	codec, err := cursor.New([]byte("eportal test cursor secret, 32 b"))
	if err != nil {
		tb.Fatal(err)
	}
	return &TestStore{Store: dynamo.New(db, table, codec), DB: db, Table: table, Cursors: codec}
}
