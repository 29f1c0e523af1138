package consoletest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"eportal/infra/browser"
	"eportal/internal/docfile/docfiletest"
)

// The document editor (issue 14): a legal document is an article of kind
// "document", written in the article editor with its own fieldset.

// uploadFile puts a file in the media library through the API, as the
// library's page does (POST /admin/media, then the bytes to the presigned
// URL), and returns its id once the processor has made it ready.
func (s *localStack) uploadFile(t *testing.T, name, typ string, data []byte) string {
	t.Helper()
	req, _ := json.Marshal(map[string]any{"fileName": name, "contentType": typ, "size": len(data)})
	status, up := s.call(t, "editor", http.MethodPost, "/admin/media", string(req), nil)
	if status != http.StatusCreated {
		t.Fatalf("POST /admin/media %s: %d %v", name, status, up)
	}
	put, err := http.NewRequestWithContext(t.Context(), http.MethodPut, up["uploadUrl"].(string), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	put.Header.Set("Content-Type", typ)
	resp, err := http.DefaultClient.Do(put)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT %s: %d", name, resp.StatusCode)
	}
	return readyMedia(t, s, name)
}

// createDocument creates a document through the API as the editor, with
// doc as its document part, and returns its id.
func (s *localStack) createDocument(t *testing.T, title string, doc map[string]any) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"kind": "document", "title": title, "document": doc})
	status, a := s.call(t, "editor", http.MethodPost, "/admin/articles", string(body), nil)
	if status != http.StatusCreated {
		t.Fatalf("create document %q: %d %v", title, status, a)
	}
	return a["id"].(string)
}

// publish publishes article id as the publisher.
func (s *localStack) publish(t *testing.T, id string) {
	t.Helper()
	if status, a := s.call(t, "publisher", http.MethodPost, "/admin/articles/"+id+"/publish", "", nil); status != http.StatusOK {
		t.Fatalf("publish %s: %d %v", id, status, a)
	}
}

// setDate sets a date input's value as its picker does.
func setDate(t *testing.T, p *browser.Page, selector, value string) {
	t.Helper()
	js := fmt.Sprintf(`(i => { i.value = %q; i.dispatchEvent(new Event("input", {bubbles: true})); i.dispatchEvent(new Event("change", {bubbles: true})); return i.value; })(document.querySelector(%q))`, value, selector)
	var got string
	if err := p.Eval(t.Context(), js, &got); err != nil || got != value {
		t.Fatalf("set %s to %q: got %q, %v", selector, value, got, err)
	}
}

// newDocument opens "Văn bản mới" from the navigation and types the
// required fields.
func newDocument(t *testing.T, p *browser.Page, title, number, issued string) {
	t.Helper()
	if err := p.Click(t.Context(), `nav#dieu-huong a[href="/quan-tri/van-ban/moi"]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("#so-ky-hieu") && document.querySelector(".flow button") && document.querySelector("#loai-van-ban option[value=ke-hoach]")`, "the new document's editor")
	var heading string
	if err := p.Eval(t.Context(), `document.querySelector("main h1").innerText + " | " + document.querySelector("label[for=tieu-de]").innerText`, &heading); err != nil || heading != "Văn bản mới | Trích yếu" {
		t.Errorf("the new document's editor reads %q, %v; want the heading Văn bản mới and the title as Trích yếu", heading, err)
	}
	for sel, text := range map[string]string{"#tieu-de": title, "#so-ky-hieu": number, "#co-quan-ban-hanh": "Ủy ban nhân dân tỉnh Quảng Nam", "#nguoi-ky": "Lê Trí Thanh"} {
		if err := p.Type(t.Context(), sel, text); err != nil {
			t.Fatal(err)
		}
	}
	choose(t, p, "#loai-van-ban", "ke-hoach")
	setDate(t, p, "#ngay-ban-hanh", issued)
}

// article returns the article id as the admin API has it.
func (s *localStack) article(t *testing.T, id string) map[string]any {
	t.Helper()
	status, a := s.call(t, "editor", http.MethodGet, "/admin/articles/"+id, "", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /admin/articles/%s: %d %v", id, status, a)
	}
	return a
}

