package console_test

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"eportal/internal/apigw"
	"eportal/internal/console"
)

// get is a payload-2.0 GET of path as API Gateway sends it, on host.
func get(path string, headers map[string]string) apigw.Request {
	h := map[string]string{"host": "portal.example.vn", "x-forwarded-proto": "https"}
	for k, v := range headers {
		h[strings.ToLower(k)] = v
	}
	req := apigw.Request{Version: "2.0", RawPath: path, Headers: h}
	req.RequestContext.HTTP.Method = http.MethodGet
	req.RequestContext.HTTP.Path = path
	return req
}

var awsConfig = console.Config{
	AuthURL:      "https://toa-soan.auth.ap-southeast-1.amazoncognito.com",
	ClientID:     "7abc",
	CallbackURLs: []string{"http://localhost:5173/auth/callback", "https://portal.example.vn/tin-tuc/quan-tri/"},
	LogoutURLs:   []string{"https://portal.example.vn/tin-tuc/quan-tri/"},
}

func serve(t *testing.T, h *console.Handler, req apigw.Request) apigw.Response {
	t.Helper()
	resp, err := h.Handle(t.Context(), req)
	if err != nil {
		t.Fatalf("GET %s: error %v; want a response", req.RawPath, err)
	}
	return resp
}

func TestSecurityHeaders(t *testing.T) {
	h := console.New(awsConfig, console.WithBasePath("/tin-tuc"))
	for _, path := range []string{"/quan-tri/", "/quan-tri/config.json", "/quan-tri/chuyen-muc", "/quan-tri/static/nothing.js", "/quan-tri"} {
		resp := serve(t, h, get(path, nil))
		csp := resp.Headers["Content-Security-Policy"]
		if !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe") ||
			!strings.Contains(csp, "connect-src 'self' https://toa-soan.auth.ap-southeast-1.amazoncognito.com;") ||
			!strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q; want script-src 'self', connect-src the sign-in domain, no framing, nothing unsafe", path, csp)
		}
		if resp.Headers["X-Content-Type-Options"] != "nosniff" || resp.Headers["Referrer-Policy"] != "no-referrer" {
			t.Errorf("%s: headers %v; want nosniff and no-referrer (the code in the URL goes nowhere)", path, resp.Headers)
		}
	}
}

func TestIndexAndAssets(t *testing.T) {
	h := console.New(awsConfig, console.WithBasePath("/tin-tuc"))
	for _, path := range []string{"/quan-tri/", "/quan-tri/chuyen-muc", "/quan-tri/bai-viet/abc/sua"} {
		resp := serve(t, h, get(path, nil))
		if resp.StatusCode != http.StatusOK || resp.Headers["Content-Type"] != "text/html; charset=utf-8" ||
			resp.Headers["Cache-Control"] != "no-cache" || resp.Headers["ETag"] == "" {
			t.Fatalf("%s: %d %v; want index.html, revalidated on every load", path, resp.StatusCode, resp.Headers)
		}
		for _, s := range []string{`<html lang="vi">`, `<noscript>`, `content="/tin-tuc"`} {
			if !strings.Contains(resp.Body, s) {
				t.Errorf("%s: index.html lacks %s", path, s)
			}
		}
		if strings.Contains(resp.Body, "<script>") || regexp.MustCompile(`<script(?: [^>]*)?>[^<]`).MatchString(resp.Body) {
			t.Errorf("%s: index.html has inline script", path)
		}
	}
	index := serve(t, h, get("/quan-tri/", nil))
	if resp := serve(t, h, get("/quan-tri/", map[string]string{"If-None-Match": index.Headers["ETag"]})); resp.StatusCode != http.StatusNotModified || resp.Body != "" {
		t.Errorf("If-None-Match the ETag: %d %q; want 304", resp.StatusCode, resp.Body)
	}

	// The files index.html names are under the base path, content-hashed
	// and cached for a year.
	refs := regexp.MustCompile(`(?:src|href)="(/tin-tuc/quan-tri/static/[^"]+)"`).FindAllStringSubmatch(index.Body, -1)
	types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
	named := map[string]bool{}
	for _, m := range refs {
		named[regexp.MustCompile(`\.[0-9a-f]{10}\.`).ReplaceAllString(strings.TrimPrefix(m[1], "/tin-tuc/quan-tri/static/"), ".")] = true
	}
	if !named["console.css"] || !named["console.js"] {
		t.Fatalf("index.html names %v; want the stylesheet and the shell script among them", refs)
	}
	for _, m := range refs {
		path := strings.TrimPrefix(m[1], "/tin-tuc")
		if !regexp.MustCompile(`^/quan-tri/static/[a-z0-9./-]+\.[0-9a-f]{10}\.(css|js)$`).MatchString(path) {
			t.Errorf("%s: not a content-hashed name", m[1])
		}
		resp := serve(t, h, get(path, nil))
		ext := path[strings.LastIndex(path, "."):]
		if resp.StatusCode != http.StatusOK || resp.Headers["Cache-Control"] != "public, max-age=31536000, immutable" ||
			resp.Headers["Content-Type"] != types[ext] || len(resp.Body) < 200 {
			t.Errorf("%s: %d %v, %d bytes; want the file, %s, cached immutably", path, resp.StatusCode, resp.Headers, len(resp.Body), types[ext])
		}
	}
	for _, path := range []string{"/quan-tri/static/console.js", "/quan-tri/static/console.0000000000.js", "/quan-tri/static/"} {
		if resp := serve(t, h, get(path, nil)); resp.StatusCode != http.StatusNotFound || resp.Headers["Cache-Control"] != "no-store" {
			t.Errorf("%s: %d; want 404, not index.html (a stale name must not load HTML as script)", path, resp.StatusCode)
		}
	}
}

