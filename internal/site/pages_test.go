package site_test

import (
	"embed"
	"encoding/base64"
	"net/http"
	"path"
	"regexp"
	"strings"
	"testing"

	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/portal"
)

// Cache-Control of each kind of answer.
const (
	pageCache     = "public, max-age=60, stale-while-revalidate=30"
	pollPageCache = "public, max-age=10, stale-while-revalidate=10"
	feedCache     = "public, max-age=300, stale-while-revalidate=60"
	notFoundCache = "public, max-age=30"
	noStore       = "no-store"
	privateCache  = "private, no-store"
	assetCache    = "public, max-age=31536000, immutable"
	htmlType      = "text/html; charset=utf-8"
)

// checkSecurity checks the headers every answer of the site carries.
func checkSecurity(t *testing.T, resp apigw.Response) {
	t.Helper()
	csp := resp.Headers["Content-Security-Policy"]
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	if directives["script-src"] != "'self'" || directives["frame-ancestors"] != "'self'" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("Content-Security-Policy %q; want script-src 'self', frame-ancestors 'self', nothing unsafe", csp)
	}
	if resp.Headers["Referrer-Policy"] == "" || resp.Headers["X-Content-Type-Options"] != "nosniff" {
		t.Errorf("headers %v; want Referrer-Policy and X-Content-Type-Options: nosniff", resp.Headers)
	}
}

