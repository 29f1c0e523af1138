package openapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
)

// Exchange is one request a Handler served, and what its Validator made of
// it.
type Exchange struct {
	Method string
	Target string // the request-target: path and query, as received
	Status int
	Result Result
	Err    error // the validation's findings; nil when the exchange matched (or was skipped)
}

// Handler returns next wrapped so that every exchange it serves is checked
// by v and handed to report once next has answered, on the goroutine that
// served it. What next gets and answers is unchanged: the request body is
// copied as next reads it, the response as next writes it. Handler is meant
// for tests; it keeps every body in memory.
func Handler(v *Validator, next http.Handler, report func(Exchange)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var sent bytes.Buffer
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = teeBody{io.TeeReader(r.Body, &sent), r.Body}
		}
		rec := &recorder{w: w}
		next.ServeHTTP(rec, r)
		rec.finish()

		ctx := context.WithoutCancel(r.Context()) // the client may be gone; the exchange is still to check
		req := r.Clone(ctx)
		req.Body = io.NopCloser(bytes.NewReader(sent.Bytes()))
		resp := &http.Response{
			StatusCode: rec.status, Header: rec.header, Request: req,
			Body: io.NopCloser(bytes.NewReader(rec.body.Bytes())), ContentLength: int64(rec.body.Len()),
		}
		res, err := v.Validate(ctx, req, resp)
		report(Exchange{Method: r.Method, Target: r.RequestURI, Status: rec.status, Result: res, Err: err})
	})
}

// teeBody is a request body that copies what is read of it.
type teeBody struct {
	io.Reader
	io.Closer
}

// recorder passes a response through to w and keeps a copy: the status, the
// header as sent and the body.
type recorder struct {
	w      http.ResponseWriter
	status int
	header http.Header
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.w.Header() }

func (rec *recorder) WriteHeader(status int) {
	if rec.status != 0 {
		return
	}
	rec.status, rec.header = status, rec.w.Header().Clone()
	rec.w.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.WriteHeader(http.StatusOK)
	}
	rec.body.Write(b)
	return rec.w.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.w }

// finish records what net/http sends for a handler that wrote nothing.
func (rec *recorder) finish() {
	if rec.status == 0 {
		rec.status, rec.header = http.StatusOK, rec.w.Header().Clone()
	}
}
