package readapi

import (
	"context"
	"fmt"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/slug"
)

// articleJSON is an article as readers get it.
type articleJSON struct {
	ID          string        `json:"id"`
	Slug        string        `json:"slug"`
	Title       string        `json:"title"`
	Summary     string        `json:"summary,omitempty"`
	Body        string        `json:"body,omitempty"`
	CoverImage  *portal.Image `json:"coverImage,omitempty"`
	Categories  []string      `json:"categories"`
	Tags        []string      `json:"tags,omitempty"`
	Author      string        `json:"author,omitempty"`
	Source      string        `json:"source,omitempty"`
	PublishAt   string        `json:"publishAt"`
	DisplayTime string        `json:"displayTime"`
	UpdatedAt   string        `json:"updatedAt,omitempty"`
	ExpiresAt   string        `json:"expiresAt,omitempty"`
	Views       *int64        `json:"views,omitempty"`
	// SourceDocument is the published document the source names.
	SourceDocument *portal.DocumentRef `json:"sourceDocument,omitempty"`
}

func toJSON(a *portal.Article, full bool) articleJSON {
	j := articleJSON{
		ID: a.ID, Slug: a.Slug, Title: a.Title, Summary: a.Summary,
		CoverImage: a.CoverImage, Categories: a.Categories,
		Author: a.Author, Source: a.Source, SourceDocument: a.SourceDocument,
	}
	if j.Categories == nil {
		j.Categories = []string{}
	}
	if a.PublishAt != nil {
		j.PublishAt = a.PublishAt.UTC().Format(time.RFC3339)
		j.DisplayTime = portal.DisplayTime(*a.PublishAt)
	}
	if a.ExpiresAt != nil {
		j.ExpiresAt = a.ExpiresAt.UTC().Format(time.RFC3339)
	}
	if full {
		j.Body, j.Tags = a.Body, a.Tags
		views := a.Views
		j.Views = &views
		if !a.UpdatedAt.IsZero() {
			j.UpdatedAt = a.UpdatedAt.UTC().Format(time.RFC3339)
		}
	}
	return j
}

// getArticle serves GET /articles/{slug}: one visible article, a 301 to its
// current slug for an old one, or 404.
func (h *Handler) getArticle(ctx context.Context, req apigw.Request) apigw.Response {
	s := req.PathParameters["slug"]
	if !slug.Valid(s) {
		// Nothing can be stored under a malformed slug: answer without a read.
		return apigw.Error(ctx, h.log, portal.Errorf(portal.ENOTFOUND, "Article not found."), notFoundCache)
	}
	now := h.now()
	target, err := h.store.ArticleBySlug(ctx, s, now)
	if err != nil {
		return apigw.Error(ctx, h.log, err, notFoundCache)
	}
	if target.MovedTo != "" {
		return apigw.Redirect(h.basePath+"/articles/"+target.MovedTo, redirectCache)
	}
	if target.Article.IsDocument() {
		// A document is read at /documents/{id}; it is no article.
		return apigw.Error(ctx, h.log, portal.Errorf(portal.ENOTFOUND, "Article not found."), notFoundCache)
	}
	return apigw.Cached(req, toJSON(target.Article, true), articleCache(target.Article, now))
}

// articleCache keeps a cached copy from outliving the article's expiry.
func articleCache(a *portal.Article, now time.Time) string {
	maxAge := articleMaxAge
	if a.ExpiresAt != nil {
		if left := int(a.ExpiresAt.Sub(now) / time.Second); left < maxAge {
			maxAge = max(left, 0)
		}
	}
	return fmt.Sprintf("public, max-age=%d, stale-while-revalidate=30", maxAge)
}

// listArticles serves GET /articles?category=&limit=&cursor=: visible
// articles, newest first.
func (h *Handler) listArticles(ctx context.Context, req apigw.Request) apigw.Response {
	limit, err := apigw.Limit(req)
	if err != nil {
		return apigw.Error(ctx, h.log, err, apigw.NoStore)
	}
	category, err := apigw.Query(req, "category", maxCategoryLen)
	if err == nil && category != "" && !slug.Valid(category) {
		err = portal.Errorf(portal.EINVALID, "category must be a category id such as khoa-xix.")
	}
	if err != nil {
		return apigw.Error(ctx, h.log, err, apigw.NoStore)
	}
	cur := req.QueryStringParameters["cursor"]
	if _, ok := req.QueryStringParameters["cursor"]; ok && cur == "" {
		return apigw.Error(ctx, h.log, portal.Errorf(portal.EINVALID, "The cursor is invalid or belongs to another list."), apigw.NoStore)
	}
	page, err := h.store.ListArticles(ctx, portal.ArticleQuery{Category: category, Limit: limit, Cursor: cur, Now: h.now()})
	if err != nil {
		return apigw.Error(ctx, h.log, err, apigw.NoStore)
	}
	items := make([]articleJSON, len(page.Items))
	for i := range page.Items {
		items[i] = toJSON(&page.Items[i], false)
	}
	return apigw.Cached(req, apigw.NewPage(items, page.NextCursor), listCache)
}

// categories serves GET /categories: the whole tree in one call.
func (h *Handler) categories(ctx context.Context, req apigw.Request) apigw.Response {
	cats, err := h.store.Categories(ctx)
	if err != nil {
		return apigw.Error(ctx, h.log, err, apigw.NoStore)
	}
	return apigw.Cached(req, apigw.NewPage(portal.Tree(cats), ""), siteCache)
}

// links serves GET /links: the linked websites in order.
func (h *Handler) links(ctx context.Context, req apigw.Request) apigw.Response {
	links, err := h.store.Links(ctx)
	if err != nil {
		return apigw.Error(ctx, h.log, err, apigw.NoStore)
	}
	return apigw.Cached(req, apigw.NewPage(links, ""), siteCache)
}
