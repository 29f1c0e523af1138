package dynamo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"eportal/internal/portal"
)

func TestPollEditsKeepCountsIntact(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	p := testPoll("edit", portal.DedupeToken)
	h.mustPoll(t, p)
	if err := h.store.Vote(ctx, ballot(p, "t", "", "n", "o1")); err != nil {
		t.Fatal(err)
	}
	save := func(before *portal.Poll, change func(*portal.Poll)) (*portal.Poll, error) {
		after := *before
		after.Options = append([]portal.PollOption{}, before.Options...)
		change(&after)
		after.Version = before.Version + 1
		return &after, h.store.SavePoll(ctx, portal.PollChange{Before: before, After: &after, Action: "update", Actor: "admin", Now: now})
	}
	// Removing the voted option is refused and changes nothing.
	if _, err := save(p, func(q *portal.Poll) { q.Options = q.Options[1:] }); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Fatalf("removing a voted option = %v; want %s", err, portal.ECONFLICT)
	}
	// Relabelling it and removing an option without votes is fine.
	p2, err := save(p, func(q *portal.Poll) { q.Options[0].Label = "Rất tốt"; q.Options = q.Options[:2] })
	if err != nil {
		t.Fatalf("relabel and drop an unvoted option: %v", err)
	}
	if err := h.store.Vote(ctx, ballot(p, "t2", "", "n", "o3")); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("vote for the dropped option with the old definition = %v; want %s", err, portal.EINVALID)
	}
	// A stale version is refused.
	if _, err := save(p, func(q *portal.Poll) { q.Question = "?" }); portal.ErrorCode(err) != portal.EPRECONDITION {
		t.Errorf("stale save = %v; want %s", err, portal.EPRECONDITION)
	}
	snap, err := h.store.Poll(ctx, p.ID, "t")
	if err != nil {
		t.Fatal(err)
	}
	if snap.Poll.Options[0].Label != "Rất tốt" || len(snap.Poll.Options) != 2 || snap.Tally.Votes["o1"] != 1 || snap.Receipt == nil {
		t.Errorf("after edits: %+v tally %v receipt %v", snap.Poll.Options, snap.Tally, snap.Receipt)
	}
	if _, err := save(p2, func(q *portal.Poll) { q.Status = portal.PollClosed }); err != nil {
		t.Fatal(err)
	}
	if err := h.store.Vote(ctx, ballot(p2, "t3", "", "n", "o2")); portal.ErrorCode(err) != portal.EPOLLCLOSED {
		t.Errorf("vote after close = %v; want %s", err, portal.EPOLLCLOSED)
	}
}

func TestAddressKeyLifecycle(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	p := testPoll("ipkey", portal.DedupeIP)
	h.mustPoll(t, p)
	k1, err := h.store.AddressKey(ctx, p, bytes.Repeat([]byte{1}, 32), now)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := h.store.AddressKey(ctx, p, bytes.Repeat([]byte{2}, 32), now)
	if err != nil || !bytes.Equal(k1, k2) || k1[0] != 1 {
		t.Fatalf("second AddressKey = %x, %v; want the first key %x", k2, err, k1)
	}
	snap, _ := h.store.Poll(ctx, p.ID, "")
	if !bytes.Equal(snap.AddressKey, k1) {
		t.Errorf("Poll's AddressKey = %x; want %x", snap.AddressKey, k1)
	}
	after := *p
	after.Status, after.Version = portal.PollClosed, 2
	if err := h.store.SavePoll(ctx, portal.PollChange{Before: p, After: &after, Action: "close", Actor: "admin", Now: now}); err != nil {
		t.Fatal(err)
	}
	if snap, _ := h.store.Poll(ctx, p.ID, ""); snap.AddressKey != nil {
		t.Error("the address key outlived the poll's close")
	}
}

func TestDeletePoll(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	p := testPoll("gone", portal.DedupeToken)
	h.mustPoll(t, p)
	if err := h.store.DeletePoll(ctx, p, "admin", now); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.Poll(ctx, p.ID, ""); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("Poll after delete = %v; want not found", err)
	}
	if err := h.store.Vote(ctx, ballot(p, "t", "", "n", "o1")); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("Vote after delete = %v; want not found", err)
	}
	if err := h.store.DeletePoll(ctx, p, "admin", now); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("second delete = %v; want not found", err)
	}
}

func TestActivePolls(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	a := testPoll("a-open", portal.DedupeToken)
	b := testPoll("b-upcoming", portal.DedupeToken)
	b.OpensAt = at(time.Hour)
	c := testPoll("c-expired", portal.DedupeToken)
	c.ClosesAt = at(-time.Second)
	d := testPoll("d-open-later-close", portal.DedupeToken)
	d.OpensAt, d.ClosesAt = at(-time.Minute), at(time.Hour)
	for _, p := range []*portal.Poll{a, b, c, d} {
		h.mustPoll(t, p)
	}
	polls, next, err := h.store.ActivePolls(ctx, now, 20, "")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range polls {
		ids = append(ids, p.ID)
	}
	if got := strings.Join(ids, ","); got != "d-open-later-close,a-open" || next != "" {
		t.Errorf("active polls %s (next %q); want d-open-later-close,a-open", got, next)
	}
}
