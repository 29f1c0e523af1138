package viewsapi_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"eportal/internal/portal"
	"eportal/internal/viewsapi"
)

// faults sits between the SDK and DynamoDB Local (SPEC §5): it fails the
// calls its rule picks, either before they reach the table (throttling) or
// after the table committed them (the response is lost).
type faults struct {
	mu   sync.Mutex
	next *http.Client
	rule func(op, body string) string // "", "throttle" or "lose"
	hits int
}

func (f *faults) Do(req *http.Request) (*http.Response, error) {
	op := strings.TrimPrefix(req.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	f.mu.Lock()
	what := ""
	if f.rule != nil {
		what = f.rule(op, string(body))
	}
	if what != "" {
		f.hits++
	}
	f.mu.Unlock()
	switch what {
	case "throttle":
		return awsError(req, 400, "ProvisionedThroughputExceededException"), nil
	case "lose":
		resp, err := f.next.Do(req)
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return awsError(req, 500, "InternalServerError"), nil
	}
	return f.next.Do(req)
}

func (f *faults) set(rule func(op, body string) string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rule, f.hits = rule, 0
}

func awsError(req *http.Request, status int, typ string) *http.Response {
	body := `{"__type":"com.amazonaws.dynamodb.v20120810#` + typ + `","message":"injected"}`
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
		Body:   io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req}
}

func mustFaultyHarness(t *testing.T) (*harness, *faults) {
	t.Helper()
	f := &faults{next: &http.Client{Timeout: 10 * time.Second}}
	h := mustHarness(t, func(o *dynamodb.Options) {
		o.HTTPClient = f
		// The SDK's own retries (3 attempts), with short pauses for the test.
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.MaxBackoff = 5 * time.Millisecond })
	})
	return h, f
}

func onWrite(op, prefix, what string, times int) func(string, string) string {
	n := 0
	return func(o, body string) string {
		if o == op && strings.Contains(body, `"`+prefix) && n < times {
			n++
			return what
		}
		return ""
	}
}

func TestStoreFaults(t *testing.T) {
	tests := []struct {
		name        string
		rule        func(op, body string) string
		status      int
		counted     bool
		shards      int64 // views the shards hold after the beacon
		retryCounts bool  // whether the visitor's retry (faults cleared) is counted
	}{
		// Throttled through all of the SDK's retries: 503, and the marker is
		// taken back so that the retry counts.
		{"shard write throttled", onWrite("UpdateItem", "VIEWS#", "throttle", 100), 503, false, 0, true},
		{"marker write throttled", onWrite("PutItem", "VISIT#", "throttle", 100), 503, false, 0, true},
		{"published copy read throttled", onWrite("GetItem", "SLUG#", "throttle", 100), 503, false, 0, true},
		// Throttled once: the SDK's retry succeeds.
		{"shard write throttled once", onWrite("UpdateItem", "VIEWS#", "throttle", 1), 200, true, 1, false},
		// The shard write committed but its response was lost: the SDK
		// retries the ADD, which is not idempotent. One view counts twice:
		// the over-count bound of docs/performance.md.
		{"shard response lost", onWrite("UpdateItem", "VIEWS#", "lose", 1), 200, true, 2, false},
		// The marker write committed but its response was lost: the SDK's
		// retry finds the marker and the view is not counted. One view is
		// lost: the under-count bound.
		{"marker response lost", onWrite("PutItem", "VISIT#", "lose", 1), 200, false, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, f := mustFaultyHarness(t)
			fn := h.handler(viewsapi.Config{Shards: 2})
			// Warm: the day's key exists and the first roll-up is done.
			send(t, fn, beacon(t, sampleSlug, 1))
			base := h.shardSum(t, sampleID, 2)
			h.clock.Add(10 * time.Second) // past the instance's caches: every call is made
			f.set(tt.rule)
			r := send(t, fn, beacon(t, sampleSlug, 2))
			f.set(nil)
			if r.status != tt.status || r.counted != tt.counted {
				t.Fatalf("beacon = %+v; want %d counted=%v", r, tt.status, tt.counted)
			}
			if r.status == 503 && (r.resp.Headers["Retry-After"] == "" || r.code != portal.EUNAVAILABLE) {
				t.Errorf("503 without Retry-After or code unavailable: %v %s", r.resp.Headers, r.resp.Body)
			}
			if got := h.shardSum(t, sampleID, 2) - base; got != tt.shards {
				t.Errorf("shards hold %d more views; want %d", got, tt.shards)
			}
			h.clock.Add(10 * time.Second) // past the instance's caches
			retried := send(t, fn, beacon(t, sampleSlug, 2))
			if retried.status != 200 || retried.counted != tt.retryCounts {
				t.Errorf("the visitor's retry = %+v; want 200 counted=%v", retried, tt.retryCounts)
			}
		})
	}
}
