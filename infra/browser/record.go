package browser

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
)

// recorder keeps what a tab reported, for a test to assert on. Its event
// method runs in chromedp's event loop for the tab and must return quickly.
type recorder struct {
	mu       sync.Mutex
	origin   string // of the last Navigate, for ForeignRequests
	requests []string
	urls     map[network.RequestID]string
	failed   []string
	errors   []string
	warnings []string
}

func newRecorder() *recorder {
	return &recorder{urls: make(map[network.RequestID]string)}
}

// navigated notes the origin of a document the test asked for.
func (r *recorder) navigated(rawURL string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.origin = origin(rawURL)
}

// event records one DevTools event of the tab.
func (r *recorder) event(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		// A redirect is a new event with the same RequestID and the new URL.
		r.requests = append(r.requests, ev.Request.URL)
		r.urls[ev.RequestID] = ev.Request.URL
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 {
			r.failed = append(r.failed, fmt.Sprintf("%s: HTTP %d", ev.Response.URL, ev.Response.Status))
		}
	case *network.EventLoadingFailed:
		msg := ev.ErrorText
		if ev.BlockedReason != "" {
			msg += " (blocked: " + string(ev.BlockedReason) + ")"
		}
		r.failed = append(r.failed, r.urls[ev.RequestID]+": "+msg)
	case *runtime.EventConsoleAPICalled:
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeAssert:
			r.errors = append(r.errors, "console."+string(ev.Type)+": "+argsText(ev.Args)+where(ev.StackTrace))
		case runtime.ConsoleAPICalledTypeWarning:
			r.warnings = append(r.warnings, "console.warn: "+argsText(ev.Args)+where(ev.StackTrace))
		}
	case *runtime.EventExceptionThrown:
		r.errors = append(r.errors, exceptionText(ev.ExceptionDetails))
	case *log.EventEntryAdded:
		// The browser's own messages: a failed resource load, a blocked
		// request, a CSP violation, a deprecated feature.
		e := ev.Entry
		text := string(e.Source) + ": " + e.Text
		if e.URL != "" {
			text += " (" + e.URL + ")"
		}
		switch e.Level {
		case log.EntryLevelError:
			r.errors = append(r.errors, text)
		case log.EntryLevelWarning:
			r.warnings = append(r.warnings, text)
		}
	}
}

// argsText renders console arguments roughly as the DevTools console does:
// strings as they are, other values as JSON or their description.
func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		var s string
		switch {
		case a.Type == runtime.RemoteObjectTypeString && json.Unmarshal(a.Value, &s) == nil:
		case len(a.Value) > 0:
			s = string(a.Value)
		case a.UnserializableValue != "":
			s = string(a.UnserializableValue)
		case a.Description != "":
			s = a.Description
		default:
			s = string(a.Type)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// exceptionText is "Uncaught Error: message (url:line)".
func exceptionText(d *runtime.ExceptionDetails) string {
	text := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		// The description holds the stack after the first line.
		first, _, _ := strings.Cut(d.Exception.Description, "\n")
		text += " " + first
	}
	if d.URL != "" {
		return fmt.Sprintf("%s (%s:%d)", text, d.URL, d.LineNumber+1)
	}
	return text + where(d.StackTrace)
}

// where is " (url:line)" for the top frame of st, or "".
func where(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 || st.CallFrames[0].URL == "" {
		return ""
	}
	f := st.CallFrames[0]
	return fmt.Sprintf(" (%s:%d)", f.URL, f.LineNumber+1)
}

// origin returns scheme://host[:port] of rawURL, or "" when it has none.
func origin(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// Requests returns the URL of every request the tab made, in order,
// redirects included: documents, styles, scripts, images, fonts, fetches,
// beacons, data: URLs.
func (p *Page) Requests() []string {
	p.rec.mu.Lock()
	defer p.rec.mu.Unlock()
	return slices.Clone(p.rec.requests)
}

// ForeignRequests returns the requests to an origin other than that of the
// last URL given to Navigate (data:, blob: and about: URLs are not
// requests to anyone). The reader site must make none: no analytics, fonts
// or scripts from elsewhere.
func (p *Page) ForeignRequests() []string {
	p.rec.mu.Lock()
	defer p.rec.mu.Unlock()
	var out []string
	for _, u := range p.rec.requests {
		switch {
		case strings.HasPrefix(u, "data:"), strings.HasPrefix(u, "blob:"), strings.HasPrefix(u, "about:"):
		case origin(u) != p.rec.origin:
			out = append(out, u)
		}
	}
	return out
}

// FailedRequests returns the requests that got no response (a network
// error, a blocked request) or an HTTP status of 400 or more, as
// "url: reason".
func (p *Page) FailedRequests() []string {
	p.rec.mu.Lock()
	defer p.rec.mu.Unlock()
	return slices.Clone(p.rec.failed)
}

// ConsoleErrors returns, in order, the page's console.error and failed
// console.assert calls, its uncaught exceptions and unhandled promise
// rejections, and the browser's error messages about it (such as "Failed to
// load resource"), each as one line naming its kind and, where known, its
// source.
func (p *Page) ConsoleErrors() []string {
	p.rec.mu.Lock()
	defer p.rec.mu.Unlock()
	return slices.Clone(p.rec.errors)
}

// ConsoleWarnings is ConsoleErrors for console.warn and the browser's
// warnings.
func (p *Page) ConsoleWarnings() []string {
	p.rec.mu.Lock()
	defer p.rec.mu.Unlock()
	return slices.Clone(p.rec.warnings)
}
