package dynamo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"eportal/internal/portal"
)

// Paging the public lists back (ArticleQuery.Before, ArticlePage.PrevCursor).

// TestListPagesBackAndForth walks a category forward to its end and back to
// its first page: the pages back are the pages forward, and each page's
// NextCursor leads to the page after it.
func TestListPagesBackAndForth(t *testing.T) {
	h := mustHarness(t)
	var want []string // newest first
	for i := 1; i <= 7; i++ {
		a := article(fmt.Sprintf("v%d", i), time.Duration(i)*time.Hour, "khoa-x")
		h.mustCreate(t, a)
		want = append(want, a.ID)
	}
	draft := article("draft", 90*time.Minute, "khoa-x")
	draft.Status, draft.PublishAt = portal.StatusDraft, nil
	expired := article("expired", 4*time.Hour+30*time.Minute, "khoa-x") // between v4 and v5
	expired.ExpiresAt = at(-time.Minute)
	future := article("future", -time.Hour, "khoa-x")
	future.Status = portal.StatusScheduled
	h.mustCreate(t, draft, expired, future)

	for _, category := range []string{"", "khoa-x"} {
		for _, limit := range []int{1, 2, 3} {
			t.Run(fmt.Sprintf("category %q limit %d", category, limit), func(t *testing.T) {
				q := portal.ArticleQuery{Category: category, Limit: limit, Now: now}
				fwd := h.pagesOn(t, q, false)
				if got, wantPages := pageIDs(fwd), chunks(want, limit); !slices.EqualFunc(got, wantPages, slices.Equal) {
					t.Fatalf("pages forward = %v; want %v", got, wantPages)
				}
				for i, p := range fwd {
					if (i == 0) != (p.PrevCursor == "") {
						t.Errorf("page %d forward: PrevCursor %q; want one on every page but the first", i, p.PrevCursor)
					}
				}

				last := fwd[len(fwd)-1]
				q.Before = last.PrevCursor
				back := h.pagesOn(t, q, true)
				slices.Reverse(back)
				if got, wantPages := pageIDs(back), pageIDs(fwd[:len(fwd)-1]); !slices.EqualFunc(got, wantPages, slices.Equal) {
					t.Fatalf("pages back from the last = %v; want %v", got, wantPages)
				}
				for i, p := range back {
					if p.NextCursor == "" {
						t.Errorf("page %d back: no NextCursor", i)
						continue
					}
					q := portal.ArticleQuery{Category: category, Limit: limit, Now: now, Cursor: p.NextCursor}
					if got, want := ids(h.listPage(t, q)), ids(fwd[i+1]); !slices.Equal(got, want) {
						t.Errorf("page %d back, then on: %v; want page %d %v", i, got, i+1, want)
					}
				}
			})
		}
	}
}

// TestListBackNeverRepeatsOrSkips places two hidden entries (expired: the
// filter drops them after Limit counted them) at every pair of positions
// among five visible ones, and pages both ways from every page with every
// limit: each way meets every visible article once, in order, whatever
// the page boundaries.
func TestListBackNeverRepeatsOrSkips(t *testing.T) {
	h := mustHarness(t)
	const rows = 7
	type list struct {
		category string
		visible  []string // newest first
	}
	var lists []list
	for i := 0; i < rows; i++ {
		for j := i + 1; j < rows; j++ {
			l := list{category: fmt.Sprintf("p%d%d", i, j)}
			if err := h.store.PutCategory(context.Background(), portal.Category{ID: l.category, Slug: l.category, Name: l.category}); err != nil {
				t.Fatal(err)
			}
			for r := 0; r < rows; r++ {
				a := article(fmt.Sprintf("%s-%d", l.category, r), time.Duration(r+1)*time.Minute, l.category)
				if r == i || r == j {
					a.ExpiresAt = at(-time.Second)
				} else {
					l.visible = append(l.visible, a.ID)
				}
				if err := h.store.CreateArticle(context.Background(), a, "tester", now); err != nil {
					t.Fatalf("CreateArticle(%s): %v", a.ID, err)
				}
			}
			lists = append(lists, l)
		}
	}
	emptyTop := 0
	for _, l := range lists {
		for limit := 1; limit <= rows; limit++ {
			t.Run(fmt.Sprintf("%s limit %d", l.category, limit), func(t *testing.T) {
				emptyTop += h.checkBothWays(t, l.category, limit, l.visible)
			})
		}
	}
	t.Logf("%d walks back ended on an empty page above the first", emptyTop)
}

