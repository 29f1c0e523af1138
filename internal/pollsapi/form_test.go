package pollsapi_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"eportal/infra/demo"
	"eportal/infra/tables"
	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/pollsapi"
	"eportal/internal/portal"
	"eportal/internal/voter"
)

// formEvent is testdata/vote-form.json — a browser posting the reader site's
// poll form, its body base64-encoded as API Gateway sends a form — aimed at
// poll id with body and, when set, the voter cookie.
func formEvent(t *testing.T, id, body, cookie string) apigw.Request {
	ev := apigwtest.Call{Route: "/binh-chon/{id}", Params: map[string]string{"id": id}}.Request(event(t, "vote-form"))
	ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte(body)), true
	if cookie != "" {
		ev.Cookies = append(ev.Cookies[:len(ev.Cookies):len(ev.Cookies)], voter.Cookie+"="+cookie)
	}
	return ev
}

// withCookie returns ev carrying the voter cookie token.
func withCookie(ev apigw.Request, token string) apigw.Request {
	ev.Cookies = []string{"_ga=GA1.1.1.1", voter.Cookie + "=" + token}
	return ev
}

// post serves a form post and checks what every answer of the form route
// must be: no Go error, nosniff, no-store; a 303 to the site's poll page
// without a body; anything else a Vietnamese HTML page.
func (e *env) post(t *testing.T, ev apigw.Request) apigw.Response {
	t.Helper()
	resp, err := e.h.Handle(t.Context(), ev)
	if err != nil {
		t.Fatalf("Handle returned a Go error (API Gateway would answer 502): %v", err)
	}
	if resp.Headers["X-Content-Type-Options"] != "nosniff" || resp.Headers["Cache-Control"] != "no-store" {
		t.Errorf("%d: headers %v; want nosniff and no-store", resp.StatusCode, resp.Headers)
	}
	if resp.StatusCode == http.StatusSeeOther {
		if resp.Body != "" || !strings.HasPrefix(resp.Headers["Location"], "/binh-chon/") {
			t.Errorf("303: Location %q, body %q", resp.Headers["Location"], resp.Body)
		}
	} else if resp.Headers["Content-Type"] != "text/html; charset=utf-8" || !strings.HasPrefix(resp.Body, "<!doctype html>\n<html lang=\"vi\">") {
		t.Errorf("%d: Content-Type %q, body %q; want a Vietnamese HTML page", resp.StatusCode, resp.Headers["Content-Type"], resp.Body)
	}
	return resp
}

// seeOther checks that resp sends the browser to poll id's page, with the
// form error code loi when not "".
func seeOther(t *testing.T, resp apigw.Response, id, loi string) {
	t.Helper()
	want := "/binh-chon/" + id
	if loi != "" {
		want += "?loi=" + loi
		if pollsapi.FormErrors[loi] == "" {
			t.Errorf("%s has no message in FormErrors", loi)
		}
	}
	if resp.StatusCode != http.StatusSeeOther || resp.Headers["Location"] != want {
		t.Errorf("= %d Location %q %s; want 303 to %s", resp.StatusCode, resp.Headers["Location"], resp.Body, want)
	}
}

// issued returns the voter token resp's cookie sets, checking that the
// cookie is voter.SetCookie's and that the token verifies; "" when resp sets
// no cookie.
func (e *env) issued(t *testing.T, resp apigw.Response) string {
	t.Helper()
	switch len(resp.Cookies) {
	case 0:
		return ""
	case 1:
	default:
		t.Fatalf("cookies %q; want one", resp.Cookies)
	}
	c, err := http.ParseSetCookie(resp.Cookies[0])
	if err != nil || c.Name != voter.Cookie || resp.Cookies[0] != voter.SetCookie(c.Value, "") {
		t.Fatalf("cookie %q (%v); want voter.SetCookie(token)", resp.Cookies[0], err)
	}
	if _, err := e.signer.Verify(c.Value, *e.clock); err != nil {
		t.Fatalf("issued token %q does not verify: %v", c.Value, err)
	}
	return c.Value
}

