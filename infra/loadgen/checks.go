package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"eportal/internal/portal"
)

// Check is the verdict on one property of a run.
type Check struct {
	Name   string
	Pass   bool
	Detail string // the figures behind the verdict, and examples of failures
}

// Report is what a run measured and found.
type Report struct {
	Elapsed time.Duration // the load, from the first request to the last answer
	Workers string        // who sent the load
	Seed    uint64
	Routes  []RouteStats
	Checks  []Check
}

// OK reports whether every check passed.
func (r *Report) OK() bool {
	for _, c := range r.Checks {
		if !c.Pass {
			return false
		}
	}
	return true
}

// Write prints the report: the routes' table, then a PASS or FAIL line per
// check.
func (r *Report) Write(w io.Writer) error {
	fmt.Fprintf(w, "load: %s over %.1f s (seed %d)\n\n", r.Workers, r.Elapsed.Seconds(), r.Seed)
	if err := writeTable(w, r.Routes); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, c := range r.Checks {
		verdict := "PASS"
		if !c.Pass {
			verdict = "FAIL"
		}
		if _, err := fmt.Fprintf(w, "%s  %s: %s\n", verdict, c.Name, strings.ReplaceAll(c.Detail, "\n", "\n        ")); err != nil {
			return err
		}
	}
	return nil
}

// checks runs the final checks, once the load has ended.
func (r *run) checks() []Check {
	r.rec.mu.Lock()
	breaches, examples := maps.Clone(r.rec.breaches), maps.Clone(r.rec.examples)
	r.rec.mu.Unlock()
	st := r.st
	return []Check{
		checkServerErrors(breaches, examples, r.cfg.Faults),
		checkAnswers(breaches, examples),
		checkDrafts(st.leakCount, st.leaks, r.probeDrafts(), len(st.edited)),
		r.checkPoll(),
		checkRepeatVotes(st.repeatVotes.Load(), st.repeatVotesAccepted.Load()),
		r.checkViews(),
		checkVisitors(st.beacons.Load(), st.uncountedNew.Load(), st.repeats.Load(), st.repeatsCounted.Load()),
	}
}

func checkServerErrors(breaches map[string]int, examples map[string][]string, faults bool) Check {
	if !faults {
		c := Check{Name: "no 5xx without injected faults", Pass: breaches[breach5xx] == 0}
		c.Detail = fmt.Sprintf("%d answers 5xx", breaches[breach5xx]) + exampleLines(examples, breach5xx)
		return c
	}
	bad := breaches[breachNot503] + breaches[breachRetryAfter]
	return Check{
		Name: "5xx only as 503 with Retry-After", Pass: bad == 0,
		Detail: fmt.Sprintf("%d other 5xx, %d 503 without Retry-After", breaches[breachNot503], breaches[breachRetryAfter]) +
			exampleLines(examples, breachNot503, breachRetryAfter),
	}
}

func checkAnswers(breaches map[string]int, examples map[string][]string) Check {
	bad := breaches[breachUnexpected] + breaches[breachTransport]
	return Check{
		Name: "every other answer as expected", Pass: bad == 0,
		Detail: fmt.Sprintf("%d unexpected statuses, %d requests unanswered", breaches[breachUnexpected], breaches[breachTransport]) +
			exampleLines(examples, breachUnexpected, breachTransport),
	}
}

func exampleLines(examples map[string][]string, kinds ...string) string {
	var b strings.Builder
	for _, k := range kinds {
		for _, e := range examples[k] {
			b.WriteString("\n" + k + ": " + e)
		}
	}
	return b.String()
}

// probe is a draft's slug and what a reader got for it after the load.
type probe struct {
	Slug   string
	Status int
}

// probeDrafts requests every draft's slug once more, after the load.
func (r *run) probeDrafts() []probe {
	out := make([]probe, len(r.st.drafts))
	for i, d := range r.st.drafts {
		a := r.call("", http.MethodGet, "/articles/"+d.Slug, nil, nil, 0)
		out[i] = probe{d.Slug, a.status}
	}
	return out
}

