package consoletest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"eportal/infra/browser"
)

// linkTitles returns the public list's titles, in order.
func linkTitles(t *testing.T, s *localStack) []string {
	t.Helper()
	status, body := s.call(t, "", http.MethodGet, "/links", "", map[string]string{"Cache-Control": "no-cache"})
	if status != http.StatusOK {
		t.Fatalf("GET /links: %d", status)
	}
	var out []string
	for _, x := range body["items"].([]any) {
		out = append(out, x.(map[string]any)["title"].(string))
	}
	return out
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// TestAdminLinks is not parallel: moving a link may renumber every link,
// which would change the versions of links other tests are editing; Go
// runs it before the parallel tests start.
func TestAdminLinks(t *testing.T) {
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, p, "admin")
	openPage(t, p, "lien-ket", "Liên kết website")
	waitText(t, p, "Cổng Thông tin điện tử Chính phủ", "the demo links")
	checkAxe(t, p, "links page")

	form := "main form.admin-form"
	title := func() string { return fieldID(t, p, form, "Tiêu đề") }
	url := func() string { return fieldID(t, p, form, "Địa chỉ") }
	const mine = "Cổng Dịch vụ công quốc gia"

	// Not a web address: refused before sending, the input kept.
	before := linkTitles(t, s)
	fill(t, p, title(), mine)
	fill(t, p, url(), "dichvucong.gov.vn")
	clickButton(t, p, form, "Thêm liên kết")
	if got := alertText(t, p, form); !strings.Contains(got, "http:// hoặc https://") {
		t.Errorf("bad address: alert %q", got)
	}
	if got := linkTitles(t, s); len(got) != len(before) {
		t.Errorf("a refused link was saved: %v", got)
	}
	fill(t, p, url(), "https://dichvucong.gov.vn")
	clickButton(t, p, form, "Thêm liên kết")
	waitText(t, p, "Đã thêm liên kết “"+mine+"”.", "the added notice")
	got := linkTitles(t, s)
	if indexOf(got, mine) != len(got)-1 {
		t.Fatalf("links now %v; want %q last", got, mine)
	}

	// Move it up one place: it swaps with the one before it.
	prev := got[len(got)-2]
	clickButton(t, p, "main table", "Đưa “"+mine+"” lên")
	waitText(t, p, "Đã đưa “"+mine+"” lên.", "the moved notice")
	if got := linkTitles(t, s); indexOf(got, mine) != len(got)-2 || indexOf(got, prev) != len(got)-1 {
		t.Errorf("after moving up the links are %v; want %q before %q", got, mine, prev)
	}
	rows := `[...document.querySelectorAll("main tbody tr td:first-child")].map(td => td.innerText)`
	var shown []string
	if err := p.Eval(t.Context(), rows, &shown); err != nil {
		t.Fatal(err)
	}
	if indexOf(shown, mine) != len(shown)-2 {
		t.Errorf("the page lists %v; want %q second to last", shown, mine)
	}

	// Edit it.
	clickButton(t, p, "main table", "Sửa “"+mine+"”")
	waitFor(t, p, `document.querySelector("main form h2").innerText.startsWith("Sửa liên kết")`, "the edit form")
	fill(t, p, title(), mine+" (sửa)")
	clickButton(t, p, form, "Lưu thay đổi")
	waitText(t, p, "Đã lưu liên kết “"+mine+" (sửa)”.", "the saved notice")
	if got := linkTitles(t, s); indexOf(got, mine+" (sửa)") < 0 {
		t.Errorf("after the edit the links are %v", got)
	}

	// Delete it.
	clickButton(t, p, "main table", "Xóa “"+mine+" (sửa)”")
	clickButton(t, p, "main table .confirm", "Xóa")
	waitText(t, p, "Đã xóa liên kết “"+mine+" (sửa)”.", "the deleted notice")
	if got := linkTitles(t, s); indexOf(got, mine+" (sửa)") >= 0 || len(got) != len(before) {
		t.Errorf("after delete the links are %v; want %v", got, before)
	}
	checkAxe(t, p, "links page after changes")
	noScriptErrors(t, p)
}

