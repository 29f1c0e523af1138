package site_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
	"eportal/internal/site"
)

// searchPaging is how many articles mustSearchEnv titles with "Hội nghị
// tổng kết": more than a results page holds.
const searchPaging = 12

// mustSearchEnv is mustEnv with seed's articles and searchPaging more, all
// indexed: no stream consumer runs in these tests.
func mustSearchEnv(t *testing.T) (*env, fixture, []string) {
	t.Helper()
	e := mustEnv(t, 0)
	f := seed(t, e.store)
	ctx := context.Background()
	var paging []string
	for i := 1; i <= searchPaging; i++ {
		at := now.Add(-time.Duration(24+i) * time.Hour)
		a := &portal.Article{ID: fmt.Sprintf("p-%d", i), Slug: fmt.Sprintf("hoi-nghi-tong-ket-%d", i),
			Title: fmt.Sprintf("Hội nghị tổng kết số %d", i), Body: "<p>Hội nghị tổng kết công tác năm.</p>",
			Categories: []string{demoCat}, Status: portal.StatusPublished, PublishAt: &at, CreatedAt: at, UpdatedAt: at, Version: 1}
		if err := e.store.CreateArticle(ctx, a, "tester", at); err != nil {
			t.Fatal(err)
		}
		paging = append(paging, a.Slug)
	}
	if _, err := e.store.IndexAll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	e.calls.Reset()
	return e, f, paging
}

// searchTarget is the results page's address for q, and for the cursor
// sau when sau is not nil.
func searchTarget(q string, sau *string) string {
	v := url.Values{"q": {q}}
	if sau != nil {
		v.Set("sau", *sau)
	}
	return "/tim-kiem?" + v.Encode()
}

// searchView is what a results page shows.
type searchView struct {
	p       *page
	h1      string
	boxes   []string // the values of the header's and the page's search inputs
	results []*html.Node
	slugs   []string // the results' article links, in order
	docs    []string // the results' document links (/van-ban/), in order
	next    string   // the "Xem tiếp" link, or ""
	notice  string
}

func (e *env) readSearch(t *testing.T, target string, status int) searchView {
	t.Helper()
	resp := e.get(t, target)
	wantCache := pageCache
	if status != 200 {
		wantCache = noStore
	}
	if resp.StatusCode != status || resp.Headers["Content-Type"] != htmlType || resp.Headers["Cache-Control"] != wantCache {
		t.Fatalf("GET %s = %d %q %q; want %d, HTML, %q", target, resp.StatusCode, resp.Headers["Content-Type"], resp.Headers["Cache-Control"], status, wantCache)
	}
	checkSecurity(t, resp)
	p := parsePage(t, resp.Body)
	v := searchView{p: p, h1: text(p.first(el("h1"))), notice: text(p.first(hasClass("p", "notice")))}
	if p.meta("name", "robots") != "noindex" {
		t.Errorf("GET %s: no <meta name=robots content=noindex>", target)
	}
	for _, id := range []string{"tim-kiem-q", "tim-kiem-trang"} {
		in := p.one(t, "#"+id, el("input", "id", id, "name", "q"))
		p.one(t, "label for "+id, el("label", "for", id))
		v.boxes = append(v.boxes, attr(in, "value"))
	}
	if ol := p.first(hasClass("ol", "search-results")); ol != nil {
		v.results = all(ol, el("li"))
		for _, li := range v.results {
			v.slugs = append(v.slugs, articleLinks(hrefs(li))...)
			for _, h := range hrefs(li) {
				if s, ok := strings.CutPrefix(h, "/van-ban/"); ok {
					v.docs = append(v.docs, s)
				}
			}
		}
	}
	if a := p.first(el("a", "rel", "next")); a != nil {
		v.next = attr(a, "href")
	}
	return v
}

