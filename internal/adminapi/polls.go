package adminapi

import (
	"context"
	"net/http"
	"slices"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/sanitize"
	"eportal/internal/slug"
)

// pollUpdate is the body of PUT /admin/polls/{id}; pollInput (with an
// optional id) of POST /admin/polls. Omitted settings take their defaults:
// single choice, one vote per voter token, results always shown, opening
// now, no closing time, portal.DefaultVotesPerAddress.
type pollUpdate struct {
	Question        string        `json:"question"`
	Options         []optionInput `json:"options"`
	MaxChoices      int           `json:"maxChoices"`
	OpensAt         *time.Time    `json:"opensAt"`
	ClosesAt        *time.Time    `json:"closesAt"`
	Dedupe          string        `json:"dedupe"`
	ResultsPolicy   string        `json:"resultsPolicy"`
	VotesPerAddress *int          `json:"votesPerAddress"`
}

type pollInput struct {
	ID string `json:"id"`
	pollUpdate
}

type optionInput struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// adminPoll is a poll as admins get it: every field, its state now and its
// results whatever the results policy.
type adminPoll struct {
	*portal.Poll
	State   string              `json:"state"`
	Tallied *portal.PollResults `json:"tally"`
}

// cleanPoll builds the definition from an input: plain-text question and
// labels, times to the second in UTC, defaults, then portal.Poll.Validate.
func cleanPoll(in pollUpdate, now time.Time) (*portal.Poll, error) {
	p := &portal.Poll{
		Question: sanitize.Text(in.Question), MaxChoices: in.MaxChoices,
		Dedupe: in.Dedupe, Results: in.ResultsPolicy, VotesPerAddress: portal.DefaultVotesPerAddress,
	}
	if p.MaxChoices == 0 {
		p.MaxChoices = 1
	}
	if p.Dedupe == "" {
		p.Dedupe = portal.DedupeToken
	}
	if p.Results == "" {
		p.Results = portal.ResultsAlways
	}
	if in.VotesPerAddress != nil {
		p.VotesPerAddress = *in.VotesPerAddress
	}
	for _, o := range in.Options {
		p.Options = append(p.Options, portal.PollOption{ID: o.ID, Label: sanitize.Text(o.Label)})
	}
	second := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.UTC().Truncate(time.Second)
		return &u
	}
	p.OpensAt, p.ClosesAt = second(in.OpensAt), second(in.ClosesAt)
	if p.OpensAt == nil {
		at := now.UTC().Truncate(time.Second)
		p.OpensAt = &at
	}
	return p, p.Validate()
}

// createPoll serves POST /admin/polls (201, Location, ETag). The poll is
// open from opensAt to closesAt (or until an admin closes it).
func (h *Handler) createPoll(ctx context.Context, r *request) apigw.Response {
	var in pollInput
	if err := apigw.DecodeJSON(r.Request, &in); err != nil {
		return h.fail(ctx, err)
	}
	p, err := cleanPoll(in.pollUpdate, r.now)
	if err != nil {
		return h.fail(ctx, err)
	}
	p.ID = in.ID
	if p.ID == "" {
		p.ID = h.newID()
	}
	if !slug.Valid(p.ID) || len(p.ID) > 100 {
		return h.fail(ctx, invalid("id must be lower-case ASCII words joined by hyphens, at most 100 characters."))
	}
	p.Status, p.CreatedAt, p.UpdatedAt, p.Version = portal.PollOpen, r.now, r.now, 1
	if err := p.CheckLife(); err != nil {
		return h.fail(ctx, err)
	}
	if err := h.store.SavePoll(ctx, portal.PollChange{After: p, Action: "create", Actor: r.caller.Subject, Now: r.now}); err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusCreated, adminView(p, portal.Tally{}, r.now), map[string]string{"Location": "/admin/polls/" + p.ID, "ETag": etag(p.Version)})
}

func adminView(p *portal.Poll, t portal.Tally, now time.Time) adminPoll {
	r := p.ResultsOf(t)
	return adminPoll{Poll: p, State: p.StateAt(now), Tallied: &r}
}

func (h *Handler) findPoll(ctx context.Context, r *request) (*portal.PollSnapshot, error) {
	id := r.PathParameters["id"]
	if !slug.Valid(id) {
		return nil, portal.Errorf(portal.ENOTFOUND, "Poll not found.")
	}
	return h.store.Poll(ctx, id, "")
}

// getPoll serves GET /admin/polls/{id}: the poll with its results, ETag
// "<version>".
func (h *Handler) getPoll(ctx context.Context, r *request) apigw.Response {
	snap, err := h.findPoll(ctx, r)
	if err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusOK, adminView(snap.Poll, snap.Tally, r.now), map[string]string{"ETag": etag(snap.Poll.Version)})
}

