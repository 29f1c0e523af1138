package readapi_test

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"eportal/infra/ddblocal"
	"eportal/infra/demo"
	"eportal/infra/tables"
	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
	"eportal/internal/readapi"
)

func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }

//go:embed testdata/*.json
var testdata embed.FS

const sampleSlug = "day-manh-thuc-hien-cung-cap-thong-tin-phuc-vu-cong-tac-tuyen-truyen-mieng-cua-dang"

var now = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func event(t *testing.T, name string) apigw.Request { return apigwtest.Event(t, testdata, name) }

// mustHandler returns a handler on a fresh table holding the demo content and
// three more articles in category khoa-xix, and the counter of its calls.
func mustHandler(t *testing.T) (*readapi.Handler, *dynamotest.CallCounter) {
	t.Helper()
	h, _, calls := mustHandlerStore(t)
	return h, calls
}

// mustHandlerStore is mustHandler, with the store under the handler.
func mustHandlerStore(t *testing.T) (*readapi.Handler, *dynamo.Store, *dynamotest.CallCounter) {
	t.Helper()
	calls := &dynamotest.CallCounter{}
	store := tables.MustStore(t, calls.Option()).Store
	if _, err := demo.Load(context.Background(), store, now); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		at := now.Add(-time.Duration(i) * time.Hour)
		a := &portal.Article{ID: fmt.Sprintf("x%d", i), Slug: fmt.Sprintf("khoa-xix-tin-%d", i), Title: fmt.Sprintf("Tin %d", i),
			Categories: []string{"khoa-xix"}, Status: portal.StatusPublished, PublishAt: &at, CreatedAt: at, UpdatedAt: at, Version: 1}
		if err := store.CreateArticle(context.Background(), a, "tester", now); err != nil {
			t.Fatal(err)
		}
	}
	calls.Reset()
	return readapi.New(store, readapi.WithClock(func() time.Time { return now })), store, calls
}

func TestGetArticle(t *testing.T) {
	h, calls := mustHandler(t)
	resp, body := apigwtest.Serve(t, h, event(t, "get-article"))
	if resp.StatusCode != 200 {
		t.Fatalf("status = %d; want 200: %s", resp.StatusCode, resp.Body)
	}
	want := map[string]any{
		"slug":        sampleSlug,
		"title":       "Đẩy mạnh thực hiện cung cấp thông tin phục vụ công tác tuyên truyền miệng của Đảng",
		"displayTime": "14:20 | 17/11/2020",
		"publishAt":   "2020-11-17T07:20:00Z",
		"source":      "Báo cáo số 04-BC/TU, ngày 30/10/2020 của Tỉnh ủy Quảng Nam",
		"author":      "Nguyễn Phi Anh - Ban TGTU",
		"views":       float64(132),
	}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("%s = %v; want %v", k, body[k], v)
		}
	}
	if b, _ := body["body"].(string); !strings.Contains(b, "<h3>") {
		t.Errorf("body lacks the article HTML: %.80q", b)
	}
	if c := calls.Counts(); c["GetItem"] != 1 || calls.Total() != 1 {
		t.Errorf("DynamoDB calls = %v; want exactly 1 GetItem", c)
	}
	if resp.Headers["ETag"] == "" || !strings.HasPrefix(resp.Headers["Cache-Control"], "public, max-age=60") {
		t.Errorf("headers = %v; want an ETag and a public Cache-Control", resp.Headers)
	}

	// The same request with the ETag gets a bodiless 304.
	req := event(t, "get-article")
	req.Headers["if-none-match"] = `W/"other", ` + resp.Headers["ETag"]
	again, _ := apigwtest.Serve(t, h, req)
	if again.StatusCode != 304 || again.Body != "" || again.Headers["ETag"] != resp.Headers["ETag"] {
		t.Errorf("conditional GET = %d %q %v; want 304, no body, same ETag", again.StatusCode, again.Body, again.Headers)
	}
	req.Headers["if-none-match"] = `"stale"`
	if stale, _ := apigwtest.Serve(t, h, req); stale.StatusCode != 200 {
		t.Errorf("GET with a stale ETag = %d; want 200", stale.StatusCode)
	}
}

