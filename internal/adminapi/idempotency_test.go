package adminapi_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/adminapi"
	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
)

// TestIdempotencyKeyBlank: an Idempotency-Key header that is sent but empty
// or only whitespace is a client bug, not "no key": 400 invalid, before
// anything is written.
func TestIdempotencyKeyBlank(t *testing.T) {
	e := mustEnv(t)
	id, _ := e.create(t, draftBody)
	if resp, _ := e.act(t, "editor", id, "submit", "", nil); resp.StatusCode != 200 {
		t.Fatalf("submit = %d %s", resp.StatusCode, resp.Body)
	}
	tag := fmtETag(2) // submitted, not published
	start := e.deskSize(t)
	for _, key := range []string{"", " ", "   ", "\t", " \t "} {
		h := map[string]string{"Idempotency-Key": key}
		for _, c := range []call{
			{role: "editor", method: "POST", route: "/admin/articles", body: draftBody, headers: h},
			{role: "publisher", method: "POST", route: "/admin/articles/{id}/publish", params: map[string]string{"id": id}, headers: h},
		} {
			e.calls.Reset()
			resp, b := e.do(t, c)
			if resp.StatusCode != 400 || apigwtest.ErrorCode(b) != portal.EINVALID {
				t.Errorf("%s with Idempotency-Key %q = %d %s; want 400 invalid", c.route, key, resp.StatusCode, resp.Body)
			}
			if n := e.calls.Counts()["TransactWriteItems"]; n != 0 {
				t.Errorf("%s with Idempotency-Key %q wrote (%d transactions)", c.route, key, n)
			}
		}
	}
	if got := e.deskSize(t); got != start {
		t.Errorf("desk has %d articles; want %d", got, start)
	}
	resp, _ := e.do(t, call{role: "editor", method: "GET", route: "/admin/articles/{id}", params: map[string]string{"id": id}})
	if resp.Headers["ETag"] != tag {
		t.Errorf("article ETag = %s; want %s (not published)", resp.Headers["ETag"], tag)
	}
}

// idemWrite is an admin write that takes an Idempotency-Key.
type idemWrite struct {
	name   string
	role   string
	status int // its success
	action string
	// prepare readies the table and returns the request (without its key).
	prepare func(t *testing.T, e *env) call
}

var idemWrites = []idemWrite{
	{"create", "editor", 201, "create", func(t *testing.T, e *env) call {
		return call{role: "editor", method: "POST", route: "/admin/articles", body: draftBody}
	}},
	{"publish", "publisher", 200, "publish", func(t *testing.T, e *env) call {
		id, _ := e.create(t, draftBody)
		if resp, _ := e.act(t, "editor", id, "submit", "", nil); resp.StatusCode != 200 {
			t.Fatalf("submit = %d %s", resp.StatusCode, resp.Body)
		}
		return call{role: "publisher", method: "POST", route: "/admin/articles/{id}/publish", params: map[string]string{"id": id}}
	}},
}

func (w idemWrite) call(t *testing.T, e *env, key string) call {
	t.Helper()
	c := w.prepare(t, e)
	c.headers = map[string]string{"Idempotency-Key": key}
	return c
}

// done counts the write's audit records by its role's user: how many times
// its change committed (each is one transaction with the article, its
// revision and its public items).
func (w idemWrite) done(t *testing.T, e *env) int {
	t.Helper()
	recs, _, err := e.store.Audit(context.Background(), portal.AuditQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.EntityType == "article" && r.Action == w.action && r.Actor == subs[w.role] {
			n++
		}
	}
	return n
}

