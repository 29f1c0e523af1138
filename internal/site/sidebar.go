package site

import (
	"context"
	"sort"
	"sync"
	"time"

	"eportal/internal/portal"
)

// Sidebar sizes.
const (
	mostReadSize = 5  // entries of "Đọc nhiều" in the sidebar
	listSize     = 8  // articles kept per category for the home page and "Các tin khác"
	relatedSize  = 6  // "Các tin khác" under an article
	childrenMax  = 10 // subcategories shown under a root before "Xem tất cả"
)

// sidebar is what every page shows beside its content.
type sidebar struct {
	Categories []*portal.CategoryNode
	Links      []portal.Link
	Poll       *portal.Poll // the newest open poll, or nil
	MostRead   []card
	ChildMax   int
}

// card is an article in a list: what a link to it shows.
type card struct {
	Title, Slug, Summary string
	Time                 timeView
	Cover                *portal.Image
	Views                int64
}

// timeView is a publish time as pages show it and as <time datetime> and
// feeds need it.
type timeView struct {
	Display string // "14:20 | 17/11/2020", Vietnam time
	ISO     string // RFC 3339 in +07:00
}

func cardOf(a *portal.Article) card {
	c := card{Title: a.Title, Slug: a.Slug, Summary: a.Summary, Cover: a.CoverImage, Views: a.Views}
	if a.PublishAt != nil {
		c.Time = timeOf(*a.PublishAt)
	}
	return c
}

func cardsOf(as []portal.Article) []card {
	out := make([]card, len(as))
	for i := range as {
		out[i] = cardOf(&as[i])
	}
	return out
}

// sidebar loads the sidebar's four parts from the instance cache: in
// parallel when one of them must be read from the store (a cold instance, an
// expired entry), in turn when all are fresh (a warm page, where goroutines
// would only cost). Each part is best effort: a part that cannot be loaded
// (and has no previous value) is left empty and logged, and the page still
// renders. It also returns the root categories for the menu.
func (h *Handler) sidebar(ctx context.Context) (*sidebar, []*portal.CategoryNode) {
	s := &sidebar{ChildMax: childrenMax}
	parts := [...]func(){
		func() { s.Categories = h.categoryTree(ctx) },
		func() {
			v, err := h.cache.get(ctx, "links", func(ctx context.Context) (any, error) { return h.store.Links(ctx) })
			if h.keep(ctx, "links", err) {
				s.Links = v.([]portal.Link)
			}
		},
		func() {
			v, err := h.cache.get(ctx, "poll", func(ctx context.Context) (any, error) {
				polls, _, err := h.store.ActivePolls(ctx, h.now(), 5, "")
				if err != nil {
					return nil, err
				}
				return pollBox{polls: polls}, nil
			})
			if h.keep(ctx, "poll", err) {
				s.Poll = v.(pollBox).open(h.now())
			}
		},
		func() {
			v, err := h.mostReadList(ctx, portal.PeriodWeek)
			if h.keep(ctx, "most read", err) {
				s.MostRead = v
				if len(s.MostRead) > mostReadSize {
					s.MostRead = s.MostRead[:mostReadSize]
				}
			}
		},
	}
	if h.cache.fresh("categories", "links", "poll", "popular:"+string(portal.PeriodWeek)) {
		for _, part := range parts {
			part()
		}
		return s, s.Categories
	}
	var wg sync.WaitGroup
	for _, part := range parts {
		wg.Go(part)
	}
	wg.Wait()
	return s, s.Categories
}

// pollBox holds the active polls (a nil slice is a valid cached value).
type pollBox struct{ polls []*portal.Poll }

// open returns the newest poll open at now: the list is cached, and a poll
// may have closed or opened since.
func (b pollBox) open(now time.Time) *portal.Poll {
	for _, p := range b.polls {
		if p.StateAt(now) == portal.PollOpen {
			return p
		}
	}
	return nil
}

func (h *Handler) keep(ctx context.Context, part string, err error) bool {
	if err != nil {
		h.log.WarnContext(ctx, "sidebar part left out", "part", part, "err", err)
		return false
	}
	return true
}

// categoryTree returns the category tree, children in position order.
func (h *Handler) categoryTree(ctx context.Context) []*portal.CategoryNode {
	cats, err := h.categories(ctx)
	if !h.keep(ctx, "categories", err) {
		return nil
	}
	return portal.Tree(cats)
}

// categories returns every category, ordered by position then name.
func (h *Handler) categories(ctx context.Context) ([]portal.Category, error) {
	v, err := h.cache.get(ctx, "categories", func(ctx context.Context) (any, error) {
		cats, err := h.store.Categories(ctx)
		if err != nil {
			return nil, err
		}
		sort.SliceStable(cats, func(i, j int) bool {
			if cats[i].Position != cats[j].Position {
				return cats[i].Position < cats[j].Position
			}
			return cats[i].Name < cats[j].Name
		})
		return cats, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]portal.Category), nil
}

// latest returns the newest listSize visible articles of a category (""
// for all), from the instance cache.
func (h *Handler) latest(ctx context.Context, category string) ([]portal.Article, error) {
	v, err := h.cache.get(ctx, "latest:"+category, func(ctx context.Context) (any, error) {
		page, err := h.store.ListArticles(ctx, portal.ArticleQuery{Category: category, Limit: listSize, Now: h.now()})
		if err != nil {
			return nil, err
		}
		return page.Items, nil
	})
	if err != nil {
		return nil, err
	}
	return visible(v.([]portal.Article), h.now()), nil
}

// visible drops what expired since a list was cached.
func visible(as []portal.Article, now time.Time) []portal.Article {
	out := make([]portal.Article, 0, len(as))
	for i := range as {
		if as[i].VisibleAt(now) {
			out = append(out, as[i])
		}
	}
	return out
}

// mostReadList returns the most read articles of a period, from the cache.
func (h *Handler) mostReadList(ctx context.Context, p portal.Period) ([]card, error) {
	v, err := h.cache.get(ctx, "popular:"+string(p), func(ctx context.Context) (any, error) {
		return h.store.Popular(ctx, p, 20, h.now())
	})
	if err != nil {
		return nil, err
	}
	return cardsOf(visible(v.([]portal.Article), h.now())), nil // as latest: drop what expired since
}