// TestPages requests every kind of address and checks status, type, cache
// lifetime, ETag and the security headers; each 200 answers If-None-Match
// with a bodiless 304 and HEAD with the same headers and no body, and each
// page refuses POST with 405.
func TestPages(t *testing.T) {
	e := mustEnv(t, 0)
	f := seed(t, e.store)
	d := seedDocuments(t, e.store)
	tests := []struct {
		name, target string
		status       int
		contentType  string
		cache        string
		heading      string // the <h1> of an HTML answer; "" to skip
	}{
		{"home", "/", 200, htmlType, pageCache, ""},
		{"article", "/bai-viet/" + demoSlug, 200, htmlType, pageCache, demoTitle},
		{"category", "/chuyen-muc/" + demoCat, 200, htmlType, pageCache, "Tin tức - Sự kiện"},
		{"subcategory", "/chuyen-muc/khoa-xix", 200, htmlType, pageCache, "Khóa XIX"},
		{"category, both cursors", "/chuyen-muc/" + demoCat + "?sau=a&truoc=b", 400, htmlType, noStore, "Liên kết không hợp lệ"},
		{"category, forged next cursor", "/chuyen-muc/" + demoCat + "?sau=eyJmb3JnZWQiOnRydWV9", 400, htmlType, noStore, "Liên kết không hợp lệ"},
		{"category, forged previous cursor", "/chuyen-muc/" + demoCat + "?truoc=eyJmb3JnZWQiOnRydWV9", 400, htmlType, noStore, "Liên kết không hợp lệ"},
		{"unknown category", "/chuyen-muc/khong-co", 404, htmlType, notFoundCache, "Không tìm thấy trang"},
		{"most read", "/doc-nhieu", 200, htmlType, pageCache, "Đọc nhiều"},
		{"most read, day", "/doc-nhieu?ky=ngay", 200, htmlType, pageCache, "Đọc nhiều"},
		{"most read, week", "/doc-nhieu?ky=tuan", 200, htmlType, pageCache, "Đọc nhiều"},
		{"most read, month", "/doc-nhieu?ky=thang", 200, htmlType, pageCache, "Đọc nhiều"},
		{"most read, bad period", "/doc-nhieu?ky=nam", 400, htmlType, noStore, "Liên kết không hợp lệ"},
		{"poll", "/binh-chon/" + demoPoll, 200, htmlType, pollPageCache, "Thăm dò ý kiến"},
		{"unknown poll", "/binh-chon/khong-co", 404, htmlType, notFoundCache, "Không tìm thấy trang"},
		{"feed", "/rss.xml", 200, "application/rss+xml; charset=utf-8", feedCache, ""},
		{"category feed", "/chuyen-muc/" + demoCat + "/rss.xml", 200, "application/rss+xml; charset=utf-8", feedCache, ""},
		{"unknown category feed", "/chuyen-muc/khong-co/rss.xml", 404, htmlType, notFoundCache, "Không tìm thấy trang"},
		{"sitemap", "/sitemap.xml", 200, "application/xml; charset=utf-8", feedCache, ""},
		{"robots", "/robots.txt", 200, "text/plain; charset=utf-8", feedCache, ""},
		{"documents", "/van-ban", 200, htmlType, pageCache, "Văn bản"},
		{"documents, refused filter", "/van-ban?loai=khong-co", 400, htmlType, noStore, "Văn bản"},
		{"documents, forged page link", "/van-ban?sau=eyJmb3JnZWQiOnRydWV9", 400, htmlType, noStore, "Văn bản"},
		{"document", "/van-ban/" + d.inForce, 200, htmlType, pageCache, "Quyết định ban hành Quy chế cung cấp thông tin trên Cổng thông tin điện tử tỉnh"},
		{"documents feed", "/van-ban/rss.xml", 200, "application/rss+xml; charset=utf-8", feedCache, ""},
		{"unknown document", "/van-ban/khong-co", 404, htmlType, notFoundCache, "Không tìm thấy trang"},
		{"article as a document", "/van-ban/" + demoSlug, 404, htmlType, notFoundCache, "Không tìm thấy trang"},
		{"document as an article", "/bai-viet/" + d.inForce, 404, htmlType, notFoundCache, "Không tìm thấy trang"},
		{"unknown page", "/khong-co", 404, htmlType, notFoundCache, "Không tìm thấy trang"},
		{"unknown article", "/bai-viet/khong-co", 404, htmlType, notFoundCache, "Không tìm thấy trang"},
		{"draft article", "/bai-viet/" + f.hidden["draft"], 404, htmlType, notFoundCache, "Không tìm thấy trang"},
		{"malformed slug", "/bai-viet/Khong_Hop_Le", 404, htmlType, notFoundCache, "Không tìm thấy trang"},
		{"article, extra segment", "/bai-viet/" + demoSlug + "/x", 404, htmlType, notFoundCache, "Không tìm thấy trang"},
		{"unhashed static name", "/static/site.css", 404, htmlType, notFoundCache, "Không tìm thấy trang"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.get(t, tt.target)
			if resp.StatusCode != tt.status || resp.Headers["Content-Type"] != tt.contentType || resp.Headers["Cache-Control"] != tt.cache {
				t.Fatalf("= %d %q %q; want %d %q %q", resp.StatusCode, resp.Headers["Content-Type"], resp.Headers["Cache-Control"],
					tt.status, tt.contentType, tt.cache)
			}
			checkSecurity(t, resp)
			if resp.Body == "" {
				t.Fatal("no body")
			}
			if tt.contentType == htmlType {
				p := parsePage(t, resp.Body)
				if lang := attr(p.one(t, "html", el("html")), "lang"); lang != "vi" {
					t.Errorf("<html lang=%q>; want vi", lang)
				}
				if h1 := text(p.first(el("h1"))); tt.heading != "" && h1 != tt.heading {
					t.Errorf("<h1> %q; want %q", h1, tt.heading)
				}
				if noindex := p.meta("name", "robots") == "noindex"; noindex != (tt.status != 200) {
					t.Errorf("noindex = %v on a %d page", noindex, tt.status)
				}
			}
			etag := resp.Headers["ETag"]
			if (etag != "") != (tt.status == 200) {
				t.Fatalf("ETag %q on a %d", etag, tt.status)
			}
			if tt.status != 200 {
				return
			}

			again := serve(t, e.h, request(t, "GET", tt.target, map[string]string{"If-None-Match": etag}))
			if again.StatusCode != 304 || again.Body != "" || again.Headers["ETag"] != etag || again.Headers["Cache-Control"] != tt.cache {
				t.Errorf("If-None-Match: its ETag = %d %v, body %.40q; want 304, same ETag and Cache-Control, no body", again.StatusCode, again.Headers, again.Body)
			}
			stale := serve(t, e.h, request(t, "GET", tt.target, map[string]string{"If-None-Match": `"stale"`}))
			if stale.StatusCode != 200 || stale.Body != resp.Body {
				t.Errorf("If-None-Match: another ETag = %d; want 200 with the page", stale.StatusCode)
			}

			head := serve(t, e.h, request(t, "HEAD", tt.target, nil))
			if head.StatusCode != 200 || head.Body != "" || !sameHeaders(head.Headers, resp.Headers) {
				t.Errorf("HEAD = %d %v, body %.40q; want 200, GET's headers %v, no body", head.StatusCode, head.Headers, head.Body, resp.Headers)
			}

			post := serve(t, e.h, request(t, "POST", tt.target, nil))
			if post.StatusCode != 405 || post.Headers["Allow"] != "GET, HEAD" || post.Headers["Cache-Control"] != noStore || post.Headers["Content-Type"] != htmlType {
				t.Errorf("POST = %d %v; want 405, Allow: GET, HEAD, no-store, a page", post.StatusCode, post.Headers)
			}
			checkSecurity(t, post)
			if h1 := text(parsePage(t, post.Body).first(el("h1"))); h1 != "Yêu cầu không hợp lệ" {
				t.Errorf("405 page <h1> %q", h1)
			}
		})
	}
}