// TestFormVote: the reader site's form counts a vote once, sends the
// browser to the results with the voter cookie, and a second post with that
// cookie is told the reader already voted; the JSON API sees the same voter.
func TestFormVote(t *testing.T) {
	e := mustEnv(t)
	resp := e.post(t, formEvent(t, demoPoll, "choice=o2", ""))
	seeOther(t, resp, demoPoll, "")
	// The same calls as a JSON vote: one read, the address key, one transaction.
	if c := e.calls.Counts(); c["BatchGetItem"] != 1 || c["TransactWriteItems"] != 1 || c["PutItem"] != 1 || e.calls.Total() != 3 {
		t.Errorf("form vote's calls: %v", c)
	}
	token := e.issued(t, resp)
	if token == "" {
		t.Fatal("no voter cookie on the first vote")
	}
	if got := e.state(t, demoPoll); got != "1 map[o2:1]" {
		t.Fatalf("tally after the form vote: %s", got)
	}

	e.calls.Reset()
	resp = e.post(t, formEvent(t, demoPoll, "choice=o1", token))
	seeOther(t, resp, demoPoll, pollsapi.FormErrorAlreadyVoted)
	if len(resp.Cookies) != 0 {
		t.Errorf("a voter with a valid cookie got %q", resp.Cookies)
	}
	if e.calls.Counts()["TransactWriteItems"] != 0 || e.calls.Total() != 1 {
		t.Errorf("a known repeat should cost one read: %v", e.calls.Counts())
	}
	if got := e.state(t, demoPoll); got != "1 map[o2:1]" {
		t.Errorf("tally after the repeat: %s", got)
	}

	// What the results page will learn from the cookie.
	_, b := e.serve(t, withCookie(getEvent(t, demoPoll, ""), token))
	if b["voted"] != true || fmt.Sprint(b["yourChoices"]) != "[o2]" || results(t, b) != "voters=1 0/0 1/100 0/0 0/0" {
		t.Errorf("GET with the form's cookie: %v", b)
	}
}

func TestFormRefusals(t *testing.T) {
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
	resp := e.post(t, formEvent(t, multi.ID, "choice=a&choice=c", ""))
	seeOther(t, resp, multi.ID, "")
	voted := e.issued(t, resp)
	fresh, _ := e.signer.Issue(now)

	contentType := func(ct string) func(*apigw.Request) {
		return func(ev *apigw.Request) { ev.Headers["content-type"] = ct }
	}
	plain := func(body string) func(*apigw.Request) {
		return func(ev *apigw.Request) { ev.Body, ev.IsBase64Encoded = body, false }
	}
	oversized := "choice=b&x=" + strings.Repeat("x", apigw.MaxBody+1-len("choice=b&x=")) // one byte too many
	tests := []struct {
		name, id, body, token string
		mod                   func(*apigw.Request)
		loi                   string // the 303's form error
		status                int    // else the page's status…
		message               string // …and text
	}{
		{name: "no choice", id: multi.ID, loi: pollsapi.FormErrorNoChoice},
		{name: "only other fields", id: multi.ID, body: "gui=B%C3%ACnh+ch%E1%BB%8Dn", loi: pollsapi.FormErrorNoChoice},
		{name: "unknown option", id: multi.ID, body: "choice=z", loi: pollsapi.FormErrorChoice},
		{name: "empty option", id: multi.ID, body: "choice=", loi: pollsapi.FormErrorChoice},
		{name: "too many", id: multi.ID, body: "choice=a&choice=b&choice=c", loi: pollsapi.FormErrorChoice},
		{name: "duplicate", id: multi.ID, body: "choice=a&choice=a", loi: pollsapi.FormErrorChoice},
		{name: "already voted", id: multi.ID, body: "choice=b", token: voted, loi: pollsapi.FormErrorAlreadyVoted},
		{name: "not open yet", id: upcoming.ID, body: "choice=a", token: fresh, loi: pollsapi.FormErrorNotOpen},
		{name: "closed", id: ended.ID, body: "choice=a", token: fresh, loi: pollsapi.FormErrorClosed},
		{name: "closed, no choice", id: ended.ID, loi: pollsapi.FormErrorClosed},
		{name: "no such poll", id: "khong-co", body: "choice=a", status: 404, message: "Không tìm thấy cuộc thăm dò"},
		{name: "malformed id", id: "KHONG CO", body: "choice=a", status: 404, message: "Không tìm thấy cuộc thăm dò"},
		{name: "JSON body", id: multi.ID, body: `{"choices":["b"]}`, mod: contentType("application/json"), status: 415},
		{name: "multipart", id: multi.ID, body: "choice=b", mod: contentType("multipart/form-data; boundary=x"), status: 415},
		{name: "no content type", id: multi.ID, body: "choice=b", mod: func(ev *apigw.Request) { delete(ev.Headers, "content-type") }, status: 415},
		{name: "other charset", id: multi.ID, body: "choice=b", mod: contentType("application/x-www-form-urlencoded; charset=iso-8859-1"), status: 415},
		{name: "too large", id: multi.ID, mod: plain(oversized), status: 413},
		{name: "too large, base64", id: multi.ID, body: oversized, status: 413},
		{name: "bad base64", id: multi.ID, mod: func(ev *apigw.Request) { ev.Body = "choice=b" }, status: 400},
		{name: "bad escape", id: multi.ID, body: "choice=%zz", status: 400},
		{name: "semicolon", id: multi.ID, body: "choice=b;choice=c", status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.state(t, multi.ID) + e.state(t, upcoming.ID) + e.state(t, ended.ID)
			ev := formEvent(t, tt.id, tt.body, tt.token)
			if tt.mod != nil {
				tt.mod(&ev)
			}
			resp := e.post(t, ev)
			switch {
			case tt.loi != "":
				seeOther(t, resp, tt.id, tt.loi)
			case resp.StatusCode != tt.status || !strings.Contains(resp.Body, tt.message):
				t.Errorf("= %d %q; want %d with %q", resp.StatusCode, resp.Body, tt.status, tt.message)
			}
			if after := e.state(t, multi.ID) + e.state(t, upcoming.ID) + e.state(t, ended.ID); after != before {
				t.Errorf("tallies changed from %s to %s", before, after)
			}
		})
	}
}

