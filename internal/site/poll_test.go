package site_test

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/pollsapi"
	"eportal/internal/portal"
	"eportal/internal/voter"
)

// pollView is what a poll page shows.
type pollView struct {
	question string
	form     *html.Node // the poll's form in the page's main part, or nil
	inputs   []string   // "type:value" of the form's inputs
	results  []result   // nil when hidden
	notices  []string
	later    string // the sentence that says when results will show
	cache    string
	noindex  bool
}

type result struct {
	label string
	pct   string // as shown: "33,3"
	tenth int    // the <progress> value, in tenths of a percent
	mine  bool
}

// readPoll fetches a poll page, with the voter cookie token when not "".
func (e *env) readPoll(t *testing.T, target, token string) pollView {
	t.Helper()
	req := request(t, "GET", target, nil)
	if token != "" {
		req.Cookies = []string{"_ga=GA1.1.1.1", voter.Cookie + "=" + token}
	}
	resp := serve(t, e.h, req)
	if resp.StatusCode != 200 {
		t.Fatalf("%s = %d; want 200", target, resp.StatusCode)
	}
	p := parsePage(t, resp.Body)
	sec := p.one(t, "poll section", el("section", "class", "poll"))
	v := pollView{cache: resp.Headers["Cache-Control"], noindex: p.meta("name", "robots") == "noindex"}
	if resp.Headers["Vary"] != "Cookie" {
		t.Errorf("Vary %q; want Cookie", resp.Headers["Vary"])
	}
	// The question shows once: as the form's legend, or as a heading when
	// there is no form.
	var questions []string
	if forms := all(p.main(), el("form")); len(forms) > 0 {
		v.form = forms[0]
		for _, in := range all(v.form, el("input")) {
			v.inputs = append(v.inputs, attr(in, "type")+":"+attr(in, "value"))
		}
		questions = texts(all(v.form, el("legend")))
	}
	for _, h := range all(sec, el("h2")) {
		if s := text(h); s != "Kết quả" {
			questions = append(questions, s)
		}
	}
	if len(questions) != 1 {
		t.Fatalf("the question shows %d times: %q; want once", len(questions), questions)
	}
	v.question = questions[0]
	for _, li := range all(sec, func(n *html.Node) bool { return el("li")(n) && n.Parent != nil && hasClass("ul", "results")(n.Parent) }) {
		bars := all(li, el("progress"))
		pcts := all(li, hasClass("span", "pct"))
		labels := all(li, hasClass("span", "label"))
		if len(bars) != 1 || len(pcts) != 1 || len(labels) != 1 {
			t.Fatalf("result row without one bar, percentage and label: %q", text(li))
		}
		r := result{label: text(labels[0]), pct: strings.TrimSuffix(text(pcts[0]), "%")}
		r.mine = strings.Contains(r.label, "(bạn đã chọn)")
		r.label = strings.TrimSpace(strings.TrimSuffix(r.label, "(bạn đã chọn)"))
		var err error
		if r.tenth, err = strconv.Atoi(attr(bars[0], "value")); err != nil || attr(bars[0], "max") != "1000" || text(bars[0]) != r.pct+"%" {
			t.Errorf("<progress max=%q value=%q>%s; want max 1000, a value in tenths, the percentage as text", attr(bars[0], "max"), attr(bars[0], "value"), text(bars[0]))
		}
		v.results = append(v.results, r)
	}
	for _, n := range all(sec, hasClass("p", "notice")) {
		v.notices = append(v.notices, text(n))
	}
	for _, n := range all(sec, el("p")) {
		if s := text(n); strings.HasPrefix(s, "Kết quả sẽ được công bố") {
			v.later = s
		}
	}
	return v
}

// tenths reads a percentage as shown ("33,3") in tenths of a percent.
func tenths(t *testing.T, pct string) int {
	t.Helper()
	whole, frac, ok := strings.Cut(pct, ",")
	w, err1 := strconv.Atoi(whole)
	f, err2 := strconv.Atoi(frac)
	if !ok || err1 != nil || err2 != nil || len(frac) != 1 {
		t.Fatalf("percentage %q is not written as 33,3", pct)
	}
	return w*10 + f
}

