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
	want := make(map[string]bool, len(q.Words))
	for _, w := range q.Words {
		want[w] = true
	}
	pairs := make(map[string]bool, len(q.Pairs))
	for _, p := range q.Pairs {
		pairs[p] = true
	}
	// Score each window of SnippetWords tokens by the distinct words it
	// holds, then by the pairs of the phrase; keep the first best.
	best, bestStart := -1, 0
	for start := 0; start < len(toks); start++ {
		if !want[toks[start].Text] {
			continue // a best window may as well start on a match
		}
		end := min(start+SnippetWords, len(toks))
		seen := map[string]bool{}
		score := 0
		for i := start; i < end; i++ {
			if want[toks[i].Text] && !seen[toks[i].Text] {
				seen[toks[i].Text] = true
				score += 100
			}
			if i > start && !toks[i].Break && pairs[Pair(toks[i-1].Text, toks[i].Text)] {
				score++
			}
		}
		if score > best {
			best, bestStart = score, start
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
		match := want[t.Text]
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
