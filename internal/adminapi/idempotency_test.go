package adminapi_test

import (
	"testing"

	"eportal/internal/apigw/apigwtest"
	"eportal/internal/portal"
)

// TestIdempotencyKeyBlank: an Idempotency-Key header that is sent but empty
// or only whitespace is a client bug, not "no key": 400 invalid, before
// anything is written. Without the header the request runs as usual.
func TestIdempotencyKeyBlank(t *testing.T) {
	e := mustEnv(t)
	id, tag := e.create(t, draftBody)
	if resp, _ := e.act(t, "editor", id, "submit", "", nil); resp.StatusCode != 200 {
		t.Fatalf("submit = %d %s", resp.StatusCode, resp.Body)
	}
	tag = fmtETag(2)
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
