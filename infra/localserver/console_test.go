package localserver_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"eportal/infra/localserver"
	"eportal/infra/template"
	"eportal/internal/apigw"
)

// echo is a function that answers with the route it was called for and its
// path parameter.
type echo struct{}

func (echo) Handle(_ context.Context, req apigw.Request) (apigw.Response, error) {
	return apigw.Response{StatusCode: http.StatusOK, Body: req.RouteKey + " " + req.PathParameters["proxy"]}, nil
}

func (echo) Routes() []string { return nil }

// TestGreedyRouteAndSignIn: a {proxy+} route takes one segment or more, a
// literal route beside it wins, and WithSignIn's handler answers its
// prefix ahead of every route ($default included).
func TestGreedyRouteAndSignIn(t *testing.T) {
	routes := []template.Route{
		{Method: "GET", Path: "/quan-tri", Function: "F", Public: true},
		{Method: "GET", Path: "/quan-tri/config.json", Function: "F", Public: true},
		{Method: "GET", Path: "/quan-tri/{proxy+}", Function: "F", Public: true},
		{Path: template.DefaultRouteKey, Function: "F", Public: true},
	}
	signIn := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "sign-in "+r.URL.Path) })
	srv, err := localserver.New(routes, map[string]localserver.Function{"F": echo{}}, nil, slog.New(slog.DiscardHandler),
		localserver.WithSignIn("/local-cognito", signIn))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/quan-tri":                "GET /quan-tri ",
		"/quan-tri/":               "GET /quan-tri ",
		"/quan-tri/config.json":    "GET /quan-tri/config.json ",
		"/quan-tri/chuyen-muc":     "GET /quan-tri/{proxy+} chuyen-muc",
		"/quan-tri/bai-viet/a/sua": "GET /quan-tri/{proxy+} bai-viet/a/sua",
		"/quan-trix":               "$default ",
		"/local-cognito/logout":    "sign-in /local-cognito/logout",
		"/local-cognitox":          "$default ",
	} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if got := rec.Body.String(); got != want {
			t.Errorf("GET %s answered %q; want %q", path, got, want)
		}
	}
}
