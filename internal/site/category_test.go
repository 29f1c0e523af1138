package site_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"eportal/internal/portal"
)

// listing is what a category page shows: its articles and its pager.
type listing struct {
	slugs      []string
	prev, next string // the pager's links, "" when absent
	noindex    bool
}

// readListing fetches a category page and reads its list and pager.
func (e *env) readListing(t *testing.T, target string) listing {
	t.Helper()
	resp := e.get(t, target)
	if resp.StatusCode != 200 {
		t.Fatalf("%s = %d; want 200", target, resp.StatusCode)
	}
	p := parsePage(t, resp.Body)
	var l listing
	for _, ul := range all(p.main(), el("ul", "class", "cards")) {
		l.slugs = append(l.slugs, articleLinks(hrefs(ul))...)
	}
	for _, a := range all(p.main(), el("a", "rel", "")) {
		switch rel := attr(a, "rel"); {
		case rel == "prev" && strings.Contains(text(a), "Trang trước"):
			l.prev = attr(a, "href")
		case rel == "next" && strings.Contains(text(a), "Trang sau"):
			l.next = attr(a, "href")
		default:
			t.Errorf("%s: pager link %q %q", target, rel, text(a))
		}
	}
	l.noindex = p.meta("name", "robots") == "noindex"
	return l
}

// TestCategoryPaging walks a category of 45 articles (pages of 20) to the
// end with "Trang sau" and back with "Trang trước": the same pages both
// ways, every article once, no "Trang trước" on the first page and no
// "Trang sau" on the last.
func TestCategoryPaging(t *testing.T) {
	e := mustEnv(t, 0)
	const n, cat = 45, "khoa-xx"
	var want []string // newest first
	for i := range n {
		at := now.Add(-time.Duration(i+1) * time.Minute)
		a := &portal.Article{ID: fmt.Sprintf("p%02d", i), Slug: fmt.Sprintf("tin-so-%02d", i), Title: fmt.Sprintf("Tin số %d", i),
			Categories: []string{cat}, Status: portal.StatusPublished, PublishAt: &at, CreatedAt: at, UpdatedAt: at, Version: 1}
		if err := e.store.CreateArticle(t.Context(), a, "tester", at); err != nil {
			t.Fatal(err)
		}
		want = append(want, a.Slug)
	}
	first := "/chuyen-muc/" + cat

	var forward []listing
	for target := first; target != ""; {
		l := e.readListing(t, target)
		forward = append(forward, l)
		if len(forward) > n {
			t.Fatal("the walk does not end")
		}
		target = l.next
	}
	var got []string
	var sizes []int
	for _, l := range forward {
		got = append(got, l.slugs...)
		sizes = append(sizes, len(l.slugs))
	}
	if !slices.Equal(got, want) || !slices.Equal(sizes, []int{20, 20, 5}) {
		t.Fatalf("forward walk: pages of %v, %v; want pages of 20, 20, 5 holding %v", sizes, got, want)
	}
	if forward[0].prev != "" || forward[0].noindex {
		t.Errorf("first page: Trang trước %q, noindex %v; want neither", forward[0].prev, forward[0].noindex)
	}
	for i, l := range forward[1:] {
		if l.prev == "" || !l.noindex {
			t.Errorf("page %d: Trang trước %q, noindex %v; want a link and noindex", i+2, l.prev, l.noindex)
		}
	}

	// Back from the last page.
	back := []listing{forward[len(forward)-1]}
	for target := back[0].prev; target != ""; {
		l := e.readListing(t, target)
		back = append(back, l)
		if len(back) > n {
			t.Fatal("the walk back does not end")
		}
		target = l.prev
	}
	slices.Reverse(back)
	if len(back) != len(forward) {
		t.Fatalf("walk back: %d pages; want %d", len(back), len(forward))
	}
	for i := range back {
		if !slices.Equal(back[i].slugs, forward[i].slugs) {
			t.Errorf("page %d walking back %v; walking forward %v", i+1, back[i].slugs, forward[i].slugs)
		}
		if (back[i].next == "") != (forward[i].next == "") {
			t.Errorf("page %d walking back: Trang sau %q; walking forward %q", i+1, back[i].next, forward[i].next)
		}
	}
	if back[0].prev != "" {
		t.Errorf("the first page, reached back, has Trang trước %q", back[0].prev)
	}

	// A cursor of one way is refused the other way, and altered.
	next, _ := url.Parse(forward[0].next)
	prev, _ := url.Parse(forward[1].prev)
	sau, truoc := next.Query().Get("sau"), prev.Query().Get("truoc")
	if sau == "" || truoc == "" {
		t.Fatalf("pager links %q %q carry no cursor", forward[0].next, forward[1].prev)
	}
	for _, target := range []string{
		first + "?truoc=" + url.QueryEscape(sau),
		first + "?sau=" + url.QueryEscape(truoc),
		first + "?sau=" + url.QueryEscape(sau) + "&truoc=" + url.QueryEscape(truoc),
		first + "?sau=" + url.QueryEscape(alter(sau)),
		first + "?truoc=" + url.QueryEscape(alter(truoc)),
		"/chuyen-muc/" + demoCat + "?sau=" + url.QueryEscape(sau), // another category's cursor
	} {
		resp := e.get(t, target)
		h1 := text(parsePage(t, resp.Body).first(el("h1")))
		if resp.StatusCode != 400 || h1 != "Liên kết không hợp lệ" || resp.Headers["Cache-Control"] != noStore {
			t.Errorf("%s = %d %q; want the 400 page", target, resp.StatusCode, h1)
		}
	}
}

// alter changes one character in the middle of a cursor.
func alter(c string) string {
	b := []byte(c)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// TestEmptyCategory holds that a category without articles says so, with
// no pager.
func TestEmptyCategory(t *testing.T) {
	e := mustEnv(t, 0)
	p := parsePage(t, e.get(t, "/chuyen-muc/khoa-ix").Body)
	empty := p.all(hasClass("p", "empty"))
	if len(empty) != 1 || text(empty[0]) != "Chuyên mục chưa có bài viết." || len(articleLinks(hrefs(p.main()))) != 0 {
		t.Errorf("empty category: %q, links %v", texts(empty), articleLinks(hrefs(p.main())))
	}
	if p.first(el("nav", "class", "pager")) != nil {
		t.Error("an empty category has a pager")
	}
	// A parent lists its subcategories.
	p = parsePage(t, e.get(t, "/chuyen-muc/dang-cong-san-viet-nam").Body)
	sub := p.first(el("nav", "class", "subcategories"))
	if sub == nil || len(all(sub, el("a"))) != 9 || attr(all(sub, el("a"))[0], "href") != "/chuyen-muc/khoa-ix" {
		t.Errorf("subcategories of dang-cong-san-viet-nam: %v", hrefs(orRoot(sub, p)))
	}
}

func orRoot(n *html.Node, p *page) *html.Node {
	if n == nil {
		return p.root
	}
	return n
}
