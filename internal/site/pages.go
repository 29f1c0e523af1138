package site

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/slug"
)

// Page sizes.
const (
	categoryPageSize = 20
	homeSections     = 6 // root categories with a section on the home page
	homeSectionSize  = 5
	mostReadPageSize = 20
)

func timeOf(t time.Time) timeView {
	return timeView{Display: portal.DisplayTime(t), ISO: t.In(portal.Vietnam).Format(time.RFC3339)}
}

// homeContent is the home page: the newest article, then the newest of each
// root category that has any.
type homeContent struct {
	Lead     *card
	Latest   []card
	Sections []section
}

type section struct {
	Category *portal.CategoryNode
	Cards    []card
}

// home serves GET /.
func (h *Handler) home(ctx context.Context, req apigw.Request) apigw.Response {
	epoch := h.cache.epoch.Load() // before the cached reads below
	all, err := h.latest(ctx, "")
	if err != nil {
		return h.failed(ctx, req, err)
	}
	side, nav := h.sidebar(ctx)
	c := homeContent{}
	if cards := cardsOf(all); len(cards) > 0 {
		c.Lead, c.Latest = &cards[0], cards[1:]
	}
	for _, root := range nav {
		if len(c.Sections) == homeSections {
			break
		}
		as, err := h.latest(ctx, root.ID)
		if err != nil {
			h.log.WarnContext(ctx, "home section left out", "category", root.ID, "err", err)
			continue
		}
		if len(as) == 0 {
			continue
		}
		cards := cardsOf(as)
		c.Sections = append(c.Sections, section{Category: root, Cards: cards[:min(len(cards), homeSectionSize)]})
	}
	base := h.baseURL(req)
	lists := [][]card{c.Latest}
	if c.Lead != nil {
		lists = append(lists, []card{*c.Lead})
	}
	for _, s := range c.Sections {
		lists = append(lists, s.Cards)
	}
	key := base + "|" + shown(side, lists...)
	return h.renderMemo(ctx, req, "home", key, epoch, pageCache, func() *layout {
		return h.homeLayout(base, c, nav, side)
	})
}

func (h *Handler) homeLayout(base string, c homeContent, nav []*portal.CategoryNode, side *sidebar) *layout {
	return &layout{
		Description: h.cfg.Banner,
		Canonical:   base + "/",
		OGType:      "website",
		Feeds:       []feedLink{{Title: h.cfg.Name, URL: base + "/rss.xml"}},
		Nav:         nav, Side: side, Content: c,
		LD: map[string]any{
			"@context": "https://schema.org", "@type": "WebSite",
			"name": h.cfg.Name, "url": base + "/", "inLanguage": "vi",
		},
	}
}

// articleContent is the article page.
type articleContent struct {
	A        *portal.Article
	Time     timeView
	Updated  string // RFC 3339, +07:00
	Category *portal.Category
	Related  []card
	Share    []shareLink
	URL      string // canonical
	// SourceSlug is the slug of the published document the source names
	// (its page /van-ban/{slug}), or "".
	SourceSlug string
}

type shareLink struct{ Name, URL string }

// article serves GET /bai-viet/{slug}: a visible article, a 301 to its
// current slug for an old one, or the 404 page (for a document too: its page
// is /van-ban/{slug}). One DynamoDB read when the instance is warm.
func (h *Handler) article(ctx context.Context, req apigw.Request, s string) apigw.Response {
	if !slug.Valid(s) {
		return h.notFound(ctx, req)
	}
	now := h.now()
	epoch := h.cache.epoch.Load() // before the cached reads below
	target, err := h.store.ArticleBySlug(ctx, s, now)
	if err != nil {
		return h.failed(ctx, req, err)
	}
	if target.MovedTo != "" {
		return redirect(h.path("/bai-viet/" + target.MovedTo))
	}
	a := target.Article
	if a.IsDocument() {
		return h.notFound(ctx, req) // its page is /van-ban/{slug}
	}
	side, nav := h.sidebar(ctx)
	base := h.baseURL(req)
	c, crumbs := h.articleContent(ctx, base, a)
	key := strings.Join([]string{base, a.ID, a.Slug, strconv.Itoa(a.Version), strconv.FormatInt(a.Views, 10), a.UpdatedAt.String(), shown(side, c.Related)}, "|")
	return h.renderMemo(ctx, req, "article", key, epoch, articleCache(a, now), func() *layout {
		return h.articleLayout(base, a, c, crumbs, nav, side)
	})
}

