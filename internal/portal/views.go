package portal

import "time"

// ViewTarget is what counting a view needs to know of an article, read from
// its published copy: the summary (visibility, and what most-read lists
// show), the count readers see, and the state of the last roll-up.
type ViewTarget struct {
	Article  Article   // without body; Views is the count the article GET shows
	Base     int64     // views counted before view counting began (imported); the total is Base plus the shards
	RolledAt time.Time // when Article.Views was last refreshed from the shards; zero if never
}

// VisibleAt applies the visibility rule to the target at now.
func (t *ViewTarget) VisibleAt(now time.Time) bool { return t.Article.VisibleAt(now) }

// ViewShard is one counter shard of an article: its share of the lifetime
// count, and of each recent Vietnam day (keyed by Day.Compact()).
type ViewShard struct {
	Total int64
	Days  map[string]int64
}

// ViewCounts is an article's count summed over its shards.
type ViewCounts struct {
	Total int64            // lifetime views counted by the shards (without Base)
	Days  map[string]int64 // per Vietnam day (Day.Compact()), for the days the shards keep
}

// Sum adds shards up.
func Sum(shards []ViewShard) ViewCounts {
	c := ViewCounts{Days: map[string]int64{}}
	for _, s := range shards {
		c.Total += s.Total
		for d, n := range s.Days {
			c.Days[d] += n
		}
	}
	return c
}

// In returns the views counted in window w.
func (c ViewCounts) In(w Window) int64 {
	var n int64
	for _, d := range w.Days {
		n += c.Days[d.Compact()]
	}
	return n
}

// KeptDays is how many days of per-day counts a counter keeps: enough for the
// longest period (a month).
const KeptDays = 31

// MaxViewShards is the most counter shards an article's views may be spread
// over (the ceiling of the views function's VIEW_SHARDS): deleting an article
// removes that many.
const MaxViewShards = 100
