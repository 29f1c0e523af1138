package browser

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// startTimeout bounds RunTests' start of Chromium.
const startTimeout = time.Minute

// shared is the test binary's browser, which RunTests starts.
var shared *Browser

// Runner runs a test binary's tests and returns the exit code: *testing.M,
// or a RunFunc that wraps another setup.
type Runner interface {
	Run() int
}

// RunFunc adapts a function to Runner, so that RunTests can wrap another
// package's test setup:
//
//	func TestMain(m *testing.M) {
//		os.Exit(browser.RunTests(browser.RunFunc(func() int { return ddblocal.RunTests(m) })))
//	}
type RunFunc func() int

// Run calls f.
func (f RunFunc) Run() int { return f() }

// RunTests starts one headless Chromium for the test binary, runs m and
// closes the browser, returning the exit code; for use as
//
//	func TestMain(m *testing.M) { os.Exit(browser.RunTests(m)) }
//
// If Chromium cannot start (it is not installed, say) it prints why, with
// the install command, and returns 1: the tests fail rather than skip.
func RunTests(m Runner) int {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	b, err := Start(ctx, Options{})
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "browser: %v\n", err)
		return 1
	}
	shared = b
	code := m.Run()
	shared = nil
	if err := b.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "browser: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// MustPage opens a tab on the browser RunTests started, closed when the
// test ends. It fails the test if the tab cannot be opened, or if the
// package's TestMain does not call RunTests.
func MustPage(tb testing.TB, opts PageOptions) *Page {
	tb.Helper()
	if shared == nil {
		tb.Fatal("browser.MustPage: no browser: add `func TestMain(m *testing.M) { os.Exit(browser.RunTests(m)) }` to the package's tests")
	}
	p, err := shared.NewPage(tb.Context(), opts)
	if err != nil {
		tb.Fatalf("browser.MustPage: %v", err)
	}
	tb.Cleanup(p.Close)
	return p
}
