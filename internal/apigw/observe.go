package apigw

import (
	"context"
	"log/slog"
	"net/http"

	"eportal/internal/metrics"
)

// RequestIDKey is the log attribute holding API Gateway's request id
// (requestContext.requestId): the access log's requestId, so a function's
// log lines and the access log line of one request join on it.
const RequestIDKey = "apiRequestId"

type requestIDKey struct{}

// withRequestID returns ctx carrying req's API Gateway request id, which
// LogHandler adds to every record logged with that context. Budget.Bound
// calls it, so every handler's context carries it.
func withRequestID(ctx context.Context, req Request) context.Context {
	if id := req.RequestContext.RequestID; id != "" {
		return context.WithValue(ctx, requestIDKey{}, id)
	}
	return ctx
}

// RequestID returns the API Gateway request id ctx carries, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// LogHandler returns h adding RequestIDKey to every record logged with a
// context that carries a request id (the *Context logging methods).
func LogHandler(h slog.Handler) slog.Handler { return requestIDHandler{h} }

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String(RequestIDKey, id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// HandlerFunc is the signature of every function's Handle.
type HandlerFunc func(context.Context, Request) (Response, error)

// Instrument returns h counting metrics per invocation: the context h gets
// carries a metrics.Counts that code below it adds to (metrics.Add); a 503
// answer counts metrics.Unavailable, whichever code path wrote it (JSON or
// HTML); and when h returns, e writes the counts as one EMF line (none when
// nothing was counted). With a nil e it counts and writes nothing.
func Instrument(e *metrics.Emitter, h HandlerFunc) HandlerFunc {
	if e == nil {
		return h
	}
	return func(ctx context.Context, req Request) (Response, error) {
		ctx, counts := metrics.Begin(ctx)
		resp, err := h(ctx, req)
		if resp.StatusCode == http.StatusServiceUnavailable {
			counts.Add(metrics.Unavailable, 1)
		}
		_ = e.Emit(counts) // stdout: nowhere to report a failure to
		return resp, err
	}
}