func sameHeaders(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestAPIPaths holds that an address under the JSON API's prefixes that no
// API route took gets the API's JSON 404, not the site's page.
func TestAPIPaths(t *testing.T) {
	e := mustEnv(t, 0)
	for _, target := range []string{"/articles/a/b", "/admin/x", "/polls/a/b/c", "/categories/x", "/documents/a/b"} {
		t.Run(target, func(t *testing.T) {
			resp, body := apigwtest.Serve(t, e.h, request(t, "GET", target, nil))
			if resp.StatusCode != 404 || apigwtest.ErrorCode(body) != portal.ENOTFOUND || resp.Headers["Cache-Control"] != noStore {
				t.Errorf("= %d %v %s; want a JSON 404 not_found, no-store", resp.StatusCode, resp.Headers, resp.Body)
			}
		})
	}
}

// TestHeadWithoutPage holds that HEAD gets no body whatever the answer: an
// unknown page, a bad link, an API path.
func TestHeadWithoutPage(t *testing.T) {
	e := mustEnv(t, 0)
	for _, tt := range []struct {
		target string
		status int
	}{
		{"/khong-co", 404},
		{"/bai-viet/khong-co", 404},
		{"/doc-nhieu?ky=nam", 400},
		{"/van-ban?nam=20", 400},
		{"/articles/a/b", 404},
	} {
		t.Run(tt.target, func(t *testing.T) {
			get := e.get(t, tt.target)
			head := serve(t, e.h, request(t, "HEAD", tt.target, nil))
			if head.StatusCode != tt.status || get.StatusCode != tt.status || head.Body != "" || head.Headers["Content-Type"] != get.Headers["Content-Type"] {
				t.Errorf("HEAD = %d %q, body %.60q; GET = %d %q; want %d, GET's type, no body",
					head.StatusCode, head.Headers["Content-Type"], head.Body, get.StatusCode, get.Headers["Content-Type"], tt.status)
			}
		})
	}
}

// staticFiles are the files the site embeds, as this build embedded them.
//
//go:embed static
var staticFiles embed.FS

// hashedName is a static file's address: /static/<name>.<10 hex digits>.<ext>.
var hashedName = regexp.MustCompile(`^/static/([a-z]+)\.[0-9a-f]{10}(\.[a-z]+)$`)

// TestStatic fetches every static file a page links to, by the hashed name
// the page uses: the embedded file's bytes, its type, cached for a year.
func TestStatic(t *testing.T) {
	e := mustEnv(t, 0)
	p := parsePage(t, e.get(t, "/").Body)
	var names []string
	for _, n := range p.all(el("link", "rel", "stylesheet")) {
		names = append(names, attr(n, "href"))
	}
	for _, n := range p.all(el("script", "src", "")) {
		names = append(names, attr(n, "src"))
	}
	if n := p.first(el("link", "rel", "icon")); n != nil {
		names = append(names, attr(n, "href"))
	}
	if len(names) != 4 {
		t.Errorf("page links to %v; want two style sheets, a script and an icon", names)
	}
	types := map[string]string{".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
	for _, name := range names {
		t.Run(path.Base(name), func(t *testing.T) {
			m := hashedName.FindStringSubmatch(name)
			if m == nil {
				t.Fatalf("%q is not a hashed static name", name)
			}
			want, err := staticFiles.ReadFile("static/" + m[1] + m[2])
			if err != nil {
				t.Fatal(err)
			}
			resp := e.get(t, name)
			body := resp.Body
			if resp.IsBase64Encoded {
				b, err := base64.StdEncoding.DecodeString(body)
				if err != nil {
					t.Fatal(err)
				}
				body = string(b)
			}
			if resp.StatusCode != 200 || body != string(want) || resp.Headers["Cache-Control"] != assetCache ||
				!strings.HasPrefix(resp.Headers["Content-Type"], types[m[2]]) || resp.Headers["ETag"] == "" {
				t.Errorf("= %d %v, %d bytes; want 200, the %d bytes of %s%s as %s, cached a year",
					resp.StatusCode, resp.Headers, len(body), len(want), m[1], m[2], types[m[2]])
			}
			checkSecurity(t, resp)
			// Another hash of the same file is not it.
			other := "/static/" + m[1] + ".0000000000" + m[2]
			if r := e.get(t, other); r.StatusCode != http.StatusNotFound {
				t.Errorf("%s = %d; want 404", other, r.StatusCode)
			}
		})
	}
}
