package dynamo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"eportal/internal/portal"
)

// TestDeskFilters: the desk by status, category and author, each page one
// Query; a page the filters shorten still leads on to every match once; a
// cursor is bound to its filters.
func TestDeskFilters(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	for _, c := range []string{"khoa-x", "khoa-ix", "khoa-xi"} {
		if err := h.store.PutCategory(ctx, portal.Category{ID: c, Slug: c, Name: c}); err != nil {
			t.Fatal(err)
		}
	}
	// Drafts in two categories (and one with none of the drafts), by two
	// authors.
	for _, d := range []struct {
		id, by string
		ago    time.Duration
		cat    string
	}{{"a1", "user-a", 6 * time.Hour, "khoa-x"}, {"b1", "user-b", 5 * time.Hour, "khoa-x"}, {"a2", "user-a", 4 * time.Hour, "khoa-ix"},
		{"b2", "user-b", 3 * time.Hour, "khoa-x"}, {"a3", "user-a", 2 * time.Hour, "khoa-x"}} {
		a := article(d.id, d.ago, d.cat)
		a.Status, a.PublishAt = portal.StatusDraft, nil
		a.Author = map[string]string{"user-a": "Nguyễn Văn An - Ban TGTU", "user-b": "Trần Thị Bình"}[d.by]
		if err := h.store.CreateArticle(ctx, a, d.by, now.Add(-d.ago)); err != nil {
			t.Fatal(err)
		}
	}
	h.mustCreate(t, article("a4", time.Hour, "khoa-x")) // published: another status, by "tester"
	walk := func(q portal.DeskQuery) []string {
		t.Helper()
		var ids []string
		for range 10 {
			h.calls.Reset()
			items, next, err := h.store.Desk(ctx, q)
			if err != nil {
				t.Fatalf("Desk(%+v): %v", q, err)
			}
			if n := h.calls.Total(); n != 1 {
				t.Errorf("Desk(%+v) made %d calls; want one Query", q, n)
			}
			for _, a := range items {
				ids = append(ids, a.ID)
			}
			if next == "" {
				return ids
			}
			q.Cursor = next
		}
		t.Fatalf("Desk(%+v) did not end in 10 pages", q)
		return nil
	}
	for _, c := range []struct {
		name string
		q    portal.DeskQuery
		want []string
	}{
		{"status", portal.DeskQuery{Status: portal.StatusDraft, Limit: 2}, []string{"a3", "b2", "a2", "b1", "a1"}},
		{"category", portal.DeskQuery{Status: portal.StatusDraft, Category: "khoa-x", Limit: 2}, []string{"a3", "b2", "b1", "a1"}},
		{"category, a page at a time", portal.DeskQuery{Status: portal.StatusDraft, Category: "khoa-ix", Limit: 1}, []string{"a2"}},
		{"category without drafts", portal.DeskQuery{Status: portal.StatusDraft, Category: "khoa-xi", Limit: 2}, nil},
		{"author", portal.DeskQuery{Status: portal.StatusDraft, Author: "Văn An", Limit: 2}, []string{"a3", "a2", "a1"}},
		{"author and category", portal.DeskQuery{Status: portal.StatusDraft, Author: "Ban TGTU", Category: "khoa-x", Limit: 1}, []string{"a3", "a1"}},
		{"author as written only", portal.DeskQuery{Status: portal.StatusDraft, Author: "van an", Limit: 2}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := walk(c.q); !slices.Equal(got, c.want) {
				t.Errorf("got %v; want %v", got, c.want)
			}
		})
	}
	// A cursor of khoa-x's drafts is refused for khoa-ix's and for all drafts.
	_, next, err := h.store.Desk(ctx, portal.DeskQuery{Status: portal.StatusDraft, Category: "khoa-x", Limit: 1})
	if err != nil || next == "" {
		t.Fatalf("first page: %q, %v", next, err)
	}
	for _, q := range []portal.DeskQuery{{Status: portal.StatusDraft, Category: "khoa-ix"}, {Status: portal.StatusDraft},
		{Status: portal.StatusDraft, Category: "khoa-x", Author: "Văn An"}} {
		q.Limit, q.Cursor = 1, next
		if _, _, err := h.store.Desk(ctx, q); portal.ErrorCode(err) != portal.EINVALID {
			t.Errorf("Desk(%+v) with another list's cursor: %v; want invalid", q, err)
		}
	}
}