// articleContent is what the article page shows of a besides the sidebar:
// its times, category, related articles and share links, and the
// breadcrumbs.
func (h *Handler) articleContent(ctx context.Context, base string, a *portal.Article) (articleContent, []crumb) {
	c := articleContent{A: a, URL: base + "/bai-viet/" + a.Slug}
	if a.SourceDocument != nil {
		c.SourceSlug = a.SourceDocument.Slug
	}
	if a.PublishAt != nil {
		c.Time = timeOf(*a.PublishAt)
	}
	if !a.UpdatedAt.IsZero() {
		updated := a.UpdatedAt
		if a.PublishAt != nil && a.PublishAt.After(updated) {
			updated = *a.PublishAt // scheduled: edited before it went live
		}
		c.Updated = updated.In(portal.Vietnam).Format(time.RFC3339)
	}
	crumbs := []crumb{{Name: "Trang chủ", URL: h.path("/")}}
	if len(a.Categories) > 0 {
		if cats, err := h.categories(ctx); err == nil {
			for i := range cats {
				if cats[i].ID == a.Categories[0] {
					c.Category = &cats[i]
					crumbs = append(crumbs, crumb{Name: cats[i].Name, URL: h.path("/chuyen-muc/" + cats[i].Slug)})
				}
			}
		}
		if as, err := h.latest(ctx, a.Categories[0]); err == nil {
			for i := range as {
				if as[i].ID != a.ID && len(c.Related) < relatedSize {
					c.Related = append(c.Related, cardOf(&as[i]))
				}
			}
		}
	}
	crumbs = append(crumbs, crumb{Name: "Chi tiết tin"})
	c.Share = shareLinks(c.URL, a.Title)
	return c, crumbs
}

func (h *Handler) articleLayout(base string, a *portal.Article, c articleContent, crumbs []crumb, nav []*portal.CategoryNode, side *sidebar) *layout {
	data := &layout{
		Title: a.Title, Description: describe(a.Summary), Canonical: c.URL, OGType: "article",
		Crumbs: crumbs, Nav: nav, Side: side, Content: c,
		Feeds: []feedLink{{Title: h.cfg.Name, URL: base + "/rss.xml"}},
		LD:    h.newsArticle(base, a, c),
	}
	if a.CoverImage != nil {
		data.Image = h.absolute(base, a.CoverImage.URL)
	}
	if c.Category != nil {
		data.Feeds = append(data.Feeds, feedLink{Title: c.Category.Name, URL: base + "/chuyen-muc/" + c.Category.Slug + "/rss.xml"})
	}
	return data
}

// articleCache keeps a cached page from outliving the article's expiry.
func articleCache(a *portal.Article, now time.Time) string {
	if a.ExpiresAt != nil && a.ExpiresAt.Sub(now) < time.Minute {
		left := max(int(a.ExpiresAt.Sub(now)/time.Second), 0)
		return "public, max-age=" + strconv.Itoa(left)
	}
	return pageCache
}

// newsArticle is the article's schema.org NewsArticle, for search engines.
func (h *Handler) newsArticle(base string, a *portal.Article, c articleContent) map[string]any {
	ld := map[string]any{
		"@context": "https://schema.org", "@type": "NewsArticle",
		"headline": a.Title, "description": describe(a.Summary),
		"mainEntityOfPage": c.URL, "inLanguage": "vi",
		"datePublished": c.Time.ISO,
		"publisher": map[string]any{"@type": "Organization", "name": h.cfg.Name,
			"logo": map[string]any{"@type": "ImageObject", "url": h.absolute(base, h.logoURL())}},
	}
	if c.Updated != "" {
		ld["dateModified"] = c.Updated
	}
	if a.Author != "" {
		ld["author"] = map[string]any{"@type": "Person", "name": a.Author}
	}
	if a.CoverImage != nil {
		ld["image"] = []string{h.absolute(base, a.CoverImage.URL)}
	}
	return ld
}

// shareLinks are the plain links that share an article: no third-party
// script runs on the page, a reader's click opens the other site.
func shareLinks(pageURL, title string) []shareLink {
	// QueryEscape writes a space as "+", which mailto: reads as a plus.
	u, t := url.QueryEscape(pageURL), strings.ReplaceAll(url.QueryEscape(title), "+", "%20")
	return []shareLink{
		{"Facebook", "https://www.facebook.com/sharer/sharer.php?u=" + u},
		{"Zalo", "https://sp.zalo.me/share_inline?d=" + u},
		{"X", "https://x.com/intent/post?url=" + u + "&text=" + t},
		{"Email", "mailto:?subject=" + t + "&body=" + u},
	}
}

// describe shortens a summary to a meta description of at most 160
// characters, cut at a word.
func describe(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= 160 {
		return s
	}
	r := []rune(s)[:157]
	if i := strings.LastIndexByte(string(r), ' '); i > 80 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}

// absolute makes a root-relative path ("/anh/a.jpg", or the logo, already
// under the base path) absolute on base's origin; other URLs are kept.
func (h *Handler) absolute(base, u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return strings.TrimSuffix(base, h.basePath) + u
	}
	return u
}

// categoryContent is a category page.
type categoryContent struct {
	C        *portal.Category
	Children []*portal.CategoryNode
	Cards    []card
	Next     string // URL of the page of older articles, or ""
	Prev     string // URL of the page of newer articles, or ""
}