func TestAdminPolls(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "admin")
	openPage(t, p, "binh-chon", "Bình chọn")
	waitFor(t, p, `document.querySelector("main table.polls")`, "the demo polls")
	checkAxe(t, p, "polls page")

	if err := p.Click(t.Context(), `main a[href="/quan-tri/binh-chon?tao=1"]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("main h1").innerText === "Tạo bình chọn mới"`, "the create form")
	checkAxe(t, p, "new poll form")
	form := "main form.admin-form"
	const question = "Bạn đánh giá thế nào về cổng thông tin mới?"

	// One option left empty: said, nothing sent.
	fill(t, p, fieldID(t, p, form, "Câu hỏi"), question)
	fill(t, p, fieldID(t, p, form, "Lựa chọn 1"), "Rất tốt")
	clickButton(t, p, form, "Tạo bình chọn")
	if got := alertText(t, p, form); !strings.Contains(got, "Lựa chọn 2 đang trống") {
		t.Errorf("empty option: alert %q", got)
	}
	fill(t, p, fieldID(t, p, form, "Lựa chọn 2"), "Tốt")
	clickButton(t, p, form, "Thêm lựa chọn")
	fill(t, p, fieldID(t, p, form, "Lựa chọn 3"), "Cần cải thiện")
	// Closing before opening: said, and the form keeps everything.
	fill(t, p, fieldID(t, p, form, "Mở lúc (giờ Việt Nam)"), "")
	closes := time.Now().Add(-time.Hour).In(time.FixedZone("ICT", 7*3600))
	setValue(t, p, fieldID(t, p, form, "Đóng lúc (giờ Việt Nam)"), closes.Format("2006-01-02T15:04"))
	clickButton(t, p, form, "Tạo bình chọn")
	if got := alertText(t, p, form); !strings.Contains(got, "Thời điểm đóng phải sau thời điểm mở") {
		t.Errorf("closing in the past: alert %q", got)
	}
	var q string
	if err := p.Eval(t.Context(), fmt.Sprintf(`document.querySelector(%q).value`, fieldID(t, p, form, "Lựa chọn 3")), &q); err != nil || q != "Cần cải thiện" {
		t.Errorf("after a refused save option 3 holds %q, %v", q, err)
	}
	closes = time.Now().Add(30 * 24 * time.Hour).In(time.FixedZone("ICT", 7*3600))
	setValue(t, p, fieldID(t, p, form, "Đóng lúc (giờ Việt Nam)"), closes.Format("2006-01-02T15:04"))
	clickButton(t, p, form, "Tạo bình chọn")
	waitText(t, p, "Đã tạo bình chọn “"+question+"”.", "the created notice")
	waitFor(t, p, `location.search.startsWith("?id=")`, "the poll's page")
	var id string
	if err := p.Eval(t.Context(), `new URLSearchParams(location.search).get("id")`, &id); err != nil {
		t.Fatal(err)
	}
	status, poll := s.call(t, "admin", http.MethodGet, "/admin/polls/"+id, "", nil)
	if status != http.StatusOK || poll["question"] != question || len(poll["options"].([]any)) != 3 || poll["closesAt"] != closes.UTC().Truncate(time.Minute).Format(time.RFC3339) {
		t.Fatalf("GET /admin/polls/%s: %d %v; want the question, 3 options, closing at %s", id, status, poll, closes.UTC().Truncate(time.Minute).Format(time.RFC3339))
	}
	if txt := mainText(t, p); !strings.Contains(txt, "Đang mở") || !strings.Contains(txt, "0 người bình chọn") {
		t.Errorf("the poll's page reads %q; want it open with no voters", txt)
	}

	// A reader votes; the admin sees the count after reloading the page.
	var good string
	for _, o := range poll["options"].([]any) {
		if o := o.(map[string]any); o["label"] == "Tốt" {
			good = o["id"].(string)
		}
	}
	if status, body := s.call(t, "", http.MethodPost, "/polls/"+id+"/votes", `{"choices":["`+good+`"]}`, nil); status != http.StatusOK && status != http.StatusCreated {
		t.Fatalf("vote: %d %v", status, body)
	}
	if _, err := p.Navigate(t.Context(), s.URL+"/quan-tri/binh-chon?id="+id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("main table.results")`, "the results")
	var counts []string
	if err := p.Eval(t.Context(), `[...document.querySelectorAll("main table.results tbody tr")].map(r => r.innerText.replace(/\t/g, " | "))`, &counts); err != nil {
		t.Fatal(err)
	}
	if len(counts) != 3 || counts[1] != "Tốt | 1 | 100,0 %" || counts[0] != "Rất tốt | 0 | 0,0 %" {
		t.Errorf("results %q; want Tốt with the one vote", counts)
	}
	checkAxe(t, p, "poll page")

	// Edit: relabel an option; the vote stays with it.
	fill(t, p, fieldID(t, p, form, "Lựa chọn 2"), "Tốt, dễ dùng")
	clickButton(t, p, form, "Lưu thay đổi")
	waitText(t, p, "Đã lưu bình chọn “"+question+"”.", "the saved notice")
	waitText(t, p, "Tốt, dễ dùng", "the new label in the results")
	// Removing the option with the vote: the API refuses, the page says why.
	clickButton(t, p, form, "Bỏ lựa chọn 2")
	clickButton(t, p, form, "Lưu thay đổi")
	if got := alertText(t, p, form); !strings.Contains(got, "409") || !strings.Contains(got, "cannot be removed") {
		t.Errorf("removing a voted option: alert %q", got)
	}

	// Close it.
	clickButton(t, p, "main .form-actions", "Đóng bình chọn")
	clickButton(t, p, "main .form-actions .confirm", "Đóng")
	waitText(t, p, "Đã đóng bình chọn.", "the closed notice")
	if _, poll := s.call(t, "admin", http.MethodGet, "/admin/polls/"+id, "", nil); poll["status"] != "closed" {
		t.Errorf("after closing the poll is %v", poll["status"])
	}
	waitText(t, p, "không sửa được nữa", "no form for a closed poll")

	// Delete it: back to the list, without it.
	clickButton(t, p, "main .form-actions", "Xóa bình chọn")
	clickButton(t, p, "main .form-actions .confirm", "Xóa")
	waitText(t, p, "Đã xóa bình chọn “"+question+"”.", "the deleted notice")
	if strings.Contains(mainText(t, p), question+"\t") {
		t.Errorf("the deleted poll is still listed")
	}
	if status, _ := s.call(t, "admin", http.MethodGet, "/admin/polls/"+id, "", nil); status != http.StatusNotFound {
		t.Errorf("GET the deleted poll: %d; want 404", status)
	}
	noScriptErrors(t, p)
}

// setValue sets an input's value as a date picker does.
func setValue(t *testing.T, p *browser.Page, selector, value string) {
	t.Helper()
	js := fmt.Sprintf(`(i => { i.value = %q; i.dispatchEvent(new Event("input", {bubbles: true})); return i.value; })(document.querySelector(%q))`, value, selector)
	var got string
	if err := p.Eval(t.Context(), js, &got); err != nil || got != value {
		t.Fatalf("set %s to %q: got %q, %v", selector, value, got, err)
	}
}

// TestEditorNoAdminPages: an editor is not offered the admin pages and,
// at their addresses, is told "Không có quyền"; the media library is
// theirs.
func TestEditorNoAdminPages(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	if n, _ := p.Count(t.Context(), `nav#dieu-huong a[href="/quan-tri/thu-vien-anh"]`); n != 1 {
		t.Errorf("the editor is not offered the media library")
	}
	for _, page := range []string{"chuyen-muc", "lien-ket", "binh-chon", "binh-chon?tao=1", "nhat-ky"} {
		if _, err := p.Navigate(t.Context(), s.URL+"/quan-tri/"+page); err != nil {
			t.Fatal(err)
		}
		waitFor(t, p, `document.querySelector("main h1") && document.querySelector("main h1").innerText === "Không có quyền"`, "the refusal at "+page)
		if n, _ := p.Count(t.Context(), "main form, main table, main .tree"); n != 0 {
			t.Errorf("%s: the editor is shown the page's content", page)
		}
		for _, r := range p.Requests() {
			if strings.Contains(r, "/admin/audit") || strings.Contains(r, "/admin/polls") {
				t.Errorf("%s: the page called %s for an editor", page, r)
			}
		}
	}
	checkAxe(t, p, "refusal page")
}

