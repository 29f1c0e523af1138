package site

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/voter"
)

// Store is what the site reads, in the domain's types. Package dynamo
// implements it; the wiring hands the handler a *dynamo.Store, which checks
// that at compile time. Every method only reads.
type Store interface {
	ArticleBySlug(ctx context.Context, slug string, now time.Time) (portal.SlugTarget, error)
	ListArticles(ctx context.Context, q portal.ArticleQuery) (portal.ArticlePage, error)
	Categories(ctx context.Context) ([]portal.Category, error)
	Links(ctx context.Context) ([]portal.Link, error)
	Popular(ctx context.Context, p portal.Period, limit int, now time.Time) ([]portal.Article, error)
	ActivePolls(ctx context.Context, now time.Time, limit int, cursor string) ([]*portal.Poll, string, error)
	Poll(ctx context.Context, id, tokenHash string) (*portal.PollSnapshot, error)
	Search(ctx context.Context, q portal.SearchQuery) (portal.SearchPage, error)
	Documents(ctx context.Context, q portal.DocumentQuery) ([]portal.Article, string, error)
	// The preview of a document reads its attachments and linked documents.
	Media(ctx context.Context, id string) (*portal.Media, error)
	DocumentByID(ctx context.Context, id string, now time.Time) (*portal.Article, error)
}

// Handler serves the reader site. Create it with New.
type Handler struct {
	store  Store
	voters *voter.Signer
	cfg    Config
	now    func() time.Time
	log    *slog.Logger
	budget apigw.Budget
	cache  *cache
	memo   memo
	pages  *renderer
	// basePath is the public path prefix of every site path the pages
	// write ("" or "/tin-tuc", WithBasePath).
	basePath string
}

// Option configures a Handler.
type Option func(*Handler)

// WithClock sets the clock visibility and poll windows are decided by
// (default time.Now).
func WithClock(now func() time.Time) Option { return func(h *Handler) { h.now = now } }

// WithBudget sets how long a request may take before it is answered 503
// (default apigw.DefaultBudget).
func WithBudget(b apigw.Budget) Option { return func(h *Handler) { h.budget = b } }

// WithLogger sets the logger for failed requests (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(h *Handler) { h.log = l } }

// WithBasePath sets the public path prefix ("/tin-tuc"; default none) the
// site is served under: behind an edge that strips it, requests arrive
// without it (routing is unchanged), but every link, form action, asset,
// canonical, feed and sitemap URL and redirect the site writes carries it,
// and the pages tell site.js (data-base on <html>).
func WithBasePath(p string) Option { return func(h *Handler) { h.basePath = p } }

// WithCacheTTL sets how long the instance keeps the sidebar and short lists
// (default SidebarTTL); tests use it to see a change at once.
func WithCacheTTL(d time.Duration) Option {
	return func(h *Handler) { h.cache = newCache(d, func() time.Time { return h.now() }) }
}

// New returns the site's handler on store, checking poll voters' cookies with
// voters, for the portal cfg (see Config.Validate). It makes no call.
func New(store Store, voters *voter.Signer, cfg Config, opts ...Option) *Handler {
	h := &Handler{store: store, voters: voters, cfg: cfg, now: time.Now, log: slog.Default()}
	h.cache = newCache(SidebarTTL, func() time.Time { return h.now() })
	for _, o := range opts {
		o(h)
	}
	h.pages = mustRenderer(h.basePath)
	return h
}

// routes are the site's route keys in template.yaml. The handler dispatches
// on the request's path, not its route key: API Gateway sends a HEAD, or a
// path no route declares, to $default, and the same page must answer.
var routes = []string{
	"GET /",
	"GET /bai-viet/{slug}",
	"GET /chuyen-muc/{slug}",
	"GET /chuyen-muc/{slug}/rss.xml",
	"GET /doc-nhieu",
	"GET /tim-kiem",
	"GET /binh-chon/{id}",
	"GET /van-ban",
	"GET /van-ban/{slug}",
	"GET /van-ban/rss.xml",
	"GET /rss.xml",
	"GET /sitemap.xml",
	"GET /robots.txt",
	"GET /static/{file}",
	"GET /openapi.yaml",
	"GET /docs",
	PreviewRoute,
	"$default",
}

// Routes returns the route keys the handler serves, as template.yaml declares
// them.
func (h *Handler) Routes() []string { return append([]string(nil), routes...) }

// apiPrefixes are the first path segments of the JSON API: a request there
// that no route took gets a JSON 404, as API Gateway would answer an app.
var apiPrefixes = map[string]bool{"articles": true, "categories": true, "links": true, "polls": true, "admin": true, "search": true, "documents": true}

