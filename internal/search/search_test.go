package search_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"eportal/internal/portal"
	"eportal/internal/search"
)

func words(text string) []string {
	var out []string
	for _, t := range search.Tokens(text) {
		out = append(out, t.Text)
	}
	return out
}

func TestTokensFold(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"NFC with tones", "TUYÊN TRUYỀN MIỆNG", []string{"tuyen", "truyen", "mieng"}},
		{"NFD", norm.NFD.String("tuyên truyền miệng"), []string{"tuyen", "truyen", "mieng"}},
		{"tone on either vowel", "hoà hòa thuỷ thủy", []string{"hoa", "hoa", "thuy", "thuy"}},
		{"combining tone typed after the word", "Kho\u0301a", []string{"khoa"}},
		{"đ and Đ", "Đảng đoàn", []string{"dang", "doan"}},
		{"full-width letters", "Ｑｕａｎｇ Ｎａｍ", []string{"quang", "nam"}},
		{"ligature", "ﬁle", []string{"file"}},
		{"zero-width joiner and soft hyphen inside a word", "Quả\u200dng Na\u00adm", []string{"quang", "nam"}},
		{"document number", "04-BC/TU", []string{"04", "bc", "tu"}},
		{"punctuation and emoji separate", "«Quảng Nam»🎉!", []string{"quang", "nam"}},
		{"nothing", " -- … ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := words(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Tokens(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTokensOffsetsAndBreaks(t *testing.T) {
	text := "Quảng Nam. Tuyên truyền; miệng\nĐảng 30.10.2020"
	toks := search.Tokens(text)
	var got []string
	for _, tk := range toks {
		s := text[tk.Start:tk.End]
		if tk.Break {
			s = "|" + s
		}
		got = append(got, s)
	}
	want := []string{"Quảng", "Nam", "|Tuyên", "truyền", "|miệng", "|Đảng", "30", "10", "2020"}
	if !slices.Equal(got, want) {
		t.Errorf("tokens = %q; want %q", got, want)
	}
}

func TestTokenTruncated(t *testing.T) {
	long := strings.Repeat("ệ", 100)
	toks := search.Tokens(long)
	if len(toks) != 1 || len(toks[0].Text) > search.MaxTokenBytes || !utf8.ValidString(toks[0].Text) {
		t.Fatalf("Tokens(long) = %+v", toks)
	}
}

func TestParse(t *testing.T) {
	q, err := search.Parse("  Tuyên truyền  miệng tuyên ")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"tuyen", "truyen", "mieng"}; !slices.Equal(q.Words, want) {
		t.Errorf("Words = %q; want %q", q.Words, want)
	}
	if want := []string{"tuyen truyen", "truyen mieng", "mieng tuyen"}; !slices.Equal(q.Pairs, want) {
		t.Errorf("Pairs = %q; want %q", q.Pairs, want)
	}
	if q.Key() != "tuyen truyen mieng" {
		t.Errorf("Key = %q", q.Key())
	}
	long, err := search.Parse("một hai ba bốn năm sáu bảy tám chín mười")
	if err != nil {
		t.Fatal(err)
	}
	if len(long.Words) != search.MaxWords || len(long.Pairs) != search.MaxWords-1 {
		t.Errorf("ten words: %d words, %d pairs; want %d and %d", len(long.Words), len(long.Pairs), search.MaxWords, search.MaxWords-1)
	}
	if _, err := search.Parse(norm.NFD.String(strings.Repeat("ệ", search.MaxQueryRunes))); err != nil {
		t.Errorf("%d characters: %v", search.MaxQueryRunes, err)
	}
	for _, bad := range []string{"", "   \t\n", "?!… —", strings.Repeat("ă", search.MaxQueryRunes+1), "a\xffb"} {
		if _, err := search.Parse(bad); portal.ErrorCode(err) != portal.EINVALID {
			t.Errorf("Parse(%q) = %v; want EINVALID", bad, err)
		}
	}
}

