package pollsapi

import (
	"context"
	"net/http"
	"strconv"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/slug"
	"eportal/internal/voter"
)

// voteInput is the body of POST /polls/{id}/votes.
type voteInput struct {
	Choices []string `json:"choices"`
}

// voteJSON answers a vote: the poll as the voter now sees it, and the voter
// token when this request was issued one.
type voteJSON struct {
	Poll       pollJSON `json:"poll"`
	VoterToken string   `json:"voterToken,omitempty"`
}

// refusalJSON is a refused vote: SPEC §4's error, plus the poll for an
// already_voted answer (a client that retried after losing the first
// response learns its vote counted, and what it was).
type refusalJSON struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Poll *pollJSON `json:"poll,omitempty"`
}

// vote serves POST /polls/{id}/votes with {"choices": ["<option id>", …]}.
//
// A request without a voter token is issued one (X-Voter-Token header,
// eportal_voter cookie and voterToken in the body); a token that does not
// verify is 400. Answers: 200 with the poll (results as the policy allows)
// when counted; 400 for no, too many, duplicate or unknown choices; 404 for
// no such poll; 409 poll_closed or poll_not_open outside the window; 409
// already_voted, with the poll and the voter's choices, for a token (or, per
// the poll's policy, a device and address) that voted before; 429 when the
// address reached the poll's cap; 503 with Retry-After when DynamoDB is
// busy. Only a 200 changes anything.
func (h *Handler) vote(ctx context.Context, req apigw.Request) apigw.Response {
	now := h.now()
	id := req.PathParameters["id"]
	if !slug.Valid(id) {
		return h.fail(ctx, portal.Errorf(portal.ENOTFOUND, "Poll not found."), apigw.NoStore)
	}
	var in voteInput
	if err := apigw.DecodeJSON(req, &in); err != nil {
		return h.fail(ctx, err, apigw.NoStore)
	}
	var (
		tokenHash voter.ID
		issued    string
	)
	if tok := token(req); tok != "" {
		var err error
		if tokenHash, err = h.tokens.Verify(tok, now); err != nil {
			return h.fail(ctx, err, apigw.NoStore)
		}
	} else {
		issued, tokenHash = h.tokens.Issue(now)
	}
	withToken := func(resp apigw.Response) apigw.Response {
		if issued != "" {
			resp.Headers[voter.Header] = issued
			resp.Cookies = append(resp.Cookies, voter.Cookie+"="+issued+"; Path=/polls; Max-Age="+
				strconv.Itoa(int(voter.MaxAge.Seconds()))+"; HttpOnly; Secure; SameSite=Lax")
		}
		return resp
	}

	snap, err := h.store.Poll(ctx, id, string(tokenHash))
	if err != nil {
		return withToken(h.fail(ctx, err, apigw.NoStore))
	}
	p := snap.Poll
	if err := p.CheckOpen(now); err != nil {
		if snap.AddressKey != nil && p.StateAt(now) == portal.PollClosed {
			// Past closesAt: the key must not outlive the poll.
			if err := h.store.DropAddressKey(ctx, p.ID); err != nil {
				h.log.WarnContext(ctx, "drop address key", "poll", p.ID, "err", err)
			}
		}
		return withToken(h.fail(ctx, err, apigw.NoStore))
	}
	if err := p.CheckChoices(in.Choices); err != nil {
		return withToken(h.fail(ctx, err, apigw.NoStore))
	}
	if snap.Receipt != nil {
		return withToken(h.alreadyVoted(ctx, snap, portal.Errorf(portal.EALREADYVOTED, "You have already voted in this poll.")))
	}
	key := snap.AddressKey
	if key == nil {
		if key, err = h.store.AddressKey(ctx, p, voter.NewAddressKey(), now); err != nil {
			return withToken(h.fail(ctx, err, apigw.NoStore))
		}
	}
	ip, ua := req.RequestContext.HTTP.SourceIP, req.RequestContext.HTTP.UserAgent
	if ua == "" {
		ua = apigw.Header(req, "User-Agent")
	}
	b := portal.Ballot{
		Poll: p, Choices: in.Choices, TokenHash: string(tokenHash),
		NetworkHash: voter.NetworkHash(key, ip), Now: now,
	}
	if p.Dedupe != portal.DedupeToken {
		b.AddressHash = voter.AddressHash(key, ip, ua)
	}
	err = h.store.Vote(ctx, b)
	switch portal.ErrorCode(err) {
	case "":
		snap.Tally.Add(in.Choices) // the results as of this vote
		out := voteJSON{Poll: view(p, now, &snap.Tally, true, true, in.Choices), VoterToken: issued}
		return withToken(apigw.JSON(http.StatusOK, out, apigw.NoStore))
	case portal.EALREADYVOTED:
		// Lost a race with this voter's other request, or the address
		// voted: show the poll as it is now.
		if again, rerr := h.store.Poll(ctx, id, string(tokenHash)); rerr == nil {
			snap = again
		}
		return withToken(h.alreadyVoted(ctx, snap, err))
	}
	return withToken(h.fail(ctx, err, apigw.NoStore))
}

func (h *Handler) alreadyVoted(ctx context.Context, snap *portal.PollSnapshot, err error) apigw.Response {
	var out refusalJSON
	out.Error.Code, out.Error.Message = portal.ErrorCode(err), portal.ErrorMessage(err)
	voted := snap.Receipt != nil
	v := view(snap.Poll, h.now(), &snap.Tally, true, true, snap.ReceiptChoices())
	v.Voted = &voted
	out.Poll = &v
	return apigw.JSON(apigw.StatusFor(out.Error.Code), out, apigw.NoStore)
}
