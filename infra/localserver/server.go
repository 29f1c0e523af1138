package localserver

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"eportal/infra/template"
)

// maxBody is API Gateway's payload limit for HTTP APIs (10 MB); the functions
// apply their own, smaller limits.
const maxBody = 10 << 20

// Server is an http.Handler that plays API Gateway for the template's routes.
type Server struct {
	routes    []route
	functions map[string]Function
	origins   map[string]bool
	log       *slog.Logger
	now       func() time.Time
	authorize func(authorization string) (map[string]string, error)
	cors      template.CORS
	// mounts serve the paths under their prefixes ahead of the routes
	// (WithSignIn, WithMedia).
	mounts []mount
}

// mount is a handler of every path under prefix (which ends in "/").
type mount struct {
	prefix string
	h      http.Handler
}

// Option configures a Server.
type Option func(*Server)

// WithAuthorizer makes the Server play the HTTP API's JWT authorizer on every
// route that is not public: verify gets the request's Authorization header
// and returns the token's claims, flattened to strings as in a payload-2.0
// event, or an error to refuse the request (see localauth.Issuer.Verify).
// Without it every protected route answers 401.
func WithAuthorizer(verify func(authorization string) (map[string]string, error)) Option {
	return func(s *Server) { s.authorize = verify }
}

// WithCORS makes the Server answer CORS as the template's HttpApi
// CorsConfiguration says (Template.CORS), for the origins given to New.
// Without it, an allowed origin gets no methods, headers or exposed headers.
func WithCORS(c template.CORS) Option { return func(s *Server) { s.cors = c } }

// WithSignIn serves h, the stand-in for Cognito's hosted sign-in pages
// (localauth.HostedUI), at every path under prefix
// (localauth.HostedUIPath), ahead of the template's routes: on AWS those
// pages are on their own domain, not the API's.
func WithSignIn(prefix string, h http.Handler) Option {
	return func(s *Server) { s.mount(prefix, h) }
}

func (s *Server) mount(prefix string, h http.Handler) {
	s.mounts = append(s.mounts, mount{prefix: strings.TrimSuffix(prefix, "/") + "/", h: h})
}

type route struct {
	template.Route
	segments []string
}

// isDefault reports whether r is the $default route, which takes every
// request no other route matches.
func (r *route) isDefault() bool { return r.Path == template.DefaultRouteKey }

// New returns a Server for routes, calling functions by logical id. It fails
// when a route names a function that has no handler. CORS preflights are
// answered for origins, as API Gateway does from the template.
func New(routes []template.Route, functions map[string]Function, origins []string, log *slog.Logger, opts ...Option) (*Server, error) {
	s := &Server{functions: functions, origins: map[string]bool{}, log: log, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	for _, o := range origins {
		s.origins[o] = true
	}
	for _, r := range routes {
		if _, ok := functions[r.Function]; !ok {
			return nil, fmt.Errorf("route %s: no handler for function %s", r.RouteKey(), r.Function)
		}
		s.routes = append(s.routes, route{Route: r, segments: strings.Split(strings.Trim(r.Path, "/"), "/")})
	}
	// API Gateway picks the most specific route: a literal segment beats a
	// {parameter} at the same position (GET /articles/popular before
	// GET /articles/{slug}), and a method beats ANY on the same path.
	sort.SliceStable(s.routes, func(i, j int) bool {
		a, b := specificity(s.routes[i]), specificity(s.routes[j])
		if a != b {
			return a > b
		}
		return s.routes[i].Method != anyMethod && s.routes[j].Method == anyMethod
	})
	return s, nil
}

// anyMethod is the method of a route that takes every method.
const anyMethod = "ANY"

func specificity(r route) string {
	var b strings.Builder
	for _, seg := range r.segments {
		if strings.HasPrefix(seg, "{") {
			b.WriteByte('0')
		} else {
			b.WriteByte('1')
		}
	}
	return b.String()
}

func (s *Server) match(method, path string) (*route, map[string]string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var fallback *route
	for i := range s.routes {
		r := &s.routes[i]
		if r.isDefault() {
			fallback = r
			continue
		}
		greedy := strings.HasSuffix(r.segments[len(r.segments)-1], "+}")
		if (r.Method != method && r.Method != anyMethod) || len(r.segments) != len(segs) && !(greedy && len(segs) > len(r.segments)) {
			continue
		}
		params := map[string]string{}
		ok := true
		for k, seg := range r.segments {
			if greedy && k == len(r.segments)-1 {
				// {name+} takes the rest of the path, one segment or more,
				// as API Gateway's greedy path variable.
				rest := strings.Join(segs[k:], "/")
				v, err := url.PathUnescape(rest)
				if rest == "" || err != nil {
					ok = false
					break
				}
				params[strings.Trim(seg, "{+}")] = v
				continue
			}
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				if segs[k] == "" {
					ok = false
					break
				}
				v, err := url.PathUnescape(segs[k])
				if err != nil {
					ok = false
					break
				}
				params[strings.Trim(seg, "{}")] = v
			} else if seg != segs[k] {
				ok = false
				break
			}
		}
		if ok {
			return r, params
		}
	}
	return fallback, nil
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status := s.serve(w, r)
	s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", status, "ms", time.Since(start).Milliseconds())
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) int {
	for _, m := range s.mounts {
		if strings.HasPrefix(r.URL.Path, m.prefix) {
			rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
			m.h.ServeHTTP(rec, r)
			return rec.status
		}
	}
	if origin := r.Header.Get("Origin"); origin != "" && s.origins[origin] {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Vary", "Origin")
		w.Header().Set("Access-Control-Expose-Headers", strings.Join(s.cors.ExposeHeaders, ", "))
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			w.Header().Set("Access-Control-Allow-Methods", strings.Join(s.cors.AllowMethods, ", "))
			w.Header().Set("Access-Control-Allow-Headers", strings.Join(s.cors.AllowHeaders, ", "))
			w.Header().Set("Access-Control-Max-Age", strconv.Itoa(s.cors.MaxAge))
			w.WriteHeader(http.StatusNoContent)
			return http.StatusNoContent
		}
	}
	rt, params := s.match(r.Method, r.URL.EscapedPath())
	if rt == nil {
		return gatewayError(w, http.StatusNotFound, "Not Found")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return gatewayError(w, http.StatusBadRequest, "Bad Request")
	}
	if len(body) > maxBody {
		return gatewayError(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
	}
	ev := s.event(r, rt, params, body)
	if !rt.Public {
		claims, err := s.authorizeRequest(w, r)
		if err != nil {
			return gatewayError(w, http.StatusUnauthorized, "Unauthorized")
		}
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
	}
	fn := s.functions[rt.Function]
	resp, err := fn.Handle(r.Context(), ev)
	if err != nil {
		// What API Gateway does when a function returns an error.
		s.log.Error("function returned an error", "function", rt.Function, "err", err)
		return gatewayError(w, http.StatusBadGateway, "Internal Server Error")
	}
	return writeResponse(w, resp)
}

