package pollsapi

import (
	"context"
	"net/http"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/metrics"
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
// busy. Only a 200 changes anything. The vote itself is castVote, shared
// with the reader site's form (voteForm).
func (h *Handler) vote(ctx context.Context, req apigw.Request) apigw.Response {
	id, err := pollID(req)
	if err != nil {
		return h.fail(ctx, err, apigw.NoStore)
	}
	var in voteInput
	if err := apigw.DecodeJSON(req, &in); err != nil {
		return h.fail(ctx, err, apigw.NoStore)
	}
	c := h.castVote(ctx, req, id, in.Choices, false)
	var resp apigw.Response
	switch portal.ErrorCode(c.err) {
	case "":
		out := voteJSON{Poll: view(c.snap.Poll, c.now, &c.snap.Tally, true, true, in.Choices), VoterToken: c.issued}
		resp = apigw.JSON(http.StatusOK, out, apigw.NoStore)
	case portal.EALREADYVOTED:
		snap := c.snap
		if snap.Receipt == nil {
			// The store refused the vote: this voter's other request won
			// the race, or the address voted. Show the poll as it is now.
			if again, err := h.store.Poll(ctx, id, string(c.tokenHash)); err == nil {
				snap = again
			}
		}
		resp = h.alreadyVoted(ctx, snap, c.err)
	default:
		resp = h.fail(ctx, c.err, apigw.NoStore)
	}
	if c.issued != "" {
		resp.Headers[voter.Header] = c.issued
		resp.Cookies = append(resp.Cookies, voter.SetCookie(c.issued, h.basePath))
	}
	return resp
}

// cast is what castVote did with one vote.
type cast struct {
	now time.Time
	// issued is the token this request was issued ("" when it brought a
	// valid one), tokenHash the voter's identity either way. The caller
	// hands issued to the client whatever err is: a client that retries a
	// 503 with it cannot be counted twice.
	issued    string
	tokenHash voter.ID
	// snap is the poll as read before the vote, its tally including this
	// vote when it counted; nil when err came before the read.
	snap *portal.PollSnapshot
	// err is nil when the vote counted; else why not: EINVALID (bad
	// choices; or the token, unless lenient), ENOTFOUND, EPOLLCLOSED,
	// EPOLLNOTOPEN, EALREADYVOTED (a receipt in snap, or a refusal by the
	// store: a race with the same voter, or the address policy), ETOOMANY
	// (the address cap), EUNAVAILABLE.
	err error
}

// castVote counts choices as req's voter's vote in poll id, exactly once,
// whichever route it came by. It reads the voter token from req (header or
// cookie) and verifies it; a token that does not verify is the EINVALID
// result, unless lenient, which drops it; a request without a (kept) token
// is issued one. Then it reads the poll, checks that it is open (dropping
// the address key of a poll past its closesAt) and the choices, refuses a
// voter with a receipt, makes the poll's address key if it has none, and
// hands the ballot — token hash, keyed hashes of the source address (and
// User-Agent, under the ip and both policies) — to store.Vote, whose one
// transaction counts it or refuses it.
func (h *Handler) castVote(ctx context.Context, req apigw.Request, id string, choices []string, lenient bool) cast {
	c := cast{now: h.now()}
	// The voter keys cannot be read: 503, never a token taken for forged
	// (the voter would get a new one and could vote twice).
	if err := h.tokens.Load(ctx); err != nil {
		c.err = err
		return c
	}
	if tok := token(req); tok != "" {
		hash, err := h.tokens.Verify(tok, c.now)
		if err != nil && !lenient {
			c.err = err
			return c
		}
		c.tokenHash = hash
	}
	if c.tokenHash == "" {
		c.issued, c.tokenHash = h.tokens.Issue(c.now)
	}

	snap, err := h.store.Poll(ctx, id, string(c.tokenHash))
	if err != nil {
		c.err = err
		return c
	}
	c.snap = snap
	p := snap.Poll
	if err := p.CheckOpen(c.now); err != nil {
		if snap.AddressKey != nil && p.StateAt(c.now) == portal.PollClosed {
			// Past closesAt: the key must not outlive the poll.
			if err := h.store.DropAddressKey(ctx, p.ID); err != nil {
				h.log.WarnContext(ctx, "drop address key", "poll", p.ID, "err", err)
			}
		}
		c.err = err
		return c
	}
	if err := p.CheckChoices(choices); err != nil {
		c.err = err
		return c
	}
	if snap.Receipt != nil {
		c.err = portal.Errorf(portal.EALREADYVOTED, "You have already voted in this poll.")
		return c
	}
	key := snap.AddressKey
	if key == nil {
		if key, err = h.store.AddressKey(ctx, p, voter.NewAddressKey(), c.now); err != nil {
			c.err = err
			return c
		}
	}
	ip, ua := apigw.ClientAddress(req, h.edgeSecret), req.RequestContext.HTTP.UserAgent
	if ua == "" {
		ua = apigw.Header(req, "User-Agent")
	}
	b := portal.Ballot{
		Poll: p, Choices: choices, TokenHash: string(c.tokenHash),
		NetworkHash: voter.NetworkHash(key, ip), Now: c.now,
	}
	if p.Dedupe != portal.DedupeToken {
		b.AddressHash = voter.AddressHash(key, ip, ua)
	}
	if c.err = h.store.Vote(ctx, b); c.err == nil {
		metrics.Add(ctx, metrics.VotesCounted, 1)
		snap.Tally.Add(choices) // the results as of this vote
	}
	return c
}

// pollID returns the request's poll id; one that cannot be a poll's is
// ENOTFOUND without a read.
func pollID(req apigw.Request) (string, error) {
	id := req.PathParameters["id"]
	if !slug.Valid(id) {
		return "", portal.Errorf(portal.ENOTFOUND, "Poll not found.")
	}
	return id, nil
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
