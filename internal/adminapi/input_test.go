package adminapi_test

import (
	"context"
	"strings"
	"testing"

	"eportal/internal/apigw/apigwtest"
	"eportal/internal/portal"
)

func (e *env) deskSize(t *testing.T) int {
	t.Helper()
	items, _, err := e.store.Desk(context.Background(), portal.DeskQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

// TestBadInputChangesNothing: every malformed, forged or oversized create is
// refused with the right status before the store is written, and the desk
// stays as it was.
func TestBadInputChangesNothing(t *testing.T) {
	e := mustEnv(t)
	big := `{"title":"Bài rất dài","body":"` + strings.Repeat("<p>Nội dung dài.</p>", 30000) + `"}`
	tests := []struct {
		name    string
		body    string
		headers map[string]string
		status  int
	}{
		{"views", `{"title":"x","views":100000}`, nil, 400},
		{"status", `{"title":"x","status":"published"}`, nil, 400},
		{"Status (case variant)", `{"title":"x","Status":"published"}`, nil, 400},
		{"TITLE (case variant of an allowed field)", `{"TITLE":"x"}`, nil, 400},
		{"createdBy", `{"title":"x","createdBy":"admin"}`, nil, 400},
		{"version", `{"title":"x","version":99}`, nil, 400},
		{"id", `{"title":"x","id":"chosen"}`, nil, 400},
		{"publishAt", `{"title":"x","publishAt":"2020-01-01T00:00:00Z"}`, nil, 400},
		{"nested unknown", `{"title":"x","coverImage":{"url":"https://a.vn/a.jpg","onerror":"x"}}`, nil, 400},
		{"duplicate key", `{"title":"x","title":"y"}`, nil, 400},
		{"trailing data", `{"title":"x"} {"title":"y"}`, nil, 400},
		{"invalid UTF-8", "{\"title\":\"\xff\xfe\"}", nil, 400},
		{"not JSON", `title=x`, nil, 400},
		{"empty", ``, nil, 400},
		{"no title", `{"summary":"x"}`, nil, 400},
		{"title only tags", `{"title":"<b></b>"}`, nil, 400},
		{"unknown category", `{"title":"x","categories":["khong-co"]}`, nil, 400},
		{"javascript cover image", `{"title":"x","coverImage":{"url":"javascript:alert(1)"}}`, nil, 400},
		{"reserved slug", `{"title":"x","slug":"popular"}`, nil, 400},
		{"malformed slug", `{"title":"x","slug":"Khóa XIX"}`, nil, 400},
		{"wrong content type", `{"title":"x"}`, map[string]string{"Content-Type": "text/plain"}, 415},
		{"form content type", `{"title":"x"}`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415},
		{"body over 1 MB", `{"title":"x","body":"` + strings.Repeat("a", 1<<20) + `"}`, nil, 413},
		{"item over 400 KB", big, nil, 413},
	}
	start := e.deskSize(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.calls.Reset()
			resp, _ := e.do(t, call{role: "editor", method: "POST", route: "/admin/articles", body: tt.body, headers: tt.headers})
			if resp.StatusCode != tt.status {
				t.Errorf("= %d %.300s; want %d", resp.StatusCode, resp.Body, tt.status)
			}
			if c := e.calls.Counts(); c["TransactWriteItems"] != 0 && tt.status != 413 {
				t.Errorf("refused request reached a write: %v", c)
			}
		})
	}
	if got := e.deskSize(t); got != start {
		t.Errorf("desk has %d articles after refused creates; want %d", got, start)
	}
}

func TestStaleAndMissingIfMatch(t *testing.T) {
	e := mustEnv(t)
	id, tag := e.create(t, draftBody)
	put := func(h map[string]string) int {
		resp, _ := e.do(t, call{role: "editor", method: "PUT", route: "/admin/articles/{id}",
			params: map[string]string{"id": id}, body: strings.Replace(draftBody, "15", "99", 1), headers: h})
		return resp.StatusCode
	}
	for _, h := range []map[string]string{nil, ifMatch(`"7"`), ifMatch("*"), ifMatch(`W/` + tag), ifMatch("1"), ifMatch(`"abc"`)} {
		if got := put(h); got != 412 {
			t.Errorf("If-Match %v = %d; want 412", h, got)
		}
	}
	_, b := e.do(t, call{role: "editor", method: "GET", route: "/admin/articles/{id}", params: map[string]string{"id": id}})
	if b["version"] != float64(1) || strings.Contains(b["title"].(string), "99") {
		t.Errorf("refused saves changed the article: %v", b)
	}
	if got := put(ifMatch(tag)); got != 200 {
		t.Errorf("fresh If-Match = %d; want 200", got)
	}
	if got := put(ifMatch(tag)); got != 412 {
		t.Errorf("reused If-Match = %d; want 412", got)
	}
}

