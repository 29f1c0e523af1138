package loadgen

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"eportal/internal/crawler"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter bool
		faults     bool
		expect     []int
		want       string
	}{
		{"expected", 200, false, false, []int{200}, ""},
		{"one of several expected", 409, false, false, []int{200, 409}, ""},
		{"unexpected 4xx", 400, false, false, []int{200}, breachUnexpected},
		{"unexpected 2xx", 200, false, false, []int{404}, breachUnexpected},
		{"no answer", 0, false, true, []int{200}, breachTransport},
		{"503 without faults", 503, true, false, []int{200}, breach5xx},
		{"500 without faults", 500, false, false, []int{200}, breach5xx},
		{"503 with Retry-After under faults", 503, true, true, []int{200}, ""},
		{"503 without Retry-After under faults", 503, false, true, []int{200}, breachRetryAfter},
		{"500 under faults", 500, false, true, []int{200}, breachNot503},
		{"502 under faults", 502, false, true, []int{200}, breachNot503},
		{"expected 503 still needs faults", 503, true, false, []int{503}, breach5xx},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := classify(outcome{Status: tt.status, RetryAfter: tt.retryAfter}, tt.faults, tt.expect)
			if got != tt.want {
				t.Errorf("classify(%d, Retry-After %v, faults %v, expect %v) = %q; want %q", tt.status, tt.retryAfter, tt.faults, tt.expect, got, tt.want)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one", ms(7), 0.99, 7 * time.Millisecond},
		{"median of four is the second", ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{"median of five", ms(1, 2, 3, 4, 5), 0.5, 3 * time.Millisecond},
		{"p99 of 100", ms(hundred...), 0.99, 99 * time.Millisecond},
		{"p50 of 100", ms(hundred...), 0.50, 50 * time.Millisecond},
		{"p99 of 10 is the largest", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 0.99, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v; want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestRecorderStatsAndBreaches(t *testing.T) {
	r := newRecorder(false)
	for i := range 10 {
		r.record(outcome{Route: "GET /links", Status: 200, Latency: time.Duration(i+1) * time.Millisecond}, 200)
	}
	r.record(outcome{Route: "GET /links", Status: 500, Body: []byte(`{"error":{}}`)}, 200)
	r.record(outcome{Route: "POST /admin/polls", Status: 0, Err: errors.New("connection refused")}, 201)
	stats := r.stats(2 * time.Second)
	if len(stats) != 2 || stats[0].Route != "GET /links" || stats[1].Route != "POST /admin/polls" {
		t.Fatalf("stats routes = %+v; want GET /links then POST /admin/polls", stats)
	}
	if s := stats[0]; s.Requests != 11 || s.PerSecond != 5.5 || s.Statuses[200] != 10 || s.Statuses[500] != 1 || s.P50 != 5*time.Millisecond {
		t.Errorf("GET /links stats = %+v; want 11 requests, 5.5/s, 10×200, 1×500, p50 5ms", s)
	}
	if r.breaches[breach5xx] != 1 || r.breaches[breachTransport] != 1 {
		t.Errorf("breaches = %v; want one 5xx and one transport error", r.breaches)
	}
	var b strings.Builder
	if err := writeTable(&b, stats); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"200:10 500:1", "err:1", "all routes"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

func TestRouteOrder(t *testing.T) {
	want := []string{"GET /articles", "GET /articles/{slug}", "POST /articles/{slug}/views", "GET /polls/{id}", "POST /admin/articles"}
	for i := 1; i < len(want); i++ {
		if routeOrder(want[i-1]) >= routeOrder(want[i]) {
			t.Errorf("%q sorts after %q; want public routes by path, then /admin", want[i-1], want[i])
		}
	}
}

func TestCheckViewCounts(t *testing.T) {
	tests := []struct {
		name            string
		counted, shards map[string]int64
		pass            bool
	}{
		{"exact", map[string]int64{"a": 3, "b": 1}, map[string]int64{"a": 3, "b": 1, "c": 0}, true},
		{"over-count", map[string]int64{"a": 3}, map[string]int64{"a": 4}, false},
		{"under-count", map[string]int64{"a": 3}, map[string]int64{"a": 2}, false},
		{"views on an article never beaconed", map[string]int64{}, map[string]int64{"a": 1}, false},
		{"counted answers for an article not read", map[string]int64{"x": 1}, map[string]int64{"a": 0}, false},
		{"offsetting errors are still errors", map[string]int64{"a": 1, "b": 1}, map[string]int64{"a": 2, "b": 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkViewCounts(tt.counted, tt.shards); got.Pass != tt.pass {
				t.Errorf("checkViewCounts(%v, %v).Pass = %v; want %v (%s)", tt.counted, tt.shards, got.Pass, tt.pass, got.Detail)
			}
		})
	}
}

func TestCheckTally(t *testing.T) {
	res := func(voters int64, votes ...int64) results {
		r := results{TotalVoters: voters, TotalVotes: voters}
		for i, v := range votes {
			r.Options = append(r.Options, struct {
				ID    string `json:"id"`
				Votes int64  `json:"votes"`
			}{pollOptions[i], v})
		}
		return r
	}
	want := map[string]int64{"o1": 2, "o2": 1}
	tests := []struct {
		name string
		got  results
		pass bool
	}{
		{"exact", res(3, 2, 1, 0, 0), true},
		{"one vote too many", res(4, 2, 2, 0, 0), false},
		{"one vote lost", res(2, 1, 1, 0, 0), false},
		{"right total, wrong option", res(3, 1, 2, 0, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkTally(want, tt.got); got.Pass != tt.pass {
				t.Errorf("checkTally(%v, %+v).Pass = %v; want %v (%s)", want, tt.got, got.Pass, tt.pass, got.Detail)
			}
		})
	}
}

func TestCheckDrafts(t *testing.T) {
	probes := []probe{{"ban-nhap-1", 404}, {"ban-nhap-2", 404}}
	if c := checkDrafts(0, nil, probes, 1); !c.Pass {
		t.Errorf("all drafts 404, no leak: %s", c.Detail)
	}
	if c := checkDrafts(1, []string{"GET /articles: …"}, probes, 1); c.Pass {
		t.Errorf("a leaked draft passes: %s", c.Detail)
	}
	if c := checkDrafts(0, nil, append(probes, probe{"ban-nhap-3", 200}), 1); c.Pass || !strings.Contains(c.Detail, "ban-nhap-3") {
		t.Errorf("a draft answering 200 must fail and be named: %v %s", c.Pass, c.Detail)
	}
}

func TestScanFindsTheMark(t *testing.T) {
	r := &run{mark: "zq0011aabb", st: &state{}}
	r.scan("/articles", []byte(`{"items":[{"slug":"tin-da-duyet-so-2"}]}`))
	if r.st.leakCount != 0 {
		t.Fatalf("published text counted as a leak: %v", r.st.leaks)
	}
	r.scan("/articles", []byte(`{"items":[{"slug":"ban-nhap-zq0011aabb-so-1"}]}`))
	if r.st.leakCount != 1 || !strings.Contains(r.st.leaks[0], "ban-nhap-zq0011aabb-so-1") {
		t.Errorf("leak count %d, leaks %q; want the draft's slug reported", r.st.leakCount, r.st.leaks)
	}
}

// The beacons and votes must come from browsers: a User-Agent the crawler
// list matches is never counted, and the view check would fail for a reason
// that is not the API's.
func TestUserAgentsAreBrowsers(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range []int64{0, 1, 9999, 10000, 123456, 9_999_999} {
		ua := userAgent(n)
		if crawler.Is(ua) {
			t.Errorf("userAgent(%d) = %q is a crawler's", n, ua)
		}
		if seen[ua] {
			t.Errorf("userAgent(%d) = %q repeats", n, ua)
		}
		seen[ua] = true
	}
}

// The server must see a request from the address of its source, so that a
// returning visitor is the same visitor.
func TestSourcesAreAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		io.WriteString(w, host)
	}))
	defer srv.Close()
	client, n := NewClient(2)
	if n != 1 && n != maxSources {
		t.Fatalf("NewClient sources = %d; want 1 or %d", n, maxSources)
	}
	for _, source := range []int{0, 1, 5, maxSources + 5} {
		req, _ := http.NewRequestWithContext(withSource(t.Context(), source), http.MethodGet, srv.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		host, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := "127.0.0.1"
		if n > 1 {
			want = fmt.Sprintf("127.0.1.%d", source%n+1)
		}
		if string(host) != want {
			t.Errorf("source %d reached the server from %s; want %s", source, host, want)
		}
	}
}
