package site_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"eportal/infra/demo"
	"eportal/internal/portal"
	"eportal/internal/site"
)

// ldJSON returns the page's one JSON-LD object.
func (p *page) ldJSON(t *testing.T) map[string]any {
	t.Helper()
	n := p.one(t, "JSON-LD script", el("script", "type", "application/ld+json"))
	var ld map[string]any
	if err := json.Unmarshal([]byte(text(n)), &ld); err != nil {
		t.Fatalf("JSON-LD: %v: %s", err, text(n))
	}
	return ld
}

// TestArticlePage holds that the article page shows what the portal's
// article shows — breadcrumb, title, time, views, summary, body, source,
// author, back link, share links and the category's other articles — and
// what search engines and feed readers look for.
func TestArticlePage(t *testing.T) {
	e := mustEnv(t, 0)
	f := seed(t, e.store)
	c, err := demo.Parse()
	if err != nil {
		t.Fatal(err)
	}
	want := c.Articles[0]
	resp := e.get(t, "/bai-viet/"+demoSlug)
	if resp.StatusCode != 200 {
		t.Fatalf("= %d; want 200", resp.StatusCode)
	}
	p := parsePage(t, resp.Body)
	art := p.one(t, "article", el("article"))
	canonical := base + "/bai-viet/" + demoSlug

	t.Run("content", func(t *testing.T) {
		crumbs := texts(all(p.one(t, "breadcrumb", el("nav", "class", "crumbs")), el("li")))
		if strings.Join(crumbs, " > ") != "Trang chủ > Tin tức - Sự kiện > Chi tiết tin" {
			t.Errorf("breadcrumb %q", crumbs)
		}
		if h1 := texts(all(art, el("h1"))); len(h1) != 1 || h1[0] != want.Title {
			t.Errorf("<h1> %q; want %q", h1, want.Title)
		}
		tm := p.one(t, "time in the article's meta", func(n *html.Node) bool {
			return el("time")(n) && n.Parent != nil && n.Parent.Parent != nil && hasClass("p", "meta")(n.Parent.Parent)
		})
		if dt := attr(tm, "datetime"); dt != "2020-11-17T14:20:00+07:00" || dt != want.PublishAt.Format(time.RFC3339) || text(tm) != "14:20 | 17/11/2020" {
			t.Errorf("<time datetime=%q>%s; want 2020-11-17T14:20:00+07:00 and 14:20 | 17/11/2020", dt, text(tm))
		}
		meta := text(all(art, hasClass("p", "meta"))[0])
		if !strings.Contains(meta, "Ngày đăng: 14:20 | 17/11/2020") || !strings.Contains(meta, "Lượt xem: 132") {
			t.Errorf("meta line %q", meta)
		}
		if s := text(all(art, hasClass("p", "summary"))[0]); s != want.Summary {
			t.Errorf("summary %q", s)
		}
		body := all(art, hasClass("div", "body"))
		wantBody, err := html.Parse(strings.NewReader(want.Body))
		if err != nil {
			t.Fatal(err)
		}
		if len(body) != 1 || text(body[0]) != text(wantBody) || len(all(body[0], el("h3"))) != len(all(wantBody, el("h3"))) || len(all(body[0], el("h3"))) == 0 {
			t.Errorf("the body is not the article's HTML: %.200q", text(body[0]))
		}
		for class, line := range map[string]string{"source": "Nguồn: " + want.Source, "author": "Tác giả: " + want.Author} {
			if got := texts(all(art, hasClass("p", class))); len(got) != 1 || got[0] != line {
				t.Errorf("%s %q; want %q", class, got, line)
			}
		}
		if !strings.HasPrefix(want.Source, "Báo cáo số 04-BC/TU") || want.Author != "Nguyễn Phi Anh - Ban TGTU" {
			t.Errorf("the demo article changed: source %q, author %q", want.Source, want.Author)
		}
		back := all(art, func(n *html.Node) bool { return el("a")(n) && text(n) == "[Trở về]" })
		if len(back) != 1 || attr(back[0], "href") != "/chuyen-muc/"+demoCat {
			t.Errorf("[Trở về] links %d; want one to the category", len(back))
		}
		share := all(art, func(n *html.Node) bool { return el("a")(n) && n.Parent != nil && hasClass("p", "share")(n.Parent) })
		var names []string
		for _, a := range share {
			names = append(names, strings.Fields(text(a))[0])
			u, err := url.Parse(attr(a, "href"))
			if err != nil || !strings.Contains(u.RawQuery, url.QueryEscape(canonical)) || !strings.Contains(attr(a, "rel"), "noopener") {
				t.Errorf("share link %q does not carry the page's address %s", attr(a, "href"), canonical)
			}
		}
		if strings.Join(names, ",") != "Facebook,Zalo,X,Email" {
			t.Errorf("share links %v", names)
		}
		if n := len(all(art, el("figure", "class", "cover"))); n != 0 {
			t.Errorf("%d cover figures for an article without a cover", n)
		}
	})

	t.Run("other articles", func(t *testing.T) {
		related := p.section("cac-tin-khac")
		if related == nil || text(related.FirstChild.NextSibling) != "Các tin khác" {
			t.Fatal("no Các tin khác section")
		}
		got := articleLinks(hrefs(related))
		wantSlugs := []string{f.cover, f.hostile, f.renamed, f.plain} // the category's visible others, newest first
		if !slices.Equal(got, wantSlugs) {
			t.Errorf("Các tin khác %v; want %v", got, wantSlugs)
		}
	})

	t.Run("SEO", func(t *testing.T) {
		name := site.DemoConfig().Name
		if got := text(p.one(t, "title", el("title"))); got != want.Title+" - "+name {
			t.Errorf("<title> %q", got)
		}
		d := p.meta("name", "description")
		if utf8.RuneCountInString(d) > 160 || len(d) < 80 || !strings.HasPrefix(want.Summary, strings.TrimSuffix(d, "…")) {
			t.Errorf("description %q: want the summary's start, at most 160 characters", d)
		}
		if got := attr(p.one(t, "canonical", el("link", "rel", "canonical")), "href"); got != canonical {
			t.Errorf("canonical %q; want %q", got, canonical)
		}
		for _, m := range []struct{ key, name, want string }{
			{"property", "og:title", want.Title}, {"property", "og:type", "article"}, {"property", "og:url", canonical},
			{"property", "og:image", ""}, {"name", "twitter:card", "summary"},
		} {
			if got := p.meta(m.key, m.name); got != m.want {
				t.Errorf("%s %q; want %q", m.name, got, m.want)
			}
		}
		ld := p.ldJSON(t)
		published, _ := ld["datePublished"].(string)
		if ld["@type"] != "NewsArticle" || ld["headline"] != want.Title || ld["mainEntityOfPage"] != canonical || published != "2020-11-17T14:20:00+07:00" {
			t.Errorf("JSON-LD %v", ld)
		}
		if author, _ := ld["author"].(map[string]any); author["name"] != want.Author {
			t.Errorf("JSON-LD author %v", ld["author"])
		}
		var feeds []string
		for _, l := range p.all(el("link", "rel", "alternate", "type", "application/rss+xml")) {
			feeds = append(feeds, attr(l, "href"))
		}
		if !slices.Equal(feeds, []string{base + "/rss.xml", base + "/chuyen-muc/" + demoCat + "/rss.xml"}) {
			t.Errorf("RSS autodiscovery %v", feeds)
		}
	})
}

