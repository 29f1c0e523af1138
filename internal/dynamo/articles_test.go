package dynamo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"eportal/internal/portal"
)

func TestArticleBySlug(t *testing.T) {
	h := mustHarness(t)
	pub := article("pub", time.Hour, "khoa-xix")
	h.mustCreate(t, pub)
	h.calls.Reset()

	got, err := h.store.ArticleBySlug(context.Background(), pub.Slug, now)
	if err != nil {
		t.Fatalf("ArticleBySlug: %v", err)
	}
	if n := h.calls.Counts(); n["GetItem"] != 1 || h.calls.Total() != 1 {
		t.Errorf("calls = %v; want exactly 1 GetItem", n)
	}
	a := got.Article
	if a == nil || a.ID != "pub" || a.Title != pub.Title || a.Body != pub.Body || a.Author != pub.Author ||
		a.Source != pub.Source || a.Views != 7 || !a.PublishAt.Equal(*pub.PublishAt) || !slices.Equal(a.Categories, pub.Categories) {
		t.Errorf("ArticleBySlug = %+v; want the stored article %+v", a, pub)
	}
}

func TestInvisibleArticlesNeverReturned(t *testing.T) {
	h := mustHarness(t)
	visible := []*portal.Article{article("v1", 3*time.Hour, "c"), article("v2", 2*time.Hour, "c")}
	due := article("due", time.Minute, "c")
	due.Status = portal.StatusScheduled
	expiresLater := article("later", time.Hour, "c")
	expiresLater.ExpiresAt = at(time.Minute)
	visible = append(visible, due, expiresLater)

	draft := article("draft", time.Hour, "c")
	draft.Status, draft.PublishAt = portal.StatusDraft, nil
	review := article("review", time.Hour, "c")
	review.Status, review.PublishAt = portal.StatusInReview, nil
	future := article("future", -time.Hour, "c")
	future.Status = portal.StatusScheduled
	futurePub := article("futurepub", -time.Second, "c")
	expired := article("expired", 5*time.Hour, "c")
	expired.ExpiresAt = at(-time.Hour)
	expiresNow := article("expnow", 5*time.Hour, "c")
	expiresNow.ExpiresAt = at(0)
	hidden := []*portal.Article{draft, review, future, futurePub, expired, expiresNow}

	h.mustCreate(t, append(visible, hidden...)...)
	// An archived article whose published copy and list entry linger (the
	// write path removes them; the read path must not rely on it).
	for _, item := range []map[string]any{
		{"PK": "SLUG#bai-archived", "SK": "SLUG", "id": "archived", "slug": "bai-archived", "title": "Lưu trữ",
			"status": "archived", "publishAt": "2026-11-26T08:00:00Z"},
		{"PK": "ART#archived", "SK": "LIST#ALL", "GSI1PK": "LIST#ALL", "GSI1SK": "2026-11-26T08:00:00Z#archived",
			"id": "archived", "slug": "bai-archived", "status": "archived", "publishAt": "2026-11-26T08:00:00Z"},
		{"PK": "ART#archived", "SK": "LIST#CAT#c", "GSI1PK": "LIST#CAT#c", "GSI1SK": "2026-11-26T08:00:00Z#archived",
			"id": "archived", "slug": "bai-archived", "status": "archived", "publishAt": "2026-11-26T08:00:00Z"},
	} {
		h.mustPutRaw(t, item)
	}
	hiddenSlugs := []string{"bai-archived", "bai-does-not-exist"}
	for _, a := range hidden {
		hiddenSlugs = append(hiddenSlugs, a.Slug)
	}

	for _, s := range hiddenSlugs {
		_, err := h.store.ArticleBySlug(context.Background(), s, now)
		if code := portal.ErrorCode(err); code != portal.ENOTFOUND {
			t.Errorf("ArticleBySlug(%s) error code = %q (%v); want %q", s, code, err, portal.ENOTFOUND)
		}
	}
	for _, a := range visible {
		if _, err := h.store.ArticleBySlug(context.Background(), a.Slug, now); err != nil {
			t.Errorf("ArticleBySlug(%s) = %v; want it visible", a.Slug, err)
		}
	}
	want := []string{"due", "later", "v2", "v1"} // newest first
	for _, category := range []string{"", "c"} {
		for _, limit := range []int{1, 2, 3, 4, 5, 100} {
			if got := h.walk(t, category, limit); !slices.Equal(got, want) {
				t.Errorf("walk(category %q, limit %d) = %v; want %v", category, limit, got, want)
			}
		}
	}
}

