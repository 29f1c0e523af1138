package adminapi

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/auth"
	"eportal/internal/portal"
)

// Store is what the handler needs from storage, in the domain's types.
// Package dynamo implements it; the wiring (functions/, infra/localserver)
// hands it a *dynamo.Store, which checks that at compile time.
type Store interface {
	ArticleByID(ctx context.Context, id string) (*portal.Article, error)
	Revision(ctx context.Context, id string, n int) (*portal.Article, error)
	Revisions(ctx context.Context, id string, limit int, cursor string) ([]portal.Article, string, error)
	Desk(ctx context.Context, q portal.DeskQuery) ([]portal.Article, string, error)
	SaveArticle(ctx context.Context, ch portal.ArticleChange) error
	DeleteArticle(ctx context.Context, a *portal.Article, actor string, now time.Time) error
	FinishDeleteArticle(ctx context.Context, id string) error
	BeginIdempotent(ctx context.Context, caller, key, hash string, now time.Time) (*portal.StoredResponse, string, error)
	AbandonIdempotent(ctx context.Context, caller, key, claim string) (*portal.StoredResponse, error)

	Media(ctx context.Context, id string) (*portal.Media, error)
	Documents(ctx context.Context, q portal.DocumentQuery) ([]portal.Article, string, error)

	Categories(ctx context.Context) ([]portal.Category, error)
	SaveCategory(ctx context.Context, c portal.Category, prev *portal.Category, actor string, now time.Time) error
	DeleteCategory(ctx context.Context, c portal.Category, actor string, now time.Time) error
	CategoryInUse(ctx context.Context, id string) (bool, error)
	Links(ctx context.Context) ([]portal.Link, error)
	SaveLink(ctx context.Context, l portal.Link, before int, actor string, now time.Time) error
	DeleteLink(ctx context.Context, id string, version int, actor string, now time.Time) error
	Audit(ctx context.Context, q portal.AuditQuery) ([]portal.AuditRecord, string, error)

	Poll(ctx context.Context, id, tokenHash string) (*portal.PollSnapshot, error)
	AllPolls(ctx context.Context, limit int, cursor string) ([]*portal.Poll, string, error)
	SavePoll(ctx context.Context, ch portal.PollChange) error
	DeletePoll(ctx context.Context, p *portal.Poll, actor string, now time.Time) error
}

// route is one admin route: the role it needs and what serves it.
// request is a request with its authenticated caller.
type request struct {
	apigw.Request
	caller auth.Caller
	now    time.Time
}

// Handler serves the admin routes. Create it with New.
type Handler struct {
	store  Store
	now    func() time.Time
	newID  func() string
	log    *slog.Logger
	routes auth.Routes[*request]
	budget apigw.Budget
}

// Option configures a Handler.
type Option func(*Handler)

// WithClock sets the handler's clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(h *Handler) { h.now = now } }

// WithBudget sets how long a request may take before it is answered 503
// (default apigw.DefaultBudget).
func WithBudget(b apigw.Budget) Option { return func(h *Handler) { h.budget = b } }

// WithLogger sets the logger for failed requests (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(h *Handler) { h.log = l } }

// New returns a Handler on store.
func New(store Store, opts ...Option) *Handler {
	h := &Handler{store: store, now: time.Now, newID: randomID, log: slog.Default()}
	for _, o := range opts {
		o(h)
	}
	h.routes = auth.Routes[*request]{
		"POST /admin/articles":                            {Role: auth.Editor, Serve: h.createArticle},
		"GET /admin/articles":                             {Role: auth.Editor, Serve: h.listArticles},
		"GET /admin/articles/{id}":                        {Role: auth.Editor, Serve: h.getArticle},
		"PUT /admin/articles/{id}":                        {Role: auth.Editor, Serve: h.updateArticle},
		"DELETE /admin/articles/{id}":                     {Role: auth.Admin, Serve: h.deleteArticle},
		"POST /admin/articles/{id}/submit":                {Role: auth.Editor, Serve: h.submit},
		"POST /admin/articles/{id}/publish":               {Role: auth.Publisher, Serve: h.publish},
		"POST /admin/articles/{id}/reject":                {Role: auth.Publisher, Serve: h.reject},
		"POST /admin/articles/{id}/unpublish":             {Role: auth.Publisher, Serve: h.unpublish},
		"POST /admin/articles/{id}/archive":               {Role: auth.Publisher, Serve: h.archive},
		"GET /admin/articles/{id}/revisions":              {Role: auth.Editor, Serve: h.listRevisions},
		"GET /admin/articles/{id}/revisions/{n}":          {Role: auth.Editor, Serve: h.getRevision},
		"POST /admin/articles/{id}/revisions/{n}/restore": {Role: auth.Editor, Serve: h.restoreRevision},
		"GET /admin/categories":                           {Role: auth.Editor, Serve: h.listCategories},
		"POST /admin/categories":                          {Role: auth.Admin, Serve: h.createCategory},
		"PUT /admin/categories/{id}":                      {Role: auth.Admin, Serve: h.updateCategory},
		"DELETE /admin/categories/{id}":                   {Role: auth.Admin, Serve: h.deleteCategory},
		"GET /admin/links":                                {Role: auth.Editor, Serve: h.listLinks},
		"POST /admin/links":                               {Role: auth.Admin, Serve: h.createLink},
		"PUT /admin/links/{id}":                           {Role: auth.Admin, Serve: h.updateLink},
		"DELETE /admin/links/{id}":                        {Role: auth.Admin, Serve: h.deleteLink},
		"GET /admin/audit":                                {Role: auth.Admin, Serve: h.listAudit},
		"POST /admin/polls":                               {Role: auth.Admin, Serve: h.createPoll},
		"GET /admin/polls":                                {Role: auth.Admin, Serve: h.listPolls},
		"GET /admin/polls/{id}":                           {Role: auth.Admin, Serve: h.getPoll},
		"PUT /admin/polls/{id}":                           {Role: auth.Admin, Serve: h.updatePoll},
		"POST /admin/polls/{id}/close":                    {Role: auth.Admin, Serve: h.closePoll},
		"DELETE /admin/polls/{id}":                        {Role: auth.Admin, Serve: h.deletePoll},
	}
	return h
}

// Routes returns the route keys the handler serves, as template.yaml declares
// them.
func (h *Handler) Routes() []string { return h.routes.Keys() }

// Handle serves one request: it authenticates the caller, checks the route's
// role (401 without a token, 403 without the role, before anything else) and
// serves it. It returns a nil error for every outcome.
func (h *Handler) Handle(ctx context.Context, req apigw.Request) (apigw.Response, error) {
	ctx, cancel := h.budget.Bound(ctx, req)
	defer cancel()
	return h.routes.Serve(ctx, req, h.fail, func(req apigw.Request, caller auth.Caller) *request {
		return &request{Request: req, caller: caller, now: h.now().UTC().Truncate(time.Millisecond)}
	}), nil
}

func (h *Handler) fail(ctx context.Context, err error) apigw.Response {
	return apigw.Error(ctx, h.log, err, apigw.NoStore)
}

func (h *Handler) ok(status int, v any, headers map[string]string) apigw.Response {
	resp := apigw.JSON(status, v, apigw.NoStore)
	for k, val := range headers {
		resp.Headers[k] = val
	}
	return resp
}

// noContent is the 204 of a delete.
func noContent() apigw.Response {
	return apigw.Response{StatusCode: http.StatusNoContent, Headers: map[string]string{"Cache-Control": apigw.NoStore, "X-Content-Type-Options": "nosniff"}}
}

// randomID returns a 16-character lower-case id (80 random bits).
func randomID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}