// checkBothWays pages list category forward from its start, back from every
// page, and forward again from every page met on the way back, and checks
// that each walk meets exactly the visible articles on its side of where it
// started. It returns how many walks back ended on an empty page.
func (h *harness) checkBothWays(t *testing.T, category string, limit int, visible []string) (emptyTop int) {
	t.Helper()
	q := portal.ArticleQuery{Category: category, Limit: limit, Now: now}
	fwd := h.pagesOn(t, q, false)
	if got := newestFirst(fwd, false); !slices.Equal(got, visible) {
		t.Fatalf("forward: %v; want %v", got, visible)
	}
	if fwd[0].PrevCursor != "" {
		t.Errorf("first page has PrevCursor %q", fwd[0].PrevCursor)
	}
	newer := 0 // visible articles on the pages before page k
	for k, p := range fwd {
		if k > 0 && len(p.Items) > 0 && p.PrevCursor == "" {
			t.Errorf("forward page %d %v has no PrevCursor", k, ids(p))
		}
		if p.PrevCursor != "" {
			q := q
			q.Before = p.PrevCursor
			back := h.pagesOn(t, q, true)
			if got := newestFirst(back, true); !slices.Equal(got, visible[:newer]) {
				t.Fatalf("back from forward page %d: %v; want %v", k, got, visible[:newer])
			}
			if top := back[len(back)-1]; len(top.Items) == 0 {
				emptyTop++
				if top.NextCursor != "" {
					t.Errorf("back from forward page %d: empty top page has NextCursor", k)
				}
			}
			// On again from every page of the way back: the articles after it.
			shown := newer // visible articles on this page and the pages newer than it
			for j, b := range back {
				if len(b.Items) > 0 && b.NextCursor == "" {
					t.Errorf("page %d back from forward page %d has no NextCursor", j, k)
				}
				if b.NextCursor != "" {
					q := q
					q.Before, q.Cursor = "", b.NextCursor
					if got := newestFirst(h.pagesOn(t, q, false), false); !slices.Equal(got, visible[shown:]) {
						t.Errorf("on from page %d back from forward page %d: %v; want %v", j, k, got, visible[shown:])
					}
				}
				shown -= len(b.Items)
			}
		}
		newer += len(p.Items)
	}
	return emptyTop
}

// TestListBackRefusesBadInput: cursors are bound to their list and their
// direction.
func TestListBackRefusesBadInput(t *testing.T) {
	h := mustHarness(t)
	for i := 0; i < 5; i++ {
		h.mustCreate(t, article(fmt.Sprintf("a%d", i), time.Duration(i+1)*time.Hour, "khoa-x"))
	}
	all := portal.ArticleQuery{Limit: 2, Now: now}
	first := h.listPage(t, all)
	all.Cursor = first.NextCursor
	second := h.listPage(t, all)
	if second.PrevCursor == "" || second.NextCursor == "" {
		t.Fatalf("second page: cursors %q, %q; want both", second.PrevCursor, second.NextCursor)
	}
	// The controls: each cursor alone is accepted, the way it was issued.
	back := h.listPage(t, portal.ArticleQuery{Limit: 2, Now: now, Before: second.PrevCursor})
	if got, want := ids(back), ids(first); !slices.Equal(got, want) {
		t.Fatalf("back from the second page = %v; want the first %v", got, want)
	}
	h.listPage(t, portal.ArticleQuery{Limit: 2, Now: now, Cursor: second.NextCursor})
	anchor := map[string]string{"PK": "ART#a1", "SK": "LIST#ALL", "GSI1PK": "LIST#ALL", "GSI1SK": formatListTime(1*time.Hour) + "#a1"}
	h.listPage(t, portal.ArticleQuery{Limit: 2, Now: now, Before: h.cursors.Encode("<LIST#ALL", anchor)})

	tests := []struct {
		name string
		q    portal.ArticleQuery
	}{
		{"cursor and before", portal.ArticleQuery{Limit: 2, Now: now, Cursor: second.NextCursor, Before: second.PrevCursor}},
		{"tampered before", portal.ArticleQuery{Limit: 2, Now: now, Before: second.PrevCursor[:len(second.PrevCursor)-3] + "abc"}},
		{"garbage before", portal.ArticleQuery{Limit: 2, Now: now, Before: "not a cursor"}},
		{"before of another list", portal.ArticleQuery{Limit: 2, Now: now, Category: "khoa-x", Before: second.PrevCursor}},
		{"before signed for another list", portal.ArticleQuery{Limit: 2, Now: now, Before: h.cursors.Encode("<LIST#CAT#khoa-x", anchor)}},
		{"next cursor as before", portal.ArticleQuery{Limit: 2, Now: now, Before: second.NextCursor}},
		{"prev cursor as cursor", portal.ArticleQuery{Limit: 2, Now: now, Cursor: second.PrevCursor}},
		{"before with limit 0", portal.ArticleQuery{Limit: 0, Now: now, Before: second.PrevCursor}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.store.ListArticles(context.Background(), tt.q)
			if code := portal.ErrorCode(err); code != portal.EINVALID {
				t.Errorf("error code = %q (%v); want %q", code, err, portal.EINVALID)
			}
		})
	}
}

