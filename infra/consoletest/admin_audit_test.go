package consoletest

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"eportal/infra/browser"
	"eportal/infra/localauth"
)

// auditRows returns the audit table's rows, cells joined by " | ".
func auditRows(t *testing.T, p *browser.Page) []string {
	t.Helper()
	var rows []string
	if err := p.Eval(t.Context(), `[...document.querySelectorAll("main table.audit tbody tr")].map(r => [...r.cells].map(c => c.innerText.trim()).join(" | "))`, &rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestAdminAudit: what an admin and an editor did is listed, newest first,
// with who, what, on which article or link (by name), and when in Vietnam
// time; a row's entity and actor filter the trail.
func TestAdminAudit(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	const linkTitle, articleTitle = "Trang nhật ký thử", "Bài nháp cho nhật ký thao tác"
	status, link := s.call(t, "admin", http.MethodPost, "/admin/links", `{"title":"`+linkTitle+`","url":"https://example.org/nhat-ky","position":90}`, nil)
	if status != http.StatusCreated {
		t.Fatalf("create link: %d %v", status, link)
	}
	linkID := link["id"].(string)
	if status, body := s.call(t, "admin", http.MethodPut, "/admin/links/"+linkID, `{"title":"`+linkTitle+`","url":"https://example.org/nhat-ky-2","position":91}`,
		map[string]string{"If-Match": `"1"`}); status != http.StatusOK {
		t.Fatalf("update link: %d %v", status, body)
	}
	status, article := s.call(t, "editor", http.MethodPost, "/admin/articles", `{"title":"`+articleTitle+`","summary":"Tóm tắt","body":"<p>Nội dung</p>","categories":["tin-tuc-su-kien"]}`, nil)
	if status != http.StatusCreated {
		t.Fatalf("create article: %d %v", status, article)
	}
	articleID := article["id"].(string)
	editor, _ := localauth.DevUser("editor")

	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "admin")
	openPage(t, p, "nhat-ky", "Nhật ký thao tác")
	waitFor(t, p, `document.querySelectorAll("main table.audit tbody tr").length > 0`, "the audit trail")
	checkAxe(t, p, "audit page")
	when := regexp.MustCompile(`^\d\d:\d\d \d\d/\d\d/20\d\d \| `)
	for _, r := range auditRows(t, p) {
		if !when.MatchString(r) {
			t.Errorf("row %q does not start with a Vietnam time", r)
		}
	}

	// The link's trail, reached from its row when it is on the first page,
	// else by its address: the update above the create, by the admin
	// (who is "Bạn"), named by its title.
	linkRow := fmt.Sprintf(`main table.audit a[href="/quan-tri/nhat-ky?doi-tuong=link%%3A%s"]`, linkID)
	if n, _ := p.Count(t.Context(), linkRow); n > 0 {
		if err := p.Click(t.Context(), linkRow); err != nil {
			t.Fatal(err)
		}
	} else if _, err := p.Navigate(t.Context(), s.URL+"/quan-tri/nhat-ky?doi-tuong=link:"+linkID); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "Chỉ hiện thao tác trên liên kết “"+linkTitle+"”", "the link's trail")
	waitFor(t, p, `document.querySelectorAll("main table.audit tbody tr").length === 2`, "two records of the link")
	rows := auditRows(t, p)
	for i, want := range []string{"Bạn (quan-tri@local) | Sửa | Liên kết: " + linkTitle + " | 2", "Bạn (quan-tri@local) | Tạo | Liên kết: " + linkTitle + " | 1"} {
		if !strings.HasSuffix(rows[i], want) {
			t.Errorf("row %d reads %q; want it to end %q", i, rows[i], want)
		}
	}

	// The article's trail names it by its title and its author by their
	// user id; the actor's link filters by them.
	if _, err := p.Navigate(t.Context(), s.URL+"/quan-tri/nhat-ky?doi-tuong=article:"+articleID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelectorAll("main table.audit tbody tr").length === 1`, "the article's record")
	if rows := auditRows(t, p); !strings.HasSuffix(rows[0], editor.Subject+" | Tạo | Bài viết: "+articleTitle+" | 1") {
		t.Errorf("the article's row reads %q", rows[0])
	}
	if err := p.Click(t.Context(), `main table.audit td a[href*="nguoi="]`); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "Chỉ hiện thao tác của người dùng "+editor.Subject, "the editor's trail")
	waitFor(t, p, `document.querySelectorAll("main table.audit tbody tr").length > 0`, "the editor's records")
	for _, r := range auditRows(t, p) {
		if !strings.Contains(r, " | "+editor.Subject+" | ") {
			t.Errorf("the editor's trail lists %q", r)
		}
	}
	if err := p.Click(t.Context(), `main p.filter a`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `location.search === "" && !document.querySelector("main p.filter") && document.querySelector("main table.audit")`, "the whole trail again")

	// A filter the API refuses is said, not a blank page.
	if _, err := p.Navigate(t.Context(), s.URL+"/quan-tri/nhat-ky?doi-tuong=ban-tin:x"); err != nil {
		t.Fatal(err)
	}
	if got := alertText(t, p, "main"); !strings.Contains(got, "Không tải được nhật ký") || !strings.Contains(got, "400") {
		t.Errorf("bad filter: alert %q", got)
	}
	noScriptErrors(t, p)
}

// TestAdminAuditPaging: 23 records of one link, its trail 20 a page:
// "Trang sau" shows the 3 oldest, none repeated, and "Về trang đầu" goes
// back.
func TestAdminAuditPaging(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	status, link := s.call(t, "admin", http.MethodPost, "/admin/links", `{"title":"Liên kết nhiều phiên bản","url":"https://example.org/phien-ban","position":95}`, nil)
	if status != http.StatusCreated {
		t.Fatalf("create link: %d %v", status, link)
	}
	id := link["id"].(string)
	for v := 1; v < 23; v++ {
		if status, body := s.call(t, "admin", http.MethodPut, "/admin/links/"+id, fmt.Sprintf(`{"title":"Liên kết nhiều phiên bản","url":"https://example.org/phien-ban-%d","position":95}`, v),
			map[string]string{"If-Match": fmt.Sprintf(`"%d"`, v)}); status != http.StatusOK {
			t.Fatalf("update %d: %d %v", v, status, body)
		}
	}
	p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, p, "admin")
	if _, err := p.Navigate(t.Context(), s.URL+"/quan-tri/nhat-ky?doi-tuong=link:"+id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelectorAll("main table.audit tbody tr").length === 20 && document.querySelector("main .pager a")`, "a full first page and Trang sau")
	version := func() []string {
		var v []string
		if err := p.Eval(t.Context(), `[...document.querySelectorAll("main table.audit tbody tr td:last-child")].map(td => td.innerText)`, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	first := version()
	if first[0] != "23" || first[19] != "4" {
		t.Errorf("first page's versions %v; want 23 down to 4", first)
	}
	if err := p.Click(t.Context(), `main .pager a[href*="sau="]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `location.search.includes("sau=") && document.querySelectorAll("main table.audit tbody tr").length === 3`, "the second page")
	if got := strings.Join(version(), ","); got != "3,2,1" {
		t.Errorf("second page's versions %s; want 3,2,1", got)
	}
	if n, _ := p.Count(t.Context(), `main .pager a[href*="sau="]`); n != 0 {
		t.Errorf("the last page offers Trang sau")
	}
	checkAxe(t, p, "audit, second page")
	if err := p.Click(t.Context(), `main .pager a:not([href*="sau="])`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `!location.search.includes("sau=") && document.querySelectorAll("main table.audit tbody tr").length === 20`, "the first page again")
	if got := mainText(t, p); !strings.Contains(got, "Chỉ hiện thao tác trên liên kết “Liên kết nhiều phiên bản”") {
		t.Errorf("back on the first page the filter is lost: %q", got[:200])
	}
}
