package dynamo_test

import (
	"context"
	"testing"
	"time"

	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
)

// TestPlainWriteConflicts: AWS answers a plain write that touches an item
// inside a pending transaction with TransactionConflictException, which the
// SDK does not retry by default. Every plain write of the store rides out a
// passing conflict (the client retries it: the write was not applied) and
// answers a lasting one as unavailable (503 with Retry-After), never as an
// internal error.
func TestPlainWriteConflicts(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name, op, key string
		write         func(h *harness) error
	}{
		{"idempotency claim", "PutItem", "IDEM#", func(h *harness) error {
			_, _, err := h.store.BeginIdempotent(ctx, "u1", "k-"+time.Now().Format("150405.000000"), "h", now)
			return err
		}},
		{"poll address key", "PutItem", "POLL#", func(h *harness) error {
			_, err := h.store.AddressKey(ctx, testPoll("p1", portal.DedupeIP), []byte("0123456789abcdef0123456789abcdef"), now)
			return err
		}},
		{"drop address key", "DeleteItem", "POLL#", func(h *harness) error { return h.store.DropAddressKey(ctx, "p1") }},
		{"visit marker", "PutItem", "VISIT#", func(h *harness) error {
			_, _, err := h.store.MarkVisit(ctx, "a1", "v-"+time.Now().Format("150405.000000"), now, now.Add(time.Minute))
			return err
		}},
		{"unmark visit", "DeleteItem", "VISIT#", func(h *harness) error {
			return h.store.UnmarkVisit(ctx, "a1", "v", now.Add(time.Minute))
		}},
		{"view shard", "UpdateItem", "VIEWS#", func(h *harness) error {
			_, err := h.store.AddView(ctx, "a1", 0, now)
			return err
		}},
		{"roll-up", "UpdateItem", "SLUG#", func(h *harness) error {
			target, err := h.store.ViewTarget(ctx, "bai-a1")
			if err != nil {
				return err
			}
			_, err = h.store.RollUp(ctx, target, portal.ViewCounts{}, now.Add(time.Hour), time.Minute)
			return err
		}},
		{"one-off marker", "PutItem", "SITE", func(h *harness) error {
			_, err := h.store.MarkOnce(ctx, "t-"+time.Now().Format("150405.000000"), now)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, f := faultyHarness(t)
			h.mustCreate(t, article("a1", time.Hour))
			h.mustPoll(t, testPoll("p1", portal.DedupeIP))

			f.Set(dynamotest.On(tc.op, tc.key, dynamotest.WriteConflict, 1))
			if err := tc.write(h); err != nil {
				t.Errorf("with one conflict: %v; want success after the client's retry", err)
			}
			if f.Hits() != 1 {
				t.Errorf("%d conflicts injected; the test needs 1", f.Hits())
			}
			f.Set(dynamotest.On(tc.op, tc.key, dynamotest.WriteConflict, 100))
			if err := tc.write(h); portal.ErrorCode(err) != portal.EUNAVAILABLE {
				t.Errorf("with lasting conflicts: %v (code %s); want unavailable", err, portal.ErrorCode(err))
			}
		})
	}
}

// TestTransactionConflicts: a save's transaction cancelled for a
// TransactionConflict wrote nothing, so it is tried again; a lasting
// conflict is unavailable (503 with Retry-After), with nothing written.
func TestTransactionConflicts(t *testing.T) {
	ctx := context.Background()
	h, f := faultyHarness(t)
	h.mustCreate(t, article("a1", time.Hour))
	save := func() error {
		a, err := h.store.ArticleByID(ctx, "a1")
		if err != nil {
			t.Fatal(err)
		}
		e := a.EditOf()
		e.Title += "!"
		b, _ := a.Apply(e, "ed", now)
		return h.store.SaveArticle(ctx, portal.ArticleChange{Before: a, After: b, Action: "update", Actor: "ed", Now: now})
	}
	f.Set(dynamotest.On("TransactWriteItems", "", dynamotest.Conflict, 2))
	if err := save(); err != nil || f.Hits() != 2 {
		t.Errorf("save with two conflicts: %v (%d injected); want success on the third try", err, f.Hits())
	}
	f.Set(dynamotest.On("TransactWriteItems", "", dynamotest.Conflict, 100))
	if err := save(); portal.ErrorCode(err) != portal.EUNAVAILABLE {
		t.Errorf("save with lasting conflicts: %v; want unavailable", err)
	}
	f.Set(nil)
	if a, err := h.store.ArticleByID(ctx, "a1"); err != nil || a.Version != 2 {
		t.Errorf("article after one save and one refused = version %d, %v; want 2", a.Version, err)
	}
}
