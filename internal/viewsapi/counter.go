package viewsapi

import (
	"context"
	"crypto/rand"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/crawler"
	"eportal/internal/metrics"
	"eportal/internal/portal"
	"eportal/internal/visitor"
)

// Store is what counting views needs from storage, in the domain's types.
// Package dynamo implements it (the wiring checks that at compile time);
// docs/data-model.md describes the items behind each method.
type Store interface {
	ViewTarget(ctx context.Context, slug string) (*portal.ViewTarget, error)
	ViewKey(ctx context.Context, day portal.Day, newKey func() []byte) ([]byte, error)
	MarkVisit(ctx context.Context, articleID, visitor string, now, until time.Time) (bool, time.Time, error)
	UnmarkVisit(ctx context.Context, articleID, visitor string, until time.Time) error
	AddView(ctx context.Context, articleID string, shard int, now time.Time) (int64, error)
	ViewShards(ctx context.Context, articleID string, n int) ([]portal.ViewShard, error)
	RollUp(ctx context.Context, t *portal.ViewTarget, counts portal.ViewCounts, now time.Time, minAge time.Duration) (bool, error)
}

// Config sets how views are counted. The zero value of a field means its
// default.
type Config struct {
	// Window: one visitor counts at most once per article per Window
	// (default 30 minutes).
	Window time.Duration
	// Shards: counter items an article's views are spread over, each in its
	// own partition (default 8; each takes up to ~1,000 writes/s on AWS).
	// Changing it keeps counts right only when it grows: shards beyond a
	// smaller N would no longer be read.
	Shards int
	// RollUpEvery: the published copy's views (what the article GET shows)
	// and the most-read entries are refreshed at most this often per
	// article (default 1 minute).
	RollUpEvery time.Duration
	// TargetTTL: how long a function instance trusts its copy of an
	// article's published state (default 5 seconds). Visibility by time
	// (publishAt, expiresAt) is decided on every request; an unpublish
	// takes effect within TargetTTL.
	TargetTTL time.Duration
	// CountTTL: how long an instance trusts its sum of an article's shards
	// between refreshes (default 1 second), plus its own counted views.
	CountTTL time.Duration
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Window, 30*time.Minute)
	def(&c.RollUpEvery, time.Minute)
	def(&c.TargetTTL, 5*time.Second)
	def(&c.CountTTL, time.Second)
	if c.Shards <= 0 {
		c.Shards = 8
	}
	return c
}

// unmarkBudget bounds taking a visit marker back after a view could not be
// counted, past the request's own deadline.
const unmarkBudget = 2 * time.Second

// Result is the outcome of one beacon.
type Result struct {
	Views   int64 // the article's count, this view included if counted
	Counted bool
}

// counter counts views with the store, holding what a warm function can
// reuse: the day's key, recent published states, shard sums, and the
// windows of visitors seen recently (so a client hammering one instance
// costs no write at all after its first).
type counter struct {
	budget apigw.Budget
	store  Store
	cfg    Config
	now    func() time.Time
	log    *slog.Logger
	shard  func(n int) int
	// edgeSecret, when set, lets the edge's X-Viewer-Address name the visitor.
	edgeSecret string

	keyMu  sync.Mutex
	keyDay portal.Day
	key    []byte

	targets *memo[targetEntry]
	counts  *memo[countEntry]
	visits  *memo[time.Time] // visitor window ends, by article id + visitor
	rollups *memo[time.Time] // last roll-up attempt by this instance, by article id
}

type targetEntry struct {
	t       *portal.ViewTarget // nil: not published at this slug
	fetched time.Time
}

type countEntry struct {
	shards  []portal.ViewShard
	fetched time.Time
}

// errNotFound is what a beacon for anything but a visible article gets.
var errNotFound = portal.Errorf(portal.ENOTFOUND, "Article not found.")

func (c *counter) count(ctx context.Context, slug, ip, userAgent string) (Result, error) {
	now := c.now()
	t, err := c.target(ctx, slug, now)
	if err != nil {
		return Result{}, err
	}
	if t == nil || !t.VisibleAt(now) {
		return Result{}, errNotFound
	}
	id := t.Article.ID
	if crawler.Is(userAgent) {
		views, err := c.views(ctx, t, now, -1, 0)
		return Result{Views: views}, err
	}
	key, err := c.dayKey(ctx, now)
	if err != nil {
		return Result{}, err
	}
	who := id + "#" + visitor.Hash(key, id, ip, userAgent)
	if until, ok := c.visits.get(who); ok && now.Before(until) {
		views, err := c.views(ctx, t, now, -1, 0)
		return Result{Views: views}, err
	}
	until := now.Add(c.cfg.Window)
	isNew, ends, err := c.store.MarkVisit(ctx, id, who[len(id)+1:], now, until)
	if err != nil {
		return Result{}, err
	}
	// Either way the visitor's window is known now: later beacons of theirs
	// to this instance cost no write.
	c.visits.put(who, ends)
	if !isNew {
		views, err := c.views(ctx, t, now, -1, 0)
		return Result{Views: views}, err
	}
	shard := c.shard(c.cfg.Shards)
	shardTotal, err := c.store.AddView(ctx, id, shard, now)
	if err != nil {
		// Counted nowhere: take the marker back so that a retry counts. If
		// this fails too, the view is lost (docs/performance.md).
		c.visits.remove(who)
		// The request's budget may be spent (that may be why AddView
		// failed): the take-back gets a short one of its own.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unmarkBudget)
		defer cancel()
		if uerr := c.store.UnmarkVisit(uctx, id, who[len(id)+1:], until); uerr != nil {
			c.log.WarnContext(ctx, "view marked but not counted", "article", id, "err", uerr)
		}
		return Result{}, err
	}
	metrics.Add(ctx, metrics.ViewsCounted, 1)
	views, err := c.views(ctx, t, now, shard, shardTotal)
	if err != nil {
		// The view is counted; only the figure to show is missing.
		c.log.WarnContext(ctx, "read view count", "article", id, "err", err)
		views = t.Article.Views
	}
	return Result{Views: views, Counted: true}, nil
}

