package search

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"eportal/internal/portal"
)

// Query limits. A query longer than MaxQueryRunes characters is refused; of a
// longer one only the first MaxWords distinct words are looked up, which
// bounds the calls a query makes (docs/search.md): a reader who pastes a
// whole title still finds the article by its first eight syllables.
const (
	MaxQueryRunes = 200
	MaxWords      = 8
	// MaxQueryBytes refuses a query before its characters are counted: a
	// Vietnamese character typed decomposed (NFD, "ệ" = e + two marks)
	// takes at most 5 bytes, 6 leaves room.
	MaxQueryBytes = 6 * MaxQueryRunes
)

// Query is a reader's query, read.
type Query struct {
	// Words are the distinct folded words, in the order typed; every one
	// must occur in a result.
	Words []string
	// Pairs are the distinct pairs of adjacent words typed: a result
	// holding all of them in one field holds the phrase.
	Pairs []string
}

// Parse reads a query. It refuses an empty or blank one, or one over
// MaxQueryRunes characters, or one with no letter or digit, with EINVALID.
func Parse(q string) (Query, error) {
	q = strings.TrimSpace(q)
	if !utf8.ValidString(q) {
		return Query{}, portal.Errorf(portal.EINVALID, "q must be UTF-8 text.")
	}
	if q == "" {
		return Query{}, portal.Errorf(portal.EINVALID, "q must not be empty.")
	}
	if len(q) > MaxQueryBytes {
		return Query{}, portal.Errorf(portal.EINVALID, "q is longer than %d characters.", MaxQueryRunes)
	}
	// Characters as readers count them: a tone typed as a combining mark
	// (NFD) is part of its letter.
	if n := utf8.RuneCountInString(norm.NFC.String(q)); n > MaxQueryRunes {
		return Query{}, portal.Errorf(portal.EINVALID, "q is longer than %d characters.", MaxQueryRunes)
	}
	var out Query
	seen := map[string]bool{}
	var prev string
	for _, t := range Tokens(q) {
		if !seen[t.Text] {
			if len(out.Words) == MaxWords {
				break
			}
			seen[t.Text] = true
			out.Words = append(out.Words, t.Text)
		}
		if prev != "" && prev != t.Text {
			p := Pair(prev, t.Text)
			if !seen[p] {
				seen[p] = true
				out.Pairs = append(out.Pairs, p)
			}
		}
		prev = t.Text
	}
	if len(out.Words) == 0 {
		return Query{}, portal.Errorf(portal.EINVALID, "q must contain a letter or a digit.")
	}
	return out, nil
}

// Key is the canonical form of q: two queries with the same key find the
// same articles (a cursor is bound to it).
func (q Query) Key() string { return strings.Join(q.Words, " ") }

// Terms are the index terms a query looks up: its words, then its pairs.
func (q Query) Terms() []string { return append(append([]string(nil), q.Words...), q.Pairs...) }

// Score ranks a match: words[i] is where q.Words[i] occurs in the article,
// pairs[j] where q.Pairs[j] does. The whole phrase in one field ranks above
// every word in one field, which ranks above words scattered across
// fields; within each, title above summary above body. A single word's
// field counts as its phrase. Higher is better; recency breaks ties
// (the caller's order).
func Score(words, pairs []Field) int {
	all := func(fs []Field) Field {
		in := InTitle | InSummary | InBody
		for _, f := range fs {
			in &= f
		}
		return in
	}
	best := func(f Field) int {
		switch {
		case f&InTitle != 0:
			return 3
		case f&InSummary != 0:
			return 2
		case f&InBody != 0:
			return 1
		}
		return 0
	}
	phrase := pairs
	if len(words) == 1 {
		phrase = words
	}
	if len(phrase) > 0 {
		if s := best(all(phrase)); s > 0 {
			return 6 + s
		}
	}
	if s := best(all(words)); s > 0 {
		return 3 + s
	}
	return 1
}

// PhraseScore is the least Score of an article that holds the phrase.
const PhraseScore = 7
