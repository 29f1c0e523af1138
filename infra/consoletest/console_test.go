package consoletest

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"eportal/infra/browser"
	"eportal/infra/localauth"
)

// adminLinks are the admin-only entries of the console's navigation.
var adminLinks = []string{"chuyen-muc", "lien-ket", "binh-chon", "nhat-ky"}

// showPublished opens the desk's "Đã đăng" list and waits for the demo
// article in it.
func showPublished(t *testing.T, p *browser.Page) {
	t.Helper()
	if err := p.Click(t.Context(), `nav#dieu-huong a[href="/quan-tri/?trang-thai=da-dang"]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, fmt.Sprintf(`document.querySelector("main table") && document.querySelector("main table").innerText.includes(%q)`, demoTitle),
		"the demo article in the published list")
	// Other tests publish articles of their own: the demo article's row is
	// found by its title.
	var row string
	_ = p.Eval(t.Context(), fmt.Sprintf(`([...document.querySelectorAll("main tbody tr")].find(r => r.innerText.includes(%q)) || {}).innerText || ""`, demoTitle), &row)
	if !strings.Contains(row, "Tin tức - Sự kiện") || !strings.Contains(row, "14:20 17/11/2020") {
		t.Errorf("the demo article's row reads %q; want its category's name and its publish time in Vietnam time", row)
	}
	cur, err := p.Text(t.Context(), `nav#dieu-huong a[aria-current="page"]`)
	if err != nil || cur != "Đã đăng" {
		t.Errorf("current navigation entry %q, %v; want Đã đăng", cur, err)
	}
}

func TestEditorSignsInReadsTheDeskAndSignsOut(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	for _, width := range []int{desktopWidth, tabletWidth} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			t.Parallel()
			p := browser.MustPage(t, browser.PageOptions{Width: width, JavaScript: true})
			s.signIn(t, p, "editor")
			if name, _ := p.Text(t.Context(), "#ten"); name != "bien-tap-vien@local" {
				t.Errorf("user shown as %q; want bien-tap-vien@local", name)
			}
			if role, _ := p.Text(t.Context(), "#vai-tro"); role != "Biên tập viên" {
				t.Errorf("role shown as %q; want Biên tập viên", role)
			}
			for _, l := range adminLinks {
				if n, _ := p.Count(t.Context(), `nav#dieu-huong a[href="/quan-tri/`+l+`"]`); n != 0 {
					t.Errorf("an editor is shown the admin entry %s", l)
				}
			}
			session, local := storage(t, p)
			if !strings.Contains(session["eportal.console.tokens"], `"idToken":"ey`) || !strings.Contains(session["eportal.console.tokens"], `"refreshToken"`) {
				t.Errorf("sessionStorage %v; want the tokens there", session)
			}
			if len(local) != 0 {
				t.Errorf("localStorage %v; want nothing kept beyond the tab", local)
			}
			showPublished(t, p)
			checkAxe(t, p, "desk")

			// Sign out: the tokens go, the logout page sends the browser back
			// to the console, which says so rather than signing in again.
			if _, err := p.ClickNavigate(t.Context(), "#dang-xuat"); err != nil {
				t.Fatal(err)
			}
			waitFor(t, p, `document.querySelector("main") && document.querySelector("main").innerText.includes("Bạn đã đăng xuất")`, "the signed-out notice")
			if session, _ := storage(t, p); session["eportal.console.tokens"] != "" {
				t.Errorf("after sign-out sessionStorage still holds %v", session)
			}
			var sawLogout bool
			for _, r := range p.Requests() {
				sawLogout = sawLogout || strings.Contains(r, "/local-cognito/logout?client_id=eportal-local&logout_uri=")
			}
			if !sawLogout {
				t.Errorf("no request to the logout endpoint among %v", p.Requests())
			}
			if errs := p.ConsoleErrors(); len(errs) != 0 {
				t.Errorf("console errors: %v", errs)
			}
			if foreign := p.ForeignRequests(); len(foreign) != 0 {
				t.Errorf("requests off the server: %v", foreign)
			}
		})
	}
}

func TestAdminSeesAdminEntries(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	for _, width := range []int{desktopWidth, tabletWidth} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			t.Parallel()
			p := browser.MustPage(t, browser.PageOptions{Width: width, JavaScript: true})
			s.signIn(t, p, "admin")
			if role, _ := p.Text(t.Context(), "#vai-tro"); role != "Quản trị" {
				t.Errorf("role shown as %q; want Quản trị", role)
			}
			for _, l := range adminLinks {
				if n, _ := p.Count(t.Context(), `nav#dieu-huong a[href="/quan-tri/`+l+`"]`); n != 1 {
					t.Errorf("the admin is not shown the entry %s", l)
				}
			}
			showPublished(t, p)
			checkAxe(t, p, "admin desk")
			if err := p.Click(t.Context(), `nav#dieu-huong a[href="/quan-tri/chuyen-muc"]`); err != nil {
				t.Fatal(err)
			}
			waitFor(t, p, `document.querySelector("main h1").innerText === "Chuyên mục" && document.querySelector('main .tree [data-id="tin-tuc-su-kien"]')`, "the category tree")
			if errs := p.ConsoleErrors(); len(errs) != 0 {
				t.Errorf("console errors: %v", errs)
			}
		})
	}
}

