package apigw_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/metrics"
	"eportal/internal/portal"
)

// TestLogsCarryAPIRequestID: a handler's log lines name API Gateway's
// request id (the access log's requestId), through the context Budget.Bound
// returns.
func TestLogsCarryAPIRequestID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(apigw.LogHandler(slog.NewJSONHandler(&buf, nil)))
	var req apigw.Request
	req.RequestContext.RequestID = "Jx1abcDEFgHcEhQ="
	req.RequestContext.HTTP.Method = http.MethodGet
	ctx, cancel := apigw.Budget{}.Bound(context.Background(), req)
	defer cancel()
	apigw.Error(ctx, log.With("fn", "read"), portal.Errorf(portal.EUNAVAILABLE, "busy"), apigw.NoStore)
	log.InfoContext(context.Background(), "no request")

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("log lines = %d, want 2:\n%s", len(lines), buf.String())
	}
	var first, second map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &first)
	_ = json.Unmarshal([]byte(lines[1]), &second)
	if first[apigw.RequestIDKey] != "Jx1abcDEFgHcEhQ=" || first["fn"] != "read" {
		t.Errorf("log line = %s; want %s and the logger's own attributes", lines[0], apigw.RequestIDKey)
	}
	if _, ok := second[apigw.RequestIDKey]; ok {
		t.Errorf("a line logged without the request's context names a request: %s", lines[1])
	}
}

// TestInstrumentCounts503: a 503, whichever code wrote it, is counted as
// Unavailable and written as one EMF line with what the handler counted.
func TestInstrumentCounts503(t *testing.T) {
	var buf bytes.Buffer
	e := metrics.New(&buf, "fn").WithClock(func() time.Time { return time.UnixMilli(1) })
	h := apigw.Instrument(e, func(ctx context.Context, req apigw.Request) (apigw.Response, error) {
		metrics.Add(ctx, metrics.ConflictsRetried, 2)
		return apigw.Error(ctx, slog.New(slog.DiscardHandler), portal.Errorf(portal.EUNAVAILABLE, "busy"), apigw.NoStore), nil
	})
	resp, err := h(context.Background(), apigw.Request{})
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("got %d, %v", resp.StatusCode, err)
	}
	want := `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"eportal","Dimensions":[["Function"]],"Metrics":[` +
		`{"Name":"ConflictsRetried","Unit":"Count"},{"Name":"Unavailable","Unit":"Count"}]}]},"Function":"fn","ConflictsRetried":2,"Unavailable":1}` + "\n"
	if buf.String() != want {
		t.Errorf("EMF:\n got %s\nwant %s", buf.String(), want)
	}

	buf.Reset()
	ok := apigw.Instrument(e, func(ctx context.Context, req apigw.Request) (apigw.Response, error) {
		return apigw.JSON(http.StatusOK, map[string]int{}, apigw.NoStore), nil
	})
	if _, err := ok(context.Background(), apigw.Request{}); err != nil || buf.Len() != 0 {
		t.Errorf("a request that counted nothing wrote %q, %v; want nothing", buf.String(), err)
	}
}