// vote records a vote by a new voter in poll id, at now, and returns the
// voter's cookie token.
func (e *env) vote(t *testing.T, id string, at time.Time, choices ...string) string {
	t.Helper()
	snap, err := e.store.Poll(t.Context(), id, "")
	if err != nil {
		t.Fatal(err)
	}
	token, vid := e.signer.Issue(at)
	if err := e.store.Vote(t.Context(), portal.Ballot{Poll: snap.Poll, Choices: choices, TokenHash: string(vid),
		NetworkHash: "mang-" + string(vid), Now: at}); err != nil {
		t.Fatalf("vote %v in %s: %v", choices, id, err)
	}
	return token
}

// newPoll stores an open poll with the results policy given, open from an
// hour before now to closes.
func (e *env) newPoll(t *testing.T, id, results string, closes *time.Time) {
	t.Helper()
	opens := now.Add(-time.Hour)
	p := &portal.Poll{ID: id, Question: "Câu hỏi " + id + "?", MaxChoices: 1, OpensAt: &opens, ClosesAt: closes,
		Options: []portal.PollOption{{ID: "co", Label: "Có"}, {ID: "khong", Label: "Không"}, {ID: "khac", Label: "Ý kiến khác"}},
		Status:  portal.PollOpen, Dedupe: portal.DedupeToken, Results: results, VotesPerAddress: 100,
		CreatedAt: opens, UpdatedAt: opens, Version: 1}
	if err := e.store.CreatePoll(t.Context(), p); err != nil {
		t.Fatal(err)
	}
}

// TestPollPage holds the poll page: the question, a form of radio buttons
// that posts to the polls function, and results as bars whose percentages
// add up to 100,0.
func TestPollPage(t *testing.T) {
	e := mustEnv(t, 0)
	voters := [][]string{{"o1"}, {"o2"}, {"o3"}}
	for _, c := range voters {
		e.vote(t, demoPoll, now.Add(-time.Minute), c...)
	}
	v := e.readPoll(t, "/binh-chon/"+demoPoll, "")
	if v.question != "Bạn đánh giá như thế nào về cổng thông tin này?" {
		t.Errorf("question %q", v.question)
	}
	if v.form == nil || attr(v.form, "method") != "post" || attr(v.form, "action") != "/binh-chon/"+demoPoll {
		t.Fatalf("no form posting to /binh-chon/%s", demoPoll)
	}
	if got := strings.Join(v.inputs, " "); got != "radio:o1 radio:o2 radio:o3 radio:o4" {
		t.Errorf("form inputs %s; want a radio button per option", got)
	}
	for _, in := range all(v.form, el("input")) {
		if attr(in, "name") != "choice" {
			t.Errorf("input named %q; the polls function reads choice", attr(in, "name"))
		}
	}
	sum, votes := 0, 0
	var shown []string
	for _, r := range v.results {
		if tenths(t, r.pct) != r.tenth {
			t.Errorf("%s: %s%% shown, bar at %d tenths", r.label, r.pct, r.tenth)
		}
		sum += r.tenth
		if r.tenth > 0 {
			votes++
		}
		shown = append(shown, r.label+" "+r.pct)
	}
	if len(v.results) != 4 || sum != 1000 || votes != len(voters) {
		t.Errorf("results %q add up to %d tenths; want 4 options summing to 100,0 with %d voted", shown, sum, len(voters))
	}
	if strings.Join(shown, "|") != "Rất hữu ích 33,4|Hữu ích 33,3|Bình thường 33,3|Chưa hữu ích 0,0" {
		t.Errorf("results %q", shown)
	}
	if v.cache != pollPageCache || len(v.notices) != 0 || v.noindex {
		t.Errorf("Cache-Control %q, notices %q, noindex %v; want %q, none, indexed", v.cache, v.notices, v.noindex, pollPageCache)
	}
}