func TestRequests(t *testing.T) {
	h, calls := mustHandler(t)
	tests := []struct {
		event     string
		status    int
		code      string
		items     int // for lists: items on the page; -1 to skip
		wantCalls int
	}{
		{"get-article-missing", 404, portal.ENOTFOUND, -1, 1},
		{"get-article-malformed", 404, portal.ENOTFOUND, -1, 0},
		{"list-articles", 200, "", 2, 1},
		{"list-articles-category", 200, "", 1, 1},
		{"list-articles-bad-limit", 400, portal.EINVALID, -1, 0},
		{"list-articles-repeated-limit", 400, portal.EINVALID, -1, 0},
		{"list-articles-forged-cursor", 400, portal.EINVALID, -1, 0},
		{"list-categories", 200, "", 2, 1},
		{"list-links", 200, "", 5, 1},
		{"popular", 200, "", 0, 1}, // nothing read yet: the ranking query finds no entry
		{"popular-bad-period", 400, portal.EINVALID, -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			calls.Reset()
			resp, body := apigwtest.Serve(t, h, event(t, tt.event))
			if resp.StatusCode != tt.status || apigwtest.ErrorCode(body) != tt.code {
				t.Fatalf("= %d %s; want %d with code %q", resp.StatusCode, resp.Body, tt.status, tt.code)
			}
			if tt.items >= 0 {
				items, _ := body["items"].([]any)
				if len(items) != tt.items {
					t.Errorf("%d items; want %d: %s", len(items), tt.items, resp.Body)
				}
			}
			if got := calls.Total(); got != tt.wantCalls {
				t.Errorf("DynamoDB calls = %v; want %d", calls.Counts(), tt.wantCalls)
			}
			if tt.status >= 400 && strings.Contains(resp.Body, "dynamo") {
				t.Errorf("error body leaks internals: %s", resp.Body)
			}
		})
	}
}

func TestListWalk(t *testing.T) {
	h, _ := mustHandler(t)
	req := event(t, "list-articles")
	req.QueryStringParameters = map[string]string{"limit": "1"}
	var slugs []string
	for i := 0; i < 10; i++ {
		resp, body := apigwtest.Serve(t, h, req)
		if resp.StatusCode != 200 {
			t.Fatalf("page %d: %d %s", i, resp.StatusCode, resp.Body)
		}
		for _, it := range body["items"].([]any) {
			item := it.(map[string]any)
			slugs = append(slugs, item["slug"].(string))
			if _, ok := item["body"]; ok {
				t.Errorf("list item carries the body")
			}
		}
		next, _ := body["nextCursor"].(string)
		if next == "" {
			break
		}
		req.QueryStringParameters = map[string]string{"limit": "1", "cursor": next}
	}
	want := []string{"khoa-xix-tin-1", "khoa-xix-tin-2", "khoa-xix-tin-3", sampleSlug}
	if fmt.Sprint(slugs) != fmt.Sprint(want) {
		t.Errorf("walk = %v; want %v", slugs, want)
	}
	// A cursor of the full list is refused on a category list.
	req.QueryStringParameters = map[string]string{"limit": "1"}
	_, body := apigwtest.Serve(t, h, req)
	req.QueryStringParameters = map[string]string{"category": "khoa-xix", "cursor": body["nextCursor"].(string)}
	if resp, body := apigwtest.Serve(t, h, req); resp.StatusCode != 400 || apigwtest.ErrorCode(body) != portal.EINVALID {
		t.Errorf("foreign cursor = %d %s; want 400 invalid", resp.StatusCode, resp.Body)
	}
}

// TestListRevalidates holds the CDN's revalidation of a list page: the cursor
// of a page's last row encodes the same every time, so two identical list
// requests give the same body and ETag, and the ETag gets a 304.
func TestListRevalidates(t *testing.T) {
	h, _ := mustHandler(t)
	req := event(t, "list-articles")
	req.QueryStringParameters = map[string]string{"limit": "1"}
	first, body := apigwtest.Serve(t, h, req)
	if first.StatusCode != 200 || body["nextCursor"] == nil {
		t.Fatalf("first page = %d %s; want 200 with a nextCursor", first.StatusCode, first.Body)
	}
	second, _ := apigwtest.Serve(t, h, req)
	if second.Body != first.Body || second.Headers["ETag"] != first.Headers["ETag"] {
		t.Fatalf("two identical list requests differ:\n %s %s\n %s %s",
			first.Headers["ETag"], first.Body, second.Headers["ETag"], second.Body)
	}
	req.Headers["if-none-match"] = first.Headers["ETag"]
	if again, _ := apigwtest.Serve(t, h, req); again.StatusCode != 304 || again.Body != "" {
		t.Errorf("list with If-None-Match: its ETag = %d %q; want 304, no body", again.StatusCode, again.Body)
	}
}

