package sanitize

import (
	"html"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/text/unicode/norm"
)

// textPolicy strips every tag, and drops the content of script, style and
// the like.
var textPolicy = bluemonday.StrictPolicy()

// Text returns s as plain text for titles, summaries, authors, sources and
// captions: tags removed (the content of script, style, iframe and the like
// with them), character references decoded ("Tom &amp; Jerry" and
// "Tom & Jerry" both give "Tom & Jerry"), control characters other than
// newline and tab removed, normalised to Unicode NFC, and trimmed. The result
// is text, not HTML: it may hold "<" or "&", and whoever renders it as HTML
// must escape it.
func Text(s string) string {
	s = html.UnescapeString(textPolicy.Sanitize(stripControls(s)))
	// Unescaping can yield control characters again (&#1; is one).
	return strings.TrimSpace(norm.NFC.String(stripControls(s)))
}

// stripControls makes s valid UTF-8 and removes control characters except
// newline and tab, and the bidirectional overrides and isolates that can
// make text read differently from how it is stored (U+202A–U+202E,
// U+2066–U+2069).
func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n', r == '\t':
			return r
		case r < 0x20, r >= 0x7f && r < 0xa0,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
