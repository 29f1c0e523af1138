package dynamo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"eportal/internal/portal"
)

// publishedItem is a published copy with the views attributes the views
// function maintains on it (views.go).
type publishedItem struct {
	articleItem
	ViewsBase     *int64 `dynamodbav:"viewsBase,omitempty"`
	ViewsRolledAt *int64 `dynamodbav:"viewsRolledAt,omitempty"`
}

// articleItem is the stored form of an article. The same shape serves the
// working copy (PK=ART#<id>, SK=ART), the published copy (PK=SLUG#<slug>,
// SK=SLUG) and, without body, the list and desk entries. Times are fixed-width
// UTC strings (see keys.go); absent values are omitted, never stored empty,
// because an empty string in an index key is a ValidationException.
type articleItem struct {
	PK     string `dynamodbav:"PK"`
	SK     string `dynamodbav:"SK"`
	GSI1PK string `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK string `dynamodbav:"GSI1SK,omitempty"`
	GSI2PK string `dynamodbav:"GSI2PK,omitempty"`
	GSI2SK string `dynamodbav:"GSI2SK,omitempty"`

	ID         string        `dynamodbav:"id"`
	Slug       string        `dynamodbav:"slug,omitempty"`
	Title      string        `dynamodbav:"title,omitempty"`
	Summary    string        `dynamodbav:"summary,omitempty"`
	Body       string        `dynamodbav:"body,omitempty"`
	CoverImage *portal.Image `dynamodbav:"coverImage,omitempty"`
	Categories []string      `dynamodbav:"categories,omitempty"`
	Tags       []string      `dynamodbav:"tags,omitempty"`
	Author     string        `dynamodbav:"author,omitempty"`
	Source     string        `dynamodbav:"source,omitempty"`
	Status     string        `dynamodbav:"status,omitempty"`
	PublishAt  string        `dynamodbav:"publishAt,omitempty"`
	ExpiresAt  string        `dynamodbav:"expiresAt,omitempty"`
	CreatedAt  string        `dynamodbav:"createdAt,omitempty"`
	UpdatedAt  string        `dynamodbav:"updatedAt,omitempty"`
	CreatedBy  string        `dynamodbav:"createdBy,omitempty"`
	UpdatedBy  string        `dynamodbav:"updatedBy,omitempty"`
	Version    int           `dynamodbav:"version,omitempty"`
	Views      int64         `dynamodbav:"views,omitempty"`

	// A document's part (document.go). ReplacedBy is kept on its published
	// copy and list entries only, as a map of replacing id → reference,
	// present (maybe empty) on every published document's items so that a
	// replacing document can SET one key of it.
	Kind       string                        `dynamodbav:"kind,omitempty"`
	Document   *portal.DocumentMeta          `dynamodbav:"document,omitempty"`
	ReplacedBy map[string]portal.DocumentRef `dynamodbav:"replacedBy,omitempty"`
	// SourceDocument: the document a news article's source names.
	SourceDocument *portal.DocumentRef `dynamodbav:"sourceDocument,omitempty"`

	RejectionReason     string                    `dynamodbav:"rejectionReason,omitempty"`
	PublishedVersion    int                       `dynamodbav:"publishedVersion,omitempty"`
	PublishedSlug       string                    `dynamodbav:"publishedSlug,omitempty"`
	PublishedCategories []string                  `dynamodbav:"publishedCategories,omitempty"`
	PreviousSlugs       []string                  `dynamodbav:"previousSlugs,omitempty"`
	PublishedDocument   *portal.PublishedDocument `dynamodbav:"publishedDocument,omitempty"`

	// RedirectTo is set on a public item whose slug the article no longer
	// uses: the reader is sent to the current slug.
	RedirectTo string `dynamodbav:"redirectTo,omitempty"`
}

func newArticleItem(a *portal.Article) articleItem {
	return articleItem{
		ID:             a.ID,
		Slug:           a.Slug,
		Title:          a.Title,
		Summary:        a.Summary,
		Body:           a.Body,
		CoverImage:     a.CoverImage,
		Categories:     a.Categories,
		Tags:           a.Tags,
		Author:         a.Author,
		Source:         a.Source,
		Status:         string(a.Status),
		PublishAt:      formatTimePtr(a.PublishAt),
		ExpiresAt:      formatTimePtr(a.ExpiresAt),
		CreatedAt:      formatMilli(a.CreatedAt),
		UpdatedAt:      formatMilli(a.UpdatedAt),
		CreatedBy:      a.CreatedBy,
		UpdatedBy:      a.UpdatedBy,
		Version:        a.Version,
		Views:          a.Views,
		Kind:           a.Kind,
		Document:       docWithoutReplacedBy(a.Document),
		SourceDocument: a.SourceDocument,

		RejectionReason:     a.RejectionReason,
		PublishedVersion:    a.PublishedVersion,
		PublishedSlug:       a.PublishedSlug,
		PublishedCategories: a.PublishedCategories,
		PreviousSlugs:       a.PreviousSlugs,
		PublishedDocument:   a.PublishedDocument,
	}
}

// docWithoutReplacedBy is d as the document attribute stores it: its
// replacements live in the item's replacedBy map.
func docWithoutReplacedBy(d *portal.DocumentMeta) *portal.DocumentMeta {
	if d == nil {
		return nil
	}
	c := *d
	c.ReplacedBy = nil
	return &c
}

// summary returns the item without the fields a list does not show, so list
// entries stay small and cheap to write and to query.
func (it articleItem) summary() articleItem {
	it.Body, it.Tags, it.Views = "", nil, 0
	it.CreatedBy = ""
	it.PreviousSlugs, it.PublishedCategories = nil, nil
	it.PublishedDocument = nil
	return it
}

// public returns the item as readers get it: the published copy carries no
// editorial state.
func (it articleItem) public() articleItem {
	it.RejectionReason, it.PublishedSlug = "", ""
	it.PublishedCategories, it.PreviousSlugs = nil, nil
	it.CreatedBy, it.UpdatedBy = "", ""
	it.PublishedDocument = nil
	return it
}

func (it *articleItem) article() (*portal.Article, error) {
	a := &portal.Article{
		ID:             it.ID,
		Slug:           it.Slug,
		Title:          it.Title,
		Summary:        it.Summary,
		Body:           it.Body,
		CoverImage:     it.CoverImage,
		Categories:     it.Categories,
		Tags:           it.Tags,
		Author:         it.Author,
		Source:         it.Source,
		Status:         portal.Status(it.Status),
		CreatedBy:      it.CreatedBy,
		UpdatedBy:      it.UpdatedBy,
		Version:        it.Version,
		Views:          it.Views,
		Kind:           it.Kind,
		Document:       it.Document,
		SourceDocument: it.SourceDocument,

		RejectionReason:     it.RejectionReason,
		PublishedVersion:    it.PublishedVersion,
		PublishedSlug:       it.PublishedSlug,
		PublishedCategories: it.PublishedCategories,
		PreviousSlugs:       it.PreviousSlugs,
		PublishedDocument:   it.PublishedDocument,
	}
	if a.Document != nil && len(it.ReplacedBy) > 0 {
		for _, r := range it.ReplacedBy {
			a.Document.ReplacedBy = append(a.Document.ReplacedBy, r)
		}
		slices.SortFunc(a.Document.ReplacedBy, func(x, y portal.DocumentRef) int { return strings.Compare(x.ID, y.ID) })
	}
	var err error
	if a.PublishAt, err = parseTimePtr(it.PublishAt); err != nil {
		return nil, fmt.Errorf("article %s publishAt: %w", it.ID, err)
	}
	if a.ExpiresAt, err = parseTimePtr(it.ExpiresAt); err != nil {
		return nil, fmt.Errorf("article %s expiresAt: %w", it.ID, err)
	}
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&a.CreatedAt, it.CreatedAt}, {&a.UpdatedAt, it.UpdatedAt}} {
		t, err := parseTimePtr(f.src)
		if err != nil {
			return nil, fmt.Errorf("article %s times: %w", it.ID, err)
		}
		if t != nil {
			*f.dst = *t
		}
	}
	return a, nil
}
