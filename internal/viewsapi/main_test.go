package viewsapi_test

import (
	"context"
	"embed"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"eportal/infra/ddblocal"
	"eportal/infra/demo"
	"eportal/infra/tables"
	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
	"eportal/internal/viewsapi"
)

func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }

//go:embed testdata/*.json
var testdata embed.FS

const (
	sampleSlug  = "day-manh-thuc-hien-cung-cap-thong-tin-phuc-vu-cong-tac-tuyen-truyen-mieng-cua-dang"
	sampleID    = "a7k2m9q4x1" // the demo content's id of the sample article
	sampleViews = 132          // its imported count
)

// start is 09:00 in Vietnam on 26/11/2026.
var start = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

// clock is a settable clock shared by the handlers of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a fresh table with the demo content, a store on it and
// counters of the store's calls and capacity.
type harness struct {
	db    *dynamodb.Client
	table string
	store *dynamo.Store
	calls *dynamotest.CallCounter
	units *dynamotest.CapacityMeter
	clock *clock
}

func mustHarness(t testing.TB, optFns ...func(*dynamodb.Options)) *harness {
	t.Helper()
	h := &harness{calls: &dynamotest.CallCounter{}, units: &dynamotest.CapacityMeter{}, clock: &clock{t: start}}
	opts := append([]func(*dynamodb.Options){h.calls.Option(), h.units.Option()}, optFns...)
	ts := tables.MustStore(t, opts...)
	h.db, h.table, h.store = ts.DB, ts.Table, ts.Store
	if _, err := demo.Load(context.Background(), h.store, start.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	h.calls.Reset()
	h.units.Reset()
	return h
}

// handler returns a new handler (a new function instance: empty caches) on
// the harness's store and clock.
func (h *harness) handler(cfg viewsapi.Config, opts ...viewsapi.Option) *viewsapi.Handler {
	return viewsapi.New(h.store, append([]viewsapi.Option{viewsapi.WithClock(h.clock.Now), viewsapi.WithConfig(cfg)}, opts...)...)
}

func event(t testing.TB, name string) apigw.Request { return apigwtest.Event(t, testdata, name) }

// beacon returns the sample beacon event from visitor n (an IP of its own).
func beacon(t testing.TB, slug string, n int) apigw.Request {
	ev := apigwtest.Call{Route: "/articles/{slug}/views", Params: map[string]string{"slug": slug}}.Request(event(t, "count-view"))
	ev.RequestContext.HTTP.SourceIP = fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)
	return ev
}

type result struct {
	status  int
	views   int64
	counted bool
	code    string
	resp    apigw.Response
}

// send serves req with h (any goroutine may call it) and checks, besides
// apigwtest.Do's checks, that the answer is no-store.
func send(t testing.TB, h *viewsapi.Handler, req apigw.Request) result {
	t.Helper()
	var body struct {
		Views   int64 `json:"views"`
		Counted bool  `json:"counted"`
		Error   struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	resp, ok := apigwtest.Do(t, h, req, &body)
	if !ok {
		return result{}
	}
	if resp.Headers["Cache-Control"] != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store", resp.Headers["Cache-Control"])
	}
	return result{resp.StatusCode, body.Views, body.Counted, body.Error.Code, resp}
}

// shardSum returns the article's count as its shards hold it.
func (h *harness) shardSum(t testing.TB, id string, n int) int64 {
	t.Helper()
	shards, err := h.store.ViewShards(context.Background(), id, n)
	if err != nil {
		t.Fatal(err)
	}
	return portal.Sum(shards).Total
}

// keysWithPrefix returns "PK|SK" of the items whose PK starts with one of
// prefixes, sorted.
func (h *harness) keysWithPrefix(t testing.TB, prefixes ...string) []string {
	t.Helper()
	return dynamotest.Keys(t, h.db, h.table, func(pk string) bool {
		return slices.ContainsFunc(prefixes, func(pre string) bool { return strings.HasPrefix(pk, pre) })
	})
}

// parallel runs f(i) for i in [0, n) on n goroutines, at most 64 of them
// calling DynamoDB Local at once.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			f(i)
		}()
	}
	wg.Wait()
}
