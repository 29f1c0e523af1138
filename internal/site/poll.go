package site

import (
	"context"
	"net/http"

	"eportal/internal/apigw"
	"eportal/internal/pollsapi"
	"eportal/internal/portal"
	"eportal/internal/slug"
	"eportal/internal/voter"
)

// pollContent is the poll page.
type pollContent struct {
	P         *portal.Poll
	State     string // open, upcoming, closed
	Multiple  bool   // checkboxes rather than radio buttons
	CanVote   bool   // open, and this reader has not voted
	Voted     bool
	Chose     map[string]bool
	Results   *portal.PollResults
	ResultsAt string // when results will show: "vote" or "close"
	Notice    string // what the form's last post said (?loi=)
}

// poll serves GET /binh-chon/{id}: the poll's question, its form while it is
// open and the reader has not voted, and its results as its policy allows.
// The reader's voter cookie (set by the vote) tells whether they voted:
// such a page is private; without the cookie it is cacheable.
func (h *Handler) poll(ctx context.Context, req apigw.Request, id string) apigw.Response {
	if !slug.Valid(id) {
		return h.notFound(ctx, req)
	}
	now := h.now()
	var tokenHash voter.ID
	if tok := voter.FromCookies(req.Cookies); tok != "" && h.voters != nil {
		if err := h.voters.Load(ctx); err != nil { // the keys cannot be read: 503
			return h.failed(ctx, req, err)
		}
		tokenHash, _ = h.voters.Verify(tok, now) // a bad cookie reads as none
	}
	snap, err := h.store.Poll(ctx, id, string(tokenHash))
	if err != nil {
		return h.failed(ctx, req, err)
	}
	p := snap.Poll
	c := pollContent{P: p, State: p.StateAt(now), Multiple: p.MaxChoices > 1, Voted: snap.Receipt != nil, Chose: map[string]bool{}}
	for _, ch := range snap.ReceiptChoices() {
		c.Chose[ch] = true
	}
	c.CanVote = c.State == portal.PollOpen && !c.Voted
	switch {
	case p.ResultsVisible(now, c.Voted):
		r := p.ResultsOf(snap.Tally)
		c.Results = &r
	case p.Results == portal.ResultsAfterVote:
		c.ResultsAt = "vote"
	default:
		c.ResultsAt = "close"
	}
	if code := req.QueryStringParameters["loi"]; code != "" {
		c.Notice = pollsapi.FormErrors[code] // an unknown code shows nothing
	}
	side, nav := h.sidebar(ctx)
	side.Poll = nil // the page is the poll: no second copy beside it
	base := h.baseURL(req)
	data := &layout{
		Title: "Thăm dò ý kiến", Description: p.Question,
		Canonical: base + "/binh-chon/" + p.ID, OGType: "website",
		Crumbs: []crumb{{Name: "Trang chủ", URL: h.path("/")}, {Name: "Thăm dò ý kiến"}},
		Nav:    nav, Side: side, Content: c,
		NoIndex: req.QueryStringParameters["loi"] != "",
	}
	cacheControl := pollPageCache
	if tokenHash != "" || c.Notice != "" {
		cacheControl = privateCache
	}
	resp := h.render(ctx, req, "poll", http.StatusOK, cacheControl, data)
	resp.Headers["Vary"] = "Cookie"
	return resp
}
