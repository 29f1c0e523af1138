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
type route struct {
	role  auth.Role
	serve func(ctx context.Context, r *request) apigw.Response
}

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
	routes map[string]route
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
	h.routes = map[string]route{
		"POST /admin/articles":                            {auth.Editor, h.createArticle},
		"GET /admin/articles":                             {auth.Editor, h.listArticles},
		"GET /admin/articles/{id}":                        {auth.Editor, h.getArticle},
		"PUT /admin/articles/{id}":                        {auth.Editor, h.updateArticle},
		"DELETE /admin/articles/{id}":                     {auth.Admin, h.deleteArticle},
		"POST /admin/articles/{id}/submit":                {auth.Editor, h.submit},
		"POST /admin/articles/{id}/publish":               {auth.Publisher, h.publish},
		"POST /admin/articles/{id}/reject":                {auth.Publisher, h.reject},
		"POST /admin/articles/{id}/unpublish":             {auth.Publisher, h.unpublish},
		"POST /admin/articles/{id}/archive":               {auth.Publisher, h.archive},
		"GET /admin/articles/{id}/revisions":              {auth.Editor, h.listRevisions},
		"GET /admin/articles/{id}/revisions/{n}":          {auth.Editor, h.getRevision},
		"POST /admin/articles/{id}/revisions/{n}/restore": {auth.Editor, h.restoreRevision},
		"POST /admin/categories":                          {auth.Admin, h.createCategory},
		"PUT /admin/categories/{id}":                      {auth.Admin, h.updateCategory},
		"DELETE /admin/categories/{id}":                   {auth.Admin, h.deleteCategory},
		"POST /admin/links":                               {auth.Admin, h.createLink},
		"PUT /admin/links/{id}":                           {auth.Admin, h.updateLink},
		"DELETE /admin/links/{id}":                        {auth.Admin, h.deleteLink},
		"GET /admin/audit":                                {auth.Admin, h.listAudit},
		"POST /admin/polls":                               {auth.Admin, h.createPoll},
		"GET /admin/polls":                                {auth.Admin, h.listPolls},
		"GET /admin/polls/{id}":                           {auth.Admin, h.getPoll},
		"PUT /admin/polls/{id}":                           {auth.Admin, h.updatePoll},
		"POST /admin/polls/{id}/close":                    {auth.Admin, h.closePoll},
		"DELETE /admin/polls/{id}":                        {auth.Admin, h.deletePoll},
	}
	return h
}

// Routes returns the route keys the handler serves, as template.yaml declares
// them.
func (h *Handler) Routes() []string {
	out := make([]string, 0, len(h.routes))
	for k := range h.routes {
		out = append(out, k)
	}
	return out
}

// Handle serves one request: it authenticates the caller, checks the route's
// role (401 without a token, 403 without the role, before anything else) and
// serves it. It returns a nil error for every outcome.
func (h *Handler) Handle(ctx context.Context, req apigw.Request) (apigw.Response, error) {
	ctx, cancel := h.budget.Bound(ctx, req)
	defer cancel()
	rt, ok := h.routes[req.RouteKey]
	if !ok {
		return h.fail(ctx, portal.Errorf(portal.ENOTFOUND, "No such route.")), nil
	}
	caller, err := auth.Require(req, rt.role)
	if err != nil {
		return h.fail(ctx, err), nil
	}
	return rt.serve(ctx, &request{Request: req, caller: caller, now: h.now().UTC().Truncate(time.Millisecond)}), nil
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
