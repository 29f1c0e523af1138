package adminapi_test

import (
	"strings"
	"testing"
	"time"
)

// TestEditorialFlow is the README's flow: an editor writes and submits, a
// reader sees nothing, a publisher publishes, the reader sees it; then
// corrections, slug changes, scheduling, expiry, unpublishing and archiving
// each show up (or not) on the public side as they must.
func TestEditorialFlow(t *testing.T) {
	e := mustEnv(t)
	id, tag := e.create(t, draftBody)
	const slug = "hoi-nghi-ban-chap-hanh-dang-bo-tinh-lan-thu-15"
	if got := e.public(t, slug); got != 404 {
		t.Fatalf("draft is public: %d", got)
	}
	if resp, _ := e.act(t, "editor", id, "publish", "", nil); resp.StatusCode != 403 {
		t.Errorf("editor publish = %d; want 403", resp.StatusCode)
	}
	resp, b := e.act(t, "editor", id, "submit", "", ifMatch(tag))
	if resp.StatusCode != 200 || b["status"] != "in_review" {
		t.Fatalf("submit = %d %s", resp.StatusCode, resp.Body)
	}
	if got := e.public(t, slug); got != 404 {
		t.Fatalf("article in review is public: %d", got)
	}
	resp, b = e.act(t, "publisher", id, "reject", `{"reason":"Thiếu nguồn trích dẫn"}`, nil)
	if resp.StatusCode != 200 || b["status"] != "draft" || b["rejectionReason"] != "Thiếu nguồn trích dẫn" {
		t.Fatalf("reject = %d %s", resp.StatusCode, resp.Body)
	}
	e.act(t, "editor", id, "submit", "", nil)
	resp, b = e.act(t, "publisher", id, "publish", "", nil)
	if resp.StatusCode != 200 || b["status"] != "published" {
		t.Fatalf("publish = %d %s", resp.StatusCode, resp.Body)
	}
	if got := e.public(t, slug); got != 200 {
		t.Fatalf("published article = %d; want 200", got)
	}
	if list := e.publicList(t, "khoa-xix"); !strings.Contains(list, slug) {
		t.Errorf("published article missing from its category list: %s", list)
	}

	// An editor's correction stays out of public view until republished.
	tag = resp.Headers["ETag"]
	edited := strings.Replace(draftBody, "Tóm tắt", "Tóm tắt đã sửa", 1)
	edited = strings.Replace(edited, `{"title"`, `{"slug":"hoi-nghi-lan-thu-15","title"`, 1)
	resp, _ = e.do(t, call{role: "editor", method: "PUT", route: "/admin/articles/{id}",
		params: map[string]string{"id": id}, body: edited, headers: ifMatch(tag)})
	if resp.StatusCode != 200 {
		t.Fatalf("edit = %d %s", resp.StatusCode, resp.Body)
	}
	if got := e.public(t, "hoi-nghi-lan-thu-15"); got != 404 {
		t.Errorf("new slug public before republishing: %d", got)
	}
	if list := e.publicList(t, ""); strings.Contains(list, "đã sửa") {
		t.Errorf("unapproved edit reached readers: %s", list)
	}
	resp, _ = e.act(t, "publisher", id, "publish", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("republish = %d %s", resp.StatusCode, resp.Body)
	}
	if got := e.public(t, "hoi-nghi-lan-thu-15"); got != 200 {
		t.Errorf("new slug after republish = %d; want 200", got)
	}
	if got := e.public(t, slug); got != 301 {
		t.Errorf("old slug after republish = %d; want 301", got)
	}
	if list := e.publicList(t, ""); !strings.Contains(list, "đã sửa") || strings.Count(list, `"id":"`+id+`"`) != 1 {
		t.Errorf("list after republish: %s", list)
	}

	// Unpublish: gone from every public route, old slugs included.
	if resp, _ := e.act(t, "publisher", id, "unpublish", "", nil); resp.StatusCode != 200 {
		t.Fatalf("unpublish = %d %s", resp.StatusCode, resp.Body)
	}
	for _, s := range []string{slug, "hoi-nghi-lan-thu-15"} {
		if got := e.public(t, s); got != 404 {
			t.Errorf("after unpublish /articles/%s = %d; want 404", s, got)
		}
	}
	if list := e.publicList(t, "khoa-xix"); strings.Contains(list, id) {
		t.Errorf("unpublished article still listed: %s", list)
	}

	// Scheduled for later: invisible until its time, then visible without
	// any further write.
	e.act(t, "editor", id, "submit", "", nil)
	later := now.Add(2 * time.Hour).Format(time.RFC3339)
	resp, b = e.act(t, "publisher", id, "publish", `{"publishAt":"`+later+`","expiresAt":"`+now.Add(5*time.Hour).Format(time.RFC3339)+`"}`, nil)
	if resp.StatusCode != 200 || b["status"] != "scheduled" {
		t.Fatalf("schedule = %d %s", resp.StatusCode, resp.Body)
	}
	if got := e.public(t, "hoi-nghi-lan-thu-15"); got != 404 {
		t.Errorf("scheduled article public early: %d", got)
	}
	*e.clock = now.Add(3 * time.Hour)
	if got := e.public(t, "hoi-nghi-lan-thu-15"); got != 200 {
		t.Errorf("scheduled article after its time = %d; want 200", got)
	}
	*e.clock = now.Add(6 * time.Hour)
	if got := e.public(t, "hoi-nghi-lan-thu-15"); got != 404 {
		t.Errorf("expired article = %d; want 404", got)
	}
	*e.clock = now.Add(3 * time.Hour)
	if resp, _ := e.act(t, "publisher", id, "archive", "", nil); resp.StatusCode != 200 {
		t.Fatalf("archive = %d %s", resp.StatusCode, resp.Body)
	}
	if got := e.public(t, "hoi-nghi-lan-thu-15"); got != 404 {
		t.Errorf("archived article = %d; want 404", got)
	}
	if resp, _ := e.act(t, "publisher", id, "publish", "", nil); resp.StatusCode != 409 {
		t.Errorf("publish archived = %d; want 409", resp.StatusCode)
	}

	// Delete (admin): 204, then 404 everywhere; the audit trail stays.
	resp, _ = e.do(t, call{role: "admin", method: "DELETE", route: "/admin/articles/{id}", params: map[string]string{"id": id}})
	if resp.StatusCode != 204 {
		t.Fatalf("delete = %d %s", resp.StatusCode, resp.Body)
	}
	if resp, _ := e.do(t, call{role: "editor", method: "GET", route: "/admin/articles/{id}", params: map[string]string{"id": id}}); resp.StatusCode != 404 {
		t.Errorf("GET deleted = %d; want 404", resp.StatusCode)
	}
	_, b = e.do(t, call{role: "admin", method: "GET", route: "/admin/audit", query: map[string]string{"entity": "article:" + id, "limit": "100"}})
	var actions []string
	for _, it := range b["items"].([]any) {
		actions = append(actions, it.(map[string]any)["action"].(string))
	}
	want := "delete archive publish submit unpublish publish update publish submit reject submit create"
	if strings.Join(actions, " ") != want {
		t.Errorf("audit actions = %v; want %s", actions, want)
	}
}

