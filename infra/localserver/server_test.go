package localserver_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"eportal/infra/ddblocal"
	"eportal/infra/demo"
	"eportal/infra/localserver"
	"eportal/infra/tables"
	"eportal/infra/template"
	"eportal/internal/apigw"
)

func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }

func mustTemplate(t testing.TB) *template.Template {
	t.Helper()
	path, err := template.Find()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// TestTemplateRoutesHaveHandlers holds template.yaml and the handlers to each
// other: every route of a function is served by that function's handler, and
// every route a handler serves is declared for it in the template.
func TestTemplateRoutesHaveHandlers(t *testing.T) {
	tmpl := mustTemplate(t)
	fns := localserver.Functions(nil, time.Now, apigw.DefaultBudget)
	declared := map[string][]string{}
	for _, r := range tmpl.Routes() {
		declared[r.Function] = append(declared[r.Function], r.RouteKey())
	}
	consumers, err := tmpl.StreamConsumers()
	if err != nil {
		t.Fatal(err)
	}
	streams := localserver.StreamFunctions(nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	fed := map[string]bool{}
	for _, c := range consumers {
		fed[c.Function] = true
		if _, ok := streams[c.Function]; !ok {
			t.Errorf("function %s reads the table's stream (%s) but has no handler in localserver.StreamFunctions", c.Function, c.Mapping)
		}
	}
	for id := range streams {
		if !fed[id] {
			t.Errorf("localserver.StreamFunctions has %s, which reads no stream in template.yaml", id)
		}
	}
	buckets, err := tmpl.BucketConsumers()
	if err != nil {
		t.Fatal(err)
	}
	bucketFns := localserver.BucketFunctions(nil, nil, "/media", slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, c := range buckets {
		fed[c.Function] = true
		if _, ok := bucketFns[c.Function]; !ok {
			t.Errorf("function %s takes %s's events (%s) but has no handler in localserver.BucketFunctions", c.Function, c.Bucket, c.Event)
		}
	}
	for id := range bucketFns {
		if !slices.ContainsFunc(buckets, func(c template.BucketConsumer) bool { return c.Function == id }) {
			t.Errorf("localserver.BucketFunctions has %s, which takes no bucket's events in template.yaml", id)
		}
	}
	for _, id := range tmpl.Functions() {
		if _, ok := fns[id]; !ok && !fed[id] {
			t.Errorf("function %s in template.yaml has no handler in localserver.Functions", id)
		}
	}
	for id, fn := range fns {
		got := fn.Routes()
		want := declared[id]
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: handler serves %v; template declares %v", id, got, want)
		}
	}
	if len(declared) == 0 {
		t.Fatal("template.yaml declares no routes")
	}
}

func mustServer(t *testing.T) *httptest.Server {
	t.Helper()
	ts, _ := mustServerTable(t)
	return ts
}

// mustServerTable serves the template's routes on a fresh table holding the
// demo content, and returns the table's name too.
func mustServerTable(t testing.TB) (*httptest.Server, string) {
	t.Helper()
	st := tables.MustStore(t)
	store, table := st.Store, st.Table
	if _, err := demo.Load(context.Background(), store, time.Now()); err != nil {
		t.Fatal(err)
	}
	tmpl := mustTemplate(t)
	cors, err := tmpl.CORS()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := localserver.New(tmpl.Routes(), localserver.Functions(store, time.Now, apigw.DefaultBudget),
		[]string{"http://localhost:5173"}, slog.New(slog.NewTextHandler(io.Discard, nil)), localserver.WithCORS(cors))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(validated(t, srv))
	t.Cleanup(ts.Close)
	return ts, table
}

func TestServesTemplateRoutes(t *testing.T) {
	ts := mustServer(t)
	const slug = "day-manh-thuc-hien-cung-cap-thong-tin-phuc-vu-cong-tac-tuyen-truyen-mieng-cua-dang"
	tests := []struct {
		method, path string
		status       int
		contains     string
	}{
		{"GET", "/articles/" + slug, 200, `"displayTime":"14:20 | 17/11/2020"`},
		{"GET", "/articles?limit=5", 200, slug},
		{"GET", "/articles?category=tin-tuc-su-kien", 200, slug},
		{"GET", "/articles?category=khoa-xix", 200, `"items":[]`},
		{"GET", "/categories", 200, `"name":"Khóa XIX"`},
		{"GET", "/links", 200, `"url":"https://chinhphu.vn"`},
		{"GET", "/articles/kh%C3%B3a", 404, `"not_found"`},
		{"GET", "/articles?limit=500", 400, `"invalid"`},
		{"POST", "/articles/" + slug + "/views", 200, `{"views":133,"counted":true}`},
		{"POST", "/articles/" + slug + "/views", 200, `{"views":133,"counted":false}`},
		{"GET", "/articles/" + slug + "/views", 405, `"method_not_allowed"`},
		{"DELETE", "/articles/" + slug + "/views", 405, `"method_not_allowed"`},
		{"POST", "/articles/khong-co/views", 404, `"not_found"`},
		{"GET", "/articles/popular?period=day", 200, `"periodViews":1`},
		{"GET", "/articles/popular?period=year", 400, `"invalid"`},
		// No route matches: API Gateway's $default route, the site's 404 —
		// a page for a reader, the JSON error for an API path.
		{"GET", "/nowhere", 404, `Không tìm thấy trang`},
		{"POST", "/articles", 404, `"not_found"`},
		{"GET", "/articles/a/b", 404, `"not_found"`},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, ts.URL+tt.path, nil)
		req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.contains) {
			t.Errorf("%s %s = %d %.200s; want %d containing %s", tt.method, tt.path, resp.StatusCode, body, tt.status, tt.contains)
		}
		if tt.status == 200 && !json.Valid(body) && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: body is not JSON", tt.method, tt.path)
		}
	}
}

func TestCORSPreflight(t *testing.T) {
	ts := mustServer(t)
	req, _ := http.NewRequest("OPTIONS", ts.URL+"/articles", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", "GET")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" {
		t.Errorf("preflight = %d %v; want 204 allowing the origin", resp.StatusCode, resp.Header)
	}
	// The answers are the template's CorsConfiguration, as API Gateway's.
	for h, want := range map[string]string{
		"Access-Control-Allow-Methods":  "GET, POST, PUT, DELETE, OPTIONS",
		"Access-Control-Allow-Headers":  "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Voter-Token",
		"Access-Control-Expose-Headers": "ETag, Location, X-Voter-Token, Retry-After, Idempotent-Replayed, Allow",
		"Access-Control-Max-Age":        "600",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q; want %q", h, got, want)
		}
	}
	req.Header.Set("Origin", "https://evil.example")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from a foreign origin allowed: %v", resp.Header)
	}
}
