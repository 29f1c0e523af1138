package adminapi

import (
	"context"
	"strconv"
	"strings"

	"eportal/internal/apigw"
	"eportal/internal/articleinput"
	"eportal/internal/portal"
)

// maxReason bounds a rejection's reason, in characters after sanitizing.
const maxReason = 1000

func invalid(format string, args ...any) error {
	return portal.Errorf(portal.EINVALID, format, args...)
}

func text(field, s string, max int, required bool) (string, error) {
	return articleinput.Text(field, s, max, required)
}

// edit validates and cleans in (articleinput), then checks that every
// category exists and resolves a document's attachments and links (self is
// the id of the article edited, empty when creating).
func (h *Handler) edit(ctx context.Context, in *articleinput.Input, self string) (portal.Edit, error) {
	e, err := in.Edit()
	if err != nil {
		return e, err
	}
	if e.Document != nil {
		if err := h.resolveDocument(ctx, e.Document, self); err != nil {
			return e, err
		}
	}
	if len(e.Categories) == 0 {
		return e, nil
	}
	all, err := h.store.Categories(ctx)
	if err != nil {
		return e, err
	}
	return e, articleinput.CheckCategories(e.Categories, all)
}

// resolveDocument fills in d's attachments from the media library (each a
// ready file) and its links from the documents they name (each a document,
// never self), and refuses a "replaces" link that would make self replace
// itself through a chain. Everything it refuses is EINVALID.
func (h *Handler) resolveDocument(ctx context.Context, d *portal.DocumentMeta, self string) error {
	if err := articleinput.ResolveAttachments(ctx, h.store, d); err != nil {
		return err
	}
	docs := map[string]*portal.Article{}
	read := func(id string) (*portal.Article, error) {
		if a, ok := docs[id]; ok {
			return a, nil
		}
		a, err := h.store.ArticleByID(ctx, id)
		if portal.ErrorCode(err) == portal.ENOTFOUND || err == nil && !a.IsDocument() {
			return nil, invalid("document %s does not exist.", id)
		}
		if err != nil {
			return nil, err
		}
		docs[id] = a
		return a, nil
	}
	for _, refs := range [][]portal.DocumentRef{d.Replaces, d.Amends, d.Related} {
		for i, r := range refs {
			if r.ID == self {
				return invalid("A document cannot link to itself.")
			}
			a, err := read(r.ID)
			if err != nil {
				return err
			}
			refs[i] = a.DocumentRef(a.PublishedSlug)
		}
	}
	if self == "" {
		return nil // a new document: nothing can replace it yet
	}
	return portal.CheckReplaces(self, d.ReplaceIDs(), func(id string) ([]string, error) {
		a, err := read(id)
		if portal.ErrorCode(err) == portal.EINVALID {
			return nil, nil // deleted since: no chain through it
		}
		if err != nil {
			return nil, err
		}
		return a.Document.ReplaceIDs(), nil
	})
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
