package browser

import (
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(RunTests(m)) }

// head starts every test page: valid, titled, in a language, sized for a
// phone, and with an empty icon so that Chromium does not ask for
// /favicon.ico.
const head = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>Test page</title></head>`

// pages are the test site, by path.
var pages = map[string]string{
	"/clean": head + `<body><header><a href="/next">Next page</a></header>
<main><h1>A clean page</h1><p>Nothing here breaks a rule.</p>
<form><label for="q">Search</label> <input id="q" name="q"></form></main></body></html>`,

	"/broken": head + `<body><main><h1>A broken page</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input name="q"></main></body></html>`,

	"/script": head + `<body><main><h1>Scripts</h1><p id="p">static</p>
<noscript><p id="ns">without javascript</p></noscript>
<script>document.getElementById('p').textContent = 'scripted'</script></main></body></html>`,

	"/console": head + `<body><main><h1>Console</h1><script>
console.warn('careful');
console.error('boom', 42, {a: 1});
throw new Error('kaput');
</script></main></body></html>`,

	// {other} is replaced by the second server's URL.
	"/foreign": head + `<body><main><h1>Foreign</h1>
<img src="{other}/pixel.gif" alt="a pixel from elsewhere">
<img src="/missing.gif" alt="a missing pixel"></main></body></html>`,

	"/wide": head + `<body style="margin:0"><main><h1>Wide</h1>
