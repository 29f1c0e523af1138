package site

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
)

// Feed and sitemap sizes.
const (
	feedSize = 20
	// sitemapArticles bounds the articles /sitemap.xml lists, newest first
	// (sitemapArticles/portal.MaxLimit queries, once per SidebarTTL). Search
	// engines find older articles through the category pages; a portal that
	// needs more moves to a sitemap index.
	sitemapArticles = 1000
	// sitemapDocuments bounds the documents it lists, newest issued first;
	// older ones are found through /van-ban's filters.
	sitemapDocuments = 1000
)

type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Self          atomLink  `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Description string   `xml:"description,omitempty"`
	Author      string   `xml:"dc:creator,omitempty"`
	Categories  []string `xml:"category,omitempty"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

// siteFeed serves GET /rss.xml: the newest articles of the whole site.
func (h *Handler) siteFeed(ctx context.Context, req apigw.Request) apigw.Response {
	return h.feed(ctx, req, nil)
}

// categoryFeed serves GET /chuyen-muc/{slug}/rss.xml.
func (h *Handler) categoryFeed(ctx context.Context, req apigw.Request, s string) apigw.Response {
	cat, _, err := h.categoryBySlug(ctx, s)
	if err != nil {
		return h.failed(ctx, req, err)
	}
	return h.feed(ctx, req, cat)
}

// feed renders RSS 2.0 of the newest feedSize visible articles of cat (nil
// for the whole site): one query, whose answer the CDN keeps five minutes.
func (h *Handler) feed(ctx context.Context, req apigw.Request, cat *portal.Category) apigw.Response {
	q := portal.ArticleQuery{Limit: feedSize, Now: h.now()}
	base := h.baseURL(req)
	ch := rssChannel{Title: h.cfg.Name, Link: base + "/", Description: h.cfg.Banner, Language: "vi",
		Self: atomLink{Href: base + "/rss.xml", Rel: "self", Type: "application/rss+xml"}}
	if cat != nil {
		q.Category = cat.ID
		ch.Title = cat.Name + " - " + h.cfg.Name
		ch.Link = base + "/chuyen-muc/" + cat.Slug
		ch.Description = cat.Name
		ch.Self.Href = ch.Link + "/rss.xml"
	}
	page, err := h.store.ListArticles(ctx, q)
	if err != nil {
		return h.failed(ctx, req, err)
	}
	names := map[string]string{}
	if cats, err := h.categories(ctx); err == nil {
		for _, c := range cats {
			names[c.ID] = c.Name
		}
	}
	var newest time.Time
	for _, a := range page.Items {
		link := base + "/bai-viet/" + a.Slug
		it := rssItem{Title: a.Title, Link: link, GUID: rssGUID{IsPermaLink: true, Value: link},
			Description: a.Summary, Author: a.Author}
		if a.PublishAt != nil {
			it.PubDate = a.PublishAt.In(portal.Vietnam).Format(time.RFC1123Z)
			if a.PublishAt.After(newest) {
				newest = *a.PublishAt
			}
		}
		for _, id := range a.Categories {
			if n := names[id]; n != "" {
				it.Categories = append(it.Categories, n)
			}
		}
		ch.Items = append(ch.Items, it)
	}
	if !newest.IsZero() {
		ch.LastBuildDate = newest.In(portal.Vietnam).Format(time.RFC1123Z)
	}
	return h.writeRSS(ctx, req, ch)
}

