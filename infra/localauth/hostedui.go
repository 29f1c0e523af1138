package localauth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// HostedUIPath is where `make run` serves the hosted UI's stand-in: the
// "domain" of the local sign-in pages, as IssuerURL's path.
const HostedUIPath = "/local-cognito"

// Lifetimes of what the stand-in issues, as Cognito's: an authorization
// code lasts five minutes and is good once; a refresh token lasts as the
// EditorWebClient's RefreshTokenValidity (12 hours).
const (
	CodeTTL    = 5 * time.Minute
	RefreshTTL = 12 * time.Hour
)

// HostedUI stands in for Cognito's hosted UI and its OAuth endpoints so that
// the editors' console signs in without AWS: under its prefix,
// GET /oauth2/authorize shows the local users as buttons (no password),
// POST /oauth2/authorize sends the browser back with a code, POST
// /oauth2/token exchanges a code (with its PKCE verifier) or a refresh token
// for tokens signed by the Issuer, and GET /logout sends the browser to the
// logout URI. Codes and refresh tokens live in memory: a restart of `make
// run` signs everyone out at the next refresh.
type HostedUI struct {
	issuer   *Issuer
	prefix   string
	clientID string
	// TokenTTL is how long an ID token lasts (DefaultTTL when zero).
	TokenTTL time.Duration

	mu       sync.Mutex
	codes    map[string]grant
	refreshs map[string]refreshGrant
}

// grant is what an authorization code stands for.
type grant struct {
	user        User
	redirectURI string
	challenge   string
	expires     time.Time
}

type refreshGrant struct {
	user    User
	expires time.Time
}

// NewHostedUI returns the stand-in served under prefix (HostedUIPath),
// for the app client clientID (Audience: the ID tokens' aud).
func NewHostedUI(issuer *Issuer, prefix, clientID string) *HostedUI {
	return &HostedUI{issuer: issuer, prefix: strings.TrimSuffix(prefix, "/"), clientID: clientID,
		codes: map[string]grant{}, refreshs: map[string]refreshGrant{}}
}

// ServeHTTP answers the stand-in's routes; anything else is 404.
func (h *HostedUI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := strings.TrimPrefix(r.URL.Path, h.prefix); {
	case p == "/oauth2/authorize" && r.Method == http.MethodGet:
		h.authorizePage(w, r)
	case p == "/oauth2/authorize" && r.Method == http.MethodPost:
		h.authorize(w, r)
	case p == "/oauth2/token" && r.Method == http.MethodPost:
		h.token(w, r)
	case p == "/logout" && r.Method == http.MethodGet:
		h.logout(w, r)
	default:
		http.NotFound(w, r)
	}
}

// authRequest is the authorize request's parameters, checked.
type authRequest struct {
	RedirectURI, State, Challenge, Scope string
}

// parseAuthRequest checks an authorize request as Cognito does for a public
// client: response_type code, this client, a redirect URI on the page's own
// host (the stand-in's "allowed callback URLs"), and a PKCE S256 challenge.
func (h *HostedUI) parseAuthRequest(r *http.Request) (authRequest, error) {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.PostForm
	}
	a := authRequest{RedirectURI: q.Get("redirect_uri"), State: q.Get("state"), Challenge: q.Get("code_challenge"), Scope: q.Get("scope")}
	switch {
	case q.Get("response_type") != "code":
		return a, fmt.Errorf("response_type must be code")
	case q.Get("client_id") != h.clientID:
		return a, fmt.Errorf("unknown client_id %q", q.Get("client_id"))
	case !h.allowedRedirect(r, a.RedirectURI):
		return a, fmt.Errorf("redirect_uri %q is not on this server", a.RedirectURI)
	case q.Get("code_challenge_method") != "S256" || len(a.Challenge) != 43:
		return a, fmt.Errorf("a code_challenge with code_challenge_method S256 is required")
	}
	return a, nil
}

// allowedRedirect reports whether u is an absolute http(s) URL on the
// request's own host: locally, the console's.
func (h *HostedUI) allowedRedirect(r *http.Request, u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host == r.Host && p.User == nil
}

