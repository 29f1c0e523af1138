package site

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"eportal/internal/apigw"
)

//go:embed static
var staticFiles embed.FS

// asset is an embedded static file under its content-hashed name.
type asset struct {
	body        []byte
	contentType string
}

// assets maps hashed names ("site.3f2a9c1e.css") to files, and names
// ("site.css") to hashed names. A changed file gets a new name, so each name
// is cached for a year and never revalidated.
var assets, hashedNames = hashAssets()

func hashAssets() (map[string]asset, map[string]string) {
	byHash, names := map[string]asset{}, map[string]string{}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := path.Base(p)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		byHash[hashed] = asset{body: b, contentType: ct}
		names[name] = hashed
		return nil
	})
	if err != nil {
		panic(err) // embedded files: cannot fail
	}
	return byHash, names
}

// assetPath returns the URL path of a static file by its plain name; the
// templates call it, under the base path ({{asset "site.css"}}). An unknown name is a bug in a
// template: it panics, and every page test catches it.
func assetPath(name string) string {
	h, ok := hashedNames[name]
	if !ok {
		panic("site: no static file " + name)
	}
	return "/static/" + h
}

// static serves GET /static/{file}: an embedded file by its hashed name,
// cached immutably; any other name the 404 page.
func (h *Handler) static(ctx context.Context, req apigw.Request, name string) apigw.Response {
	a, ok := assets[name]
	if !ok {
		return h.notFound(ctx, req)
	}
	resp := respond(req, http.StatusOK, a.contentType, a.body, assetCache)
	if !utf8.Valid(a.body) {
		resp.Body, resp.IsBase64Encoded = base64.StdEncoding.EncodeToString(a.body), true
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
