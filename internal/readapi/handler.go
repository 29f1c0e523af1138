package readapi

import (
	"context"
	"log/slog"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
)

// Store is what the handler needs from storage, in the domain's types.
// Package dynamo implements it; the wiring (functions/, infra/localserver)
// hands it a *dynamo.Store, which checks that at compile time.
type Store interface {
	ArticleBySlug(ctx context.Context, slug string, now time.Time) (portal.SlugTarget, error)
	ListArticles(ctx context.Context, q portal.ArticleQuery) (portal.ArticlePage, error)
	Categories(ctx context.Context) ([]portal.Category, error)
	Links(ctx context.Context) ([]portal.Link, error)
	Popular(ctx context.Context, p portal.Period, limit int, now time.Time) ([]portal.Article, error)
	Search(ctx context.Context, q portal.SearchQuery) (portal.SearchPage, error)
	Documents(ctx context.Context, q portal.DocumentQuery) ([]portal.Article, string, error)
	DocumentByID(ctx context.Context, id string, now time.Time) (*portal.Article, error)
}

// Cache lifetimes. Articles change rarely after publishing and carry a view
// count that may lag by the same minute; the CDN may serve a stale copy
// briefly while it revalidates.
const (
	articleMaxAge  = 60
	listCache      = "public, max-age=60, stale-while-revalidate=30"
	siteCache      = "public, max-age=300, stale-while-revalidate=60"
	notFoundCache  = "public, max-age=30"
	redirectCache  = "public, max-age=300"
	maxCategoryLen = 100
)

// Handler serves the read routes. Create it with New.
type Handler struct {
	store  Store
	now    func() time.Time
	log    *slog.Logger
	route  apigw.Mux
	budget apigw.Budget
	// basePath is the public path prefix of redirects (WithBasePath).
	basePath string
}

// Option configures a Handler.
type Option func(*Handler)

// WithClock sets the clock visibility is decided by (default time.Now).
func WithClock(now func() time.Time) Option { return func(h *Handler) { h.now = now } }

// WithBudget sets how long a request may take before it is answered 503
// (default apigw.DefaultBudget).
func WithBudget(b apigw.Budget) Option { return func(h *Handler) { h.budget = b } }

// WithBasePath sets the public path prefix ("/tin-tuc"; default none) of
// the Location of an old slug's 301: behind an edge that serves the API
// under a prefix, requests arrive without it, but clients must be sent
// back under it.
func WithBasePath(p string) Option { return func(h *Handler) { h.basePath = p } }

// WithLogger sets the logger for failed requests (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(h *Handler) { h.log = l } }

// New returns a Handler reading from store.
func New(store Store, opts ...Option) *Handler {
	h := &Handler{store: store, now: time.Now, log: slog.Default()}
	for _, o := range opts {
		o(h)
	}
	h.route = apigw.Mux{
		"GET /articles":         h.listArticles,
		"GET /articles/{slug}":  h.getArticle,
		"GET /articles/popular": h.popular,
		"GET /categories":       h.categories,
		"GET /links":            h.links,
		"GET /search":           h.search,
		"GET /documents":        h.listDocuments,
		"GET /documents/types":  h.documentTypes,
		"GET /documents/{id}":   h.getDocument,
	}
	return h
}

// Routes returns the route keys the handler serves, as template.yaml declares
// them.
func (h *Handler) Routes() []string { return h.route.Routes() }

// Handle serves one API Gateway request within the handler's budget. It
// returns a nil error for every outcome; an unknown route key gets a JSON
// 404; a store that does not answer within the budget a 503.
func (h *Handler) Handle(ctx context.Context, req apigw.Request) (apigw.Response, error) {
	ctx, cancel := h.budget.Bound(ctx, req)
	defer cancel()
	return h.route.Serve(ctx, h.log, req), nil
}