// writeRSS answers ch as an RSS 2.0 document, which the CDN keeps five
// minutes.
func (h *Handler) writeRSS(ctx context.Context, req apigw.Request, ch rssChannel) apigw.Response {
	doc := rss{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", Channel: ch}
	body, err := xml.MarshalIndent(doc, "", " ")
	if err != nil {
		return h.errorPage(ctx, req, http.StatusInternalServerError, err)
	}
	// dc:creator needs its namespace on the root element.
	body = []byte(strings.Replace(string(body), `<rss version="2.0"`, `<rss xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"`, 1))
	return respond(req, http.StatusOK, "application/rss+xml; charset=utf-8", append([]byte(xml.Header), body...), feedCache)
}

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap serves GET /sitemap.xml: the home page, every category (lastmod:
// its newest listed article), the documents' list and the newest
// sitemapArticles articles (lastmod: their last change), per the
// sitemaps.org protocol.
func (h *Handler) sitemap(ctx context.Context, req apigw.Request) apigw.Response {
	v, err := h.cache.get(ctx, "sitemap", func(ctx context.Context) (any, error) {
		var all []portal.Article
		q := portal.ArticleQuery{Limit: portal.MaxLimit, Now: h.now()}
		for len(all) < sitemapArticles {
			page, err := h.store.ListArticles(ctx, q)
			if err != nil {
				return nil, err
			}
			all = append(all, page.Items...)
			if page.NextCursor == "" {
				break
			}
			q.Cursor = page.NextCursor
		}
		return all, nil
	})
	if err != nil {
		return h.failed(ctx, req, err)
	}
	docs, err := h.cache.get(ctx, "sitemap-documents", func(ctx context.Context) (any, error) {
		var all []portal.Article
		q := portal.DocumentQuery{Limit: portal.MaxLimit, Now: h.now()}
		for len(all) < sitemapDocuments {
			items, next, err := h.store.Documents(ctx, q)
			if err != nil {
				return nil, err
			}
			all = append(all, items...)
			if next == "" {
				break
			}
			q.Cursor = next
		}
		return all, nil
	})
	if err != nil {
		return h.failed(ctx, req, err)
	}
	cats, err := h.categories(ctx)
	if err != nil {
		return h.failed(ctx, req, err)
	}
	base := h.baseURL(req)
	all := visible(v.([]portal.Article), h.now())
	set := urlset{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	lastmod := map[string]time.Time{}
	var newest time.Time
	var articles []sitemapURL
	for _, a := range all {
		t := a.UpdatedAt
		if a.PublishAt != nil && a.PublishAt.After(t) {
			t = *a.PublishAt // scheduled: changed before it went live
		}
		articles = append(articles, sitemapURL{Loc: base + "/bai-viet/" + a.Slug, LastMod: w3c(t)})
		for _, id := range a.Categories {
			if t.After(lastmod[id]) {
				lastmod[id] = t
			}
		}
		if t.After(newest) {
			newest = t
		}
	}
	set.URLs = append(set.URLs, sitemapURL{Loc: base + "/", LastMod: w3c(newest)})
	for _, c := range cats {
		set.URLs = append(set.URLs, sitemapURL{Loc: base + "/chuyen-muc/" + c.Slug, LastMod: w3c(lastmod[c.ID])})
	}
	set.URLs = append(set.URLs, sitemapURL{Loc: base + "/van-ban"}) // the documents' list
	set.URLs = append(set.URLs, articles...)
	// Each published document's page: citizens search for them by number.
	for _, d := range visible(docs.([]portal.Article), h.now()) {
		set.URLs = append(set.URLs, sitemapURL{Loc: base + "/van-ban/" + d.Slug, LastMod: w3c(d.UpdatedAt)})
	}
	body, err := xml.MarshalIndent(set, "", " ")
	if err != nil {
		return h.errorPage(ctx, req, http.StatusInternalServerError, err)
	}
	return respond(req, http.StatusOK, "application/xml; charset=utf-8", append([]byte(xml.Header), body...), feedCache)
}

// w3c formats t for a sitemap's lastmod; the zero time gives "" (omitted).
func w3c(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(portal.Vietnam).Format(time.RFC3339)
}

// robots serves GET /robots.txt: everything may be crawled but the editors'
// API; the sitemap is named. Under a base path its paths carry it (crawlers
// read only the host's /robots.txt: whoever runs the host copies the lines).
func (h *Handler) robots(ctx context.Context, req apigw.Request) apigw.Response {
	body := "User-agent: *\nAllow: " + h.path("/") + "\nDisallow: " + h.path("/admin/") + "\nDisallow: " + h.path("/binh-chon/*?loi=") +
		"\n\nSitemap: " + h.baseURL(req) + "/sitemap.xml\n"
	return respond(req, http.StatusOK, "text/plain; charset=utf-8", []byte(body), feedCache)
}
