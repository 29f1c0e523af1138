package portal

import "time"

// Status is an article's place in the editorial workflow.
type Status string

// Article statuses. An editor writes a Draft and submits it (InReview); a
// publisher publishes it now (Published) or at a later time (Scheduled), or
// rejects it back to Draft; Archived takes it out of public view for good.
const (
	StatusDraft     Status = "draft"
	StatusInReview  Status = "in_review"
	StatusPublished Status = "published"
	StatusScheduled Status = "scheduled"
	StatusArchived  Status = "archived"
)

// Image is an article's cover image.
type Image struct {
	URL     string `json:"url"`
	Caption string `json:"caption,omitempty"`
}

// Article is a news article. Body is sanitized HTML; every other text field is
// plain text. Times are UTC.
type Article struct {
	ID         string     `json:"id"`
	Slug       string     `json:"slug"`
	Title      string     `json:"title"`
	Summary    string     `json:"summary,omitempty"`
	Body       string     `json:"body,omitempty"`
	CoverImage *Image     `json:"coverImage,omitempty"`
	Categories []string   `json:"categories,omitempty"` // category ids
	Tags       []string   `json:"tags,omitempty"`
	Author     string     `json:"author,omitempty"`
	Source     string     `json:"source,omitempty"`
	Status     Status     `json:"status"`
	PublishAt  *time.Time `json:"publishAt,omitempty"`
	ExpiresAt  *time.Time `json:"expiresAt,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
	UpdatedAt  time.Time  `json:"updatedAt"`
	CreatedBy  string     `json:"createdBy,omitempty"`
	UpdatedBy  string     `json:"updatedBy,omitempty"`
	Version    int        `json:"version"`
	Views      int64      `json:"views"`

	// Kind is KindDocument for a legal document (Document set), empty for
	// a news article.
	Kind     string        `json:"kind,omitempty"`
	Document *DocumentMeta `json:"document,omitempty"`
	// SourceDocument is the published document Source names, found when
	// the article was published (readers' copy; see SourceDocument).
	SourceDocument *DocumentRef `json:"sourceDocument,omitempty"`

	// Editorial state, on the working copy only; readers never get it.
	RejectionReason     string   `json:"rejectionReason,omitempty"`
	PublishedVersion    int      `json:"publishedVersion,omitempty"`    // version readers see; 0 when not public
	PublishedSlug       string   `json:"publishedSlug,omitempty"`       // slug of the published copy
	PublishedCategories []string `json:"publishedCategories,omitempty"` // lists it appears in
	PreviousSlugs       []string `json:"previousSlugs,omitempty"`       // old slugs that redirect to it
	// PublishedDocument is a published document's lists, claim and links.
	PublishedDocument *PublishedDocument `json:"publishedDocument,omitempty"`
}

// Listed reports whether the status puts an article on the public lists and
// gives it a published copy (visibility then depends on its times).
func (s Status) Listed() bool { return s == StatusPublished || s == StatusScheduled }

// VisibleAt reports whether a reader may see the article at now: it is
// published, or scheduled with its publish time reached, and not past its
// expiry. This is the one visibility rule of every public endpoint.
func (a *Article) VisibleAt(now time.Time) bool {
	return Visible(a.Status, a.PublishAt, a.ExpiresAt, now)
}

// Visible is the visibility rule on its parts, for callers that hold a
// projection of an article rather than the whole of it.
func Visible(status Status, publishAt, expiresAt *time.Time, now time.Time) bool {
	if status != StatusPublished && status != StatusScheduled {
		return false
	}
	if publishAt == nil || publishAt.After(now) {
		return false
	}
	return expiresAt == nil || now.Before(*expiresAt)
}

// Category is a node of the category tree. ParentID is empty for a root.
type Category struct {
	ID       string `json:"id"`
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	ParentID string `json:"parentId,omitempty"`
	Position int    `json:"position"`
	Version  int    `json:"version,omitempty"`
}

// Link is an entry of the "Liên kết website" list.
type Link struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	URL      string `json:"url"`
	Position int    `json:"position"`
	Version  int    `json:"version,omitempty"`
}