// TestCoverImage holds that an article's cover shows with its caption and
// is the image it is shared with.
func TestCoverImage(t *testing.T) {
	e := mustEnv(t, 0)
	f := seed(t, e.store)
	const img, caption = "https://cdn.example.vn/anh-bia.jpg", "Quang cảnh hội nghị"
	p := parsePage(t, e.get(t, "/bai-viet/"+f.cover).Body)
	fig := p.one(t, "cover figure", el("figure", "class", "cover"))
	imgs, caps := all(fig, el("img")), all(fig, el("figcaption"))
	if len(imgs) != 1 || attr(imgs[0], "src") != img || len(caps) != 1 || text(caps[0]) != caption {
		t.Errorf("cover %d images, captions %q; want %s with %q", len(imgs), texts(caps), img, caption)
	}
	if p.meta("property", "og:image") != img || p.meta("name", "twitter:card") != "summary_large_image" || p.meta("name", "twitter:image") != img {
		t.Errorf("og:image %q, twitter:card %q", p.meta("property", "og:image"), p.meta("name", "twitter:card"))
	}
	if images, _ := p.ldJSON(t)["image"].([]any); len(images) != 1 || images[0] != img {
		t.Errorf("JSON-LD image %v", images)
	}
}

// TestEscaping holds that an article's texts are shown as text wherever
// they appear: a title that is an <img onerror> tag, an author and a
// source that are <script> elements.
func TestEscaping(t *testing.T) {
	e := mustEnv(t, 0)
	f := seed(t, e.store)
	for _, target := range []string{"/bai-viet/" + f.hostile, "/", "/chuyen-muc/" + demoCat, "/doc-nhieu", "/bai-viet/" + f.cover} {
		t.Run(target, func(t *testing.T) {
			resp := e.get(t, target)
			if resp.StatusCode != 200 {
				t.Fatalf("= %d", resp.StatusCode)
			}
			if !strings.Contains(resp.Body, "&lt;img src=x onerror=alert(1)&gt;") {
				t.Errorf("the title is not on the page as escaped text")
			}
			p := parsePage(t, resp.Body)
			for _, n := range p.all(func(n *html.Node) bool { return n.Type == html.ElementNode }) {
				for _, a := range n.Attr {
					if strings.HasPrefix(strings.ToLower(a.Key), "on") {
						t.Errorf("<%s %s=%q>: an event handler on the page", n.Data, a.Key, a.Val)
					}
				}
			}
			for _, s := range p.all(el("script")) {
				src, typ := attr(s, "src"), attr(s, "type")
				switch {
				case strings.HasPrefix(src, "/static/") && text(s) == "":
				case typ == "application/ld+json" && src == "" && !strings.Contains(text(s), "<"):
				default:
					t.Errorf("a script that is not the site's: src %q type %q: %.80q", src, typ, text(s))
				}
			}
			links := p.all(func(n *html.Node) bool { return el("a", "href", "/bai-viet/"+f.hostile)(n) })
			if len(links) == 0 {
				t.Fatal("no link to the article")
			}
			for _, a := range links {
				if text(a) != hostileTitle {
					t.Errorf("link text %q; want the title as text %q", text(a), hostileTitle)
				}
			}
		})
	}

	p := parsePage(t, e.get(t, "/bai-viet/"+f.hostile).Body)
	art := p.one(t, "article", el("article"))
	for _, c := range []struct {
		m    match
		want string
	}{
		{el("h1"), hostileTitle},
		{hasClass("p", "author"), "Tác giả: " + hostileAuthor},
		{hasClass("p", "source"), "Nguồn: " + hostileSource},
	} {
		if got := texts(all(art, c.m)); len(got) != 1 || got[0] != c.want {
			t.Errorf("%q; want the text %q", got, c.want)
		}
	}
	if got := text(p.one(t, "title", el("title"))); !strings.HasPrefix(got, hostileTitle+" - ") {
		t.Errorf("<title> %q", got)
	}
	if got := p.meta("property", "og:title"); got != hostileTitle {
		t.Errorf("og:title %q", got)
	}
	ld := p.ldJSON(t)
	if author, _ := ld["author"].(map[string]any); ld["headline"] != hostileTitle || author["name"] != hostileAuthor {
		t.Errorf("JSON-LD headline %q, author %v", ld["headline"], ld["author"])
	}
}

