package dynamo_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
)

// TestPollDedupeOutlivesWindowEdits: a voter votes, an admin moves closesAt
// far out, and AWS deletes whatever has expired by a day well inside the new
// window. The voter's markers and the poll's address key must still be there:
// the same token and the same device cannot vote again.
func TestPollDedupeOutlivesWindowEdits(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	p := testPoll("keo-dai", portal.DedupeBoth)
	p.ClosesAt = at(24 * time.Hour)
	h.mustPoll(t, p)
	if _, err := h.store.AddressKey(ctx, p, bytes.Repeat([]byte{7}, 32), now); err != nil {
		t.Fatal(err)
	}
	if err := h.store.Vote(ctx, ballot(p, "tok", "addr", "net", "o1")); err != nil {
		t.Fatal(err)
	}
	longer := *p
	longer.ClosesAt, longer.Version = at(300*24*time.Hour), 2
	if err := longer.CheckLife(); err != nil {
		t.Fatalf("the new window is allowed: %v", err)
	}
	if err := h.store.SavePoll(ctx, portal.PollChange{Before: p, After: &longer, Action: "update", Actor: "admin", Now: now}); err != nil {
		t.Fatal(err)
	}

	later := now.Add(200 * 24 * time.Hour)
	gone := dynamotest.SweepExpired(t, h.db, h.table, later)
	if i := slices.IndexFunc(gone, func(k string) bool { return strings.HasPrefix(k, "VOTE#") || strings.HasSuffix(k, "|IPKEY") }); i >= 0 {
		t.Errorf("expired while the poll is open: %v", gone)
	}
	snap, err := h.store.Poll(ctx, p.ID, "")
	if err != nil || snap.AddressKey == nil {
		t.Fatalf("address key inside the window = %v, %v; want it kept", snap, err)
	}
	again := ballot(&longer, "tok", "addr", "net", "o2")
	again.Now = later
	if err := h.store.Vote(ctx, again); portal.ErrorCode(err) != portal.EALREADYVOTED {
		t.Errorf("the same voter, 200 days later, inside the window: %v; want already_voted", err)
	}
	if s := h.state(t, p.ID); s.tally.Voters != 1 {
		t.Errorf("tally %s; want one voter", s)
	}
}

// TestPollLife: closesAt at most a year after the poll's creation, so that
// the lifetimes above always outlast the window.
func TestPollLife(t *testing.T) {
	p := testPoll("nam", portal.DedupeToken)
	p.ClosesAt = at(portal.MaxPollLife)
	if err := p.CheckLife(); err != nil {
		t.Errorf("closesAt a year after creation: %v; want allowed", err)
	}
	p.ClosesAt = at(portal.MaxPollLife + time.Second)
	if portal.ErrorCode(p.CheckLife()) != portal.EINVALID {
		t.Error("closesAt past a year after creation: allowed; want invalid")
	}
}

// TestPollSettingsFrozenInTransaction: once a vote exists, changing
// maxChoices or dedupe is refused by the writing transaction itself, even
// when the caller did not see the vote (an eventually consistent read of
// the tally can miss it).
func TestPollSettingsFrozenInTransaction(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	p := testPoll("dong-bang", portal.DedupeToken)
	h.mustPoll(t, p)
	if err := h.store.Vote(ctx, ballot(p, "tok", "", "net", "o1")); err != nil {
		t.Fatal(err)
	}
	for _, change := range []func(*portal.Poll){
		func(q *portal.Poll) { q.MaxChoices = 2 },
		func(q *portal.Poll) { q.Dedupe = portal.DedupeIP },
	} {
		after := *p
		after.Version = 2
		change(&after)
		err := h.store.SavePoll(ctx, portal.PollChange{Before: p, After: &after, Action: "update", Actor: "admin", Now: now})
		if portal.ErrorCode(err) != portal.ECONFLICT {
			t.Errorf("SavePoll %+v with a vote cast: %v; want conflict", after, err)
		}
	}
	snap, err := h.store.Poll(ctx, p.ID, "")
	if err != nil || snap.Poll.Version != 1 || snap.Poll.MaxChoices != 1 {
		t.Errorf("poll after refused edits = %+v, %v; want unchanged", snap.Poll, err)
	}
	// Without votes the same edit goes through.
	q := testPoll("tu-do", portal.DedupeToken)
	h.mustPoll(t, q)
	free := *q
	free.MaxChoices, free.Version = 2, 2
	if err := h.store.SavePoll(ctx, portal.PollChange{Before: q, After: &free, Action: "update", Actor: "admin", Now: now}); err != nil {
		t.Errorf("SavePoll without votes: %v", err)
	}
}
