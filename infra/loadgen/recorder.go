package loadgen

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// An outcome is one answered (or failed) request, as the recorder keeps it.
type outcome struct {
	Route      string // the template's route key, with a note such as " (draft)"
	Path       string
	Status     int // 0: no answer (transport error)
	RetryAfter bool
	Body       []byte
	Err        error
	Latency    time.Duration
}

// Breach kinds: the answers that fail a run.
const (
	breachTransport  = "no answer (transport error)"
	breach5xx        = "5xx without injected faults"
	breachNot503     = "5xx other than 503"
	breachRetryAfter = "503 without Retry-After"
	breachUnexpected = "unexpected status"
)

// examplesKept bounds the breaches of each kind a recorder describes.
const examplesKept = 5

// recorder keeps, per route, every request's latency and status, and the
// answers that break the run's rules. It is safe for concurrent use.
type recorder struct {
	faults bool // 503 with Retry-After is an acceptable answer to anything

	mu       sync.Mutex
	routes   map[string]*routeLog
	breaches map[string]int
	examples map[string][]string
}

type routeLog struct {
	latencies []time.Duration
	statuses  map[int]int
}

func newRecorder(faults bool) *recorder {
	return &recorder{faults: faults, routes: map[string]*routeLog{}, breaches: map[string]int{}, examples: map[string][]string{}}
}

// record adds o, which expected one of the statuses expect.
func (r *recorder) record(o outcome, expect ...int) {
	kind := classify(o, r.faults, expect)
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.routes[o.Route]
	if l == nil {
		l = &routeLog{statuses: map[int]int{}}
		r.routes[o.Route] = l
	}
	l.latencies = append(l.latencies, o.Latency)
	l.statuses[o.Status]++
	if kind == "" {
		return
	}
	r.breaches[kind]++
	if len(r.examples[kind]) < examplesKept {
		r.examples[kind] = append(r.examples[kind], describe(o))
	}
}

// classify returns the breach kind of o, or "" when o is acceptable: one of
// expect, or, with faults injected, 503 with Retry-After.
func classify(o outcome, faults bool, expect []int) string {
	switch {
	case o.Status == 0:
		return breachTransport
	case o.Status >= 500 && !faults:
		return breach5xx
	case o.Status >= 500 && o.Status != http.StatusServiceUnavailable:
		return breachNot503
	case o.Status == http.StatusServiceUnavailable && !o.RetryAfter:
		return breachRetryAfter
	case o.Status == http.StatusServiceUnavailable, slices.Contains(expect, o.Status):
		return ""
	}
	return breachUnexpected
}

func describe(o outcome) string {
	if o.Err != nil {
		return fmt.Sprintf("%s %s: %v", o.Route, o.Path, o.Err)
	}
	body := string(o.Body)
	if len(body) > 200 {
		body = body[:200] + "…"
	}
	return fmt.Sprintf("%s %s → %d %s", o.Route, o.Path, o.Status, body)
}

// RouteStats sums up one route's requests.
type RouteStats struct {
	Route     string
	Requests  int
	PerSecond float64
	P50, P99  time.Duration
	Statuses  map[int]int // status (0: no answer) → requests
}

// stats returns each route's figures over elapsed, public routes first.
func (r *recorder) stats(elapsed time.Duration) []RouteStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]RouteStats, 0, len(r.routes))
	for route, l := range r.routes {
		sorted := slices.Clone(l.latencies)
		slices.Sort(sorted)
		out = append(out, RouteStats{
			Route: route, Requests: len(sorted), PerSecond: float64(len(sorted)) / elapsed.Seconds(),
			P50: percentile(sorted, 0.50), P99: percentile(sorted, 0.99), Statuses: maps.Clone(l.statuses),
		})
	}
	sort.Slice(out, func(i, j int) bool { return routeOrder(out[i].Route) < routeOrder(out[j].Route) })
	return out
}

// routeOrder sorts public routes before /admin ones, then by path and method.
func routeOrder(route string) string {
	method, path, _ := strings.Cut(route, " ")
	admin := "0"
	if strings.HasPrefix(path, "/admin") {
		admin = "1"
	}
	return admin + path + " " + method
}

// percentile returns the nearest-rank p-th percentile of sorted (0 if empty).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p*float64(len(sorted))+0.999999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// writeTable prints stats as a table, routes left-aligned, figures right.
func writeTable(w io.Writer, stats []RouteStats) error {
	width := len("all routes")
	for _, s := range stats {
		width = max(width, len(s.Route))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s %9s %8s %9s %9s  %s\n", width, "route", "requests", "req/s", "p50", "p99", "statuses")
	total := 0
	for _, s := range stats {
		total += s.Requests
		fmt.Fprintf(&b, "%-*s %9d %8.1f %9s %9s  %s\n", width, s.Route, s.Requests, s.PerSecond, ms(s.P50), ms(s.P99), statusList(s.Statuses))
	}
	var perSecond float64
	for _, s := range stats {
		perSecond += s.PerSecond
	}
	fmt.Fprintf(&b, "%-*s %9d %8.1f\n", width, "all routes", total, perSecond)
	_, err := io.WriteString(w, b.String())
	return err
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// statusList writes statuses as "200:5120 404:12", in status order.
func statusList(statuses map[int]int) string {
	var parts []string
	for _, code := range slices.Sorted(maps.Keys(statuses)) {
		label := fmt.Sprint(code)
		if code == 0 {
			label = "err"
		}
		parts = append(parts, fmt.Sprintf("%s:%d", label, statuses[code]))
	}
	return strings.Join(parts, " ")
}