// Handle serves one request within the handler's budget. It returns a nil
// error for every outcome: pages 200 (or 304 for a matching If-None-Match),
// an old slug 301, anything unknown the 404 page, a page asked for with
// another method than GET or HEAD 405, a store that does not answer in time
// the 503 page with Retry-After.
func (h *Handler) Handle(ctx context.Context, req apigw.Request) (apigw.Response, error) {
	ctx, cancel := h.budget.Bound(ctx, req)
	defer cancel()
	resp := h.dispatch(ctx, req)
	if req.RequestContext.HTTP.Method == http.MethodHead {
		// Whatever the answer (a 404 page, the API's JSON 404): HEAD has no body.
		resp.Body, resp.IsBase64Encoded = "", false
	}
	return resp, nil
}

// dispatch answers req by its path and method.
func (h *Handler) dispatch(ctx context.Context, req apigw.Request) apigw.Response {
	method := req.RequestContext.HTTP.Method
	path := req.RawPath
	if path == "" {
		path = req.RequestContext.HTTP.Path
	}
	if req.RouteKey == PreviewRoute {
		return h.preview(ctx, req)
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if apiPrefixes[segs[0]] {
		return apigw.Error(ctx, h.log, portal.Errorf(portal.ENOTFOUND, "No such route."), apigw.NoStore)
	}
	serve := h.match(segs)
	if serve == nil {
		return h.notFound(ctx, req)
	}
	if method != http.MethodGet && method != http.MethodHead {
		resp := h.errorPage(ctx, req, http.StatusMethodNotAllowed, nil)
		resp.Headers["Allow"] = "GET, HEAD"
		return resp
	}
	return serve(ctx, req)
}

type pageFunc func(ctx context.Context, req apigw.Request) apigw.Response

// match returns the page for a path's segments, or nil. A path parameter
// that does not unescape matches nothing.
func (h *Handler) match(segs []string) pageFunc {
	param := func(i int) (string, bool) {
		v, err := url.PathUnescape(segs[i])
		return v, err == nil && v != ""
	}
	with := func(i int, f func(context.Context, apigw.Request, string) apigw.Response) pageFunc {
		v, ok := param(i)
		if !ok {
			return nil
		}
		return func(ctx context.Context, req apigw.Request) apigw.Response { return f(ctx, req, v) }
	}
	switch {
	case len(segs) == 1 && segs[0] == "":
		return h.home
	case len(segs) == 1 && segs[0] == "doc-nhieu":
		return h.mostRead
	case len(segs) == 1 && segs[0] == "tim-kiem":
		return h.searchPage
	case len(segs) == 1 && segs[0] == "van-ban":
		return h.documentList
	case len(segs) == 2 && segs[0] == "van-ban" && segs[1] == "rss.xml":
		return h.documentFeed
	case len(segs) == 2 && segs[0] == "van-ban":
		return with(1, h.document)
	case len(segs) == 1 && segs[0] == "rss.xml":
		return h.siteFeed
	case len(segs) == 1 && segs[0] == "sitemap.xml":
		return h.sitemap
	case len(segs) == 1 && segs[0] == "robots.txt":
		return h.robots
	case len(segs) == 1 && segs[0] == "openapi.yaml":
		return h.openAPIDocument
	case len(segs) == 1 && segs[0] == "docs":
		return h.apiDocs
	case len(segs) == 2 && segs[0] == "bai-viet":
		return with(1, h.article)
	case len(segs) == 2 && segs[0] == "chuyen-muc":
		return with(1, h.category)
	case len(segs) == 3 && segs[0] == "chuyen-muc" && segs[2] == "rss.xml":
		return with(1, h.categoryFeed)
	case len(segs) == 2 && segs[0] == "binh-chon":
		return with(1, h.poll)
	case len(segs) == 2 && segs[0] == "static":
		return with(1, h.static)
	}
	return nil
}

// baseURL is what absolute links are built on: the origin, then the base
// path.
func (h *Handler) baseURL(req apigw.Request) string {
	return h.origin(req) + h.basePath
}

// path is the site path p ("/doc-nhieu") under the base path.
func (h *Handler) path(p string) string { return h.basePath + p }

// origin is Config.BaseURL, else the request's host with the scheme API
// Gateway saw.
func (h *Handler) origin(req apigw.Request) string {
	if h.cfg.BaseURL != "" {
		return h.cfg.BaseURL
	}
	scheme := apigw.Header(req, "X-Forwarded-Proto")
	if scheme != "http" {
		scheme = "https"
	}
	host := apigw.Header(req, "Host")
	if host == "" {
		host = req.RequestContext.DomainName
	}
	return scheme + "://" + host
}