// TestPollResultsPolicy holds that results show as the poll's policy says,
// with the sentence that tells when, and that a reader whose cookie has
// voted sees that they did, their choice, no form, on a private page.
func TestPollResultsPolicy(t *testing.T) {
	e := mustEnv(t, 0)
	closes := now.Add(time.Hour)
	e.newPoll(t, "sau-khi-binh-chon", portal.ResultsAfterVote, nil)
	e.newPoll(t, "sau-khi-dong", portal.ResultsAfterClose, &closes)
	at := now.Add(-time.Minute)
	votedAfterVote := e.vote(t, "sau-khi-binh-chon", at, "khong")
	votedAfterClose := e.vote(t, "sau-khi-dong", at, "co")
	e.vote(t, "sau-khi-dong", at, "co")
	votedAlways := e.vote(t, demoPoll, at, "o2")
	fresh, _ := e.signer.Issue(now)
	other, _ := voter.NewSigner([]byte("another deployment's secret key"))
	foreign, _ := other.Issue(now)

	const (
		afterVote  = "Kết quả sẽ được công bố sau khi bạn bình chọn."
		afterClose = "Kết quả sẽ được công bố khi cuộc thăm dò kết thúc."
		thanks     = "Bạn đã bình chọn. Cảm ơn bạn đã tham gia."
	)
	tests := []struct {
		name, id, token string
		results         string // labels and percentages, "" when hidden
		mine            string // the option marked as the reader's
		later           string
		voted, form     bool
		cache           string
	}{
		{"always, no cookie", demoPoll, "", "Rất hữu ích 0,0|Hữu ích 100,0|Bình thường 0,0|Chưa hữu ích 0,0", "", "", false, true, pollPageCache},
		{"always, voted", demoPoll, votedAlways, "Rất hữu ích 0,0|Hữu ích 100,0|Bình thường 0,0|Chưa hữu ích 0,0", "Hữu ích", "", true, false, privateCache},
		{"after vote, no cookie", "sau-khi-binh-chon", "", "", "", afterVote, false, true, pollPageCache},
		{"after vote, not voted", "sau-khi-binh-chon", fresh, "", "", afterVote, false, true, privateCache},
		{"after vote, forged cookie", "sau-khi-binh-chon", votedAfterVote[:len(votedAfterVote)-4] + "AAAA", "", "", afterVote, false, true, pollPageCache},
		{"after vote, another deployment's cookie", "sau-khi-binh-chon", foreign, "", "", afterVote, false, true, pollPageCache},
		{"after vote, voted", "sau-khi-binh-chon", votedAfterVote, "Có 0,0|Không 100,0|Ý kiến khác 0,0", "Không", "", true, false, privateCache},
		{"after close, no cookie", "sau-khi-dong", "", "", "", afterClose, false, true, pollPageCache},
		{"after close, voted", "sau-khi-dong", votedAfterClose, "", "Có", afterClose, true, false, privateCache},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := e.readPoll(t, "/binh-chon/"+tt.id, tt.token)
			if want := "Câu hỏi " + tt.id + "?"; tt.id != demoPoll && v.question != want {
				t.Errorf("question %q; want %q", v.question, want)
			}
			var shown []string
			mine := ""
			for _, r := range v.results {
				shown = append(shown, r.label+" "+r.pct)
				if r.mine {
					mine = r.label
				}
			}
			if got := strings.Join(shown, "|"); got != tt.results || v.later != tt.later {
				t.Errorf("results %q, sentence %q; want %q, %q", got, v.later, tt.results, tt.later)
			}
			if tt.results != "" && mine != tt.mine {
				t.Errorf("marked as the reader's: %q; want %q", mine, tt.mine)
			}
			if saysVoted := strings.Contains(strings.Join(v.notices, "|"), thanks); saysVoted != tt.voted || (v.form != nil) != tt.form {
				t.Errorf("notices %q, form %v; want voted %v, form %v", v.notices, v.form != nil, tt.voted, tt.form)
			}
			if v.cache != tt.cache {
				t.Errorf("Cache-Control %q; want %q", v.cache, tt.cache)
			}
		})
	}

	// Once the poll closes, its results show to everyone, and no form.
	e.clock.Set(closes)
	defer e.clock.Set(now)
	v := e.readPoll(t, "/binh-chon/sau-khi-dong", "")
	if len(v.results) != 3 || v.results[0].pct != "100,0" || v.form != nil || !strings.Contains(strings.Join(v.notices, "|"), "Cuộc thăm dò đã kết thúc.") {
		t.Errorf("closed poll: results %v, form %v, notices %q; want results, no form, ended", v.results, v.form != nil, v.notices)
	}
}