// authorizeRequest plays the JWT authorizer for a protected route: it returns
// the claims of the request's token, or an error after setting the
// www-authenticate header API Gateway sends with its 401.
func (s *Server) authorizeRequest(w http.ResponseWriter, r *http.Request) (map[string]string, error) {
	header := r.Header.Get("Authorization")
	if s.authorize == nil || header == "" {
		return nil, errors.New("no token")
	}
	claims, err := s.authorize(header)
	if err != nil {
		s.log.Info("token refused", "path", r.URL.Path, "err", err)
		w.Header().Set("Www-Authenticate", `Bearer scope="" error="invalid_token" error_description=`+strconv.Quote(err.Error()))
		return nil, err
	}
	return claims, nil
}

// event builds the payload-2.0 event API Gateway would send.
func (s *Server) event(r *http.Request, rt *route, params map[string]string, body []byte) events.APIGatewayV2HTTPRequest {
	now := s.now()
	headers := map[string]string{}
	for k, v := range r.Header {
		if strings.EqualFold(k, "Cookie") {
			continue
		}
		headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	headers["host"] = r.Host
	// API Gateway tells the function the scheme the client used; locally
	// that is plain HTTP.
	headers["x-forwarded-proto"] = "http"
	query := map[string]string{}
	for k, v := range r.URL.Query() {
		query[k] = strings.Join(v, ",")
	}
	var cookies []string
	for _, c := range r.Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              rt.RouteKey(),
		RawPath:               r.URL.EscapedPath(),
		RawQueryString:        r.URL.RawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: nilIfEmpty(query),
		PathParameters:        nilIfEmpty(params),
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     rt.RouteKey(),
			AccountID:    "000000000000",
			Stage:        "$default",
			RequestID:    requestID(),
			APIID:        "local",
			DomainName:   r.Host,
			DomainPrefix: "local",
			Time:         now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.EscapedPath(),
				Protocol:  r.Proto,
				SourceIP:  ip,
				UserAgent: r.UserAgent(),
			},
		},
	}
	if len(body) > 0 {
		if utf8.Valid(body) && !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			ev.Body = string(body)
		} else {
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		}
	}
	return ev
}

func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func writeResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) int {
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		w.Header().Add("Set-Cookie", c)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		if b, err := base64.StdEncoding.DecodeString(resp.Body); err == nil {
			body = b
		}
	}
	status := resp.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status
}

// gatewayError answers the way API Gateway itself does, before any function.
func gatewayError(w http.ResponseWriter, status int, msg string) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
	return status
}

// Serve listens on addr and serves until ctx ends, then shuts down gracefully.
// ready, if not nil, is called with the bound address once listening.
func Serve(ctx context.Context, addr string, h http.Handler, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	}
}

// statusRecorder keeps the status a handler wrote, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}
