package console

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Config is where the console signs editors in, from the function's
// environment (ConfigFromEnv) or, locally, from infra/localserver.
type Config struct {
	// AuthURL is the base of the sign-in pages, under which are
	// /oauth2/authorize, /oauth2/token and /logout: on AWS the hosted UI
	// (https://<AuthDomainPrefix>.auth.<region>.amazoncognito.com), locally
	// a path on the console's own origin ("/local-cognito"). Empty: sign-in
	// is not configured, and the console says so.
	AuthURL string
	// ClientID is the app client the console signs in as (EditorWebClient).
	ClientID string
	// CallbackURLs and LogoutURLs are the client's allowed redirect URLs
	// (AuthCallbackURLs, AuthLogoutURLs). The console asks to come back to
	// its own address, <origin><base path>/quan-tri/, when the list holds it
	// (or is empty), else to the first URL ending in /quan-tri/, else to the
	// first URL.
	CallbackURLs, LogoutURLs []string
	// SiteURL is the public origin ("https://portal.example.vn"); empty uses
	// the request's host and scheme.
	SiteURL string
	// UploadOrigin is where the browser PUTs media uploads, the presigned
	// URLs' origin: on AWS the media bucket's
	// (https://<bucket>.s3.<region>.amazonaws.com), which the
	// Content-Security-Policy's connect-src must allow; empty when uploads
	// go to the console's own origin (make run's /local-s3/).
	UploadOrigin string
}

// basePathPattern is lambdaenv's rule for BASE_PATH, repeated here because
// lambdaenv links the AWS SDK, which this function does not need.
var basePathPattern = regexp.MustCompile(`^(/[a-z0-9-]+)+$`)

// ConfigFromEnv reads the console's configuration through getenv:
// AUTH_DOMAIN, AUTH_CLIENT_ID, AUTH_CALLBACK_URLS and AUTH_LOGOUT_URLS
// (comma separated), SITE_URL, MEDIA_UPLOAD_ORIGIN; and the base path from
// BASE_PATH. It fails,
// naming the variable, on a malformed value.
func ConfigFromEnv(getenv func(string) string) (Config, string, error) {
	cfg := Config{
		AuthURL:      strings.TrimSuffix(getenv("AUTH_DOMAIN"), "/"),
		ClientID:     getenv("AUTH_CLIENT_ID"),
		CallbackURLs: list(getenv("AUTH_CALLBACK_URLS")),
		LogoutURLs:   list(getenv("AUTH_LOGOUT_URLS")),
		SiteURL:      strings.TrimSuffix(getenv("SITE_URL"), "/"),
		UploadOrigin: getenv("MEDIA_UPLOAD_ORIGIN"),
	}
	if cfg.UploadOrigin != "" {
		if u, err := url.Parse(cfg.UploadOrigin); err != nil || u.Scheme != "https" || u.Host == "" || u.Path != "" || u.RawQuery != "" {
			return Config{}, "", fmt.Errorf("MEDIA_UPLOAD_ORIGIN: want https://<host>, got %q", cfg.UploadOrigin)
		}
	}
	base := getenv("BASE_PATH")
	if base != "" && !basePathPattern.MatchString(base) {
		return Config{}, "", fmt.Errorf("BASE_PATH: want empty or a path such as /tin-tuc, got %q", base)
	}
	if cfg.AuthURL != "" {
		if u, err := url.Parse(cfg.AuthURL); err != nil || u.Scheme != "https" || u.Host == "" || u.Path != "" {
			return Config{}, "", fmt.Errorf("AUTH_DOMAIN: want https://<host>, got %q", cfg.AuthURL)
		}
		if cfg.ClientID == "" {
			return Config{}, "", fmt.Errorf("AUTH_CLIENT_ID: empty while AUTH_DOMAIN is set")
		}
	}
	if cfg.SiteURL != "" {
		if u, err := url.Parse(cfg.SiteURL); err != nil || u.Host == "" || u.Path != "" {
			return Config{}, "", fmt.Errorf("SITE_URL: want an origin such as https://portal.example.vn, got %q", cfg.SiteURL)
		}
	}
	for name, urls := range map[string][]string{"AUTH_CALLBACK_URLS": cfg.CallbackURLs, "AUTH_LOGOUT_URLS": cfg.LogoutURLs} {
		for _, s := range urls {
			if u, err := url.Parse(s); err != nil || u.Host == "" {
				return Config{}, "", fmt.Errorf("%s: %q is not an absolute URL", name, s)
			}
		}
	}
	return cfg, base, nil
}

// list splits a comma-separated value, dropping blanks.
func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// pick returns own when urls is empty or holds it, else the first of urls
// ending in /quan-tri/, else the first.
func pick(urls []string, own string) string {
	if len(urls) == 0 {
		return own
	}
	for _, u := range urls {
		if u == own {
			return u
		}
	}
	for _, u := range urls {
		if strings.HasSuffix(u, root) {
			return u
		}
	}
	return urls[0]
}

// clientConfig is GET /quan-tri/config.json: what the script needs to sign
// in and to call the API. Empty URLs mean sign-in is not configured.
type clientConfig struct {
	AuthorizeURL string `json:"authorizeUrl"`
	TokenURL     string `json:"tokenUrl"`
	LogoutURL    string `json:"logoutUrl"`
	ClientID     string `json:"clientId"`
	RedirectURI  string `json:"redirectUri"`
	LogoutURI    string `json:"logoutUri"`
	Scope        string `json:"scope"`
	APIBase      string `json:"apiBase"`
}

// authBase returns AuthURL as an absolute URL: a path is on origin.
func (c Config) authBase(origin string) string {
	if strings.HasPrefix(c.AuthURL, "/") {
		return origin + c.AuthURL
	}
	return c.AuthURL
}

// client returns the config.json for a console at origin+base.
func (c Config) client(origin, base string) clientConfig {
	own := origin + base + root
	out := clientConfig{
		ClientID:    c.ClientID,
		RedirectURI: pick(c.CallbackURLs, own),
		LogoutURI:   pick(c.LogoutURLs, own),
		Scope:       "openid email profile",
		APIBase:     origin + base,
	}
	if c.AuthURL != "" {
		a := c.authBase(origin)
		out.AuthorizeURL, out.TokenURL, out.LogoutURL = a+"/oauth2/authorize", a+"/oauth2/token", a+"/logout"
	}
	return out
}