// inProgress returns the keys of the idempotency records left in progress.
func (e *env) inProgress(t *testing.T) []string {
	t.Helper()
	out, err := e.db.Scan(context.Background(), &dynamodb.ScanInput{
		TableName: &e.table, FilterExpression: aws.String("#state = :p"),
		ExpressionAttributeNames:  map[string]string{"#state": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: "in_progress"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, it := range out.Items {
		pk, _ := it["PK"].(*types.AttributeValueMemberS)
		if pk != nil {
			keys = append(keys, pk.Value)
		}
	}
	return keys
}

// allKeys returns every item's key in the test's table.
func (e *env) allKeys(t *testing.T) []string {
	t.Helper()
	return dynamotest.Keys(t, e.db, e.table, func(string) bool { return true })
}

// diffKeys returns the keys in after only and in before only.
func diffKeys(before, after []string) (added, removed []string) {
	for _, k := range after {
		if !slices.Contains(before, k) {
			added = append(added, k)
		}
	}
	for _, k := range before {
		if !slices.Contains(after, k) {
			removed = append(removed, k)
		}
	}
	return added, removed
}

// firstOf applies the first of rules that picks a fault.
func firstOf(rules ...dynamotest.Rule) dynamotest.Rule {
	return func(op, body string) dynamotest.Fault {
		for _, r := range rules {
			if f := r(op, body); f != dynamotest.Pass {
				return f
			}
		}
		return dynamotest.Pass
	}
}

// replayed checks that resp is first again, marked as a replay.
func replayed(t *testing.T, resp, first apigw.Response) {
	t.Helper()
	if resp.StatusCode != first.StatusCode || resp.Body != first.Body || resp.Headers["Idempotent-Replayed"] != "true" {
		t.Errorf("retry with the key = %d %v %.200s; want the first %d replayed", resp.StatusCode, resp.Headers, resp.Body, first.StatusCode)
	}
}

// TestIdempotentResponseLost: a write's call commits and its response is
// lost; the SDK sends it again. For the transaction, DynamoDB's own
// idempotency (the same ClientRequestToken) answers the retry as the
// first; with a fresh token (the token's 10 minutes passed) the retry runs
// again and fails its own conditions, and the handler must still answer
// what the committed change answered. For the key's claim, the retry finds
// the claim it made itself. Either way the change is made once, the key is
// done, and the client's retry gets the first response.
func TestIdempotentResponseLost(t *testing.T) {
	lost := []struct {
		name, op, keyPrefix string
		renew               bool
	}{
		{"transaction", "TransactWriteItems", "", false},
		{"transaction, renewed token", "TransactWriteItems", "", true},
		{"key claim", "PutItem", "IDEM#", false},
	}
	for _, w := range idemWrites {
		for _, l := range lost {
			t.Run(w.name+"/"+l.name, func(t *testing.T) {
				e, f := mustFaultyEnv(t)
				c := w.call(t, e, "mat-phan-hoi-1")
				desk := e.deskSize(t)
				f.RenewTokens(l.renew)
				f.Set(dynamotest.On(l.op, l.keyPrefix, dynamotest.LoseResponse, 1))
				first, _ := e.do(t, c)
				hits, sent := f.Hits(), f.Sent(l.op)
				f.Set(nil)
				if hits != 1 || sent < 2 {
					t.Fatalf("%d responses lost, %d %s sent; want 1 lost and a retry sent", hits, sent, l.op)
				}
				if first.StatusCode != w.status || first.Headers["Idempotent-Replayed"] != "" {
					t.Fatalf("%s, response lost = %d %v %s; want %d", w.name, first.StatusCode, first.Headers, first.Body, w.status)
				}
				if n := w.done(t, e); n != 1 {
					t.Errorf("%s committed %d times; want once", w.name, n)
				}
				if w.name == "create" {
					desk++
				}
				if got := e.deskSize(t); got != desk {
					t.Errorf("desk has %d articles; want %d", got, desk)
				}
				if keys := e.inProgress(t); len(keys) != 0 {
					t.Errorf("idempotency records left in progress: %v", keys)
				}
				again, _ := e.do(t, c)
				replayed(t, again, first)
			})
		}
	}
}

// TestIdempotentWriteThrottled: the write's transaction is throttled
// through all of the SDK's retries: 503 with Retry-After, nothing written
// (no article, revision, audit record or public item) and the key released,
// so that the client's retry with the same key and body runs and succeeds.
func TestIdempotentWriteThrottled(t *testing.T) {
	for _, w := range idemWrites {
		t.Run(w.name, func(t *testing.T) {
			e, f := mustFaultyEnv(t)
			c := w.call(t, e, "nghen-1")
			before := e.allKeys(t)
			f.Set(dynamotest.On("TransactWriteItems", "", dynamotest.Throttle, 100))
			resp, b := e.do(t, c)
			f.Set(nil)
			if resp.StatusCode != 503 || apigwtest.ErrorCode(b) != portal.EUNAVAILABLE || resp.Headers["Retry-After"] == "" {
				t.Fatalf("%s, throttled = %d %v %s; want 503 unavailable with Retry-After", w.name, resp.StatusCode, resp.Headers, resp.Body)
			}
			if added, removed := diffKeys(before, e.allKeys(t)); len(added)+len(removed) != 0 {
				t.Errorf("a failed %s changed the table: added %v, removed %v; want nothing (the key released)", w.name, added, removed)
			}
			retry, _ := e.do(t, c)
			if retry.StatusCode != w.status || retry.Headers["Idempotent-Replayed"] != "" {
				t.Fatalf("retry with the same key = %d %v %s; want a fresh %d", retry.StatusCode, retry.Headers, retry.Body, w.status)
			}
			if n := w.done(t, e); n != 1 {
				t.Errorf("%s committed %d times; want once", w.name, n)
			}
			replayed(t, e.send(t, c), retry)
		})
	}
}

// TestIdempotencyInProgress: a request whose key is still claimed (its
// first attempt failed and could not release the key) is 409 with
// Retry-After; once the claim's 30 s lease lapses a retry takes the key
// over and runs.
func TestIdempotencyInProgress(t *testing.T) {
	for _, w := range idemWrites {
		t.Run(w.name, func(t *testing.T) {
			e, f := mustFaultyEnv(t)
			c := w.call(t, e, "dang-chay-1")
			f.Set(firstOf(dynamotest.On("TransactWriteItems", "", dynamotest.Throttle, 100), dynamotest.On("DeleteItem", "", dynamotest.Throttle, 100)))
			if resp, _ := e.do(t, c); resp.StatusCode != 503 {
				t.Fatalf("%s, throttled = %d %s; want 503", w.name, resp.StatusCode, resp.Body)
			}
			f.Set(nil)
			if keys := e.inProgress(t); len(keys) != 1 {
				t.Fatalf("records in progress = %v; want the unreleased key (the test needs it)", keys)
			}
			resp, b := e.do(t, c)
			if resp.StatusCode != 409 || apigwtest.ErrorCode(b) != portal.ECONFLICT || !retryAfter(resp) {
				t.Errorf("key in progress = %d %v %s; want 409 conflict with Retry-After", resp.StatusCode, resp.Headers, resp.Body)
			}
			*e.clock = e.clock.Add(31 * time.Second)
			if resp, _ := e.do(t, c); resp.StatusCode != w.status {
				t.Errorf("after the lease = %d %s; want %d", resp.StatusCode, resp.Body, w.status)
			}
			if n := w.done(t, e); n != 1 {
				t.Errorf("%s committed %d times; want once", w.name, n)
			}
		})
	}
}

// retryAfter reports whether resp carries a Retry-After of whole seconds
// within the claim's lease.
func retryAfter(resp apigw.Response) bool {
	n, err := strconv.Atoi(resp.Headers["Retry-After"])
	return err == nil && n >= 1 && n <= 30
}

// beforeTransaction runs a function, once, before the next transaction.
type beforeTransaction struct {
	dynamo.API
	run func()
}

func (b *beforeTransaction) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	if run := b.run; run != nil {
		b.run = nil
		run()
	}
	return b.API.TransactWriteItems(ctx, in, opts...)
}

// TestIdempotencyClaimLost: a request stalls past its 30 s lease, a retry
// takes the key over and completes; the stalled request's transaction then
// finds its claim gone. It answers 409 with Retry-After (never 412, nor
// a second change), and the client's retry gets the completed response.
func TestIdempotencyClaimLost(t *testing.T) {
	for _, w := range idemWrites {
		t.Run(w.name, func(t *testing.T) {
			hook := &beforeTransaction{}
			e := mustEnvOn(t, func(db dynamo.API) dynamo.API { hook.API = db; return hook })
			c := w.call(t, e, "qua-han-1")
			var takeover apigw.Response
			hook.run = func() {
				*e.clock = e.clock.Add(31 * time.Second)
				takeover, _ = e.do(t, c)
			}
			stalled, b := e.do(t, c)
			if takeover.StatusCode != w.status {
				t.Fatalf("the retry that took the key over = %d %s; want %d", takeover.StatusCode, takeover.Body, w.status)
			}
			if stalled.StatusCode != 409 || apigwtest.ErrorCode(b) != portal.ECONFLICT || !retryAfter(stalled) {
				t.Errorf("stalled request = %d %v %s; want 409 conflict with Retry-After", stalled.StatusCode, stalled.Headers, stalled.Body)
			}
			if n := w.done(t, e); n != 1 {
				t.Errorf("%s committed %d times; want once", w.name, n)
			}
			if keys := e.inProgress(t); len(keys) != 0 {
				t.Errorf("idempotency records left in progress: %v", keys)
			}
			again, _ := e.do(t, c)
			replayed(t, again, takeover)
		})
	}
}

// TestIdempotentWriteOutOfTime: the table stalls and the write runs out of
// its budget (503). The key is still released, although the request's
// context has ended, so the client's retry runs at once instead of
// meeting 409s until the claim's lease lapses.
func TestIdempotentWriteOutOfTime(t *testing.T) {
	for _, w := range idemWrites {
		t.Run(w.name, func(t *testing.T) {
			e, f := mustFaultyEnv(t)
			c := w.call(t, e, "het-gio-1")
			before := e.allKeys(t)
			e.admin = adminapi.New(e.store, adminapi.WithClock(func() time.Time { return *e.clock }),
				adminapi.WithBudget(apigw.Budget{Write: 300 * time.Millisecond}))
			f.Set(dynamotest.On("TransactWriteItems", "", dynamotest.Stall, 100))
			resp, b := e.do(t, c)
			f.Set(nil)
			if resp.StatusCode != 503 || apigwtest.ErrorCode(b) != portal.EUNAVAILABLE {
				t.Fatalf("%s, table stalled = %d %s; want 503 unavailable", w.name, resp.StatusCode, resp.Body)
			}
			if added, removed := diffKeys(before, e.allKeys(t)); len(added)+len(removed) != 0 {
				t.Errorf("a %s out of time changed the table: added %v, removed %v; want nothing (the key released)", w.name, added, removed)
			}
			if retry, _ := e.do(t, c); retry.StatusCode != w.status {
				t.Errorf("retry with the same key = %d %s; want %d", retry.StatusCode, retry.Body, w.status)
			}
		})
	}
}
