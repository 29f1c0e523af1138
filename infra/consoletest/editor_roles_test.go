package consoletest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"eportal/infra/browser"
)

// flowButtons are the labels of the editor's workflow bar.
func flowButtons(t *testing.T, p *browser.Page) []string {
	t.Helper()
	var names []string
	if err := p.Eval(t.Context(), `[...document.querySelectorAll(".flow button")].map(b => b.innerText.trim())`, &names); err != nil {
		t.Fatal(err)
	}
	return names
}

func hasButton(names []string, label string) bool {
	for _, n := range names {
		if n == label {
			return true
		}
	}
	return false
}

// TestWorkflowByRole: each role is offered what it may do with the
// article's status; the publisher schedules in Vietnam time (the API gets
// UTC), unpublishes and archives; the admin deletes.
func TestWorkflowByRole(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	id := s.mustCreate(t, "Bài viết theo vai trò")
	href := "/quan-tri/bai-viet/" + id

	ed := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, ed, "editor")
	openEditor(t, ed, href)
	got := flowButtons(t, ed)
	for _, want := range []string{"Lưu", "Xem trước", "Gửi duyệt", "Các phiên bản"} {
		if !hasButton(got, want) {
			t.Errorf("the editor's bar %q lacks %q", got, want)
		}
	}
	for _, not := range []string{"Đăng ngay", "Hẹn giờ đăng…", "Trả lại…", "Gỡ xuống", "Lưu trữ", "Xóa…"} {
		if hasButton(got, not) {
			t.Errorf("the editor is offered %q: %q", not, got)
		}
	}

	pub := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, pub, "publisher")
	openEditor(t, pub, href)
	if got := flowButtons(t, pub); !hasButton(got, "Đăng ngay") || !hasButton(got, "Hẹn giờ đăng…") || hasButton(got, "Xóa…") || hasButton(got, "Trả lại…") {
		t.Errorf("the publisher's bar on a draft: %q", got)
	}
	press(t, pub, "Hẹn giờ đăng…")
	answer(t, pub, map[string]string{"at": "2030-01-02T08:30", "until": "2030-02-01T00:00"})
	statusSays(t, pub, "Đã hẹn giờ đăng lúc 08:30 02/01/2030")
	_, _, a := s.apiCall(t, "editor", http.MethodGet, "/admin/articles/"+id, "", nil)
	if a["status"] != "scheduled" || a["publishAt"] != "2030-01-02T01:30:00Z" || a["expiresAt"] != "2030-01-31T17:00:00Z" {
		t.Errorf("after scheduling: status %v, publishAt %v, expiresAt %v; want scheduled at 01:30 UTC, expiring 17:00 UTC the day before", a["status"], a["publishAt"], a["expiresAt"])
	}
	waitFor(t, pub, `document.querySelector(".flow .badge").innerText.startsWith("Hẹn giờ đăng")`, "the scheduled badge")
	// The dialog shows the time it was given back in Vietnam time.
	press(t, pub, "Hẹn giờ đăng…")
	waitFor(t, pub, `document.querySelector("dialog.ask[open] [name='at']") && document.querySelector("dialog.ask[open] [name='at']").value === "2030-01-02T08:30"`, "the scheduled time in Vietnam time")
	press(t, pub, "Hủy")
	press(t, pub, "Gỡ xuống")
	statusSays(t, pub, "Đã gỡ xuống")
	press(t, pub, "Lưu trữ")
	statusSays(t, pub, "Đã đưa vào lưu trữ")
	if got := flowButtons(t, pub); hasButton(got, "Đăng ngay") || hasButton(got, "Lưu trữ") {
		t.Errorf("the publisher's bar on an archived article: %q", got)
	}

	adm := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, adm, "admin")
	openEditor(t, adm, href)
	press(t, adm, "Xóa…")
	answer(t, adm, map[string]string{"confirm": "xoá"})
	statusSays(t, adm, "Chưa xóa")
	press(t, adm, "Xóa…")
	answer(t, adm, map[string]string{"confirm": "XÓA"})
	waitFor(t, adm, `location.pathname === "/quan-tri/" && !document.querySelector("#tieu-de")`, "the desk after deleting")
	if status, _, _ := s.apiCall(t, "editor", http.MethodGet, "/admin/articles/"+id, "", nil); status != http.StatusNotFound {
		t.Errorf("after delete GET answers %d; want 404", status)
	}
	for _, pg := range []*browser.Page{ed, pub, adm} {
		if errs := pg.ConsoleErrors(); len(errs) != 0 {
			t.Errorf("console errors: %v", errs)
		}
	}
}

