package loadgen

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"eportal/internal/portal"
)

// ViewShards reads an article's view counter shards; *dynamo.Store has it.
type ViewShards interface {
	ViewShards(ctx context.Context, articleID string, n int) ([]portal.ViewShard, error)
}

// Config sets a load run.
type Config struct {
	// BaseURL is the API's root, such as http://127.0.0.1:41234.
	BaseURL string
	// Client sends the requests (NewClient); Sources is how many source
	// addresses it has.
	Client  *http.Client
	Sources int
	// Duration is how long requests are sent. Requests in flight when it
	// ends are waited for, never cancelled: a cancelled beacon or vote may
	// have written what its caller never hears of.
	Duration time.Duration
	// Workers is how many readers, beacon senders and voters send at once
	// (half readers, three tenths beacon senders, the rest voters; at
	// least one each), besides the one editor-publisher.
	Workers int
	// Editor, Publisher and Admin are Authorization header values for the
	// /admin routes.
	Editor, Publisher, Admin string
	// Category is the id of an existing category to file articles under.
	Category string
	// Faults says that the store injects faults: 503 with Retry-After is
	// then an acceptable answer to any request.
	Faults bool
	// EndFaults, if not nil, is called when the load ends, before the final
	// checks, which then read what the store holds without faults.
	EndFaults func()
	// Views reads view shards for the check of the view counts.
	Views ViewShards
	// Seed seeds the run's random choices (0: a random seed).
	Seed uint64
}

// article is an article the run wrote or found.
type article struct {
	ID, Slug, Title string
}

// state is what the workers share: the articles readers may fetch, the
// drafts nobody may see, and the counts the checks compare with the store.
type state struct {
	mu        sync.Mutex
	published []article
	drafts    []article // created and never published (some in review)
	edited    []article // published, with an edit (Title) never published
	counted   map[string]int64
	votes     map[string]int64

	beacons, uncountedNew, repeats, repeatsCounted atomic.Int64
	repeatVotes, repeatVotesAccepted               atomic.Int64
	visitors                                       atomic.Int64
	leaks                                          []string
	leakCount                                      int
}

func (s *state) addPublished(a article) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.published = append(s.published, a)
}

func (s *state) pickPublished(rnd *mrand.Rand) article {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.published[rnd.IntN(len(s.published))]
}

func (s *state) pickDraft(rnd *mrand.Rand) (article, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.drafts) == 0 {
		return article{}, false
	}
	return s.drafts[rnd.IntN(len(s.drafts))], true
}

// run is one load run.
type run struct {
	cfg  Config
	rec  *recorder
	st   *state
	seed uint64
	// mark is in the title, slug, summary and body of every draft and every
	// unpublished edit, and in nothing else: a public response containing
	// it served content that was never published.
	mark   string
	pollID string
}

// Run drives the load of cfg at cfg.BaseURL, then checks the answers and
// the store (see the package comment). It returns an error only when the
// run could not start (the poll could not be created, no article is
// published); failed checks are in the Report. ctx ends the load early.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Workers < 3 {
		return nil, errors.New("load: at least 3 workers")
	}
	id := randomHex(4)
	r := &run{
		cfg: cfg, rec: newRecorder(cfg.Faults), seed: cfg.Seed,
		st:   &state{counted: map[string]int64{}, votes: map[string]int64{}},
		mark: "zq" + id, pollID: "tai-thu-" + id,
	}
	if r.seed == 0 {
		r.seed = mrand.Uint64()
	}
	if err := r.setup(); err != nil {
		return nil, err
	}

	readers := max(1, cfg.Workers/2)
	beacons := max(1, cfg.Workers*3/10)
	voters := max(1, cfg.Workers-readers-beacons)
	deadline := time.Now().Add(cfg.Duration)
	more := func() bool { return ctx.Err() == nil && time.Now().Before(deadline) }
	start := time.Now()
	var wg sync.WaitGroup
	n := 0
	spawn := func(count int, loop func(w *worker)) {
		for range count {
			w := &worker{n: n, rnd: mrand.New(mrand.NewPCG(r.seed, uint64(n)))}
			n++
			wg.Go(func() {
				for more() {
					loop(w)
				}
			})
		}
	}
	spawn(readers, r.read)
	spawn(beacons, r.beacon)
	spawn(voters, r.vote)
	spawn(1, func(w *worker) { r.edit(w, more) })
	wg.Wait()
	elapsed := time.Since(start)
	if cfg.EndFaults != nil {
		cfg.EndFaults()
	}

	rep := &Report{
		Elapsed: elapsed, Routes: r.rec.stats(elapsed), Seed: r.seed,
		Workers: fmt.Sprintf("%d readers, %d beacon senders, %d voters, 1 editor-publisher; %d source addresses", readers, beacons, voters, cfg.Sources),
	}
	rep.Checks = r.checks()
	return rep, nil
}

