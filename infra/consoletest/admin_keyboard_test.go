package consoletest

import (
	"net/http"
	"testing"

	"eportal/infra/browser"
)

// activeElement describes the focused element: its tag, class and text.
func activeElement(t *testing.T, p *browser.Page) string {
	t.Helper()
	var s string
	if err := p.Eval(t.Context(), `(e => e.tagName + "." + e.className + ":" + (e.getAttribute("aria-label") || e.innerText.trim()))(document.activeElement)`, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAdminKeyboard: an admin adds and deletes a link with the keyboard
// alone — Enter on the navigation, typing, Enter to submit, Enter on the
// delete and its confirmation — and focus goes where the next key is
// needed.
func TestAdminKeyboard(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, p, "admin")
	if err := p.Type(t.Context(), `nav#dieu-huong a[href="/quan-tri/lien-ket"]`, "\r"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("main table.links")`, "the links page, opened with Enter")
	form := "main form.admin-form"
	const title = "Kênh gõ bằng bàn phím"
	if err := p.Type(t.Context(), fieldID(t, p, form, "Tiêu đề"), title); err != nil {
		t.Fatal(err)
	}
	if err := p.Type(t.Context(), fieldID(t, p, form, "Địa chỉ"), "https://example.vn/ban-phim\r"); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "Đã thêm liên kết “"+title+"”.", "the link added with Enter")
	if got := activeElement(t, p); got != "P.form-status:Đã thêm liên kết “"+title+"”." {
		t.Errorf("after adding, focus is on %q; want the notice", got)
	}
	var id string
	_, body := s.call(t, "", http.MethodGet, "/links", "", map[string]string{"Cache-Control": "no-cache"})
	for _, x := range body["items"].([]any) {
		if l := x.(map[string]any); l["title"] == title {
			id = l["id"].(string)
		}
	}
	if id == "" {
		t.Fatalf("the link is not in the API's list: %v", body)
	}
	del := `main tr[data-id="` + id + `"] button[aria-label="Xóa “` + title + `”"]`
	if err := p.Type(t.Context(), del, "\r"); err != nil {
		t.Fatal(err)
	}
	if got := activeElement(t, p); got != "BUTTON.danger:Xóa" {
		t.Errorf("after Enter on Xóa, focus is on %q; want the confirmation's Xóa", got)
	}
	// "Không" puts the button back, focused.
	if err := p.Type(t.Context(), `main .confirm button:not(.danger)`, "\r"); err != nil {
		t.Fatal(err)
	}
	if got := activeElement(t, p); got != "BUTTON.danger:Xóa “"+title+"”" {
		t.Errorf("after Không, focus is on %q; want the delete button again", got)
	}
	if err := p.Type(t.Context(), del, "\r"); err != nil {
		t.Fatal(err)
	}
	if err := p.Type(t.Context(), `main .confirm button.danger`, "\r"); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "Đã xóa liên kết “"+title+"”.", "the link deleted with Enter")
	if got := activeElement(t, p); got != "P.form-status:Đã xóa liên kết “"+title+"”." {
		t.Errorf("after deleting, focus is on %q; want the notice", got)
	}
}