func TestRedirectToRoot(t *testing.T) {
	for base, want := range map[string]string{"": "/quan-tri/", "/tin-tuc": "/tin-tuc/quan-tri/"} {
		resp := serve(t, console.New(awsConfig, console.WithBasePath(base)), get("/quan-tri", nil))
		if resp.StatusCode != http.StatusMovedPermanently || resp.Headers["Location"] != want {
			t.Errorf("base %q: GET /quan-tri = %d to %q; want 301 to %s", base, resp.StatusCode, resp.Headers["Location"], want)
		}
	}
}

func TestMethodsAndOtherPaths(t *testing.T) {
	h := console.New(awsConfig)
	req := get("/quan-tri/", nil)
	req.RequestContext.HTTP.Method = http.MethodPost
	if resp := serve(t, h, req); resp.StatusCode != http.StatusMethodNotAllowed || resp.Headers["Allow"] != "GET, HEAD" {
		t.Errorf("POST: %d %v; want 405 with Allow", resp.StatusCode, resp.Headers)
	}
	req.RequestContext.HTTP.Method = http.MethodHead
	if resp := serve(t, h, req); resp.StatusCode != http.StatusOK || resp.Body != "" {
		t.Errorf("HEAD: %d with %d bytes; want 200 without a body", resp.StatusCode, len(resp.Body))
	}
	if resp := serve(t, h, get("/quan-trix", nil)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/quan-trix: %d; want 404", resp.StatusCode)
	}
}

