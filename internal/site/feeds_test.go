package site_test

import (
	"encoding/xml"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"eportal/infra/demo"
	"eportal/internal/site"
)

// readFeed fetches and parses an RSS feed.
func (e *env) readFeed(t *testing.T, target string) *gofeed.Feed {
	t.Helper()
	resp := e.get(t, target)
	if resp.StatusCode != 200 || resp.Headers["Content-Type"] != "application/rss+xml; charset=utf-8" {
		t.Fatalf("%s = %d %q; want 200 RSS", target, resp.StatusCode, resp.Headers["Content-Type"])
	}
	feed, err := gofeed.NewParser().ParseString(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	if feed.FeedType != "rss" || feed.FeedVersion != "2.0" {
		t.Errorf("%s is %s %s; want RSS 2.0", target, feed.FeedType, feed.FeedVersion)
	}
	return feed
}

// TestFeeds parses the site's feed and a category's with gofeed: the
// channel, then an item per visible article of the feed's scope, newest
// first, each with its link as guid, its publish time in Vietnam time and
// its summary.
func TestFeeds(t *testing.T) {
	e := mustEnv(t, 0)
	f := seed(t, e.store)
	c, err := demo.Parse()
	if err != nil {
		t.Fatal(err)
	}
	times := map[string]time.Time{demoSlug: c.Articles[0].PublishAt}
	titles := map[string]string{demoSlug: c.Articles[0].Title, f.hostile: hostileTitle}
	for i, s := range []string{f.cover, f.hostile, f.renamed, f.child, f.plain} {
		times[s] = now.Add(-time.Duration(i+1) * time.Hour) // as seed publishes them
	}
	name := site.DemoConfig().Name
	tests := []struct {
		target, title, link string
		slugs               []string
	}{
		{"/rss.xml", name, base + "/", f.visible},
		{"/chuyen-muc/" + demoCat + "/rss.xml", "Tin tức - Sự kiện - " + name, base + "/chuyen-muc/" + demoCat,
			[]string{f.cover, f.hostile, f.renamed, f.plain, demoSlug}},
		{"/chuyen-muc/khoa-xix/rss.xml", "Khóa XIX - " + name, base + "/chuyen-muc/khoa-xix", []string{f.child}},
		{"/chuyen-muc/khoa-ix/rss.xml", "Khóa IX - " + name, base + "/chuyen-muc/khoa-ix", nil},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			feed := e.readFeed(t, tt.target)
			if feed.Title != tt.title || feed.Link != tt.link || feed.FeedLink != base+tt.target || feed.Language != "vi" || feed.Description == "" {
				t.Errorf("channel %q %q self %q lang %q; want %q %q self %q lang vi, a description",
					feed.Title, feed.Link, feed.FeedLink, feed.Language, tt.title, tt.link, base+tt.target)
			}
			var got []string
			for _, it := range feed.Items {
				s := strings.TrimPrefix(it.Link, base+"/bai-viet/")
				got = append(got, s)
				if it.GUID != it.Link || !strings.HasPrefix(it.Link, base+"/bai-viet/") {
					t.Errorf("item %q: link %q, guid %q; want the article's absolute address as both", it.Title, it.Link, it.GUID)
				}
				if !strings.HasSuffix(it.Published, " +0700") || it.PublishedParsed == nil || !it.PublishedParsed.Equal(times[s]) {
					t.Errorf("item %s: pubDate %q; want %s in +0700", s, it.Published, times[s].In(time.FixedZone("", 7*3600)).Format(time.RFC1123Z))
				}
				if title := titles[s]; title != "" && it.Title != title {
					t.Errorf("item %s: title %q; want %q", s, it.Title, title)
				}
				if s == demoSlug && it.Description != c.Articles[0].Summary || s != demoSlug && !strings.HasPrefix(it.Description, "Tóm tắt ") {
					t.Errorf("item %s: description %.60q; want the summary", s, it.Description)
				}
			}
			if !slices.Equal(got, tt.slugs) {
				t.Errorf("items %v; want %v", got, tt.slugs)
			}
			for _, s := range f.hiddenSlugs() {
				if slices.Contains(got, s) {
					t.Errorf("the feed lists hidden %s", s)
				}
			}
		})
	}
}

// sitemapDoc is the sitemaps.org protocol's urlset.
type sitemapDoc struct {
	XMLName xml.Name `xml:"urlset"`
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

// TestSitemap checks /sitemap.xml against the sitemaps.org protocol and
// that it names the home page, every category, the documents' list, every
// visible article and every published document, and nothing else; and
// that robots.txt names it.
func TestSitemap(t *testing.T) {
	e := mustEnv(t, 0)
	f := seed(t, e.store)
	resp := e.get(t, "/sitemap.xml")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Body, xml.Header) {
		t.Fatalf("= %d %.60q; want 200 and an XML declaration", resp.StatusCode, resp.Body)
	}
	var doc sitemapDoc
	if err := xml.Unmarshal([]byte(resp.Body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" || len(doc.URLs) > 50000 || len(resp.Body) > 50<<20 {
		t.Errorf("urlset in namespace %q with %d URLs, %d bytes", doc.XMLName.Space, len(doc.URLs), len(resp.Body))
	}
	var got []string
	for _, u := range doc.URLs {
		loc, err := url.Parse(u.Loc)
		if err != nil || loc.Scheme != "https" || loc.Host == "" || u.Loc != strings.TrimSpace(u.Loc) {
			t.Errorf("loc %q is not an absolute URL", u.Loc)
		}
		if u.LastMod != "" && !w3cDatetime(u.LastMod) {
			t.Errorf("%s: lastmod %q is not a W3C datetime", u.Loc, u.LastMod)
		}
		got = append(got, u.Loc)
	}
	c, err := demo.Parse()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{base + "/", base + "/van-ban"}
	for _, cat := range c.Categories {
		want = append(want, base+"/chuyen-muc/"+cat.Slug)
	}
	for _, s := range f.visible {
		want = append(want, base+"/bai-viet/"+s)
	}
	docs, err := c.DocumentsAt(time.Now(), "/media")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		want = append(want, base+"/van-ban/"+d.Slug)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("sitemap\n %v\nwant\n %v", got, want)
	}
	// lastmod of the home page is the newest change of a visible article:
	// not a hidden one's, not in the future.
	if doc.URLs[0].Loc != base+"/" || doc.URLs[0].LastMod == "" {
		t.Fatalf("first URL %v; want the home page with a lastmod", doc.URLs[0])
	}
	if home, _ := time.Parse(time.RFC3339, doc.URLs[0].LastMod); home.After(now) {
		t.Errorf("home lastmod %s is after now", home)
	}

	robots := e.get(t, "/robots.txt")
	var sitemaps []string
	for _, line := range strings.Split(robots.Body, "\n") {
		if v, ok := strings.CutPrefix(line, "Sitemap: "); ok {
			sitemaps = append(sitemaps, v)
		}
	}
	if len(sitemaps) != 1 || sitemaps[0] != base+"/sitemap.xml" || !strings.Contains(robots.Body, "User-agent: *") {
		t.Errorf("robots.txt names sitemaps %q; want %s:\n%s", sitemaps, base+"/sitemap.xml", robots.Body)
	}
}

// w3cDatetime reports whether s is one of the W3C datetime forms sitemaps
// take (https://www.w3.org/TR/NOTE-datetime): a date, or a date and time with
// a zone.
func w3cDatetime(s string) bool {
	for _, layout := range []string{"2006", "2006-01", "2006-01-02", "2006-01-02T15:04Z07:00", time.RFC3339, time.RFC3339Nano} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
