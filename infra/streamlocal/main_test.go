package streamlocal_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/infra/ddblocal"
	"eportal/infra/streamlocal"
	"eportal/infra/tables"
	"eportal/internal/indexer"
	"eportal/internal/portal"
)

func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }

// now is the tests' clock: articles are written and searched at it.
var now = time.Now().UTC().Truncate(time.Second)

// env is a fresh table with a store, the real indexer behind a recorder,
// and a poller of the table's stream from its start.
type env struct {
	*tables.TestStore
	poller *streamlocal.Poller
	rec    *recorder
}

// recorder wraps a handler: it keeps every event delivered, fails a
// delivery when fail says so, and fails the test when a record that the
// template's filter drops reaches the handler.
type recorder struct {
	t     *testing.T
	inner streamlocal.Handler
	mu    sync.Mutex
	seen  []events.DynamoDBEvent
	fail  func(ev events.DynamoDBEvent, call int) (events.DynamoDBEventResponse, error, bool)
}

func (r *recorder) handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	r.mu.Lock()
	r.seen = append(r.seen, ev)
	call, fail := len(r.seen), r.fail
	r.mu.Unlock()
	for _, rec := range ev.Records {
		if pk := rec.Change.Keys["PK"]; pk.DataType() != events.DataTypeString || !strings.HasPrefix(pk.String(), "SLUG#") {
			r.t.Errorf("the handler got a record the filter drops: %+v", rec.Change.Keys)
		}
	}
	if fail != nil {
		if resp, err, failed := fail(ev, call); failed {
			return resp, err
		}
	}
	return r.inner(ctx, ev)
}

// events returns a copy of what was delivered.
func (r *recorder) events() []events.DynamoDBEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seen)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st := tables.MustStoreWithStream(t)
	streams, err := streamlocal.NewClient(context.Background(), os.Getenv(ddblocal.EndpointEnv))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	rec := &recorder{t: t, inner: indexer.New(st.Store, log).Handle}
	p := streamlocal.New(st.DB, streams, st.Table, rec.handle, log)
	p.Backoff = 5 * time.Millisecond
	return &env{TestStore: st, poller: p, rec: rec}
}

// testWriter logs through t, so a failing test shows what the poller said.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (e *env) drain(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.poller.Drain(ctx); err != nil {
		t.Fatalf("drain: %v", err)
	}
}

// article returns a new published article.
func article(id, title, body string) *portal.Article {
	at := now.Add(-time.Hour)
	return &portal.Article{
		ID: id, Slug: "bai-" + id, Title: title, Summary: "Tóm tắt", Body: body,
		Author: "Phóng viên", Source: "Ban Tuyên giáo", Status: portal.StatusPublished, PublishAt: &at,
		CreatedAt: at, UpdatedAt: at, Version: 1,
	}
}

// create stores a (published) and returns it as stored.
func (e *env) create(t *testing.T, a *portal.Article) *portal.Article {
	t.Helper()
	if err := e.Store.CreateArticle(context.Background(), a, "tester", now.Add(-time.Hour)); err != nil {
		t.Fatalf("create %s: %v", a.ID, err)
	}
	stored, err := e.Store.ArticleByID(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return stored
}

// save stores the change from before to after (the workflow's result).
func (e *env) save(t *testing.T, before, after *portal.Article, action string, err error) *portal.Article {
	t.Helper()
	if err == nil {
		err = e.Store.SaveArticle(context.Background(), portal.ArticleChange{Before: before, After: after, Action: action, Actor: "tester", Now: now})
	}
	if err != nil {
		t.Fatalf("%s %s: %v", action, before.ID, err)
	}
	return after
}

// found returns the slugs a search for q finds at the instant at.
func (e *env) found(t *testing.T, q string, at time.Time) []string {
	t.Helper()
	page, err := e.Store.Search(context.Background(), portal.SearchQuery{Text: q, Limit: 20, Now: at})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var slugs []string
	for _, h := range page.Items {
		slugs = append(slugs, h.Slug)
	}
	return slugs
}

func (e *env) wantFound(t *testing.T, q string, at time.Time, want ...string) {
	t.Helper()
	if got := e.found(t, q, at); !slices.Equal(got, want) {
		t.Errorf("search %q = %v; want %v", q, got, want)
	}
}

// searchItems returns every search index item (PK SEARCH#…), keyed by
// "PK|SK", as JSON: what the index holds, compared whole.
func searchItems(t *testing.T, db *dynamodb.Client, table string) map[string]string {
	t.Helper()
	out := map[string]string{}
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{
		TableName: &table, ConsistentRead: aws.Bool(true),
		FilterExpression:          aws.String("begins_with(PK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: "SEARCH#"}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range page.Items {
			var m map[string]any
			if err := attributevalue.UnmarshalMap(item, &m); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(m) // map keys sorted
			out[m["PK"].(string)+"|"+m["SK"].(string)] = string(b)
		}
	}
	return out
}
