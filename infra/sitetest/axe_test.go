package sitetest

import (
	"fmt"
	"testing"

	"eportal/infra/browser"
)

// TestAxe runs axe-core on the home, article, category, poll, search
// results, documents' list and document pages at a desktop's width and a phone's, as a reader with
// JavaScript meets them: no serious or critical violation. Every violation,
// of any impact, is logged.
func TestAxe(t *testing.T) {
	t.Parallel()
	s := mustSite(t)
	for _, width := range []int{desktopWidth, phoneWidth} {
		t.Run(fmt.Sprintf("width=%d", width), func(t *testing.T) {
			t.Parallel()
			p := browser.MustPage(t, browser.PageOptions{Width: width, JavaScript: true})
			for _, pg := range []sitePage{home, article, category, poll, results, documents, document} {
				s.load(t, p, pg.path)
				violations, err := p.Axe(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range violations {
					t.Logf("%s at %d px: %s", pg.name, width, v)
				}
				if serious := browser.Serious(violations); len(serious) > 0 {
					t.Errorf("%s at %d px: %d serious or critical axe violations: %v", pg.name, width, len(serious), serious)
				}
			}
		})
	}
}