// TestFormBody: a multi-choice poll's ticked boxes are repeated choice
// fields; other fields are ignored; a body sent as is (not base64) and
// charset=utf-8 are fine; a body of exactly apigw.MaxBody bytes is not too
// large.
func TestFormBody(t *testing.T) {
	e := mustEnv(t)
	p := &portal.Poll{ID: "nhieu-lua-chon", Question: "?", MaxChoices: 3, OpensAt: &now,
		Options: []portal.PollOption{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}, {ID: "c", Label: "C"}},
		Status:  portal.PollOpen, Dedupe: portal.DedupeToken, Results: portal.ResultsAlways, VotesPerAddress: 100, Version: 1}
	if err := e.store.CreatePoll(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	seeOther(t, e.post(t, formEvent(t, p.ID, "choice=a&gui=B%C3%ACnh+ch%E1%BB%8Dn&choice=c&_csrf=x", "")), p.ID, "")
	if got := e.state(t, p.ID); got != "1 map[a:1 c:1]" {
		t.Fatalf("tally after a vote for a and c: %s", got)
	}

	ev := formEvent(t, p.ID, "", "")
	ev.Headers["content-type"] = "application/x-www-form-urlencoded; charset=UTF-8"
	ev.Body, ev.IsBase64Encoded = "choice=b", false
	seeOther(t, e.post(t, ev), p.ID, "")

	pad := "choice=a&choice=b&choice=c&x="
	ev.Body = pad + strings.Repeat("x", apigw.MaxBody-len(pad))
	seeOther(t, e.post(t, ev), p.ID, "")
	if got := e.state(t, p.ID); got != "3 map[a:2 b:2 c:2]" {
		t.Errorf("tally: %s; want three voters", got)
	}
}

// TestFormAndJSONOneVoter: the two routes are one exactly-once vote: a
// voter who voted by the JSON API is told so by the form, with the same
// cookie, and the other way round.
func TestFormAndJSONOneVoter(t *testing.T) {
	e := mustEnv(t)
	resp, b := e.serve(t, voteEvent(t, demoPoll, `{"choices":["o1"]}`, "", ""))
	if resp.StatusCode != 200 || results(t, b["poll"]) != "voters=1 1/100 0/0 0/0 0/0" {
		t.Fatalf("JSON vote = %d %s", resp.StatusCode, resp.Body)
	}
	jsonToken := e.issued(t, resp)
	if jsonToken == "" || jsonToken != resp.Headers[voter.Header] {
		t.Fatalf("JSON vote: cookie token %q, header %q", jsonToken, resp.Headers[voter.Header])
	}
	seeOther(t, e.post(t, formEvent(t, demoPoll, "choice=o2", jsonToken)), demoPoll, pollsapi.FormErrorAlreadyVoted)
	if got := e.state(t, demoPoll); got != "1 map[o1:1]" {
		t.Errorf("tally after the form repeat: %s", got)
	}

	resp = e.post(t, formEvent(t, demoPoll, "choice=o3", ""))
	seeOther(t, resp, demoPoll, "")
	formToken := e.issued(t, resp)
	resp, b = e.serve(t, withCookie(voteEvent(t, demoPoll, `{"choices":["o4"]}`, "", ""), formToken))
	poll, _ := b["poll"].(map[string]any)
	if resp.StatusCode != 409 || apigwtest.ErrorCode(b) != portal.EALREADYVOTED || fmt.Sprint(poll["yourChoices"]) != "[o3]" {
		t.Errorf("JSON vote with the form's cookie = %d %s", resp.StatusCode, resp.Body)
	}
	if got := e.state(t, demoPoll); got != "2 map[o1:1 o3:1]" {
		t.Errorf("tally: %s", got)
	}
}