func TestScore(t *testing.T) {
	const T, S, B = search.InTitle, search.InSummary, search.InBody
	tests := []struct {
		name         string
		words, pairs []search.Field
	}{
		// Best first: each case must score strictly below the one before.
		{"phrase in title", []search.Field{T | B, T | B, T}, []search.Field{T, T}},
		{"phrase in summary", []search.Field{S, S, S | B}, []search.Field{S, S}},
		{"phrase in body", []search.Field{T | B, B, B}, []search.Field{B, B}},
		{"all words in title, not as a phrase", []search.Field{T, T, T}, []search.Field{0, B}},
		{"all words in summary", []search.Field{S, S, S | T}, []search.Field{0, 0}},
		{"all words in body", []search.Field{B, B, B}, []search.Field{B, 0}},
		{"words scattered across fields", []search.Field{T, S, B}, []search.Field{0, 0}},
	}
	prev := 1 << 30
	for _, tt := range tests {
		got := search.Score(tt.words, tt.pairs)
		if got >= prev {
			t.Errorf("%s: score %d, not below the case before (%d)", tt.name, got, prev)
		}
		prev = got
	}
	if one, phrase := search.Score([]search.Field{T}, nil), search.Score([]search.Field{T, T}, []search.Field{T}); one != phrase {
		t.Errorf("one word in the title scores %d; a phrase in the title %d", one, phrase)
	}
}

func TestSnippet(t *testing.T) {
	q, _ := search.Parse("tuyen truyen mieng")
	text := "Mở đầu. " + strings.Repeat("chữ ", 60) + "Ban <Tuyên> giáo & công tác tuyên truyền miệng của Đảng " + strings.Repeat("đuôi ", 60)
	got := search.Snippet(text, q)
	for _, want := range []string{"<mark>tuyên truyền miệng</mark>", "&lt;<mark>Tuyên</mark>&gt;", "&amp;"} {
		if !strings.Contains(got, want) {
			t.Errorf("snippet %q lacks %q", got, want)
		}
	}
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("snippet %q: a passage from the middle starts and ends with …", got)
	}
	if n := len(search.Tokens(got)); n > search.SnippetWords+6 { // "mark" tags are words too
		t.Logf("snippet has %d tokens", n)
	}
	if s := search.Snippet("«Tuyên truyền» <b>", q); s != "«<mark>Tuyên truyền</mark>» &lt;b&gt;" {
		t.Errorf("text before the first word: %q", s)
	}
	if s := search.Snippet("Không liên quan", q); s != "" {
		t.Errorf("no match: snippet %q; want empty", s)
	}
	if s := search.Snippet("Tuyên truyền miệng", q); s != "<mark>Tuyên truyền miệng</mark>" {
		t.Errorf("whole text: %q", s)
	}
}

func TestBodyText(t *testing.T) {
	body := `<h3>Tiêu đề</h3><p>Đoạn <strong>một</strong>&nbsp;có&amp;ký hiệu</p><script>alert(1)</script><ul><li>A</li><li> B </li></ul><p>x&lt;y</p>`
	want := "Tiêu đề\nĐoạn một có&ký hiệu\nA\nB\nx<y"
	if got := search.BodyText(body); got != want {
		t.Errorf("BodyText = %q; want %q", got, want)
	}
}

