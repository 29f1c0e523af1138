package site

import (
	"context"
	"net/http"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/articleinput"
	"eportal/internal/auth"
	"eportal/internal/portal"
)

// PreviewRoute is the editors' preview: the article page of the fields an
// editor is typing, before they are saved. It is the only route of the site
// that needs a token (template.yaml puts the JWT authorizer on it).
const PreviewRoute = "POST /admin/preview"

// previewInput is the preview's body: the fields PUT /admin/articles/{id}
// takes, which article it is and when it would be published (default now).
type previewInput struct {
	articleinput.Input
	// ID names the article being edited, if saved: it is left out of its
	// own related articles.
	ID        string     `json:"id"`
	PublishAt *time.Time `json:"publishAt"`
}

// preview serves POST /admin/preview for an editor (and up): the fields
// cleaned exactly as a save cleans them (articleinput), then the article
// page rendered as GET /bai-viet/{slug} would render it once published,
// with the sidebar and related articles of the moment; for a document (kind
// document), its page as GET /van-ban/{slug} would render it. Nothing is
// written.
// The answer is never cached and asks not to be indexed; the console shows
// it in a sandboxed frame without scripts.
func (h *Handler) preview(ctx context.Context, req apigw.Request) apigw.Response {
	fail := func(err error) apigw.Response { return apigw.Error(ctx, h.log, err, apigw.NoStore) }
	if _, err := auth.Require(req, auth.Editor); err != nil {
		return fail(err)
	}
	var in previewInput
	if err := apigw.DecodeJSON(req, &in); err != nil {
		return fail(err)
	}
	e, err := in.Edit()
	if err != nil {
		return fail(err)
	}
	now := h.now()
	if len(e.Categories) > 0 {
		cats, err := h.categories(ctx)
		if err != nil {
			return fail(err)
		}
		if err := articleinput.CheckCategories(e.Categories, cats); err != nil {
			return fail(err)
		}
	}
	publishAt := now
	if in.PublishAt != nil {
		publishAt = in.PublishAt.UTC()
	}
	a := &portal.Article{
		ID: in.ID, Slug: e.Slug, Title: e.Title, Summary: e.Summary, Body: e.Body, CoverImage: e.CoverImage,
		Categories: e.Categories, Tags: e.Tags, Author: e.Author, Source: e.Source,
		Status: portal.StatusPublished, PublishAt: &publishAt, UpdatedAt: now,
	}
	if e.Document != nil {
		a.Kind, a.Document = portal.KindDocument, e.Document
		if err := h.previewDocument(ctx, a.Document, now); err != nil {
			return fail(err)
		}
		data := h.documentLayout(ctx, req, a, now)
		data.NoIndex = true
		return h.render(ctx, req, "document", http.StatusOK, apigw.NoStore, data)
	}
	a.SourceDocument = h.sourceDocument(ctx, a, now)
	side, nav := h.sidebar(ctx)
	base := h.baseURL(req)
	c, crumbs := h.articleContent(ctx, base, a)
	data := h.articleLayout(base, a, c, crumbs, nav, side)
	data.NoIndex = true
	return h.render(ctx, req, "article", http.StatusOK, apigw.NoStore, data)
}

// sourceDocument finds the published document a source names, as publishing
// does (articleinput.SourceDocument), so that the preview's "Nguồn" links where
// the published article's will: one Query of the number's list, only when
// the source names a number. Best effort: when it cannot be read, the
// source stays text.
func (h *Handler) sourceDocument(ctx context.Context, a *portal.Article, now time.Time) *portal.DocumentRef {
	ref, err := articleinput.SourceDocument(ctx, h.store, a, now)
	if err != nil {
		h.log.WarnContext(ctx, "preview: source document left unlinked", "err", err)
		return nil
	}
	return ref
}

// previewDocument fills in d's attachments and links as the save resolves
// them (adminapi): each attachment a ready file of the media library
// (articleinput.ResolveAttachments, EINVALID otherwise, as for a save); a linked document is
// named as readers will see it when it is published, and by its id when it
// is not (the save checks it exists). One GetItem each, at most
// MaxDocumentAttachments + 3 × MaxDocumentLinks.
func (h *Handler) previewDocument(ctx context.Context, d *portal.DocumentMeta, now time.Time) error {
	if err := articleinput.ResolveAttachments(ctx, h.store, d); err != nil {
		return err
	}
	for _, refs := range [][]portal.DocumentRef{d.Replaces, d.Amends, d.Related} {
		for i, r := range refs {
			x, err := h.store.DocumentByID(ctx, r.ID, now)
			switch {
			case portal.ErrorCode(err) == portal.ENOTFOUND:
				refs[i] = portal.DocumentRef{ID: r.ID, Number: r.ID, Title: "(văn bản chưa đăng)"}
			case err != nil:
				return err
			case x.Document != nil:
				refs[i] = x.DocumentRef(x.Slug)
			}
		}
	}
	return nil
}
