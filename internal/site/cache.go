package site

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// SidebarTTL is how long an instance keeps what every page shows beside its
// content (categories, links, the open poll, most read) and the short lists
// of a page (the home page's sections, an article's "Các tin khác"). A
// change by an editor reaches readers within this time, plus the CDN's.
const SidebarTTL = 60 * time.Second

// retryAfterError is how soon a key whose load failed is tried again (its
// previous value served meanwhile).
const retryAfterError = 5 * time.Second

// cache keeps values for ttl in the instance. One caller loads a missing or
// expired key while the others wait for it (a cold instance under load makes
// one query, not one per request). A failed load keeps serving the previous
// value, if any, for a few more seconds: a reader sees a minute-old sidebar
// rather than an error page when DynamoDB is throttling.
type cache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]*entry

	// epoch counts successful loads: a page rendered from the cache's values
	// read at epoch e is still right while the epoch is e (see memo).
	epoch atomic.Uint64
}

type entry struct {
	value   any
	expires time.Time
	loading chan struct{} // closed when a load in progress ends
}

func newCache(ttl time.Duration, now func() time.Time) *cache {
	return &cache{ttl: ttl, now: now, entries: map[string]*entry{}}
}

// fresh reports whether every key holds a value that has not expired: get
// would answer each from memory.
func (c *cache) fresh(keys ...string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for _, k := range keys {
		if e := c.entries[k]; e == nil || e.value == nil || !now.Before(e.expires) {
			return false
		}
	}
	return true
}

// get returns key's value, calling load when it is missing or expired.
func (c *cache) get(ctx context.Context, key string, load func(context.Context) (any, error)) (any, error) {
	for {
		c.mu.Lock()
		e := c.entries[key]
		if e != nil && e.value != nil && c.now().Before(e.expires) {
			c.mu.Unlock()
			return e.value, nil
		}
		if e != nil && e.loading != nil {
			wait := e.loading
			stale := e.value
			c.mu.Unlock()
			if stale != nil {
				return stale, nil // someone is refreshing it: serve the old one
			}
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		if e == nil {
			e = &entry{}
			c.entries[key] = e
		}
		e.loading = make(chan struct{})
		c.mu.Unlock()

		v, err := load(ctx)

		c.mu.Lock()
		close(e.loading)
		e.loading = nil
		switch {
		case err == nil:
			e.value, e.expires = v, c.now().Add(c.ttl)
			c.epoch.Add(1)
		case e.value != nil:
			v, err = e.value, nil
			e.expires = c.now().Add(min(retryAfterError, c.ttl))
		}
		c.mu.Unlock()
		return v, err
	}
}

// memo keeps rendered pages that depend only on cached values and on what
// their key names, so that a warm page is rendered once per cache epoch, not
// once per request: a page costs a template execution (about half a
// millisecond of CPU), the JSON API's answer a fraction of that. Bounded:
// when full it starts again empty.
type memo struct {
	mu    sync.Mutex
	pages map[string]memoPage
}

type memoPage struct {
	body, etag string
}

const memoSize = 512

// shown names what of a page changes with the clock alone, for its memo
// key: the articles of its lists (the cached lists drop an article at its
// expiry, without a new epoch) and the sidebar's open poll.
func shown(side *sidebar, lists ...[]card) string {
	var b strings.Builder
	for _, l := range append(lists, side.MostRead) {
		for _, c := range l {
			b.WriteString(c.Slug)
			b.WriteByte(' ')
		}
		b.WriteByte('|')
	}
	if side.Poll != nil {
		b.WriteString(side.Poll.ID)
	}
	return b.String()
}

func (m *memo) get(key string) (memoPage, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.pages[key]
	return p, ok
}

func (m *memo) put(key string, p memoPage) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pages == nil || len(m.pages) >= memoSize {
		m.pages = make(map[string]memoPage, memoSize)
	}
	m.pages[key] = p
}
