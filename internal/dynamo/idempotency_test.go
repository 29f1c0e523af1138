package dynamo_test

import (
	"context"
	"testing"
	"time"

	"eportal/internal/portal"
)

// TestIdempotencyLease walks one key through its states: in progress,
// refused for another body, taken over after the lease lapses, and a stale
// holder unable to complete or release the new holder's claim.
func TestIdempotencyLease(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	begin := func(hash string, at time.Time) (*portal.StoredResponse, string, string) {
		resp, claim, err := h.store.BeginIdempotent(ctx, "editor-1", "k1", hash, at)
		return resp, claim, portal.ErrorCode(err)
	}
	_, claim1, code := begin("h1", now)
	if claim1 == "" || code != "" {
		t.Fatalf("first claim = %q, %q", claim1, code)
	}
	if _, _, code := begin("h1", now.Add(time.Second)); code != portal.ECONFLICT {
		t.Errorf("same request in progress = %q; want conflict", code)
	}
	if _, _, code := begin("h2", now.Add(time.Second)); code != portal.EUNPROCESS {
		t.Errorf("other body = %q; want unprocessable", code)
	}
	_, claim2, code := begin("h1", now.Add(31*time.Second))
	if claim2 == "" || claim2 == claim1 || code != "" {
		t.Fatalf("takeover after the lease = %q, %q; want a new claim", claim2, code)
	}
	// The stale holder can neither release nor complete the new claim.
	if resp, err := h.store.AbandonIdempotent(ctx, "editor-1", "k1", claim1); resp != nil || portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("abandon by the stale holder = %+v, %v; want conflict", resp, err)
	}
	if _, _, code := begin("h1", now.Add(32*time.Second)); code != portal.ECONFLICT {
		t.Errorf("after a stale abandon = %q; want the new claim still in progress", code)
	}
	stale := article("stale", time.Hour)
	stale.Status, stale.PublishAt = portal.StatusDraft, nil
	err := h.store.SaveArticle(ctx, portal.ArticleChange{After: stale, Action: "create", Actor: "editor-1", Now: now,
		Idempotency: &portal.IdempotentResult{Caller: "editor-1", Key: "k1", RequestHash: "h1", Claim: claim1, Now: now,
			Response: portal.StoredResponse{Status: 201, Body: "stale"}}})
	if portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("completion by the stale holder = %v; want conflict", err)
	}
	if _, err := h.store.ArticleByID(ctx, "stale"); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("the stale holder's article was written: %v", err)
	}
	fresh := article("fresh", time.Hour)
	fresh.Status, fresh.PublishAt = portal.StatusDraft, nil
	err = h.store.SaveArticle(ctx, portal.ArticleChange{After: fresh, Action: "create", Actor: "editor-1", Now: now,
		Idempotency: &portal.IdempotentResult{Caller: "editor-1", Key: "k1", RequestHash: "h1", Claim: claim2, Now: now,
			Response: portal.StoredResponse{Status: 201, Headers: map[string]string{"Location": "/admin/articles/fresh"}, Body: "fresh"}}})
	if err != nil {
		t.Fatalf("completion by the holder: %v", err)
	}
	resp, _, code := begin("h1", now.Add(40*time.Second))
	if code != "" || resp == nil || resp.Status != 201 || resp.Body != "fresh" || resp.Headers["Location"] != "/admin/articles/fresh" {
		t.Errorf("replay = %+v, %q; want the stored 201", resp, code)
	}
	// Abandoning a completed claim releases nothing: the holder learns
	// that its change committed (a lost response), the stale one that
	// another request completed the key.
	if resp, err := h.store.AbandonIdempotent(ctx, "editor-1", "k1", claim2); err != nil || resp == nil || resp.Body != "fresh" {
		t.Errorf("abandon by the holder after completion = %+v, %v; want the stored response", resp, err)
	}
	if resp, err := h.store.AbandonIdempotent(ctx, "editor-1", "k1", claim1); resp != nil || portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("abandon by the stale holder after completion = %+v, %v; want conflict", resp, err)
	}
	if resp, err := h.store.AbandonIdempotent(ctx, "editor-1", "k2", claim1); resp != nil || err != nil {
		t.Errorf("abandon of a key with no record = %+v, %v; want nothing", resp, err)
	}
	// A day later the record has expired (compared, not left to TTL).
	if resp, claim, code := begin("h2", now.Add(25*time.Hour)); resp != nil || claim == "" || code != "" {
		t.Errorf("after expiry = %+v, %q, %q; want a fresh claim", resp, claim, code)
	}
}