// TestVisibility holds that an article readers may not see — a draft, one in
// review, one scheduled for later, an expired, an archived or a deleted one
// — has no page and is in no list, while every visible one is; and that an
// article's old slug sends readers to its new one.
func TestVisibility(t *testing.T) {
	e := mustEnv(t, 0)
	f := seed(t, e.store)
	for why, s := range f.hidden {
		t.Run(why, func(t *testing.T) {
			resp := e.get(t, "/bai-viet/"+s)
			if resp.StatusCode != 404 || text(parsePage(t, resp.Body).first(el("h1"))) != "Không tìm thấy trang" {
				t.Errorf("/bai-viet/%s = %d; want the 404 page", s, resp.StatusCode)
			}
		})
	}
	for _, s := range f.visible {
		if resp := e.get(t, "/bai-viet/"+s); resp.StatusCode != 200 {
			t.Errorf("/bai-viet/%s = %d; want 200", s, resp.StatusCode)
		}
	}

	inCat := []string{f.cover, f.hostile, f.renamed, f.plain, demoSlug}
	mostRead := []string{f.cover, f.hostile} // the hidden ones were read more
	lists := []struct {
		name, target string
		where        func(p *page) *html.Node
		want         []string // the article links there, in order
	}{
		{"home", "/", (*page).main, f.visible},
		{"category", "/chuyen-muc/" + demoCat, (*page).main, inCat},
		{"subcategory", "/chuyen-muc/khoa-xix", (*page).main, []string{f.child}},
		{"most read, day", "/doc-nhieu?ky=ngay", (*page).main, mostRead},
		{"most read, week", "/doc-nhieu?ky=tuan", (*page).main, mostRead},
		{"most read, month", "/doc-nhieu?ky=thang", (*page).main, mostRead},
		{"sidebar's most read", "/", func(p *page) *html.Node { return p.section("sb-doc-nhieu") }, mostRead},
		{"other articles", "/bai-viet/" + demoSlug, func(p *page) *html.Node { return p.section("cac-tin-khac") }, inCat[:4]},
		{"other articles of the newest", "/bai-viet/" + f.cover, func(p *page) *html.Node { return p.section("cac-tin-khac") }, inCat[1:]},
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			p := parsePage(t, e.get(t, l.target).Body)
			n := l.where(p)
			if n == nil {
				t.Fatal("no such part on the page")
			}
			if got := articleLinks(hrefs(n)); !slices.Equal(got, l.want) {
				t.Errorf("links %v; want %v", got, l.want)
			}
			for _, s := range f.hiddenSlugs() {
				if strings.Contains(p.src, "/bai-viet/"+s+`"`) {
					t.Errorf("the page links to %s", s)
				}
			}
		})
	}

	t.Run("old slug", func(t *testing.T) {
		for _, method := range []string{"GET", "HEAD"} {
			resp := serve(t, e.h, request(t, method, "/bai-viet/"+f.oldSlug, nil))
			if resp.StatusCode != 301 || resp.Headers["Location"] != "/bai-viet/"+f.renamed || resp.Body != "" || resp.Headers["Cache-Control"] != "public, max-age=300" {
				t.Errorf("%s = %d %v; want 301 to /bai-viet/%s", method, resp.StatusCode, resp.Headers, f.renamed)
			}
			checkSecurity(t, resp)
		}
	})

	// The same articles, once the clock has passed the scheduled one's
	// publish time: the only thing that hid it was time.
	t.Run("scheduled, later", func(t *testing.T) {
		e.clock.Set(now.Add(2 * time.Hour))
		defer e.clock.Set(now)
		if resp := e.get(t, "/bai-viet/"+f.hidden["scheduled"]); resp.StatusCode != 200 {
			t.Errorf("scheduled article after its time = %d; want 200", resp.StatusCode)
		}
		got := articleLinks(hrefs(parsePage(t, e.get(t, "/").Body).main()))
		if len(got) == 0 || got[0] != f.hidden["scheduled"] {
			t.Errorf("home after the scheduled time: %v; want %s first", got, f.hidden["scheduled"])
		}
		for _, why := range []string{"draft", "in review", "expired", "archived", "deleted"} {
			if slices.Contains(got, f.hidden[why]) {
				t.Errorf("home after the scheduled time lists the %s article", why)
			}
		}
	})
}

