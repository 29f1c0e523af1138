package apigw

import (
	"context"
	"net/http"
	"time"
)

// Budget is how long a handler may take over one request before it answers
// 503 with Retry-After: every store call runs under a context with that
// deadline, so a stalled or throttling table costs a reader the budget, not
// the function's whole timeout (after which API Gateway answers a bare 503).
// Reads (GET, HEAD) get Read; everything else Write, which covers a
// transaction and its retries. Both sit well below the functions' timeouts
// in template.yaml (10 s; admin 15 s). A zero field means its default.
type Budget struct {
	Read  time.Duration
	Write time.Duration
}

// DefaultBudget is the budget of a handler not given one.
var DefaultBudget = Budget{Read: 3 * time.Second, Write: 6 * time.Second}

// Bound returns ctx with req's deadline: now plus the budget for req's
// method, or ctx's own deadline when that is sooner. The context also
// carries req's API Gateway request id, for the logs (LogHandler).
func (b Budget) Bound(ctx context.Context, req Request) (context.Context, context.CancelFunc) {
	ctx = withRequestID(ctx, req)
	d := b.Write
	if d <= 0 {
		d = DefaultBudget.Write
	}
	switch req.RequestContext.HTTP.Method {
	case http.MethodGet, http.MethodHead:
		d = b.Read
		if d <= 0 {
			d = DefaultBudget.Read
		}
	}
	return context.WithTimeout(ctx, d)
}
