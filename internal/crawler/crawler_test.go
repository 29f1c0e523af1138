package crawler

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"testing"
)

type entry struct {
	Pattern   string   `json:"pattern"`
	Instances []string `json:"instances"`
}

func mustList(t testing.TB) []entry {
	t.Helper()
	raw, err := os.ReadFile("testdata/crawler-user-agents.json")
	if err != nil {
		t.Fatal(err)
	}
	var list []entry
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	return list
}

// TestPatternsMatchTheList holds patterns.txt to the vendored list.
func TestPatternsMatchTheList(t *testing.T) {
	var want []string
	for _, e := range mustList(t) {
		want = append(want, e.Pattern)
	}
	if got := Patterns(); !slices.Equal(got, want) {
		t.Fatalf("patterns.txt (%d) differs from testdata/crawler-user-agents.json (%d); regenerate with:\n"+
			`  python3 -c "import json;print(''.join(x['pattern']+'\n' for x in json.load(open('testdata/crawler-user-agents.json'))),end='')" > patterns.txt`,
			len(got), len(want))
	}
}

func TestPatternsCompile(t *testing.T) {
	for _, p := range Patterns() {
		if _, err := regexp.Compile(p); err != nil {
			t.Errorf("pattern %q: %v", p, err)
		}
	}
}

// TestListInstances checks every example User-Agent the list gives.
func TestListInstances(t *testing.T) {
	n := 0
	for _, e := range mustList(t) {
		for _, ua := range e.Instances {
			n++
			if !compiled().match(ua) {
				t.Errorf("instance of %q not recognised: %q", e.Pattern, ua)
			}
		}
	}
	if n < 1000 {
		t.Errorf("only %d instances checked", n)
	}
}

func TestIs(t *testing.T) {
	tests := []struct {
		ua   string
		want bool
	}{
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true},
		{"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", true},
		{"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", true},
		{"Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)", true},
		{"curl/8.5.0", true},
		{"python-requests/2.32.3", true},
		{"Go-http-client/1.1", true},
		{"", true},
		{"   ", true},
		{string(make([]byte, 2000)), true},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", false},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", false},
		{"Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", false},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", false},
		{"Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/137.0 Chrome/131.0 Mobile Safari/537.36", false},
		{"Mozilla/5.0 (Linux; Android 14; Zalo) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36 ZaloTheme/light", false},
	}
	for _, tt := range tests {
		for round := 0; round < 2; round++ { // the second answer comes from the memo
			if got := Is(tt.ua); got != tt.want {
				t.Errorf("Is(%.60q) round %d = %v; want %v", tt.ua, round, got, tt.want)
			}
		}
	}
}

func BenchmarkIs(b *testing.B) {
	const ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
	m := compiled()
	b.Run("uncached", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if m.match(ua) {
				b.Fatal("browser taken for a bot")
			}
		}
	})
	b.Run("memo", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if Is(ua) {
				b.Fatal("browser taken for a bot")
			}
		}
	})
}
