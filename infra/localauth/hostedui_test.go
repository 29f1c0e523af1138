package localauth_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"eportal/infra/localauth"
)

// hostedUI serves the stand-in on a test server whose clock the test moves.
type hostedUI struct {
	srv   *httptest.Server
	iss   *localauth.Issuer
	clock time.Time
}

func newHostedUI(t *testing.T) *hostedUI {
	t.Helper()
	iss, _ := mustIssuer(t)
	h := &hostedUI{iss: iss, clock: now}
	iss.Now = func() time.Time { return h.clock }
	ui := localauth.NewHostedUI(iss, localauth.HostedUIPath, localauth.Audience)
	h.srv = httptest.NewServer(ui)
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hostedUI) callback() string { return h.srv.URL + "/quan-tri/" }

// noRedirect is a client that hands back redirects rather than following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

const verifier = "kY3c1pQ2mZ8vT0rW5xB7nL4hJ6gF9dS1aQ3wE5rT7yU"

func challenge(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (h *hostedUI) authParams(state string) url.Values {
	return url.Values{
		"response_type": {"code"}, "client_id": {localauth.Audience}, "redirect_uri": {h.callback()},
		"scope": {"openid email profile"}, "state": {state},
		"code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"},
	}
}

// signIn picks role on the sign-in page and returns the code and state the
// browser is sent back with.
func (h *hostedUI) signIn(t *testing.T, role, state string) (code, gotState string) {
	t.Helper()
	form := h.authParams(state)
	form.Set("role", role)
	resp, err := noRedirect.PostForm(h.srv.URL+localauth.HostedUIPath+"/oauth2/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), h.callback()+"?") {
		t.Fatalf("choosing %s: %d to %q; want 302 to the callback", role, resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code"), loc.Query().Get("state")
}

// token posts form to the token endpoint and returns the status and body.
func (h *hostedUI) token(t *testing.T, form url.Values) (int, map[string]any) {
	t.Helper()
	form.Set("client_id", localauth.Audience)
	resp, err := http.PostForm(h.srv.URL+localauth.HostedUIPath+"/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("token endpoint: %d, not JSON: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, body
}

func (h *hostedUI) exchange(t *testing.T, code, v string) (int, map[string]any) {
	return h.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {h.callback()}, "code_verifier": {v}})
}

func TestHostedUISignInPage(t *testing.T) {
	h := newHostedUI(t)
	resp, err := http.Get(h.srv.URL + localauth.HostedUIPath + "/oauth2/authorize?" + h.authParams("s-123").Encode())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("sign-in page: %d %v", resp.StatusCode, resp.Header)
	}
	for _, s := range []string{`lang="vi"`, "Đăng nhập", "Biên tập viên", "Người duyệt bài", "Quản trị viên",
		`name="role" value="editor"`, `name="role" value="publisher"`, `name="role" value="admin"`, `name="state" value="s-123"`} {
		if !strings.Contains(page, s) {
			t.Errorf("sign-in page lacks %s", s)
		}
	}

	for name, change := range map[string]func(url.Values){
		"another client":         func(q url.Values) { q.Set("client_id", "someone-else") },
		"a redirect elsewhere":   func(q url.Values) { q.Set("redirect_uri", "https://evil.example/quan-tri/") },
		"no challenge":           func(q url.Values) { q.Del("code_challenge") },
		"a plain challenge":      func(q url.Values) { q.Set("code_challenge_method", "plain") },
		"an implicit-flow token": func(q url.Values) { q.Set("response_type", "token") },
	} {
		q := h.authParams("s")
		change(q)
		resp, err := http.Get(h.srv.URL + localauth.HostedUIPath + "/oauth2/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d; want 400", name, resp.StatusCode)
		}
		q.Set("role", "editor")
		if resp, err := noRedirect.PostForm(h.srv.URL+localauth.HostedUIPath+"/oauth2/authorize", q); err != nil {
			t.Fatal(err)
		} else if resp.Body.Close(); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s, posted: %d; want 400 and no code", name, resp.StatusCode)
		}
	}
}