func (h *HostedUI) authorizePage(w http.ResponseWriter, r *http.Request) {
	a, err := h.parseAuthRequest(r)
	if err != nil {
		h.page(w, http.StatusBadRequest, pageData{Error: err.Error()})
		return
	}
	var users []pageUser
	for _, role := range []string{"editor", "publisher", "admin"} {
		u, _ := DevUser(role)
		users = append(users, pageUser{Role: role, Label: roleLabels[role], Username: u.Username})
	}
	q := r.URL.Query()
	h.page(w, http.StatusOK, pageData{Action: h.prefix + "/oauth2/authorize", Users: users, Hidden: []hidden{
		{"response_type", "code"}, {"client_id", q.Get("client_id")}, {"redirect_uri", a.RedirectURI}, {"scope", a.Scope},
		{"state", a.State}, {"code_challenge", a.Challenge}, {"code_challenge_method", "S256"},
	}})
}

// authorize is the choice of a user: a code for the redirect URI, with the
// request's state passed through.
func (h *HostedUI) authorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.page(w, http.StatusBadRequest, pageData{Error: "malformed form"})
		return
	}
	a, err := h.parseAuthRequest(r)
	if err != nil {
		h.page(w, http.StatusBadRequest, pageData{Error: err.Error()})
		return
	}
	u, err := DevUser(r.PostForm.Get("role"))
	if err != nil {
		h.page(w, http.StatusBadRequest, pageData{Error: err.Error()})
		return
	}
	code := randomToken()
	h.mu.Lock()
	h.codes[code] = grant{user: u, redirectURI: a.RedirectURI, challenge: a.Challenge, expires: h.issuer.Now().Add(CodeTTL)}
	h.mu.Unlock()
	back, _ := url.Parse(a.RedirectURI)
	q := back.Query()
	q.Set("code", code)
	if a.State != "" {
		q.Set("state", a.State)
	}
	back.RawQuery = q.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// tokenResponse is the token endpoint's answer, as Cognito's. The access
// token is a second ID token: nothing local reads it (the API takes the ID
// token), and Verify accepts it like any other.
type tokenResponse struct {
	IDToken      string `json:"id_token"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
}

func (h *HostedUI) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	f := r.PostForm
	if f.Get("client_id") != h.clientID {
		oauthError(w, http.StatusBadRequest, "invalid_client")
		return
	}
	now := h.issuer.Now()
	var (
		u          User
		newRefresh bool
	)
	switch f.Get("grant_type") {
	case "authorization_code":
		h.mu.Lock()
		g, ok := h.codes[f.Get("code")]
		delete(h.codes, f.Get("code")) // good once, whatever happens next
		h.mu.Unlock()
		if !ok || now.After(g.expires) || f.Get("redirect_uri") != g.redirectURI || !verifierMatches(f.Get("code_verifier"), g.challenge) {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		u, newRefresh = g.user, true
	case "refresh_token":
		h.mu.Lock()
		g, ok := h.refreshs[f.Get("refresh_token")]
		h.mu.Unlock()
		if !ok || now.After(g.expires) {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		u = g.user
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	ttl := h.TokenTTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	id, err := h.issuer.TokenFor(u, ttl)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error")
		return
	}
	resp := tokenResponse{IDToken: id, AccessToken: id, ExpiresIn: int(ttl / time.Second), TokenType: "Bearer"}
	if newRefresh {
		resp.RefreshToken = randomToken()
		h.mu.Lock()
		h.refreshs[resp.RefreshToken] = refreshGrant{user: u, expires: now.Add(RefreshTTL)}
		h.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(resp)
}

// verifierMatches reports whether BASE64URL(SHA256(verifier)) is challenge
// (RFC 7636, S256).
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// logout sends the browser to logout_uri; there is no session to end, as
// the stand-in keeps none (every sign-in picks a user again).
func (h *HostedUI) logout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != h.clientID || !h.allowedRedirect(r, q.Get("logout_uri")) {
		h.page(w, http.StatusBadRequest, pageData{Error: "client_id or logout_uri is not allowed"})
		return
	}
	http.Redirect(w, r, q.Get("logout_uri"), http.StatusFound)
}

func oauthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
