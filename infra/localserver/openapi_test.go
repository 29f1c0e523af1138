package localserver_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"eportal/internal/openapi"
)

// The local server's integration tests hold every exchange they make to
// the OpenAPI description (internal/openapi/openapi.yaml): each test server
// serves through validated, which checks the request (when the answer is
// 2xx) and the response (always) and fails the test that made the request
// with what did not match. The exchanges no operation describes and that
// are not JSON — the reader site's pages, the poll form's redirects, CORS
// preflights — are counted as skipped.

// specValidator is the Validator of the package's tests, made once.
var specValidator = sync.OnceValues(func() (*openapi.Validator, error) {
	doc, err := openapi.Load(context.Background())
	if err != nil {
		return nil, err
	}
	return openapi.NewValidator(doc)
})

// validated returns h serving through the spec's Validator: a mismatch
// fails t (t.Errorf with the method, the request-target, the status and the
// validator's findings), from the goroutine that served the request, while
// its test still waits for the answer. Benchmarks get h as it is: they
// measure the server. Call it before registering the server's Close with
// t.Cleanup, so that the count it logs comes after the last request.
func validated(tb testing.TB, h http.Handler) http.Handler {
	tb.Helper()
	t, ok := tb.(*testing.T)
	if !ok {
		return h
	}
	v, err := specValidator()
	if err != nil {
		t.Fatal(err)
	}
	var checked, skipped atomic.Int64
	t.Cleanup(func() {
		t.Logf("openapi: %d exchanges validated against internal/openapi/openapi.yaml, %d not described there (skipped)", checked.Load(), skipped.Load())
	})
	return openapi.Handler(v, h, func(x openapi.Exchange) {
		if x.Result.Skipped != "" {
			skipped.Add(1)
			return
		}
		checked.Add(1)
		if x.Err != nil {
			t.Errorf("openapi: %s %s → %d (%s) does not match the spec:\n%v", x.Method, x.Target, x.Status, x.Result.Response, x.Err)
		}
	})
}