// TestFormBadCookie: a cookie that does not verify is dropped by the form
// (a browser cannot fix it): the vote counts under a new token, which the
// answer sets. The JSON route still refuses such a token with 400.
func TestFormBadCookie(t *testing.T) {
	e := mustEnv(t)
	good, _ := e.signer.Issue(now)
	other, _ := voter.NewSigner([]byte("some other deployment's secret!!"))
	foreign, _ := other.Issue(now)
	expired, _ := e.signer.Issue(now.Add(-voter.MaxAge - time.Hour))
	bad := map[string]string{
		"forged":   good[:len(good)-4] + "AAAA",
		"foreign":  foreign,
		"expired":  expired,
		"garbage":  "v1.hello.world",
		"too long": strings.Repeat("x", 5000),
	}
	voters := 0
	for name, tok := range bad {
		t.Run(name, func(t *testing.T) {
			resp, b := e.serve(t, withCookie(voteEvent(t, demoPoll, `{"choices":["o1"]}`, "", ""), tok))
			if resp.StatusCode != 400 || apigwtest.ErrorCode(b) != portal.EINVALID || len(resp.Cookies) != 0 {
				t.Errorf("JSON vote with the cookie = %d %v %s; want 400 and no new cookie", resp.StatusCode, resp.Cookies, resp.Body)
			}
			resp = e.post(t, formEvent(t, demoPoll, "choice=o4", tok))
			seeOther(t, resp, demoPoll, "")
			if fresh := e.issued(t, resp); fresh == "" || fresh == tok {
				t.Errorf("new token %q for bad cookie %q", fresh, tok)
			}
			voters++
			if got, want := e.state(t, demoPoll), fmt.Sprintf("%d map[o4:%d]", voters, voters); got != want {
				t.Errorf("tally %s; want %s", got, want)
			}
		})
	}
}

// TestFormAddressCap: tokenless posts from one address stop at the poll's
// cap, and the page is told why.
func TestFormAddressCap(t *testing.T) {
	e := mustEnv(t)
	p := &portal.Poll{ID: "flood", Question: "?", MaxChoices: 1, OpensAt: &now,
		Options: []portal.PollOption{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}},
		Status:  portal.PollOpen, Dedupe: portal.DedupeToken, Results: portal.ResultsAlways, VotesPerAddress: 2, Version: 1}
	if err := e.store.CreatePoll(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	for _, loi := range []string{"", "", pollsapi.FormErrorTooMany, pollsapi.FormErrorTooMany} {
		seeOther(t, e.post(t, formEvent(t, p.ID, "choice=a", "")), p.ID, loi)
	}
	if got := e.state(t, p.ID); got != "2 map[a:2]" {
		t.Errorf("tally %s; want the cap, 2", got)
	}
}

// racingStore counts every ballot once more just before the handler's own
// Vote: the handler read no receipt, then the store refuses its vote — what
// the same voter's other tab, or a retried request, does when it wins the
// race.
type racingStore struct{ pollsapi.Store }

func (s racingStore) Vote(ctx context.Context, b portal.Ballot) error {
	if err := s.Store.Vote(ctx, b); err != nil {
		return err
	}
	return s.Store.Vote(ctx, b)
}

