package console

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"eportal/internal/apigw"
	"eportal/internal/hashed"
)

// root is the console's path, under the base path.
const root = "/quan-tri/"

// Cache lifetimes: hashed files never change under their name; index.html
// names the current ones, so it is revalidated on every load; config.json
// depends on the request's host.
const (
	assetCache = "public, max-age=31536000, immutable"
	indexCache = "no-cache"
	noStore    = "no-store"
)

//go:embed static templates
var files embed.FS

// Handler serves the console's routes.
type Handler struct {
	cfg      Config
	basePath string
	csp      string
	assets   map[string]hashed.File // by hashed name
	index    []byte
	etag     string
}

// Option configures a Handler.
type Option func(*Handler)

// WithBasePath sets the public path prefix ("/tin-tuc"; default none) that
// every URL the console writes carries, as the reader site's.
func WithBasePath(p string) Option { return func(h *Handler) { h.basePath = p } }

// New returns the console's handler for cfg.
func New(cfg Config, opts ...Option) *Handler {
	h := &Handler{cfg: cfg}
	for _, o := range opts {
		o(h)
	}
	static := hashed.Load(files, "static")
	h.assets = static.ByHash
	names := map[string]string{}
	for name, hashedName := range static.Names {
		names[name] = h.basePath + root + "static/" + hashedName
	}
	t := template.Must(template.New("index.html").Funcs(template.FuncMap{
		"asset": func(name string) (string, error) {
			if p, ok := names[name]; ok {
				return p, nil
			}
			return "", fs.ErrNotExist
		},
	}).ParseFS(files, "templates/index.html"))
	var buf bytes.Buffer
	if err := t.Execute(&buf, struct{ BasePath string }{h.basePath}); err != nil {
		panic(err) // a broken template: every test catches it
	}
	h.index = buf.Bytes()
	h.etag = apigw.ETag(h.index)
	h.csp = contentSecurityPolicy(cfg.AuthURL, cfg.UploadOrigin)
	return h
}

// contentSecurityPolicy allows scripts, styles and requests to the
// console's own origin only, plus token requests to the sign-in domain and
// media uploads to the bucket (uploadOrigin).
func contentSecurityPolicy(authURL, uploadOrigin string) string {
	connect := "'self'"
	if u, err := url.Parse(authURL); err == nil && u.Scheme != "" && u.Host != "" {
		connect += " " + u.Scheme + "://" + u.Host
	}
	if u, err := url.Parse(uploadOrigin); err == nil && u.Scheme != "" && u.Host != "" {
		connect += " " + u.Scheme + "://" + u.Host
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src " + connect +
		"; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
}

// Routes returns the route keys the console serves.
func (h *Handler) Routes() []string {
	return []string{"GET /quan-tri", "GET /quan-tri/config.json", "GET /quan-tri/{proxy+}"}
}

// Handle serves one request; every answer has a nil error.
func (h *Handler) Handle(ctx context.Context, req apigw.Request) (apigw.Response, error) {
	p := req.RawPath
	if p == "" {
		p = req.RequestContext.HTTP.Path
	}
	method := req.RequestContext.HTTP.Method
	if method != http.MethodGet && method != http.MethodHead {
		resp := h.text(http.StatusMethodNotAllowed, "Phương thức không được hỗ trợ.")
		resp.Headers["Allow"] = "GET, HEAD"
		return resp, nil
	}
	resp := h.dispatch(req, p)
	if method == http.MethodHead {
		resp.Body, resp.IsBase64Encoded = "", false
	}
	return resp, nil
}

func (h *Handler) dispatch(req apigw.Request, p string) apigw.Response {
	switch {
	case p == strings.TrimSuffix(root, "/"):
		resp := h.text(http.StatusMovedPermanently, "")
		resp.Headers["Location"] = h.basePath + root
		resp.Headers["Cache-Control"] = "public, max-age=3600"
		return resp
	case p == root+"config.json":
		return h.config(req)
	case strings.HasPrefix(p, root+"static/"):
		a, ok := h.assets[strings.TrimPrefix(p, root+"static/")]
		if !ok {
			return h.text(http.StatusNotFound, "Không có tệp này.")
		}
		resp := h.respond(http.StatusOK, a.ContentType, a.Body, assetCache)
		return resp
	case strings.HasPrefix(p, root):
		// The app's own pages: the browser routes them.
		resp := h.respond(http.StatusOK, "text/html; charset=utf-8", h.index, indexCache)
		resp.Headers["ETag"] = h.etag
		if apigw.ETagMatches(apigw.Header(req, "If-None-Match"), h.etag) {
			resp.StatusCode, resp.Body = http.StatusNotModified, ""
		}
		return resp
	}
	return h.text(http.StatusNotFound, "Không có trang này.")
}

// config serves GET /quan-tri/config.json.
func (h *Handler) config(req apigw.Request) apigw.Response {
	b, err := json.Marshal(h.cfg.client(h.origin(req), h.basePath))
	if err != nil {
		return h.text(http.StatusInternalServerError, "Lỗi cấu hình.")
	}
	return h.respond(http.StatusOK, "application/json", b, noStore)
}

// origin is Config.SiteURL, else the request's host with the scheme API
// Gateway saw.
func (h *Handler) origin(req apigw.Request) string {
	if h.cfg.SiteURL != "" {
		return h.cfg.SiteURL
	}
	scheme := "https"
	if apigw.Header(req, "X-Forwarded-Proto") == "http" {
		scheme = "http"
	}
	host := apigw.Header(req, "Host")
	if host == "" {
		host = req.RequestContext.DomainName
	}
	return scheme + "://" + host
}

func (h *Handler) respond(status int, contentType string, body []byte, cacheControl string) apigw.Response {
	return apigw.Response{StatusCode: status, Body: string(body), Headers: map[string]string{
		"Content-Type":            contentType,
		"Cache-Control":           cacheControl,
		"Content-Security-Policy": h.csp,
		"Referrer-Policy":         "no-referrer",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Permissions-Policy":      "camera=(), microphone=(), geolocation=()",
	}}
}

func (h *Handler) text(status int, msg string) apigw.Response {
	return h.respond(status, "text/plain; charset=utf-8", []byte(msg), noStore)
}
