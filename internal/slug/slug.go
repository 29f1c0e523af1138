// Package slug makes URL slugs from Vietnamese titles: "Khóa XIX" becomes
// "khoa-xix". Tones and marks are removed, Đ/đ become d, everything else that
// is not an ASCII letter or digit separates words.
package slug

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// MaxLen is the longest slug Make returns. Longer results are cut at a word
// boundary so a slug never ends in half a word.
const MaxLen = 100

// reserved are words that a static route uses in the place of a slug
// (GET /articles/popular) and so can never name an article.
var reserved = map[string]bool{"popular": true}

// Make folds title to a slug. It returns "" when the title has no ASCII letter
// or digit after folding (empty, only punctuation, only emoji): the caller then
// picks a fallback. Make does not check reserved words or uniqueness; see
// Reserved.
func Make(title string) string {
	// NFD splits "ố" into "o" + marks; dropping the marks leaves the letter.
	// Đ/đ are letters in their own right, not a "D" with a mark, so they are
	// mapped by hand.
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, title)
	if err != nil {
		folded = title
	}
	var b strings.Builder
	pendingHyphen := false
	for _, r := range folded {
		switch {
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if pendingHyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			pendingHyphen = false
			b.WriteRune(r)
			continue
		}
		pendingHyphen = true
	}
	return truncate(b.String(), MaxLen)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	if i := strings.LastIndexByte(s, '-'); i > 0 {
		s = s[:i]
	}
	return strings.Trim(s, "-")
}

// Valid reports whether s has the form Make produces: 1 to MaxLen lower-case
// ASCII letters and digits in hyphen-separated words. Handlers use it to refuse
// malformed path parameters before touching the store.
func Valid(s string) bool {
	if s == "" || len(s) > MaxLen || !utf8.ValidString(s) {
		return false
	}
	if s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Reserved reports whether s is a word a static route uses and so cannot be an
// article's slug.
func Reserved(s string) bool { return reserved[s] }
