package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Default page settings.
const (
	// DefaultWidth and DefaultHeight are a desktop viewport, in CSS pixels.
	DefaultWidth  = 1280
	DefaultHeight = 800
	// DefaultTimeout bounds each Page method unless PageOptions says
	// otherwise, so a selector that never matches fails the test in
	// seconds rather than at the test binary's timeout. It is generous
	// because `go test ./...` runs the browser beside every other package's
	// tests on two cores: an axe run that takes a second alone has been
	// seen to take seven.
	DefaultTimeout = 30 * time.Second
	// mobileBelow is the width under which a page is emulated as a phone.
	mobileBelow = 600
)

// PageOptions configures a tab. The zero value is a desktop viewport with
// JavaScript disabled: the reader site must work without scripts, so that
// is what a test gets unless it asks for JavaScript.
type PageOptions struct {
	// Width and Height are the viewport in CSS pixels (0: DefaultWidth,
	// DefaultHeight). A width under 600 also emulates a mobile device, so
	// the page's <meta name="viewport"> applies as on a phone.
	Width, Height int
	// JavaScript enables the page's scripts.
	JavaScript bool
	// Timeout bounds each method call on the page (0: DefaultTimeout).
	Timeout time.Duration
}

// Page is one browser tab. A Page must be used by one goroutine at a time;
// the lists it records may be read from any goroutine.
type Page struct {
	// ctx is chromedp's context for the tab (see Browser.ctx).
	ctx    context.Context
	cancel context.CancelFunc
	opts   PageOptions
	rec    *recorder
}

// NewPage opens a tab with the viewport and JavaScript setting of opts.
// ctx bounds the opening only; the tab lives until Close or Browser.Close.
func (b *Browser) NewPage(ctx context.Context, opts PageOptions) (*Page, error) {
	if opts.Width == 0 {
		opts.Width = DefaultWidth
	}
	if opts.Height == 0 {
		opts.Height = DefaultHeight
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	rec := newRecorder()
	// WithListener, not chromedp.Events: the listener runs in the tab's
	// event loop, so every event that arrived before a command's reply is
	// recorded when the command returns, and a test that reads
	// ConsoleErrors right after Navigate sees the page's load-time errors.
	// Each tab has its own browser context (a profile of its own in
	// memory), so cookies and storage never leak from one test to another.
	tctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(rec.event))
	p := &Page{ctx: tctx, cancel: cancel, opts: opts, rec: rec}

	stop := context.AfterFunc(ctx, cancel)
	// The tab's first action creates it and binds it to tctx.
	err := chromedp.Do(tctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width:             int64(opts.Width),
			Height:            int64(opts.Height),
			DeviceScaleFactor: 1,
			Mobile:            opts.Width < mobileBelow,
		}); err != nil {
			return fmt.Errorf("set viewport: %w", err)
		}
		if !opts.JavaScript {
			if _, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
				return fmt.Errorf("disable javascript: %w", err)
			}
		}
		return nil
	}))
	if !stop() {
		err = errors.Join(err, ctx.Err())
	}
	if err != nil {
		cancel()
		return nil, fmt.Errorf("open tab: %w", err)
	}
	return p, nil
}

// Options returns the settings the page was opened with, defaults filled in.
func (p *Page) Options() PageOptions { return p.opts }

// Close closes the tab. The browser stays up.
func (p *Page) Close() { p.cancel() }

// bind returns the tab's chromedp context bounded by ctx and by the page's
// timeout, and the function that releases it.
func (p *Page) bind(ctx context.Context) (context.Context, context.CancelFunc) {
	tctx, cancel := context.WithTimeout(p.ctx, p.opts.Timeout)
	stop := context.AfterFunc(ctx, cancel)
	return tctx, func() { stop(); cancel() }
}

// run runs a on the tab, bounded as bind says.
func run[T any](ctx context.Context, p *Page, a chromedp.Action[T]) (T, error) {
	tctx, cancel := p.bind(ctx)
	defer cancel()
	v, err := chromedp.Run(tctx, a)
	return v, withCause(ctx, err)
}

// withCause adds ctx's error to err when ctx has ended, so that a test sees
// its own cancellation or deadline rather than only the tab's.
func withCause(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return errors.Join(err, ctx.Err())
	}
	return err
}

// do is run for actions without a result.
func do(ctx context.Context, p *Page, a chromedp.Action[chromedp.Void]) error {
	_, err := run(ctx, p, a)
	return err
}

// Navigate loads url, waits for its load event and returns the main
// document's HTTP status (404 is a status, not an error). It fails when the
// document cannot be fetched at all.
func (p *Page) Navigate(ctx context.Context, url string) (int, error) {
	p.rec.navigated(url)
	resp, err := run(ctx, p, chromedp.NavigateResponse(url))
	if err != nil {
		return 0, fmt.Errorf("navigate to %s: %w", url, err)
	}
	return int(resp.Status), nil
}

// URL returns the address of the page's current document.
func (p *Page) URL(ctx context.Context) (string, error) {
	u, err := run(ctx, p, chromedp.Location())
	if err != nil {
		return "", fmt.Errorf("page url: %w", err)
	}
	return u, nil
}

