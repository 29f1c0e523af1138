package auth_test

import (
	"context"
	"net/http"
	"testing"

	"eportal/internal/apigw"
	"eportal/internal/auth"
	"eportal/internal/portal"
)

// TestRoutesServe: an unknown route, no token and a token without the role
// are refused before the route runs; otherwise it runs with the caller.
func TestRoutesServe(t *testing.T) {
	const sub = "10ca1000-0000-4000-8000-000000000001"
	type req struct{ caller auth.Caller }
	var served []string
	routes := auth.Routes[req]{
		"POST /admin/x": {Role: auth.Publisher, Serve: func(_ context.Context, r req) apigw.Response {
			served = append(served, r.caller.Subject)
			return apigw.Response{StatusCode: http.StatusNoContent}
		}},
	}
	var failed []string
	fail := func(_ context.Context, err error) apigw.Response {
		failed = append(failed, portal.ErrorCode(err))
		return apigw.Response{StatusCode: http.StatusTeapot}
	}
	mk := func(_ apigw.Request, c auth.Caller) req { return req{caller: c} }
	call := func(route string, claims map[string]string) int {
		r := request(claims)
		r.RouteKey = route
		return routes.Serve(context.Background(), r, fail, mk).StatusCode
	}
	call("GET /admin/y", map[string]string{"sub": sub, "cognito:groups": "[admin]"})
	call("POST /admin/x", nil)
	call("POST /admin/x", map[string]string{"sub": sub, "cognito:groups": "[editor]"})
	if want := []string{portal.ENOTFOUND, portal.EUNAUTHORIZED, portal.EFORBIDDEN}; len(failed) != 3 || failed[0] != want[0] || failed[1] != want[1] || failed[2] != want[2] || len(served) != 0 {
		t.Fatalf("refusals %q, served %q; want %q and nothing served", failed, served, want)
	}
	if got := call("POST /admin/x", map[string]string{"sub": sub, "cognito:groups": "[admin]"}); got != http.StatusNoContent || len(served) != 1 || served[0] != sub {
		t.Errorf("admin on a publisher route: %d, served %q", got, served)
	}
	if keys := routes.Keys(); len(keys) != 1 || keys[0] != "POST /admin/x" {
		t.Errorf("Keys = %q", keys)
	}
}
