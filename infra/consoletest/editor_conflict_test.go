package consoletest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"eportal/infra/browser"
)

// TestStaleSaveShowsConflict: someone else saves the article between the
// editor's load and save; the save gets 412 and the dialog says so,
// compares theirs with the editor's field by field, and reloads theirs
// while keeping the editor's text to copy and in the local draft. Nothing
// typed is lost and nothing of theirs is overwritten.
func TestStaleSaveShowsConflict(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	id := s.mustCreate(t, "Bài viết hai người cùng sửa")
	p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	openEditor(t, p, "/quan-tri/bai-viet/"+id)
	const mine = " (bản của tôi)"
	if err := p.Type(t.Context(), "#tieu-de", mine); err != nil {
		t.Fatal(err)
	}
	// Meanwhile, through the API, a colleague changes the summary.
	status, _, _ := s.apiCall(t, "editor", http.MethodPut, "/admin/articles/"+id,
		`{"title":"Bài viết hai người cùng sửa","summary":"Tóm tắt của đồng nghiệp","body":"<p>Nội dung ban đầu</p>","categories":["tin-tuc-su-kien"]}`,
		map[string]string{"If-Match": `"1"`})
	if status != http.StatusOK {
		t.Fatalf("the colleague's save: %d", status)
	}
	if err := p.Click(t.Context(), `#luu`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("dialog.conflict[open]")`, "the conflict dialog")
	if text, _ := p.Text(t.Context(), "dialog.conflict h2"); text != "Bài viết đã được người khác sửa" {
		t.Errorf("dialog heading %q", text)
	}
	checkAxe(t, p, "conflict dialog")
	press(t, p, "So sánh")
	waitFor(t, p, `document.querySelector("dialog.conflict .diff table")`, "the comparison")
	var rows []string
	if err := p.Eval(t.Context(), `[...document.querySelectorAll("dialog.conflict .diff tbody tr")].map(r => r.innerText)`, &rows); err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(rows, "\n")
	if len(rows) != 2 || !strings.Contains(joined, "Tiêu đề") || !strings.Contains(joined, "Tóm tắt") || !strings.Contains(joined, "bản của tôi") || !strings.Contains(joined, "Tóm tắt của đồng nghiệp") {
		t.Errorf("comparison rows %q; want the title (mine) and the summary (theirs)", rows)
	}
	var del, ins string
	_ = p.Eval(t.Context(), `[...document.querySelectorAll("dialog.conflict .diff del")].map(e => e.innerText).join("|")`, &del)
	_ = p.Eval(t.Context(), `[...document.querySelectorAll("dialog.conflict .diff ins")].map(e => e.innerText).join("|")`, &ins)
	if !strings.Contains(ins, "tôi)") || !strings.Contains(del, "đồng") {
		t.Errorf("marked only-theirs %q, only-mine %q; want their summary words struck and my title words marked", del, ins)
	}
	// The server still has theirs.
	_, _, a := s.apiCall(t, "editor", http.MethodGet, "/admin/articles/"+id, "", nil)
	if a["summary"] != "Tóm tắt của đồng nghiệp" || fmt.Sprint(a["version"]) != "2" {
		t.Errorf("after the stale save the server has %v; want the colleague's version 2 untouched", a)
	}

	press(t, p, "Tải lại bản mới")
	waitFor(t, p, `!document.querySelector("dialog.conflict") && document.querySelector("#tom-tat").value === "Tóm tắt của đồng nghiệp"`, "their version in the form")
	var kept string
	if err := p.Eval(t.Context(), `document.querySelector("#ban-cua-ban").value`, &kept); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(kept, "Bài viết hai người cùng sửa"+mine) {
		t.Errorf("the kept text %q; want my title in it", kept)
	}
	_, local := storage(t, p)
	if !strings.Contains(local["eportal.console.draft."+id], mine) {
		t.Errorf("local draft %q; want my unsaved title kept", local["eportal.console.draft."+id])
	}
	// Taking mine back onto their version saves: version 3.
	press(t, p, "Dùng lại bản của tôi")
	waitFor(t, p, fmt.Sprintf(`document.querySelector("#tieu-de").value.endsWith(%q)`, mine), "my title back in the form")
	if err := p.Click(t.Context(), `#luu`); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "phiên bản 3")
	_, _, a = s.apiCall(t, "editor", http.MethodGet, "/admin/articles/"+id, "", nil)
	if a["title"] != "Bài viết hai người cùng sửa"+mine {
		t.Errorf("after saving again the server has %v", a)
	}
	if _, local := storage(t, p); local["eportal.console.draft."+id] != "" {
		t.Errorf("the local draft outlived the save: %q", local["eportal.console.draft."+id])
	}
	// Chromium reports the refused save's 412 as a failed resource; nothing
	// else may be logged.
	for _, e := range p.ConsoleErrors() {
		if !strings.Contains(e, "412 (Precondition Failed)") {
			t.Errorf("console error: %v", e)
		}
	}
}

// TestRejectAndRestore: the publisher rejects an article with a reason,
// which the editor then sees; a revision is compared with the current
// text and restored.
func TestRejectAndRestore(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	id := s.mustCreate(t, "Tiêu đề đầu tiên")
	status, _, _ := s.apiCall(t, "editor", http.MethodPut, "/admin/articles/"+id,
		`{"title":"Tiêu đề thứ hai","summary":"Tóm tắt ban đầu","body":"<p>Nội dung đã sửa</p>","categories":["tin-tuc-su-kien"]}`,
		map[string]string{"If-Match": `"1"`})
	if status != http.StatusOK {
		t.Fatalf("second version: %d", status)
	}
	if status, _, _ := s.apiCall(t, "editor", http.MethodPost, "/admin/articles/"+id+"/submit", "", nil); status != http.StatusOK {
		t.Fatalf("submit: %d", status)
	}
	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "publisher")
	openEditor(t, p, "/quan-tri/bai-viet/"+id)
	press(t, p, "Trả lại…")
	answer(t, p, map[string]string{"reason": "Thiếu nguồn tin."})
	statusSays(t, p, "Đã trả lại")
	waitFor(t, p, `document.querySelector(".flow .reason") && document.querySelector(".flow .reason").innerText.includes("Thiếu nguồn tin.")`, "the reason shown")
	_, _, a := s.apiCall(t, "editor", http.MethodGet, "/admin/articles/"+id, "", nil)
	if a["status"] != "draft" || a["rejectionReason"] != "Thiếu nguồn tin." {
		t.Errorf("after reject: %v", a)
	}

	press(t, p, "Các phiên bản")
	waitFor(t, p, `document.querySelectorAll(".revisions tbody tr").length >= 3`, "the revisions")
	press(t, p, "Xem phiên bản 1")
	waitFor(t, p, `document.querySelector(".revisions .diff")`, "revision 1 compared")
	var diff string
	_ = p.Eval(t.Context(), `document.querySelector(".revisions .diff").innerText`, &diff)
	if !strings.Contains(diff, "Tiêu đề đầu tiên thứ hai") || !strings.Contains(diff, "Nội dung ban đầu đã sửa") {
		t.Errorf("revision 1's comparison reads %q; want the titles and the body", diff)
	}
	// The revision's own text, behind "Toàn văn phiên bản 1".
	if err := p.Click(t.Context(), `.revisions details.revision-text summary`); err != nil {
		t.Fatal(err)
	}
	if text, _ := p.Text(t.Context(), ".revisions details.revision-text"); !strings.Contains(text, "Tiêu đề đầu tiên") || !strings.Contains(text, "Nội dung ban đầu") {
		t.Errorf("revision 1's text reads %q", text)
	}
	checkAxe(t, p, "revisions")
	press(t, p, "Khôi phục phiên bản 1")
	statusSays(t, p, "Đã khôi phục phiên bản 1")
	waitFor(t, p, `document.querySelector("#tieu-de").value === "Tiêu đề đầu tiên"`, "the restored title in the form")
	_, _, a = s.apiCall(t, "editor", http.MethodGet, "/admin/articles/"+id, "", nil)
	if a["title"] != "Tiêu đề đầu tiên" || a["body"] != "<p>Nội dung ban đầu</p>" {
		t.Errorf("after restore: %v", a)
	}
	if errs := p.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("console errors: %v", errs)
	}
}
