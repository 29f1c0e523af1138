package portal

import "slices"

// AllArticles names the public list of every article in a PublicationPlan;
// any other list is named by its category id.
const AllArticles = ""

// PublicationPlan is what one save of an article changes in what readers can
// reach: its published copy, the slugs it holds, and its entries in the
// public lists. PlanPublication derives it from the states before and after
// the save; the store writes it in the save's transaction.
//
// A slug the article holds is in one of three states for readers: the
// published copy (the article), a redirect to the published slug (a slug the
// article was public under before), or a bare reservation (404 for readers,
// unavailable to other articles: a draft's slug, or every slug of an
// unpublished article). A slug that was never public and is no longer used
// is freed.
type PublicationPlan struct {
	// Publish: this save's version becomes the one readers get, at
	// After.PublishedSlug.
	Publish bool
	// Redirects are slugs to point at After.PublishedSlug (only when
	// publishing).
	Redirects []string
	// Reserve are slugs to (re)write as bare reservations.
	Reserve []string
	// Free are slugs the article gives up.
	Free []string
	// List are the lists to write the article's entry in, when publishing:
	// AllArticles, then each category id.
	List []string
	// Unlist are the lists to remove its entry from.
	Unlist []string
}

// PlanPublication returns the plan of the save that takes an article from
// before (nil when creating) to after. The caller has set after's editorial
// state (Status, PublishedSlug, PublishedVersion, PublishedCategories,
// PreviousSlugs), as the workflow transitions do. An edit of a published
// article (after.PublishedVersion < after.Version) leaves readers' copy,
// its redirects and its lists alone until a publisher publishes again.
//
// Errors: EINVALID when publishing an article without a publish time.
func PlanPublication(before, after *Article) (PublicationPlan, error) {
	var p PublicationPlan
	a, b := after, before
	p.Publish = a.PublishedSlug != "" && a.PublishedVersion == a.Version
	unpublishing := b != nil && b.PublishedSlug != "" && a.PublishedSlug == ""
	if p.Publish && a.PublishAt == nil {
		return PublicationPlan{}, Errorf(EINVALID, "A published article needs a publish time.")
	}

	done := map[string]bool{} // slugs already planned, or to leave as they are
	switch {
	case p.Publish:
		done[a.PublishedSlug] = true
		for _, old := range a.PreviousSlugs {
			if !done[old] {
				p.Redirects = append(p.Redirects, old)
				done[old] = true
			}
		}
	case a.PublishedSlug != "":
		// Published, not republishing: the copy and its redirects stay.
		done[a.PublishedSlug] = true
		for _, old := range a.PreviousSlugs {
			done[old] = true
		}
	}
	// Every other slug the article holds or held: the working slug and slugs
	// that were once public keep a bare reservation; the rest are freed.
	held := append([]string{a.Slug}, a.PreviousSlugs...)
	if b != nil {
		held = append(held, b.Slug, b.PublishedSlug)
		held = append(held, b.PreviousSlugs...)
	}
	for _, sl := range held {
		if sl == "" || done[sl] {
			continue
		}
		done[sl] = true
		if sl != a.Slug && !slices.Contains(a.PreviousSlugs, sl) {
			p.Free = append(p.Free, sl)
			continue
		}
		if b != nil && sl == b.Slug && sl != b.PublishedSlug && (b.PublishedSlug == "" || !slices.Contains(b.PreviousSlugs, sl)) {
			continue // already a bare reservation: nothing to write
		}
		p.Reserve = append(p.Reserve, sl)
	}

	if p.Publish {
		p.List = a.PublicLists()
	}
	if (p.Publish || unpublishing) && b != nil && b.PublishedSlug != "" {
		for _, l := range b.PublicLists() {
			if !slices.Contains(p.List, l) {
				p.Unlist = append(p.Unlist, l)
			}
		}
	}
	return p, nil
}

// PublicLists returns the lists a's published version is in: a news
// article's (Lists of its published categories) or a document's
// (DocumentMeta.Lists of its published version); none when not published.
func (a *Article) PublicLists() []string {
	if a.PublishedSlug == "" {
		return nil
	}
	if a.IsDocument() {
		if a.PublishedDocument == nil {
			return nil
		}
		return slices.Clone(a.PublishedDocument.Lists)
	}
	return Lists(a.PublishedCategories)
}

// Lists returns the public lists an article in categories appears in:
// AllArticles, then each category once, in order.
func Lists(categories []string) []string {
	out := []string{AllArticles}
	for _, c := range categories {
		if c != AllArticles && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Slugs returns every slug the article holds — its working slug, its
// published slug and the slugs it was public under before — each once.
func (a *Article) Slugs() []string {
	var out []string
	for _, sl := range append([]string{a.Slug, a.PublishedSlug}, a.PreviousSlugs...) {
		if sl != "" && !slices.Contains(out, sl) {
			out = append(out, sl)
		}
	}
	return out
}

// Filed returns the categories the article is filed under: those of its
// working copy and, while it is public, those its published copy is listed
// in, each once. A category cannot be deleted while an article is filed
// under it.
func (a *Article) Filed() []string {
	var out []string
	for _, c := range append(slices.Clone(a.Categories), a.PublishedCategories...) {
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
