package site_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// page is a parsed HTML page. Tests read attributes from the parsed tree,
// never by matching the source: the template escapes attribute values its
// own way (a "+" becomes "&#43;").
type page struct {
	root *html.Node
	src  string
}

// parsePage parses body as HTML, failing the test when it is not.
func parsePage(t *testing.T, body string) *page {
	t.Helper()
	root, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse page: %v", err)
	}
	return &page{root: root, src: body}
}

// match is a test on an element.
type match func(n *html.Node) bool

// el matches elements named tag whose attributes have the given values,
// given as name, value pairs ("" value: the attribute is present).
func el(tag string, attrs ...string) match {
	return func(n *html.Node) bool {
		if n.Type != html.ElementNode || n.Data != tag {
			return false
		}
		for i := 0; i+1 < len(attrs); i += 2 {
			v, ok := attrOf(n, attrs[i])
			if !ok || (attrs[i+1] != "" && v != attrs[i+1]) {
				return false
			}
		}
		return true
	}
}

// hasClass matches elements named tag with class c among their classes.
func hasClass(tag, c string) match {
	return func(n *html.Node) bool {
		v, _ := attrOf(n, "class")
		return n.Type == html.ElementNode && n.Data == tag && strings.Contains(" "+v+" ", " "+c+" ")
	}
}

// all returns the elements under n (n included) that m matches, in
// document order.
func all(n *html.Node, m match) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if m(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// one returns the only element of the page m matches, failing the test
// when there is not exactly one.
func (p *page) one(t *testing.T, what string, m match) *html.Node {
	t.Helper()
	ns := all(p.root, m)
	if len(ns) != 1 {
		t.Fatalf("%d %s on the page; want 1", len(ns), what)
	}
	return ns[0]
}

// all returns the elements of the page m matches.
func (p *page) all(m match) []*html.Node { return all(p.root, m) }

// first returns the first element of the page m matches, or nil.
func (p *page) first(m match) *html.Node {
	if ns := all(p.root, m); len(ns) > 0 {
		return ns[0]
	}
	return nil
}

func attrOf(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name && a.Namespace == "" {
			return a.Val, true
		}
	}
	return "", false
}

// attr returns n's attribute name, or "".
func attr(n *html.Node, name string) string {
	v, _ := attrOf(n, name)
	return v
}

// text returns the text under n, with runs of white space made one space.
func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// texts returns the text of each node.
func texts(ns []*html.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = text(n)
	}
	return out
}

// hrefs returns the href of every link under n.
func hrefs(n *html.Node) []string {
	var out []string
	for _, a := range all(n, el("a", "href", "")) {
		out = append(out, attr(a, "href"))
	}
	return out
}

// meta returns the content of the page's <meta> whose attribute key
// ("name" or "property") is name, or "" when there is none.
func (p *page) meta(key, name string) string {
	if n := p.first(el("meta", key, name)); n != nil {
		return attr(n, "content")
	}
	return ""
}

// main returns the page's <main>, or the whole page when it has none.
func (p *page) main() *html.Node {
	if n := p.first(el("main")); n != nil {
		return n
	}
	return p.root
}

// section returns the element of the page labelled by the heading whose id
// is id (aria-labelledby), or nil.
func (p *page) section(id string) *html.Node {
	return p.first(func(n *html.Node) bool {
		return n.Type == html.ElementNode && attr(n, "aria-labelledby") == id
	})
}