// TestOptionalIfMatch: a workflow action and a delete take If-Match
// without requiring it; when sent, a stale or malformed one is 412 and
// changes nothing.
func TestOptionalIfMatch(t *testing.T) {
	e := mustEnv(t)
	id, tag := e.create(t, draftBody)
	params := map[string]string{"id": id}
	for _, h := range []map[string]string{ifMatch(`"7"`), ifMatch("*"), ifMatch(`W/` + tag)} {
		if resp, b := e.act(t, "editor", id, "submit", "", h); resp.StatusCode != 412 || apigwtest.ErrorCode(b) != portal.EPRECONDITION {
			t.Errorf("submit with If-Match %v = %d %s; want 412", h, resp.StatusCode, resp.Body)
		}
		if resp, _ := e.do(t, call{role: "admin", method: "DELETE", route: "/admin/articles/{id}", params: params, headers: h}); resp.StatusCode != 412 {
			t.Errorf("delete with If-Match %v = %d %s; want 412", h, resp.StatusCode, resp.Body)
		}
	}
	if resp, _ := e.act(t, "editor", id, "submit", "", ifMatch(`"7"`)); !strings.Contains(resp.Body, "article is at version 1, not 7") {
		t.Errorf("stale submit's message: %s", resp.Body)
	}
	if resp, _ := e.act(t, "editor", id, "submit", "", ifMatch(tag)); resp.StatusCode != 200 {
		t.Fatalf("submit with the current ETag = %d %s", resp.StatusCode, resp.Body)
	}
	if resp, _ := e.do(t, call{role: "admin", method: "DELETE", route: "/admin/articles/{id}", params: params, headers: ifMatch(tag)}); resp.StatusCode != 412 {
		t.Errorf("delete with the ETag before the submit = %d; want 412", resp.StatusCode)
	}
	if resp, _ := e.do(t, call{role: "admin", method: "DELETE", route: "/admin/articles/{id}", params: params, headers: ifMatch(fmtETag(2))}); resp.StatusCode != 204 || resp.Body != "" {
		t.Errorf("delete with the current ETag = %d %q; want 204 without a body", resp.StatusCode, resp.Body)
	}
}

func TestXSSIsRemovedAndStructureSurvives(t *testing.T) {
	e := mustEnv(t)
	body := `<h2>Tiêu đề</h2><p onclick=\"x()\">Đoạn <a href=\"javascript:alert(1)\">xấu</a> và <a href=\"https://quangnam.gov.vn\">tốt</a></p>` +
		`<script>alert(1)</script><img src=x onerror=alert(1)><svg onload=alert(1)></svg><iframe src=\"https://evil.example/\"></iframe>` +
		`<ul><li>Một</li></ul><figure><img src=\"https://quangnam.gov.vn/a.jpg\" alt=\"Ảnh\"><figcaption>Chú thích</figcaption></figure>` +
		`<table><tr><th>Năm</th><td>2020</td></tr></table>`
	id, _ := e.create(t, `{"title":"<b>Tin</b> mới","body":"`+body+`"}`)
	_, b := e.do(t, call{role: "editor", method: "GET", route: "/admin/articles/{id}", params: map[string]string{"id": id}})
	stored := b["body"].(string)
	for _, bad := range []string{"<script", "onerror", "onload", "onclick", "javascript:", "<svg", "<iframe", "evil.example"} {
		if strings.Contains(stored, bad) {
			t.Errorf("stored body keeps %q: %s", bad, stored)
		}
	}
	for _, good := range []string{"<h2>Tiêu đề</h2>", "https://quangnam.gov.vn", "<li>Một</li>", "<figcaption>Chú thích</figcaption>", "<th>Năm</th>", `alt="Ảnh"`} {
		if !strings.Contains(stored, good) {
			t.Errorf("stored body lost %q: %s", good, stored)
		}
	}
	if b["title"] != "Tin mới" {
		t.Errorf("title = %q; want plain text", b["title"])
	}
}

func TestMissingIDs(t *testing.T) {
	e := mustEnv(t)
	for _, c := range []call{
		{role: "editor", method: "GET", route: "/admin/articles/{id}"},
		{role: "editor", method: "PUT", route: "/admin/articles/{id}", body: draftBody, headers: ifMatch(`"1"`)},
		{role: "editor", method: "POST", route: "/admin/articles/{id}/submit"},
		{role: "publisher", method: "POST", route: "/admin/articles/{id}/publish"},
		{role: "publisher", method: "POST", route: "/admin/articles/{id}/reject", body: `{"reason":"x"}`},
		{role: "admin", method: "DELETE", route: "/admin/articles/{id}"},
		{role: "editor", method: "GET", route: "/admin/articles/{id}/revisions"},
		{role: "admin", method: "PUT", route: "/admin/categories/{id}", body: `{"name":"x"}`, headers: ifMatch(`"1"`)},
		{role: "admin", method: "DELETE", route: "/admin/categories/{id}"},
		{role: "admin", method: "PUT", route: "/admin/links/{id}", body: `{"title":"x","url":"https://a.vn"}`, headers: ifMatch(`"1"`)},
		{role: "admin", method: "DELETE", route: "/admin/links/{id}"},
	} {
		for _, id := range []string{"khongtontai", "../etc", "KHONG"} {
			c.params = map[string]string{"id": id}
			if resp, b := e.do(t, c); resp.StatusCode != 404 || apigwtest.ErrorCode(b) != "not_found" {
				t.Errorf("%s %s with id %q = %d %s; want 404", c.method, c.route, id, resp.StatusCode, resp.Body)
			}
		}
	}
}

