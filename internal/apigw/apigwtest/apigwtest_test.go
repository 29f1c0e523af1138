package apigwtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"eportal/internal/apigw"
	"eportal/internal/portal"
)

// recorder is a testing.TB that keeps what a check reports.
type recorder struct {
	testing.TB
	errs    []string
	stopped bool
}

func (r *recorder) Helper()                   {}
func (r *recorder) Context() context.Context  { return context.Background() }
func (r *recorder) Errorf(f string, a ...any) { r.errs = append(r.errs, fmt.Sprintf(f, a...)) }
func (r *recorder) Fatalf(f string, a ...any) { r.Errorf(f, a...); r.FailNow() }
func (r *recorder) FailNow()                  { r.stopped = true; runtime.Goexit() }

// run calls f with a fresh recorder on its own goroutine, so that FailNow
// can stop it.
func run(f func(tb testing.TB)) *recorder {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

type handlerFunc func(context.Context, apigw.Request) (apigw.Response, error)

func (f handlerFunc) Handle(ctx context.Context, req apigw.Request) (apigw.Response, error) {
	return f(ctx, req)
}

func answer(resp apigw.Response, err error) Handler {
	return handlerFunc(func(context.Context, apigw.Request) (apigw.Response, error) { return resp, err })
}

func jsonHeaders() map[string]string {
	return map[string]string{"Content-Type": "application/json; charset=utf-8", "X-Content-Type-Options": "nosniff"}
}

func TestDo(t *testing.T) {
	noSniff := map[string]string{"X-Content-Type-Options": "nosniff"}
	tests := []struct {
		name    string
		h       Handler
		wantOK  bool
		wantErr string // part of the one report; "" for none
	}{
		{"JSON body", answer(apigw.JSON(200, map[string]int{"views": 1}, apigw.NoStore), nil), true, ""},
		{"error body", answer(apigw.Error(context.Background(), slog.Default(), portal.Errorf(portal.ENOTFOUND, "Not found."), apigw.NoStore), nil), true, ""},
		{"204", answer(apigw.Response{StatusCode: 204, Headers: noSniff}, nil), true, ""},
		{"304", answer(apigw.Response{StatusCode: 304, Headers: noSniff}, nil), true, ""},
		{"Go error", answer(apigw.Response{}, errors.New("boom")), false, "502"},
		{"no nosniff", answer(apigw.Response{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: `{}`}, nil), true, "nosniff"},
		{"not JSON", answer(apigw.Response{StatusCode: 200, Headers: jsonHeaders(), Body: `<html>`}, nil), false, "not JSON"},
		{"wrong shape", answer(apigw.Response{StatusCode: 200, Headers: jsonHeaders(), Body: `[1]`}, nil), false, "not JSON"},
		{"text body", answer(apigw.Response{StatusCode: 200, Headers: map[string]string{"Content-Type": "text/plain", "X-Content-Type-Options": "nosniff"}, Body: `{}`}, nil), true, "Content-Type"},
		{"200 without body", answer(apigw.Response{StatusCode: 200, Headers: noSniff}, nil), true, "no body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ok bool
			r := run(func(tb testing.TB) {
				var body map[string]any
				_, ok = Do(tb, tt.h, apigw.Request{RouteKey: "GET /x"}, &body)
			})
			if ok != tt.wantOK || r.stopped {
				t.Errorf("ok = %v, stopped = %v; want %v, false", ok, r.stopped, tt.wantOK)
			}
			switch {
			case tt.wantErr == "" && len(r.errs) != 0:
				t.Errorf("reported %q; want nothing", r.errs)
			case tt.wantErr != "" && (len(r.errs) != 1 || !strings.Contains(r.errs[0], tt.wantErr)):
				t.Errorf("reported %q; want one report containing %q", r.errs, tt.wantErr)
			}
		})
	}
}