// TestPollFormErrors holds that the page shows the message of each code the
// polls function's form sends readers back with, and nothing for another.
func TestPollFormErrors(t *testing.T) {
	e := mustEnv(t, 0)
	for code, msg := range pollsapi.FormErrors {
		t.Run(code, func(t *testing.T) {
			v := e.readPoll(t, "/binh-chon/"+demoPoll+"?loi="+code, "")
			if len(v.notices) != 1 || v.notices[0] != msg || v.cache != privateCache || !v.noindex {
				t.Errorf("notices %q, Cache-Control %q, noindex %v; want %q, private, noindex", v.notices, v.cache, v.noindex, msg)
			}
		})
	}
	for _, code := range []string{"khong-co", "<script>alert(1)</script>"} {
		v := e.readPoll(t, "/binh-chon/"+demoPoll+"?loi="+code, "")
		if len(v.notices) != 0 || !v.noindex {
			t.Errorf("?loi=%s: notices %q, noindex %v; want none, noindex", code, v.notices, v.noindex)
		}
	}
}

// TestPollAfterFormVote holds the no-JavaScript round trip: the form posted
// to the polls function, which redirects to the page with the voter cookie;
// the page then knows the reader voted. Posting again sends the reader back
// with ?loi=da-binh-chon, and the page says why.
func TestPollAfterFormVote(t *testing.T) {
	e := mustEnv(t, 0)
	polls := pollsapi.New(e.store, e.signer, pollsapi.WithClock(e.clock.Now))
	post := func(cookie string) apigw.Response {
		ev := apigwtest.Call{Route: "/binh-chon/{id}", Params: map[string]string{"id": demoPoll}}.Request(apigwtest.Event(t, testdata, "vote-form"))
		ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte("choice=o3")), true
		if cookie != "" {
			ev.Cookies = []string{voter.Cookie + "=" + cookie}
		}
		resp, err := polls.Handle(t.Context(), ev)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := post("")
	if resp.StatusCode != 303 || resp.Headers["Location"] != "/binh-chon/"+demoPoll || len(resp.Cookies) != 1 {
		t.Fatalf("form vote = %d %v %v; want 303 to the page with a cookie", resp.StatusCode, resp.Headers, resp.Cookies)
	}
	name, rest, _ := strings.Cut(resp.Cookies[0], "=")
	token, _, _ := strings.Cut(rest, ";")
	if name != voter.Cookie || token == "" {
		t.Fatalf("cookie %q", resp.Cookies[0])
	}
	v := e.readPoll(t, resp.Headers["Location"], token)
	if !strings.Contains(strings.Join(v.notices, "|"), "Bạn đã bình chọn") || v.form != nil || v.cache != privateCache {
		t.Errorf("after the vote: notices %q, form %v, Cache-Control %q", v.notices, v.form != nil, v.cache)
	}
	if len(v.results) != 4 || !v.results[2].mine || v.results[2].pct != "100,0" {
		t.Errorf("after the vote: results %v; want Bình thường at 100,0, marked as the reader's", v.results)
	}

	again := post(token)
	if again.StatusCode != 303 || again.Headers["Location"] != "/binh-chon/"+demoPoll+"?loi="+pollsapi.FormErrorAlreadyVoted {
		t.Fatalf("second form vote = %d %v", again.StatusCode, again.Headers)
	}
	v = e.readPoll(t, again.Headers["Location"], token)
	if !strings.Contains(strings.Join(v.notices, "|"), pollsapi.FormErrors[pollsapi.FormErrorAlreadyVoted]) {
		t.Errorf("after the second vote: notices %q", v.notices)
	}
}
