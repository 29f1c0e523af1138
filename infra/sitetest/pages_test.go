package sitetest

import (
	"fmt"
	"strings"
	"testing"

	"eportal/infra/browser"
)

// TestPages loads every kind of page in a phone-sized tab, with JavaScript
// and without: no console error and no Content-Security-Policy message (with
// JavaScript, the page's script runs and sends what it sends), no request
// to another origin or that fails, and nothing wider than the screen.
func TestPages(t *testing.T) {
	t.Parallel()
	s := mustSite(t)
	for _, scripts := range []bool{true, false} {
		t.Run(fmt.Sprintf("javascript=%v", scripts), func(t *testing.T) {
			t.Parallel()
			// One tab for all the pages; what it records is read page by
			// page from where the previous page's ended.
			p := browser.MustPage(t, browser.PageOptions{Width: phoneWidth, JavaScript: scripts})
			var errs, warns, foreign, failed int
			for _, pg := range []sitePage{home, article, category, mostRead, poll, results, documents, document} {
				s.load(t, p, pg.path)
				if scripts && pg == article {
					// The beacon answers after the load event.
					waitBeacon(t, p)
				}
				// One more round trip, for the messages of what just ended.
				if err := p.Eval(t.Context(), "document.readyState", nil); err != nil {
					t.Fatal(err)
				}
				if got := since(p.ConsoleErrors(), &errs); len(got) > 0 {
					t.Errorf("%s: console errors: %q", pg.name, got)
				}
				for _, w := range since(p.ConsoleWarnings(), &warns) {
					if strings.Contains(w, "Content Security Policy") || strings.Contains(w, "Content-Security-Policy") {
						t.Errorf("%s: %s", pg.name, w)
					}
				}
				if got := since(p.ForeignRequests(), &foreign); len(got) > 0 {
					t.Errorf("%s: requests to another origin: %q", pg.name, got)
				}
				if got := since(p.FailedRequests(), &failed); len(got) > 0 {
					t.Errorf("%s: failed requests: %q", pg.name, got)
				}
				scroll, err := p.ScrollWidth(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				client, err := p.ClientWidth(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if client != phoneWidth || scroll > client {
					t.Errorf("%s at %d px: scroll width %d, client width %d; want no sideways scrolling", pg.name, phoneWidth, scroll, client)
				}
			}
		})
	}
}

// since returns the entries of list after the first *seen, and sets *seen
// to the length of list.
func since(list []string, seen *int) []string {
	n := *seen
	*seen = len(list)
	return list[n:]
}
