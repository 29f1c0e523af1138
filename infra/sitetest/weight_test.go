package sitetest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// maxArticleWeight bounds the sample article page's HTML, CSS and
// JavaScript together, uncompressed, images aside.
const maxArticleWeight = 60 << 10

// TestPageWeight weighs the sample article page as a browser fetches it:
// the document, then every stylesheet and script it links (the print
// stylesheet too: browsers fetch it at low priority), uncompressed.
func TestPageWeight(t *testing.T) {
	t.Parallel()
	s := mustSite(t)
	status, doc := s.do(t, http.MethodGet, articlePath, "", "")
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d", articlePath, status)
	}
	styles, scripts := subresources(t, doc)
	if len(styles) == 0 || len(scripts) == 0 {
		t.Fatalf("the article links stylesheets %q and scripts %q; want some of each", styles, scripts)
	}
	weigh := func(urls []string) int {
		n := 0
		for _, u := range urls {
			status, b := s.do(t, http.MethodGet, u, "", "")
			if status != http.StatusOK {
				t.Fatalf("GET %s: status %d", u, status)
			}
			n += len(b)
		}
		return n
	}
	htmlBytes, css, js := len(doc), weigh(styles), weigh(scripts)
	total := htmlBytes + css + js
	t.Logf("article page: HTML %d B, CSS %d B (%d files), JS %d B (%d files), total %d B (%.1f KB) of %d KB",
		htmlBytes, css, len(styles), js, len(scripts), total, float64(total)/1024, maxArticleWeight>>10)
	if total > maxArticleWeight {
		t.Errorf("article page weighs %d B (HTML %d, CSS %d, JS %d); want at most %d", total, htmlBytes, css, js, maxArticleWeight)
	}
}

// subresources returns the paths of the stylesheets and external scripts
// that doc links, on this site: the site loads nothing from elsewhere, and
// an absolute URL fails the test.
func subresources(t *testing.T, doc []byte) (styles, scripts []string) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(string(doc)))
	if err != nil {
		t.Fatal(err)
	}
	attr := func(n *html.Node, name string) string {
		for _, a := range n.Attr {
			if a.Key == name {
				return a.Val
			}
		}
		return ""
	}
	local := func(ref string) string {
		u, err := url.Parse(ref)
		if err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			t.Errorf("subresource %q: want a path on this site", ref)
			return ""
		}
		return u.String()
	}
	for n := range root.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch {
		case n.Data == "link" && strings.Contains(" "+attr(n, "rel")+" ", " stylesheet "):
			if u := local(attr(n, "href")); u != "" {
				styles = append(styles, u)
			}
		case n.Data == "script" && attr(n, "src") != "":
			if u := local(attr(n, "src")); u != "" {
				scripts = append(scripts, u)
			}
		}
	}
	return styles, scripts
}
