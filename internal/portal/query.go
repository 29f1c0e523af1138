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
	Cursor   string    // from the previous page's NextCursor; empty for the first page
	Now      time.Time // visibility is decided at this instant
}

// ArticlePage is one page of a list. NextCursor is empty on the last page.
type ArticlePage struct {
	Items      []Article
	NextCursor string
}

// SlugTarget is what a public slug names: a visible article, or, for a slug
// the article used before, the slug it moved to.
type SlugTarget struct {
	Article *Article
	MovedTo string
}