// category serves GET /chuyen-muc/{slug}?sau=&truoc=: a category's visible
// articles, newest first, categoryPageSize a page, with links to the older
// (sau) and newer (truoc) pages that work without JavaScript.
func (h *Handler) category(ctx context.Context, req apigw.Request, s string) apigw.Response {
	cat, node, err := h.categoryBySlug(ctx, s)
	if err != nil {
		return h.failed(ctx, req, err)
	}
	q := portal.ArticleQuery{Category: cat.ID, Limit: categoryPageSize, Now: h.now()}
	q.Cursor, q.Before = req.QueryStringParameters["sau"], req.QueryStringParameters["truoc"]
	if q.Cursor != "" && q.Before != "" {
		return h.errorPage(ctx, req, http.StatusBadRequest, nil)
	}
	page, err := h.store.ListArticles(ctx, q)
	if err == nil && q.Before != "" && len(page.Items) == 0 && page.PrevCursor == "" {
		// Paging back can end on an empty page above the first when hidden
		// articles sit at the top of the list (dynamo.ListArticles): show
		// the first page instead.
		q.Before = ""
		page, err = h.store.ListArticles(ctx, q)
	}
	if err != nil {
		return h.failed(ctx, req, err)
	}
	side, nav := h.sidebar(ctx)
	base := h.baseURL(req)
	self := "/chuyen-muc/" + cat.Slug
	c := categoryContent{C: cat, Children: node.Children, Cards: cardsOf(page.Items)}
	if page.NextCursor != "" {
		c.Next = h.path(self) + "?sau=" + url.QueryEscape(page.NextCursor)
	}
	if page.PrevCursor != "" {
		c.Prev = h.path(self) + "?truoc=" + url.QueryEscape(page.PrevCursor)
	} else if q.Cursor != "" {
		c.Prev = h.path(self) // the first page has no cursor
	}
	data := &layout{
		Title: cat.Name, Description: cat.Name + " - " + h.cfg.Name,
		Canonical: base + self, OGType: "website",
		Crumbs: []crumb{{Name: "Trang chủ", URL: h.path("/")}, {Name: cat.Name}},
		Feeds:  []feedLink{{Title: cat.Name, URL: base + self + "/rss.xml"}},
		Nav:    nav, Side: side, Content: c,
		// Later pages are for readers; search engines index the first.
		NoIndex: q.Cursor != "" || q.Before != "",
	}
	return h.render(ctx, req, "category", http.StatusOK, pageCache, data)
}

// categoryBySlug finds a category, and its node in the tree, by slug.
func (h *Handler) categoryBySlug(ctx context.Context, s string) (*portal.Category, *portal.CategoryNode, error) {
	if !slug.Valid(s) {
		return nil, nil, portal.Errorf(portal.ENOTFOUND, "Category not found.")
	}
	cats, err := h.categories(ctx)
	if err != nil {
		return nil, nil, err
	}
	var find func([]*portal.CategoryNode) *portal.CategoryNode
	find = func(ns []*portal.CategoryNode) *portal.CategoryNode {
		for _, n := range ns {
			if n.Slug == s {
				return n
			}
			if f := find(n.Children); f != nil {
				return f
			}
		}
		return nil
	}
	n := find(portal.Tree(cats))
	if n == nil {
		return nil, nil, portal.Errorf(portal.ENOTFOUND, "Category not found.")
	}
	return &n.Category, n, nil
}

// mostReadContent is the most-read page.
type mostReadContent struct {
	Period  portal.Period
	Periods []periodLink
	Cards   []card
}

type periodLink struct {
	Name, URL string
	Current   bool
}

// periodNames are the most-read page's periods, in the query's words.
var periodNames = []struct {
	key, name string
	p         portal.Period
}{
	{"ngay", "Trong ngày", portal.PeriodDay},
	{"tuan", "Trong tuần", portal.PeriodWeek},
	{"thang", "Trong tháng", portal.PeriodMonth},
}

// mostRead serves GET /doc-nhieu?ky=ngay|tuan|thang (default tuan): the most
// read articles of the period.
func (h *Handler) mostRead(ctx context.Context, req apigw.Request) apigw.Response {
	key := req.QueryStringParameters["ky"]
	if key == "" {
		key = "tuan"
	}
	c := mostReadContent{}
	for _, pn := range periodNames {
		cur := pn.key == key
		if cur {
			c.Period = pn.p
		}
		c.Periods = append(c.Periods, periodLink{Name: pn.name, URL: h.path("/doc-nhieu?ky=" + pn.key), Current: cur})
	}
	if c.Period == "" {
		return h.errorPage(ctx, req, http.StatusBadRequest, nil)
	}
	cards, err := h.mostReadList(ctx, c.Period)
	if err != nil {
		return h.failed(ctx, req, err)
	}
	c.Cards = cards[:min(len(cards), mostReadPageSize)]
	side, nav := h.sidebar(ctx)
	base := h.baseURL(req)
	data := &layout{
		Title: "Đọc nhiều", Description: "Các bài viết được đọc nhiều nhất - " + h.cfg.Name,
		Canonical: base + "/doc-nhieu", OGType: "website",
		Crumbs: []crumb{{Name: "Trang chủ", URL: h.path("/")}, {Name: "Đọc nhiều"}},
		Nav:    nav, Side: side, Content: c,
	}
	return h.render(ctx, req, "most-read", http.StatusOK, pageCache, data)
}