// TestDocumentWriteSubmitPublish: an editor writes a document — the
// required fields, two fields of activity, a PDF uploaded through the
// library's file picker, a document it replaces found by its number and a
// related draft added by its id — saves and submits it; the publisher
// finds it labelled on the desk and publishes it; readers then get it at
// GET /documents?number=, with its attachment served, and the document it
// replaces is marked replaced.
func TestDocumentWriteSubmitPublish(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	old := s.createDocument(t, "Kế hoạch phát triển du lịch năm 2024", map[string]any{
		"number": "31/KH-UBND", "type": "ke-hoach", "issuer": "Ủy ban nhân dân tỉnh Quảng Nam", "issuedOn": "2024-02-05"})
	s.publish(t, old)
	related := s.createDocument(t, "Dự thảo hướng dẫn tổ chức lễ hội", map[string]any{
		"number": "12/HD-SVHTTDL", "type": "huong-dan", "issuer": "Sở Văn hóa, Thể thao và Du lịch", "issuedOn": "2025-01-10"})

	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	const title = "Kế hoạch phát triển du lịch tỉnh Quảng Nam năm 2025"
	const number = "45/KH-UBND"
	newDocument(t, p, title, number, "2025-03-14")
	setDate(t, p, "#ngay-hieu-luc", "2025-04-01")
	for _, f := range []string{"#lv-kinh-te", "#lv-van-hoa-xa-hoi"} {
		if err := p.Click(t.Context(), f); err != nil {
			t.Fatal(err)
		}
	}
	// A fourth field is refused before any request.
	for _, f := range []string{"#lv-y-te", "#lv-giao-duc"} {
		if err := p.Click(t.Context(), f); err != nil {
			t.Fatal(err)
		}
	}
	statusSays(t, p, "tối đa 3 lĩnh vực")
	if err := p.Click(t.Context(), "#lv-y-te"); err != nil { // unchecked again
		t.Fatal(err)
	}

	// The attachment: uploaded in the file picker, processed, picked.
	const pdfName = "Kế hoạch 45-KH-UBND.pdf"
	pdf := docfiletest.PDF()
	press(t, p, "Chọn hoặc tải tệp lên…")
	waitFor(t, p, `document.querySelector("dialog.picker[open] input[type=file]")`, "the file picker")
	var accept string
	if err := p.Eval(t.Context(), `document.querySelector("dialog.picker[open] input[type=file]").accept`, &accept); err != nil || !strings.Contains(accept, "application/pdf") || strings.Contains(accept, "image/") {
		t.Errorf("the file picker accepts %q, %v; want documents only", accept, err)
	}
	chooseFile(t, p, "dialog.picker[open]", pdfName, "application/pdf", pdf)
	fileID := readyMedia(t, s, pdfName)
	pick := fmt.Sprintf(`dialog.picker[open] [data-id="%s"] button.pick`, fileID)
	waitFor(t, p, `document.querySelector('`+pick+`')`, "the uploaded PDF in the picker")
	checkAxe(t, p, "file picker")
	var images int
	if err := p.Eval(t.Context(), `document.querySelectorAll("dialog.picker[open] .media-grid img").length`, &images); err != nil || images != 0 {
		t.Errorf("the file picker shows %d images, %v; want files only", images, err)
	}
	if err := p.Click(t.Context(), pick); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Đã đính kèm tệp")
	var attached string
	if err := p.Eval(t.Context(), `document.querySelector("[aria-labelledby=tep-dinh-kem-nhan]").innerText`, &attached); err != nil ||
		!strings.Contains(attached, pdfName) || !strings.Contains(attached, "PDF · 1 KB") {
		t.Errorf("the attachments read %q, %v; want the PDF's name, type and size", attached, err)
	}

	// Links: the published document it replaces, by its number; a draft,
	// by its id.
	choose(t, p, "#lk-loai", "replaces")
	fill(t, p, "#lk-tim", "31/kh-ubnd")
	press(t, p, "Tìm và thêm")
	statusSays(t, p, "Đã thêm văn bản 31/KH-UBND vào “Thay thế”")
	choose(t, p, "#lk-loai", "related")
	fill(t, p, "#lk-tim", related)
	if err := p.Eval(t.Context(), `document.querySelector("#lk-tim").dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true, cancelable: true}))`, nil); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Đã thêm văn bản 12/HD-SVHTTDL vào “Văn bản liên quan”")
	fill(t, p, "#lk-tim", related) // again: refused, it is linked already
	press(t, p, "Tìm và thêm")
	statusSays(t, p, "đã có trong “Văn bản liên quan”")
	fill(t, p, "#lk-tim", "99/KH-KHONG")
	press(t, p, "Tìm và thêm")
	waitText(t, p, "Không tìm thấy văn bản đã đăng có số ký hiệu “99/KH-KHONG”", "the failed look-up")

	// What only news has is not offered.
	var news []string
	if err := p.Eval(t.Context(), `["#cm-tin-tuc-su-kien", "#anh-dai-dien", "#tac-gia", "#nguon"].filter(s => document.querySelector(s))`, &news); err != nil || len(news) != 0 {
		t.Errorf("the document editor has %v, %v; want no categories, cover, author or source", news, err)
	}
	// The preview is the document's page as readers will get it: its
	// number, type, issuer, dates and download, in a frame with no script.
	press(t, p, "Xem trước")
	waitFor(t, p, `document.querySelector("iframe.preview-frame")`, "the preview")
	var frame string
	if err := p.Eval(t.Context(), `document.querySelector("iframe.preview-frame").srcdoc`, &frame); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h1", title, number, "Kế hoạch", "Ủy ban nhân dân tỉnh Quảng Nam", "14/03/2025", pdfName, "noindex"} {
		if !strings.Contains(frame, want) {
			t.Errorf("the document's preview lacks %q", want)
		}
	}
	if strings.Contains(frame, "<script") {
		t.Errorf("the document's preview has a script")
	}

	if err := p.Click(t.Context(), "#luu"); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Đã lưu")
	id := articleID(t, p)
	a := s.article(t, id)
	d, _ := a["document"].(map[string]any)
	if a["kind"] != "document" || a["title"] != title || d == nil || d["number"] != number || d["type"] != "ke-hoach" ||
		d["issuer"] != "Ủy ban nhân dân tỉnh Quảng Nam" || d["signer"] != "Lê Trí Thanh" || d["issuedOn"] != "2025-03-14" ||
		d["effectiveOn"] != "2025-04-01" || d["expiresOn"] != nil || fmt.Sprint(d["fields"]) != "[kinh-te van-hoa-xa-hoi]" {
		t.Fatalf("saved %v; want the document as typed", a)
	}
	if at := fmt.Sprint(d["attachments"]); !strings.Contains(at, "id:"+fileID) || !strings.Contains(at, "name:"+pdfName) {
		t.Errorf("saved attachments %s; want the PDF", at)
	}
	if r := fmt.Sprint(d["replaces"]); !strings.Contains(r, "id:"+old) || !strings.Contains(fmt.Sprint(d["related"]), "id:"+related) || d["amends"] != nil {
		t.Errorf("saved links replaces %v, amends %v, related %v; want %s replaced, %s related", d["replaces"], d["amends"], d["related"], old, related)
	}
	checkAxe(t, p, "document editor")
	press(t, p, "Gửi duyệt")
	statusSays(t, p, "Đã gửi duyệt")

	// The publisher finds it on the desk, labelled, and publishes it.
	pub := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, pub, "publisher")
	if err := pub.Click(t.Context(), `nav#dieu-huong a[href="/quan-tri/?trang-thai=cho-duyet"]`); err != nil {
		t.Fatal(err)
	}
	link := `main tbody a[href="/quan-tri/bai-viet/` + id + `"]`
	waitFor(t, pub, `document.querySelector('`+link+`')`, "the document in the review list")
	var row string
	if err := pub.Eval(t.Context(), `document.querySelector('`+link+`').closest("tr").innerText`, &row); err != nil ||
		!strings.Contains(row, "Văn bản") || !strings.Contains(row, number) || !strings.Contains(row, "Kế hoạch") {
		t.Errorf("the desk's row reads %q, %v; want the label Văn bản, the number and the type", row, err)
	}
	checkAxe(t, pub, "desk with a document")
	if err := pub.Click(t.Context(), link); err != nil {
		t.Fatal(err)
	}
	waitFor(t, pub, fmt.Sprintf(`document.querySelector("#so-ky-hieu") && document.querySelector("#so-ky-hieu").value === %q && document.querySelector("[aria-labelledby=tep-dinh-kem-nhan] a[download]")`, number), "the publisher's document editor")
	var h1 string
	if err := pub.Eval(t.Context(), `document.querySelector("main h1").innerText`, &h1); err != nil || h1 != "Sửa văn bản" {
		t.Errorf("the editor's heading is %q, %v; want Sửa văn bản", h1, err)
	}
	checkAxe(t, pub, "document editor (publisher)")
	if sw, _ := pub.ScrollWidth(t.Context()); sw > tabletWidth {
		t.Errorf("the document editor is %d px wide at %d px; want no sideways scrolling", sw, tabletWidth)
	}
	press(t, pub, "Đăng ngay")
	statusSays(t, pub, "Đã đăng")

	// Readers find it by its number, download its file, and see the old
	// plan replaced.
	status, list := s.call(t, "", http.MethodGet, "/documents?number="+url.QueryEscape(number), "", nil)
	items, _ := list["items"].([]any)
	if status != http.StatusOK || len(items) != 1 {
		t.Fatalf("GET /documents?number=%s: %d %v; want the document", number, status, list)
	}
	got := items[0].(map[string]any)
	files, _ := got["attachments"].([]any)
	if got["id"] != id || got["title"] != title || len(files) != 1 {
		t.Fatalf("GET /documents?number=%s: %v; want the document with its attachment", number, got)
	}
	fileURL := files[0].(map[string]any)["url"].(string)
	resp, err := http.Get(s.URL + fileURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || resp.ContentLength != int64(len(pdf)) {
		t.Errorf("GET %s: %d %v; want the PDF", fileURL, resp.StatusCode, resp.Header)
	}
	if status, o := s.call(t, "", http.MethodGet, "/documents/"+old, "", nil); status != http.StatusOK || !strings.Contains(fmt.Sprint(o["replacedBy"]), "id:"+id) {
		t.Errorf("GET /documents/%s: %d %v; want it replaced by %s", old, status, o, id)
	}

	// The library keeps an attached file, saying where it is attached.
	openPage(t, p, "thu-vien-anh", "Thư viện ảnh")
	card := fmt.Sprintf(`main .media-grid [data-id="%s"]`, fileID)
	waitFor(t, p, `document.querySelector('`+card+` .media-status')`, "the PDF's card")
	var uses string
	if err := p.Eval(t.Context(), `document.querySelector('`+card+` .media-status').innerText`, &uses); err != nil || uses != "Đính kèm ở 1 văn bản" {
		t.Errorf("the PDF's card says %q, %v; want it attached to 1 document", uses, err)
	}
	clickButton(t, p, card, "Xóa tệp "+pdfName)
	clickButton(t, p, card+" .confirm", "Xóa")
	if got := alertText(t, p, "main >"); !strings.Contains(got, "Không xóa được tệp “"+pdfName+"”: tệp đang được đính kèm ở 1 văn bản") || !strings.Contains(got, title) {
		t.Errorf("refused delete: alert %q; want the document named", got)
	}
	// Chromium reports the refused delete's 409 as a failed resource;
	// nothing else may be logged.
	for _, pg := range []*browser.Page{p, pub} {
		for _, e := range pg.ConsoleErrors() {
			if !strings.Contains(e, "409 (Conflict) ("+s.URL+"/admin/media/"+fileID+")") {
				t.Errorf("console error: %v", e)
			}
		}
	}
}

