// Package metrics counts what an invocation did (views counted, votes
// counted, conflicts retried, …) and writes the counts as one line in
// CloudWatch's embedded metric format (EMF): a JSON object that CloudWatch
// Logs turns into metrics when a Lambda function prints it to stdout. No
// PutMetricData call, no permission beyond the function's log group, no
// dependency.
//
// A handler's wrapper calls Begin once per invocation, code anywhere below
// it calls Add with the context it was given (a no-op when the context
// carries no counts: tests, the local server), and the wrapper hands the
// counts to an Emitter, which writes one line if anything was counted and
// nothing otherwise.
package metrics

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Namespace is the CloudWatch namespace of every metric.
const Namespace = "eportal"

// Dimension is the one dimension of every metric; its value is the Lambda
// function's name (AWS_LAMBDA_FUNCTION_NAME), as in AWS/Lambda's own
// FunctionName dimension, so two stacks in one account do not mix.
const Dimension = "Function"

// Metric is one of the counted events.
type Metric uint8

// The metrics. Each is a count (Unit "Count") summed per invocation.
const (
	// ViewsCounted: beacons that counted a view (a shard incremented).
	ViewsCounted Metric = iota
	// VotesCounted: votes whose transaction committed (JSON or form).
	VotesCounted
	// ConflictsRetried: transactions cancelled for a TransactionConflict
	// and sent again by eportal's own retry loops (votes, admin saves).
	ConflictsRetried
	// IdempotentReplays: admin writes answered with the stored response of
	// an earlier request with the same Idempotency-Key.
	IdempotentReplays
	// Unavailable: requests answered 503 (a busy or slow table, the budget
	// spent, a conflict that kept recurring).
	Unavailable
	// RollUpFailures: view roll-ups (the published copy's count and the
	// most-read entries) that failed; the view itself still counted.
	RollUpFailures

	numMetrics
)

var names = [numMetrics]string{
	ViewsCounted:      "ViewsCounted",
	VotesCounted:      "VotesCounted",
	ConflictsRetried:  "ConflictsRetried",
	IdempotentReplays: "IdempotentReplays",
	Unavailable:       "Unavailable",
	RollUpFailures:    "RollUpFailures",
}

// String returns the metric's CloudWatch name.
func (m Metric) String() string {
	if m < numMetrics {
		return names[m]
	}
	return "Metric(" + strconv.Itoa(int(m)) + ")"
}

// All returns every metric, in order.
func All() []Metric {
	out := make([]Metric, numMetrics)
	for i := range out {
		out[i] = Metric(i)
	}
	return out
}

// Counts are one invocation's counts. The zero value is ready; it is safe
// for concurrent use.
type Counts struct {
	n [numMetrics]atomic.Int64
}

// Add adds n to m.
func (c *Counts) Add(m Metric, n int64) {
	if c != nil && m < numMetrics {
		c.n[m].Add(n)
	}
}

// Get returns m's count.
func (c *Counts) Get(m Metric) int64 {
	if c == nil || m >= numMetrics {
		return 0
	}
	return c.n[m].Load()
}

type countsKey struct{}

// Begin returns ctx carrying a new, empty Counts for one invocation, and
// that Counts.
func Begin(ctx context.Context) (context.Context, *Counts) {
	c := new(Counts)
	return context.WithValue(ctx, countsKey{}, c), c
}

// Add adds n to m in the Counts ctx carries; without one it does nothing.
func Add(ctx context.Context, m Metric, n int64) {
	c, _ := ctx.Value(countsKey{}).(*Counts)
	c.Add(m, n)
}

// Emitter writes Counts as EMF lines to a writer. A nil *Emitter writes
// nothing. It is safe for concurrent use; each line is one Write.
type Emitter struct {
	w        io.Writer
	function []byte // the dimension's value, as a JSON string
	now      func() time.Time

	mu  sync.Mutex
	buf []byte
}

// New returns an Emitter writing to w with function as the Function
// dimension's value. The wiring gives Lambda functions os.Stdout; locally
// nothing (no Emitter) or a discarding writer keeps the output quiet.
func New(w io.Writer, function string) *Emitter {
	fn, _ := json.Marshal(function) // a string: cannot fail
	return &Emitter{w: w, function: fn, now: time.Now}
}

// WithClock sets the clock of the lines' Timestamp (default time.Now), for
// tests.
func (e *Emitter) WithClock(now func() time.Time) *Emitter {
	e.now = now
	return e
}

// Emit writes c as one EMF line: every metric with a non-zero count, under
// Namespace with the Function dimension, stamped now. It writes nothing when
// every count is zero, or e or c is nil.
func (e *Emitter) Emit(c *Counts) error {
	if e == nil || c == nil {
		return nil
	}
	var vals [numMetrics]int64
	some := false
	for m := range vals {
		vals[m] = c.n[m].Load()
		some = some || vals[m] != 0
	}
	if !some {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	b := e.buf[:0]
	b = append(b, `{"_aws":{"Timestamp":`...)
	b = strconv.AppendInt(b, e.now().UnixMilli(), 10)
	b = append(b, `,"CloudWatchMetrics":[{"Namespace":"`+Namespace+`","Dimensions":[["`+Dimension+`"]],"Metrics":[`...)
	first := true
	for m, v := range vals {
		if v == 0 {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, `{"Name":"`...)
		b = append(b, names[m]...)
		b = append(b, `","Unit":"Count"}`...)
	}
	b = append(b, `]}]},"`+Dimension+`":`...)
	b = append(b, e.function...)
	for m, v := range vals {
		if v == 0 {
			continue
		}
		b = append(b, `,"`...)
		b = append(b, names[m]...)
		b = append(b, `":`...)
		b = strconv.AppendInt(b, v, 10)
	}
	b = append(b, "}\n"...)
	e.buf = b
	_, err := e.w.Write(b)
	return err
}
