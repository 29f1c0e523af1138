package pollsapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/voter"
)

// pollJSON is a poll as readers get it. Results are present only when the
// poll's results policy lets this reader see them; otherwise
// resultsVisibleAfter says when they will be ("vote" or "close").
type pollJSON struct {
	ID                  string              `json:"id"`
	Question            string              `json:"question"`
	Options             []portal.PollOption `json:"options"`
	MaxChoices          int                 `json:"maxChoices"`
	OpensAt             string              `json:"opensAt,omitempty"`
	ClosesAt            string              `json:"closesAt,omitempty"`
	State               string              `json:"state"` // open, upcoming, closed
	Dedupe              string              `json:"dedupe"`
	ResultsPolicy       string              `json:"resultsPolicy"`
	Results             *portal.PollResults `json:"results,omitempty"`
	ResultsVisibleAfter string              `json:"resultsVisibleAfter,omitempty"`
	Voted               *bool               `json:"voted,omitempty"`       // when the request carried a voter token
	YourChoices         []string            `json:"yourChoices,omitempty"` // what that token voted
}

func view(p *portal.Poll, now time.Time, tally *portal.Tally, voted bool, hasToken bool, choices []string) pollJSON {
	j := pollJSON{
		ID: p.ID, Question: p.Question, Options: p.Options, MaxChoices: p.MaxChoices,
		State: p.StateAt(now), Dedupe: p.Dedupe, ResultsPolicy: p.Results, YourChoices: choices,
	}
	if p.OpensAt != nil {
		j.OpensAt = p.OpensAt.UTC().Format(time.RFC3339)
	}
	if p.ClosesAt != nil {
		j.ClosesAt = p.ClosesAt.UTC().Format(time.RFC3339)
	}
	if hasToken {
		j.Voted = &voted
	}
	switch {
	case tally == nil:
	case p.ResultsVisible(now, voted):
		r := p.ResultsOf(*tally)
		j.Results = &r
	case p.Results == portal.ResultsAfterVote:
		j.ResultsVisibleAfter = "vote"
	default:
		j.ResultsVisibleAfter = "close"
	}
	return j
}

// listPolls serves GET /polls?limit=&cursor=: the polls open now, newest
// first, without results (GET /polls/{id} has them).
func (h *Handler) listPolls(ctx context.Context, req apigw.Request) apigw.Response {
	limit, err := apigw.Limit(req)
	if err != nil {
		return h.fail(ctx, err, notFoundCache)
	}
	now := h.now()
	polls, next, err := h.store.ActivePolls(ctx, now, limit, req.QueryStringParameters["cursor"])
	if err != nil {
		return h.fail(ctx, err, notFoundCache)
	}
	items := make([]pollJSON, len(polls))
	for i, p := range polls {
		items[i] = view(p, now, nil, false, false, nil)
	}
	return apigw.Cached(req, apigw.NewPage(items, next), listCache)
}

// getPoll serves GET /polls/{id}: the poll, and its results when its policy
// allows. A request carrying a valid voter token also learns whether it
// voted and what; that answer is private. A token that does not verify is
// ignored here (the poll still renders) and refused on a vote.
func (h *Handler) getPoll(ctx context.Context, req apigw.Request) apigw.Response {
	id, err := pollID(req)
	if err != nil {
		return h.fail(ctx, err, notFoundCache)
	}
	now := h.now()
	var tokenHash voter.ID
	if tok := token(req); tok != "" {
		if err := h.tokens.Load(ctx); err != nil { // the keys cannot be read: 503
			return h.fail(ctx, err, notFoundCache)
		}
		tokenHash, _ = h.tokens.Verify(tok, now)
	}
	snap, err := h.store.Poll(ctx, id, string(tokenHash))
	if err != nil {
		return h.fail(ctx, err, notFoundCache)
	}
	if snap.AddressKey != nil && snap.Poll.StateAt(now) == portal.PollClosed {
		// Past closesAt: the key must not outlive the poll (its TTL is a
		// year away); the first read after the close drops it.
		if err := h.store.DropAddressKey(ctx, id); err != nil {
			h.log.WarnContext(ctx, "drop address key", "poll", id, "err", err)
		}
	}
	v := view(snap.Poll, now, &snap.Tally, snap.Receipt != nil, tokenHash != "", snap.ReceiptChoices())
	if tokenHash != "" {
		return apigw.JSON(http.StatusOK, v, privateCache)
	}
	resp := apigw.Cached(req, v, pollCache)
	resp.Headers["Vary"] = "Cookie, " + voter.Header
	return resp
}

// token returns the request's voter token: the X-Voter-Token header (apps,
// and web pages on another site than the API), else the eportal_voter cookie
// (web pages on the API's site, the reader site's poll form).
func token(req apigw.Request) string {
	if t := strings.TrimSpace(apigw.Header(req, voter.Header)); t != "" {
		return t
	}
	return voter.FromCookies(req.Cookies)
}
