package site

import (
	"context"
	"embed"
	"encoding/base64"
	"net/http"
	"unicode/utf8"

	"eportal/internal/apigw"
	"eportal/internal/hashed"
)

//go:embed static
var staticFiles embed.FS

// static holds the embedded files under content-hashed names
// ("site.3f2a9c1e.css"): each name is cached for a year and never
// revalidated.
var static = hashed.Load(staticFiles, "static")

// assetPath returns the URL path of a static file by its plain name; the
// templates call it, under the base path ({{asset "site.css"}}). An unknown name is a bug in a
// template: it panics, and every page test catches it.
func assetPath(name string) string {
	h, ok := static.Names[name]
	if !ok {
		panic("site: no static file " + name)
	}
	return "/static/" + h
}

// static serves GET /static/{file}: an embedded file by its hashed name,
// cached immutably; any other name the 404 page.
func (h *Handler) static(ctx context.Context, req apigw.Request, name string) apigw.Response {
	a, ok := static.ByHash[name]
	if !ok {
		return h.notFound(ctx, req)
	}
	resp := respond(req, http.StatusOK, a.ContentType, a.Body, assetCache)
	if !utf8.Valid(a.Body) {
		resp.Body, resp.IsBase64Encoded = base64.StdEncoding.EncodeToString(a.Body), true
	}
	return resp
}

// logoURL is the configured logo, or the embedded emblem (under the base
// path).
func (h *Handler) logoURL() string {
	if h.cfg.LogoURL != "" {
		return h.cfg.LogoURL
	}
	return h.path(assetPath("logo.svg"))
}
