package portal_test

import (
	"fmt"
	"testing"
	"time"

	"eportal/internal/portal"
)

// TestPlanPublication walks an article through the workflow with the real
// transitions and checks what each save changes for readers.
func TestPlanPublication(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	must := func(a *portal.Article, err error) *portal.Article {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	edit := func(a *portal.Article, slug string, cats ...string) *portal.Article {
		e := a.EditOf()
		e.Slug, e.Categories = slug, cats
		return must(a.Apply(e, "ed", now))
	}
	draft := &portal.Article{ID: "x", Slug: "a", Title: "A", Categories: []string{"c1"}, Status: portal.StatusDraft, Version: 1}
	inReview := must(draft.Submit("ed", now))
	published := must(inReview.Publish(nil, nil, "pub", now))
	editedLive := edit(published, "a", "c1")
	renamedLive := edit(published, "b", "c1")
	republished := must(edit(published, "b", "c2").Publish(nil, nil, "pub", now))
	unpublished := must(published.Unpublish("pub", now))
	noTime := must(inReview.Publish(nil, nil, "pub", now))
	noTime.PublishAt = nil

	createdLive := *draft
	createdLive.Status, createdLive.PublishAt = portal.StatusPublished, &now
	createdLive.PublishedSlug, createdLive.PublishedVersion, createdLive.PublishedCategories = "a", 1, []string{"c1", "c1", "c2"}

	tests := []struct {
		name          string
		before, after *portal.Article
		want          string
	}{
		{"create a draft: its slug is reserved", nil, draft, "reserve[a]"},
		{"create published: copy and every list, each once", nil, &createdLive, "publish list[ c1 c2]"},
		{"edit a draft, same slug: nothing for readers", draft, edit(draft, "a", "c1"), ""},
		{"edit a draft's slug: the new one reserved, the old freed", draft, edit(draft, "b", "c1"), "reserve[b] free[a]"},
		{"submit: nothing for readers", draft, inReview, ""},
		{"publish: the copy and its lists", inReview, published, "publish list[ c1]"},
		{"edit a live article: readers keep the published copy", published, editedLive, ""},
		{"rename a live article: new slug reserved, copy untouched", published, renamedLive, "reserve[b]"},
		{"republish renamed and recategorised: redirect, lists moved", published, republished, "publish redirect[a] list[ c2] unlist[c1]"},
		{"unpublish: every slug reserved, off every list", published, unpublished, "reserve[a] unlist[ c1]"},
		{"archive a draft: nothing for readers", draft, must(draft.Archive("pub", now)), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := portal.PlanPublication(tt.before, tt.after)
			if err != nil {
				t.Fatal(err)
			}
			if got := planString(p); got != tt.want {
				t.Errorf("plan = %q; want %q", got, tt.want)
			}
		})
	}
	if _, err := portal.PlanPublication(inReview, noTime); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("publishing without a publish time: %v; want invalid", err)
	}
}

func planString(p portal.PublicationPlan) string {
	s := ""
	add := func(name string, v []string) {
		if len(v) > 0 {
			s += fmt.Sprintf(" %s%v", name, v)
		}
	}
	if p.Publish {
		s += " publish"
	}
	add("redirect", p.Redirects)
	add("reserve", p.Reserve)
	add("free", p.Free)
	add("list", p.List)
	add("unlist", p.Unlist)
	if s == "" {
		return ""
	}
	return s[1:]
}

func TestSlugs(t *testing.T) {
	a := &portal.Article{Slug: "b", PublishedSlug: "b", PreviousSlugs: []string{"a", "b", "c"}}
	if got := fmt.Sprint(a.Slugs()); got != "[b a c]" {
		t.Errorf("Slugs() = %s; want [b a c]", got)
	}
}
