package pollsapi_test

import (
	"context"
	"embed"
	"fmt"
	"maps"
	"os"
	"strings"
	"testing"
	"time"

	"eportal/infra/ddblocal"
	"eportal/infra/demo"
	"eportal/infra/tables"
	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/pollsapi"
	"eportal/internal/portal"
	"eportal/internal/voter"
)

func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }

//go:embed testdata/*.json
var testdata embed.FS

const demoPoll = "danh-gia-cong-thong-tin"

var now = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

type env struct {
	h      *pollsapi.Handler
	store  *dynamo.Store
	calls  *dynamotest.CallCounter
	signer *voter.Signer
	clock  *time.Time
}

func mustEnv(t *testing.T) *env {
	t.Helper()
	calls := &dynamotest.CallCounter{}
	store := tables.MustStore(t, calls.Option()).Store
	if _, err := demo.Load(context.Background(), store, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	signer, _ := voter.NewSigner([]byte("polls test secret, 32 bytes long"))
	clock := now
	e := &env{store: store, calls: calls, signer: signer, clock: &clock}
	e.h = pollsapi.New(store, signer, pollsapi.WithClock(func() time.Time { return *e.clock }))
	calls.Reset()
	return e
}

func event(t *testing.T, name string) apigw.Request { return apigwtest.Event(t, testdata, name) }

// voteEvent is testdata/vote.json for poll id with body and, when set, a
// voter token header and a source IP.
func voteEvent(t *testing.T, id, body, token, ip string) apigw.Request {
	ev := apigwtest.Call{Route: "/polls/{id}/votes", Params: map[string]string{"id": id}, Body: body, Headers: tokenHeader(token)}.Request(event(t, "vote"))
	if ip != "" {
		ev.RequestContext.HTTP.SourceIP = ip
	}
	return ev
}

func getEvent(t *testing.T, id, token string) apigw.Request {
	return apigwtest.Call{Route: "/polls/{id}", Params: map[string]string{"id": id}, Headers: tokenHeader(token)}.Request(event(t, "get-poll"))
}

func tokenHeader(token string) map[string]string {
	if token == "" {
		return nil
	}
	return map[string]string{voter.Header: token}
}

func (e *env) serve(t *testing.T, req apigw.Request) (apigw.Response, map[string]any) {
	t.Helper()
	return apigwtest.Serve(t, e.h, req)
}

// results returns "votes/percent" per option of a poll JSON.
func results(t *testing.T, poll any) string {
	t.Helper()
	p, _ := poll.(map[string]any)
	r, ok := p["results"].(map[string]any)
	if !ok {
		return "hidden"
	}
	var parts []string
	for _, o := range r["options"].([]any) {
		o := o.(map[string]any)
		parts = append(parts, fmt.Sprintf("%v/%v", o["votes"], o["percent"]))
	}
	return fmt.Sprintf("voters=%v %s", r["totalVoters"], strings.Join(parts, " "))
}

// TestReaderFlow is the issue's "done when": fetch the sample poll, vote
// once, vote again with the same token (409), see the vote in the results.
func TestReaderFlow(t *testing.T) {
	e := mustEnv(t)
	resp, b := e.serve(t, event(t, "get-poll"))
	if resp.StatusCode != 200 || b["question"] != "Bạn đánh giá như thế nào về cổng thông tin này?" || b["state"] != "open" {
		t.Fatalf("GET poll = %d %s", resp.StatusCode, resp.Body)
	}
	if got := results(t, b); got != "voters=0 0/0 0/0 0/0 0/0" {
		t.Errorf("results before any vote: %s", got)
	}
	if !strings.Contains(resp.Body, `"percent":0.0`) {
		t.Errorf("all-zero percentages not written as 0.0: %s", resp.Body)
	}
	if resp.Headers["ETag"] == "" || !strings.HasPrefix(resp.Headers["Cache-Control"], "public") {
		t.Errorf("GET headers %v", resp.Headers)
	}

	e.calls.Reset()
	resp, b = e.serve(t, event(t, "vote"))
	if resp.StatusCode != 200 {
		t.Fatalf("vote = %d %s", resp.StatusCode, resp.Body)
	}
	// First vote on the poll: one read, the address key's creation, one transaction.
	if c := e.calls.Counts(); c["BatchGetItem"] != 1 || c["TransactWriteItems"] != 1 || c["PutItem"] != 1 || e.calls.Total() != 3 {
		t.Errorf("first vote's calls: %v", c)
	}
	token := resp.Headers[voter.Header]
	if token == "" || b["voterToken"] != token || len(resp.Cookies) != 1 || !strings.HasPrefix(resp.Cookies[0], voter.Cookie+"="+token+";") {
		t.Fatalf("no voter token issued: headers %v cookies %v body %s", resp.Headers, resp.Cookies, resp.Body)
	}
	// The one cookie format (Path=/: the reader site's poll pages see it too).
	if resp.Cookies[0] != voter.SetCookie(token, "") || !strings.Contains(resp.Cookies[0], "; Path=/;") {
		t.Errorf("cookie %q; want %q", resp.Cookies[0], voter.SetCookie(token, ""))
	}
	if got := results(t, b["poll"]); got != "voters=1 0/0 1/100 0/0 0/0" {
		t.Errorf("results after the vote: %s", got)
	}

	// The same token again: 409 already_voted, with the results and the choice.
	e.calls.Reset()
	resp, b = e.serve(t, voteEvent(t, demoPoll, `{"choices":["o1"]}`, token, ""))
	if resp.StatusCode != 409 || apigwtest.ErrorCode(b) != portal.EALREADYVOTED {
		t.Fatalf("second vote = %d %s", resp.StatusCode, resp.Body)
	}
	if c := e.calls.Counts(); c["TransactWriteItems"] != 0 || e.calls.Total() != 1 {
		t.Errorf("a known repeat should cost one read: %v", c)
	}
	poll := b["poll"].(map[string]any)
	if got := results(t, poll); got != "voters=1 0/0 1/100 0/0 0/0" || fmt.Sprint(poll["yourChoices"]) != "[o2]" {
		t.Errorf("409 body: %s", resp.Body)
	}
	// From a web page: the cookie, same answer.
	ev := voteEvent(t, demoPoll, `{"choices":["o3"]}`, "", "")
	ev.Cookies = []string{"theme=dark", voter.Cookie + "=" + token}
	if resp, b := e.serve(t, ev); resp.StatusCode != 409 || apigwtest.ErrorCode(b) != portal.EALREADYVOTED {
		t.Errorf("vote with the cookie = %d %s", resp.StatusCode, resp.Body)
	}

	// The reader's own view: private, with the choice.
	e.calls.Reset()
	resp, b = e.serve(t, getEvent(t, demoPoll, token))
	if resp.StatusCode != 200 || b["voted"] != true || fmt.Sprint(b["yourChoices"]) != "[o2]" || resp.Headers["Cache-Control"] != "private, no-store" {
		t.Errorf("GET with token = %d %v %s", resp.StatusCode, resp.Headers, resp.Body)
	}
	if e.calls.Total() != 1 {
		t.Errorf("GET poll with token: %v; want one call", e.calls.Counts())
	}
	if _, b := e.serve(t, event(t, "get-poll")); results(t, b) != "voters=1 0/0 1/100 0/0 0/0" {
		t.Errorf("public results: %s", results(t, b))
	}
}

func TestListPolls(t *testing.T) {
	e := mustEnv(t)
	resp, b := e.serve(t, event(t, "list-polls"))
	items, _ := b["items"].([]any)
	if resp.StatusCode != 200 || len(items) != 1 || items[0].(map[string]any)["id"] != demoPoll {
		t.Fatalf("GET /polls = %d %s", resp.StatusCode, resp.Body)
	}
	if _, hasResults := items[0].(map[string]any)["results"]; hasResults {
		t.Error("the list carries results")
	}
	if e.calls.Total() != 1 {
		t.Errorf("list calls %v; want one Query", e.calls.Counts())
	}
}

// state is what a refused vote must leave alone.
func (e *env) state(t *testing.T, id string) string {
	t.Helper()
	snap, err := e.store.Poll(context.Background(), id, "")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(snap.Tally.Voters, snap.Tally.Votes)
}

func TestVoteRefusals(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	multi := &portal.Poll{ID: "nhieu-lua-chon", Question: "?", MaxChoices: 2, OpensAt: &now,
		Options: []portal.PollOption{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}, {ID: "c", Label: "C"}},
		Status:  portal.PollOpen, Dedupe: portal.DedupeToken, Results: portal.ResultsAlways, VotesPerAddress: 100, Version: 1}
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	upcoming := *multi
	upcoming.ID, upcoming.OpensAt = "sap-mo", &later
	ended := *multi
	ended.ID, ended.OpensAt, ended.ClosesAt = "da-dong", &earlier, &now
	for _, p := range []*portal.Poll{multi, &upcoming, &ended} {
		if err := e.store.CreatePoll(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	// One counted vote in multi.
	resp, b := e.serve(t, voteEvent(t, multi.ID, `{"choices":["a","c"]}`, "", ""))
	if resp.StatusCode != 200 || results(t, b["poll"]) != "voters=1 1/50 0/0 1/50" {
		t.Fatalf("multi-choice vote = %d %s", resp.StatusCode, resp.Body)
	}
	voted := resp.Headers[voter.Header]
	fresh, _ := e.signer.Issue(now)
	forged := fresh[:len(fresh)-4] + "AAAA"
	other, _ := voter.NewSigner([]byte("some other deployment's secret!!"))
	foreign, _ := other.Issue(now)

	tests := []struct {
		name, id, body, token string
		status                int
		code                  string
	}{
		{"no choice", multi.ID, `{"choices":[]}`, fresh, 400, portal.EINVALID},
		{"choices missing", multi.ID, `{}`, fresh, 400, portal.EINVALID},
		{"too many", multi.ID, `{"choices":["a","b","c"]}`, fresh, 400, portal.EINVALID},
		{"duplicate", multi.ID, `{"choices":["a","a"]}`, fresh, 400, portal.EINVALID},
		{"unknown option", multi.ID, `{"choices":["z"]}`, fresh, 400, portal.EINVALID},
		{"unknown field", multi.ID, `{"choices":["a"],"count":5}`, fresh, 400, portal.EINVALID},
		{"forged token", multi.ID, `{"choices":["a"]}`, forged, 400, portal.EINVALID},
		{"token of another key", multi.ID, `{"choices":["a"]}`, foreign, 400, portal.EINVALID},
		{"garbage token", multi.ID, `{"choices":["a"]}`, "v1.hello.world", 400, portal.EINVALID},
		{"already voted", multi.ID, `{"choices":["b"]}`, voted, 409, portal.EALREADYVOTED},
		{"not open yet", upcoming.ID, `{"choices":["a"]}`, fresh, 409, portal.EPOLLNOTOPEN},
		{"closed", ended.ID, `{"choices":["a"]}`, fresh, 409, portal.EPOLLCLOSED},
		{"no such poll", "khong-co", `{"choices":["a"]}`, fresh, 404, portal.ENOTFOUND},
		{"malformed id", "KHONG CO", `{"choices":["a"]}`, fresh, 404, portal.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.state(t, multi.ID)
			resp, b := e.serve(t, voteEvent(t, tt.id, tt.body, tt.token, ""))
			if resp.StatusCode != tt.status || apigwtest.ErrorCode(b) != tt.code {
				t.Errorf("= %d %s; want %d %s", resp.StatusCode, resp.Body, tt.status, tt.code)
			}
			if after := e.state(t, multi.ID); after != before {
				t.Errorf("tally changed from %s to %s", before, after)
			}
		})
	}
	if got := e.state(t, upcoming.ID) + e.state(t, ended.ID); got != "0 map[]0 map[]" {
		t.Errorf("refused polls' tallies: %s", got)
	}
}

func TestResultsPolicy(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	closes := now.Add(time.Hour)
	for _, policy := range []string{portal.ResultsAfterVote, portal.ResultsAfterClose} {
		p := &portal.Poll{ID: strings.ReplaceAll(policy, "_", "-"), Question: "?", MaxChoices: 1, OpensAt: &now, ClosesAt: &closes,
			Options: []portal.PollOption{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}},
			Status:  portal.PollOpen, Dedupe: portal.DedupeToken, Results: policy, VotesPerAddress: 100, Version: 1}
		if err := e.store.CreatePoll(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	*e.clock = now.Add(time.Minute)
	get := func(id, token string) map[string]any {
		resp, b := e.serve(t, getEvent(t, id, token))
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d %s", id, resp.StatusCode, resp.Body)
		}
		return b
	}
	// after_vote: hidden from a reader who has not voted, shown once they have.
	if b := get("after-vote", ""); results(t, b) != "hidden" || b["resultsVisibleAfter"] != "vote" {
		t.Errorf("after_vote before voting: %v", b)
	}
	resp, b := e.serve(t, voteEvent(t, "after-vote", `{"choices":["a"]}`, "", ""))
	if resp.StatusCode != 200 || results(t, b["poll"]) != "voters=1 1/100 0/0" {
		t.Fatalf("after_vote: vote = %d %s", resp.StatusCode, resp.Body)
	}
	tok := resp.Headers[voter.Header]
	if b := get("after-vote", tok); results(t, b) != "voters=1 1/100 0/0" {
		t.Errorf("after_vote for the voter: %s", results(t, b))
	}
	if b := get("after-vote", ""); results(t, b) != "hidden" {
		t.Errorf("after_vote for someone else: %s", results(t, b))
	}
	// after_close: hidden even from the voter until the poll closes.
	resp, b = e.serve(t, voteEvent(t, "after-close", `{"choices":["b"]}`, tok, ""))
	if resp.StatusCode != 200 || results(t, b["poll"]) != "hidden" || b["poll"].(map[string]any)["resultsVisibleAfter"] != "close" {
		t.Errorf("after_close vote = %d %s", resp.StatusCode, resp.Body)
	}
	if b := get("after-close", tok); results(t, b) != "hidden" {
		t.Errorf("after_close while open: %s", results(t, b))
	}
	*e.clock = closes
	if snap, err := e.store.Poll(ctx, "after-close", ""); err != nil || snap.AddressKey == nil {
		t.Fatalf("address key before the first read after closesAt = %v, %v; the test needs one", snap, err)
	}
	if b := get("after-close", ""); results(t, b) != "voters=1 0/0 1/100" || b["state"] != "closed" {
		t.Errorf("after_close once closed: %v", b)
	}
	// The first read after closesAt drops the poll's address key.
	if snap, err := e.store.Poll(ctx, "after-close", ""); err != nil || snap.AddressKey != nil {
		t.Errorf("address key after a read past closesAt = %x, %v; want it deleted", snap.AddressKey, err)
	}
}

// TestFloodFromOneAddress: a client that drops its token before every vote
// gets a new voter each time under the token policy, but the address's cap
// stops it; other addresses are unaffected.
func TestFloodFromOneAddress(t *testing.T) {
	e := mustEnv(t)
	p := &portal.Poll{ID: "flood", Question: "?", MaxChoices: 1, OpensAt: &now,
		Options: []portal.PollOption{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}},
		Status:  portal.PollOpen, Dedupe: portal.DedupeToken, Results: portal.ResultsAlways, VotesPerAddress: 3, Version: 1}
	if err := e.store.CreatePoll(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	var statuses []int
	for i := 0; i < 6; i++ {
		resp, _ := e.serve(t, voteEvent(t, "flood", `{"choices":["a"]}`, "", "203.0.113.7"))
		statuses = append(statuses, resp.StatusCode)
	}
	if got := fmt.Sprint(statuses); got != "[200 200 200 429 429 429]" {
		t.Errorf("six tokenless votes from one address: %s; want three counted, then 429", got)
	}
	if resp, _ := e.serve(t, voteEvent(t, "flood", `{"choices":["a"]}`, "", "203.0.113.8")); resp.StatusCode != 200 {
		t.Errorf("another address = %d; want 200", resp.StatusCode)
	}
	if got := e.state(t, "flood"); got != "4 map[a:4]" {
		t.Errorf("tally %s; want 4 votes", got)
	}
}

func TestAddressPolicyThroughHandler(t *testing.T) {
	e := mustEnv(t)
	p := &portal.Poll{ID: "theo-ip", Question: "?", MaxChoices: 1, OpensAt: &now,
		Options: []portal.PollOption{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}},
		Status:  portal.PollOpen, Dedupe: portal.DedupeIP, Results: portal.ResultsAlways, VotesPerAddress: 100, Version: 1}
	if err := e.store.CreatePoll(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	resp, _ := e.serve(t, voteEvent(t, "theo-ip", `{"choices":["a"]}`, "", "198.51.100.1"))
	if resp.StatusCode != 200 {
		t.Fatalf("first vote = %d %s", resp.StatusCode, resp.Body)
	}
	// A new token, same browser and address: already voted.
	resp, b := e.serve(t, voteEvent(t, "theo-ip", `{"choices":["b"]}`, "", "198.51.100.1"))
	if resp.StatusCode != 409 || apigwtest.ErrorCode(b) != portal.EALREADYVOTED {
		t.Errorf("same address, new token = %d %s", resp.StatusCode, resp.Body)
	}
	// Same address, another browser: a separate voter under the ip policy.
	ev := voteEvent(t, "theo-ip", `{"choices":["b"]}`, "", "198.51.100.1")
	ev.RequestContext.HTTP.UserAgent = "Eportal-App/2.1 (iOS 18)"
	if resp, _ := e.serve(t, ev); resp.StatusCode != 200 {
		t.Errorf("same address, other User-Agent = %d %s", resp.StatusCode, resp.Body)
	}
	if got := e.state(t, "theo-ip"); got != "2 map[a:1 b:1]" {
		t.Errorf("tally %s", got)
	}
}

// TestAddressCapBehindTheEdge: behind CloudFront every voter arrives from an
// edge server's address. With the edge's secret, the per-address cap counts
// the reader's address the edge set in X-Viewer-Address; a forged
// X-Viewer-Address sent straight to the API (no secret) counts against the
// caller's own source address.
func TestAddressCapBehindTheEdge(t *testing.T) {
	const secret = "edge-secret-0123456789abcdefghijklmnop"
	e := mustEnv(t)
	e.h = pollsapi.New(e.store, e.signer, pollsapi.WithClock(func() time.Time { return *e.clock }), pollsapi.WithEdgeSecret(secret))
	p := &portal.Poll{ID: "edge", Question: "?", MaxChoices: 1, OpensAt: &now,
		Options: []portal.PollOption{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}},
		Status:  portal.PollOpen, Dedupe: portal.DedupeToken, Results: portal.ResultsAlways, VotesPerAddress: 1, Version: 1}
	if err := e.store.CreatePoll(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	vote := func(viewer, sent string) int {
		ev := voteEvent(t, "edge", `{"choices":["a"]}`, "", "130.176.1.1") // one edge server
		ev.Headers = maps.Clone(ev.Headers)
		ev.Headers["x-viewer-address"] = viewer
		if sent != "" {
			ev.Headers["x-edge-secret"] = sent
		}
		resp, _ := e.serve(t, ev)
		return resp.StatusCode
	}
	got := []int{vote("203.0.113.1", secret), vote("203.0.113.2", secret), vote("203.0.113.1", secret)}
	if fmt.Sprint(got) != "[200 200 429]" {
		t.Errorf("through the edge (cap 1): %v; want two readers counted, the first one's second vote capped", got)
	}
	forged := []int{vote("198.51.100.1", ""), vote("198.51.100.2", "")}
	if fmt.Sprint(forged) != "[200 429]" {
		t.Errorf("forged viewer addresses from one source: %v; want the source address capped after one", forged)
	}
	if got := e.state(t, "edge"); got != "3 map[a:3]" {
		t.Errorf("tally %s; want 3 votes", got)
	}
}
