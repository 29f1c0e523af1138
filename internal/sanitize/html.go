package sanitize

import (
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"

	"eportal/internal/portal"
)

var (
	digits  = regexp.MustCompile(`^[0-9]{1,4}$`)
	httpURL = regexp.MustCompile(`^(?i:https?)://`)
	// linkURL is what a link's href may be: absolute http, https or mailto.
	linkURL = regexp.MustCompile(`^\s*(?i:https?://|mailto:)`)
	// imageSrc is what an image's src may be: absolute http or https, or
	// exactly a media library path (portal.MediaPathPattern).
	imageSrc = regexp.MustCompile(`^(?i:https?)://|` + portal.MediaPathPattern)
	loading  = regexp.MustCompile(`^(lazy|eager)$`)
	flag     = regexp.MustCompile(`^(?i:allowfullscreen)?$`)
	features = regexp.MustCompile(`^[a-z-]+(; ?[a-z-]+)*;?$`)
	referrer = regexp.MustCompile(`^(no-referrer|origin|strict-origin|strict-origin-when-cross-origin)$`)
	// youTube is the only iframe source: an embed path of one video id, with
	// an optional query of plain parameters (start, rel, ...).
	youTube = regexp.MustCompile(`^https://www\.(youtube|youtube-nocookie)\.com/embed/[A-Za-z0-9_-]+(\?[A-Za-z0-9_=&;.%-]*)?$`)
)

// bodyPolicy is the allow-list for article bodies; a bluemonday policy is
// safe for concurrent use once built.
var bodyPolicy = newBodyPolicy()

func newBodyPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr",
		"strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote", "pre", "code",
		"ul", "ol", "li", "figure", "figcaption", "span", "div",
		"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption")

	// URLs: absolute http and https only (mailto for links), parsed and
	// re-serialised, so that "java\tscript:" or "&#106;avascript:" fail.
	// Relative URLs pass bluemonday only for the attributes' own patterns
	// to decide: a link's href must be absolute (linkURL), an image's src
	// absolute or a media library path (imageSrc), nothing else relative.
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")

	p.AllowAttrs("href").Matching(linkURL).OnElements("a")
	p.AllowAttrs("title").OnElements("a")
	p.RequireNoFollowOnLinks(true)
	// Absolute links open in a new tab, which makes bluemonday add
	// rel="noopener" as well: rel="nofollow noopener" target="_blank".
	p.AddTargetBlankToFullyQualifiedLinks(true)

	p.AllowAttrs("src").Matching(imageSrc).OnElements("img")
	p.AllowAttrs("alt", "title").OnElements("img")
	p.AllowAttrs("width", "height").Matching(digits).OnElements("img", "iframe")
	p.AllowAttrs("loading").Matching(loading).OnElements("img", "iframe")
	p.AllowAttrs("colspan", "rowspan").Matching(digits).OnElements("td", "th")
	p.AllowAttrs("start").Matching(digits).OnElements("ol")
	p.AllowAttrs("cite").Matching(httpURL).OnElements("blockquote")

	// YouTube's own embed code, minus frameborder and style.
	p.AllowAttrs("src").Matching(youTube).OnElements("iframe")
	p.AllowAttrs("title").OnElements("iframe")
	p.AllowAttrs("allowfullscreen").Matching(flag).OnElements("iframe")
	p.AllowAttrs("allow").Matching(features).OnElements("iframe")
	p.AllowAttrs("referrerpolicy").Matching(referrer).OnElements("iframe")
	return p
}

// HTML returns the article body s reduced to the allow-list: headings,
// paragraphs, line breaks and rules, inline emphasis (strong, b, em, i, u, s,
// sub, sup), blockquote, pre and code, lists, links, images, figures with
// captions, tables, attribute-less span and div, and YouTube embeds. Links
// keep an absolute http, https or mailto href and get rel="nofollow" (and,
// for http and https, target="_blank" with rel="noopener"); images keep an
// absolute http or https src or a media library path
// (MEDIA_BASE_URL/<id>/<slot>, portal.MediaPathPattern), alt, title,
// width, height and loading; an
// iframe survives only with a src on https://www.youtube.com/embed/ or
// https://www.youtube-nocookie.com/embed/ and is otherwise removed with its
// content. No style, class or event-handler attribute survives; neither do
// script, style, object, embed, form, input, svg, math or any other element.
// Text is normalised to NFC and control characters other than newline and
// tab are removed, before sanitising, so normalisation cannot rewrite the
// markup bluemonday produced.
func HTML(s string) string {
	return dropBareIFrames(bodyPolicy.Sanitize(norm.NFC.String(stripControls(s))))
}

// dropBareIFrames removes each iframe that the policy left without a src,
// with its content and end tag. bluemonday drops an element only when none
// of its attributes survives, so <iframe src="https://evil.example/"
// width="560"> would otherwise come out as a bare <iframe width="560">.
func dropBareIFrames(s string) string {
	if !strings.Contains(s, "<iframe") {
		return s
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	inBare := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return b.String() // io.EOF: bluemonday's output is all in memory
		}
		raw := string(z.Raw())
		tok := z.Token()
		switch {
		case tok.DataAtom != atom.Iframe:
			if inBare {
				continue // the iframe's raw text
			}
		case tt == html.EndTagToken:
			if inBare {
				inBare = false
				continue
			}
		case !hasAttr(tok, "src"):
			// Browsers read <iframe/> as a start tag too: what follows,
			// up to </iframe>, is its content and goes with it.
			inBare = true
			continue
		}
		b.WriteString(raw)
	}
}

func hasAttr(t html.Token, key string) bool {
	for _, a := range t.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}