// TestSearchDocumentNumber: a document's number finds its page.
func TestSearchDocumentNumber(t *testing.T) {
	e, _, _ := mustSearchEnv(t)
	for _, q := range []string{"04-BC/TU", "340-qd-tw"} {
		v := e.readSearch(t, searchTarget(q, nil), 200)
		if len(v.results) == 0 || len(v.docs) == 0 || len(articleLinks(hrefs(v.results[0]))) != 0 {
			t.Fatalf("q=%s: %d results, documents %v; want a document first", q, len(v.results), v.docs)
		}
		want := map[string]string{"04-BC/TU": "04-bc-tu-2020", "340-qd-tw": "340-qd-tw-2010"}[q]
		if v.docs[0] != want {
			t.Errorf("q=%s: first document %s; want %s", q, v.docs[0], want)
		}
	}
}

// TestSearchPage: a query without diacritics finds the demo article, with
// its time and the matched words marked, then the demo documents that hold
// the words, each linked to its page under /van-ban/ with its number; the
// form keeps the query.
func TestSearchPage(t *testing.T) {
	e, _, _ := mustSearchEnv(t)
	for _, q := range []string{"tuyen truyen mieng", "TUYÊN TRUYỀN MIỆNG"} {
		v := e.readSearch(t, searchTarget(q, nil), 200)
		if want := "Kết quả tìm kiếm: “" + q + "”"; v.h1 != want {
			t.Errorf("<h1> %q; want %q", v.h1, want)
		}
		if !slices.Equal(v.boxes, []string{q, q}) {
			t.Errorf("search boxes %q; want both %q", v.boxes, q)
		}
		if !slices.Equal(v.slugs, []string{demoSlug}) || len(v.results) != 4 || len(articleLinks(hrefs(v.results[0]))) != 1 {
			t.Fatalf("results %v; want the demo article first, then three documents", v.slugs)
		}
		if want := []string{"04-bc-tu-2020", "340-qd-tw-2010", "17-ct-tw-2007"}; !slices.Equal(v.docs, want) {
			t.Errorf("document results %v; want %v", v.docs, want)
		}
		if meta := text(all(v.results[1], hasClass("p", "meta"))[0]); !strings.HasPrefix(meta, "Văn bản số 04-BC/TU") {
			t.Errorf("the document's result says %q; want its number", meta)
		}
		li := v.results[0]
		if got := text(all(li, el("h2"))[0]); got != demoTitle {
			t.Errorf("result title %q; want %q", got, demoTitle)
		}
		if tm := all(li, el("time")); len(tm) != 1 || text(tm[0]) != "14:20 | 17/11/2020" || attr(tm[0], "datetime") != "2020-11-17T14:20:00+07:00" {
			t.Errorf("result time %v; want 14:20 | 17/11/2020", texts(tm))
		}
		marks := texts(all(li, el("mark")))
		if !slices.Contains(marks, "tuyên truyền miệng") {
			t.Errorf("marked words %q; want the phrase marked as one", marks)
		}
		if count := text(v.p.first(hasClass("p", "search-count"))); count != "Tìm thấy 4 kết quả phù hợp." {
			t.Errorf("count %q", count)
		}
		if v.next != "" {
			t.Errorf("a next link %q on the only page", v.next)
		}
	}
}

// TestSearchBox: every page has the header's search box, a GET form to the
// results page with a labelled q.
func TestSearchBox(t *testing.T) {
	e := mustEnv(t, 0)
	for _, target := range []string{"/", "/bai-viet/" + demoSlug, "/chuyen-muc/" + demoCat, "/doc-nhieu", "/binh-chon/" + demoPoll, "/khong-co"} {
		p := parsePage(t, e.get(t, target).Body)
		form := p.one(t, "header search form", el("form", "role", "search"))
		if attr(form, "action") != "/tim-kiem" || attr(form, "method") != "get" {
			t.Errorf("%s: search form %v; want GET /tim-kiem", target, form.Attr)
		}
		in := all(form, el("input", "name", "q", "id", "tim-kiem-q"))
		label := all(form, el("label", "for", "tim-kiem-q"))
		if len(in) != 1 || len(label) != 1 || text(label[0]) != "Tìm kiếm" || attr(in[0], "value") != "" {
			t.Errorf("%s: search box input %d, label %q; want one empty q labelled Tìm kiếm", target, len(in), texts(label))
		}
		if len(all(form, el("button", "type", "submit"))) != 1 {
			t.Errorf("%s: no submit button in the search form", target)
		}
	}
}

