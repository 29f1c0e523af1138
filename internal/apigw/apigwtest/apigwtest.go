// Package apigwtest is the test kit of the handler packages: it loads real
// payload-2.0 events from a package's testdata, rewrites them for one route,
// serves them with a handler and checks what every response must satisfy.
// Only tests import it.
package apigwtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"strings"
	"testing"

	"eportal/internal/apigw"
)

// Handler is what every eportal handler is: the function a Lambda main
// starts.
type Handler interface {
	Handle(ctx context.Context, req apigw.Request) (apigw.Response, error)
}

// Event returns the event testdata/<name>.json of fsys, a package's
// `//go:embed testdata/*.json`. It stops the test when the file is missing
// or is not an event.
func Event(tb testing.TB, fsys fs.FS, name string) apigw.Request {
	tb.Helper()
	raw, err := fs.ReadFile(fsys, path.Join("testdata", name+".json"))
	if err != nil {
		tb.Fatalf("event %s: %v", name, err)
	}
	var ev apigw.Request
	if err := json.Unmarshal(raw, &ev); err != nil {
		tb.Fatalf("event %s: %v", name, err)
	}
	return ev
}

// Call is what a test changes in an event to aim it at one route. A zero
// field leaves the event's own value alone.
type Call struct {
	Method  string            // GET, POST…; alone, it keeps the route key (as for an ANY route)
	Route   string            // the route's path as the template declares it: "/polls/{id}/votes"
	Params  map[string]string // path parameters, filled into Route to make the path
	Query   map[string]string // query parameters
	Headers map[string]string // added to the event's; names in any case
	Body    string
}

// Request returns base as API Gateway would send it for c: the route key
// (in the event and in its request context), the method, the path (raw and
// in the request context: Route with Params filled in), the path and query
// parameters, the body, and the headers merged in with lower-cased names, as
// payload 2.0 sends them. base itself is not changed.
func (c Call) Request(base apigw.Request) apigw.Request {
	ev := base
	ev.Headers = maps.Clone(base.Headers)
	if ev.Headers == nil {
		ev.Headers = map[string]string{}
	}
	for k, v := range c.Headers {
		ev.Headers[strings.ToLower(k)] = v
	}
	if c.Method != "" {
		ev.RequestContext.HTTP.Method = c.Method
	}
	if c.Params != nil {
		ev.PathParameters = c.Params
	}
	if c.Route != "" {
		p := c.Route
		for k, v := range ev.PathParameters {
			p = strings.ReplaceAll(p, "{"+k+"}", v)
		}
		ev.RawPath, ev.RequestContext.HTTP.Path = p, p
		ev.RouteKey = ev.RequestContext.HTTP.Method + " " + c.Route
		ev.RequestContext.RouteKey = ev.RouteKey
	}
	if c.Query != nil {
		ev.QueryStringParameters = c.Query
	}
	if c.Body != "" {
		ev.Body = c.Body
	}
	return ev
}

// Serve calls h with req and returns the response and its JSON body (nil
// when there is none). It checks what Do checks and stops the test when the
// response cannot be used, so it must run on the test's goroutine; other
// goroutines use Do.
func Serve(tb testing.TB, h Handler, req apigw.Request) (apigw.Response, map[string]any) {
	tb.Helper()
	var body map[string]any
	resp, ok := Do(tb, h, req, &body)
	if !ok {
		tb.FailNow()
	}
	return resp, body
}

// Do calls h with req and decodes the response's body into dst (nil: only
// check that it is JSON). It reports
// with tb.Errorf, and never stops the test, so any goroutine may call it:
//
//   - a Go error from h (API Gateway would answer an opaque 502);
//   - a response without X-Content-Type-Options: nosniff;
//   - a body that is not JSON (or does not fit dst), or comes without a
//     JSON Content-Type;
//   - no body on a status other than 204 and 304.
//
// It returns false when the response cannot be used: h returned an error,
// or the body could not be decoded.
func Do(tb testing.TB, h Handler, req apigw.Request, dst any) (apigw.Response, bool) {
	tb.Helper()
	resp, err := h.Handle(tb.Context(), req)
	if err != nil {
		tb.Errorf("%s: Handle returned a Go error (API Gateway would answer 502): %v", req.RouteKey, err)
		return resp, false
	}
	if err := check(resp, dst); err != nil {
		tb.Errorf("%s: %d %v", req.RouteKey, resp.StatusCode, err)
		var bad *bodyError
		return resp, !errors.As(err, &bad)
	}
	return resp, true
}

// bodyError is a body that could not be decoded.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return e.err.Error() }

// check applies Do's checks to resp and decodes its body into dst.
func check(resp apigw.Response, dst any) error {
	var errs []error
	if resp.Headers["X-Content-Type-Options"] != "nosniff" {
		errs = append(errs, errors.New("no X-Content-Type-Options: nosniff"))
	}
	switch {
	case resp.Body == "":
		if resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusNotModified {
			errs = append(errs, errors.New("no body"))
		}
	default:
		if ct := resp.Headers["Content-Type"]; !strings.HasPrefix(ct, "application/json") {
			errs = append(errs, fmt.Errorf("a body with Content-Type %q", ct))
		}
		if dst == nil {
			dst = new(any)
		}
		if err := json.Unmarshal([]byte(resp.Body), dst); err != nil {
			errs = append(errs, &bodyError{fmt.Errorf("body is not JSON: %v: %.300s", err, resp.Body)})
		}
	}
	return errors.Join(errs...)
}

// ErrorCode returns the error code of an error body (SPEC §4:
// {"error": {"code": …, "message": …}}), or "" when body is not one.
func ErrorCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}
