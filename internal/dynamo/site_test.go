package dynamo_test

import (
	"context"
	"testing"
	"time"

	"eportal/internal/portal"
)

func TestCategoriesAndLinks(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	for _, c := range []portal.Category{
		{ID: "dang", Slug: "dang", Name: "Đảng", Position: 1},
		{ID: "khoa-x", Slug: "khoa-x", Name: "Khóa X", ParentID: "dang", Position: 2},
		{ID: "khoa-ix", Slug: "khoa-ix", Name: "Khóa IX", ParentID: "dang", Position: 1},
	} {
		if err := h.store.PutCategory(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []portal.Link{
		{ID: "b", Title: "Báo Quảng Nam", URL: "https://baoquangnam.vn", Position: 2},
		{ID: "a", Title: "Chính phủ", URL: "https://chinhphu.vn", Position: 1},
	} {
		if err := h.store.PutLink(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	h.calls.Reset()
	cats, err := h.store.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range cats {
		ids = append(ids, c.ID)
	}
	if got, want := ids, []string{"dang", "khoa-ix", "khoa-x"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("Categories = %v; want %v", got, want)
	}
	links, err := h.store.Links(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 2 || links[0].ID != "a" || links[1].ID != "b" || links[0].URL != "https://chinhphu.vn" {
		t.Errorf("Links = %+v; want a then b", links)
	}
	if c := h.calls.Counts(); c["Query"] != 2 || h.calls.Total() != 2 {
		t.Errorf("calls = %v; want one Query each", c)
	}
}

// TestCategoryDeleteGuards: a category is deleted only while nothing hangs
// on it, decided by the delete's own condition on the counts that article
// saves and category saves keep on it.
func TestCategoryDeleteGuards(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	dang := portal.Category{ID: "dang", Slug: "dang", Name: "Đảng", Version: 1}
	khoa := portal.Category{ID: "khoa-x", Slug: "khoa-x", Name: "Khóa X", ParentID: "dang", Version: 1}
	for _, c := range []portal.Category{dang, khoa} {
		if err := h.store.SaveCategory(ctx, c, nil, "admin", now); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.store.SaveCategory(ctx, portal.Category{ID: "mo-coi", Slug: "mo-coi", Name: "?", ParentID: "khong-co", Version: 1}, nil, "admin", now); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("a category under a missing parent: %v; want invalid", err)
	}
	a := article("a1", time.Hour, "khoa-x")
	h.mustCreate(t, a)
	del := func(c portal.Category) string {
		return portal.ErrorMessage(h.store.DeleteCategory(ctx, c, "admin", now))
	}
	if got := del(dang); got != "The category has subcategories; move or delete them first." {
		t.Errorf("delete a parent: %q", got)
	}
	if got := del(khoa); got != "Articles are filed under this category; move them first." {
		t.Errorf("delete a category with an article: %q", got)
	}
	stale := khoa
	stale.Version = 7
	if err := h.store.DeleteCategory(ctx, stale, "admin", now); portal.ErrorCode(err) != portal.EPRECONDITION {
		t.Errorf("delete at a stale version: %v; want precondition_failed", err)
	}
	// The article leaves khoa-x (it is published: its list entry leaves too
	// once it is republished; until then it still counts).
	cur, err := h.store.ArticleByID(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	e := cur.EditOf()
	e.Categories = nil
	moved, _ := cur.Apply(e, "ed", now)
	if err := h.store.SaveArticle(ctx, portal.ArticleChange{Before: cur, After: moved, Action: "update", Actor: "ed", Now: now}); err != nil {
		t.Fatal(err)
	}
	if got := del(khoa); got != "Articles are filed under this category; move them first." {
		t.Errorf("delete while the published copy is still listed there: %q", got)
	}
	republished, _ := moved.Publish(nil, nil, "pub", now)
	if err := h.store.SaveArticle(ctx, portal.ArticleChange{Before: moved, After: republished, Action: "publish", Actor: "pub", Now: now}); err != nil {
		t.Fatal(err)
	}
	if err := h.store.DeleteCategory(ctx, khoa, "admin", now); err != nil {
		t.Errorf("delete the emptied category: %v", err)
	}
	if err := h.store.DeleteCategory(ctx, dang, "admin", now); err != nil {
		t.Errorf("delete the parent once its child is gone: %v", err)
	}
	if err := h.store.DeleteCategory(ctx, dang, "admin", now); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("delete again: %v; want not_found", err)
	}
}
