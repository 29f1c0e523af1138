package site_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/site"
)

// previewRequest is testdata/preview-event.json (POST /admin/preview through
// the JWT authorizer) with body, sent by a user in group (none: "").
func previewRequest(t *testing.T, group, body string) apigw.Request {
	t.Helper()
	ev := apigwtest.Call{Body: body}.Request(apigwtest.Event(t, testdata, "preview-event"))
	if group == "" {
		ev.RequestContext.Authorizer = nil
	} else {
		ev.RequestContext.Authorizer.JWT.Claims["cognito:groups"] = "[" + group + "]"
	}
	return ev
}

func TestPreviewRendersTheArticlePage(t *testing.T) {
	e := mustEnv(t, 0)
	// The demo article as the store keeps it, previewed with its own
	// fields, is the page readers get, but for its view count, its
	// modification time and the robots meta.
	target, err := e.store.ArticleBySlug(t.Context(), demoSlug, now)
	if err != nil {
		t.Fatal(err)
	}
	a := target.Article
	in := map[string]any{
		"id": a.ID, "slug": a.Slug, "title": a.Title, "summary": a.Summary, "body": a.Body,
		"categories": a.Categories, "tags": a.Tags, "author": a.Author, "source": a.Source,
		"coverImage": a.CoverImage, "publishAt": a.PublishAt,
	}
	body, _ := json.Marshal(in)
	e.calls.Reset()
	resp := serve(t, e.h, previewRequest(t, "editor", string(body)))
	if resp.StatusCode != http.StatusOK || resp.Headers["Content-Type"] != "text/html; charset=utf-8" || resp.Headers["Cache-Control"] != apigw.NoStore {
		t.Fatalf("preview = %d %v; want 200, HTML, no-store", resp.StatusCode, resp.Headers)
	}
	for op := range e.calls.Counts() {
		if !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "BatchGet") && op != "Query" {
			t.Errorf("preview called %s; want reads only (%v)", op, e.calls.Counts())
		}
	}
	if !strings.Contains(resp.Body, `<meta name="robots" content="noindex`) {
		t.Errorf("preview has no robots noindex")
	}
	real := e.get(t, "/bai-viet/"+a.Slug)
	views := regexp.MustCompile(`data-views>[0-9.]+<`)
	section := func(page string) string {
		i, j := strings.Index(page, `<article class="article"`), strings.Index(page, "</main>")
		if i < 0 || j < i {
			t.Fatalf("no article in %.300q", page)
		}
		return views.ReplaceAllString(page[i:j], "data-views>N<")
	}
	if got, want := section(resp.Body), section(real.Body); got != want {
		t.Errorf("preview's article differs from the page readers get:\n%s\nwant\n%s", got, want)
	}
}

func TestPreviewCleansAsASaveDoes(t *testing.T) {
	e := mustEnv(t, 0)
	publishAt := now.Add(48 * time.Hour)
	body, _ := json.Marshal(map[string]any{
		"title":     `Tin <b>mới</b> <script>alert(1)</script>`,
		"summary":   "Tóm tắt",
		"body":      `<h2 style="color:red">Tiêu đề nhỏ</h2><p onclick="x()">Đoạn <a href="javascript:alert(1)">một</a></p><script>alert(2)</script><iframe src="https://evil.example/x"></iframe>`,
		"author":    "Nguyễn Văn A",
		"publishAt": publishAt,
	})
	resp := serve(t, e.h, previewRequest(t, "editor", string(body)))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("preview = %d %s", resp.StatusCode, resp.Body)
	}
	for _, bad := range []string{"<script>alert", "onclick", "javascript:", "evil.example", `style="color`, "<b>mới</b>"} {
		if strings.Contains(resp.Body, bad) {
			t.Errorf("preview keeps %q, which a save drops", bad)
		}
	}
	for _, good := range []string{"<h2>Tiêu đề nhỏ</h2>", "Đoạn ", "Tác giả: Nguyễn Văn A", publishAt.In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006")} {
		if !strings.Contains(resp.Body, good) {
			t.Errorf("preview lacks %q", good)
		}
	}
}

func TestPreviewRefusals(t *testing.T) {
	e := mustEnv(t, 0)
	ok := `{"title":"Tin"}`
	for _, c := range []struct {
		name, group, body string
		status            int
	}{
		{"no token", "", ok, http.StatusUnauthorized},
		{"no role", "readers", ok, http.StatusForbidden},
		{"no title", "editor", `{"title":"  "}`, http.StatusBadRequest},
		{"unknown field", "editor", `{"title":"Tin","status":"published"}`, http.StatusBadRequest},
		{"not JSON", "editor", `<p>`, http.StatusBadRequest},
		{"unknown category", "editor", `{"title":"Tin","categories":["khong-co"]}`, http.StatusBadRequest},
		{"malformed category", "editor", `{"title":"Tin","categories":["../x"]}`, http.StatusBadRequest},
		{"bad cover", "editor", `{"title":"Tin","coverImage":{"url":"javascript:alert(1)"}}`, http.StatusBadRequest},
		{"title too long", "editor", `{"title":"` + strings.Repeat("ạ", 301) + `"}`, http.StatusBadRequest},
		{"bad time", "editor", `{"title":"Tin","publishAt":"mai"}`, http.StatusBadRequest},
	} {
		resp := serve(t, e.h, previewRequest(t, c.group, c.body))
		if resp.StatusCode != c.status || !strings.HasPrefix(resp.Headers["Content-Type"], "application/json") || resp.Headers["Cache-Control"] != apigw.NoStore {
			t.Errorf("%s: %d %v %s; want %d, a JSON error, no-store", c.name, resp.StatusCode, resp.Headers, resp.Body, c.status)
		}
	}
	// Only the route's key reaches the preview: the same path through
	// API Gateway's $default (any other method) is the API's JSON 404.
	get := request(t, "GET", "/admin/preview", nil)
	get.RouteKey = "$default"
	if resp := serve(t, e.h, get); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /admin/preview = %d; want 404", resp.StatusCode)
	}
	if !contains(e.h.Routes(), site.PreviewRoute) {
		t.Errorf("Routes() = %v; want %s among them", e.h.Routes(), site.PreviewRoute)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