func config(t *testing.T, h *console.Handler, req apigw.Request) map[string]string {
	t.Helper()
	resp := serve(t, h, req)
	if resp.StatusCode != http.StatusOK || resp.Headers["Content-Type"] != "application/json" || resp.Headers["Cache-Control"] != "no-store" {
		t.Fatalf("config.json: %d %v", resp.StatusCode, resp.Headers)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestConfigJSON(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  console.Config
		base string
		req  apigw.Request
		want map[string]string
	}{{
		name: "AWS, the callback list holds the console's address",
		cfg:  awsConfig, base: "/tin-tuc", req: get("/quan-tri/config.json", nil),
		want: map[string]string{
			"authorizeUrl": "https://toa-soan.auth.ap-southeast-1.amazoncognito.com/oauth2/authorize",
			"tokenUrl":     "https://toa-soan.auth.ap-southeast-1.amazoncognito.com/oauth2/token",
			"logoutUrl":    "https://toa-soan.auth.ap-southeast-1.amazoncognito.com/logout",
			"clientId":     "7abc",
			"redirectUri":  "https://portal.example.vn/tin-tuc/quan-tri/",
			"logoutUri":    "https://portal.example.vn/tin-tuc/quan-tri/",
			"scope":        "openid email profile",
			"apiBase":      "https://portal.example.vn/tin-tuc",
		},
	}, {
		name: "SiteURL over the request's host; no /quan-tri/ in the lists: the first",
		cfg: console.Config{AuthURL: "https://a.auth.ap-southeast-1.amazoncognito.com", ClientID: "c", SiteURL: "https://cong.example.vn",
			CallbackURLs: []string{"https://khac.example.vn/cb"}, LogoutURLs: []string{"https://khac.example.vn/", "https://cong.example.vn/quan-tri/"}},
		req: get("/quan-tri/config.json", map[string]string{"host": "abc.execute-api.ap-southeast-1.amazonaws.com"}),
		want: map[string]string{"redirectUri": "https://khac.example.vn/cb", "logoutUri": "https://cong.example.vn/quan-tri/",
			"apiBase": "https://cong.example.vn", "authorizeUrl": "https://a.auth.ap-southeast-1.amazoncognito.com/oauth2/authorize"},
	}, {
		name: "make run: the sign-in stand-in on the console's own origin",
		cfg:  console.Config{AuthURL: "/local-cognito", ClientID: "eportal-local"},
		req:  get("/quan-tri/config.json", map[string]string{"host": "127.0.0.1:3000", "x-forwarded-proto": "http"}),
		want: map[string]string{
			"authorizeUrl": "http://127.0.0.1:3000/local-cognito/oauth2/authorize",
			"tokenUrl":     "http://127.0.0.1:3000/local-cognito/oauth2/token",
			"logoutUrl":    "http://127.0.0.1:3000/local-cognito/logout",
			"clientId":     "eportal-local",
			"redirectUri":  "http://127.0.0.1:3000/quan-tri/",
			"logoutUri":    "http://127.0.0.1:3000/quan-tri/",
			"apiBase":      "http://127.0.0.1:3000",
		},
	}, {
		name: "no hosted UI: nothing to sign in at",
		cfg:  console.Config{ClientID: "c"}, req: get("/quan-tri/config.json", nil),
		want: map[string]string{"authorizeUrl": "", "tokenUrl": "", "logoutUrl": ""},
	}} {
		t.Run(c.name, func(t *testing.T) {
			got := config(t, console.New(c.cfg, console.WithBasePath(c.base)), c.req)
			for k, w := range c.want {
				if got[k] != w {
					t.Errorf("%s = %q; want %q", k, got[k], w)
				}
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		"AUTH_DOMAIN": "https://toa-soan.auth.ap-southeast-1.amazoncognito.com", "AUTH_CLIENT_ID": "7abc",
		"AUTH_CALLBACK_URLS": "https://portal.example.vn/quan-tri/, http://localhost:5173/auth/callback",
		"AUTH_LOGOUT_URLS":   "https://portal.example.vn/quan-tri/", "BASE_PATH": "/tin-tuc", "SITE_URL": "",
	}
	getenv := func(k string) string { return env[k] }
	cfg, base, err := console.ConfigFromEnv(getenv)
	if err != nil || base != "/tin-tuc" || cfg.ClientID != "7abc" || len(cfg.CallbackURLs) != 2 || cfg.CallbackURLs[1] != "http://localhost:5173/auth/callback" {
		t.Fatalf("ConfigFromEnv = %+v, %q, %v", cfg, base, err)
	}
	for name, bad := range map[string]string{
		"BASE_PATH": "/tin-tuc/", "AUTH_DOMAIN": "http://toa-soan.example", "SITE_URL": "portal.example.vn",
		"AUTH_CALLBACK_URLS": "/quan-tri/",
	} {
		old := env[name]
		env[name] = bad
		if _, _, err := console.ConfigFromEnv(getenv); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: err = %v; want one naming %s", name, bad, err, name)
		}
		env[name] = old
	}
	env["AUTH_CLIENT_ID"] = ""
	if _, _, err := console.ConfigFromEnv(getenv); err == nil || !strings.Contains(err.Error(), "AUTH_CLIENT_ID") {
		t.Errorf("AUTH_DOMAIN without AUTH_CLIENT_ID: err = %v", err)
	}
	if cfg, base, err := console.ConfigFromEnv(func(string) string { return "" }); err != nil || cfg.AuthURL != "" || base != "" {
		t.Errorf("empty environment: %+v, %q, %v; want no sign-in, no error", cfg, base, err)
	}
}

func TestRoutesMatchHandler(t *testing.T) {
	want := []string{"GET /quan-tri", "GET /quan-tri/config.json", "GET /quan-tri/{proxy+}"}
	if got := console.New(awsConfig).Routes(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Routes() = %v; want %v", got, want)
	}
}

// TestEvent answers a payload-2.0 event as API Gateway sends it: a page of
// the app under the greedy route gets index.html.
func TestEvent(t *testing.T) {
	b, err := os.ReadFile("testdata/desk-page.json")
	if err != nil {
		t.Fatal(err)
	}
	var req apigw.Request
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatal(err)
	}
	resp := serve(t, console.New(awsConfig), req)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, "Bàn biên tập cần JavaScript") {
		t.Errorf("%s: %d %.200s; want index.html", req.RawPath, resp.StatusCode, resp.Body)
	}
}