// TestSearchEscapes: the query and the results' texts are text wherever the
// page shows them; only the snippet's <mark> is markup.
func TestSearchEscapes(t *testing.T) {
	e, f, _ := mustSearchEnv(t)
	q := `"><script>alert(1)</script> onerror`
	resp := e.get(t, searchTarget(q, nil))
	if resp.StatusCode != 200 {
		t.Fatalf("= %d; want 200", resp.StatusCode)
	}
	if strings.Contains(resp.Body, "<script>alert") || strings.Contains(resp.Body, `"><script`) {
		t.Errorf("the query is written unescaped: %s", resp.Body)
	}
	// The words are the hostile article's (its title, author and summary
	// hold them as text): the page shows it, and the query, as text.
	v := e.readSearch(t, searchTarget(q, nil), 200)
	if want := "Kết quả tìm kiếm: “" + q + "”"; v.h1 != want {
		t.Errorf("<h1> %q; want %q", v.h1, want)
	}
	if v.boxes[0] != q || v.boxes[1] != q {
		t.Errorf("search boxes %q; want %q", v.boxes, q)
	}

	v = e.readSearch(t, searchTarget("onerror", nil), 200)
	if !slices.Equal(v.slugs, []string{f.hostile}) {
		t.Fatalf("results %v; want %s", v.slugs, f.hostile)
	}
	if got := text(all(v.results[0], el("h2"))[0]); got != hostileTitle {
		t.Errorf("title %q; want it as text, %q", got, hostileTitle)
	}
	for _, n := range v.p.all(func(n *html.Node) bool { return n.Type == html.ElementNode }) {
		if _, ok := attrOf(n, "onerror"); ok || n.Data == "img" && attr(n, "src") == "x" {
			t.Errorf("the hostile title became an element: <%s %v>", n.Data, n.Attr)
		}
	}
	if marks := texts(all(v.results[0], el("mark"))); !slices.Equal(marks, []string{"onerror"}) {
		t.Errorf("marked %q; want [onerror]", marks)
	}
	for _, n := range all(v.results[0], func(n *html.Node) bool { return n.Type == html.ElementNode }) {
		if !slices.Contains([]string{"li", "h2", "a", "p", "time", "mark"}, n.Data) {
			t.Errorf("a result holds <%s>", n.Data)
		}
	}
}

// TestSearchEmpty: no match, a blank query, and only hidden articles
// matching.
func TestSearchEmpty(t *testing.T) {
	e, f, _ := mustSearchEnv(t)
	v := e.readSearch(t, searchTarget("khong co bai nao nhu the", nil), 200)
	if main := text(v.p.main()); !strings.Contains(main, "Không tìm thấy bài viết nào") || v.results != nil {
		t.Errorf("no match: %q, %d results; want Không tìm thấy bài viết nào", main, len(v.results))
	}
	for _, hidden := range []string{"Bản nháp", "Chờ duyệt", "Hẹn giờ đăng", "Đã hết hạn", "Đã lưu trữ", "Đã xóa"} {
		v := e.readSearch(t, searchTarget(hidden, nil), 200)
		for _, s := range v.slugs {
			if slices.Contains(f.hiddenSlugs(), s) {
				t.Errorf("q=%s: the hidden article %s is a result", hidden, s)
			}
		}
	}
	for _, target := range []string{"/tim-kiem", "/tim-kiem?q=", "/tim-kiem?q=%20%20%09"} {
		v := e.readSearch(t, target, 200)
		if v.h1 != "Tìm kiếm" || v.results != nil || v.notice != "" || strings.Contains(text(v.p.main()), "Không tìm thấy") {
			t.Errorf("%s: <h1> %q, %d results, notice %q; want the form alone", target, v.h1, len(v.results), v.notice)
		}
	}
}

