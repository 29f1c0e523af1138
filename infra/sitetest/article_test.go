package sitetest

import (
	"strings"
	"testing"

	"eportal/infra/browser"
	"eportal/infra/demo"
)

// TestArticleViews reads the sample article without JavaScript (its facts,
// the rolled-up count, no beacon), then with it: the beacon counts the view
// and the page shows the new count, and a second view from the same browser
// within the window is not counted again.
//
// It is not parallel, so it runs before every parallel test: views are
// deduplicated by address and User-Agent, which all of this browser's tabs
// share, so the first JavaScript page view of the article must be this
// test's.
func TestArticleViews(t *testing.T) {
	s := mustSite(t)
	c, err := demo.Parse()
	if err != nil {
		t.Fatal(err)
	}
	title := c.Articles[0].Title

	p := s.open(t, articlePath, browser.PageOptions{})
	if got := text(t, p, "main h1"); got != title {
		t.Errorf("h1: got %q; want %q", got, title)
	}
	main := text(t, p, "main")
	for _, want := range []string{
		"Ngày đăng: 14:20 | 17/11/2020",
		"Lượt xem: 132",
		"Nguồn: Báo cáo số 04-BC/TU",
		"Tác giả: Nguyễn Phi Anh - Ban TGTU",
		"[Trở về]",
	} {
		if !strings.Contains(main, want) {
			t.Errorf("article without javascript: no %q in the page's main text:\n%s", want, main)
		}
	}
	if got := text(t, p, ".crumbs"); !strings.HasSuffix(strings.TrimSpace(got), "Chi tiết tin") {
		t.Errorf("breadcrumbs %q; want them to end in Chi tiết tin", got)
	}
	if b := s.beaconAnswers(); len(b) > 0 {
		t.Errorf("beacons without javascript: %q; want none", b)
	}
	if got := s.articleViews(t); got != 132 {
		t.Errorf("views after a page view without javascript: got %d; want 132", got)
	}

	// With JavaScript the beacon counts the view and shows the new count.
	p = s.open(t, articlePath, browser.PageOptions{JavaScript: true})
	waitFor(t, p, `document.querySelector("article [data-views]").textContent === "133"`, "Lượt xem to rise to 133")
	if got := text(t, p, "article .views"); got != "Lượt xem: 133" {
		t.Errorf("views after the beacon: got %q; want Lượt xem: 133", got)
	}
	if got := s.articleViews(t); got != 133 {
		t.Errorf("views in the JSON API after the beacon: got %d; want 133", got)
	}

	// The same reader again, within the window: the page shows 133 and the
	// beacon, answered, did not count.
	s.load(t, p, articlePath)
	waitBeacon(t, p)
	want := []string{`{"views":133,"counted":true}`, `{"views":133,"counted":false}`}
	if got := s.beaconAnswers(); len(got) != 2 || strings.TrimSpace(got[0]) != want[0] || strings.TrimSpace(got[1]) != want[1] {
		t.Errorf("beacon answers: got %q; want %q", got, want)
	}
	if got := text(t, p, "article .views"); got != "Lượt xem: 133" {
		t.Errorf("views on the second page view: got %q; want Lượt xem: 133", got)
	}
	if got := s.articleViews(t); got != 133 {
		t.Errorf("views in the JSON API after a second page view: got %d; want 133", got)
	}
}