func TestServe(t *testing.T) {
	var body map[string]any
	r := run(func(tb testing.TB) {
		_, body = Serve(tb, answer(apigw.JSON(404, map[string]any{"error": map[string]string{"code": "not_found"}}, apigw.NoStore), nil), apigw.Request{})
	})
	if r.stopped || len(r.errs) != 0 || ErrorCode(body) != "not_found" {
		t.Errorf("Serve of a good response: stopped %v, reports %q, body %v", r.stopped, r.errs, body)
	}
	r = run(func(tb testing.TB) { Serve(tb, answer(apigw.Response{}, errors.New("boom")), apigw.Request{}) })
	if !r.stopped || len(r.errs) != 1 {
		t.Errorf("Serve of a Go error: stopped %v, reports %q; want stopped with one report", r.stopped, r.errs)
	}
}

func TestEvent(t *testing.T) {
	fsys := fstest.MapFS{
		"testdata/get.json": {Data: []byte(`{"routeKey":"GET /polls/{id}","headers":{"accept":"application/json"}}`)},
		"testdata/bad.json": {Data: []byte(`{"routeKey":`)},
	}
	var ev apigw.Request
	if r := run(func(tb testing.TB) { ev = Event(tb, fsys, "get") }); r.stopped || ev.RouteKey != "GET /polls/{id}" {
		t.Errorf("Event(get) = %q, stopped %v", ev.RouteKey, r.stopped)
	}
	for _, name := range []string{"bad", "missing"} {
		if r := run(func(tb testing.TB) { Event(tb, fsys, name) }); !r.stopped {
			t.Errorf("Event(%s) did not stop the test", name)
		}
	}
}

func TestCallRequest(t *testing.T) {
	base := apigw.Request{RouteKey: "GET /admin/articles", RawPath: "/admin/articles", Headers: map[string]string{"authorization": "Bearer x"}, Body: "keep"}
	base.RequestContext.HTTP.Method = "GET"
	got := Call{Method: "POST", Route: "/admin/articles/{id}/revisions/{n}/restore", Params: map[string]string{"id": "a1", "n": "2"},
		Query: map[string]string{"limit": "1"}, Headers: map[string]string{"If-Match": `"2"`}}.Request(base)
	want := base
	want.RouteKey = "POST /admin/articles/{id}/revisions/{n}/restore"
	want.RequestContext.RouteKey = want.RouteKey
	want.RequestContext.HTTP.Method = "POST"
	want.RawPath = "/admin/articles/a1/revisions/2/restore"
	want.RequestContext.HTTP.Path = want.RawPath
	want.PathParameters = map[string]string{"id": "a1", "n": "2"}
	want.QueryStringParameters = map[string]string{"limit": "1"}
	want.Headers = map[string]string{"authorization": "Bearer x", "if-match": `"2"`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if len(base.Headers) != 1 {
		t.Errorf("base headers changed: %v", base.Headers)
	}
	// A method alone keeps the route key: an ANY route.
	anyRoute := apigw.Request{RouteKey: "ANY /articles/{slug}/views"}
	if got := (Call{Method: "PUT"}).Request(anyRoute); got.RouteKey != anyRoute.RouteKey || got.RequestContext.HTTP.Method != "PUT" {
		t.Errorf("method only: %q %q", got.RouteKey, got.RequestContext.HTTP.Method)
	}
}

func TestErrorCode(t *testing.T) {
	for body, want := range map[string]string{
		`{"error":{"code":"not_found","message":"x"}}`: "not_found",
		`{"items":[]}`:           "",
		`{"error":"not_found"}`:  "",
		`{"error":{"code":404}}`: "",
	} {
		var b map[string]any
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			t.Fatal(err)
		}
		if got := ErrorCode(b); got != want {
			t.Errorf("ErrorCode(%s) = %q; want %q", body, got, want)
		}
	}
	if got := ErrorCode(nil); got != "" {
		t.Errorf("ErrorCode(nil) = %q", got)
	}
}