// TestSearchRefused: a query the search refuses, or a bad cursor, is the
// form with the reason, 400, not cached.
func TestSearchRefused(t *testing.T) {
	e, _, _ := mustSearchEnv(t)
	first := e.readSearch(t, searchTarget("hội nghị", nil), 200)
	u, err := url.Parse(first.next)
	if err != nil || u.Query().Get("sau") == "" {
		t.Fatalf("next link %q; want one with sau", first.next)
	}
	other := u.Query().Get("sau")
	empty, forged := "", "eyJ2IjoxfQAAAAAAAAAAAAAAAAAAAAAAAAAA"
	long := strings.Repeat("ệ", 201)
	tests := []struct {
		name, target, notice, box string
	}{
		{"201 characters", searchTarget(long, nil), "Từ khóa dài quá 200 ký tự. Mời bạn rút gọn rồi tìm lại.", strings.Repeat("ệ", 200)},
		{"no letter or digit", searchTarget("!!! ???", nil), "Từ khóa cần có ít nhất một chữ cái hoặc chữ số.", "!!! ???"},
		{"empty cursor", searchTarget("hội nghị", &empty), "Liên kết trang kết quả đã cũ hoặc bị sửa. Mời bạn tìm lại từ đầu.", "hội nghị"},
		{"forged cursor", searchTarget("hội nghị", &forged), "Liên kết trang kết quả đã cũ hoặc bị sửa. Mời bạn tìm lại từ đầu.", "hội nghị"},
		{"cursor of another query", searchTarget("tổng kết", &other), "Liên kết trang kết quả đã cũ hoặc bị sửa. Mời bạn tìm lại từ đầu.", "tổng kết"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := e.readSearch(t, tt.target, 400)
			if v.notice != tt.notice || v.results != nil {
				t.Errorf("notice %q, %d results; want %q and none", v.notice, len(v.results), tt.notice)
			}
			if v.boxes[1] != tt.box {
				t.Errorf("the page's box holds %q; want %q", v.boxes[1], tt.box)
			}
		})
	}
}

// TestSearchPaging follows "Xem tiếp" to the last page: every match once.
func TestSearchPaging(t *testing.T) {
	e, _, paging := mustSearchEnv(t)
	target := searchTarget("hoi nghi tong ket", nil)
	var got []string
	for page := 0; target != ""; page++ {
		if page > searchPaging {
			t.Fatalf("still a next link after %d pages", page)
		}
		v := e.readSearch(t, target, 200)
		got = append(got, v.slugs...)
		count := text(v.p.first(hasClass("p", "search-count")))
		if page == 0 {
			if len(v.slugs) != 10 || count != "Trang này có 10 kết quả phù hợp." || v.next == "" {
				t.Errorf("first page: %d results, count %q, next %q; want 10, a count for this page, a next link", len(v.slugs), count, v.next)
			}
		} else if first := v.p.first(el("a", "href", "/tim-kiem?q=hoi+nghi+tong+ket")); first == nil || text(first) != "« Kết quả đầu" {
			t.Errorf("page %d: no link back to the first page", page)
		}
		if v.next != "" && (!strings.HasPrefix(v.next, "/tim-kiem?q=hoi+nghi+tong+ket&sau=") || text(v.p.first(el("a", "rel", "next"))) != "Xem tiếp »") {
			t.Errorf("next link %q %q", v.next, text(v.p.first(el("a", "rel", "next"))))
		}
		target = v.next
	}
	if sorted := slices.Sorted(slices.Values(got)); !slices.Equal(sorted, slices.Sorted(slices.Values(paging))) {
		t.Errorf("pages showed %v; want each of %v once", got, paging)
	}
}

// TestSearchThrottled: a table that does not answer the search gives the
// 503 page, not a page without results.
func TestSearchThrottled(t *testing.T) {
	e, _, _ := mustSearchEnv(t)
	e.get(t, "/") // the sidebar, cached before the faults
	e.faults.Set(dynamotest.On("Query", "SEARCH#", dynamotest.Throttle, 1000))
	defer e.faults.Set(nil)
	resp := e.get(t, searchTarget("tuyen truyen mieng", nil))
	h1 := text(parsePage(t, resp.Body).first(el("h1")))
	if resp.StatusCode != 503 || resp.Headers["Retry-After"] == "" || resp.Headers["Cache-Control"] != noStore || h1 != "Hệ thống đang bận" || e.faults.Hits() == 0 {
		t.Errorf("= %d %v %q after %d faults; want the 503 page with Retry-After, no-store", resp.StatusCode, resp.Headers, h1, e.faults.Hits())
	}
}

