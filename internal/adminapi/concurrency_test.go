package adminapi_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"eportal/internal/apigw/apigwtest"
	"eportal/internal/portal"
)

// TestConcurrentSaves: 20 editors save the same version at once; exactly one
// wins, the other 19 get 412, and the article holds the winner's text.
func TestConcurrentSaves(t *testing.T) {
	e := mustEnv(t)
	id, tag := e.create(t, draftBody)
	const n = 20
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := strings.Replace(draftBody, "Tóm tắt", fmt.Sprintf("Bản sửa %02d", i), 1)
			resp := e.send(t, call{role: "editor", method: "PUT", route: "/admin/articles/{id}",
				params: map[string]string{"id": id}, body: body, headers: ifMatch(tag)})
			statuses[i] = resp.StatusCode
		}(i)
	}
	wg.Wait()
	ok, stale, winner := 0, 0, -1
	for i, s := range statuses {
		switch s {
		case 200:
			ok++
			winner = i
		case 412:
			stale++
		default:
			t.Errorf("save %d = %d", i, s)
		}
	}
	if ok != 1 || stale != n-1 {
		t.Fatalf("%d saved, %d stale; want 1 and %d", ok, stale, n-1)
	}
	_, b := e.do(t, call{role: "editor", method: "GET", route: "/admin/articles/{id}", params: map[string]string{"id": id}})
	if b["summary"] != fmt.Sprintf("Bản sửa %02d", winner) || b["version"] != float64(2) {
		t.Errorf("article = v%v %q; want v2 with save %d's text", b["version"], b["summary"], winner)
	}
}

// TestIdempotentCreate: 20 concurrent creates with one Idempotency-Key make
// one article; every answer is that article's 201 or a 409 (in progress),
// and a later retry replays the 201.
func TestIdempotentCreate(t *testing.T) {
	e := mustEnv(t)
	const n = 20
	start := e.deskSize(t) // the demo article
	key := map[string]string{"Idempotency-Key": "tao-bai-2026-11-26-001"}
	bodies := make([]string, n)
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			resp := e.send(t, call{role: "editor", method: "POST", route: "/admin/articles", body: draftBody, headers: key})
			statuses[i], bodies[i] = resp.StatusCode, resp.Body
		}(i)
	}
	wg.Wait()
	created := ""
	for i, s := range statuses {
		switch s {
		case 201:
			if created != "" && bodies[i] != created {
				t.Errorf("two different 201 bodies:\n%s\n%s", created, bodies[i])
			}
			created = bodies[i]
		case 409:
		default:
			t.Errorf("create %d = %d %s", i, s, bodies[i])
		}
	}
	items, _, err := e.store.Desk(context.Background(), portal.DeskQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != start+1 {
		for _, a := range items {
			t.Logf("desk: %s %s v%d by %s", a.ID, a.Slug, a.Version, a.CreatedBy)
		}
		t.Fatalf("%d articles on the desk; want %d (statuses %v)", len(items), start+1, statuses)
	}
	resp, _ := e.do(t, call{role: "editor", method: "POST", route: "/admin/articles", body: draftBody, headers: key})
	if resp.StatusCode != 201 || resp.Body != created || resp.Headers["Idempotent-Replayed"] != "true" {
		t.Errorf("retry = %d %v; want the first 201 replayed", resp.StatusCode, resp.Headers)
	}
	other := strings.Replace(draftBody, "15", "16", 1)
	if resp, b := e.do(t, call{role: "editor", method: "POST", route: "/admin/articles", body: other, headers: key}); resp.StatusCode != 422 || apigwtest.ErrorCode(b) != "unprocessable" {
		t.Errorf("same key, other body = %d %s; want 422", resp.StatusCode, resp.Body)
	}
	// Keys are scoped to the caller: another user's same key is a new request.
	if resp, _ := e.do(t, call{role: "admin", method: "POST", route: "/admin/articles", body: draftBody, headers: key}); resp.StatusCode != 201 || resp.Headers["Idempotent-Replayed"] != "" {
		t.Errorf("other caller, same key = %d %v; want a fresh 201", resp.StatusCode, resp.Headers)
	}
	if resp, _ := e.do(t, call{role: "editor", method: "POST", route: "/admin/articles", body: draftBody, headers: map[string]string{"Idempotency-Key": "có dấu"}}); resp.StatusCode != 400 {
		t.Errorf("malformed key = %d; want 400", resp.StatusCode)
	}
}

func TestIdempotentPublish(t *testing.T) {
	e := mustEnv(t)
	id, _ := e.create(t, draftBody)
	key := map[string]string{"Idempotency-Key": "xuat-ban-1"}
	first, _ := e.act(t, "publisher", id, "publish", "", key)
	again, _ := e.act(t, "publisher", id, "publish", "", key)
	if first.StatusCode != 200 || again.StatusCode != 200 || again.Body != first.Body || again.Headers["Idempotent-Replayed"] != "true" {
		t.Errorf("publish twice with one key = %d, %d %v; want the first replayed", first.StatusCode, again.StatusCode, again.Headers)
	}
	_, b := e.do(t, call{role: "editor", method: "GET", route: "/admin/articles/{id}", params: map[string]string{"id": id}})
	if b["version"] != float64(2) {
		t.Errorf("version after a replayed publish = %v; want 2", b["version"])
	}
}

// TestAdminWriteCalls counts DynamoDB calls per admin write.
func TestAdminWriteCalls(t *testing.T) {
	e := mustEnv(t)
	count := func(name string, want int, f func()) {
		e.calls.Reset()
		e.units.Reset()
		f()
		if got := e.calls.Total(); got != want {
			t.Errorf("%s: %d calls %v; want %d", name, got, e.calls.Counts(), want)
		}
		// Capacity is measured, not asserted: it follows the items' sizes.
		t.Logf("%s: %d calls, capacity units %v", name, e.calls.Total(), e.units.Units())
	}
	var id, tag string
	count("create (categories check + transaction)", 2, func() { id, tag = e.create(t, draftBody) })
	count("update (categories check + read + transaction)", 3, func() {
		resp, _ := e.do(t, call{role: "editor", method: "PUT", route: "/admin/articles/{id}",
			params: map[string]string{"id": id}, body: draftBody, headers: ifMatch(tag)})
		if resp.StatusCode != 200 {
			t.Fatalf("update = %d %s", resp.StatusCode, resp.Body)
		}
	})
	count("submit (read + transaction)", 2, func() { e.act(t, "editor", id, "submit", "", nil) })
	count("publish with Idempotency-Key (claim + read + transaction)", 3, func() {
		e.act(t, "publisher", id, "publish", "", map[string]string{"Idempotency-Key": "k1"})
	})
	if c := e.calls.Counts(); c["TransactWriteItems"] != 1 {
		t.Errorf("publish used %v; want one transaction", c)
	}
}
