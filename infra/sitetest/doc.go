// Package sitetest tests the reader site as a reader meets it: the whole
// local stack (every function of template.yaml behind localserver, the demo
// content on a fresh DynamoDB Local table, the real handlers) served on
// 127.0.0.1, and headless Chromium (package browser) reading its pages at a
// phone's width and a desktop's, with JavaScript on and off.
//
// The package holds only tests. They check the sample article and its view
// beacon, voting with and without JavaScript, the console, third-party
// requests, sideways scrolling at 360 px, axe-core's serious and critical
// rules, the article page's weight, and take the screenshots of
// docs/screenshots:
//
//	make screenshots   # EPORTAL_SCREENSHOTS=docs/screenshots go test -count=1 -run TestScreenshots ./infra/sitetest
//
// One server and one browser serve the test binary. Views are deduplicated
// per address and User-Agent, which every tab shares, so the view-count test
// runs before the parallel tests whose pages send the beacon, and a second
// run in the same binary (-count=2) does not hold.
package sitetest
