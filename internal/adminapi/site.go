package adminapi

import (
	"context"
	"net/http"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/sanitize"
	"eportal/internal/slug"
)

const maxName = 200

// categoryInput is the body of POST /admin/categories (id optional: the
// slug; immutable afterwards) and PUT /admin/categories/{id} (id ignored:
// refused as an unknown field there).
type categoryInput struct {
	ID       string `json:"id"`
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	ParentID string `json:"parentId"`
	Position int    `json:"position"`
}

type categoryUpdate struct {
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	ParentID string `json:"parentId"`
	Position int    `json:"position"`
}

func cleanCategory(slugIn, nameIn, parent string, position int) (portal.Category, error) {
	var c portal.Category
	name, err := text("name", nameIn, maxName, true)
	if err != nil {
		return c, err
	}
	c.Name, c.Position, c.ParentID = name, position, parent
	c.Slug = slugIn
	if c.Slug == "" {
		c.Slug = slug.Make(name)
	}
	if !slug.Valid(c.Slug) || slug.Reserved(c.Slug) {
		return c, invalid("slug must be lower-case ASCII words joined by hyphens, such as khoa-xix.")
	}
	if parent != "" && !slug.Valid(parent) {
		return c, invalid("parentId must be a category id.")
	}
	if position < 0 || position > 1_000_000 {
		return c, invalid("position must be between 0 and 1000000.")
	}
	return c, nil
}

// createCategory serves POST /admin/categories (201).
func (h *Handler) createCategory(ctx context.Context, r *request) apigw.Response {
	var in categoryInput
	if err := apigw.DecodeJSON(r.Request, &in); err != nil {
		return h.fail(ctx, err)
	}
	c, err := cleanCategory(in.Slug, in.Name, in.ParentID, in.Position)
	if err != nil {
		return h.fail(ctx, err)
	}
	c.ID = in.ID
	if c.ID == "" {
		c.ID = c.Slug
	}
	if !slug.Valid(c.ID) {
		return h.fail(ctx, invalid("id must be lower-case ASCII words joined by hyphens."))
	}
	c.Version = 1
	if err := h.store.SaveCategory(ctx, c, nil, r.caller.Subject, r.now); err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusCreated, c, map[string]string{"Location": "/admin/categories/" + c.ID, "ETag": etag(c.Version)})
}

// findCategory returns the category {id} and the whole list.
func (h *Handler) findCategory(ctx context.Context, r *request) (portal.Category, []portal.Category, error) {
	all, err := h.store.Categories(ctx)
	if err != nil {
		return portal.Category{}, nil, err
	}
	id := r.PathParameters["id"]
	for _, c := range all {
		if c.ID == id {
			return c, all, nil
		}
	}
	return portal.Category{}, nil, portal.Errorf(portal.ENOTFOUND, "Category not found.")
}

// updateCategory serves PUT /admin/categories/{id} (If-Match required). A
// parent that would make the tree a cycle is refused (409).
func (h *Handler) updateCategory(ctx context.Context, r *request) apigw.Response {
	want, err := ifMatch(r.Request)
	if err != nil {
		return h.fail(ctx, err)
	}
	var in categoryUpdate
	if err := apigw.DecodeJSON(r.Request, &in); err != nil {
		return h.fail(ctx, err)
	}
	c, err := cleanCategory(in.Slug, in.Name, in.ParentID, in.Position)
	if err != nil {
		return h.fail(ctx, err)
	}
	cur, all, err := h.findCategory(ctx, r)
	if err != nil {
		return h.fail(ctx, err)
	}
	if err := sameVersion("category", cur.Version, want); err != nil {
		return h.fail(ctx, err)
	}
	parent := map[string]string{}
	for _, x := range all {
		parent[x.ID] = x.ParentID
	}
	for p, hops := c.ParentID, 0; p != ""; p, hops = parent[p], hops+1 {
		if p == cur.ID || hops > len(all) {
			return h.fail(ctx, portal.Errorf(portal.ECONFLICT, "A category cannot be placed under itself or its own children."))
		}
	}
	c.ID, c.Version = cur.ID, cur.Version+1
	if err := h.store.SaveCategory(ctx, c, &cur, r.caller.Subject, r.now); err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusOK, c, map[string]string{"ETag": etag(c.Version)})
}

