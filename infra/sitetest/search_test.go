package sitetest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"eportal/infra/browser"
)

// TestSearch searches as a reader does, with JavaScript and without, on a
// phone and on a desktop: types a query without diacritics into the
// header's search box on the home page, submits it (Enter, or the button)
// and lands on the results page, the sample article first with the
// query's words marked, the query kept in the box.
func TestSearch(t *testing.T) {
	t.Parallel()
	s := mustSite(t)
	const q = "tuyen truyen mieng"
	for _, tc := range []struct {
		scripts bool
		width   int
		enter   bool // submit with the Enter key, else a click on the button
	}{
		{false, phoneWidth, false},
		{false, desktopWidth, true},
		{true, phoneWidth, true},
		{true, desktopWidth, false},
	} {
		t.Run(fmt.Sprintf("javascript=%v,width=%d,enter=%v", tc.scripts, tc.width, tc.enter), func(t *testing.T) {
			t.Parallel()
			p := s.open(t, home.path, browser.PageOptions{Width: tc.width, JavaScript: tc.scripts})
			ctx := t.Context()
			if err := p.Type(ctx, "#tim-kiem-q", q); err != nil {
				t.Fatal(err)
			}
			var status int
			var err error
			if tc.enter {
				status, err = p.PressNavigate(ctx, "\r")
			} else {
				status, err = p.ClickNavigate(ctx, ".search-box button")
			}
			if err != nil || status != http.StatusOK {
				t.Fatalf("submit the search box: %d, %v; want 200", status, err)
			}
			if u, err := p.URL(ctx); err != nil || u != s.URL+searchPath {
				t.Errorf("landed on %q, %v; want %s", u, err, s.URL+searchPath)
			}
			if h1 := text(t, p, "h1"); h1 != "Kết quả tìm kiếm: “"+q+"”" {
				t.Errorf("<h1> %q", h1)
			}
			var first struct {
				Href  string   `json:"href"`
				Marks []string `json:"marks"`
				Box   string   `json:"box"`
			}
			if err := p.Eval(ctx, `(() => {
				const li = document.querySelector(".search-results li");
				return {href: li ? li.querySelector("h2 a").getAttribute("href") : "",
					marks: li ? [...li.querySelectorAll("mark")].map(m => m.textContent) : [],
					box: document.querySelector("#tim-kiem-q").value};
			})()`, &first); err != nil {
				t.Fatal(err)
			}
			if first.Href != articlePath {
				t.Errorf("first result links to %q; want %s", first.Href, articlePath)
			}
			if marked := strings.Join(first.Marks, " "); !strings.Contains(marked, "tuyên truyền miệng") {
				t.Errorf("marked words %q; want tuyên truyền miệng", first.Marks)
			}
			if first.Box != q {
				t.Errorf("the search box holds %q; want %q", first.Box, q)
			}
			if errs := p.ConsoleErrors(); len(errs) > 0 {
				t.Errorf("console errors: %q", errs)
			}
		})
	}
}
