// Package articleinput reads the editable fields of an article as editors
// send them (POST and PUT /admin/articles, and the console's preview) and
// cleans them the one way both the save and the preview use: body HTML
// through the sanitizer's allow-list, every other text as plain text,
// URLs checked, limits enforced. That the preview shows exactly what a save
// would store rests on this being the only copy.
package articleinput

import (
	"fmt"
	"unicode/utf8"

	"eportal/internal/portal"
	"eportal/internal/sanitize"
	"eportal/internal/slug"
)

// Limits on article fields, in characters after sanitizing.
const (
	MaxTitle      = 300
	MaxSummary    = 2000
	MaxByline     = 300 // author, source, a cover's caption
	MaxTags       = 20
	MaxTag        = 60
	MaxCategories = 10
)

// Input is the body of POST /admin/articles and PUT /admin/articles/{id}:
// the editable fields, nothing else. Status, views, ids, versions and
// authorship are set by the server only.
type Input struct {
	Slug       string   `json:"slug"`
	Title      string   `json:"title"`
	Summary    string   `json:"summary"`
	Body       string   `json:"body"`
	CoverImage *Image   `json:"coverImage"`
	Categories []string `json:"categories"`
	Tags       []string `json:"tags"`
	Author     string   `json:"author"`
	Source     string   `json:"source"`
	// Kind is "document" for a legal document (Document then required),
	// empty for a news article. It is fixed when the article is created.
	Kind     string         `json:"kind"`
	Document *DocumentInput `json:"document"`
}

// Image is a cover image as sent.
type Image struct {
	URL     string `json:"url"`
	Caption string `json:"caption"`
}

func invalid(format string, args ...any) error {
	return portal.Errorf(portal.EINVALID, format, args...)
}

// Text cleans one plain-text field: EINVALID when required and empty, or
// longer than limit characters once cleaned.
func Text(field, s string, limit int, required bool) (string, error) {
	out := sanitize.Text(s)
	if required && out == "" {
		return "", invalid("%s is required.", field)
	}
	if n := utf8.RuneCountInString(out); n > limit {
		return "", invalid("%s is %d characters; the limit is %d.", field, n, limit)
	}
	return out, nil
}

// Edit validates and cleans in. Categories are checked for form and count
// only (at most MaxCategories, each a valid id, duplicates dropped): whether
// they exist is the caller's to check against the store. The slug is in's
// when given (valid and unreserved), else made from the title.
func (in *Input) Edit() (portal.Edit, error) {
	var e portal.Edit
	var err error
	if e.Title, err = Text("title", in.Title, MaxTitle, true); err != nil {
		return e, err
	}
	if e.Summary, err = Text("summary", in.Summary, MaxSummary, false); err != nil {
		return e, err
	}
	if e.Author, err = Text("author", in.Author, MaxByline, false); err != nil {
		return e, err
	}
	if e.Source, err = Text("source", in.Source, MaxByline, false); err != nil {
		return e, err
	}
	switch in.Kind {
	case "":
		if in.Document != nil {
			return e, invalid("document is for kind document; this is a news article.")
		}
	case portal.KindDocument:
		if e.Document, err = in.Document.document(); err != nil {
			return e, err
		}
	default:
		return e, invalid("kind must be empty (a news article) or document.")
	}
	e.Body = sanitize.HTML(in.Body)
	if in.CoverImage != nil {
		u, err := sanitize.ImageURL(in.CoverImage.URL)
		if err != nil {
			return e, invalid("coverImage.url: %s", portal.ErrorMessage(err))
		}
		caption, err := Text("coverImage.caption", in.CoverImage.Caption, MaxByline, false)
		if err != nil {
			return e, err
		}
		e.CoverImage = &portal.Image{URL: u, Caption: caption}
	}
	// Each library image is an item of the save's transaction (dynamo).
	if n := len((&portal.Article{Body: e.Body, CoverImage: e.CoverImage, Document: e.Document}).MediaRefs()); n > portal.MaxArticleImages {
		return e, invalid("an article may use at most %d images of the media library; this one uses %d.", portal.MaxArticleImages, n)
	}
	if len(in.Tags) > MaxTags {
		return e, invalid("at most %d tags.", MaxTags)
	}
	for i, t := range in.Tags {
		tag, err := Text(fmt.Sprintf("tags[%d]", i), t, MaxTag, true)
		if err != nil {
			return e, err
		}
		e.Tags = append(e.Tags, tag)
	}
	if len(in.Categories) > MaxCategories {
		return e, invalid("at most %d categories.", MaxCategories)
	}
	seen := map[string]bool{}
	for _, id := range in.Categories {
		if !slug.Valid(id) {
			return e, invalid("category %q does not exist.", id)
		}
		if !seen[id] {
			seen[id] = true
			e.Categories = append(e.Categories, id)
		}
	}
	switch {
	case in.Slug != "":
		if !slug.Valid(in.Slug) || slug.Reserved(in.Slug) {
			return e, invalid("slug must be lower-case ASCII words joined by hyphens, such as khoa-xix, and not a reserved word.")
		}
		e.Slug = in.Slug
	case e.Document != nil:
		e.Slug = documentSlug(e.Document)
	default:
		e.Slug = slug.Make(e.Title)
		if e.Slug == "" || slug.Reserved(e.Slug) {
			e.Slug = "bai-viet" // a title with no letters: the clash suffix makes it unique
		}
	}
	return e, nil
}

// CheckCategories refuses (EINVALID) an id of ids that names none of all,
// the categories that exist: the check a save and a preview make after
// Edit, against the store's list.
func CheckCategories(ids []string, all []portal.Category) error {
	known := make(map[string]bool, len(all))
	for _, c := range all {
		known[c.ID] = true
	}
	for _, id := range ids {
		if !known[id] {
			return invalid("category %q does not exist.", id)
		}
	}
	return nil
}
