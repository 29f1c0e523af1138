package dynamo_test

import (
	"context"
	"testing"

	"eportal/internal/portal"
)

func TestCategoriesAndLinks(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	for _, c := range []portal.Category{
		{ID: "khoa-x", Slug: "khoa-x", Name: "Khóa X", ParentID: "dang", Position: 2},
		{ID: "dang", Slug: "dang", Name: "Đảng", Position: 1},
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