func TestAlreadyVotedRace(t *testing.T) {
	e := mustEnv(t)
	e.h = pollsapi.New(racingStore{e.store}, e.signer, pollsapi.WithClock(func() time.Time { return *e.clock }))

	// JSON: 409 with the poll as it is now (a second read) and the choice.
	resp, b := e.serve(t, voteEvent(t, demoPoll, `{"choices":["o2"]}`, "", ""))
	poll, _ := b["poll"].(map[string]any)
	if resp.StatusCode != 409 || apigwtest.ErrorCode(b) != portal.EALREADYVOTED ||
		results(t, poll) != "voters=1 0/0 1/100 0/0 0/0" || fmt.Sprint(poll["yourChoices"]) != "[o2]" {
		t.Errorf("JSON vote that lost the race = %d %s", resp.StatusCode, resp.Body)
	}
	if e.issued(t, resp) == "" {
		t.Error("the JSON vote that lost the race set no cookie")
	}
	// Form: the same refusal, as the page's error code.
	resp = e.post(t, formEvent(t, demoPoll, "choice=o3", ""))
	seeOther(t, resp, demoPoll, pollsapi.FormErrorAlreadyVoted)
	if e.issued(t, resp) == "" {
		t.Error("the form vote that lost the race set no cookie")
	}
	if got := e.state(t, demoPoll); got != "2 map[o2:1 o3:1]" {
		t.Errorf("tally %s; want each racing vote once", got)
	}
}

