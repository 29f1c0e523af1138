package viewsapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/metrics"
	"eportal/internal/viewsapi"
)

// emf serves req as the Lambda function does (apigw.Instrument, the
// wrapper lambdaenv.Observe applies) and returns the status and the
// metrics of the one EMF line it wrote (nil when it wrote none).
func emf(t *testing.T, fn *viewsapi.Handler, req apigw.Request) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	e := metrics.New(&buf, "eportal-ViewsFunction-test").WithClock(func() time.Time { return start })
	resp, err := apigw.Instrument(e, fn.Handle)(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if buf.Len() == 0 {
		return resp.StatusCode, nil
	}
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil || bytes.Count(buf.Bytes(), []byte("\n")) != 1 {
		t.Fatalf("not one EMF line: %q (%v)", buf.String(), err)
	}
	if line["Function"] != "eportal-ViewsFunction-test" || line["_aws"] == nil {
		t.Errorf("EMF line without its metadata or dimension: %s", buf.String())
	}
	delete(line, "_aws")
	delete(line, "Function")
	return resp.StatusCode, line
}

func TestMetricsViewCounted(t *testing.T) {
	h := mustHarness(t)
	fn := h.handler(viewsapi.Config{})
	status, got := emf(t, fn, beacon(t, sampleSlug, 1))
	if status != 200 || len(got) != 1 || got["ViewsCounted"] != 1.0 {
		t.Errorf("counted view: %d, metrics %v; want 200, {ViewsCounted: 1}", status, got)
	}
	status, got = emf(t, fn, beacon(t, sampleSlug, 1))
	if status != 200 || got != nil {
		t.Errorf("repeat within the window: %d, metrics %v; want 200 and no line", status, got)
	}
}

func TestMetricsUnavailableAndRollUpFailure(t *testing.T) {
	h, f := mustFaultyHarness(t)
	fn := h.handler(viewsapi.Config{Shards: 2})
	emf(t, fn, beacon(t, sampleSlug, 1)) // warm: the day's key, the first roll-up

	h.clock.Add(10 * time.Second)
	f.Set(dynamotest.On("UpdateItem", "VIEWS#", dynamotest.Throttle, 100))
	status, got := emf(t, fn, beacon(t, sampleSlug, 2))
	if status != 503 || len(got) != 1 || got["Unavailable"] != 1.0 {
		t.Errorf("throttled shard write: %d, metrics %v; want 503, {Unavailable: 1}", status, got)
	}

	// A roll-up refused every time (a permission error would look the same
	// to the function): the view counts, the failure is a metric.
	h.clock.Add(2 * time.Minute)
	f.Set(dynamotest.On("UpdateItem", "SLUG#", dynamotest.ServerError, 100))
	status, got = emf(t, fn, beacon(t, sampleSlug, 3))
	f.Set(nil)
	if status != 200 || len(got) != 2 || got["ViewsCounted"] != 1.0 || got["RollUpFailures"] != 1.0 {
		t.Errorf("failed roll-up: %d, metrics %v; want 200, {ViewsCounted: 1, RollUpFailures: 1}", status, got)
	}
}
