package auth

import (
	"context"

	"eportal/internal/apigw"
	"eportal/internal/portal"
)

// Route is one route of a handler whose every route needs a role: the
// least role that may call it, and what serves it. R is the handler's own
// request type (the request with its caller, say).
type Route[R any] struct {
	Role  Role
	Serve func(ctx context.Context, r R) apigw.Response
}

// Routes maps route keys, as template.yaml declares them ("POST
// /admin/media"), to their Route.
type Routes[R any] map[string]Route[R]

// Keys returns the route keys, in no order.
func (rs Routes[R]) Keys() []string {
	out := make([]string, 0, len(rs))
	for k := range rs {
		out = append(out, k)
	}
	return out
}

// Serve serves req. An unknown route key is ENOTFOUND; then, before
// anything is read or written, no token is EUNAUTHORIZED (401) and a
// token without the route's role EFORBIDDEN (403) — fail answers all
// three. Otherwise the route serves the request mk makes of req and its
// caller.
func (rs Routes[R]) Serve(ctx context.Context, req apigw.Request, fail func(context.Context, error) apigw.Response, mk func(apigw.Request, Caller) R) apigw.Response {
	rt, ok := rs[req.RouteKey]
	if !ok {
		return fail(ctx, portal.Errorf(portal.ENOTFOUND, "No such route."))
	}
	caller, err := Require(req, rt.Role)
	if err != nil {
		return fail(ctx, err)
	}
	return rt.Serve(ctx, mk(req, caller))
}
