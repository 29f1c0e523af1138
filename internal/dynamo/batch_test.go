package dynamo_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"eportal/infra/tables"
	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
)

// throttled is a store whose batch calls leave items unprocessed as the
// wrapper's policy says, on the real DynamoDB Local client.
type throttled struct {
	*harness
	batches *dynamotest.Unprocessed
}

func mustThrottled(t *testing.T) *throttled {
	t.Helper()
	calls := &dynamotest.CallCounter{}
	ts := tables.MustStore(t, calls.Option())
	u := dynamotest.NewUnprocessed(ts.DB, nil)
	h := &harness{store: dynamo.New(u, ts.Table, ts.Cursors), db: ts.DB, table: ts.Table, calls: calls, cursors: ts.Cursors}
	return &throttled{harness: h, batches: u}
}

// mustArticleWithEverything creates a published article with three
// revisions, views in three counter shards (the last one the highest a
// deployment may use) and its most-read entries, and returns it as the admin
// function reads it.
func (h *throttled) mustArticleWithEverything(t *testing.T, id string) *portal.Article {
	t.Helper()
	ctx := context.Background()
	h.mustCreate(t, article(id, time.Hour, "c1", "c2"))
	for range 2 {
		a, err := h.store.ArticleByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		e := a.EditOf()
		e.Title += " (sửa)"
		b, _ := a.Apply(e, "ed", now)
		if err := h.store.SaveArticle(ctx, portal.ArticleChange{Before: a, After: b, Action: "update", Actor: "ed", Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	for _, shard := range []int{0, 7, portal.MaxViewShards - 1} {
		if _, err := h.store.AddView(ctx, id, shard, now); err != nil {
			t.Fatal(err)
		}
	}
	target, err := h.store.ViewTarget(ctx, "bai-"+id)
	if err != nil {
		t.Fatal(err)
	}
	shards, err := h.store.ViewShards(ctx, id, portal.MaxViewShards)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := h.store.RollUp(ctx, target, portal.Sum(shards), now, time.Minute); !ok || err != nil {
		t.Fatalf("RollUp = %v, %v", ok, err)
	}
	if got := h.traces(t, id); len(got) < 10 {
		t.Fatalf("set-up left %d items of the article; want its copies, entries, revisions, shards and most-read entries: %v", len(got), got)
	}
	a, err := h.store.ArticleByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// traces returns every item of article id but its audit records: keys that
// name the id or its slug.
func (h *harness) traces(t *testing.T, id string) []string {
	t.Helper()
	return dynamotest.Keys(t, h.db, h.table, func(pk string) bool {
		return strings.Contains(pk, id) && !strings.HasPrefix(pk, "AUDIT#")
	})
}

// TestDeleteArticleRemovesEverything deletes an article with every kind of
// item, with batch calls processed at once and with a burst of unprocessed
// items that the retries ride out: nothing of it is left but the audit log.
func TestDeleteArticleRemovesEverything(t *testing.T) {
	for _, tc := range []struct {
		name       string
		leave      func(call, n int) int
		batchCalls int // BatchWriteItem calls made
	}{
		{"processed at once", nil, 5},                            // 100 shard keys + the rest: 5 chunks of 25
		{"first calls unprocessed", dynamotest.FirstCalls(3), 8}, // the first chunk retried 3 times
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := mustThrottled(t)
			a := h.mustArticleWithEverything(t, "xoa1")
			h.batches.SetLeave(tc.leave)
			h.calls.Reset()
			if err := h.store.DeleteArticle(context.Background(), a, "admin", now); err != nil {
				t.Fatalf("DeleteArticle: %v", err)
			}
			// The transaction; the marker read; the keys under ART#<id> and
			// POP#<id>; 3 revisions + 3 most-read entries + 100 shard keys in
			// batches of 25; the marker delete.
			// Calls left wholly unprocessed never reach the table.
			want := map[string]int{"TransactWriteItems": 1, "GetItem": 1, "Query": 2, "BatchWriteItem": 5, "DeleteItem": 1}
			if got := h.calls.Counts(); !maps.Equal(got, want) {
				t.Errorf("calls that reached the table = %v; want %v", got, want)
			}
			if got := h.batches.Calls(); got != tc.batchCalls {
				t.Errorf("%d batch calls; want %d", got, tc.batchCalls)
			}
			if got := h.traces(t, "xoa1"); len(got) != 0 {
				t.Errorf("left behind: %v", got)
			}
			if err := h.store.FinishDeleteArticle(context.Background(), "xoa1"); portal.ErrorCode(err) != portal.ENOTFOUND {
				t.Errorf("FinishDeleteArticle after a finished delete: %v; want not_found", err)
			}
		})
	}
}

// TestDeleteArticleUnfinishedIsFinishedLater: when the sweep keeps items
// unprocessed whatever the retries, the delete answers unavailable — and
// the article is already gone for readers and editors — and finishing it
// later removes the rest.
func TestDeleteArticleUnfinishedIsFinishedLater(t *testing.T) {
	ctx := context.Background()
	h := mustThrottled(t)
	a := h.mustArticleWithEverything(t, "xoa2")
	h.batches.SetLeave(dynamotest.EveryCall)
	err := h.store.DeleteArticle(ctx, a, "admin", now)
	if portal.ErrorCode(err) != portal.EUNAVAILABLE {
		t.Fatalf("DeleteArticle with batches never processed: %v; want unavailable", err)
	}
	if got := h.batches.Calls(); got != 5 {
		t.Errorf("%d batch calls; want 5 (one chunk, every attempt)", got)
	}
	if _, err := h.store.ArticleByID(ctx, "xoa2"); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("ArticleByID of a half-deleted article: %v; want not_found", err)
	}
	if _, err := h.store.ArticleBySlug(ctx, "bai-xoa2", now); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("ArticleBySlug of a half-deleted article: %v; want not_found", err)
	}
	if items, _, err := h.store.Desk(ctx, portal.DeskQuery{Limit: 10}); err != nil || len(items) != 0 {
		t.Errorf("desk of a half-deleted article = %v, %v; want empty", items, err)
	}
	if left := h.traces(t, "xoa2"); len(left) < 2 || !slices.Contains(left, "ART#xoa2|DELETING") {
		t.Fatalf("left behind = %v; want what the sweep did not reach, and the deletion marker", left)
	}

	// Still throttled: finishing fails the same way and changes nothing it
	// should not.
	if err := h.store.FinishDeleteArticle(ctx, "xoa2"); portal.ErrorCode(err) != portal.EUNAVAILABLE {
		t.Errorf("FinishDeleteArticle, still throttled: %v; want unavailable", err)
	}
	h.batches.SetLeave(nil)
	if err := h.store.FinishDeleteArticle(ctx, "xoa2"); err != nil {
		t.Fatalf("FinishDeleteArticle: %v", err)
	}
	if left := h.traces(t, "xoa2"); len(left) != 0 {
		t.Errorf("left behind after finishing: %v", left)
	}
	records, _, err := h.store.Audit(ctx, portal.AuditQuery{EntityType: "article", EntityID: "xoa2", Limit: 10})
	if err != nil || len(records) == 0 || records[0].Action != "delete" {
		t.Errorf("audit of the deleted article = %v, %v; want the delete first", records, err)
	}
}