// windowStore answers each search call with the next of its pages, and
// records the queries; the sidebar's reads find nothing.
type windowStore struct {
	site.Store // nil: a call the test does not expect panics
	pages      []portal.SearchPage
	queries    []portal.SearchQuery
}

func (s *windowStore) Search(_ context.Context, q portal.SearchQuery) (portal.SearchPage, error) {
	s.queries = append(s.queries, q)
	p := s.pages[0]
	s.pages = s.pages[1:]
	return p, nil
}
func (*windowStore) Categories(context.Context) ([]portal.Category, error) { return nil, nil }
func (*windowStore) Links(context.Context) ([]portal.Link, error)          { return nil, nil }
func (*windowStore) Popular(context.Context, portal.Period, int, time.Time) ([]portal.Article, error) {
	return nil, nil
}
func (*windowStore) ActivePolls(context.Context, time.Time, int, string) ([]*portal.Poll, string, error) {
	return nil, "", nil
}

// TestSearchWindows: a page of the store shorter than the results page (a
// window of the index with few matches) is followed by the next, up to
// three calls, asking each for what is still missing; the "Xem tiếp" link
// carries the last call's cursor.
func TestSearchWindows(t *testing.T) {
	hits := func(from, n int) []portal.SearchHit {
		var out []portal.SearchHit
		for i := from; i < from+n; i++ {
			out = append(out, portal.SearchHit{ID: fmt.Sprint(i), Slug: fmt.Sprintf("bai-%d", i), Title: fmt.Sprintf("Bài %d", i),
				PublishAt: now, Snippet: "<mark>hội</mark> nghị"})
		}
		return out
	}
	tests := []struct {
		name      string
		pages     []portal.SearchPage
		wantSlugs int
		wantLimit []int
		wantNext  string
	}{
		{"full first window", []portal.SearchPage{{Items: hits(0, 10), NextCursor: "c1"}}, 10, []int{10}, "c1"},
		{"empty, then short, then the rest", []portal.SearchPage{{NextCursor: "c1"}, {Items: hits(0, 4), NextCursor: "c2"}, {Items: hits(4, 6), NextCursor: "c3"}},
			10, []int{10, 10, 6}, "c3"},
		{"three empty windows", []portal.SearchPage{{NextCursor: "c1"}, {NextCursor: "c2"}, {NextCursor: "c3"}}, 0, []int{10, 10, 10}, "c3"},
		{"short last window", []portal.SearchPage{{Items: hits(0, 3)}}, 3, []int{10}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &windowStore{pages: tt.pages}
			h := site.New(store, nil, site.DemoConfig(), site.WithClock(func() time.Time { return now }), site.WithLogger(testLogger(t)))
			resp := serve(t, h, request(t, "GET", searchTarget("hội nghị", nil), nil))
			if resp.StatusCode != 200 {
				t.Fatalf("= %d; want 200", resp.StatusCode)
			}
			p := parsePage(t, resp.Body)
			var limits []int
			for i, q := range store.queries {
				limits = append(limits, q.Limit)
				if want := []string{"", "c1", "c2"}[i]; q.Cursor != want || q.Text != "hội nghị" {
					t.Errorf("call %d: %+v; want cursor %q", i, q, want)
				}
			}
			if !slices.Equal(limits, tt.wantLimit) {
				t.Errorf("limits asked %v; want %v", limits, tt.wantLimit)
			}
			if got := len(all(p.main(), hasClass("p", "snippet"))); got != tt.wantSlugs {
				t.Errorf("%d results; want %d", got, tt.wantSlugs)
			}
			next := ""
			if a := p.first(el("a", "rel", "next")); a != nil {
				next = attr(a, "href")
			}
			if want := map[bool]string{true: "/tim-kiem?q=h%E1%BB%99i+ngh%E1%BB%8B&sau=" + tt.wantNext, false: ""}[tt.wantNext != ""]; next != want {
				t.Errorf("next link %q; want %q", next, want)
			}
		})
	}
}