func TestDocumentTermsAndGen(t *testing.T) {
	a := search.Article{ID: "a1", Slug: "bai", Title: "Tuyên truyền miệng", Summary: "Tóm tắt",
		BodyHTML: "<p>Quảng Nam.</p><p>Tuyên giáo</p>", Tags: []string{"Quy chế"}, Author: "Nguyễn Văn A", Source: "04-BC/TU",
		Status: "published", PublishAt: "2020-11-17T07:20:00Z"}
	d := search.NewDocument(a)
	terms := d.Terms()
	for term, want := range map[string]search.Field{
		"tuyen": search.InTitle | search.InBody, "tuyen truyen": search.InTitle, "truyen mieng": search.InTitle,
		"quang nam": search.InBody, "quy che": search.InSummary, "bc tu": search.InBody, "nguyen van": search.InBody,
	} {
		if terms[term] != want {
			t.Errorf("term %q: fields %b; want %b", term, terms[term], want)
		}
	}
	if _, ok := terms["nam tuyen"]; ok {
		t.Error(`"nam tuyen" spans two paragraphs; it is not a pair`)
	}
	gen := d.Gen()
	if again := search.NewDocument(a).Gen(); again != gen {
		t.Errorf("Gen not stable: %s, %s", gen, again)
	}
	for name, change := range map[string]func(*search.Article){
		"title":   func(a *search.Article) { a.Title += "!" },
		"body":    func(a *search.Article) { a.BodyHTML += "<p>thêm</p>" },
		"expires": func(a *search.Article) { a.ExpiresAt = "2030-01-01T00:00:00Z" },
		"tags":    func(a *search.Article) { a.Tags = nil },
		"slug":    func(a *search.Article) { a.Slug = "bai-2" },
	} {
		b := a
		change(&b)
		if search.NewDocument(b).Gen() == gen {
			t.Errorf("changing the %s keeps the generation", name)
		}
	}
}

// FuzzTokens: any input tokenizes without panic into folded words that
// fold to themselves, with offsets inside the text; a snippet of it is
// escaped text with no markup but <mark>.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{"Tuyên truyền miệng", norm.NFD.String("Quảng Nam"), "<script>x</script>", "a\xffb", "ﬁ\u200d", "đĐ", strings.Repeat("ệ", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		prevEnd := 0
		for _, tk := range search.Tokens(text) {
			if tk.Text == "" || tk.Start < prevEnd || tk.End > len(text) || tk.Start >= tk.End {
				t.Fatalf("bad token %+v in %q", tk, text)
			}
			if search.Fold(tk.Text) != tk.Text && len(tk.Text) < search.MaxTokenBytes-4 {
				t.Fatalf("token %q folds to %q", tk.Text, search.Fold(tk.Text))
			}
			prevEnd = tk.End
		}
		q, err := search.Parse(text)
		if err != nil {
			return
		}
		s := search.Snippet(text, q)
		rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s)
		if strings.ContainsAny(rest, "<>") {
			t.Fatalf("snippet %q carries markup", s)
		}
	})
}

// BenchmarkDocumentTerms is the CPU the indexer spends on an article of the
// sample's size (1,500 words) before its writes: body text, tokens, terms,
// generation.
func BenchmarkDocumentTerms(b *testing.B) {
	para := "<p>Ban Tuyên giáo Tỉnh ủy Quảng Nam đẩy mạnh công tác tuyên truyền miệng của Đảng, thực hiện Quy chế 340-QĐ/TW.</p>"
	body := strings.Repeat(para, 75) // ≈ 1,500 words, 9 KB
	a := search.Article{ID: "a1", Slug: "bai", Title: "Đẩy mạnh thực hiện cung cấp thông tin phục vụ công tác tuyên truyền miệng của Đảng",
		Summary: strings.Repeat("Cách mạng công nghiệp 4.0 đem lại rất nhiều thuận lợi. ", 5), BodyHTML: body,
		Status: "published", PublishAt: "2020-11-17T07:20:00Z"}
	for b.Loop() {
		d := search.NewDocument(a)
		_ = d.Terms()
		_ = d.Gen()
	}
}

// BenchmarkSnippet is the CPU of one result's snippet from 6,000 bytes of text.
func BenchmarkSnippet(b *testing.B) {
	text := strings.Repeat("Ban Tuyên giáo Tỉnh ủy đẩy mạnh công tác thông tin của Đảng. ", 100) + "tuyên truyền miệng"
	q, _ := search.Parse("tuyen truyen mieng")
	for b.Loop() {
		_ = search.Snippet(text, q)
	}
}
