package adminapi

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/sanitize"
	"eportal/internal/slug"
)

// Limits on article fields, in characters after sanitizing.
const (
	maxTitle      = 300
	maxSummary    = 2000
	maxByline     = 300 // author, source
	maxTags       = 20
	maxTag        = 60
	maxCategories = 10
	maxReason     = 1000
)

// articleInput is the body of POST /admin/articles and PUT
// /admin/articles/{id}: the editable fields, nothing else. Status, views,
// ids, versions and authorship are set by the server only.
type articleInput struct {
	Slug       string      `json:"slug"`
	Title      string      `json:"title"`
	Summary    string      `json:"summary"`
	Body       string      `json:"body"`
	CoverImage *imageInput `json:"coverImage"`
	Categories []string    `json:"categories"`
	Tags       []string    `json:"tags"`
	Author     string      `json:"author"`
	Source     string      `json:"source"`
}

type imageInput struct {
	URL     string `json:"url"`
	Caption string `json:"caption"`
}

func invalid(format string, args ...any) error {
	return portal.Errorf(portal.EINVALID, format, args...)
}

func text(field, s string, max int, required bool) (string, error) {
	out := sanitize.Text(s)
	if required && out == "" {
		return "", invalid("%s is required.", field)
	}
	if n := utf8.RuneCountInString(out); n > max {
		return "", invalid("%s is %d characters; the limit is %d.", field, n, max)
	}
	return out, nil
}

// edit validates and cleans in: body HTML through the allow-list policy,
// every other text as plain text, URLs http/https only, categories that
// exist. The slug is in's when given (it must be a valid, unreserved slug),
// else made from the title.
func (h *Handler) edit(ctx context.Context, in *articleInput) (portal.Edit, error) {
	var e portal.Edit
	var err error
	if e.Title, err = text("title", in.Title, maxTitle, true); err != nil {
		return e, err
	}
	if e.Summary, err = text("summary", in.Summary, maxSummary, false); err != nil {
		return e, err
	}
	if e.Author, err = text("author", in.Author, maxByline, false); err != nil {
		return e, err
	}
	if e.Source, err = text("source", in.Source, maxByline, false); err != nil {
		return e, err
	}
	e.Body = sanitize.HTML(in.Body)
	if in.CoverImage != nil {
		u, err := sanitize.URL(in.CoverImage.URL)
		if err != nil {
			return e, invalid("coverImage.url: %s", portal.ErrorMessage(err))
		}
		caption, err := text("coverImage.caption", in.CoverImage.Caption, maxByline, false)
		if err != nil {
			return e, err
		}
		e.CoverImage = &portal.Image{URL: u, Caption: caption}
	}
	if len(in.Tags) > maxTags {
		return e, invalid("at most %d tags.", maxTags)
	}
	for i, t := range in.Tags {
		tag, err := text(fmt.Sprintf("tags[%d]", i), t, maxTag, true)
		if err != nil {
			return e, err
		}
		e.Tags = append(e.Tags, tag)
	}
	if e.Categories, err = h.categories(ctx, in.Categories); err != nil {
		return e, err
	}
	switch {
	case in.Slug != "":
		if !slug.Valid(in.Slug) || slug.Reserved(in.Slug) {
			return e, invalid("slug must be lower-case ASCII words joined by hyphens, such as khoa-xix, and not a reserved word.")
		}
		e.Slug = in.Slug
	default:
		e.Slug = slug.Make(e.Title)
		if e.Slug == "" || slug.Reserved(e.Slug) {
			e.Slug = "bai-viet" // a title with no letters: the clash suffix makes it unique
		}
	}
	return e, nil
}

// categories checks that every id names an existing category, once.
func (h *Handler) categories(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > maxCategories {
		return nil, invalid("at most %d categories.", maxCategories)
	}
	all, err := h.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, c := range all {
		known[c.ID] = true
	}
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !known[id] {
			return nil, invalid("category %q does not exist.", id)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// ifMatch returns the version named by the request's If-Match header, which
// must be exactly one strong ETag such as "3" (the article's ETag). A missing,
// weak, "*" or malformed If-Match is EPRECONDITION: without it two editors
// could overwrite each other.
func ifMatch(req apigw.Request) (int, error) {
	v := strings.TrimSpace(apigw.Header(req, "If-Match"))
	if v == "" {
		return 0, portal.Errorf(portal.EPRECONDITION, "If-Match is required: send the ETag of the version you edited.")
	}
	if len(v) < 3 || v[0] != '"' || v[len(v)-1] != '"' {
		return 0, portal.Errorf(portal.EPRECONDITION, "If-Match must be the ETag you received, such as \"3\".")
	}
	n, err := strconv.Atoi(v[1 : len(v)-1])
	if err != nil || n < 1 || strconv.Itoa(n) != v[1:len(v)-1] {
		return 0, portal.Errorf(portal.EPRECONDITION, "If-Match must be the ETag you received, such as \"3\".")
	}
	return n, nil
}

// versionMatches checks the request's If-Match, when it has one, against
// current, the version of what (an article, a poll…) the handler read:
// EPRECONDITION when it is malformed or names another version. Without
// If-Match the write is still conditioned on current.
func versionMatches(r *request, what string, current int) error {
	if apigw.Header(r.Request, "If-Match") == "" {
		return nil
	}
	want, err := ifMatch(r.Request)
	if err != nil {
		return err
	}
	return sameVersion(what, current, want)
}

// sameVersion returns EPRECONDITION unless want, the version the client's
// If-Match named, is current, the version of what the handler read.
func sameVersion(what string, current, want int) error {
	if want != current {
		return portal.Errorf(portal.EPRECONDITION, "The %s is at version %d, not %d: reload it and apply your change again.", what, current, want)
	}
	return nil
}

func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// noBody refuses a body on routes that take none (a client sending fields
// there expects them to matter).
func noBody(req apigw.Request) error {
	if strings.TrimSpace(req.Body) == "" {
		return nil
	}
	var empty struct{}
	return apigw.DecodeJSON(req, &empty)
}