// freezeList makes the page's GET of path answer, every time, what the
// first one got, as the edge does for up to five minutes with the public
// lists.
func freezeList(t *testing.T, p *browser.Page, path string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const real = window.fetch; let frozen = null;
	  window.fetch = async (url, opts) => {
	    if (new URL(url, location.href).pathname === %q && (!opts || !opts.method || opts.method === "GET")) {
	      if (frozen === null) frozen = await (await real(url, opts)).text();
	      return new Response(frozen, {status: 200, headers: {"Content-Type": "application/json"}});
	    }
	    return real(url, opts);
	  }; return true; })()`, path)
	if err := p.Eval(t.Context(), js, nil); err != nil {
		t.Fatal(err)
	}
}

// TestAdminListsThroughStaleEdge: when the public lists come from a cache
// that does not have the latest changes (the edge keeps them for minutes),
// the pages still show what this admin and another one added, changed and
// deleted, and save with the version stored now: they read the admin API's
// uncached lists.
func TestAdminListsThroughStaleEdge(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "admin")
	freezeList(t, p, "/links")
	freezeList(t, p, "/categories")

	openPage(t, p, "lien-ket", "Liên kết website")
	waitText(t, p, "Báo Quảng Nam", "the demo links")
	// Another admin adds a link: the page shows it when it reads again.
	const theirs = "Liên kết của quản trị viên khác"
	if status, _ := s.call(t, "admin", "POST", "/admin/links", `{"title":"`+theirs+`","url":"https://example.vn/khac"}`, nil); status != http.StatusCreated {
		t.Fatalf("another admin's link: %d", status)
	}
	openPage(t, p, "chuyen-muc", "Chuyên mục")
	openPage(t, p, "lien-ket", "Liên kết website")
	waitText(t, p, theirs, "another admin's new link")
	form := "main form.admin-form"
	const title = "Liên kết qua bộ đệm cũ"
	fill(t, p, fieldID(t, p, form, "Tiêu đề"), title)
	fill(t, p, fieldID(t, p, form, "Địa chỉ"), "https://example.vn/bo-dem")
	clickButton(t, p, form, "Thêm liên kết")
	waitText(t, p, "Đã thêm liên kết “"+title+"”.", "the added notice")
	waitFor(t, p, fmt.Sprintf(`[...document.querySelectorAll("main tbody tr td:first-child")].some(td => td.innerText === %q)`, title), "the new link listed")
	clickButton(t, p, "main table", "Sửa “"+title+"”")
	fill(t, p, fieldID(t, p, form, "Tiêu đề"), title+" (sửa)")
	clickButton(t, p, form, "Lưu thay đổi")
	waitText(t, p, "Đã lưu liên kết", "the saved notice")
	waitFor(t, p, fmt.Sprintf(`[...document.querySelectorAll("main tbody tr td:first-child")].map(td => td.innerText).join("|").includes(%q)`, title+" (sửa)"), "the changed link listed")
	// Editing it again sends the version just saved, not the cached one.
	clickButton(t, p, "main table", "Sửa “"+title+" (sửa)”")
	fill(t, p, fieldID(t, p, form, "Tiêu đề"), title)
	clickButton(t, p, form, "Lưu thay đổi")
	waitText(t, p, "Đã lưu liên kết “"+title+"”.", "the second save")
	clickButton(t, p, "main table", "Xóa “"+title+"”")
	clickButton(t, p, "main table .confirm", "Xóa")
	waitText(t, p, "Đã xóa liên kết “"+title+"”.", "the deleted notice")
	if strings.Contains(mainText(t, p), title+"\t") {
		t.Errorf("the deleted link is still listed")
	}

	openPage(t, p, "chuyen-muc", "Chuyên mục")
	waitFor(t, p, `document.querySelector('main .tree [data-id="khoa-xix"]')`, "the demo tree")
	fill(t, p, fieldID(t, p, form, "Tên chuyên mục"), "Chuyên mục qua bộ đệm cũ")
	fill(t, p, fieldID(t, p, form, "Đường dẫn (slug)"), "qua-bo-dem-cu")
	choose(t, p, fieldID(t, p, form, "Chuyên mục cha"), "khoa-xix")
	clickButton(t, p, form, "Thêm chuyên mục")
	waitFor(t, p, `document.querySelector('main .tree [data-id="khoa-xix"] + ul [data-id="qua-bo-dem-cu"]')`, "the new category under its parent")
	row := `main .tree [data-id="qua-bo-dem-cu"]`
	clickButton(t, p, row, "Xóa “Chuyên mục qua bộ đệm cũ”")
	clickButton(t, p, row+" .confirm", "Xóa")
	waitText(t, p, "Đã xóa chuyên mục", "the deleted notice")
	if n, _ := p.Count(t.Context(), row); n != 0 {
		t.Errorf("the deleted category is still shown")
	}
	noScriptErrors(t, p)
}

// TestAdminStaleSave: a link changed by someone else while the admin edits
// it: the save is refused (412), the alert says so, and what the admin
// typed is still in the form.
func TestAdminStaleSave(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	const title = "Liên kết hai người cùng sửa"
	status, link := s.call(t, "admin", http.MethodPost, "/admin/links", `{"title":"`+title+`","url":"https://example.vn/hai-nguoi","position":80}`, nil)
	if status != http.StatusCreated {
		t.Fatalf("create link: %d %v", status, link)
	}
	id := link["id"].(string)
	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "admin")
	openPage(t, p, "lien-ket", "Liên kết website")
	waitText(t, p, title, "the link listed")
	clickButton(t, p, "main table", "Sửa “"+title+"”")
	form := "main form.admin-form"
	waitFor(t, p, `document.querySelector("main form h2").innerText.startsWith("Sửa liên kết")`, "the edit form")
	fill(t, p, fieldID(t, p, form, "Tiêu đề"), title+" — bản của tôi")
	if status, body := s.call(t, "admin", http.MethodPut, "/admin/links/"+id, `{"title":"`+title+` — bản của người khác","url":"https://example.vn/hai-nguoi","position":80}`,
		map[string]string{"If-Match": `"1"`}); status != http.StatusOK {
		t.Fatalf("the other save: %d %v", status, body)
	}
	clickButton(t, p, form, "Lưu thay đổi")
	if got := alertText(t, p, form); !strings.Contains(got, "Có người khác vừa sửa mục này") || !strings.Contains(got, "412") {
		t.Errorf("stale save: alert %q", got)
	}
	var kept string
	if err := p.Eval(t.Context(), fmt.Sprintf(`document.querySelector(%q).value`, fieldID(t, p, form, "Tiêu đề")), &kept); err != nil || kept != title+" — bản của tôi" {
		t.Errorf("after the refused save the title field holds %q, %v", kept, err)
	}
	if _, body := s.call(t, "", http.MethodGet, "/links", "", nil); !strings.Contains(fmt.Sprint(body), title+" — bản của người khác") {
		t.Errorf("the other save was overwritten: %v", body)
	}
	noScriptErrors(t, p)
}
