package pollsapi

import (
	"context"
	"log/slog"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/voter"
)

// Store is what the handler needs from storage, in the domain's types.
// Package dynamo implements it; the wiring (functions/, infra/localserver)
// hands it a *dynamo.Store, which checks that at compile time.
type Store interface {
	Poll(ctx context.Context, id, tokenHash string) (*portal.PollSnapshot, error)
	ActivePolls(ctx context.Context, now time.Time, limit int, cursor string) ([]*portal.Poll, string, error)
	AddressKey(ctx context.Context, p *portal.Poll, fresh []byte, now time.Time) ([]byte, error)
	DropAddressKey(ctx context.Context, id string) error
	Vote(ctx context.Context, b portal.Ballot) error
}

// Cache lifetimes: results move with every vote, so a CDN may keep a poll
// for seconds only; the list of active polls changes when an admin acts.
const (
	pollCache     = "public, max-age=10, stale-while-revalidate=10"
	listCache     = "public, max-age=30, stale-while-revalidate=30"
	privateCache  = "private, no-store"
	notFoundCache = "public, max-age=30"
)

// Handler serves the polls routes. Create it with New.
type Handler struct {
	store  Store
	tokens *voter.Signer
	now    func() time.Time
	log    *slog.Logger
	route  apigw.Mux
	budget apigw.Budget
	// basePath is the public path prefix of redirects and the voter cookie.
	basePath string
	// edgeSecret, when set, lets the edge's X-Viewer-Address name the voter's address.
	edgeSecret string
}

// Option configures a Handler.
type Option func(*Handler)

// WithClock sets the clock poll windows are decided by (default time.Now).
func WithClock(now func() time.Time) Option { return func(h *Handler) { h.now = now } }

// WithBudget sets how long a request may take before it is answered 503
// (default apigw.DefaultBudget).
func WithBudget(b apigw.Budget) Option { return func(h *Handler) { h.budget = b } }

// WithEdgeSecret makes votes take the voter's address from the edge's
// X-Viewer-Address when the request carries this secret in X-Edge-Secret
// (apigw.ClientAddress): behind CloudFront the source IP is an edge
// server's, and the per-address cap would count every reader it serves as
// one address.
func WithEdgeSecret(secret string) Option { return func(h *Handler) { h.edgeSecret = secret } }

// WithLogger sets the logger for failed requests (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(h *Handler) { h.log = l } }

// New returns a Handler on store, issuing and checking voter tokens with
// tokens.
func New(store Store, tokens *voter.Signer, opts ...Option) *Handler {
	h := &Handler{store: store, tokens: tokens, now: time.Now, log: slog.Default()}
	for _, o := range opts {
		o(h)
	}
	h.route = apigw.Mux{
		"GET /polls":             h.listPolls,
		"GET /polls/{id}":        h.getPoll,
		"POST /polls/{id}/votes": h.vote,
		"POST /binh-chon/{id}":   h.voteForm,
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

func (h *Handler) fail(ctx context.Context, err error, cacheControl string) apigw.Response {
	return apigw.Error(ctx, h.log, err, cacheControl)
}