// TestFormUnavailable: a table that does not answer within the budget is a
// 503 page with Retry-After; nothing is counted, the cookie is set, and
// the reader's retry with it counts once.
func TestFormUnavailable(t *testing.T) {
	faults := dynamotest.NewFaults()
	store := tables.MustStore(t, faults.Option()).Store
	if _, err := demo.Load(context.Background(), store, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	signer, _ := voter.NewSigner([]byte("polls test secret, 32 bytes long"))
	clock := now
	e := &env{store: store, signer: signer, clock: &clock}
	e.h = pollsapi.New(store, signer, pollsapi.WithClock(func() time.Time { return now }),
		pollsapi.WithBudget(apigw.Budget{Read: time.Second, Write: 300 * time.Millisecond}))

	faults.Set(dynamotest.On("TransactWriteItems", "", dynamotest.Stall, 1))
	resp := e.post(t, formEvent(t, demoPoll, "choice=o2", ""))
	if resp.StatusCode != 503 || resp.Headers["Retry-After"] == "" || !strings.Contains(resp.Body, "Hệ thống đang bận, vui lòng thử lại sau giây lát.") {
		t.Fatalf("stalled vote = %d %v %q", resp.StatusCode, resp.Headers, resp.Body)
	}
	token := e.issued(t, resp)
	if token == "" {
		t.Error("no cookie on the 503: a retry would be a new voter")
	}
	if got := e.state(t, demoPoll); got != "0 map[]" {
		t.Errorf("tally after the 503: %s", got)
	}
	faults.Set(nil)
	seeOther(t, e.post(t, formEvent(t, demoPoll, "choice=o2", token)), demoPoll, "")
	seeOther(t, e.post(t, formEvent(t, demoPoll, "choice=o2", token)), demoPoll, pollsapi.FormErrorAlreadyVoted)
	if got := e.state(t, demoPoll); got != "1 map[o2:1]" {
		t.Errorf("tally after the retries: %s", got)
	}
}

// TestFormErrors: the table the reader site shows its messages from has
// exactly the codes voteForm sends, each URL-safe and with a message.
func TestFormErrors(t *testing.T) {
	codes := []string{
		pollsapi.FormErrorNoChoice, pollsapi.FormErrorChoice, pollsapi.FormErrorAlreadyVoted,
		pollsapi.FormErrorClosed, pollsapi.FormErrorNotOpen, pollsapi.FormErrorTooMany,
	}
	if len(pollsapi.FormErrors) != len(codes) {
		t.Errorf("FormErrors has %d codes; want %d: %v", len(pollsapi.FormErrors), len(codes), pollsapi.FormErrors)
	}
	for _, c := range codes {
		if msg := pollsapi.FormErrors[c]; c == "" || url.QueryEscape(c) != c || !strings.HasSuffix(msg, ".") {
			t.Errorf("%q: message %q", c, msg)
		}
	}
	if msg := pollsapi.FormErrors[pollsapi.FormErrorAlreadyVoted]; !strings.HasPrefix(msg, "Bạn đã bình chọn") {
		t.Errorf("already voted: %q", msg)
	}
	if got := pollsapi.FormPath("abc") + "?" + pollsapi.FormErrorParam + "=x"; got != "/binh-chon/abc?loi=x" {
		t.Errorf("FormPath and FormErrorParam give %q", got)
	}
}

// TestFormRefusesCrossSite: a form on another site that posts here (what a
// vote-stuffing page would do from every visitor's browser) is refused
// before anything is read or counted; the portal's own pages, and clients
// that are not browsers, are not.
func TestFormRefusesCrossSite(t *testing.T) {
	tests := []struct {
		name    string
		headers map[string]string // set on the event (empty value: removed)
		want    int
	}{
		{"cross-site fetch metadata", map[string]string{"sec-fetch-site": "cross-site"}, http.StatusForbidden},
		{"sibling subdomain", map[string]string{"sec-fetch-site": "same-site"}, http.StatusForbidden},
		{"old browser, foreign Origin", map[string]string{"sec-fetch-site": "", "origin": "https://evil.example"}, http.StatusForbidden},
		{"old browser, opaque Origin", map[string]string{"sec-fetch-site": "", "origin": "null"}, http.StatusForbidden},
		{"same origin", map[string]string{"sec-fetch-site": "same-origin"}, http.StatusSeeOther},
		{"old browser, own Origin", map[string]string{"sec-fetch-site": "", "origin": "https://abc123xyz9.execute-api.ap-southeast-1.amazonaws.com"}, http.StatusSeeOther},
		{"not a browser", map[string]string{"sec-fetch-site": "", "origin": ""}, http.StatusSeeOther},
		{"old browser behind the edge", map[string]string{"sec-fetch-site": "", "origin": "https://portal.example.vn", "x-forwarded-host": "portal.example.vn"}, http.StatusSeeOther},
		{"old browser, foreign Origin behind the edge", map[string]string{"sec-fetch-site": "", "origin": "https://evil.example", "x-forwarded-host": "portal.example.vn"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustEnv(t)
			ev := formEvent(t, demoPoll, "choice=o1", "")
			ev.Headers = maps.Clone(ev.Headers)
			ev.Headers["host"] = "abc123xyz9.execute-api.ap-southeast-1.amazonaws.com"
			for k, v := range tt.headers {
				if v == "" {
					delete(ev.Headers, k)
				} else {
					ev.Headers[k] = v
				}
			}
			e.calls.Reset()
			resp := e.post(t, ev)
			if resp.StatusCode != tt.want {
				t.Fatalf("= %d %s; want %d", resp.StatusCode, resp.Body, tt.want)
			}
			if tt.want == http.StatusForbidden {
				if n := e.calls.Total(); n != 0 || len(resp.Cookies) != 0 {
					t.Errorf("refused post made %d DynamoDB calls, set cookies %q; want none", n, resp.Cookies)
				}
				if got := e.state(t, demoPoll); got != "0 map[]" {
					t.Errorf("tally after a refused post: %s", got)
				}
			}
		})
	}
}

// TestFormVoteBasePath: behind an edge that serves the site under a prefix,
// the form's 303 and the voter cookie (of both vote routes) carry it.
func TestFormVoteBasePath(t *testing.T) {
	e := mustEnv(t)
	e.h = pollsapi.New(e.store, e.signer, pollsapi.WithClock(func() time.Time { return *e.clock }), pollsapi.WithBasePath("/tin-tuc"))
	for _, tc := range []struct {
		name, location string
		ev             apigw.Request
	}{
		{"form", "/tin-tuc/binh-chon/" + demoPoll, formEvent(t, demoPoll, "choice=o2", "")},
		{"form refused", "/tin-tuc/binh-chon/" + demoPoll + "?loi=" + pollsapi.FormErrorNoChoice, formEvent(t, demoPoll, "", "")},
		{"JSON", "", voteEvent(t, demoPoll, `{"choices":["o1"]}`, "", "198.51.100.9")},
	} {
		resp, err := e.h.Handle(t.Context(), tc.ev)
		if err != nil {
			t.Fatal(err)
		}
		if tc.location != "" && (resp.StatusCode != http.StatusSeeOther || resp.Headers["Location"] != tc.location) {
			t.Errorf("%s: %d Location %q; want 303 to %s", tc.name, resp.StatusCode, resp.Headers["Location"], tc.location)
		}
		if len(resp.Cookies) != 1 {
			t.Fatalf("%s: cookies %q; want one", tc.name, resp.Cookies)
		}
		c, err := http.ParseSetCookie(resp.Cookies[0])
		if err != nil || c.Name != voter.Cookie || c.Path != "/tin-tuc/" || resp.Cookies[0] != voter.SetCookie(c.Value, "/tin-tuc") {
			t.Errorf("%s: cookie %q (%v); want Path=/tin-tuc/", tc.name, resp.Cookies[0], err)
		}
	}
}
