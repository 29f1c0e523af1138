package browser

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/chromedp/chromedp"
)

// ExecPathEnv names the environment variable that overrides the Chromium
// executable Start runs.
const ExecPathEnv = "CHROMIUM"

// installHint is the one line shown when Chromium is missing; the Makefile
// prints the same line.
const installHint = "chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"

// closeTimeout bounds Close's wait for Chromium to shut down gracefully
// before it is killed.
const closeTimeout = 5 * time.Second

// flags are Chromium's command-line flags, all of them: this machine's
// closed network makes Chromium hang or be refused, many connections at a
// time, unless every background service that phones home is off (QUIC,
// background networking, component updates, sync), and root needs
// --no-sandbox. chromedp adds only --user-data-dir, --remote-debugging-pipe
// and the first tab's about:blank.
var flags = []chromedp.ExecAllocatorOption{
	chromedp.Flag("headless", true),
	chromedp.Flag("no-sandbox", true),
	chromedp.Flag("disable-gpu", true),
	chromedp.Flag("disable-quic", true),
	chromedp.Flag("no-first-run", true),
	chromedp.Flag("disable-background-networking", true),
	chromedp.Flag("disable-component-update", true),
	chromedp.Flag("disable-sync", true),
}

// Options configures Start. The zero value is ready to use.
type Options struct {
	// ExecPath is the Chromium executable. Empty means $CHROMIUM, else
	// "chromium" looked up on PATH.
	ExecPath string
	// Output, if not nil, receives Chromium's stdout and stderr (for
	// debugging a browser that will not start).
	Output io.Writer
}

// Browser is one headless Chromium process. NewPage may be called from
// several goroutines at once; each Page must be used by one goroutine at a
// time.
type Browser struct {
	// ctx is chromedp's context for the browser process: every tab is a
	// child of it. chromedp keeps its state in a context, so Browser must
	// hold one; it is not a request context.
	ctx         context.Context
	cancel      context.CancelFunc
	allocCancel context.CancelFunc
	dataDir     string
}

// Start launches Chromium and returns once it answers the DevTools protocol.
// ctx bounds the start only: the browser runs until Close. The error names
// the install command when Chromium cannot be found.
func Start(ctx context.Context, opts Options) (*Browser, error) {
	path, err := execPath(opts.ExecPath)
	if err != nil {
		return nil, err
	}
	// A fresh profile each time: a reused one carries state between runs
	// and a lock that a crashed run leaves behind.
	dataDir, err := os.MkdirTemp("", "eportal-chromium-")
	if err != nil {
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	allocOpts := append([]chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.UserDataDir(dataDir)}, flags...)
	if opts.Output != nil {
		allocOpts = append(allocOpts, chromedp.CombinedOutput(opts.Output))
	}
	// The browser outlives ctx, so its contexts do not derive their
	// cancellation from it; ctx cancels only the start, below.
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.WithoutCancel(ctx), allocOpts...)
	bctx, cancel := chromedp.NewContext(allocCtx)
	b := &Browser{ctx: bctx, cancel: cancel, allocCancel: allocCancel, dataDir: dataDir}

	stop := context.AfterFunc(ctx, cancel)
	err = chromedp.Do(bctx) // no actions: starts the process and attaches its first tab
	if !stop() {
		err = errors.Join(err, ctx.Err())
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("start chromium %s: %w", path, err)
	}
	return b, nil
}

// execPath returns the Chromium to run: path if set, else $CHROMIUM, else
// chromium on PATH.
func execPath(path string) (string, error) {
	if path == "" {
		path = os.Getenv(ExecPathEnv)
	}
	if path == "" {
		path = "chromium"
	}
	found, err := exec.LookPath(path)
	if err != nil {
		return "", fmt.Errorf("%s (looked for %q: %w)", installHint, path, err)
	}
	return found, nil
}

// Close shuts Chromium down (gracefully, then by force after a few
// seconds), waits for it to exit and removes its profile directory. It
// returns the first error met; calling it again does nothing.
func (b *Browser) Close() error {
	if b.cancel == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(b.ctx, closeTimeout)
	err := chromedp.Cancel(ctx)
	cancel()
	b.cancel()
	b.allocCancel() // waits until the process has exited
	b.cancel = nil
	if rerr := os.RemoveAll(b.dataDir); rerr != nil {
		err = errors.Join(err, fmt.Errorf("remove chromium profile: %w", rerr))
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("close chromium: %w", err)
	}
	return nil
}