// TestBatchReadsRetryUnprocessedKeys: a poll read and a shard read (one
// BatchGetItem each) get every item when the first calls leave all keys
// unprocessed, and answer unavailable — never a partial result — when every
// call leaves some.
func TestBatchReadsRetryUnprocessedKeys(t *testing.T) {
	ctx := context.Background()
	h := mustThrottled(t)
	h.mustPoll(t, testPoll("p1", portal.DedupeToken))
	if err := h.store.Vote(ctx, ballot(testPoll("p1", portal.DedupeToken), "t1", "", "n1", "o2")); err != nil {
		t.Fatal(err)
	}
	for _, shard := range []int{0, 5} {
		if _, err := h.store.AddView(ctx, "a1", shard, now); err != nil {
			t.Fatal(err)
		}
	}

	h.batches.SetLeave(dynamotest.FirstCalls(2))
	snap, err := h.store.Poll(ctx, "p1", "t1")
	if err != nil {
		t.Fatalf("Poll with two unprocessed calls: %v", err)
	}
	if snap.Tally.Voters != 1 || snap.Tally.Votes["o2"] != 1 || snap.Receipt == nil {
		t.Errorf("poll read = %+v, receipt %v; want 1 voter for o2 and the voter's receipt", snap.Tally, snap.Receipt)
	}
	if got := h.batches.Calls(); got != 3 {
		t.Errorf("%d BatchGetItem calls; want 3", got)
	}
	h.batches.SetLeave(dynamotest.FirstCalls(4))
	shards, err := h.store.ViewShards(ctx, "a1", 8)
	if err != nil || portal.Sum(shards).Total != 2 {
		t.Errorf("ViewShards with four unprocessed calls = %v, %v; want a total of 2", shards, err)
	}

	h.batches.SetLeave(dynamotest.EveryCall)
	if _, err := h.store.Poll(ctx, "p1", ""); portal.ErrorCode(err) != portal.EUNAVAILABLE {
		t.Errorf("Poll with keys always unprocessed: %v; want unavailable", err)
	}
	if _, err := h.store.ViewShards(ctx, "a1", 8); portal.ErrorCode(err) != portal.EUNAVAILABLE {
		t.Errorf("ViewShards with keys always unprocessed: %v; want unavailable", err)
	}
}