// TestStateChecked: a callback whose state the tab did not send is refused
// before any code is exchanged.
func TestStateChecked(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{JavaScript: true})
	if _, err := p.Navigate(t.Context(), s.URL+"/quan-tri/?code=bad-code&state=forged"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("[role=alert]") && document.querySelector("[role=alert]").innerText.includes("không khớp")`, "the state refusal")
	for _, r := range p.Requests() {
		if strings.Contains(r, "/oauth2/token") {
			t.Errorf("the code was exchanged despite the state: %s", r)
		}
	}
	if session, _ := storage(t, p); session["eportal.console.tokens"] != "" {
		t.Errorf("tokens kept after a refused callback: %v", session)
	}
}

// TestRefresh: the console refreshes its ID token before it expires
// (tokenTTL here), with the refresh token, and the desk keeps working.
func TestRefresh(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{JavaScript: true})
	s.signIn(t, p, "publisher")
	var first string
	if err := p.Eval(t.Context(), `JSON.parse(sessionStorage.getItem("eportal.console.tokens")).idToken`, &first); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, fmt.Sprintf(`JSON.parse(sessionStorage.getItem("eportal.console.tokens")).idToken !== %q`, first), "a refreshed ID token")
	var refreshed bool
	for _, r := range p.Requests() {
		refreshed = refreshed || strings.HasSuffix(r, "/local-cognito/oauth2/token")
	}
	if !refreshed {
		t.Errorf("no token request among %v", p.Requests())
	}
	var tok string
	if err := p.Eval(t.Context(), `JSON.parse(sessionStorage.getItem("eportal.console.tokens")).idToken`, &tok); err != nil {
		t.Fatal(err)
	}
	if _, err := s.issuer.Verify(tok); err != nil {
		t.Errorf("the refreshed token does not verify: %v", err)
	}
	showPublished(t, p)
}

// screenshotsEnv names the environment variable that makes TestScreenshots
// write its PNGs into a directory (relative to the module's root) rather
// than a temporary one: `make screenshots` sets it to docs/screenshots.
const screenshotsEnv = "EPORTAL_SCREENSHOTS"

// TestScreenshots takes the desk's published list, signed in as the admin,
// at a desktop's width (console-desk.png) and a tablet's
// (console-desk-tablet.png).
func TestScreenshots(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	dir := os.Getenv(screenshotsEnv)
	if dir == "" {
		dir = t.TempDir()
	} else if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", "..", dir) // from the package's directory to the module's root
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, width := range map[string]int{"console-desk.png": desktopWidth, "console-desk-tablet.png": tabletWidth} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := browser.MustPage(t, browser.PageOptions{Width: width, JavaScript: true})
			s.signIn(t, p, "admin")
			showPublished(t, p)
			var client int
			if err := p.Eval(t.Context(), `document.documentElement.style.scrollbarWidth = "none", document.documentElement.clientWidth`, &client); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, name)
			if err := p.Screenshot(t.Context(), path); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() < 10000 || client != width {
				t.Errorf("%s: %v, %v, page %d px wide; want a picture %d px wide", path, fi, err, client, width)
			}
		})
	}
}

// TestPaging: a list longer than a page (20) offers "Trang sau", which shows
// the rest, and "Về trang đầu".
func TestPaging(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	u, err := localauth.DevUser("editor")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.issuer.TokenFor(u, 0)
	if err != nil {
		t.Fatal(err)
	}
	const drafts = 23
	for i := range drafts {
		body := fmt.Sprintf(`{"title":"Bản nháp thử phân trang số %d","summary":"Tóm tắt","body":"<p>Nội dung</p>","categories":["tin-tuc-su-kien"]}`, i+1)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/admin/articles", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create draft %d: %d", i+1, resp.StatusCode)
		}
	}
	p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	if err := p.Click(t.Context(), `nav#dieu-huong a[href="/quan-tri/?trang-thai=nhap"]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelectorAll("main tbody tr").length === 20 && document.querySelector("main .pager a")`, "a full first page and Trang sau")
	if err := p.Click(t.Context(), `main .pager a[href*="sau="]`); err != nil {
		t.Fatal(err)
	}
	// Other tests may add drafts of their own; this one's are at least 3 more.
	waitFor(t, p, `location.search.includes("sau=") && document.querySelectorAll("main tbody tr").length >= 3 && document.querySelector("main .pager").innerText.includes("Về trang đầu")`, "the second page")
	var titles []string
	if err := p.Eval(t.Context(), `[...document.querySelectorAll("main tbody tr td:first-child")].map(td => td.innerText)`, &titles); err != nil {
		t.Fatal(err)
	}
	for _, title := range titles {
		if title == "Bản nháp thử phân trang số 23" {
			t.Errorf("the second page repeats the newest draft: %v", titles)
		}
	}
	checkAxe(t, p, "desk, second page")
}

// TestKeyboard: the skip link moves focus to the content without
// reloading the list, and the navigation works with Enter.
func TestKeyboard(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	if err := p.Type(t.Context(), `nav#dieu-huong a[href="/quan-tri/?trang-thai=da-dang"]`, "\r"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, fmt.Sprintf(`document.querySelector("main table") && document.querySelector("main table").innerText.includes(%q)`, demoTitle),
		"the published list, opened with Enter")
	// A mark on the list shows whether the skip link drew it again.
	if err := p.Eval(t.Context(), `document.querySelector("main table").dataset.mark = "before"`, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Type(t.Context(), "a.skip", "\r"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.activeElement && document.activeElement.id === "noi-dung"`, "focus on the content after the skip link")
	var mark string
	if err := p.Eval(t.Context(), `(document.querySelector("main table") || {dataset: {}}).dataset.mark || ""`, &mark); err != nil {
		t.Fatal(err)
	}
	if mark != "before" {
		t.Errorf("the skip link drew the list again; want it left as it was")
	}
}
