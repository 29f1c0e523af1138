package site

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	template "github.com/DataDog/datadog-agent/pkg/template/html"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
)

//go:embed templates/*.html
var templateFiles embed.FS

// contentSecurityPolicy allows the site's own scripts, styles and fonts only:
// no inline script or style anywhere (templates use classes and site.js).
// Images may come from any https origin (covers and body images are
// editors' URLs), frames from YouTube only (the sanitizer's one iframe
// source), and no other site may frame the pages.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
	"connect-src 'self'; frame-src https://www.youtube.com https://www.youtube-nocookie.com; " +
	"frame-ancestors 'self'; form-action 'self'; base-uri 'self'; object-src 'none'"

// Cache lifetimes of pages, as the JSON API's: a CDN may keep a page a
// minute and serve it stale briefly while it revalidates.
const (
	pageCache     = "public, max-age=60, stale-while-revalidate=30"
	pollPageCache = "public, max-age=10, stale-while-revalidate=10"
	feedCache     = "public, max-age=300, stale-while-revalidate=60"
	notFoundCache = "public, max-age=30"
	redirectCache = "public, max-age=300"
	privateCache  = "private, no-store"
	assetCache    = "public, max-age=31536000, immutable"
)

// renderer holds one template set per page, each the layout plus the page.
type renderer struct {
	pages map[string]*template.Template
}

func mustRenderer(basePath string) *renderer {
	r, err := newRenderer(basePath)
	if err != nil {
		panic(err) // the templates are embedded: a parse error is a bug, caught by every test
	}
	return r
}

// newRenderer parses the pages with the functions of a site served under
// basePath ("" or "/tin-tuc"): {{base}} is the prefix of every site path a
// template writes (href="{{base}}/doc-nhieu"), {{asset}} includes it.
func newRenderer(basePath string) (*renderer, error) {
	fm := template.FuncMap{
		"base":  func() string { return basePath },
		"asset": func(name string) string { return basePath + assetPath(name) },
	}
	for k, v := range funcs {
		if fm[k] == nil {
			fm[k] = v
		}
	}
	base, err := template.New("layout.html").Funcs(fm).ParseFS(templateFiles, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(templateFiles, "templates/page-*.html")
	if err != nil {
		return nil, err
	}
	r := &renderer{pages: map[string]*template.Template{}}
	for _, n := range names {
		t, err := template.Must(base.Clone()).ParseFS(templateFiles, n)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(path.Base(n), "page-"), ".html")
		r.pages[name] = t
	}
	return r, nil
}

// funcs are the templates' functions that do not depend on the handler;
// newRenderer adds base and asset.
var funcs = template.FuncMap{
	"iso":      func(t time.Time) string { return t.In(portal.Vietnam).Format(time.RFC3339) },
	"display":  portal.DisplayTime,
	"percent":  func(p portal.Percent) string { return strings.Replace(p.String(), ".", ",", 1) },
	"permille": func(p portal.Percent) int { return int(p) },
	"num":      number,
	"cards": func(level int, summaries bool, cs []card) cardList {
		return cardList{Level: level, Summaries: summaries, Cards: cs}
	},
	// sanitized marks an article body as safe HTML. It is the one place the
	// site writes HTML it did not escape: bodies are sanitized with the
	// allow-list policy when they are written (internal/sanitize), so what
	// is stored is what the policy keeps.
	"sanitized": func(body string) template.HTML { return template.HTML(withSrcsets(body)) }, //nolint:gosec // sanitized on write
	// srcset is the srcset of a media library image ("" for another).
	"srcset":    srcset,
	"mainSizes": func() string { return mainSizes },
}

// cardList is a list of cards with the level of their headings (2 on a page
// of its own, 3 under a section's h2) and whether they show summaries.
type cardList struct {
	Level     int
	Summaries bool
	Cards     []card
}

