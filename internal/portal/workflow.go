package portal

import (
	"slices"
	"time"
)

// Edit is the editable content of an article: what PUT replaces and what a
// restore copies from a revision.
type Edit struct {
	Slug       string
	Title      string
	Summary    string
	Body       string
	CoverImage *Image
	Categories []string
	Tags       []string
	Author     string
	Source     string
	Document   *DocumentMeta // a document's part; nil for a news article
}

// next returns a copy of a at its next version, changed by actor at now.
func (a *Article) next(actor string, now time.Time) *Article {
	b := *a
	b.Categories = slices.Clone(a.Categories)
	b.Tags = slices.Clone(a.Tags)
	b.PublishedCategories = slices.Clone(a.PublishedCategories)
	b.PreviousSlugs = slices.Clone(a.PreviousSlugs)
	b.Document = a.Document.clone()
	if p := a.PublishedDocument; p != nil {
		c := *p
		c.Lists, c.Replaces = slices.Clone(p.Lists), slices.Clone(p.Replaces)
		b.PublishedDocument = &c
	}
	b.Version++
	b.UpdatedAt, b.UpdatedBy = now, actor
	return &b
}

func conflict(format string, args ...any) error { return Errorf(ECONFLICT, format, args...) }

// Apply returns the article with e's content as its next version. The status
// does not change: an edit of a published article reaches readers only when
// a publisher publishes again. Archived articles cannot be edited.
func (a *Article) Apply(e Edit, actor string, now time.Time) (*Article, error) {
	if a.Status == StatusArchived {
		return nil, conflict("An archived article cannot be edited.")
	}
	if a.IsDocument() != (e.Document != nil) {
		return nil, Errorf(EINVALID, "kind cannot change: this is %s.", map[bool]string{true: "a document", false: "a news article"}[a.IsDocument()])
	}
	b := a.next(actor, now)
	b.Slug, b.Title, b.Summary, b.Body, b.CoverImage = e.Slug, e.Title, e.Summary, e.Body, e.CoverImage
	b.Categories, b.Tags, b.Author, b.Source = e.Categories, e.Tags, e.Author, e.Source
	b.Document = e.Document.clone()
	return b, nil
}

// EditOf returns a's editable content.
func (a *Article) EditOf() Edit {
	return Edit{Slug: a.Slug, Title: a.Title, Summary: a.Summary, Body: a.Body, CoverImage: a.CoverImage,
		Categories: a.Categories, Tags: a.Tags, Author: a.Author, Source: a.Source, Document: a.Document.clone()}
}

// Submit sends a draft for review.
func (a *Article) Submit(actor string, now time.Time) (*Article, error) {
	if a.Status != StatusDraft {
		return nil, conflict("Only a draft can be submitted; this article is %s.", a.Status)
	}
	b := a.next(actor, now)
	b.Status, b.RejectionReason = StatusInReview, ""
	return b, nil
}

// Reject returns an article under review to its editor with reason.
func (a *Article) Reject(reason, actor string, now time.Time) (*Article, error) {
	if a.Status != StatusInReview {
		return nil, conflict("Only an article in review can be rejected; this article is %s.", a.Status)
	}
	if reason == "" {
		return nil, Errorf(EINVALID, "A rejection needs a reason.")
	}
	b := a.next(actor, now)
	b.Status, b.RejectionReason = StatusDraft, reason
	return b, nil
}

// Publish makes the current version the one readers get: now, or at
// publishAt when that is later (scheduled). Without publishAt, an article
// that is already public keeps its publish time, so that republishing a
// correction does not move it to the top of the lists. expiresAt, when given,
// replaces the expiry and must follow the publish time.
func (a *Article) Publish(publishAt, expiresAt *time.Time, actor string, now time.Time) (*Article, error) {
	if a.Status == StatusArchived {
		return nil, conflict("An archived article cannot be published.")
	}
	b := a.next(actor, now)
	switch {
	case publishAt != nil:
		t := publishAt.UTC().Truncate(time.Second)
		b.PublishAt = &t
	case a.Status.Listed() && a.PublishAt != nil && !a.PublishAt.After(now):
		// keep
	default:
		t := now.UTC().Truncate(time.Second)
		b.PublishAt = &t
	}
	if expiresAt != nil {
		t := expiresAt.UTC().Truncate(time.Second)
		b.ExpiresAt = &t
	}
	if b.ExpiresAt != nil && !b.ExpiresAt.After(*b.PublishAt) {
		return nil, Errorf(EINVALID, "expiresAt must be after the publish time.")
	}
	b.Status = StatusPublished
	if b.PublishAt.After(now) {
		b.Status = StatusScheduled
	}
	b.RejectionReason = ""
	if a.PublishedSlug != "" && a.PublishedSlug != b.Slug && !slices.Contains(b.PreviousSlugs, a.PublishedSlug) {
		b.PreviousSlugs = append(b.PreviousSlugs, a.PublishedSlug)
	}
	b.PreviousSlugs = slices.DeleteFunc(b.PreviousSlugs, func(s string) bool { return s == b.Slug })
	b.PublishedSlug, b.PublishedVersion = b.Slug, b.Version
	b.PublishedCategories = slices.Clone(b.Categories)
	b.PublishedDocument = nil
	if b.IsDocument() && b.Document != nil {
		b.PublishedDocument = b.Document.Published()
	}
	return b, nil
}

// Unpublish takes a published or scheduled article out of public view and
// back to draft. Its public slugs stay reserved for it.
func (a *Article) Unpublish(actor string, now time.Time) (*Article, error) {
	if !a.Status.Listed() {
		return nil, conflict("Only a published or scheduled article can be unpublished; this article is %s.", a.Status)
	}
	b := a.withdrawn(actor, now)
	b.Status = StatusDraft
	return b, nil
}

// Archive takes an article out of the workflow and of public view.
func (a *Article) Archive(actor string, now time.Time) (*Article, error) {
	if a.Status == StatusArchived {
		return nil, conflict("The article is already archived.")
	}
	b := a.withdrawn(actor, now)
	b.Status = StatusArchived
	return b, nil
}

func (a *Article) withdrawn(actor string, now time.Time) *Article {
	b := a.next(actor, now)
	if b.PublishedSlug != "" && !slices.Contains(b.PreviousSlugs, b.PublishedSlug) {
		b.PreviousSlugs = append(b.PreviousSlugs, b.PublishedSlug)
	}
	b.PublishedSlug, b.PublishedVersion, b.PublishedCategories = "", 0, nil
	b.PublishedDocument = nil
	return b
}
