package consoletest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"eportal/infra/browser"
	"eportal/internal/docfile/docfiletest"
)

// TestMediaLibraryDocuments: the library page takes the documents legal
// documents attach — a PDF is checked and offered for download with its
// name; an HTML file named .pdf is refused with the processor's reason —
// while the article editor's picker offers images only.
func TestMediaLibraryDocuments(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	openPage(t, p, "thu-vien-anh", "Thư viện ảnh")
	waitFor(t, p, `!document.querySelector("main [role=status].hint").innerText.includes("Đang tải")`, "the library loaded")

	const pdfName = "Báo cáo số 04-BC-TU.pdf"
	chooseFile(t, p, "main", pdfName, "application/pdf", docfiletest.PDF())
	if got := uploadLine(t, p, pdfName); !strings.Contains(got, "tệp đã sẵn sàng") {
		t.Fatalf("the PDF's upload ended with %q", got)
	}
	m := mediaItem(t, s, pdfName)
	if m == nil || m["status"] != "ready" || m["kind"] != "file" {
		t.Fatalf("the library holds %v; want the PDF ready, kind file", m)
	}
	id := fmt.Sprint(m["id"])
	card := fmt.Sprintf(`document.querySelector('main .media-grid li[data-id=%q]')`, id)
	waitFor(t, p, card+` && `+card+`.querySelector(".no-thumb").innerText === "PDF" && `+card+`.querySelector("a[download]")`, "the PDF's card with its download link")
	var href string
	if err := p.Eval(t.Context(), card+`.querySelector("a[download]").href`, &href); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(href)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=UTF-8''B%C3%A1o") {
		t.Errorf("GET %s = %d %v; want the PDF as an attachment under its Vietnamese name", href, resp.StatusCode, resp.Header)
	}

	chooseFile(t, p, "main", "trang-web.pdf", "application/pdf", []byte("<!doctype html><title>x</title><script>alert(1)</script>"))
	if got := uploadLine(t, p, "trang-web.pdf"); !strings.Contains(got, "Máy chủ từ chối tệp") {
		t.Errorf("an HTML file named .pdf: %q; want the processor's refusal", got)
	}
	checkAxe(t, p, "media library with a document")

	// The editor's picker lists images only.
	var offered bool
	if err := p.Eval(t.Context(), `eportalConsole.pickImage({title: "Chọn ảnh"}), true`, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("dialog[open]") && !document.querySelector("dialog[open] [role=status].hint").innerText.includes("Đang tải")`, "the picker loaded")
	if err := p.Eval(t.Context(), fmt.Sprintf(`!!document.querySelector('dialog[open] li[data-id=%q]')`, id), &offered); err != nil || offered {
		t.Errorf("the picker offers the PDF: %v, %v", offered, err)
	}
	var accept string
	if err := p.Eval(t.Context(), `document.querySelector("dialog[open] input[type=file]").accept`, &accept); err != nil || strings.Contains(accept, "pdf") {
		t.Errorf("the picker's file input accepts %q, %v; want images only", accept, err)
	}
}