// formatListTime is the publish time, in a list key, of article(…, ago).
func formatListTime(ago time.Duration) string { return now.Add(-ago).Format("2006-01-02T15:04:05Z") }

// listPage lists one page, which must take one Query and hold at most the limit.
func (h *harness) listPage(t *testing.T, q portal.ArticleQuery) portal.ArticlePage {
	t.Helper()
	h.calls.Reset()
	p, err := h.store.ListArticles(context.Background(), q)
	if err != nil {
		t.Fatalf("ListArticles(%+v): %v", q, err)
	}
	if c := h.calls.Counts(); c["Query"] != 1 || h.calls.Total() != 1 {
		t.Errorf("ListArticles(%+v) calls = %v; want exactly 1 Query", q, c)
	}
	if len(p.Items) > q.Limit {
		t.Errorf("ListArticles(%+v): %d items; limit %d", q, len(p.Items), q.Limit)
	}
	switch {
	case q.Cursor == "" && q.Before == "":
		if p.PrevCursor != "" {
			t.Errorf("ListArticles(%+v): the first page has PrevCursor %q", q, p.PrevCursor)
		}
	case len(p.Items) == 0:
		if (p.NextCursor == "") != (p.PrevCursor == "") {
			t.Errorf("ListArticles(%+v): an empty page with NextCursor %q, PrevCursor %q; want both or none", q, p.NextCursor, p.PrevCursor)
		}
	default:
		if p.NextCursor == "" && q.Before != "" || p.PrevCursor == "" && q.Cursor != "" {
			t.Errorf("ListArticles(%+v): NextCursor %q, PrevCursor %q; want one back the way it came", q, p.NextCursor, p.PrevCursor)
		}
	}
	return p
}

// pagesOn lists pages from q, following NextCursor (or PrevCursor, when
// newer) until there is none, and returns them in the order met.
func (h *harness) pagesOn(t *testing.T, q portal.ArticleQuery, newer bool) []portal.ArticlePage {
	t.Helper()
	var pages []portal.ArticlePage
	for {
		if len(pages) > 100 {
			t.Fatal("cursor walk does not end")
		}
		p := h.listPage(t, q)
		pages = append(pages, p)
		q.Cursor, q.Before = p.NextCursor, ""
		if newer {
			q.Cursor, q.Before = "", p.PrevCursor
		}
		if q.Cursor == "" && q.Before == "" {
			return pages
		}
	}
}

// newestFirst is the ids of pages met walking one way, newest first.
func newestFirst(pages []portal.ArticlePage, newer bool) []string {
	var out []string
	for i := range pages {
		p := pages[i]
		if newer {
			p = pages[len(pages)-1-i]
		}
		out = append(out, ids(p)...)
	}
	return out
}

func ids(p portal.ArticlePage) []string {
	out := []string{}
	for _, a := range p.Items {
		out = append(out, a.ID)
	}
	return out
}

func pageIDs(pages []portal.ArticlePage) [][]string {
	var out [][]string
	for _, p := range pages {
		out = append(out, ids(p))
	}
	return out
}

// chunks cuts ids into pages of limit.
func chunks(ids []string, limit int) [][]string {
	var out [][]string
	for len(ids) > 0 {
		n := min(limit, len(ids))
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	return out
}
