package localserver_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"eportal/infra/localauth"
	"eportal/infra/localserver"
	"eportal/infra/template"
	"eportal/internal/apigw"
)

// probe is a Function that records the event it received and answers 200.
type probe struct {
	mu   sync.Mutex
	last *apigw.Request
}

func (p *probe) Handle(_ context.Context, req apigw.Request) (apigw.Response, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last = &req
	return apigw.JSON(http.StatusOK, map[string]string{"ok": "yes"}, apigw.NoStore), nil
}

func (p *probe) Routes() []string { return []string{"GET /admin/ping", "GET /ping"} }

// received returns the last event the probe got and forgets it.
func (p *probe) received() *apigw.Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.last
	p.last = nil
	return r
}

// mustAuthServer serves a protected GET /admin/ping and a public GET /ping
// on fn, with opts.
func mustAuthServer(t *testing.T, fn localserver.Function, opts ...localserver.Option) *httptest.Server {
	t.Helper()
	routes := []template.Route{
		{Method: "GET", Path: "/admin/ping", Function: "Probe", Event: "Ping", Public: false},
		{Method: "GET", Path: "/ping", Function: "Probe", Event: "PublicPing", Public: true},
	}
	srv, err := localserver.New(routes, map[string]localserver.Function{"Probe": fn}, nil,
		slog.New(slog.NewTextHandler(io.Discard, nil)), opts...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

func mustLoad(t *testing.T, path string) *localauth.Issuer {
	t.Helper()
	iss, err := localauth.LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	return iss
}

func mustToken(t *testing.T, iss *localauth.Issuer, role string) string {
	t.Helper()
	u, err := localauth.DevUser(role)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := iss.TokenFor(u, 0)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestJWTAuthorizer(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "dev-jwt-key.pem")
	issuer := mustLoad(t, keyPath)
	// stale shares the key but lives two hours ago: its tokens have expired.
	stale := mustLoad(t, keyPath)
	stale.Now = func() time.Time { return time.Now().Add(-2 * time.Hour) }
	foreign := mustLoad(t, filepath.Join(dir, "other-key.pem"))

	valid := mustToken(t, issuer, "editor")
	payload := strings.Split(valid, ".")[1]
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT","kid":"`+issuer.KeyID()+`"}`)) + "." + payload + "."

	fn := &probe{}
	ts := mustAuthServer(t, fn, localserver.WithAuthorizer(issuer.Verify))
	tests := []struct {
		name, path, authorization string
		status                    int
	}{
		{"no header", "/admin/ping", "", 401},
		{"garbage", "/admin/ping", "Bearer garbage", 401},
		{"expired", "/admin/ping", "Bearer " + mustToken(t, stale, "editor"), 401},
		{"alg none", "/admin/ping", "Bearer " + none, 401},
		{"foreign key", "/admin/ping", "Bearer " + mustToken(t, foreign, "admin"), 401},
		{"valid", "/admin/ping", "Bearer " + valid, 200},
		{"valid without Bearer", "/admin/ping", valid, 200},
		{"public route needs no token", "/ping", "", 200},
		{"public route ignores a bad token", "/ping", "Bearer garbage", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", ts.URL+tt.path, nil)
			if tt.authorization != "" {
				req.Header.Set("Authorization", tt.authorization)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d (%s); want %d", resp.StatusCode, body, tt.status)
			}
			got := fn.received()
			if tt.status == 401 {
				if b := strings.TrimSpace(string(body)); b != `{"message":"Unauthorized"}` {
					t.Errorf("body = %s; want API Gateway's", b)
				}
				if got != nil {
					t.Errorf("the function was called for a refused request")
				}
				return
			}
			if got == nil {
				t.Fatal("the function was not called")
			}
			if tt.path == "/ping" {
				if got.RequestContext.Authorizer != nil {
					t.Errorf("public route got authorizer context %+v", got.RequestContext.Authorizer)
				}
				return
			}
			a := got.RequestContext.Authorizer
			if a == nil || a.JWT == nil {
				t.Fatal("the event has no JWT authorizer context")
			}
			claims := a.JWT.Claims
			if claims["cognito:groups"] != "[editor]" {
				t.Errorf("cognito:groups = %q; want %q", claims["cognito:groups"], "[editor]")
			}
			if claims["sub"] == "" || claims["cognito:username"] != "bien-tap-vien@local" {
				t.Errorf("sub = %q, cognito:username = %q", claims["sub"], claims["cognito:username"])
			}
			// What API Gateway sends on the wire, as a function decodes it.
			raw, _ := json.Marshal(got)
			if !strings.Contains(string(raw), `"authorizer":{"jwt":{"claims":{`) {
				t.Errorf("event JSON lacks requestContext.authorizer.jwt.claims: %s", raw)
			}
		})
	}
}

func TestProtectedRouteWithoutAuthorizer(t *testing.T) {
	issuer := mustLoad(t, filepath.Join(t.TempDir(), "dev-jwt-key.pem"))
	fn := &probe{}
	ts := mustAuthServer(t, fn) // no WithAuthorizer
	req, _ := http.NewRequest("GET", ts.URL+"/admin/ping", nil)
	req.Header.Set("Authorization", "Bearer "+mustToken(t, issuer, "admin"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || fn.received() != nil {
		t.Errorf("status = %d; want 401 without calling the function", resp.StatusCode)
	}
}
