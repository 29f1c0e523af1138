package portal

import "time"

// List limits for every paginated endpoint.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// ArticleQuery asks for one page of the public article list, newest first.
type ArticleQuery struct {
	Category string    // category id; empty for all articles
	Limit    int       // 1..MaxLimit
	Cursor   string    // a page's NextCursor: the page of older articles after it; empty for the first page
	Before   string    // a page's PrevCursor: the page of newer articles before it (at most one of Cursor, Before)
	Now      time.Time // visibility is decided at this instant
}

// ArticlePage is one page of a list. NextCursor is empty on the last page;
// PrevCursor is empty on the first (newest) page, so a reader can page both
// ways without keeping a trail of cursors (the reader site's "Trang trước").
type ArticlePage struct {
	Items      []Article
	NextCursor string
	PrevCursor string
}

// SlugTarget is what a public slug names: a visible article, or, for a slug
// the article used before, the slug it moved to.
type SlugTarget struct {
	Article *Article
	MovedTo string
}

// SearchQuery asks for one page of search results (GET /search).
type SearchQuery struct {
	Text   string    // what the reader typed
	Limit  int       // 1..MaxLimit
	Cursor string    // a page's NextCursor; empty for the first page
	Now    time.Time // visibility is decided at this instant
}

// SearchHit is one visible article that matches a query.
type SearchHit struct {
	ID, Slug, Title, Summary string
	PublishAt                time.Time
	// Snippet is HTML: the best matching passage of the body (or the
	// summary, or the title), escaped, with the matched words in <mark>.
	Snippet string
	// Kind is KindDocument for a document (its page is /van-ban/{slug}),
	// with its Number; empty for a news article.
	Kind, Number string
}

// SearchPage is one page of results, best first. NextCursor is empty when no
// result follows; a page may be short, or even empty, and still have one
// (docs/search.md: a query reads the index in windows of newest matches).
type SearchPage struct {
	Items      []SearchHit
	NextCursor string
}