func TestRevisionsAndRestore(t *testing.T) {
	e := mustEnv(t)
	id, tag := e.create(t, draftBody)
	edited := strings.Replace(draftBody, "lần thứ 15", "lần thứ 16", 1)
	resp, _ := e.do(t, call{role: "editor", method: "PUT", route: "/admin/articles/{id}",
		params: map[string]string{"id": id}, body: edited, headers: ifMatch(tag)})
	if resp.StatusCode != 200 || resp.Headers["ETag"] != fmtETag(2) {
		t.Fatalf("edit = %d %v %s", resp.StatusCode, resp.Headers, resp.Body)
	}
	p := map[string]string{"id": id, "n": "1"}
	resp, b := e.do(t, call{role: "editor", method: "POST", route: "/admin/articles/{id}/revisions/{n}/restore", params: p, headers: ifMatch(fmtETag(2))})
	if resp.StatusCode != 200 || b["version"] != float64(3) || !strings.Contains(b["title"].(string), "lần thứ 15") {
		t.Fatalf("restore = %d %s", resp.StatusCode, resp.Body)
	}
	_, b = e.do(t, call{role: "editor", method: "GET", route: "/admin/articles/{id}/revisions", params: map[string]string{"id": id}})
	items := b["items"].([]any)
	if len(items) != 3 {
		t.Fatalf("revisions = %d; want 3", len(items))
	}
	titles := []string{}
	for _, it := range items {
		titles = append(titles, it.(map[string]any)["title"].(string))
	}
	if !strings.Contains(titles[0], "15") || !strings.Contains(titles[1], "16") || !strings.Contains(titles[2], "15") {
		t.Errorf("revision titles (newest first) = %v", titles)
	}
	for _, n := range []string{"4", "0", "-1", "x", "01"} {
		resp, _ := e.do(t, call{role: "editor", method: "GET", route: "/admin/articles/{id}/revisions/{n}", params: map[string]string{"id": id, "n": n}})
		if resp.StatusCode != 404 {
			t.Errorf("revision %s = %d; want 404", n, resp.StatusCode)
		}
	}
	// A stale restore changes nothing.
	resp, _ = e.do(t, call{role: "editor", method: "POST", route: "/admin/articles/{id}/revisions/{n}/restore", params: map[string]string{"id": id, "n": "2"}, headers: ifMatch(fmtETag(2))})
	if resp.StatusCode != 412 {
		t.Errorf("stale restore = %d; want 412", resp.StatusCode)
	}
}