func TestHostedUICodeExchange(t *testing.T) {
	h := newHostedUI(t)
	code, state := h.signIn(t, "publisher", "trạng thái&=?")
	if state != "trạng thái&=?" || code == "" {
		t.Fatalf("back with code %q, state %q; want a code and the state as sent", code, state)
	}
	status, body := h.exchange(t, code, verifier)
	if status != http.StatusOK || body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) || body["refresh_token"] == "" {
		t.Fatalf("exchange: %d %v", status, body)
	}
	// The authorizer's stand-in accepts it as it accepts `make token`'s.
	claims, err := h.iss.Verify("Bearer " + body["id_token"].(string))
	u, _ := localauth.DevUser("publisher")
	if err != nil || claims["sub"] != u.Subject || claims["cognito:groups"] != "[publisher]" || claims["aud"] != localauth.Audience {
		t.Errorf("id_token: claims %v, %v; want the publisher's, for the local client", claims, err)
	}
	if status, body := h.exchange(t, code, verifier); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("the same code again: %d %v; want 400 invalid_grant (single use)", status, body)
	}
}

func TestHostedUICodeRefused(t *testing.T) {
	h := newHostedUI(t)
	other := strings.Repeat("x", 43)
	for name, c := range map[string]struct {
		verifier string
		form     func(url.Values)
		wait     time.Duration
	}{
		"a wrong verifier":   {verifier: other},
		"no verifier":        {verifier: ""},
		"the challenge":      {verifier: challenge(verifier)},
		"another redirect":   {verifier: verifier, form: func(f url.Values) { f.Set("redirect_uri", h.srv.URL+"/khac/") }},
		"an expired code":    {verifier: verifier, wait: localauth.CodeTTL + time.Second},
		"an unknown code":    {verifier: verifier, form: func(f url.Values) { f.Set("code", "nope") }},
		"another grant type": {verifier: verifier, form: func(f url.Values) { f.Set("grant_type", "password") }},
	} {
		t.Run(name, func(t *testing.T) {
			h.clock = now
			code, _ := h.signIn(t, "editor", "s")
			h.clock = now.Add(c.wait)
			form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {h.callback()}, "code_verifier": {c.verifier}}
			if c.form != nil {
				c.form(form)
			}
			status, body := h.token(t, form)
			if status != http.StatusBadRequest || body["id_token"] != nil {
				t.Fatalf("%d %v; want 400 and no token", status, body)
			}
			// A code presented and refused is spent: the right verifier
			// cannot use it after.
			presented := form.Get("code") == code && form.Get("grant_type") == "authorization_code"
			if status, _ := h.exchange(t, code, verifier); presented && status != http.StatusBadRequest {
				t.Errorf("the code after a refusal: %d; want 400", status)
			}
		})
	}
}

func TestHostedUIOtherClient(t *testing.T) {
	h := newHostedUI(t)
	code, _ := h.signIn(t, "editor", "s")
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {h.callback()},
		"code_verifier": {verifier}, "client_id": {"another-client"}}
	resp, err := http.PostForm(h.srv.URL+localauth.HostedUIPath+"/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("another client: %d; want 400", resp.StatusCode)
	}
}

func TestHostedUIRefresh(t *testing.T) {
	h := newHostedUI(t)
	code, _ := h.signIn(t, "admin", "s")
	_, first := h.exchange(t, code, verifier)
	refresh := first["refresh_token"].(string)

	h.clock = now.Add(50 * time.Minute)
	status, body := h.token(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	if status != http.StatusOK || body["id_token"] == first["id_token"] || body["refresh_token"] != nil {
		t.Fatalf("refresh: %d %v; want a new ID token and no new refresh token (as Cognito)", status, body)
	}
	claims, err := h.iss.Verify(body["id_token"].(string))
	if err != nil || claims["cognito:groups"] != "[admin]" || claims["iat"] != "1772355000" {
		t.Errorf("refreshed token: %v, %v; want the admin's, issued 50 minutes later", claims, err)
	}
	for name, c := range map[string]struct {
		token string
		at    time.Duration
	}{
		"an unknown refresh token": {"nope", time.Minute},
		"an expired refresh token": {refresh, localauth.RefreshTTL + time.Second},
	} {
		h.clock = now.Add(c.at)
		if status, body := h.token(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {c.token}}); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
			t.Errorf("%s: %d %v; want 400 invalid_grant", name, status, body)
		}
	}
}

func TestHostedUILogout(t *testing.T) {
	h := newHostedUI(t)
	q := url.Values{"client_id": {localauth.Audience}, "logout_uri": {h.callback()}}
	resp, err := noRedirect.Get(h.srv.URL + localauth.HostedUIPath + "/logout?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != h.callback() {
		t.Errorf("logout: %d to %q; want 302 to the logout URI", resp.StatusCode, resp.Header.Get("Location"))
	}
	q.Set("logout_uri", "https://evil.example/")
	resp, err = noRedirect.Get(h.srv.URL + localauth.HostedUIPath + "/logout?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("logout to another host: %d; want 400", resp.StatusCode)
	}
}
