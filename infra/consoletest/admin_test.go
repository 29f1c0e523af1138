package consoletest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"eportal/infra/browser"
	"eportal/infra/localauth"
)

// The admins' pages: each test drives one page as an admin would, with the
// keyboard and the mouse, and checks what the API then holds.

// call sends a request to the local API as the local user of role ("" for
// none) and returns the status and the decoded JSON body (nil when empty,
// {"raw": body} when not JSON).
func (s *localStack) call(t *testing.T, role, method, path, body string, headers map[string]string) (int, map[string]any) {
	t.Helper()
	status, _, out := s.send(t, role, method, path, body, headers)
	return status, out
}

// send is call, with the response's headers.
func (s *localStack) send(t *testing.T, role, method, path, body string, headers map[string]string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if role != "" {
		u, err := localauth.DevUser(role)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := s.issuer.TokenFor(u, 0)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 && json.Unmarshal(raw, &out) != nil {
		out = map[string]any{"raw": string(raw)} // not JSON: an image, a plain 404
	}
	return resp.StatusCode, resp.Header, out
}

// openPage follows the navigation's link to a console page and waits for
// its heading.
func openPage(t *testing.T, p *browser.Page, page, heading string) {
	t.Helper()
	if err := p.Click(t.Context(), `nav#dieu-huong a[href="/quan-tri/`+page+`"]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, fmt.Sprintf(`document.querySelector("main h1") && document.querySelector("main h1").innerText === %q`, heading), "the page "+heading)
}

// fill replaces the value of the field matching selector by typing text.
func fill(t *testing.T, p *browser.Page, selector, text string) {
	t.Helper()
	if err := p.Eval(t.Context(), fmt.Sprintf(`document.querySelector(%q).value = ""`, selector), nil); err != nil {
		t.Fatalf("clear %s: %v", selector, err)
	}
	if text != "" {
		if err := p.Type(t.Context(), selector, text); err != nil {
			t.Fatal(err)
		}
	}
}

// choose selects value in the <select> matching selector.
func choose(t *testing.T, p *browser.Page, selector, value string) {
	t.Helper()
	var ok bool
	js := fmt.Sprintf(`(s => { s.value = %q; s.dispatchEvent(new Event("change", {bubbles: true})); return s.value === %q; })(document.querySelector(%q))`, value, value, selector)
	if err := p.Eval(t.Context(), js, &ok); err != nil || !ok {
		t.Fatalf("choose %q in %s: %v (option missing?)", value, selector, err)
	}
}

// fieldID finds the id of the control whose <label> reads label within
// scope, which is how a reader finds a field.
func fieldID(t *testing.T, p *browser.Page, scope, label string) string {
	t.Helper()
	var id string
	js := fmt.Sprintf(`(() => { const l = [...document.querySelectorAll(%q)].find(l => l.innerText.trim() === %q); return l ? l.htmlFor : ""; })()`, scope+" label", label)
	if err := p.Eval(t.Context(), js, &id); err != nil || id == "" {
		t.Fatalf("no field labelled %q in %s: %v", label, scope, err)
	}
	return "#" + id
}

// noScriptErrors fails the test for console errors other than the
// browser's note of a 4xx answer, which the pages expect and explain.
func noScriptErrors(t *testing.T, p *browser.Page) {
	t.Helper()
	for _, e := range p.ConsoleErrors() {
		if !regexp.MustCompile(`status of 4\d\d`).MatchString(e) {
			t.Errorf("console error: %s", e)
		}
	}
}

// mainText is the text of the page's content.
func mainText(t *testing.T, p *browser.Page) string {
	t.Helper()
	var s string
	if err := p.Eval(t.Context(), `document.querySelector("main").innerText`, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitText waits until the content shows text.
func waitText(t *testing.T, p *browser.Page, text, what string) {
	t.Helper()
	waitFor(t, p, fmt.Sprintf(`document.querySelector("main").innerText.includes(%q)`, text), what)
}

// alertText waits for a non-empty role=alert in the content and returns it.
func alertText(t *testing.T, p *browser.Page, scope string) string {
	t.Helper()
	sel := scope + ` [role=alert]`
	waitFor(t, p, fmt.Sprintf(`[...document.querySelectorAll(%q)].some(a => a.innerText.trim() !== "")`, sel), "an alert in "+scope)
	var s string
	if err := p.Eval(t.Context(), fmt.Sprintf(`[...document.querySelectorAll(%q)].map(a => a.innerText.trim()).join(" | ")`, sel), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// clickButton clicks the button in scope whose text (or aria-label) is
// label.
func clickButton(t *testing.T, p *browser.Page, scope, label string) {
	t.Helper()
	var ok bool
	js := fmt.Sprintf(`(() => { const b = [...document.querySelectorAll(%q)].find(b => !b.disabled && (b.getAttribute("aria-label") === %q || b.innerText.trim() === %q)); if (b) b.click(); return !!b; })()`,
		scope+" button", label, label)
	if err := p.Eval(t.Context(), js, &ok); err != nil || !ok {
		t.Fatalf("no enabled button %q in %s: %v; page text %q", label, scope, err, mainText(t, p))
	}
}

// findCategory returns the category id from the public tree, or nil.
func findCategory(t *testing.T, s *localStack, id string) map[string]any {
	t.Helper()
	status, body := s.call(t, "", http.MethodGet, "/categories", "", map[string]string{"Cache-Control": "no-cache"})
	if status != http.StatusOK {
		t.Fatalf("GET /categories: %d", status)
	}
	var walk func([]any) map[string]any
	walk = func(list []any) map[string]any {
		for _, x := range list {
			c := x.(map[string]any)
			if c["id"] == id {
				return c
			}
			if kids, _ := c["children"].([]any); kids != nil {
				if f := walk(kids); f != nil {
					return f
				}
			}
		}
		return nil
	}
	items, _ := body["items"].([]any)
	return walk(items)
}

func TestAdminCategories(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "admin")
	openPage(t, p, "chuyen-muc", "Chuyên mục")
	waitFor(t, p, `document.querySelector('main .tree [data-id="khoa-xix"]')`, "the demo tree")
	if n, _ := p.Count(t.Context(), `main .tree > li > ul [data-id="khoa-xix"]`); n != 1 {
		t.Errorf("Khóa XIX is not shown under its parent")
	}
	checkAxe(t, p, "categories page")

	// The page is drawn anew after each change: fields are found by their
	// labels each time.
	form := "main form.admin-form"
	name := func() string { return fieldID(t, p, form, "Tên chuyên mục") }
	slugF := func() string { return fieldID(t, p, form, "Đường dẫn (slug)") }
	parent := func() string { return fieldID(t, p, form, "Chuyên mục cha") }

	// Nothing typed: said at once, nothing sent.
	clickButton(t, p, form, "Thêm chuyên mục")
	if got := alertText(t, p, form); !strings.Contains(got, "Hãy nhập tên chuyên mục") {
		t.Errorf("empty name: alert %q", got)
	}
	// An id that exists: the API refuses, the form keeps what was typed.
	fill(t, p, name(), "Trùng mã")
	fill(t, p, slugF(), "khoa-xix")
	clickButton(t, p, form, "Thêm chuyên mục")
	waitFor(t, p, `document.querySelector("main form [role=alert]").innerText.includes("409")`, "the conflict")
	var kept []string
	if err := p.Eval(t.Context(), fmt.Sprintf(`[document.querySelector(%q).value, document.querySelector(%q).value]`, name(), slugF()), &kept); err != nil {
		t.Fatal(err)
	}
	if kept[0] != "Trùng mã" || kept[1] != "khoa-xix" {
		t.Errorf("after a refused save the form holds %q; want what was typed", kept)
	}

	// Add under "Đảng Cộng sản Việt Nam", order left to the page (last).
	fill(t, p, name(), "Chuyên mục thử của quản trị")
	fill(t, p, slugF(), "chuyen-muc-thu-quan-tri")
	choose(t, p, parent(), "dang-cong-san-viet-nam")
	clickButton(t, p, form, "Thêm chuyên mục")
	waitText(t, p, "Đã thêm chuyên mục “Chuyên mục thử của quản trị”.", "the added notice")
	waitFor(t, p, `document.querySelector('main .tree > li > ul [data-id="chuyen-muc-thu-quan-tri"]')`, "the new category under its parent")
	c := findCategory(t, s, "chuyen-muc-thu-quan-tri")
	if c == nil || c["parentId"] != "dang-cong-san-viet-nam" || c["position"] != float64(10) {
		t.Errorf("the API holds %v; want it under dang-cong-san-viet-nam at position 10 (after Khóa XXII's 9)", c)
	}

	// Rename it and move it to the top level.
	clickButton(t, p, `main .tree [data-id="chuyen-muc-thu-quan-tri"]`, "Sửa “Chuyên mục thử của quản trị”")
	waitFor(t, p, `document.querySelector("main form h2").innerText.startsWith("Sửa chuyên mục")`, "the edit form")
	var focused string
	if err := p.Eval(t.Context(), `document.activeElement.value`, &focused); err != nil {
		t.Fatal(err)
	}
	if focused != "Chuyên mục thử của quản trị" {
		t.Errorf("focus after Sửa is on %q; want the name field", focused)
	}
	// Its own id is not offered as its parent.
	if n, _ := p.Count(t.Context(), parent()+` option[value="chuyen-muc-thu-quan-tri"]`); n != 0 {
		t.Errorf("a category is offered as its own parent")
	}
	fill(t, p, name(), "Chuyên mục đã đổi tên")
	choose(t, p, parent(), "")
	clickButton(t, p, form, "Lưu thay đổi")
	waitText(t, p, "Đã lưu chuyên mục “Chuyên mục đã đổi tên”.", "the saved notice")
	if c := findCategory(t, s, "chuyen-muc-thu-quan-tri"); c == nil || c["name"] != "Chuyên mục đã đổi tên" || c["parentId"] != nil {
		t.Errorf("after the edit the API holds %v; want the new name at the top level", c)
	}
	waitFor(t, p, `document.querySelector('main .tree > li > .row[data-id="chuyen-muc-thu-quan-tri"]')`, "the category at the top level")

	// The API refuses deleting a category with children or with articles:
	// the page says why and keeps it.
	for id, want := range map[string]string{"dang-cong-san-viet-nam": "subcategories", "tin-tuc-su-kien": "Articles are filed under this category"} {
		row := `main .tree [data-id="` + id + `"]`
		var label string
		if err := p.Eval(t.Context(), fmt.Sprintf(`document.querySelector(%q).innerText`, row+" .name"), &label); err != nil {
			t.Fatal(err)
		}
		clickButton(t, p, row, "Xóa “"+label+"”")
		clickButton(t, p, row, "Xóa")
		waitFor(t, p, fmt.Sprintf(`document.querySelector("main > [role=alert]").innerText.includes(%q)`, want), "the refusal for "+id)
		if got, _ := p.Text(t.Context(), "main > [role=alert]"); !strings.Contains(got, "Không xóa được chuyên mục “"+label+"”") {
			t.Errorf("refusal reads %q; want it to name the category", got)
		}
		if findCategory(t, s, id) == nil {
			t.Errorf("%s deleted despite the refusal", id)
		}
	}

	// Delete the new one: confirmed, then gone.
	row := `main .tree [data-id="chuyen-muc-thu-quan-tri"]`
	clickButton(t, p, row, "Xóa “Chuyên mục đã đổi tên”")
	clickButton(t, p, row, "Không")
	if findCategory(t, s, "chuyen-muc-thu-quan-tri") == nil {
		t.Fatalf("deleted without confirmation")
	}
	clickButton(t, p, row, "Xóa “Chuyên mục đã đổi tên”")
	clickButton(t, p, row, "Xóa")
	waitText(t, p, "Đã xóa chuyên mục “Chuyên mục đã đổi tên”.", "the deleted notice")
	if c := findCategory(t, s, "chuyen-muc-thu-quan-tri"); c != nil {
		t.Errorf("still in the API after delete: %v", c)
	}
	checkAxe(t, p, "categories page after changes")

	// The audit trail lists what the page did, newest first, as done by
	// the admin.
	if _, err := p.Navigate(t.Context(), s.URL+"/quan-tri/nhat-ky?doi-tuong=category:chuyen-muc-thu-quan-tri"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelectorAll("main table.audit tbody tr").length === 3`, "the category's three records")
	want := []string{"Bạn (quan-tri@local) | Xóa | Chuyên mục: chuyen-muc-thu-quan-tri | 3",
		"Bạn (quan-tri@local) | Sửa | Chuyên mục: chuyen-muc-thu-quan-tri | 2",
		"Bạn (quan-tri@local) | Tạo | Chuyên mục: chuyen-muc-thu-quan-tri | 1"}
	for i, r := range auditRows(t, p) {
		if !strings.HasSuffix(r, want[i]) {
			t.Errorf("audit row %d reads %q; want it to end %q", i, r, want[i])
		}
	}
	noScriptErrors(t, p)
}
