package consoletest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"eportal/infra/browser"
)

// apiCall sends one /admin request as the demo user of role and returns
// the status, the ETag and the decoded JSON body (nil when there is none).
func (s *localStack) apiCall(t *testing.T, role, method, path, body string, headers map[string]string) (int, string, map[string]any) {
	t.Helper()
	status, h, out := s.send(t, role, method, path, body, headers)
	return status, h.Get("ETag"), out
}

// mustCreate creates a draft through the API as the editor and returns its
// id.
func (s *localStack) mustCreate(t *testing.T, title string) string {
	t.Helper()
	body := fmt.Sprintf(`{"title":%q,"summary":"Tóm tắt ban đầu","body":"<p>Nội dung ban đầu</p>","categories":["tin-tuc-su-kien"]}`, title)
	status, _, a := s.apiCall(t, "editor", http.MethodPost, "/admin/articles", body, nil)
	if status != http.StatusCreated {
		t.Fatalf("create %q: %d %v", title, status, a)
	}
	return a["id"].(string)
}

// openEditor shows the console's page href (under /quan-tri/) as a link
// followed in the console would, and waits for the editor's form.
func openEditor(t *testing.T, p *browser.Page, href string) {
	t.Helper()
	if err := p.Eval(t.Context(), fmt.Sprintf(`eportalConsole.navigate(%q)`, href), nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("#tieu-de") && document.querySelector(".flow button")`, "the editor at "+href)
}

// press clicks the button of main (or of an open dialog) whose text
// is label.
func press(t *testing.T, p *browser.Page, label string) {
	t.Helper()
	var ok bool
	js := fmt.Sprintf(`(() => { const b = [...document.querySelectorAll("dialog[open] button, main button")].find(b => b.innerText.trim() === %q && !b.disabled); if (b) b.click(); return !!b; })()`, label)
	if err := p.Eval(t.Context(), js, &ok); err != nil || !ok {
		t.Fatalf("no enabled button %q (%v); buttons: %s", label, err, buttonTexts(t, p))
	}
}

func buttonTexts(t *testing.T, p *browser.Page) string {
	var names []string
	_ = p.Eval(t.Context(), `[...document.querySelectorAll("dialog[open] button, main button")].map(b => b.innerText.trim())`, &names)
	return strings.Join(names, " | ")
}

// statusSays waits for the editor's status line to contain text.
func statusSays(t *testing.T, p *browser.Page, text string) {
	t.Helper()
	waitFor(t, p, fmt.Sprintf(`document.querySelector(".status-line") && document.querySelector(".status-line").innerText.includes(%q)`, text), "the status line saying "+text)
}

// answer fills the open ask dialog's fields (by name) and submits it.
func answer(t *testing.T, p *browser.Page, fields map[string]string) {
	t.Helper()
	waitFor(t, p, `document.querySelector("dialog.ask[open]")`, "the dialog")
	for name, v := range fields {
		if err := p.Eval(t.Context(), fmt.Sprintf(`document.querySelector("dialog.ask[open] [name='%s']").value = %q`, name, v), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Click(t.Context(), `dialog.ask[open] button[type="submit"]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `!document.querySelector("dialog.ask[open]")`, "the dialog to close")
}

// articleID is the id in the editor's address.
func articleID(t *testing.T, p *browser.Page) string {
	t.Helper()
	waitFor(t, p, `/\/quan-tri\/bai-viet\/(?!moi)[a-z0-9-]+$/.test(location.pathname)`, "the article's address")
	var id string
	if err := p.Eval(t.Context(), `location.pathname.split("/").pop()`, &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// selectText selects, in the body editor, from the start of the text from
// to the end of the text to ("" for a caret at from's start), as a mouse
// would.
func selectText(t *testing.T, p *browser.Page, from, to string) {
	t.Helper()
	js := fmt.Sprintf(`(() => {
		const root = document.getElementById("noi-dung-bai");
		const find = (s) => {
			const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
			for (let n; (n = w.nextNode());) { const i = n.data.indexOf(s); if (i >= 0) return [n, i]; }
			return null;
		};
		const a = find(%q), b = %q ? find(%q) : a;
		if (!a || !b) return false;
		const r = document.createRange();
		r.setStart(a[0], a[1]);
		if (%q) r.setEnd(b[0], b[1] + %q.length); else r.collapse(true);
		root.focus();
		// Resolved once the page has seen the change, as it would have long
		// before a person moved to the toolbar.
		const seen = new Promise(ok => { document.addEventListener("selectionchange", () => setTimeout(ok, 0), { once: true }); setTimeout(ok, 500); });
		const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);
		return seen.then(() => true);
	})()`, from, to, to, to, to)
	var ok bool
	if err := p.Eval(t.Context(), js, &ok); err != nil || !ok {
		t.Fatalf("select %q to %q in the body: %v, %v", from, to, ok, err)
	}
}
