package dynamotest

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/dynamo"
)

// Stale wraps the real client under a store and makes its reads lag as
// AWS's may: after Freeze, every read that DynamoDB serves eventually
// consistent — a Query of an index, and a GetItem, Query or BatchGetItem
// without ConsistentRead — is answered from a copy of the table as it was
// at Freeze, while writes and consistent reads go to the table. Thaw ends
// the lag. DynamoDB Local is always consistent; AWS usually is within a
// second, but a read-then-write invariant must hold without that.
type Stale struct {
	dynamo.API
	db            *dynamodb.Client
	table, shadow string

	mu     sync.Mutex
	frozen bool
}

// NewStale wraps db (the client of table) with shadow, an empty table of
// the same definition that holds the frozen image.
func NewStale(db *dynamodb.Client, table, shadow string) *Stale {
	return &Stale{API: db, db: db, table: table, shadow: shadow}
}

// Freeze copies the table into the shadow (replacing what it held) and
// starts serving eventually consistent reads from it.
func (s *Stale) Freeze(tb testing.TB) {
	tb.Helper()
	s.copyTable(tb)
	s.mu.Lock()
	s.frozen = true
	s.mu.Unlock()
}

// Thaw makes every read fresh again.
func (s *Stale) Thaw() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frozen = false
}

func (s *Stale) copyTable(tb testing.TB) {
	ctx := tb.Context()
	clear := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{TableName: &s.shadow, ProjectionExpression: aws.String("PK, SK")})
	for clear.HasMorePages() {
		page, err := clear.NextPage(ctx)
		if err != nil {
			tb.Fatalf("clear shadow: %v", err)
		}
		for _, k := range page.Items {
			if _, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.shadow, Key: k}); err != nil {
				tb.Fatalf("clear shadow: %v", err)
			}
		}
	}
	p := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{TableName: &s.table, ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			tb.Fatalf("copy table: %v", err)
		}
		for _, item := range page.Items {
			if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.shadow, Item: item}); err != nil {
				tb.Fatalf("copy table: %v", err)
			}
		}
	}
}

func (s *Stale) lagging() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frozen
}

// GetItem reads the frozen image unless ConsistentRead.
func (s *Stale) GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	if s.lagging() && !aws.ToBool(in.ConsistentRead) {
		cp := *in
		cp.TableName = &s.shadow
		return s.API.GetItem(ctx, &cp, optFns...)
	}
	return s.API.GetItem(ctx, in, optFns...)
}

// Query reads the frozen image for an index, or unless ConsistentRead.
func (s *Stale) Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	if s.lagging() && (in.IndexName != nil || !aws.ToBool(in.ConsistentRead)) {
		cp := *in
		cp.TableName = &s.shadow
		return s.API.Query(ctx, &cp, optFns...)
	}
	return s.API.Query(ctx, in, optFns...)
}

// BatchGetItem reads the frozen image unless ConsistentRead.
func (s *Stale) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	ka, ok := in.RequestItems[s.table]
	if !s.lagging() || !ok || aws.ToBool(ka.ConsistentRead) {
		return s.API.BatchGetItem(ctx, in, optFns...)
	}
	cp := *in
	cp.RequestItems = map[string]types.KeysAndAttributes{s.shadow: ka}
	out, err := s.API.BatchGetItem(ctx, &cp, optFns...)
	if err != nil {
		return nil, err
	}
	res := *out
	res.Responses = map[string][]map[string]types.AttributeValue{s.table: out.Responses[s.shadow]}
	if left, ok := out.UnprocessedKeys[s.shadow]; ok {
		res.UnprocessedKeys = map[string]types.KeysAndAttributes{s.table: left}
	}
	return &res, nil
}