// target returns the published state at slug, from the instance's copy when
// it is younger than TargetTTL; nil when nothing is published there.
func (c *counter) target(ctx context.Context, slug string, now time.Time) (*portal.ViewTarget, error) {
	if e, ok := c.targets.get(slug); ok && fresh(e.fetched, now, c.cfg.TargetTTL) {
		return e.t, nil
	}
	t, err := c.store.ViewTarget(ctx, slug)
	if portal.ErrorCode(err) == portal.ENOTFOUND {
		// Remembered too: a flood of beacons for a made-up slug costs one
		// read per instance per TargetTTL.
		c.targets.put(slug, targetEntry{nil, now})
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c.targets.put(slug, targetEntry{t, now})
	return t, nil
}

func fresh(fetched, now time.Time, ttl time.Duration) bool {
	return !now.Before(fetched) && now.Sub(fetched) < ttl
}

// dayKey returns the visitor-hash key of now's Vietnam day.
func (c *counter) dayKey(ctx context.Context, now time.Time) ([]byte, error) {
	day := portal.DayOf(now)
	c.keyMu.Lock()
	defer c.keyMu.Unlock()
	if c.key != nil && c.keyDay == day {
		return c.key, nil
	}
	key, err := c.store.ViewKey(ctx, day, newKey)
	if err != nil {
		return nil, err
	}
	c.keyDay, c.key = day, key
	return key, nil
}

func newKey() []byte {
	b := make([]byte, visitor.KeySize)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	return b
}

// views returns the article's count: Base plus the sum of its shards as
// this instance last read them (at most CountTTL ago), with shard's new
// total when this request just counted a view there (shard < 0: none). It
// rolls the count up when one is due.
func (c *counter) views(ctx context.Context, t *portal.ViewTarget, now time.Time, shard int, shardTotal int64) (int64, error) {
	id := t.Article.ID
	e, ok := c.counts.get(id)
	if !ok || !fresh(e.fetched, now, c.cfg.CountTTL) || len(e.shards) != c.cfg.Shards {
		shards, err := c.store.ViewShards(ctx, id, c.cfg.Shards)
		if err != nil {
			return 0, err
		}
		e = countEntry{shards, now}
	}
	if shard >= 0 {
		shards := append([]portal.ViewShard(nil), e.shards...)
		shards[shard].Total = max(shards[shard].Total, shardTotal)
		e.shards = shards
	}
	c.counts.put(id, e)
	var sum int64
	for _, s := range e.shards {
		sum += s.Total
	}
	views := max(t.Base+sum, t.Article.Views)
	if views != t.Article.Views || shard >= 0 {
		c.rollUp(ctx, t, now)
	}
	return views, nil
}

// rollUp refreshes the published copy's count and the most-read entries if
// the last roll-up is RollUpEvery old and this instance has not tried within
// RollUpEvery. A failure is logged, not returned: the view itself is counted.
func (c *counter) rollUp(ctx context.Context, t *portal.ViewTarget, now time.Time) {
	id := t.Article.ID
	if !t.RolledAt.IsZero() && fresh(t.RolledAt, now, c.cfg.RollUpEvery) {
		return
	}
	if last, ok := c.rollups.get(id); ok && fresh(last, now, c.cfg.RollUpEvery) {
		return
	}
	c.rollups.put(id, now)
	shards, err := c.store.ViewShards(ctx, id, c.cfg.Shards)
	if err != nil {
		c.rollUpFailed(ctx, id, err)
		return
	}
	counts := portal.Sum(shards)
	done, err := c.store.RollUp(ctx, t, counts, now, c.cfg.RollUpEvery)
	if err != nil {
		c.rollUpFailed(ctx, id, err)
		return
	}
	if done {
		// The instance's copy follows, so the next beacons see it done.
		rolled := *t
		rolled.Article.Views, rolled.RolledAt = t.Base+counts.Total, now
		if e, ok := c.targets.get(t.Article.Slug); ok && e.t != nil && e.t.Article.ID == id {
			c.targets.put(t.Article.Slug, targetEntry{&rolled, e.fetched})
		}
	}
}

// rollUpFailed logs and counts a failed roll-up (metrics.RollUpFailures,
// alarmed on: one that always fails, a permission error say, would freeze
// the count readers see while every view still counts).
func (c *counter) rollUpFailed(ctx context.Context, id string, err error) {
	metrics.Add(ctx, metrics.RollUpFailures, 1)
	c.log.WarnContext(ctx, "roll up views", "article", id, "err", err)
}

// memo is a small concurrent map that forgets everything when full, which
// bounds an instance's memory whatever a client sends.
type memo[V any] struct {
	mu   sync.Mutex
	max  int
	data map[string]V
}

func newMemo[V any](max int) *memo[V] { return &memo[V]{max: max, data: map[string]V{}} }

func (m *memo[V]) get(k string) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.data[k]
	return v, ok
}

func (m *memo[V]) put(k string, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.data[k]; !ok && len(m.data) >= m.max {
		m.data = make(map[string]V, m.max)
	}
	m.data[k] = v
}

func (m *memo[V]) remove(k string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.data, k)
}

func randomShard(n int) int { return mrand.IntN(n) }