// TestExpiresWhileCached holds that an article leaves every list at its
// expiry, even when the list was cached in the instance before.
func TestExpiresWhileCached(t *testing.T) {
	e := mustEnv(t, 0)
	ctx := t.Context()
	publish, expires := now.Add(-time.Hour), now.Add(30*time.Second)
	a := &portal.Article{ID: "sap-het-han", Slug: "sap-het-han", Title: "Sắp hết hạn", Summary: "Tóm tắt", Body: "<p>Nội dung</p>",
		Categories: []string{demoCat}, Status: portal.StatusPublished, PublishAt: &publish, ExpiresAt: &expires,
		CreatedAt: publish, UpdatedAt: publish, Version: 1}
	if err := e.store.CreateArticle(ctx, a, "tester", publish); err != nil {
		t.Fatal(err)
	}
	counts := portal.ViewCounts{Total: 5, Days: map[string]int64{portal.DayOf(now).Compact(): 5}}
	if ok, err := e.store.RollUp(ctx, &portal.ViewTarget{Article: *a}, counts, now.Add(-time.Minute), time.Minute); !ok || err != nil {
		t.Fatalf("roll up: %v %v", ok, err)
	}
	targets := []string{"/", "/chuyen-muc/" + demoCat, "/doc-nhieu", "/doc-nhieu?ky=ngay", "/bai-viet/" + demoSlug, "/sitemap.xml", "/rss.xml"}
	// Twice: the second time every page is made of warm cache values only.
	for _, target := range append(targets, targets...) {
		if resp := e.get(t, target); !strings.Contains(resp.Body, "/bai-viet/"+a.Slug+"<") && !strings.Contains(resp.Body, "/bai-viet/"+a.Slug+`"`) {
			t.Fatalf("%s does not list the article before its expiry", target)
		}
	}
	resp := e.get(t, "/bai-viet/"+a.Slug)
	if resp.StatusCode != 200 || resp.Headers["Cache-Control"] != "public, max-age=30" {
		t.Errorf("article 30 s before its expiry = %d, Cache-Control %q; want 200 cached for 30 s", resp.StatusCode, resp.Headers["Cache-Control"])
	}

	e.clock.Set(expires) // within the cache's TTL
	for _, target := range append(targets, "/bai-viet/"+a.Slug) {
		resp := e.get(t, target)
		if strings.Contains(resp.Body, "/bai-viet/"+a.Slug) {
			t.Errorf("%s still shows the article at its expiry", target)
		}
	}
	if resp := e.get(t, "/bai-viet/"+a.Slug); resp.StatusCode != 404 {
		t.Errorf("article at its expiry = %d; want 404", resp.StatusCode)
	}
}
