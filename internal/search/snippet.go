package search

import (
	"html"
	"strings"
)

// SnippetWords is how many words a snippet shows.
const SnippetWords = 30

// Snippet returns the passage of text that best matches q, as HTML: the
// text escaped, the matched words inside <mark>, "…" where the passage
// cuts the text. Nothing of the text's own markup survives: text is plain
// text (Document.Text), and every character of it is escaped. It returns ""
// when text has no word of q.
func Snippet(text string, q Query) string {
	toks := Tokens(text)
	word := make(map[string]int, len(q.Words)) // folded word → its index in q.Words
	for i, w := range q.Words {
		word[w] = i
	}
	pairs := make(map[string]bool, len(q.Pairs))
	for _, p := range q.Pairs {
		pairs[p] = true
	}
	want := func(t string) bool { _, ok := word[t]; return ok }
	// Per token: which word of q it is (-1: none), and whether it ends a
	// pair of the phrase.
	idx := make([]int, len(toks))
	pair := make([]bool, len(toks))
	for i, t := range toks {
		idx[i] = -1
		if w, ok := word[t.Text]; ok {
			idx[i] = w
			pair[i] = i > 0 && !t.Break && idx[i-1] >= 0 && pairs[Pair(toks[i-1].Text, t.Text)]
		}
	}
	// Slide a window of SnippetWords tokens; score it by the distinct words
	// it holds, then by the pairs of the phrase; keep the first best window
	// that starts on a match.
	count := make([]int, len(q.Words))
	distinct, npairs := 0, 0
	best, bestStart := -1, 0
	for start, end := 0, 0; start < len(toks); start++ {
		for ; end < len(toks) && end < start+SnippetWords; end++ {
			if w := idx[end]; w >= 0 {
				if count[w] == 0 {
					distinct++
				}
				count[w]++
			}
			if pair[end] && end > start {
				npairs++
			}
		}
		if idx[start] >= 0 {
			if score := distinct*100 + npairs; score > best {
				best, bestStart = score, start
			}
		}
		// Drop token start from the window.
		if w := idx[start]; w >= 0 {
			if count[w]--; count[w] == 0 {
				distinct--
			}
		}
		if start+1 < end && pair[start+1] {
			npairs-- // its pair began at start, which leaves the window
		}
	}
	if best < 0 {
		return ""
	}
	// Start a few words before the first match, for context.
	start := max(bestStart-4, 0)
	end := min(start+SnippetWords, len(toks))
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	pos := toks[start].Start
	if start == 0 {
		pos = 0 // what precedes the first word (a quote, a bracket) is part of the passage
	}
	open := false // a <mark> is open: adjacent matched words share one
	for i := start; i < end; i++ {
		t := toks[i]
		gap := oneLine(text[pos:t.Start])
		match := want(t.Text)
		if open && (!match || strings.TrimSpace(gap) != "") {
			b.WriteString("</mark>")
			open = false
		}
		b.WriteString(html.EscapeString(gap))
		if match && !open {
			b.WriteString("<mark>")
			open = true
		}
		b.WriteString(html.EscapeString(text[t.Start:t.End]))
		pos = t.End
	}
	if open {
		b.WriteString("</mark>")
	}
	if end < len(toks) {
		b.WriteString("…")
	} else {
		b.WriteString(html.EscapeString(oneLine(text[pos:])))
	}
	return b.String()
}

// oneLine turns line breaks into spaces.
func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