func checkDrafts(leakCount int, leaks []string, probes []probe, edited int) Check {
	var served []string
	for _, p := range probes {
		if p.Status != http.StatusNotFound {
			served = append(served, fmt.Sprintf("GET /articles/%s after the load → %d", p.Slug, p.Status))
		}
	}
	c := Check{Name: "no draft or unpublished edit served", Pass: leakCount == 0 && len(served) == 0}
	c.Detail = fmt.Sprintf("%d public answers carried unpublished text; %d of %d drafts answer 404 after the load; %d published articles have an unpublished edit",
		leakCount, len(probes)-len(served), len(probes), edited)
	for _, l := range append(leaks, served[:min(len(served), examplesKept)]...) {
		c.Detail += "\n" + l
	}
	return c
}

// checkPoll compares the run's poll as readers get it with the votes
// answered 200.
func (r *run) checkPoll() Check {
	a := r.call("", http.MethodGet, "/polls/"+r.pollID, nil, nil, 0)
	var out struct {
		Results *results `json:"results"`
	}
	if a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil || out.Results == nil {
		return Check{Name: "poll tally = votes answered 200", Detail: fmt.Sprintf("GET /polls/%s: %d %s", r.pollID, a.status, a.body)}
	}
	return checkTally(r.st.votes, *out.Results)
}

// results are a poll's results as GET /polls/{id} shows them.
type results struct {
	TotalVoters int64 `json:"totalVoters"`
	TotalVotes  int64 `json:"totalVotes"`
	Options     []struct {
		ID    string `json:"id"`
		Votes int64  `json:"votes"`
	} `json:"options"`
}

func checkTally(want map[string]int64, got results) Check {
	var sum int64
	for _, n := range want {
		sum += n
	}
	c := Check{Name: "poll tally = votes answered 200", Pass: got.TotalVoters == sum && got.TotalVotes == sum}
	var parts []string
	for _, o := range got.Options {
		if o.Votes != want[o.ID] {
			c.Pass = false
		}
		parts = append(parts, fmt.Sprintf("%s %d/%d", o.ID, o.Votes, want[o.ID]))
	}
	c.Detail = fmt.Sprintf("%d voters tallied, %d votes answered 200 (tallied/answered: %s)", got.TotalVoters, sum, strings.Join(parts, ", "))
	return c
}

func checkRepeatVotes(repeats, accepted int64) Check {
	return Check{
		Name: "repeat votes refused", Pass: accepted == 0,
		Detail: fmt.Sprintf("%d votes repeated with their voter token, %d accepted", repeats, accepted),
	}
}

// checkViews compares each article's view shards with the beacons answered
// {"counted": true}: none for a draft.
func (r *run) checkViews() Check {
	r.st.mu.Lock()
	articles := slices.Concat(r.st.published, r.st.drafts)
	r.st.mu.Unlock()
	got := map[string]int64{}
	for _, a := range articles {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		shards, err := r.cfg.Views.ViewShards(ctx, a.ID, portal.MaxViewShards)
		cancel()
		if err != nil {
			return Check{Name: "view shards = beacons counted", Detail: fmt.Sprintf("read the shards of %s: %v", a.ID, err)}
		}
		got[a.ID] = portal.Sum(shards).Total
	}
	return checkViewCounts(r.st.counted, got)
}

func checkViewCounts(counted, shards map[string]int64) Check {
	var want, sum int64
	var wrong []string
	ids := slices.Sorted(maps.Keys(shards))
	for id := range counted {
		if _, ok := shards[id]; !ok {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		want += counted[id]
		sum += shards[id]
		if counted[id] != shards[id] {
			wrong = append(wrong, fmt.Sprintf("article %s: shards %d, counted answers %d", id, shards[id], counted[id]))
		}
	}
	c := Check{Name: "view shards = beacons counted", Pass: len(wrong) == 0,
		Detail: fmt.Sprintf("%d articles: shards sum to %d, %d beacons answered counted; %d articles differ", len(ids), sum, want, len(wrong))}
	for _, w := range wrong[:min(len(wrong), examplesKept)] {
		c.Detail += "\n" + w
	}
	return c
}

func checkVisitors(beacons, uncountedNew, repeats, repeatsCounted int64) Check {
	return Check{
		Name: "each new visitor counted, no repeat counted", Pass: uncountedNew == 0 && repeatsCounted == 0,
		Detail: fmt.Sprintf("%d new visitors, %d answered 200 but not counted; %d repeat visits, %d counted", beacons, uncountedNew, repeats, repeatsCounted),
	}
}
