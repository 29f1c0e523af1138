package adminapi_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"eportal/internal/apigw"
	"eportal/internal/metrics"
)

// TestMetricsIdempotentReplay: a create repeated with its Idempotency-Key
// is answered from the stored response and counts IdempotentReplays once in
// the function's EMF line; the first create writes no line.
func TestMetricsIdempotentReplay(t *testing.T) {
	e := mustEnv(t)
	var buf bytes.Buffer
	handle := apigw.Instrument(metrics.New(&buf, "eportal-AdminFunction-test"), e.admin.Handle)
	c := call{role: "editor", method: "POST", route: "/admin/articles", body: draftBody, headers: map[string]string{"Idempotency-Key": "metrics-1"}}

	first, err := handle(context.Background(), event(t, c))
	if err != nil || first.StatusCode != 201 || buf.Len() != 0 {
		t.Fatalf("create = %d, %v, EMF %q; want 201 and no line", first.StatusCode, err, buf.String())
	}
	again, err := handle(context.Background(), event(t, c))
	if err != nil || again.StatusCode != 201 || again.Headers["Idempotent-Replayed"] != "true" {
		t.Fatalf("repeat = %d %v %v; want the replayed 201", again.StatusCode, again.Headers, err)
	}
	if line := buf.String(); !strings.HasSuffix(line, `"Function":"eportal-AdminFunction-test","IdempotentReplays":1}`+"\n") ||
		strings.Count(line, "\n") != 1 {
		t.Errorf("EMF after a replay: %q", line)
	}
}
