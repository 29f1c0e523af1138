package adminapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"eportal/internal/portal"
)

const pollBody = `{"id":"y-kien-ve-le-hoi","question":"Bạn có tham dự lễ hội năm nay?","options":[{"id":"co","label":"Có"},{"id":"khong","label":"Không"},{"id":"chua-biet","label":"Chưa biết"}],"closesAt":"2026-12-31T17:00:00Z","resultsPolicy":"after_vote"}`

func pollCall(method, route, body string, headers map[string]string) call {
	id := "y-kien-ve-le-hoi"
	return call{role: "admin", method: method, route: route, params: map[string]string{"id": id}, body: body, headers: headers}
}

func TestPollAdmin(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	audits := e.auditCount(t)

	resp, b := e.do(t, call{role: "admin", method: "POST", route: "/admin/polls", body: pollBody})
	if resp.StatusCode != 201 || resp.Headers["Location"] != "/admin/polls/y-kien-ve-le-hoi" || resp.Headers["ETag"] != `"1"` {
		t.Fatalf("create = %d %v %s", resp.StatusCode, resp.Headers, resp.Body)
	}
	if b["maxChoices"] != float64(1) || b["dedupe"] != "token" || b["resultsPolicy"] != "after_vote" || b["state"] != "open" || b["votesPerAddress"] != float64(100) {
		t.Errorf("create defaults: %s", resp.Body)
	}
	if resp, _ := e.do(t, call{role: "admin", method: "POST", route: "/admin/polls", body: pollBody}); resp.StatusCode != 409 {
		t.Errorf("second create = %d; want 409", resp.StatusCode)
	}
	if resp, _ := e.do(t, call{role: "publisher", method: "POST", route: "/admin/polls", body: pollBody}); resp.StatusCode != 403 {
		t.Errorf("create as publisher = %d; want 403", resp.StatusCode)
	}
	for name, body := range map[string]string{
		"one option":        `{"question":"?","options":[{"id":"a","label":"A"}]}`,
		"duplicate ids":     `{"question":"?","options":[{"id":"a","label":"A"},{"id":"a","label":"B"}]}`,
		"empty label":       `{"question":"?","options":[{"id":"a","label":"A"},{"id":"b","label":" "}]}`,
		"maxChoices 3 of 2": `{"question":"?","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],"maxChoices":3}`,
		"closes first":      `{"question":"?","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],"opensAt":"2026-12-01T00:00:00Z","closesAt":"2026-11-01T00:00:00Z"}`,
		"bad policy":        `{"question":"?","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],"dedupe":"cookie"}`,
		"status injected":   `{"question":"?","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],"status":"closed"}`,
		"case variant":      `{"Question":"?","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]}`,
	} {
		if resp, _ := e.do(t, call{role: "admin", method: "POST", route: "/admin/polls", body: body}); resp.StatusCode != 400 {
			t.Errorf("%s: create = %d %s; want 400", name, resp.StatusCode, resp.Body)
		}
	}

	// A vote, then edits.
	snap, err := e.store.Poll(ctx, "y-kien-ve-le-hoi", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.Vote(ctx, portal.Ballot{Poll: snap.Poll, Choices: []string{"co"}, TokenHash: "t", NetworkHash: "n", Now: now}); err != nil {
		t.Fatal(err)
	}
	route := "/admin/polls/{id}"
	relabel := `{"question":"Bạn có tham dự lễ hội năm nay?","options":[{"id":"co","label":"Có, chắc chắn"},{"id":"khong","label":"Không"}],"closesAt":"2026-12-31T17:00:00Z","resultsPolicy":"after_vote"}`
	dropVoted := `{"question":"?","options":[{"id":"khong","label":"Không"},{"id":"chua-biet","label":"Chưa biết"}],"resultsPolicy":"after_vote"}`
	multi := `{"question":"?","options":[{"id":"co","label":"Có"},{"id":"khong","label":"Không"}],"maxChoices":2}`
	if resp, _ := e.do(t, pollCall("PUT", route, relabel, nil)); resp.StatusCode != 412 {
		t.Errorf("PUT without If-Match = %d; want 412", resp.StatusCode)
	}
	if resp, b := e.do(t, pollCall("PUT", route, dropVoted, ifMatch(`"1"`))); resp.StatusCode != 409 {
		t.Errorf("PUT dropping a voted option = %d %v; want 409", resp.StatusCode, b)
	}
	if resp, _ := e.do(t, pollCall("PUT", route, multi, ifMatch(`"1"`))); resp.StatusCode != 409 {
		t.Errorf("PUT changing maxChoices after votes = %d; want 409", resp.StatusCode)
	}
	resp, b = e.do(t, pollCall("PUT", route, relabel, ifMatch(`"1"`)))
	if resp.StatusCode != 200 || resp.Headers["ETag"] != `"2"` {
		t.Fatalf("relabel = %d %s", resp.StatusCode, resp.Body)
	}
	if tally := b["tally"].(map[string]any); tally["totalVoters"] != float64(1) {
		t.Errorf("tally after relabel: %v", tally)
	}
	if resp, _ := e.do(t, pollCall("PUT", route, relabel, ifMatch(`"1"`))); resp.StatusCode != 412 {
		t.Errorf("stale PUT = %d; want 412", resp.StatusCode)
	}

	// Close: votes refused; closing again is a conflict.
	if resp, b := e.do(t, pollCall("POST", route+"/close", "", ifMatch(`"2"`))); resp.StatusCode != 200 || b["state"] != "closed" {
		t.Fatalf("close = %d %s", resp.StatusCode, resp.Body)
	}
	snap, _ = e.store.Poll(ctx, "y-kien-ve-le-hoi", "")
	if err := e.store.Vote(ctx, portal.Ballot{Poll: snap.Poll, Choices: []string{"co"}, TokenHash: "t2", NetworkHash: "n", Now: now}); portal.ErrorCode(err) != portal.EPOLLCLOSED {
		t.Errorf("vote after close = %v", err)
	}
	if resp, _ := e.do(t, pollCall("POST", route+"/close", "", nil)); resp.StatusCode != 409 {
		t.Errorf("second close = %d; want 409", resp.StatusCode)
	}
	if resp, _ := e.do(t, pollCall("DELETE", route, "", ifMatch(`"2"`))); resp.StatusCode != 412 {
		t.Errorf("stale delete = %d; want 412", resp.StatusCode)
	}
	if resp, _ := e.do(t, pollCall("DELETE", route, "", ifMatch(`"3"`))); resp.StatusCode != 204 {
		t.Errorf("delete = %d; want 204", resp.StatusCode)
	}
	if resp, _ := e.do(t, pollCall("GET", route, "", nil)); resp.StatusCode != 404 {
		t.Errorf("GET after delete = %d; want 404", resp.StatusCode)
	}
	// create, update, close, delete: four audit records.
	if got := e.auditCount(t) - audits; got != 4 {
		t.Errorf("%d audit records; want 4", got)
	}
}

// TestPollList: admins list every poll, closed ones included, newest first,
// page by page; the public list shows only the open ones.
func TestPollList(t *testing.T) {
	e := mustEnv(t)
	for i, id := range []string{"mot", "hai", "ba"} {
		*e.clock = now.Add(time.Duration(i) * time.Minute)
		body := strings.Replace(pollBody, "y-kien-ve-le-hoi", id, 1)
		if resp, _ := e.do(t, call{role: "admin", method: "POST", route: "/admin/polls", body: body}); resp.StatusCode != 201 {
			t.Fatalf("create %s = %d %s", id, resp.StatusCode, resp.Body)
		}
	}
	if resp, _ := e.do(t, call{role: "admin", method: "POST", route: "/admin/polls/{id}/close",
		params: map[string]string{"id": "hai"}}); resp.StatusCode != 200 {
		t.Fatalf("close = %d %s", resp.StatusCode, resp.Body)
	}
	var got []string
	q := map[string]string{"limit": "2"}
	for pages := 0; pages < 10; pages++ {
		resp, b := e.do(t, call{role: "admin", method: "GET", route: "/admin/polls", query: q})
		if resp.StatusCode != 200 {
			t.Fatalf("list = %d %s", resp.StatusCode, resp.Body)
		}
		for _, it := range b["items"].([]any) {
			p := it.(map[string]any)
			got = append(got, p["id"].(string)+":"+p["state"].(string))
			if _, ok := p["tally"]; ok {
				t.Errorf("list item carries results: %v", p)
			}
		}
		next, _ := b["nextCursor"].(string)
		if next == "" {
			break
		}
		q = map[string]string{"limit": "2", "cursor": next}
	}
	want := "ba:open hai:closed mot:open danh-gia-cong-thong-tin:open"
	if strings.Join(got, " ") != want {
		t.Errorf("admin list = %v; want %s", got, want)
	}
	if resp, _ := e.do(t, call{role: "publisher", method: "GET", route: "/admin/polls"}); resp.StatusCode != 403 {
		t.Errorf("list as publisher = %d; want 403", resp.StatusCode)
	}
	if resp, _ := e.do(t, call{role: "admin", method: "GET", route: "/admin/polls", query: map[string]string{"cursor": "gia-mao"}}); resp.StatusCode != 400 {
		t.Errorf("forged cursor = %d; want 400", resp.StatusCode)
	}
}
