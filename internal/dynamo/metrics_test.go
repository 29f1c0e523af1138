package dynamo_test

import (
	"context"
	"testing"
	"time"

	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/metrics"
	"eportal/internal/portal"
)

// TestConflictsRetriedMetric: each transaction eportal sends again after a
// TransactionConflict (an admin save, a vote) counts one
// metrics.ConflictsRetried in the invocation's counts; the last, refused
// attempt is not a retry.
func TestConflictsRetriedMetric(t *testing.T) {
	h, f := faultyHarness(t)
	h.mustCreate(t, article("a1", time.Hour))
	ctx, counts := metrics.Begin(context.Background())
	a, err := h.store.ArticleByID(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	e := a.EditOf()
	e.Title += "!"
	b, _ := a.Apply(e, "ed", now)
	f.Set(dynamotest.On("TransactWriteItems", "", dynamotest.Conflict, 2))
	if err := h.store.SaveArticle(ctx, portal.ArticleChange{Before: a, After: b, Action: "update", Actor: "ed", Now: now}); err != nil {
		t.Fatal(err)
	}
	if got := counts.Get(metrics.ConflictsRetried); got != 2 {
		t.Errorf("save after two conflicts: ConflictsRetried = %d, want 2", got)
	}

	p := testPoll("metrics-poll", portal.DedupeToken)
	if err := h.store.CreatePoll(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	ctx, counts = metrics.Begin(context.Background())
	f.Set(dynamotest.On("TransactWriteItems", "", dynamotest.Conflict, 100))
	err = h.store.Vote(ctx, ballot(p, "tok-1", "", "net-1", "o2"))
	f.Set(nil)
	if portal.ErrorCode(err) != portal.EUNAVAILABLE {
		t.Fatalf("vote under lasting conflicts: %v; want unavailable", err)
	}
	if got := counts.Get(metrics.ConflictsRetried); got != dynamo.VoteAttempts-1 {
		t.Errorf("vote refused after %d attempts: ConflictsRetried = %d, want %d", dynamo.VoteAttempts, got, dynamo.VoteAttempts-1)
	}
}
