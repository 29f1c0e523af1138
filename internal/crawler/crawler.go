// Package crawler tells known crawlers, bots and HTTP libraries from readers
// by their User-Agent, so that they are not counted as views.
//
// The patterns are the community-maintained list "crawler-user-agents"
// (github.com/monperrus/crawler-user-agents), npm package
// crawler-user-agents@1.60.0 (tarball sha256
// 355ff319e17919f1738122752c8036d605d0e1bcba81de31e84377d12b286d79), MIT
// licence (LICENSE.crawler-user-agents). patterns.txt is its
// crawler-user-agents.json reduced to one "pattern" per line; the whole file
// is kept in testdata/ and a test holds the two together and checks every
// example User-Agent of the list. To update: npm pack a newer version,
// replace testdata/crawler-user-agents.json and regenerate patterns.txt
// (the test prints the command).
package crawler

import (
	_ "embed"
	"regexp"
	"strings"
	"sync"
)

//go:embed patterns.txt
var patternList string

// Patterns returns the list's regular expressions, in its order.
func Patterns() []string { return strings.Split(strings.TrimRight(patternList, "\n"), "\n") }

// matcher finds any of the patterns in a User-Agent. Most patterns are
// plain text: one strings.Replacer (a trie, one pass over the input) finds
// any of them. The few real regular expressions are tried one by one, each
// only when its literal prefix occurs. A combined regexp alternation of all
// 1,500 patterns takes milliseconds per User-Agent in Go's engine; this takes
// tens of microseconds (BenchmarkIs).
type matcher struct {
	literals *strings.Replacer
	regexps  []prefixed
}

type prefixed struct {
	prefix string
	re     *regexp.Regexp
}

// Compiled on first use, not at start-up: the list takes ~10 ms to build.
var compiled = sync.OnceValue(func() *matcher {
	var olds []string
	m := &matcher{}
	for _, p := range Patterns() {
		re := regexp.MustCompile(p) // every pattern compiles: TestPatternsCompile
		prefix, complete := re.LiteralPrefix()
		if complete {
			// Replacing with "" changes the input exactly when one occurs.
			olds = append(olds, prefix, "")
			continue
		}
		m.regexps = append(m.regexps, prefixed{prefix, re})
	}
	m.literals = strings.NewReplacer(olds...)
	return m
})

func (m *matcher) match(ua string) bool {
	if m.literals.Replace(ua) != ua {
		return true
	}
	for _, p := range m.regexps {
		if p.prefix != "" && !strings.Contains(ua, p.prefix) {
			continue
		}
		if p.re.MatchString(ua) {
			return true
		}
	}
	return false
}

// maxUserAgent bounds the work one request can cause: longer User-Agents
// are treated as bots (no browser sends one this long).
const maxUserAgent = 1024

// Is reports whether userAgent is a known crawler, bot or HTTP library, or
// is empty or over 1 KB (no reader's browser sends either). It is safe for
// concurrent use; recent answers are remembered, so the common browsers cost
// a map look-up.
func Is(userAgent string) bool {
	if strings.TrimSpace(userAgent) == "" || len(userAgent) > maxUserAgent {
		return true
	}
	if v, ok := recent.get(userAgent); ok {
		return v
	}
	v := compiled().match(userAgent)
	recent.put(userAgent, v)
	return v
}

// memo is a bounded memo of answers: when full it starts over, which keeps
// the memory bounded under a flood of made-up User-Agents.
type memo struct {
	mu sync.RWMutex
	m  map[string]bool
}

const memoSize = 4096

var recent = &memo{m: map[string]bool{}}

func (c *memo) get(k string) (bool, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *memo) put(k string, v bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= memoSize {
		c.m = make(map[string]bool, memoSize)
	}
	c.m[k] = v
}
