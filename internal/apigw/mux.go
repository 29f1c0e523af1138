package apigw

import (
	"context"
	"log/slog"
	"sort"

	"eportal/internal/portal"
)

// Mux maps API Gateway route keys ("GET /articles/{slug}") to the functions
// that serve them: one Lambda function serves several routes and tells them
// apart by the event's routeKey.
type Mux map[string]func(context.Context, Request) Response

// Routes returns the route keys, sorted: what template.yaml must declare for
// the function.
func (m Mux) Routes() []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Serve calls the function for req's route key; an unknown one gets a JSON
// 404.
func (m Mux) Serve(ctx context.Context, log *slog.Logger, req Request) Response {
	serve, ok := m[req.RouteKey]
	if !ok {
		return Error(ctx, log, portal.Errorf(portal.ENOTFOUND, "No such route."), NoStore)
	}
	return serve(ctx, req)
}
