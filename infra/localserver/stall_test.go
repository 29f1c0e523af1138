package localserver_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"eportal/infra/ddblocal"
	"eportal/infra/demo"
	"eportal/infra/localserver"
	"eportal/infra/tables"
	"eportal/internal/apigw"
	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/readapi"
)

const sampleSlug = "day-manh-thuc-hien-cung-cap-thong-tin-phuc-vu-cong-tac-tuyen-truyen-mieng-cua-dang"

// TestStalledStore: DynamoDB accepts connections and does not answer. Every
// kind of request — article, list, beacon, vote, admin create — answers 503
// with Retry-After within its budget, never hangs and never answers 500;
// once the table answers again, so do the routes. The client is the deployed
// one (dynamo.AWSTimeouts and retries), behind a proxy that stalls.
func TestStalledStore(t *testing.T) {
	ctx := context.Background()
	st := tables.MustStore(t)
	if _, err := demo.Load(ctx, st.Store, time.Now()); err != nil {
		t.Fatal(err)
	}
	proxy := dynamotest.NewProxy(t, os.Getenv(ddblocal.EndpointEnv))
	db, err := ddblocal.NewClient(ctx, proxy.Endpoint(), dynamo.ClientOptions(dynamo.AWSTimeouts))
	if err != nil {
		t.Fatal(err)
	}
	budget := apigw.Budget{Read: time.Second, Write: 2 * time.Second}
	claims := map[string]string{"sub": "33333333-3333-4333-8333-333333333333", "cognito:groups": "[admin]"}
	srv, err := localserver.New(mustTemplate(t).Routes(), localserver.Functions(dynamo.New(db, st.Table, st.Cursors), time.Now, budget),
		nil, slog.New(slog.NewTextHandler(io.Discard, nil)),
		localserver.WithAuthorizer(func(string) (map[string]string, error) { return claims, nil }))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(validated(t, srv))
	t.Cleanup(ts.Close)
	client := &http.Client{Timeout: 30 * time.Second}
	send := func(method, path, body string) (*http.Response, string, time.Duration) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer local")
		req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36")
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b), time.Since(start)
	}
	if resp, body, _ := send("GET", "/articles/"+sampleSlug, ""); resp.StatusCode != 200 {
		t.Fatalf("before the stall: %d %s", resp.StatusCode, body)
	}

	proxy.Pause()
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/articles/" + sampleSlug + "?stalled", ""},
		{"GET", "/articles?limit=5", ""},
		{"GET", "/polls/danh-gia-cong-thong-tin", ""},
		{"POST", "/articles/" + sampleSlug + "/views", ""},
		{"POST", "/polls/danh-gia-cong-thong-tin/votes", `{"choices":["o1"]}`},
		{"POST", "/admin/articles", `{"title":"Bài viết khi bảng bị treo"}`},
	} {
		resp, body, took := send(c.method, c.path, c.body)
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		_ = json.Unmarshal([]byte(body), &e)
		if resp.StatusCode != 503 || e.Error.Code != "unavailable" || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s with the table stalled = %d %s (Retry-After %q); want 503 unavailable with Retry-After",
				c.method, c.path, resp.StatusCode, body, resp.Header.Get("Retry-After"))
		}
		limit := budget.Write
		if c.method == "GET" {
			limit = budget.Read
		}
		// The answer comes when the budget is spent; a second on top for
		// a loaded machine. Without a deadline it would never come.
		if took > limit+time.Second {
			t.Errorf("%s %s answered after %v; the budget is %v", c.method, c.path, took.Round(time.Millisecond), limit)
		}
	}

	proxy.Resume()
	if resp, body, _ := send("GET", "/articles/"+sampleSlug, ""); resp.StatusCode != 200 {
		t.Errorf("after the stall: %d %s", resp.StatusCode, body)
	}
}

// TestGoneCallerIsNot500: a request whose caller went away (a cancelled
// context) while the store was working is logged and answered as
// unavailable, not as an internal error.
func TestGoneCallerIsNot500(t *testing.T) {
	st := tables.MustStore(t)
	h := readapi.New(st.Store)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	resp, err := h.Handle(ctx, apigw.Request{RouteKey: "GET /articles/{slug}", PathParameters: map[string]string{"slug": sampleSlug},
		RequestContext: apigw.Request{}.RequestContext})
	if err != nil || resp.StatusCode != 503 {
		t.Errorf("cancelled request = %d %s, %v; want 503", resp.StatusCode, resp.Body, err)
	}
}