// TestAPIRefusalShown: what the API refuses is shown with its message and
// changes nothing: a title too long to save.
func TestAPIRefusalShown(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	id := s.mustCreate(t, "Bài viết bị từ chối lưu")
	p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	openEditor(t, p, "/quan-tri/bai-viet/"+id)
	// The input's maxlength stops typing; a script (or a paste into an old
	// browser) does not.
	if err := p.Eval(t.Context(), fmt.Sprintf(`document.querySelector("#tieu-de").value = %q`, strings.Repeat("Dài ", 100)), nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(t.Context(), "#luu"); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Chưa lưu. Máy chủ trả lời 400")
	if _, _, a := s.apiCall(t, "editor", http.MethodGet, "/admin/articles/"+id, "", nil); a["title"] != "Bài viết bị từ chối lưu" || fmt.Sprint(a["version"]) != "1" {
		t.Errorf("after a refused save the server has %v", a)
	}
	// An empty title is caught before any request.
	if err := p.Eval(t.Context(), `document.querySelector("#tieu-de").value = "  "`, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(t.Context(), "#luu"); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Hãy nhập tiêu đề")
	for _, e := range p.ConsoleErrors() {
		if !strings.Contains(e, "400 (Bad Request)") {
			t.Errorf("console error: %v", e)
		}
	}
}

// TestDeskFilter: the desk's list filtered by a category shows that
// category's articles only; with an author too, those whose byline has it;
// the filter is kept in the address; a row opens the editor.
func TestDeskFilter(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	status, _, _ := s.apiCall(t, "editor", http.MethodPost, "/admin/articles",
		`{"title":"Bản nháp của Khóa IX","summary":"","body":"<p>Nội dung</p>","categories":["khoa-ix"],"author":"Lê Văn Tám"}`, nil)
	if status != http.StatusCreated {
		t.Fatalf("create: %d", status)
	}
	s.mustCreate(t, "Bản nháp của Tin tức")
	p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	if err := p.Click(t.Context(), `nav#dieu-huong a[href="/quan-tri/?trang-thai=nhap"]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("#loc-chuyen-muc") && document.querySelector("main table")`, "the drafts with the filter")
	if err := p.Eval(t.Context(), `document.querySelector("#loc-chuyen-muc").value = "khoa-ix"`, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(t.Context(), `form.filter button[type="submit"]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `location.search.includes("chuyen-muc=khoa-ix") && document.querySelector("main table") && document.querySelector("main table").innerText.includes("Bản nháp của Khóa IX")`, "the filtered list")
	var titles []string
	if err := p.Eval(t.Context(), `[...document.querySelectorAll("main tbody tr td:first-child")].map(td => td.innerText)`, &titles); err != nil {
		t.Fatal(err)
	}
	for _, title := range titles {
		if title == "Bản nháp của Tin tức" {
			t.Errorf("the list filtered by Khóa IX shows %q: %v", title, titles)
		}
	}
	var v string
	if err := p.Eval(t.Context(), `document.querySelector("#loc-chuyen-muc").selectedOptions[0].text`, &v); err != nil || !strings.Contains(v, "Khóa IX") {
		t.Errorf("the filter shows %q; want Khóa IX chosen", v)
	}
	checkAxe(t, p, "desk filtered by category")
	filterBy := func(author string) {
		t.Helper()
		if err := p.Eval(t.Context(), fmt.Sprintf(`document.querySelector("#loc-tac-gia").value = %q`, author), nil); err != nil {
			t.Fatal(err)
		}
		if err := p.Click(t.Context(), `form.filter button[type="submit"]`); err != nil {
			t.Fatal(err)
		}
	}
	filterBy("Người khác")
	waitFor(t, p, `location.search.includes("tac-gia=") && document.querySelector("main .empty")`, "an empty list for another author")
	filterBy("Văn Tám")
	waitFor(t, p, `location.search.includes("chuyen-muc=khoa-ix") && document.querySelector("main table") && document.querySelector("main table").innerText.includes("Bản nháp của Khóa IX")`, "the list by category and author")
	if v, _ := p.Text(t.Context(), "main tbody tr td:nth-child(3)"); v != "Lê Văn Tám" {
		t.Errorf("the row's author reads %q", v)
	}
	// A row opens the editor.
	if err := p.Click(t.Context(), `main tbody a`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("#tieu-de") && document.querySelector("#tieu-de").value === "Bản nháp của Khóa IX"`, "the row's article in the editor")
}

// TestToolbarVideoAndTable: the toolbar's YouTube embed and table survive
// saving; a link or video address the sanitizer would drop is refused in
// Vietnamese and inserts nothing.
func TestToolbarVideoAndTable(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	openEditor(t, p, "/quan-tri/bai-viet/moi")
	if err := p.Type(t.Context(), "#tieu-de", "Video và bảng"); err != nil {
		t.Fatal(err)
	}
	if err := p.Type(t.Context(), "#noi-dung-bai", "Mở đầu"); err != nil {
		t.Fatal(err)
	}
	tool := func(label string) {
		t.Helper()
		if err := p.Click(t.Context(), fmt.Sprintf(`.toolbar button[aria-label=%q]`, label)); err != nil {
			t.Fatal(err)
		}
	}
	tool("Chèn liên kết")
	answer(t, p, map[string]string{"href": "javascript:alert(1)"})
	statusSays(t, p, "Liên kết phải bắt đầu bằng http://, https:// hoặc mailto:")
	tool("Chèn video YouTube")
	answer(t, p, map[string]string{"link": "https://vimeo.com/123456"})
	statusSays(t, p, "Đây không phải liên kết video YouTube")
	selectText(t, p, "Mở đầu", "Mở đầu")
	tool("Chèn video YouTube")
	answer(t, p, map[string]string{"link": "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s"})
	tool("Chèn bảng")
	if err := p.Click(t.Context(), "#luu"); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Đã lưu")
	_, _, a := s.apiCall(t, "editor", http.MethodGet, "/admin/articles/"+articleID(t, p), "", nil)
	body, _ := a["body"].(string)
	for _, want := range []string{`<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="Video YouTube" allowfullscreen`, "<table><thead><tr><th>Cột 1</th><th>Cột 2</th></tr></thead><tbody><tr><td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("saved body lacks %q: %s", want, body)
		}
	}
	for _, junk := range []string{"javascript", "vimeo", "<a "} {
		if strings.Contains(body, junk) {
			t.Errorf("saved body holds %q: %s", junk, body)
		}
	}
	for _, e := range p.ConsoleErrors() {
		// The console's CSP keeps YouTube's frame from loading in the editor.
		if !strings.Contains(e, "youtube") {
			t.Errorf("console error: %v", e)
		}
	}
}

// TestEditorKeyboard: the toolbar's buttons are reached and pressed from
// the keyboard; Escape closes a toolbar dialog without inserting anything
// and gives the focus back.
func TestEditorKeyboard(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	openEditor(t, p, "/quan-tri/bai-viet/moi")
	if err := p.Type(t.Context(), "#noi-dung-bai", "Chữ sẽ đậm"); err != nil {
		t.Fatal(err)
	}
	selectText(t, p, "Chữ sẽ đậm", "Chữ sẽ đậm")
	// Enter on the focused "Chữ đậm" button, as after tabbing to it.
	if err := p.Type(t.Context(), `.toolbar button[aria-label="Chữ đậm"]`, "\r"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("#noi-dung-bai b") && document.querySelector("#noi-dung-bai b").innerText === "Chữ sẽ đậm"`, "bold from the keyboard")
	waitFor(t, p, `document.querySelector('.toolbar button[aria-label="Chữ đậm"]').getAttribute("aria-pressed") === "true"`, "the bold button pressed")
	if err := p.Type(t.Context(), `.toolbar button[aria-label="Chèn liên kết"]`, "\r"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.activeElement && document.activeElement.name === "href"`, "the link dialog's field focused")
	if err := p.Type(t.Context(), `dialog.ask[open] input`, "https://vi.wikipedia.org\x1b"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `!document.querySelector("dialog.ask")`, "Escape to close the dialog")
	waitFor(t, p, `document.activeElement && document.activeElement.closest(".rte-box")`, "the focus back in the body editor or its toolbar")
	if n, _ := p.Count(t.Context(), "#noi-dung-bai a"); n != 0 {
		t.Errorf("Escape inserted a link")
	}
	checkAxe(t, p, "editor, keyboard")
}