// TestDocumentRefusals: what the API refuses of a document is said in
// Vietnamese with the API's reason, its field marked, and what was typed
// kept: a number another document of the year holds (409), then an
// effective date before the date of issue (400); once both are put right
// the document is saved. Replacing a document that replaces it is refused
// (400). The desk's kind filter then lists documents only.
func TestDocumentRefusals(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	s.createDocument(t, "Quyết định về việc thành lập Ban chỉ đạo", map[string]any{
		"number": "21/QĐ-UBND", "type": "quyet-dinh", "issuer": "Ủy ban nhân dân tỉnh Quảng Nam", "issuedOn": "2025-03-01"})
	p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	const title = "Kế hoạch tổ chức Ngày hội văn hóa các dân tộc"
	// A required field left empty is named before any request.
	newDocument(t, p, title, "021/qđ-ubnd", "2025-06-20")
	fill(t, p, "#co-quan-ban-hanh", "")
	if err := p.Click(t.Context(), "#luu"); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Hãy nhập cơ quan ban hành trước khi lưu.")
	fill(t, p, "#co-quan-ban-hanh", "Ủy ban nhân dân tỉnh Quảng Nam")

	// The number as another document of 2025 has it (written otherwise).
	if err := p.Click(t.Context(), "#luu"); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Chưa lưu. Số ký hiệu 021/qđ-ubnd đã có văn bản khác ban hành năm 2025 dùng. (Máy chủ trả lời 409")
	marked := func(sel string) {
		t.Helper()
		var ok bool
		if err := p.Eval(t.Context(), fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-invalid") === "true" && document.activeElement === document.querySelector(%q)`, sel, sel), &ok); err != nil || !ok {
			t.Errorf("%s is not marked invalid and focused: %v", sel, err)
		}
	}
	marked("#so-ky-hieu")
	kept := func() {
		t.Helper()
		var v string
		if err := p.Eval(t.Context(), `[...["#tieu-de", "#co-quan-ban-hanh", "#nguoi-ky", "#ngay-ban-hanh", "#loai-van-ban"].map(s => document.querySelector(s).value)].join("|")`, &v); err != nil ||
			v != title+"|Ủy ban nhân dân tỉnh Quảng Nam|Lê Trí Thanh|2025-06-20|ke-hoach" {
			t.Errorf("after the refusal the form holds %q, %v; want what was typed", v, err)
		}
		var path string
		if err := p.Eval(t.Context(), `location.pathname`, &path); err != nil || path != "/quan-tri/van-ban/moi" {
			t.Errorf("after the refusal the editor is at %q; want the new document's page, unsaved", path)
		}
	}
	kept()
	checkAxe(t, p, "document editor with a refusal")

	// Another number, and in force before it was issued.
	fill(t, p, "#so-ky-hieu", "22/KH-UBND")
	setDate(t, p, "#ngay-hieu-luc", "2025-06-01")
	if err := p.Click(t.Context(), "#luu"); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Chưa lưu. Ngày có hiệu lực không thể trước ngày ban hành. (Máy chủ trả lời 400")
	marked("#ngay-hieu-luc")
	var numberMarked bool
	if err := p.Eval(t.Context(), `document.querySelector("#so-ky-hieu").hasAttribute("aria-invalid")`, &numberMarked); err != nil || numberMarked {
		t.Errorf("the number is still marked after it was changed: %v", err)
	}
	kept()
	_, drafts := s.call(t, "editor", http.MethodGet, "/admin/articles?status=draft&limit=100", "", nil)
	if strings.Contains(fmt.Sprint(drafts["items"]), title) {
		t.Fatalf("a refused document was saved: %v", drafts["items"])
	}

	setDate(t, p, "#ngay-hieu-luc", "2025-07-01")
	if err := p.Click(t.Context(), "#luu"); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Đã lưu")
	id := articleID(t, p)
	if d, _ := s.article(t, id)["document"].(map[string]any); d == nil || d["number"] != "22/KH-UBND" || d["effectiveOn"] != "2025-07-01" {
		t.Errorf("saved %v; want the corrected document", d)
	}

	// A document that replaces this one cannot be replaced by it.
	newer := s.createDocument(t, "Kế hoạch điều chỉnh", map[string]any{
		"number": "23/KH-UBND", "type": "ke-hoach", "issuer": "Ủy ban nhân dân tỉnh Quảng Nam", "issuedOn": "2025-08-01", "replaces": []string{id}})
	choose(t, p, "#lk-loai", "replaces")
	fill(t, p, "#lk-tim", newer)
	press(t, p, "Tìm và thêm")
	statusSays(t, p, "Đã thêm văn bản 23/KH-UBND vào “Thay thế”")
	if err := p.Click(t.Context(), "#luu"); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Chưa lưu. Văn bản không thể thay thế chính nó, trực tiếp hay qua một chuỗi văn bản thay thế nhau. (Máy chủ trả lời 400")
	marked("#lk-tim")
	if a := s.article(t, id); fmt.Sprint(a["version"]) != "1" {
		t.Errorf("after a refused cycle the server has version %v", a["version"])
	}
	clickButton(t, p, "main", "Bỏ liên kết thay thế 23/KH-UBND")
	statusSays(t, p, "Đã bỏ liên kết")

	// The desk lists drafts of both kinds; "Văn bản" keeps the documents.
	s.mustCreate(t, "Bài viết nháp bên cạnh văn bản")
	if err := p.Eval(t.Context(), `eportalConsole.navigate("/quan-tri/?trang-thai=nhap")`, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("#loc-loai") && document.querySelector("main tbody tr")`, "the drafts")
	choose(t, p, "#loc-loai", "van-ban")
	if err := p.Click(t.Context(), `form.filter button[type="submit"]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `location.search.includes("loai=van-ban") && document.querySelector('main tbody a[href="/quan-tri/bai-viet/`+id+`"]')`, "the filtered drafts")
	var rows []string
	if err := p.Eval(t.Context(), `[...document.querySelectorAll("main tbody tr")].map(r => (r.querySelector(".kind") ? "Văn bản: " : "") + r.querySelector("a").innerText)`, &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if !strings.HasPrefix(r, "Văn bản: ") {
			t.Errorf("the documents' desk lists %q", r)
		}
	}
	checkAxe(t, p, "desk filtered to documents")
	noScriptErrors(t, p)
}

// documentScreenshot takes the editor with a published document — its
// fields, a PDF attached, a document it replaces — signed in as the
// publisher at a desktop's width, into dir/console-document.png
// (TestEditorScreenshots runs it).
func documentScreenshot(t *testing.T, s *localStack, dir string) {
	old := s.createDocument(t, "Kế hoạch cải cách hành chính năm 2024", map[string]any{
		"number": "18/KH-UBND", "type": "ke-hoach", "issuer": "Ủy ban nhân dân tỉnh Quảng Nam", "issuedOn": "2024-01-12"})
	s.publish(t, old)
	file := s.uploadFile(t, "Kế hoạch 52-KH-UBND cải cách hành chính.pdf", "application/pdf", docfiletest.PDF())
	id := s.createDocument(t, "Kế hoạch cải cách hành chính nhà nước tỉnh Quảng Nam năm 2025", map[string]any{
		"number": "52/KH-UBND", "type": "ke-hoach", "issuer": "Ủy ban nhân dân tỉnh Quảng Nam", "signer": "Hồ Quang Bửu",
		"issuedOn": "2025-01-08", "effectiveOn": "2025-01-15", "fields": []string{"chinh-quyen", "kinh-te"},
		"attachments": []string{file}, "replaces": []string{old}})
	s.publish(t, id)
	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "publisher")
	openEditor(t, p, "/quan-tri/bai-viet/"+id)
	waitFor(t, p, `document.querySelector("#so-ky-hieu").value === "52/KH-UBND" && document.querySelector("[aria-labelledby=lk-replaces-nhan] .number")`, "the document in the editor")
	checkAxe(t, p, "editor with a published document")
	if sw, _ := p.ScrollWidth(t.Context()); sw > desktopWidth {
		t.Errorf("the document editor is %d px wide at %d px; want no sideways scrolling", sw, desktopWidth)
	}
	path := filepath.Join(dir, "console-document.png")
	if err := p.Screenshot(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() < 10000 {
		t.Errorf("%s: %v, %v; want a picture", path, fi, err)
	}
}

// TestDocumentConflictAndDraft: a document's local draft keeps its own
// fields (an attachment, a link) and is offered back when the editor is
// opened again; a stale save gets the 412 dialog, whose comparison names
// the document's fields, and reloading keeps the editor's text to copy.
func TestDocumentConflictAndDraft(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	const pdfName = "Thông báo 88-TB-VPUB.pdf"
	file := s.uploadFile(t, pdfName, "application/pdf", docfiletest.PDF())
	const title = "Thông báo kết luận của Chủ tịch UBND tỉnh"
	doc := map[string]any{"number": "88/TB-VPUB", "type": "thong-bao", "issuer": "Văn phòng UBND tỉnh Quảng Nam", "issuedOn": "2025-05-05"}
	id := s.createDocument(t, title, doc)
	linked := s.createDocument(t, "Thông báo lịch làm việc", map[string]any{
		"number": "87/TB-VPUB", "type": "thong-bao", "issuer": "Văn phòng UBND tỉnh Quảng Nam", "issuedOn": "2025-05-02"})
	p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	openEditor(t, p, "/quan-tri/bai-viet/"+id)
	waitFor(t, p, `document.querySelector("#so-ky-hieu").value === "88/TB-VPUB"`, "the document in the editor")

	// Unsaved: the signer, an attachment, a related document.
	if err := p.Type(t.Context(), "#nguoi-ky", "Trần Anh Tuấn"); err != nil {
		t.Fatal(err)
	}
	press(t, p, "Chọn hoặc tải tệp lên…")
	pick := fmt.Sprintf(`dialog.picker[open] [data-id="%s"] button.pick`, file)
	waitFor(t, p, `document.querySelector('`+pick+`')`, "the PDF in the picker")
	if err := p.Click(t.Context(), pick); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Đã đính kèm tệp")
	choose(t, p, "#lk-loai", "related")
	fill(t, p, "#lk-tim", linked)
	press(t, p, "Tìm và thêm")
	statusSays(t, p, "Đã thêm văn bản 87/TB-VPUB")
	waitFor(t, p, `(localStorage.getItem("eportal.console.draft.`+id+`") || "").includes("87/TB-VPUB")`, "the local draft")

	// Opened again, the draft is offered and restores the document's part.
	if err := p.Eval(t.Context(), `eportalConsole.beforeLeave = null, eportalConsole.navigate("/quan-tri/?trang-thai=nhap")`, nil); err != nil {
		t.Fatal(err)
	}
	openEditor(t, p, "/quan-tri/bai-viet/"+id)
	waitFor(t, p, `document.querySelector(".restore button.primary")`, "the draft offered")
	press(t, p, "Khôi phục bản đang soạn")
	waitFor(t, p, `document.querySelector("#nguoi-ky").value === "Trần Anh Tuấn" && document.querySelector("[aria-labelledby=tep-dinh-kem-nhan]").innerText.includes(`+fmt.Sprintf("%q", pdfName)+`) && document.querySelector("[aria-labelledby=lk-related-nhan]").innerText.includes("87/TB-VPUB")`, "the draft restored")

	// Meanwhile a colleague changes the number.
	doc["number"] = "89/TB-VPUB"
	body, _ := json.Marshal(map[string]any{"kind": "document", "title": title, "document": doc})
	if status, a := s.call(t, "editor", http.MethodPut, "/admin/articles/"+id, string(body), map[string]string{"If-Match": `"1"`}); status != http.StatusOK {
		t.Fatalf("the colleague's save: %d %v", status, a)
	}
	if err := p.Click(t.Context(), "#luu"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("dialog.conflict[open]")`, "the conflict dialog")
	if text, _ := p.Text(t.Context(), "dialog.conflict h2"); text != "Văn bản đã được người khác sửa" {
		t.Errorf("dialog heading %q", text)
	}
	press(t, p, "So sánh")
	waitFor(t, p, `document.querySelector("dialog.conflict .diff table")`, "the comparison")
	var rows []string
	if err := p.Eval(t.Context(), `[...document.querySelectorAll("dialog.conflict .diff tbody th")].map(r => r.innerText)`, &rows); err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows, "|") != "Số ký hiệu|Người ký|Tệp đính kèm|Văn bản liên quan" {
		t.Errorf("the comparison's rows %q; want the number (theirs), the signer, the attachment and the link (mine)", rows)
	}
	checkAxe(t, p, "a document's conflict dialog")
	press(t, p, "Tải lại bản mới")
	waitFor(t, p, `!document.querySelector("dialog.conflict") && document.querySelector("#so-ky-hieu").value === "89/TB-VPUB" && document.querySelector("#nguoi-ky").value === ""`, "their version in the form")
	var kept string
	if err := p.Eval(t.Context(), `document.querySelector("#ban-cua-ban").value`, &kept); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Trích yếu: " + title, "Số ký hiệu: 88/TB-VPUB", "Người ký: Trần Anh Tuấn", "Tệp đính kèm: " + pdfName, "Văn bản liên quan: 87/TB-VPUB — Thông báo lịch làm việc"} {
		if !strings.Contains(kept, want) {
			t.Errorf("the kept text %q; want %q in it", kept, want)
		}
	}
	press(t, p, "Dùng lại bản của tôi")
	waitFor(t, p, `document.querySelector("#so-ky-hieu").value === "88/TB-VPUB" && document.querySelector("#nguoi-ky").value === "Trần Anh Tuấn"`, "mine back in the form")
	if err := p.Click(t.Context(), "#luu"); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "phiên bản 3")
	d, _ := s.article(t, id)["document"].(map[string]any)
	if d == nil || d["number"] != "88/TB-VPUB" || d["signer"] != "Trần Anh Tuấn" || !strings.Contains(fmt.Sprint(d["attachments"]), file) || !strings.Contains(fmt.Sprint(d["related"]), linked) {
		t.Errorf("after saving mine the server has %v", d)
	}

	// The colleague's version, compared with mine by the document's
	// fields, and restored.
	press(t, p, "Các phiên bản")
	waitFor(t, p, `document.querySelectorAll(".revisions tbody tr").length >= 3`, "the revisions")
	press(t, p, "Xem phiên bản 2")
	waitFor(t, p, `document.querySelector(".revisions .diff")`, "revision 2 compared")
	var diff string
	if err := p.Eval(t.Context(), `[...document.querySelectorAll(".revisions .diff tbody tr")].map(r => r.querySelector("th").innerText + ": " + r.querySelector("td").innerText.trim()).join("\n")`, &diff); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Số ký hiệu", "89/TB-VPUB", "88/TB-VPUB", "Người ký: Trần Anh Tuấn", "Tệp đính kèm: " + pdfName} {
		if !strings.Contains(diff, want) {
			t.Errorf("revision 2's comparison reads %q; want %q in it", diff, want)
		}
	}
	press(t, p, "Khôi phục phiên bản 2")
	statusSays(t, p, "Đã khôi phục phiên bản 2")
	waitFor(t, p, `document.querySelector("#so-ky-hieu").value === "89/TB-VPUB" && document.querySelector("[aria-labelledby=tep-dinh-kem-nhan]").innerText === "Chưa có tệp nào."`, "the restored version in the form")
	if d, _ := s.article(t, id)["document"].(map[string]any); d == nil || d["number"] != "89/TB-VPUB" || d["attachments"] != nil {
		t.Errorf("after restoring version 2 the server has %v", d)
	}
	for _, e := range p.ConsoleErrors() {
		if !strings.Contains(e, "412 (Precondition Failed)") {
			t.Errorf("console error: %v", e)
		}
	}
}