// deleteCategory serves DELETE /admin/categories/{id}: refused with 409
// while the category has children or articles (204 otherwise).
func (h *Handler) deleteCategory(ctx context.Context, r *request) apigw.Response {
	cur, all, err := h.findCategory(ctx, r)
	if err != nil {
		return h.fail(ctx, err)
	}
	if err := versionMatches(r, "category", cur.Version); err != nil {
		return h.fail(ctx, err)
	}
	for _, c := range all {
		if c.ParentID == cur.ID {
			return h.fail(ctx, portal.Errorf(portal.ECONFLICT, "The category has subcategories; move or delete them first."))
		}
	}
	used, err := h.store.CategoryInUse(ctx, cur.ID)
	if err != nil {
		return h.fail(ctx, err)
	}
	if used {
		return h.fail(ctx, portal.Errorf(portal.ECONFLICT, "Articles are filed under this category; move them first."))
	}
	if err := h.store.DeleteCategory(ctx, cur, r.caller.Subject, r.now); err != nil {
		return h.fail(ctx, err)
	}
	return noContent()
}

// linkInput is the body of POST /admin/links and PUT /admin/links/{id}.
type linkInput struct {
	Title    string `json:"title"`
	URL      string `json:"url"`
	Position int    `json:"position"`
}

func cleanLink(in linkInput) (portal.Link, error) {
	var l portal.Link
	title, err := text("title", in.Title, maxName, true)
	if err != nil {
		return l, err
	}
	u, err := sanitize.URL(in.URL)
	if err != nil {
		return l, invalid("url: %s", portal.ErrorMessage(err))
	}
	if in.Position < 0 || in.Position > 1_000_000 {
		return l, invalid("position must be between 0 and 1000000.")
	}
	return portal.Link{Title: title, URL: u, Position: in.Position}, nil
}

// createLink serves POST /admin/links (201).
func (h *Handler) createLink(ctx context.Context, r *request) apigw.Response {
	var in linkInput
	if err := apigw.DecodeJSON(r.Request, &in); err != nil {
		return h.fail(ctx, err)
	}
	l, err := cleanLink(in)
	if err != nil {
		return h.fail(ctx, err)
	}
	l.ID, l.Version = h.newID(), 1
	if err := h.store.SaveLink(ctx, l, 0, r.caller.Subject, r.now); err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusCreated, l, map[string]string{"Location": "/admin/links/" + l.ID, "ETag": etag(l.Version)})
}

func (h *Handler) findLink(ctx context.Context, r *request) (portal.Link, error) {
	all, err := h.store.Links(ctx)
	if err != nil {
		return portal.Link{}, err
	}
	for _, l := range all {
		if l.ID == r.PathParameters["id"] {
			return l, nil
		}
	}
	return portal.Link{}, portal.Errorf(portal.ENOTFOUND, "Link not found.")
}

// updateLink serves PUT /admin/links/{id} (If-Match required).
func (h *Handler) updateLink(ctx context.Context, r *request) apigw.Response {
	want, err := ifMatch(r.Request)
	if err != nil {
		return h.fail(ctx, err)
	}
	var in linkInput
	if err := apigw.DecodeJSON(r.Request, &in); err != nil {
		return h.fail(ctx, err)
	}
	l, err := cleanLink(in)
	if err != nil {
		return h.fail(ctx, err)
	}
	cur, err := h.findLink(ctx, r)
	if err != nil {
		return h.fail(ctx, err)
	}
	if err := sameVersion("link", cur.Version, want); err != nil {
		return h.fail(ctx, err)
	}
	l.ID, l.Version = cur.ID, cur.Version+1
	if err := h.store.SaveLink(ctx, l, cur.Version, r.caller.Subject, r.now); err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusOK, l, map[string]string{"ETag": etag(l.Version)})
}

// deleteLink serves DELETE /admin/links/{id} (204).
func (h *Handler) deleteLink(ctx context.Context, r *request) apigw.Response {
	cur, err := h.findLink(ctx, r)
	if err != nil {
		return h.fail(ctx, err)
	}
	if err := versionMatches(r, "link", cur.Version); err != nil {
		return h.fail(ctx, err)
	}
	if err := h.store.DeleteLink(ctx, cur.ID, cur.Version, r.caller.Subject, r.now); err != nil {
		return h.fail(ctx, err)
	}
	return noContent()
}

// listCategories serves GET /admin/categories: the tree as GET /categories
// has it, read from the table for this request and never cached. The
// public route comes through the edge, cached for minutes; the console's
// pages read this one so that an admin sees another's change at once and
// sends If-Match with the version stored now.
func (h *Handler) listCategories(ctx context.Context, _ *request) apigw.Response {
	cats, err := h.store.Categories(ctx)
	if err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusOK, apigw.NewPage(portal.Tree(cats), ""), nil)
}

// listLinks serves GET /admin/links: the linked websites in order, as GET
// /links has them, never cached (see listCategories).
func (h *Handler) listLinks(ctx context.Context, _ *request) apigw.Response {
	links, err := h.store.Links(ctx)
	if err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusOK, apigw.NewPage(links, ""), nil)
}
