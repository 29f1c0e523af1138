package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Violation is one axe-core rule that the page breaks.
type Violation struct {
	// ID is the rule, such as "image-alt" or "color-contrast".
	ID string `json:"id"`
	// Impact is "minor", "moderate", "serious" or "critical".
	Impact string `json:"impact"`
	// Help is the rule's one-line description; HelpURL explains it.
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	// Nodes are the elements that break the rule.
	Nodes []ViolationNode `json:"nodes"`
}

// ViolationNode is one element that breaks a rule.
type ViolationNode struct {
	// Target is the element's CSS selector; an element in a shadow root or
	// an iframe has one selector per level, joined with " >>> ".
	Target string `json:"target"`
	// HTML is the start of the element's markup, at most 200 characters.
	HTML string `json:"html"`
	// Failure is axe's summary of what to fix.
	Failure string `json:"failure"`
}

// String is "id (impact): help: target, target…", for test failure messages.
func (v Violation) String() string {
	targets := make([]string, len(v.Nodes))
	for i, n := range v.Nodes {
		targets[i] = n.Target
	}
	return fmt.Sprintf("%s (%s): %s: %s", v.ID, v.Impact, v.Help, strings.Join(targets, ", "))
}

// Serious returns the violations of impact "serious" or "critical", the
// ones a page must not have.
func Serious(violations []Violation) []Violation {
	var out []Violation
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			out = append(out, v)
		}
	}
	return out
}

// axeWorld names the isolated world Axe creates in the page.
const axeWorld = "eportal-axe"

// axeRun runs axe on the document and reduces its report to []Violation.
// Only violations are collected (resultTypes), which spares axe building the
// passes and incomplete lists.
const axeRun = `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({
		target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : String(t)).join(' >>> '),
		html: n.html.length > 200 ? n.html.slice(0, 199) + '…' : n.html,
		failure: n.failureSummary || '',
	})),
})))`

// Axe runs axe-core on the page's current document and returns the rules it
// breaks, in axe's order. The first call in a process may run `npm pack`
// (see EnsureAxe).
//
// axe runs in an isolated JavaScript world of the page's main frame: it
// sees the DOM as rendered and none of the page's globals, so a page script
// can neither disturb it nor see it. It checks that document only, not the
// content of its iframes (an embedded video's player is not the site's).
//
// On a page opened with JavaScript disabled, DevTools can still evaluate
// code, but Chromium fires no timers, and axe.run waits on setTimeout. So
// Axe turns script execution back on for the length of the run and off
// again before it returns. The document stays the one a reader without
// JavaScript got: the page's scripts were skipped while it was parsed and
// are not run later, and <noscript> content stays rendered. (An inline
// event-handler attribute whose event fires during the run would run; the
// reader site has none.)
func (p *Page) Axe(ctx context.Context) ([]Violation, error) {
	src, err := loadAxe(ctx)
	if err != nil {
		return nil, fmt.Errorf("axe: %w", err)
	}
	v, err := run(ctx, p, func(ctx context.Context, t *chromedp.Target) (v []Violation, err error) {
		tree, err := cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		world, err := cdp.Call(ctx, t, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{
			FrameID:   tree.FrameTree.Frame.ID,
			WorldName: axeWorld,
		})
		if err != nil {
			return nil, fmt.Errorf("create isolated world: %w", err)
		}
		if _, err := evaluate(ctx, t, world.ExecutionContextID, src); err != nil {
			return nil, fmt.Errorf("inject axe-core: %w", err)
		}
		if !p.opts.JavaScript {
			var restore func() error
			if restore, err = allowScripts(ctx, t); err != nil {
				return nil, err
			}
			defer func() { err = errors.Join(err, restore()) }()
		}
		raw, err := evaluate(ctx, t, world.ExecutionContextID, axeRun)
		if err != nil {
			return nil, fmt.Errorf("run axe-core: %w", err)
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("decode axe-core results: %w", err)
		}
		return v, nil
	})
	if err != nil {
		return nil, fmt.Errorf("axe: %w", err)
	}
	return v, nil
}

// allowScripts enables script execution in the tab and returns the function
// that disables it again. The restore runs even when ctx has ended, so a
// cancelled test does not leave a JavaScript-disabled page scripted.
func allowScripts(ctx context.Context, t *chromedp.Target) (restore func() error, err error) {
	if _, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		return nil, fmt.Errorf("enable scripts for axe-core: %w", err)
	}
	return func() error {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			return fmt.Errorf("disable scripts after axe-core: %w", err)
		}
		return nil
	}, nil
}

// evaluate runs expression in the execution context id, awaits a promise
// and returns the result as JSON.
func evaluate(ctx context.Context, t *chromedp.Target, id runtime.ExecutionContextID, expression string) ([]byte, error) {
	res, err := cdp.Call(ctx, t, runtime.Evaluate, runtime.EvaluateParams{
		Expression:    expression,
		ContextID:     id,
		AwaitPromise:  new(true),
		ReturnByValue: new(true),
	})
	if err != nil {
		return nil, err
	}
	if res.ExceptionDetails != nil {
		return nil, &chromedp.ExceptionError{ExceptionDetails: res.ExceptionDetails}
	}
	return res.Result.Value, nil
}