// updatePoll serves PUT /admin/polls/{id} (If-Match required). Question,
// labels, window, results policy and the per-address cap may change at any
// time; once votes exist an option with votes cannot be removed or re-IDed,
// and maxChoices and the dedupe policy are fixed (409). A closed poll cannot
// be edited (409).
func (h *Handler) updatePoll(ctx context.Context, r *request) apigw.Response {
	want, err := ifMatch(r.Request)
	if err != nil {
		return h.fail(ctx, err)
	}
	var in pollUpdate
	if err := apigw.DecodeJSON(r.Request, &in); err != nil {
		return h.fail(ctx, err)
	}
	p, err := cleanPoll(in, r.now)
	if err != nil {
		return h.fail(ctx, err)
	}
	snap, err := h.findPoll(ctx, r)
	if err != nil {
		return h.fail(ctx, err)
	}
	cur := snap.Poll
	if err := sameVersion("poll", cur.Version, want); err != nil {
		return h.fail(ctx, err)
	}
	if cur.Status == portal.PollClosed {
		return h.fail(ctx, portal.Errorf(portal.ECONFLICT, "A closed poll cannot be edited."))
	}
	if snap.Tally.Voters > 0 {
		if p.MaxChoices != cur.MaxChoices || p.Dedupe != cur.Dedupe {
			return h.fail(ctx, portal.Errorf(portal.ECONFLICT, "maxChoices and dedupe cannot change once votes exist."))
		}
		for _, o := range cur.Options {
			if snap.Tally.Votes[o.ID] > 0 && !slices.ContainsFunc(p.Options, func(n portal.PollOption) bool { return n.ID == o.ID }) {
				return h.fail(ctx, portal.Errorf(portal.ECONFLICT, "Option %q has votes and cannot be removed; change its label instead.", o.ID))
			}
		}
	}
	p.ID, p.Status, p.CreatedAt, p.UpdatedAt, p.Version = cur.ID, cur.Status, cur.CreatedAt, r.now, cur.Version+1
	if err := p.CheckLife(); err != nil {
		return h.fail(ctx, err)
	}
	// The store re-checks in the transaction that no dropped option has
	// votes: one may arrive between this read and the write.
	if err := h.store.SavePoll(ctx, portal.PollChange{Before: cur, After: p, Action: "update", Actor: r.caller.Subject, Now: r.now}); err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusOK, adminView(p, snap.Tally, r.now), map[string]string{"ETag": etag(p.Version)})
}

// closePoll serves POST /admin/polls/{id}/close: no more votes; the poll's
// address-hash key is deleted in the same transaction. If-Match optional.
func (h *Handler) closePoll(ctx context.Context, r *request) apigw.Response {
	if err := noBody(r.Request); err != nil {
		return h.fail(ctx, err)
	}
	snap, err := h.findPoll(ctx, r)
	if err != nil {
		return h.fail(ctx, err)
	}
	cur := snap.Poll
	if err := versionMatches(r, "poll", cur.Version); err != nil {
		return h.fail(ctx, err)
	}
	if cur.Status == portal.PollClosed {
		return h.fail(ctx, portal.Errorf(portal.ECONFLICT, "The poll is already closed."))
	}
	p := *cur
	p.Status, p.UpdatedAt, p.Version = portal.PollClosed, r.now, cur.Version+1
	if err := h.store.SavePoll(ctx, portal.PollChange{Before: cur, After: &p, Action: "close", Actor: r.caller.Subject, Now: r.now}); err != nil {
		return h.fail(ctx, err)
	}
	return h.ok(http.StatusOK, adminView(&p, snap.Tally, r.now), map[string]string{"ETag": etag(p.Version)})
}

// deletePoll serves DELETE /admin/polls/{id} (204): the poll, its tallies
// and its address key go in one transaction; vote markers expire by TTL.
// If-Match optional.
func (h *Handler) deletePoll(ctx context.Context, r *request) apigw.Response {
	snap, err := h.findPoll(ctx, r)
	if err != nil {
		return h.fail(ctx, err)
	}
	if err := versionMatches(r, "poll", snap.Poll.Version); err != nil {
		return h.fail(ctx, err)
	}
	if err := h.store.DeletePoll(ctx, snap.Poll, r.caller.Subject, r.now); err != nil {
		return h.fail(ctx, err)
	}
	return noContent()
}

// pollListItem is a poll in the admins' list: its definition and its state
// now, without results (GET /admin/polls/{id} has them).
type pollListItem struct {
	*portal.Poll
	State string `json:"state"`
}

// listPolls serves GET /admin/polls?limit=&cursor=: every poll, upcoming,
// open or closed, newest first.
func (h *Handler) listPolls(ctx context.Context, r *request) apigw.Response {
	limit, err := apigw.Limit(r.Request)
	if err != nil {
		return h.fail(ctx, err)
	}
	ps, next, err := h.store.AllPolls(ctx, limit, r.QueryStringParameters["cursor"])
	if err != nil {
		return h.fail(ctx, err)
	}
	items := make([]pollListItem, len(ps))
	for i, p := range ps {
		items[i] = pollListItem{Poll: p, State: p.StateAt(r.now)}
	}
	return h.ok(http.StatusOK, apigw.NewPage(items, next), nil)
}