// number formats n the Vietnamese way: 1.234.567.
func number(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// layout is what every page's layout needs, around its content.
type layout struct {
	Site        *Config
	Logo        string // URL of the logo
	Title       string // the page's own title; the site name follows it in <title>
	Description string // meta description, at most ~160 characters
	Canonical   string // absolute URL of this page
	Image       string // absolute URL of the image shared with it (Open Graph, Twitter)
	OGType      string // "website" or "article"
	Feeds       []feedLink
	Crumbs      []crumb
	Nav         []*portal.CategoryNode // the root categories, for the menu
	Side        *sidebar
	Status      int
	NoIndex     bool   // ask search engines not to index (error pages, search results)
	Query       string // what the header's search box shows (the search page's query)
	LD          any    // JSON-LD object, or nil
	Content     any    // the page's own data
}

type feedLink struct{ Title, URL string }

type crumb struct{ Name, URL string }

// render executes page name with data and returns it as an HTML response
// with status, the security headers, cacheControl and an ETag (a 304 when the
// request already has it). A render failure is a bug: it is logged and
// answered 500.
func (h *Handler) render(ctx context.Context, req apigw.Request, name string, status int, cacheControl string, data *layout) apigw.Response {
	data.Site, data.Status, data.Logo = &h.cfg, status, h.logoURL()
	var b bytes.Buffer
	t := h.pages.pages[name]
	if t == nil {
		h.log.ErrorContext(ctx, "no such page template", "page", name)
		return plain(http.StatusInternalServerError, "Lỗi hệ thống.", apigw.NoStore)
	}
	if err := t.ExecuteTemplate(&b, "layout.html", data); err != nil {
		h.log.ErrorContext(ctx, "render page", "page", name, "err", err)
		return plain(http.StatusInternalServerError, "Lỗi hệ thống.", apigw.NoStore)
	}
	return respond(req, status, "text/html; charset=utf-8", b.Bytes(), cacheControl)
}

// renderMemo is render for a 200 page that depends only on the instance
// cache's values (read no earlier than epoch) and on key: it is rendered
// once per cache epoch and key, then answered from memory.
func (h *Handler) renderMemo(ctx context.Context, req apigw.Request, name, key string, epoch uint64, cacheControl string, data func() *layout) apigw.Response {
	key = strconv.FormatUint(epoch, 10) + "|" + name + "|" + key
	if p, ok := h.memo.get(key); ok {
		return respondTagged(req, "text/html; charset=utf-8", p.body, p.etag, cacheControl)
	}
	resp := h.render(ctx, req, name, http.StatusOK, cacheControl, data())
	if resp.StatusCode == http.StatusOK {
		h.memo.put(key, memoPage{body: resp.Body, etag: resp.Headers["ETag"]})
	}
	return resp
}

// respond returns body with the site's headers. A 200 gets an ETag from its
// bytes and becomes a bodiless 304 when If-None-Match names it.
func respond(req apigw.Request, status int, contentType string, body []byte, cacheControl string) apigw.Response {
	hdr := securityHeaders()
	hdr["Content-Type"] = contentType
	hdr["Cache-Control"] = cacheControl
	if status == http.StatusOK {
		return respondTagged(req, contentType, string(body), apigw.ETag(body), cacheControl)
	}
	return apigw.Response{StatusCode: status, Headers: hdr, Body: string(body)}
}

// respondTagged answers 200 with body and its etag, or 304.
func respondTagged(req apigw.Request, contentType, body, etag, cacheControl string) apigw.Response {
	hdr := securityHeaders()
	hdr["Content-Type"] = contentType
	hdr["Cache-Control"] = cacheControl
	hdr["ETag"] = etag
	if apigw.ETagMatches(apigw.Header(req, "If-None-Match"), etag) {
		return apigw.Response{StatusCode: http.StatusNotModified, Headers: hdr}
	}
	return apigw.Response{StatusCode: http.StatusOK, Headers: hdr, Body: body}
}

func securityHeaders() map[string]string {
	return map[string]string{
		"Content-Security-Policy": contentSecurityPolicy,
		"Referrer-Policy":         "strict-origin-when-cross-origin",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "SAMEORIGIN",
		"Permissions-Policy":      "camera=(), microphone=(), geolocation=(), interest-cohort=()",
	}
}

// plain is a text answer for what has no page (a broken template).
func plain(status int, msg, cacheControl string) apigw.Response {
	hdr := securityHeaders()
	hdr["Content-Type"] = "text/plain; charset=utf-8"
	hdr["Cache-Control"] = cacheControl
	return apigw.Response{StatusCode: status, Headers: hdr, Body: msg}
}

// redirect answers 301 to a path on this site.
func redirect(location string) apigw.Response {
	hdr := securityHeaders()
	hdr["Location"] = location
	hdr["Cache-Control"] = redirectCache
	return apigw.Response{StatusCode: http.StatusMovedPermanently, Headers: hdr}
}

// errorContent is the error page's text.
type errorContent struct {
	Heading, Text string
}

// notFound is the 404 page.
func (h *Handler) notFound(ctx context.Context, req apigw.Request) apigw.Response {
	return h.errorPage(ctx, req, http.StatusNotFound, nil)
}

// errorPage renders the page for status; err, when not nil, is what went
// wrong (logged for 5xx, never shown). The sidebar is best effort.
func (h *Handler) errorPage(ctx context.Context, req apigw.Request, status int, err error) apigw.Response {
	c := errorContent{Heading: "Không tìm thấy trang", Text: "Trang bạn tìm không có hoặc đã được gỡ bỏ. Mời bạn về trang chủ hoặc xem các tin mới bên dưới."}
	cacheControl := notFoundCache
	switch {
	case status == http.StatusMethodNotAllowed:
		c = errorContent{Heading: "Yêu cầu không hợp lệ", Text: "Trang này chỉ để xem."}
		cacheControl = apigw.NoStore
	case status == http.StatusBadRequest:
		c = errorContent{Heading: "Liên kết không hợp lệ", Text: "Liên kết trang này đã cũ hoặc bị sửa. Mời bạn xem lại từ trang đầu."}
		cacheControl = apigw.NoStore
	case status >= 500:
		h.log.ErrorContext(ctx, "page failed", "status", status, "err", err)
		c = errorContent{Heading: "Hệ thống đang bận", Text: "Trang chưa tải được. Vui lòng thử lại sau giây lát."}
		cacheControl = apigw.NoStore
	}
	data := &layout{Title: c.Heading, NoIndex: true, Content: c}
	if status != http.StatusServiceUnavailable {
		data.Side, data.Nav = h.sidebar(ctx)
	}
	resp := h.render(ctx, req, "error", status, cacheControl, data)
	if status == http.StatusServiceUnavailable {
		resp.Headers["Retry-After"] = "1"
	}
	return resp
}

// failed renders the page for a store error: 404 for ENOTFOUND, 400 for
// EINVALID (a bad cursor in a link), else the 503 page.
func (h *Handler) failed(ctx context.Context, req apigw.Request, err error) apigw.Response {
	switch portal.ErrorCode(err) {
	case portal.ENOTFOUND:
		return h.notFound(ctx, req)
	case portal.EINVALID:
		return h.errorPage(ctx, req, http.StatusBadRequest, err)
	}
	return h.errorPage(ctx, req, http.StatusServiceUnavailable, err)
}
