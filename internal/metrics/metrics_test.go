package metrics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"eportal/internal/metrics"
)

var stamp = time.Date(2026, 11, 30, 8, 15, 0, 123_000_000, time.UTC)

func emitter(w io.Writer) *metrics.Emitter {
	return metrics.New(w, "eportal-ViewsFunction-AbC123").WithClock(func() time.Time { return stamp })
}

// TestEmitLine pins the exact line: the EMF document CloudWatch Logs
// extracts metrics from (one JSON object, one line, nothing before or
// after it).
func TestEmitLine(t *testing.T) {
	var buf bytes.Buffer
	ctx, c := metrics.Begin(context.Background())
	metrics.Add(ctx, metrics.ViewsCounted, 1)
	metrics.Add(ctx, metrics.RollUpFailures, 2)
	metrics.Add(ctx, metrics.ViewsCounted, 1)
	if err := emitter(&buf).Emit(c); err != nil {
		t.Fatal(err)
	}
	want := `{"_aws":{"Timestamp":1796026500123,"CloudWatchMetrics":[{"Namespace":"eportal","Dimensions":[["Function"]],` +
		`"Metrics":[{"Name":"ViewsCounted","Unit":"Count"},{"Name":"RollUpFailures","Unit":"Count"}]}]},` +
		`"Function":"eportal-ViewsFunction-AbC123","ViewsCounted":2,"RollUpFailures":2}` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("line:\n got %s\nwant %s", got, want)
	}
}

// TestEmitSpec checks every metric's line against the rules of CloudWatch's
// "Specification: Embedded metric format": the root is a JSON object with
// _aws; _aws has exactly Timestamp (milliseconds since the epoch, a number)
// and CloudWatchMetrics (MetricDirective objects); a directive has exactly
// Namespace, Dimensions (arrays of dimension keys, at most 30 each) and
// Metrics (MetricDefinition objects with Name and an allowed Unit); every
// dimension key and every metric name is a root member (a string for
// dimensions, a number for metrics).
func TestEmitSpec(t *testing.T) {
	for _, m := range metrics.All() {
		t.Run(m.String(), func(t *testing.T) {
			var buf bytes.Buffer
			var c metrics.Counts
			c.Add(m, 3)
			if err := emitter(&buf).Emit(&c); err != nil {
				t.Fatal(err)
			}
			line := buf.String()
			if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
				t.Fatalf("want exactly one line, got %q", line)
			}
			var root map[string]json.RawMessage
			if err := json.Unmarshal([]byte(line), &root); err != nil {
				t.Fatalf("not one JSON object: %v", err)
			}
			var meta map[string]json.RawMessage
			mustDecode(t, root["_aws"], &meta)
			if len(meta) != 2 {
				t.Errorf("_aws members = %d, want 2 (Timestamp, CloudWatchMetrics)", len(meta))
			}
			var ts int64
			mustDecode(t, meta["Timestamp"], &ts)
			if ts != stamp.UnixMilli() {
				t.Errorf("Timestamp = %d, want %d (ms since the epoch)", ts, stamp.UnixMilli())
			}
			var directives []map[string]json.RawMessage
			mustDecode(t, meta["CloudWatchMetrics"], &directives)
			if len(directives) != 1 {
				t.Fatalf("CloudWatchMetrics = %d directives, want 1", len(directives))
			}
			d := directives[0]
			if len(d) != 3 {
				t.Errorf("directive members = %d, want 3 (Namespace, Dimensions, Metrics)", len(d))
			}
			var ns string
			mustDecode(t, d["Namespace"], &ns)
			if ns != metrics.Namespace {
				t.Errorf("Namespace = %q", ns)
			}
			var dims [][]string
			mustDecode(t, d["Dimensions"], &dims)
			if len(dims) != 1 || len(dims[0]) != 1 || dims[0][0] != metrics.Dimension {
				t.Errorf("Dimensions = %v, want [[%s]]", dims, metrics.Dimension)
			}
			for _, set := range dims {
				for _, k := range set {
					var v string
					mustDecode(t, root[k], &v)
					if v == "" {
						t.Errorf("dimension %s: no string value at the root", k)
					}
				}
			}
			var defs []struct{ Name, Unit string }
			mustDecode(t, d["Metrics"], &defs)
			if len(defs) != 1 || defs[0].Name != m.String() || defs[0].Unit != "Count" {
				t.Errorf("Metrics = %+v, want [{%s Count}]", defs, m)
			}
			var v float64
			mustDecode(t, root[m.String()], &v)
			if v != 3 {
				t.Errorf("%s = %v, want 3", m, v)
			}
			if len(root) != 3 {
				t.Errorf("root members = %d, want 3 (_aws, Function, %s)", len(root), m)
			}
		})
	}
}

func mustDecode(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if raw == nil {
		t.Fatalf("missing member for %T", v)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

func TestEmitNothing(t *testing.T) {
	var buf bytes.Buffer
	e := emitter(&buf)
	_, c := metrics.Begin(context.Background())
	if err := e.Emit(c); err != nil || buf.Len() != 0 {
		t.Errorf("empty counts: wrote %q, %v; want nothing", buf.String(), err)
	}
	if err := e.Emit(nil); err != nil || buf.Len() != 0 {
		t.Errorf("nil counts: wrote %q, %v; want nothing", buf.String(), err)
	}
	var none *metrics.Emitter
	c.Add(metrics.VotesCounted, 1)
	if err := none.Emit(c); err != nil {
		t.Errorf("nil emitter: %v", err)
	}
	// A context without counts (tests, the local server): Add is a no-op.
	metrics.Add(context.Background(), metrics.VotesCounted, 1)
}

func TestFunctionNameEscaped(t *testing.T) {
	var buf bytes.Buffer
	var c metrics.Counts
	c.Add(metrics.Unavailable, 1)
	if err := metrics.New(&buf, `a"b\c`).Emit(&c); err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(buf.Bytes(), &root); err != nil || root["Function"] != `a"b\c` {
		t.Errorf("Function = %v (%v); want the name, escaped", root["Function"], err)
	}
}

func TestConcurrentAdds(t *testing.T) {
	ctx, c := metrics.Begin(context.Background())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				metrics.Add(ctx, metrics.ConflictsRetried, 1)
			}
		})
	}
	wg.Wait()
	if got := c.Get(metrics.ConflictsRetried); got != 8000 {
		t.Errorf("ConflictsRetried = %d, want 8000", got)
	}
}

// TestEmitAllocations: counting costs no allocation and a line none once the
// emitter's buffer has grown (the writer's own aside).
func TestEmitAllocations(t *testing.T) {
	e := metrics.New(io.Discard, "views")
	var c metrics.Counts
	ctx := context.Background()
	if n := testing.AllocsPerRun(100, func() {
		metrics.Add(ctx, metrics.ViewsCounted, 1)
		c.Add(metrics.ViewsCounted, 1)
		_ = e.Emit(&c)
	}); n != 0 {
		t.Errorf("allocations per Add and Emit = %v, want 0", n)
	}
}

func TestMetricNames(t *testing.T) {
	want := []string{"ViewsCounted", "VotesCounted", "ConflictsRetried", "IdempotentReplays", "Unavailable", "RollUpFailures"}
	all := metrics.All()
	if len(all) != len(want) {
		t.Fatalf("All() = %v", all)
	}
	for i, m := range all {
		if m.String() != want[i] {
			t.Errorf("metric %d = %q, want %q", i, m, want[i])
		}
	}
}
