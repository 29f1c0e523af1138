package consoletest

import (
	"strings"
	"testing"
	"time"

	"eportal/infra/browser"
)

// TestDraftsStayWithTheirAuthor: an unsaved draft kept on the machine is
// offered to its author only, and signing out removes it after asking, so
// that the next person at a shared computer finds nothing.
func TestDraftsStayWithTheirAuthor(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{JavaScript: true})
	s.signIn(t, p, "editor")
	openEditor(t, p, "/quan-tri/bai-viet/moi")
	if err := p.Type(t.Context(), "#tieu-de", "Bản nháp của biên tập viên"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `(localStorage.getItem("eportal.console.draft.moi") || "").includes("Bản nháp của biên tập viên")`, "the draft in localStorage")

	// Another user at the same browser (the editor left the editor, saying
	// yes to leaving unsaved work, and closed the tab, its session with
	// it) is not offered the editor's draft.
	if err := p.Eval(t.Context(), `window.confirm = () => true`, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(t.Context(), `nav#dieu-huong a[href="/quan-tri/?trang-thai=nhap"]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `!document.querySelector("#tieu-de") && document.querySelector("main h1").innerText.includes("Bản nháp")`, "the desk")
	if err := p.Eval(t.Context(), `sessionStorage.clear()`, nil); err != nil {
		t.Fatal(err)
	}
	s.signIn(t, p, "publisher")
	openEditor(t, p, "/quan-tri/bai-viet/moi")
	var offered bool
	if err := p.Eval(t.Context(), `!!document.querySelector(".restore button")`, &offered); err != nil || offered {
		t.Errorf("the publisher is offered the editor's draft: %v, %v", offered, err)
	}
	if _, local := storage(t, p); !strings.Contains(local["eportal.console.draft.moi"], "Bản nháp của biên tập viên") {
		t.Errorf("opening the editor as another user lost the draft: %v", local)
	}

	// Signing out asks; declining keeps the session and the draft.
	if err := p.Eval(t.Context(), `window.confirm = () => false, document.getElementById("dang-xuat").click()`, nil); err != nil {
		t.Fatal(err)
	}
	session, local := storage(t, p)
	if session["eportal.console.tokens"] == "" || local["eportal.console.draft.moi"] == "" {
		t.Errorf("declined sign-out: session %v, local %v; want both kept", session, local)
	}
	// Confirming removes every draft, then signs out.
	if err := p.Eval(t.Context(), `window.confirm = () => true`, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ClickNavigate(t.Context(), "#dang-xuat"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("main").innerText.includes("Bạn đã đăng xuất")`, "the signed-out page")
	session, local = storage(t, p)
	for k := range local {
		if strings.HasPrefix(k, "eportal.console.draft.") {
			t.Errorf("after sign-out localStorage still holds %s", k)
		}
	}
	if session["eportal.console.tokens"] != "" {
		t.Errorf("after sign-out the tokens are still in sessionStorage")
	}
}

// TestBackAsksWithUnsavedWork: the browser's Back button with unsaved work
// in the editor asks, as a console link does; staying keeps the editor and
// its address, leaving shows the previous page.
func TestBackAsksWithUnsavedWork(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{JavaScript: true})
	s.signIn(t, p, "editor")
	openEditor(t, p, "/quan-tri/bai-viet/moi")
	if err := p.Type(t.Context(), "#tieu-de", "Đang viết dở"); err != nil {
		t.Fatal(err)
	}
	var asked int
	if err := p.Eval(t.Context(), `window.asked = 0, window.confirm = () => { window.asked++; return false; }, history.back(), true`, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `window.asked === 1`, "the question")
	// Give a wrongly drawn page the time to appear before looking.
	time.Sleep(300 * time.Millisecond)
	var stayed bool
	if err := p.Eval(t.Context(), `!!document.querySelector("#tieu-de") && document.querySelector("#tieu-de").value === "Đang viết dở" && location.pathname === "/quan-tri/bai-viet/moi"`, &stayed); err != nil || !stayed {
		t.Errorf("declining Back: editor and address kept %v, %v", stayed, err)
	}
	if err := p.Eval(t.Context(), `window.asked`, &asked); err != nil || asked != 1 {
		t.Errorf("asked %d times, %v; want once", asked, err)
	}
	if err := p.Eval(t.Context(), `window.confirm = () => true, history.back(), true`, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `!document.querySelector("#tieu-de") && location.pathname === "/quan-tri/"`, "the desk after Back")
}
