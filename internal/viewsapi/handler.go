package viewsapi

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/slug"
)

// MaxBody is the largest request body the beacon accepts (413 above). The
// body is otherwise ignored: navigator.sendBeacon may send one.
const MaxBody = 1024

// Route keys the handler serves. The ANY route catches every other method
// so that it gets a 405 rather than API Gateway's 404.
const (
	routeCount = "POST /articles/{slug}/views"
	routeOther = "ANY /articles/{slug}/views"
)

// Handler serves the beacon. Create it with New.
type Handler struct {
	c *counter
}

// Option configures a Handler.
type Option func(*counter)

// WithClock sets the clock for windows, days and visibility (default time.Now).
func WithClock(now func() time.Time) Option { return func(c *counter) { c.now = now } }

// WithLogger sets the logger (default slog.Default()). Nothing logged names
// a visitor's IP or User-Agent.
func WithLogger(l *slog.Logger) Option { return func(c *counter) { c.log = l } }

// WithBudget sets how long a beacon may take before it is answered 503
// (default apigw.DefaultBudget).
func WithBudget(b apigw.Budget) Option { return func(c *counter) { c.budget = b } }

// WithConfig sets the window, shard count and cache lifetimes.
func WithConfig(cfg Config) Option { return func(c *counter) { c.cfg = cfg } }

// WithEdgeSecret makes the handler take the visitor's address from the
// edge's X-Viewer-Address when the request carries this secret in
// X-Edge-Secret (apigw.ClientAddress): behind CloudFront the source IP is an
// edge server's, and every reader it serves would be one visitor.
func WithEdgeSecret(secret string) Option { return func(c *counter) { c.edgeSecret = secret } }

// WithShardPicker sets how a counted view picks its shard among n (default:
// uniformly at random), for tests that need to know where writes land.
func WithShardPicker(pick func(n int) int) Option { return func(c *counter) { c.shard = pick } }

// New returns a Handler counting views in store. It makes no call.
func New(store Store, opts ...Option) *Handler {
	c := &counter{
		store: store, now: time.Now, log: slog.Default(), shard: randomShard,
		targets: newMemo[targetEntry](10_000),
		counts:  newMemo[countEntry](10_000),
		visits:  newMemo[time.Time](100_000),
		rollups: newMemo[time.Time](10_000),
	}
	for _, o := range opts {
		o(c)
	}
	c.cfg = c.cfg.withDefaults()
	return &Handler{c: c}
}

// Routes returns the route keys the handler serves, as template.yaml declares
// them.
func (h *Handler) Routes() []string { return []string{routeCount, routeOther} }

type resultJSON struct {
	Views   int64 `json:"views"`
	Counted bool  `json:"counted"`
}

// Handle serves one API Gateway request: POST /articles/{slug}/views counts
// a view of a visible article and answers 200 {"views": n, "counted": bool};
// any other method 405 with Allow: POST; an unknown, malformed or invisible
// slug 404 (nothing written); a body over MaxBody 413; a throttled table 503
// with Retry-After. It returns a nil error for every outcome.
func (h *Handler) Handle(ctx context.Context, req apigw.Request) (apigw.Response, error) {
	ctx, cancel := h.c.budget.Bound(ctx, req)
	defer cancel()
	c := h.c
	if req.RouteKey != routeCount && req.RouteKey != routeOther {
		return apigw.Error(ctx, c.log, portal.Errorf(portal.ENOTFOUND, "No such route."), apigw.NoStore), nil
	}
	if req.RequestContext.HTTP.Method != http.MethodPost {
		resp := apigw.Error(ctx, c.log, portal.Errorf(portal.EMETHOD, "Use POST to count a view."), apigw.NoStore)
		resp.Headers["Allow"] = http.MethodPost
		return resp, nil
	}
	if bodySize(req) > MaxBody {
		return apigw.Error(ctx, c.log, portal.Errorf(portal.ETOOLARGE, "The body must be at most %d bytes; it is ignored.", MaxBody), apigw.NoStore), nil
	}
	s := req.PathParameters["slug"]
	if !slug.Valid(s) {
		return apigw.Error(ctx, c.log, errNotFound, apigw.NoStore), nil
	}
	res, err := c.count(ctx, s, apigw.ClientAddress(req, c.edgeSecret), apigw.Header(req, "User-Agent"))
	if err != nil {
		return apigw.Error(ctx, c.log, err, apigw.NoStore), nil
	}
	return apigw.JSON(http.StatusOK, resultJSON(res), apigw.NoStore), nil
}

// bodySize returns the decoded size of the request body.
func bodySize(req apigw.Request) int {
	if req.IsBase64Encoded {
		return base64.StdEncoding.DecodedLen(len(req.Body))
	}
	return len(req.Body)
}