<div style="width:500px;height:10px;background:#000"></div></main></body></html>`,

	"/next": head + `<body><main><h1 id="h">The next page</h1></main></body></html>`,

	"/cookie": head + `<body><main><h1>Cookie</h1></main></body></html>`,
}

// gif is a 1×1 transparent GIF.
var gif = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// mustServers starts the test site and a second origin that serves
// /pixel.gif, and returns their URLs.
func mustServers(t *testing.T) (site, other string) {
	t.Helper()
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/pixel.gif" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/gif")
		w.Write(gif)
	}))
	t.Cleanup(o.Close)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		html, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path == "/cookie" {
			http.SetCookie(w, &http.Cookie{Name: "seen", Value: "1", Path: "/"})
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, strings.ReplaceAll(html, "{other}", o.URL))
	}))
	t.Cleanup(s.Close)
	return s.URL, o.URL
}

// mustOpen opens a tab, loads path from site and checks for a 200.
func mustOpen(t *testing.T, site, path string, opts PageOptions) *Page {
	t.Helper()
	p := MustPage(t, opts)
	status, err := p.Navigate(t.Context(), site+path)
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d; want 200", path, status)
	}
	return p
}

func TestAxe(t *testing.T) {
	t.Parallel()
	site, _ := mustServers(t)
	for _, js := range []bool{false, true} {
		t.Run(fmt.Sprintf("javascript=%v", js), func(t *testing.T) {
			t.Parallel()
			// One tab for both pages: axe is injected per document, and
			// Chromium compiles it faster the second time in a process.
			p := mustOpen(t, site, "/clean", PageOptions{Width: 360, JavaScript: js})
			v, err := p.Axe(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if s := Serious(v); len(s) > 0 {
				t.Errorf("serious violations on a clean page: %v", s)
			}

			// The same checks fail on a page that breaks the rules.
			if _, err := p.Navigate(t.Context(), site+"/broken"); err != nil {
				t.Fatal(err)
			}
			v, err = p.Axe(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, x := range Serious(v) {
				ids = append(ids, x.ID)
				if len(x.Nodes) == 0 || x.Nodes[0].Target == "" || x.Nodes[0].HTML == "" {
					t.Errorf("%s: nodes %+v; want a target and its HTML", x.ID, x.Nodes)
				}
			}
			for _, want := range []string{"image-alt", "label"} {
				if !slices.Contains(ids, want) {
					t.Errorf("serious violations %v; want %s among them (all: %v)", ids, want, v)
				}
			}
			if !js {
				// Axe turned scripts on for its run only.
				if _, err := p.Navigate(t.Context(), site+"/script"); err != nil {
					t.Fatal(err)
				}
				if got, err := p.Text(t.Context(), "#p"); err != nil || got != "static" {
					t.Errorf("text of #p after axe on a page without javascript: got %q, %v; want %q", got, err, "static")
				}
			}
		})
	}
}

func TestJavaScript(t *testing.T) {
	t.Parallel()
	site, _ := mustServers(t)
	tests := []struct {
		js         bool
		wantText   string
		wantNoJSEl int // <noscript> content is markup only without JavaScript
	}{
		{js: false, wantText: "static", wantNoJSEl: 1},
		{js: true, wantText: "scripted", wantNoJSEl: 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("javascript=%v", tt.js), func(t *testing.T) {
			t.Parallel()
			p := mustOpen(t, site, "/script", PageOptions{JavaScript: tt.js})
			if got, err := p.Text(t.Context(), "#p"); err != nil || got != tt.wantText {
				t.Errorf("text of #p: got %q, %v; want %q", got, err, tt.wantText)
			}
			if got, err := p.Count(t.Context(), "#ns"); err != nil || got != tt.wantNoJSEl {
				t.Errorf("noscript elements: got %d, %v; want %d", got, err, tt.wantNoJSEl)
			}
			if !tt.js {
				if got, err := p.Text(t.Context(), "#ns"); err != nil || got != "without javascript" {
					t.Errorf("noscript text: got %q, %v; want %q", got, err, "without javascript")
				}
			}
		})
	}
}

func TestConsole(t *testing.T) {
	t.Parallel()
	site, _ := mustServers(t)
	p := mustOpen(t, site, "/console", PageOptions{JavaScript: true})
	errs := p.ConsoleErrors()
	if len(errs) != 2 ||
		!strings.HasPrefix(errs[0], `console.error: boom 42 `) ||
		!strings.HasPrefix(errs[1], "Uncaught Error: kaput (") {
		t.Errorf("console errors: got %q; want console.error's and the uncaught exception", errs)
	}
	if w := p.ConsoleWarnings(); len(w) != 1 || !strings.HasPrefix(w[0], "console.warn: careful") {
		t.Errorf("console warnings: got %q; want the console.warn", w)
	}

	// Without JavaScript the same page says nothing.
	quiet := mustOpen(t, site, "/console", PageOptions{})
	if errs := quiet.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("console errors without javascript: %q", errs)
	}
}

func TestRequests(t *testing.T) {
	t.Parallel()
	site, other := mustServers(t)

	p := mustOpen(t, site, "/foreign", PageOptions{})
	if got := p.Requests(); !slices.Contains(got, other+"/pixel.gif") || !slices.Contains(got, site+"/foreign") {
		t.Errorf("requests %q; want the page and %s/pixel.gif", got, other)
	}
	if got, want := p.ForeignRequests(), []string{other + "/pixel.gif"}; !slices.Equal(got, want) {
		t.Errorf("foreign requests: got %q; want %q", got, want)
	}
	if got, want := p.FailedRequests(), []string{site + "/missing.gif: HTTP 404"}; !slices.Equal(got, want) {
		t.Errorf("failed requests: got %q; want %q", got, want)
	}

	clean := mustOpen(t, site, "/clean", PageOptions{JavaScript: true})
	if got := clean.ForeignRequests(); len(got) > 0 {
		t.Errorf("foreign requests of a self-contained page: %q", got)
	}
	if got := clean.FailedRequests(); len(got) > 0 {
		t.Errorf("failed requests of a self-contained page: %q", got)
	}
}

func TestHorizontalScroll(t *testing.T) {
	t.Parallel()
	site, _ := mustServers(t)
	p := MustPage(t, PageOptions{Width: 360})
	tests := []struct {
		path            string
		wantScrollWidth int
	}{
		{"/clean", 360},
		{"/wide", 500}, // a 500 px element on a 360 px phone
	}
	for _, tt := range tests {
		if _, err := p.Navigate(t.Context(), site+tt.path); err != nil {
			t.Fatal(err)
		}
		scroll, err := p.ScrollWidth(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		client, err := p.ClientWidth(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if client != 360 || scroll != tt.wantScrollWidth {
			t.Errorf("%s: scroll width %d, client width %d; want %d and 360", tt.path, scroll, client, tt.wantScrollWidth)
		}
	}
}

func TestNavigation(t *testing.T) {
	t.Parallel()
	site, _ := mustServers(t)
	p := MustPage(t, PageOptions{})
	ctx := t.Context()
	if status, err := p.Navigate(ctx, site+"/nowhere"); err != nil || status != http.StatusNotFound {
		t.Errorf("navigate to a missing page: got %d, %v; want 404", status, err)
	}
	if _, err := p.Navigate(ctx, site+"/clean"); err != nil {
		t.Fatal(err)
	}
	// Links work without JavaScript: a click loads the next page.
	if status, err := p.ClickNavigate(ctx, `a[href="/next"]`); err != nil || status != http.StatusOK {
		t.Fatalf("follow the link: got %d, %v; want 200", status, err)
	}
	if got, err := p.URL(ctx); err != nil || got != site+"/next" {
		t.Errorf("url after the click: got %q, %v; want %q", got, err, site+"/next")
	}
	if err := p.WaitVisible(ctx, "#h"); err != nil {
		t.Error(err)
	}
	var title string
	if err := p.Eval(ctx, "document.title", &title); err != nil || title != "Test page" {
		t.Errorf("eval document.title: got %q, %v", title, err)
	}
}

func TestScreenshot(t *testing.T) {
	t.Parallel()
	site, _ := mustServers(t)
	p := mustOpen(t, site, "/wide", PageOptions{Width: 360, Height: 640})
	path := filepath.Join(t.TempDir(), "wide.png")
	if err := p.Screenshot(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	// The full page: 500 px of content, not just the 360 px viewport.
	if cfg.Width != 500 || cfg.Height < 1 {
		t.Errorf("screenshot %d×%d; want 500 px wide", cfg.Width, cfg.Height)
	}
}

func TestCookiesPerPage(t *testing.T) {
	t.Parallel()
	site, _ := mustServers(t)
	p := mustOpen(t, site, "/cookie", PageOptions{})
	cookies, err := p.Cookies(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(cookies) != 1 || cookies[0].Name != "seen" {
		t.Errorf("cookies after /cookie: %+v; want seen=1", cookies)
	}
	// Another tab is another profile: the cookie is not there.
	fresh := mustOpen(t, site, "/clean", PageOptions{})
	if cookies, err := fresh.Cookies(t.Context()); err != nil || len(cookies) != 0 {
		t.Errorf("cookies in a new tab: %+v, %v; want none", cookies, err)
	}
}

func TestStartMissing(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err := Start(ctx, Options{ExecPath: filepath.Join(t.TempDir(), "chromium")})
	if err == nil || !strings.HasPrefix(err.Error(), installHint) {
		t.Errorf("start without chromium: got %v; want the install hint", err)
	}
}