func TestCategoriesAndLinks(t *testing.T) {
	e := mustEnv(t)
	resp, b := e.do(t, call{role: "admin", method: "POST", route: "/admin/categories", body: `{"name":"Khóa XXIII","parentId":"dang-cong-san-viet-nam","position":10}`})
	if resp.StatusCode != 201 || b["id"] != "khoa-xxiii" {
		t.Fatalf("create category = %d %s", resp.StatusCode, resp.Body)
	}
	if resp, _ := e.do(t, call{role: "admin", method: "POST", route: "/admin/categories", body: `{"name":"Khóa XXIII"}`}); resp.StatusCode != 409 {
		t.Errorf("duplicate category = %d; want 409", resp.StatusCode)
	}
	if resp, _ := e.do(t, call{role: "admin", method: "POST", route: "/admin/categories", body: `{"name":"Mồ côi","parentId":"khong-co"}`}); resp.StatusCode != 400 {
		t.Errorf("category under a missing parent = %d; want 400", resp.StatusCode)
	}
	cat := func(method, id, body string, h map[string]string) int {
		resp, _ := e.do(t, call{role: "admin", method: method, route: "/admin/categories/{id}", params: map[string]string{"id": id}, body: body, headers: h})
		return resp.StatusCode
	}
	if got := cat("PUT", "dang-cong-san-viet-nam", `{"name":"Đảng","parentId":"khoa-xix"}`, ifMatch(`"1"`)); got != 409 {
		t.Errorf("moving a category under its child = %d; want 409", got)
	}
	if got := cat("DELETE", "dang-cong-san-viet-nam", "", nil); got != 409 {
		t.Errorf("deleting a category with children = %d; want 409", got)
	}
	if got := cat("DELETE", "tin-tuc-su-kien", "", nil); got != 409 {
		t.Errorf("deleting a category with articles = %d; want 409", got)
	}
	e.create(t, strings.Replace(draftBody, "khoa-xix", "khoa-xxiii", 1))
	if got := cat("DELETE", "khoa-xxiii", "", nil); got != 409 {
		t.Errorf("deleting a category with a draft = %d; want 409", got)
	}
	if got := cat("PUT", "khoa-xx", `{"name":"Khóa XX (sửa)"}`, ifMatch(`"1"`)); got != 200 {
		t.Errorf("rename = %d; want 200", got)
	}
	if got := cat("PUT", "khoa-xx", `{"name":"Lại sửa"}`, ifMatch(`"1"`)); got != 412 {
		t.Errorf("stale rename = %d; want 412", got)
	}
	if got := cat("DELETE", "khoa-xx", "", nil); got != 204 {
		t.Errorf("delete an empty leaf = %d; want 204", got)
	}

	resp, b = e.do(t, call{role: "admin", method: "POST", route: "/admin/links", body: `{"title":"Báo Nhân Dân","url":"https://nhandan.vn","position":6}`})
	if resp.StatusCode != 201 {
		t.Fatalf("create link = %d %s", resp.StatusCode, resp.Body)
	}
	for _, u := range []string{"javascript:alert(1)", "ftp://a.vn", "//a.vn", "data:text/html,x", "https://user:pw@a.vn"} {
		if resp, _ := e.do(t, call{role: "admin", method: "POST", route: "/admin/links", body: `{"title":"x","url":"` + u + `"}`}); resp.StatusCode != 400 {
			t.Errorf("link %s = %d; want 400", u, resp.StatusCode)
		}
	}
	lid := b["id"].(string)
	link := func(method, body string, h map[string]string) int {
		resp, _ := e.do(t, call{role: "admin", method: method, route: "/admin/links/{id}", params: map[string]string{"id": lid}, body: body, headers: h})
		return resp.StatusCode
	}
	if got := link("PUT", `{"title":"Nhân Dân","url":"https://nhandan.vn","position":1}`, ifMatch(`"1"`)); got != 200 {
		t.Errorf("update link = %d", got)
	}
	if got := link("DELETE", "", ifMatch(`"1"`)); got != 412 {
		t.Errorf("stale delete link = %d; want 412", got)
	}
	if got := link("DELETE", "", ifMatch(`"2"`)); got != 204 {
		t.Errorf("delete link = %d; want 204", got)
	}
}