func TestBadQueries(t *testing.T) {
	h, calls := mustHandler(t)
	for _, q := range []map[string]string{
		{"limit": "0"}, {"limit": "-1"}, {"limit": "1.5"}, {"limit": "abc"}, {"limit": "+5"}, {"limit": "05"},
		{"limit": ""}, {"cursor": ""}, {"category": "Khóa XIX"}, {"category": strings.Repeat("a", 101)},
		{"category": "a,b"},
	} {
		req := event(t, "list-articles")
		req.QueryStringParameters = q
		calls.Reset()
		if resp, body := apigwtest.Serve(t, h, req); resp.StatusCode != 400 || apigwtest.ErrorCode(body) != portal.EINVALID || calls.Total() != 0 {
			t.Errorf("query %v = %d %s after %d calls; want 400 invalid and no call", q, resp.StatusCode, resp.Body, calls.Total())
		}
	}
}

func TestUnknownRoute(t *testing.T) {
	h, _ := mustHandler(t)
	req := event(t, "list-links")
	req.RouteKey = "DELETE /links"
	if resp, _ := apigwtest.Serve(t, h, req); resp.StatusCode != 404 {
		t.Errorf("unknown route = %d; want 404", resp.StatusCode)
	}
}

// fakeStore fails every call with err: the handler's error mapping is pure
// logic, tested without a store.
type fakeStore struct{ err error }

func (f fakeStore) ArticleBySlug(context.Context, string, time.Time) (portal.SlugTarget, error) {
	return portal.SlugTarget{}, f.err
}
func (f fakeStore) ListArticles(context.Context, portal.ArticleQuery) (portal.ArticlePage, error) {
	return portal.ArticlePage{}, f.err
}
func (f fakeStore) Categories(context.Context) ([]portal.Category, error) { return nil, f.err }
func (f fakeStore) Links(context.Context) ([]portal.Link, error)          { return nil, f.err }
func (f fakeStore) Popular(context.Context, portal.Period, int, time.Time) ([]portal.Article, error) {
	return nil, f.err
}
func (f fakeStore) Search(context.Context, portal.SearchQuery) (portal.SearchPage, error) {
	return portal.SearchPage{}, f.err
}
func (f fakeStore) Documents(context.Context, portal.DocumentQuery) ([]portal.Article, string, error) {
	return nil, "", f.err
}
func (f fakeStore) DocumentByID(context.Context, string, time.Time) (*portal.Article, error) {
	return nil, f.err
}

func TestStoreFailures(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		retryAfter bool
	}{
		{"throttled", &portal.Error{Code: portal.EUNAVAILABLE, Op: "dynamo.ArticleBySlug", Err: errors.New("ProvisionedThroughputExceeded")}, 503, true},
		{"unexpected", errors.New("table eportal-prod: AccessDenied for arn:aws:iam::123"), 500, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := readapi.New(fakeStore{tt.err})
			for _, ev := range []string{"get-article", "list-articles", "list-categories", "list-links", "popular", "search"} {
				resp, _ := apigwtest.Serve(t, h, event(t, ev))
				if resp.StatusCode != tt.status || (resp.Headers["Retry-After"] != "") != tt.retryAfter {
					t.Errorf("%s = %d %v; want %d, Retry-After %v", ev, resp.StatusCode, resp.Headers, tt.status, tt.retryAfter)
				}
				if strings.Contains(resp.Body, "arn:") || strings.Contains(resp.Body, "Provisioned") || resp.Headers["Cache-Control"] != "no-store" {
					t.Errorf("%s leaks or caches a failure: %v %s", ev, resp.Headers, resp.Body)
				}
			}
		})
	}
}

func TestRedirect(t *testing.T) {
	h := readapi.New(redirectStore{})
	resp, _ := apigwtest.Serve(t, h, event(t, "get-article-missing"))
	if resp.StatusCode != 301 || resp.Headers["Location"] != "/articles/ten-moi" {
		t.Errorf("old slug = %d %v; want 301 to /articles/ten-moi", resp.StatusCode, resp.Headers)
	}
}

// TestRedirectBasePath: behind an edge that serves eportal under a prefix,
// the 301 sends the client back under it.
func TestRedirectBasePath(t *testing.T) {
	h := readapi.New(redirectStore{}, readapi.WithBasePath("/tin-tuc"))
	resp, _ := apigwtest.Serve(t, h, event(t, "get-article-missing"))
	if resp.StatusCode != 301 || resp.Headers["Location"] != "/tin-tuc/articles/ten-moi" {
		t.Errorf("old slug = %d %v; want 301 to /tin-tuc/articles/ten-moi", resp.StatusCode, resp.Headers)
	}
}

type redirectStore struct{ fakeStore }

func (redirectStore) ArticleBySlug(context.Context, string, time.Time) (portal.SlugTarget, error) {
	return portal.SlugTarget{MovedTo: "ten-moi"}, nil
}