// Text returns the rendered text (innerText) of the first element matching
// the CSS selector, waiting until one exists.
func (p *Page) Text(ctx context.Context, selector string) (string, error) {
	s, err := run(ctx, p, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		return "", fmt.Errorf("text of %s: %w", selector, err)
	}
	return s, nil
}

// Count returns how many elements match the CSS selector now, without
// waiting.
func (p *Page) Count(ctx context.Context, selector string) (int, error) {
	var n int
	if err := p.Eval(ctx, fmt.Sprintf("document.querySelectorAll(%q).length", selector), &n); err != nil {
		return 0, fmt.Errorf("count %s: %w", selector, err)
	}
	return n, nil
}

// WaitVisible waits until an element matching the CSS selector is visible.
func (p *Page) WaitVisible(ctx context.Context, selector string) error {
	if err := do(ctx, p, chromedp.WaitVisible(chromedp.CSS(selector))); err != nil {
		return fmt.Errorf("wait for %s: %w", selector, err)
	}
	return nil
}

// Click clicks the first visible element matching the CSS selector with the
// mouse, as a reader would, and returns without waiting for what follows;
// see ClickNavigate for a link or a form button.
func (p *Page) Click(ctx context.Context, selector string) error {
	if err := do(ctx, p, chromedp.Click(chromedp.CSS(selector))); err != nil {
		return fmt.Errorf("click %s: %w", selector, err)
	}
	return nil
}

// ClickNavigate clicks like Click, waits for the page that the click loads
// and returns its HTTP status. It fails with the page's timeout when the
// click loads nothing.
func (p *Page) ClickNavigate(ctx context.Context, selector string) (int, error) {
	tctx, cancel := p.bind(ctx)
	defer cancel()
	resp, err := chromedp.RunResponse(tctx, chromedp.Click(chromedp.CSS(selector)))
	if err != nil {
		return 0, fmt.Errorf("click %s and load: %w", selector, withCause(ctx, err))
	}
	return int(resp.Status), nil
}

// Type focuses the first visible element matching the CSS selector and
// types text into it key by key, as a reader would.
func (p *Page) Type(ctx context.Context, selector, text string) error {
	if err := do(ctx, p, chromedp.SendKeys(chromedp.CSS(selector), text)); err != nil {
		return fmt.Errorf("type into %s: %w", selector, err)
	}
	return nil
}

// PressNavigate presses keys on the focused element ("\r" is Enter), waits
// for the page they load and returns its HTTP status. It fails with the
// page's timeout when the keys load nothing.
func (p *Page) PressNavigate(ctx context.Context, keys string) (int, error) {
	tctx, cancel := p.bind(ctx)
	defer cancel()
	resp, err := chromedp.RunResponse(tctx, chromedp.KeyEvent(keys))
	if err != nil {
		return 0, fmt.Errorf("press %q and load: %w", keys, withCause(ctx, err))
	}
	return int(resp.Status), nil
}

// Eval evaluates a JavaScript expression in the page's main world and
// decodes its JSON value into out (which may be nil to ignore it). A
// promise is awaited. It works with JavaScript disabled too, DevTools
// evaluation not being the page's script, but there Chromium fires no
// timers: a promise that waits on setTimeout never settles.
func (p *Page) Eval(ctx context.Context, expression string, out any) error {
	raw, err := run(ctx, p, chromedp.Evaluate[[]byte](expression, chromedp.EvalAwaitPromise))
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if out == nil {
		return nil
	}
	if len(raw) == 0 {
		raw = []byte("null") // undefined
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("eval: decode %s: %w", raw, err)
	}
	return nil
}

// Screenshot writes a PNG of the whole page, beyond the viewport, to path.
func (p *Page) Screenshot(ctx context.Context, path string) error {
	png, err := run(ctx, p, chromedp.FullScreenshot(100)) // quality 100 means PNG
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	return nil
}

// ScrollWidth returns the width of the page's content in CSS pixels
// (document.documentElement.scrollWidth). When it exceeds ClientWidth the
// reader has to scroll sideways, which a page must never make a phone
// reader do.
func (p *Page) ScrollWidth(ctx context.Context) (int, error) {
	var w int
	if err := p.Eval(ctx, "document.documentElement.scrollWidth", &w); err != nil {
		return 0, fmt.Errorf("scroll width: %w", err)
	}
	return w, nil
}

// ClientWidth returns the width the page's content should fit in, in CSS
// pixels (document.documentElement.clientWidth): the viewport's width for a
// page with <meta name="viewport" content="width=device-width">. It is read
// from the document rather than from DevTools' layout metrics because on a
// phone Chromium widens the layout viewport to content that overflows,
// which would hide the overflow.
func (p *Page) ClientWidth(ctx context.Context) (int, error) {
	var w int
	if err := p.Eval(ctx, "document.documentElement.clientWidth", &w); err != nil {
		return 0, fmt.Errorf("client width: %w", err)
	}
	return w, nil
}

// Cookies returns the cookies the browser would send to the page's current
// URL.
func (p *Page) Cookies(ctx context.Context) ([]*network.Cookie, error) {
	res, err := run(ctx, p, func(ctx context.Context, t *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{})
	})
	if err != nil {
		return nil, fmt.Errorf("cookies: %w", err)
	}
	return res.Cookies, nil
}