// worker is one sending goroutine's own state.
type worker struct {
	n    int // its number, and the source its requests go out from
	rnd  *mrand.Rand
	done int // rounds done (the editor numbers its articles with it)
}

// setup finds the published articles and creates the run's poll.
func (r *run) setup() error {
	a := r.call("", http.MethodGet, "/articles?limit=100", nil, nil, 0)
	var page struct {
		Items []article `json:"items"`
	}
	if a.status != http.StatusOK || json.Unmarshal(a.body, &page) != nil || len(page.Items) == 0 {
		return fmt.Errorf("load: no published article to read (GET /articles: %d %s)", a.status, a.body)
	}
	for _, it := range page.Items {
		r.st.addPublished(it)
	}
	poll := map[string]any{
		"id": r.pollID, "question": "Bạn đánh giá thế nào về đợt tải thử " + r.pollID + "?",
		"options": []map[string]string{
			{"id": "o1", "label": "Rất tốt"}, {"id": "o2", "label": "Tốt"},
			{"id": "o3", "label": "Bình thường"}, {"id": "o4", "label": "Chưa tốt"},
		},
		// Voters come from a few addresses only: the per-address cap must
		// not be what refuses them.
		"votesPerAddress": portal.MaxVotesPerAddress,
	}
	hdr := map[string]string{"Authorization": r.cfg.Admin}
	if a := r.retrying("POST /admin/polls", http.MethodPost, "/admin/polls", hdr, poll, http.StatusCreated); a.status != http.StatusCreated {
		return fmt.Errorf("load: create poll: %d %s", a.status, a.body)
	}
	return nil
}

// answer is what a request got back; status 0 means no answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// requestTimeout bounds one request: well past the API's budgets (6 s for
// writes, plus 2 s to release an idempotency key), so that it is the API
// that gives up, never the client.
const requestTimeout = 30 * time.Second

// call sends one request from source with headers hdr and body (JSON, or
// none when nil) and records it under route, expecting one of expect; an
// empty route records nothing (the final checks' requests). Every public
// answer is searched for unpublished text.
func (r *run) call(route, method, path string, hdr map[string]string, body any, source int, expect ...int) answer {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			panic(fmt.Sprintf("load: marshal %T: %v", body, err)) // the run's own values always marshal
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(withSource(context.Background(), source), requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, r.cfg.BaseURL+path, rd)
	if err != nil {
		panic(fmt.Sprintf("load: request %s %s: %v", method, path, err)) // the run's own paths are valid
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	start := time.Now()
	var a answer
	resp, err := r.cfg.Client.Do(req)
	if err == nil {
		a.body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		a.status, a.header = resp.StatusCode, resp.Header
	}
	o := outcome{Route: route, Path: path, Status: a.status, Body: a.body, Err: err, Latency: time.Since(start)}
	if err != nil {
		o.Status, a.status = 0, 0
	} else {
		o.RetryAfter = a.header.Get("Retry-After") != ""
	}
	if route != "" {
		r.rec.record(o, expect...)
	}
	if method == http.MethodGet && !strings.HasPrefix(path, "/admin") {
		r.scan(path, a.body)
	}
	return a
}

// scan records a public answer to path that contains unpublished text.
func (r *run) scan(path string, body []byte) {
	if !bytes.Contains(body, []byte(r.mark)) {
		return
	}
	r.st.mu.Lock()
	defer r.st.mu.Unlock()
	r.st.leakCount++
	if len(r.st.leaks) < examplesKept {
		i := bytes.Index(body, []byte(r.mark))
		from, to := max(0, i-80), min(len(body), i+80)
		r.st.leaks = append(r.st.leaks, fmt.Sprintf("GET %s: …%s…", path, body[from:to]))
	}
}

// maxTries bounds how often retrying sends one request.
const maxTries = 10

// retrying is call for the editor's requests, from source 0: a 503, or a
// 409 with Retry-After (an Idempotency-Key still held), is sent again after
// its Retry-After (at most a second, to keep the desk moving), up to
// maxTries times, as a careful client does. A retry
// may also be answered 409 (the key of a request that failed is held until
// its release, which may itself have failed).
func (r *run) retrying(route, method, path string, hdr map[string]string, body any, expect ...int) answer {
	for try := 1; ; try++ {
		want := expect
		if try > 1 {
			want = append([]int{http.StatusConflict}, expect...)
		}
		a := r.call(route, method, path, hdr, body, 0, want...)
		again := a.status == http.StatusServiceUnavailable ||
			a.status == http.StatusConflict && a.header.Get("Retry-After") != ""
		if !again || try == maxTries {
			return a
		}
		secs, _ := strconv.Atoi(a.header.Get("Retry-After"))
		time.Sleep(min(time.Duration(max(secs, 0))*time.Second, time.Second))
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