func TestListOrderCategoryAndPages(t *testing.T) {
	h := mustHarness(t)
	const n = 45
	var want, wantX []string
	for i := 0; i < n; i++ {
		cats := []string{"khoa-x"}
		if i%3 == 0 {
			cats = append(cats, "khoa-xix")
		}
		a := article(fmt.Sprintf("a%03d", i), time.Duration(n-i)*time.Minute, cats...)
		h.mustCreate(t, a)
		want = append([]string{a.ID}, want...)
		if i%3 == 0 {
			wantX = append([]string{a.ID}, wantX...)
		}
	}
	// Two articles published at the same second: the id orders them.
	tie1, tie2 := article("tie-a", 0), article("tie-b", 0)
	h.mustCreate(t, tie1, tie2)
	want = append([]string{"tie-b", "tie-a"}, want...)

	for _, limit := range []int{1, 7, 20, 46, 47, 100} {
		if got := h.walk(t, "", limit); !slices.Equal(got, want) {
			t.Errorf("walk(all, limit %d) = %v; want %v", limit, got, want)
		}
		if got := h.walk(t, "khoa-xix", limit); !slices.Equal(got, wantX) {
			t.Errorf("walk(khoa-xix, limit %d) = %v; want %v", limit, got, wantX)
		}
	}
	if got := h.walk(t, "khong-co", 10); len(got) != 0 {
		t.Errorf("walk(unknown category) = %v; want none", got)
	}

	h.calls.Reset()
	page, err := h.store.ListArticles(context.Background(), portal.ArticleQuery{Limit: 20, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if c := h.calls.Counts(); c["Query"] != 1 || h.calls.Total() != 1 {
		t.Errorf("calls = %v; want exactly 1 Query", c)
	}
	if len(page.Items) != 20 || page.NextCursor == "" {
		t.Errorf("first page: %d items, cursor %q; want 20 and a cursor", len(page.Items), page.NextCursor)
	}
	last, err := h.store.ListArticles(context.Background(), portal.ArticleQuery{Limit: 100, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(last.Items) != n+2 || last.NextCursor != "" {
		t.Errorf("limit 100: %d items, cursor %q; want %d and no cursor", len(last.Items), last.NextCursor, n+2)
	}
}

func TestListRefusesBadInput(t *testing.T) {
	h := mustHarness(t)
	for i := 0; i < 5; i++ {
		h.mustCreate(t, article(fmt.Sprintf("a%d", i), time.Duration(i+1)*time.Hour, "khoa-x"))
	}
	first, err := h.store.ListArticles(context.Background(), portal.ArticleQuery{Limit: 2, Now: now})
	if err != nil || first.NextCursor == "" {
		t.Fatalf("first page: %v, cursor %q", err, first.NextCursor)
	}
	forged := h.cursors.Encode("LIST#CAT#khoa-x", map[string]string{"PK": "ART#zzz", "SK": "ART"})
	tests := []struct {
		name string
		q    portal.ArticleQuery
	}{
		{"limit 0", portal.ArticleQuery{Limit: 0, Now: now}},
		{"limit 101", portal.ArticleQuery{Limit: 101, Now: now}},
		{"tampered cursor", portal.ArticleQuery{Limit: 2, Now: now, Cursor: first.NextCursor[:len(first.NextCursor)-3] + "abc"}},
		{"cursor of another list", portal.ArticleQuery{Limit: 2, Now: now, Category: "khoa-x", Cursor: first.NextCursor}},
		{"garbage cursor", portal.ArticleQuery{Limit: 2, Now: now, Cursor: "not a cursor"}},
		// Signed, but for the category list while asking for all articles.
		{"signed for another scope", portal.ArticleQuery{Limit: 2, Now: now, Cursor: forged}},
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

func TestOldSlugRedirects(t *testing.T) {
	h := mustHarness(t)
	h.mustCreate(t, article("moved", time.Hour))
	h.mustPutRaw(t, map[string]any{"PK": "SLUG#ten-cu", "SK": "SLUG", "id": "moved", "slug": "ten-cu", "redirectTo": "bai-moved"})
	got, err := h.store.ArticleBySlug(context.Background(), "ten-cu", now)
	if err != nil || got.MovedTo != "bai-moved" || got.Article != nil {
		t.Errorf("ArticleBySlug(old) = %+v, %v; want MovedTo bai-moved", got, err)
	}
}

func TestCreateArticleConflicts(t *testing.T) {
	h := mustHarness(t)
	h.mustCreate(t, article("one", time.Hour))
	sameID := article("one", time.Hour)
	sameID.Slug = "khac"
	sameSlug := article("two", time.Hour)
	sameSlug.Slug = "bai-one"
	for _, c := range []struct {
		a    *portal.Article
		want string
	}{{sameID, portal.ECONFLICT}, {sameSlug, portal.ESLUGTAKEN}} {
		err := h.store.CreateArticle(context.Background(), c.a, "tester", now)
		if code := portal.ErrorCode(err); code != c.want {
			t.Errorf("CreateArticle(%s, %s) code = %q (%v); want %s", c.a.ID, c.a.Slug, code, err, c.want)
		}
	}
	// Nothing of the refused articles was written.
	if got := h.walk(t, "", 100); !slices.Equal(got, []string{"one"}) {
		t.Errorf("list after conflicts = %v; want [one]", got)
	}
	if _, err := h.store.ArticleBySlug(context.Background(), "khac", now); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("slug of the refused article answers: %v", err)
	}
}
