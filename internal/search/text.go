// Package search is the pure part of eportal's search: how Vietnamese text
// becomes index terms, how a reader's query is read, how matches are ranked
// and how a snippet marks the matched words. It makes no call; the index
// items and the query plan on DynamoDB are in internal/dynamo (search.go),
// the stream consumer in internal/indexer. docs/search.md has the design.
//
// Vietnamese is written in syllables separated by spaces: "tuyên truyền
// miệng" is three tokens, and the words a reader means are runs of them. The
// index therefore holds each syllable (a "word" here) and each pair of
// adjacent syllables (a "pair"), so that a phrase is found as a chain of
// pairs and ranked above the same syllables scattered through a text.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxTokenBytes is the longest token kept; longer runs (URLs, hashes) are
// cut so no index key grows without bound.
const MaxTokenBytes = 40

// Token is one word of a text: its folded form and where it sits in the
// text it was read from.
type Token struct {
	Text       string // folded: lower case, no tones or marks, đ → d
	Start, End int    // byte offsets of the word in the original text
	// Break is set when a sentence or paragraph boundary separates the token
	// from the one before: no pair spans it.
	Break bool
}

// Fold folds one word: compatibility forms (full-width letters, ligatures)
// become plain letters, tones and marks are removed wherever they sit
// (NFC or NFD input, "hoà" or "hòa"), Đ/đ become d, letters become lower
// case, and invisible format characters (zero-width joiners, soft hyphens)
// are dropped.
func Fold(word string) string {
	// Fast path, for nearly every word of a Vietnamese text: ASCII and
	// precomposed Latin letters, each folded by a table.
	buf := make([]byte, 0, len(word))
	for _, r := range word {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			buf = append(buf, byte(r))
		case latin[r] != 0:
			buf = append(buf, latin[r])
		default:
			return foldSlow(word)
		}
	}
	return string(buf)
}

// foldSlow folds through Unicode decomposition: marks typed separately,
// full-width letters, ligatures, other scripts.
func foldSlow(word string) string {
	var b strings.Builder
	b.Grow(len(word))
	for _, r := range norm.NFKD.String(word) {
		switch {
		case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Cf, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		default:
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// latin folds the precomposed Latin letters (Latin-1, Extended-A and B,
// Extended Additional: every Vietnamese letter) whose fold is one ASCII
// letter; 0 for the others.
var latin = func() map[rune]byte {
	m := map[rune]byte{'đ': 'd', 'Đ': 'd'}
	for _, span := range [][2]rune{{0xC0, 0x24F}, {0x1E00, 0x1EFF}} {
		for r := span[0]; r <= span[1]; r++ {
			if f := foldSlow(string(r)); len(f) == 1 && f[0] < utf8.RuneSelf {
				m[r] = f[0]
			}
		}
	}
	return m
}()

// wordRune reports whether r belongs to a word. Marks belong to the letter
// before them (NFD input); format characters sit inside words.
func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) ||
		unicode.Is(unicode.Cf, r)
}

// Tokens splits text into folded words. A run of letters, digits and marks
// is a word; everything else separates words. A boundary that ends a
// sentence (". ", "! ", "? ", "; ", ": " or a line break) sets the next
// token's Break.
func Tokens(text string) []Token {
	var out []Token
	brk := false
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !wordRune(r) {
			if r == '\n' || r == '\r' || r == '\u2029' {
				brk = true
			} else if strings.ContainsRune(".!?;:…", r) {
				next, _ := utf8.DecodeRuneInString(text[i+n:])
				if i+n >= len(text) || unicode.IsSpace(next) {
					brk = true
				}
			}
			i += n
			continue
		}
		start := i
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if !wordRune(r) {
				break
			}
			i += n
		}
		f := Fold(text[start:i])
		if f == "" {
			continue // only format characters or marks
		}
		out = append(out, Token{Text: truncate(f), Start: start, End: i, Break: brk})
		brk = false
	}
	return out
}

// truncate cuts s to at most MaxTokenBytes without splitting a rune.
func truncate(s string) string {
	if len(s) <= MaxTokenBytes {
		return s
	}
	cut := MaxTokenBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// Pair is the index term of two adjacent words.
func Pair(a, b string) string { return a + " " + b }
