// Package browser drives a headless Chromium for tests of the reader site:
// pages are loaded as a reader meets them, at a phone's width or a desktop's,
// with JavaScript on or off, and checked with axe-core for accessibility.
//
// Start launches one Chromium process (Debian's chromium package, found on
// PATH, or the file $CHROMIUM names) through chromedp, with the flags this
// project's machines need: without --disable-background-networking and the
// other quiet flags Chromium tries to reach Google's hosts and hangs or is
// refused on a closed network. Each Browser.NewPage is a tab of that process
// with its own viewport and JavaScript setting. A Page records what a test
// wants to assert on: the URL of every request (to prove no third-party
// request is made), failed requests, console errors and warnings, and
// uncaught exceptions.
//
// Page.Axe runs axe-core (Version AxeVersion, fetched once from the npm
// registry with `npm pack`, checked against AxeSHA256 and cached in
// CacheDir, beside DynamoDB Local) in an isolated JavaScript world of the page, so it sees
// the DOM the reader sees but none of the page's scripts, and it works on a
// page opened with JavaScript disabled: DevTools evaluation is not subject to
// that setting, which only stops the page's own scripts.
//
// For tests, RunTests starts one browser per test binary and MustPage opens a
// tab on it that closes when the test ends:
//
//	func TestMain(m *testing.M) { os.Exit(browser.RunTests(m)) }
//
//	func TestHome(t *testing.T) {
//		p := browser.MustPage(t, browser.PageOptions{Width: 360})
//		status, err := p.Navigate(t.Context(), srv.URL)
//		...
//		violations, err := p.Axe(t.Context())
//		if s := browser.Serious(violations); len(s) > 0 {
//			t.Errorf("axe: %v", s)
//		}
//	}
//
// The tests fail, never skip, when Chromium is missing: `make test` installs
// it (Makefile, target chromium).
package browser
