package viewsapi_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
	"eportal/internal/viewsapi"
)

func mustFaultyHarness(t *testing.T) (*harness, *dynamotest.Faults) {
	t.Helper()
	f := dynamotest.NewFaults()
	h := mustHarness(t, f.Option(), func(o *dynamodb.Options) {
		// The SDK's own retries (3 attempts), with short pauses for the test.
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.MaxBackoff = 5 * time.Millisecond })
	})
	return h, f
}

func TestStoreFaults(t *testing.T) {
	tests := []struct {
		name        string
		rule        dynamotest.Rule
		status      int
		counted     bool
		shards      int64 // views the shards hold after the beacon
		retryCounts bool  // whether the visitor's retry (faults cleared) is counted
	}{
		// Throttled through all of the SDK's retries: 503, and the marker is
		// taken back so that the retry counts.
		{"shard write throttled", dynamotest.On("UpdateItem", "VIEWS#", dynamotest.Throttle, 100), 503, false, 0, true},
		{"marker write throttled", dynamotest.On("PutItem", "VISIT#", dynamotest.Throttle, 100), 503, false, 0, true},
		{"published copy read throttled", dynamotest.On("GetItem", "SLUG#", dynamotest.Throttle, 100), 503, false, 0, true},
		// Throttled once: the SDK's retry succeeds.
		{"shard write throttled once", dynamotest.On("UpdateItem", "VIEWS#", dynamotest.Throttle, 1), 200, true, 1, false},
		// The shard write committed but its response was lost: the SDK
		// retries the ADD, which is not idempotent. One view counts twice:
		// the over-count bound of docs/performance.md.
		{"shard response lost", dynamotest.On("UpdateItem", "VIEWS#", dynamotest.LoseResponse, 1), 200, true, 2, false},
		// The marker write committed but its response was lost: the SDK's
		// retry finds the marker and the view is not counted. One view is
		// lost: the under-count bound.
		{"marker response lost", dynamotest.On("PutItem", "VISIT#", dynamotest.LoseResponse, 1), 200, false, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, f := mustFaultyHarness(t)
			fn := h.handler(viewsapi.Config{Shards: 2})
			// Warm: the day's key exists and the first roll-up is done.
			send(t, fn, beacon(t, sampleSlug, 1))
			base := h.shardSum(t, sampleID, 2)
			h.clock.Add(10 * time.Second) // past the instance's caches: every call is made
			f.Set(tt.rule)
			r := send(t, fn, beacon(t, sampleSlug, 2))
			f.Set(nil)
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
