package search

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Field is a set of the parts of an article a term occurs in.
type Field uint8

// The indexed fields, best first for ranking.
const (
	InTitle Field = 1 << iota
	InSummary
	InBody
)

// Limits of what one article puts in the index. A very long body is indexed
// by its first MaxBodyTokens words (a few thousand write units at most per
// indexing; docs/search.md); the snippet text kept for results is the
// body's first MaxSnippetText bytes.
const (
	MaxBodyTokens  = 5000
	MaxSnippetText = 6000
)

// Document is what the index knows of one published article.
type Document struct {
	ID, Slug, Title, Summary string
	// Text is the body as plain text (BodyText), cut at MaxSnippetText.
	Text string
	// Status, PublishAt and ExpiresAt (fixed-width UTC text, "" when
	// absent) decide visibility at query time.
	Status, PublishAt, ExpiresAt string
	// Keywords (the tags) are indexed with the summary; Credits (author and
	// source) with the body. Neither is shown in a result.
	Keywords, Credits string
	// Kind is "document" for a legal document, whose Number (số ký hiệu)
	// is indexed with the title: "04-BC/TU" finds it as "04 bc tu".
	Kind, Number string
	// bodyTokens are the body's tokens when the document was made from
	// the full body (NewDocument); Terms uses them.
	bodyTokens []Token
}

// Article is what NewDocument reads of an article.
type Article struct {
	ID, Slug, Title, Summary, BodyHTML string
	Tags                               []string
	Author, Source                     string
	Status, PublishAt, ExpiresAt       string
	Kind, Number                       string // a document's (see Document)
}

// NewDocument makes the document of an article whose body is sanitized HTML.
func NewDocument(a Article) Document {
	text := BodyText(a.BodyHTML)
	toks := Tokens(text)
	if len(toks) > MaxBodyTokens {
		toks = toks[:MaxBodyTokens]
	}
	return Document{ID: a.ID, Slug: a.Slug, Title: a.Title, Summary: a.Summary, Text: cut(text, MaxSnippetText),
		Status: a.Status, PublishAt: a.PublishAt, ExpiresAt: a.ExpiresAt,
		Keywords: strings.Join(a.Tags, "\n"), Credits: a.Author + "\n" + a.Source, bodyTokens: toks,
		Kind: a.Kind, Number: a.Number}
}

// Terms returns every index term of d — each word and each pair of adjacent
// words — with the fields it occurs in.
func (d Document) Terms() map[string]Field {
	terms := make(map[string]Field)
	add := func(toks []Token, f Field) {
		for i, t := range toks {
			terms[t.Text] |= f
			if i > 0 && !t.Break {
				terms[Pair(toks[i-1].Text, t.Text)] |= f
			}
		}
	}
	add(Tokens(d.Title), InTitle)
	add(Tokens(d.Number), InTitle)
	add(Tokens(d.Summary), InSummary)
	add(Tokens(d.Keywords), InSummary)
	body := d.bodyTokens
	if body == nil {
		body = Tokens(d.Text)
	}
	add(body, InBody)
	add(Tokens(d.Credits), InBody)
	return terms
}

// Gen is the generation of d: a hash of everything the index holds of it.
// Index entries carry it, so entries of two versions of an article never
// share a key, and re-indexing an unchanged article writes nothing.
func (d Document) Gen() string {
	h := sha256.New()
	for _, s := range []string{d.ID, d.Slug, d.Title, d.Summary, d.Status, d.PublishAt, d.ExpiresAt, d.Keywords, d.Credits, d.Kind, d.Number} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, t := range d.bodyTokens {
		h.Write([]byte(t.Text))
		h.Write([]byte{' '})
	}
	h.Write([]byte(d.Text))
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// blocks are the elements that end a line of text: a paragraph's last word
// and the next paragraph's first word are not a phrase.
var blocks = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "tr": true, "td": true, "th": true, "table": true,
	"figure": true, "figcaption": true, "blockquote": true, "section": true, "article": true, "hr": true,
}

// BodyText is the text of an HTML body: tags removed, entities decoded, a
// line break at each block boundary, runs of blank space collapsed.
func BodyText(body string) string {
	z := html.NewTokenizer(strings.NewReader(body))
	var b strings.Builder
	space, line := false, false // a space or a line break is due before the next word
	skip := 0                   // inside <script>/<style>, which the sanitizer removes anyway
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip > 0 {
				continue
			}
			text := string(z.Text())
			if first, _ := utf8.DecodeRuneInString(text); unicode.IsSpace(first) {
				space = true
			}
			for _, f := range strings.Fields(text) {
				switch {
				case b.Len() == 0:
				case line:
					b.WriteByte('\n')
				case space:
					b.WriteByte(' ')
				}
				b.WriteString(f)
				space, line = true, false
			}
			last, _ := utf8.DecodeLastRuneInString(text)
			space = unicode.IsSpace(last)
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch {
			case tag == "script" || tag == "style":
				if z.Token().Type == html.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
			case blocks[tag]:
				line = true
			}
		}
	}
}

// cut shortens s to at most n bytes, at a word boundary when there is one
// in its second half.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	if i := strings.LastIndexAny(s, " \n"); i > n/2 {
		return s[:i]
	}
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
