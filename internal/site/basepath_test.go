package site_test

import (
	"encoding/xml"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"eportal/internal/site"
)

// prefix is the base path of TestBasePath: the edge serves the site under
// it and strips it, so requests arrive without it.
const prefix = "/tin-tuc"

// TestBasePath: with a base path, every site path a page writes — links,
// form actions, assets, the canonical and Open Graph URLs, feeds, JSON-LD —
// carries it, as do the 301 of an old slug, the feeds, the sitemap and
// robots.txt; the pages name it to site.js on <html data-base>. External
// links (share links, the linked websites, editors' images) are kept.
func TestBasePath(t *testing.T) {
	e := mustEnv(t, 0, site.WithBasePath(prefix))
	f := seed(t, e.store)
	seedFiller(t, e.store, documentPageSize+1) // a list of documents with Trang sau
	siteURL := base + prefix

	// sitePath returns the path of u when it is on this site (a path, or an
	// absolute URL on the site's host), else "", false.
	sitePath := func(u string) (string, bool) {
		p, err := url.Parse(u)
		if err != nil {
			t.Errorf("unparsable URL %q", u)
			return "", false
		}
		switch {
		case p.Scheme == "" && p.Host == "" && strings.HasPrefix(u, "/"):
			return p.Path, true
		case p.Scheme == "https" && "https://"+p.Host == base:
			return p.Path, true
		}
		return "", false // a fragment, or another site's
	}
	for _, target := range []string{"/", "/bai-viet/" + demoSlug, "/chuyen-muc/" + demoCat, "/chuyen-muc/khoa-xix",
		"/doc-nhieu", "/doc-nhieu?ky=ngay", "/binh-chon/" + demoPoll, "/docs", "/khong-co-trang-nay",
		"/van-ban", "/van-ban?loai=cong-van", "/van-ban/04-bc-tu-2020"} {
		t.Run(target, func(t *testing.T) {
			resp := e.get(t, target)
			if resp.StatusCode != 200 && resp.StatusCode != 404 {
				t.Fatalf("= %d", resp.StatusCode)
			}
			p := parsePage(t, resp.Body)
			if got := attr(p.one(t, "<html>", el("html")), "data-base"); got != prefix {
				t.Errorf("<html data-base=%q>; want %q", got, prefix)
			}
			n := 0
			for _, node := range p.all(func(n *html.Node) bool { return n.Type == html.ElementNode }) {
				for _, a := range []string{"href", "src", "action"} {
					v, ok := attrOf(node, a)
					if !ok {
						continue
					}
					path, ours := sitePath(v)
					if !ours || strings.HasPrefix(path, "/media/") {
						continue // a stored MEDIA_BASE_URL address (the demo's attachment) is kept
					}
					n++
					if !strings.HasPrefix(path, prefix+"/") {
						t.Errorf("<%s %s=%q> is a site path outside %s/", node.Data, a, v, prefix)
					}
				}
			}
			if n < 10 {
				t.Errorf("only %d site paths on the page", n)
			}
			if c := p.first(el("link", "rel", "canonical")); c != nil {
				if og := p.meta("property", "og:url"); !strings.HasPrefix(attr(c, "href"), siteURL+"/") || og != attr(c, "href") {
					t.Errorf("canonical %q, og:url %q; want under %s/", attr(c, "href"), og, siteURL)
				}
			} else if resp.StatusCode == 200 {
				t.Error("no canonical link")
			}
			for _, l := range p.all(el("link", "type", "application/rss+xml")) {
				if !strings.HasPrefix(attr(l, "href"), siteURL+"/") {
					t.Errorf("feed link %q; want under %s/", attr(l, "href"), siteURL)
				}
			}
			if target == "/bai-viet/"+demoSlug {
				ld := p.ldJSON(t)
				logo, _ := ld["publisher"].(map[string]any)["logo"].(map[string]any)
				if ld["mainEntityOfPage"] != siteURL+"/bai-viet/"+demoSlug || !strings.HasPrefix(logo["url"].(string), siteURL+"/static/logo.") {
					t.Errorf("JSON-LD page %v, logo %v; want under %s/", ld["mainEntityOfPage"], logo["url"], siteURL)
				}
				share := p.all(func(n *html.Node) bool { return el("a")(n) && n.Parent != nil && hasClass("p", "share")(n.Parent) })
				if len(share) == 0 || !strings.Contains(attr(share[0], "href"), url.QueryEscape(siteURL+"/bai-viet/"+demoSlug)) {
					t.Errorf("share links %v do not share the page's URL under the base path", hrefs(p.root))
				}
			}
			if target == "/" {
				if ld := p.ldJSON(t); ld["url"] != siteURL+"/" {
					t.Errorf("JSON-LD url %v; want %s/", ld["url"], siteURL)
				}
			}
		})
	}

	t.Run("old slug", func(t *testing.T) {
		resp := e.get(t, "/bai-viet/"+f.oldSlug)
		if resp.StatusCode != 301 || resp.Headers["Location"] != prefix+"/bai-viet/"+f.renamed {
			t.Errorf("= %d Location %q; want 301 to %s/bai-viet/%s", resp.StatusCode, resp.Headers["Location"], prefix, f.renamed)
		}
	})

	t.Run("feeds", func(t *testing.T) {
		for _, target := range []string{"/rss.xml", "/chuyen-muc/" + demoCat + "/rss.xml", "/van-ban/rss.xml"} {
			resp := e.get(t, target)
			var doc struct {
				Channel struct {
					Items []struct {
						Link string `xml:"link"`
						GUID string `xml:"guid"`
					} `xml:"item"`
				} `xml:"channel"`
			}
			if err := xml.Unmarshal([]byte(resp.Body), &doc); err != nil || len(doc.Channel.Items) == 0 {
				t.Fatalf("%s: %v, %d items", target, err, len(doc.Channel.Items))
			}
			var links []string
			for _, it := range doc.Channel.Items {
				links = append(links, it.Link, it.GUID)
			}
			for _, l := range links {
				if !strings.HasPrefix(l, siteURL+"/") {
					t.Errorf("%s: link %q; want under %s/", target, l, siteURL)
				}
			}
			self := strings.TrimSuffix(target, "rss.xml")
			if !strings.Contains(resp.Body, `href="`+siteURL+target+`"`) || !strings.Contains(resp.Body, "<link>"+strings.TrimSuffix(siteURL+self, "/")) {
				t.Errorf("%s: the channel's link and atom:link are not under the base path:\n%.600s", target, resp.Body)
			}
		}
	})

	t.Run("sitemap", func(t *testing.T) {
		var doc struct {
			URLs []struct {
				Loc string `xml:"loc"`
			} `xml:"url"`
		}
		if err := xml.Unmarshal([]byte(e.get(t, "/sitemap.xml").Body), &doc); err != nil || len(doc.URLs) < len(f.visible) {
			t.Fatalf("sitemap: %v, %d URLs", err, len(doc.URLs))
		}
		for _, u := range doc.URLs {
			if !strings.HasPrefix(u.Loc, siteURL+"/") {
				t.Errorf("sitemap loc %q; want under %s/", u.Loc, siteURL)
			}
		}
	})

	t.Run("robots.txt", func(t *testing.T) {
		want := "User-agent: *\nAllow: /tin-tuc/\nDisallow: /tin-tuc/admin/\nDisallow: /tin-tuc/binh-chon/*?loi=\n\nSitemap: " + siteURL + "/sitemap.xml\n"
		if got := e.get(t, "/robots.txt").Body; got != want {
			t.Errorf("robots.txt\n%s\nwant\n%s", got, want)
		}
	})

	t.Run("site.js", func(t *testing.T) {
		p := parsePage(t, e.get(t, "/").Body)
		src := attr(p.one(t, "script", el("script", "src", "")), "src")
		file, ok := strings.CutPrefix(src, prefix+"/static/")
		if !ok {
			t.Fatalf("script src %q", src)
		}
		js := e.get(t, "/static/"+file) // the edge strips the base path
		if js.StatusCode != 200 || !strings.Contains(js.Body, `getAttribute("data-base")`) ||
			!strings.Contains(js.Body, `fetch(base + "/articles/"`) || !strings.Contains(js.Body, `fetch(base + "/polls/"`) {
			t.Errorf("site.js (%d) does not build its fetch URLs on data-base", js.StatusCode)
		}
	})
}
