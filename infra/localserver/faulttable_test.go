package localserver_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/dynamo/dynamotest"
)

// The fault table: every write path of the API, driven through the local
// server over HTTP, under each AWS behaviour that DynamoDB Local never shows
// (dynamotest.Faults between the SDK and the engine). Rows are paths,
// columns faults; each cell is the documented outcome for the path's kind,
// and the table's items are checked after every request. The kit (cases,
// snapshots, invariants) is in faultkit_test.go.

// pathKind is what decides a path's outcome under a fault.
type pathKind int

const (
	txWrite    pathKind = iota // one transaction: an admin change (dynamo's tx, 3 tries on conflicts)
	keyedWrite                 // the same, completing an Idempotency-Key
	voteWrite                  // a vote: one transaction, 6 tries, recognising its own marker
	plainWrite                 // a single-item write the SDK retries: a view's shard, a key's claim
	rollUp                     // the views roll-up: a failure is logged and the beacon still counts
)

// outcome is what a case must answer and leave behind.
type outcome int

const (
	// succeeds: the path's success status, and exactly the path's effect.
	succeeds outcome = iota
	// unavailable: 503 unavailable with Retry-After, and every item of the
	// table exactly as before.
	unavailable
	// doneButRefused: the change is made exactly once, but the answer is
	// the 404/409/412 of its own re-run. A transaction whose response was
	// lost and that DynamoDB runs again (RenewTokens: not deduplicated by
	// its ClientRequestToken) meets its own change. Within one request the
	// SDK resends the same token, which DynamoDB deduplicates for 10
	// minutes; a new token comes only with a client's own retry, which is
	// what Idempotency-Key is for (keyed rows answer the stored response).
	doneButRefused
	// countedNotRolled: the beacon answers 200 and counts, but the roll-up
	// fails (logged): the published copy and the most-read entries stay as
	// they were until the next roll-up — staleness only (docs/performance.md).
	countedNotRolled
	// notApplicable: the fault does not apply to the path.
	notApplicable
)

// writeTarget is a path's main write, where the faults are injected: the
// operation and a key prefix its request body contains ("" for any).
type writeTarget struct{ op, key string }

var transaction = writeTarget{"TransactWriteItems", ""}

// result is what a case's request did.
type result struct {
	resp          response
	before, after snapshot
	want          outcome
	lost          int // responses lost on the main write, when it is an ADD
}

// writePath is a row: a write of the API, how to get to it, and what it
// changes when it succeeds.
type writePath struct {
	name   string
	kind   pathKind
	write  writeTarget
	status int // its success
	// setup prepares the case through the API (no faults yet) and returns
	// the request under test; {vars} in it are the case's.
	setup func(c *faultCase) request
	// effect is what a success adds (+) and removes (-), as key globs with
	// the case's {vars} (see matchEffect); other items may change in place.
	effect []string
	// check, when set, checks counts beyond keys (tallies, views).
	check func(c *faultCase, r result) []string
	// adds: the main write is an ADD, which a resend after a lost response
	// applies again (a view's shard).
	adds bool
	// rerunSucceeds: a re-run of the change finds it made and answers as
	// the change did (a DELETE of an article finishes the deletion it
	// finds pending).
	rerunSucceeds bool
}

// Effects that several paths share.
var (
	created = []string{"+ART#{id}|ART", "+ART#{id}|DESK", "+ART#{id}|REV#0000000001", "+AUDIT#article#{id}|*", "+SLUG#{slug}|SLUG"}
	keyDone = "+IDEM#" + adminSub + "#{key}|IDEM"
	listed  = []string{"+ART#{id}|LIST#ALL", "+ART#{id}|LIST#CAT#{cat}"}
)

// version is the effect of a save of version v: its revision and its audit row.
func version(v int) []string {
	return []string{fmt.Sprintf("+ART#{id}|REV#%010d", v), "+AUDIT#article#{id}|*"}
}

// tallyShards are the keys of a poll's 10 tally shards, with sign.
func tallyShards(sign string) []string {
	out := make([]string, 10)
	for i := range out {
		out[i] = fmt.Sprintf("%sPOLL#{poll}#TALLY#%02d|TALLY", sign, i)
	}
	return out
}

func join(parts ...[]string) []string { return slices.Concat(parts...) }

var writePaths = []writePath{
	{name: "article create", kind: txWrite, write: transaction, status: 201, effect: created,
		setup: func(c *faultCase) request { return c.newArticle(false) }},
	{name: "article create, Idempotency-Key", kind: keyedWrite, write: transaction, status: 201, effect: join(created, []string{keyDone}),
		setup: func(c *faultCase) request { return c.newArticle(true) }},
	{name: "article create, the key's claim", kind: plainWrite, write: writeTarget{"PutItem", "IDEM#"}, status: 201, effect: join(created, []string{keyDone}),
		setup: func(c *faultCase) request { return c.newArticle(true) }},
	{name: "article update (PUT)", kind: txWrite, write: transaction, status: 200, effect: version(2),
		setup: func(c *faultCase) request {
			c.article()
			return request{method: "PUT", path: "/admin/articles/{id}", body: editedBody, headers: map[string]string{"If-Match": `"1"`}}
		}},
	{name: "submit", kind: txWrite, write: transaction, status: 200, effect: version(2),
		setup: func(c *faultCase) request {
			c.article()
			return request{method: "POST", path: "/admin/articles/{id}/submit"}
		}},
	{name: "publish", kind: txWrite, write: transaction, status: 200, effect: join(version(2), listed),
		setup: func(c *faultCase) request {
			c.article()
			return request{method: "POST", path: "/admin/articles/{id}/publish"}
		}},
	{name: "publish, Idempotency-Key", kind: keyedWrite, write: transaction, status: 200, effect: join(version(2), listed, []string{keyDone}),
		setup: func(c *faultCase) request {
			c.article()
			c.vars["key"] = "dang-bai-" + c.vars["n"]
			return request{method: "POST", path: "/admin/articles/{id}/publish", headers: map[string]string{"Idempotency-Key": "{key}"}}
		}},
	{name: "reject", kind: txWrite, write: transaction, status: 200, effect: version(3),
		setup: func(c *faultCase) request {
			c.article()
			c.action("submit", "")
			return request{method: "POST", path: "/admin/articles/{id}/reject", body: `{"reason":"Cần bổ sung nguồn tin."}`}
		}},
	{name: "unpublish", kind: txWrite, write: transaction, status: 200,
		effect: join(version(3), []string{"-ART#{id}|LIST#ALL", "-ART#{id}|LIST#CAT#{cat}"}),
		setup: func(c *faultCase) request {
			c.published()
			return request{method: "POST", path: "/admin/articles/{id}/unpublish"}
		}},
	{name: "archive", kind: txWrite, write: transaction, status: 200,
		effect: join(version(3), []string{"-ART#{id}|LIST#ALL", "-ART#{id}|LIST#CAT#{cat}"}),
		setup: func(c *faultCase) request {
			c.published()
			return request{method: "POST", path: "/admin/articles/{id}/archive"}
		}},
	{name: "restore a revision", kind: txWrite, write: transaction, status: 200, effect: version(3),
		setup: func(c *faultCase) request {
			c.article()
			c.must(200, request{method: "PUT", path: "/admin/articles/{id}", body: editedBody, headers: map[string]string{"If-Match": `"1"`}})
			return request{method: "POST", path: "/admin/articles/{id}/revisions/1/restore", headers: map[string]string{"If-Match": `"2"`}}
		}},
	{name: "article delete", kind: txWrite, write: transaction, status: 204, rerunSucceeds: true,
		// Everything readers and editors reach, and the revisions (swept
		// after the transaction); the audit trail stays and grows by one.
		effect: []string{"-ART#{id}|ART", "-ART#{id}|DESK", "-ART#{id}|REV#0000000001", "-ART#{id}|REV#0000000002",
			"-ART#{id}|LIST#ALL", "-ART#{id}|LIST#CAT#{cat}", "-SLUG#{slug}|SLUG", "+AUDIT#article#{id}|*"},
		setup: func(c *faultCase) request {
			c.published()
			return request{method: "DELETE", path: "/admin/articles/{id}"}
		}},
	{name: "category create", kind: txWrite, write: transaction, status: 201, effect: []string{"+CATEGORY|{cat}", "+AUDIT#category#{cat}|*"},
		setup: func(c *faultCase) request {
			c.vars["cat"] = "chuyen-muc-" + c.vars["n"]
			return request{method: "POST", path: "/admin/categories", body: `{"id":"{cat}","name":"Chuyên mục {n}"}`}
		}},
	{name: "category update", kind: txWrite, write: transaction, status: 200, effect: []string{"+AUDIT#category#{cat}|*"},
		setup: func(c *faultCase) request {
			c.category()
			return request{method: "PUT", path: "/admin/categories/{cat}", body: `{"slug":"{cat}","name":"Chuyên mục {n}, tên mới"}`,
				headers: map[string]string{"If-Match": `"1"`}}
		}},
	{name: "category delete", kind: txWrite, write: transaction, status: 204, effect: []string{"-CATEGORY|{cat}", "+AUDIT#category#{cat}|*"},
		setup: func(c *faultCase) request {
			c.category()
			return request{method: "DELETE", path: "/admin/categories/{cat}"}
		}},
	{name: "link create", kind: txWrite, write: transaction, status: 201, effect: []string{"+LINK|{id}", "+AUDIT#link#{id}|*"},
		setup: func(c *faultCase) request {
			return request{method: "POST", path: "/admin/links", body: `{"title":"Cổng thông tin {n}","url":"https://example.vn/{n}"}`}
		}},
	{name: "link update", kind: txWrite, write: transaction, status: 200, effect: []string{"+AUDIT#link#{link}|*"},
		setup: func(c *faultCase) request {
			c.link()
			return request{method: "PUT", path: "/admin/links/{link}", body: `{"title":"Cổng thông tin {n}, mới","url":"https://example.vn/{n}/moi"}`,
				headers: map[string]string{"If-Match": `"1"`}}
		}},
	{name: "link delete", kind: txWrite, write: transaction, status: 204, effect: []string{"-LINK|{link}", "+AUDIT#link#{link}|*"},
		setup: func(c *faultCase) request {
			c.link()
			return request{method: "DELETE", path: "/admin/links/{link}"}
		}},
	{name: "poll create", kind: txWrite, write: transaction, status: 201,
		effect: join([]string{"+POLL#{poll}|POLL", "+AUDIT#poll#{poll}|*"}, tallyShards("+")),
		setup: func(c *faultCase) request {
			c.vars["poll"] = "tham-do-" + c.vars["n"]
			return request{method: "POST", path: "/admin/polls", body: pollBody}
		}},
	{name: "poll edit (PUT)", kind: txWrite, write: transaction, status: 200, effect: []string{"+AUDIT#poll#{poll}|*"},
		setup: func(c *faultCase) request {
			c.poll()
			return request{method: "PUT", path: "/admin/polls/{poll}", headers: map[string]string{"If-Match": `"1"`},
				body: `{"question":"Câu hỏi {n}, đã sửa?","options":[{"id":"o1","label":"Có"},{"id":"o2","label":"Không"}]}`}
		}},
	{name: "poll close", kind: txWrite, write: transaction, status: 200, effect: []string{"+AUDIT#poll#{poll}|*", "-POLL#{poll}|IPKEY"},
		setup: func(c *faultCase) request {
			c.poll()
			c.vote() // the poll's address key exists
			return request{method: "POST", path: "/admin/polls/{poll}/close"}
		}},
	{name: "poll delete", kind: txWrite, write: transaction, status: 204,
		// Vote markers stay, to their TTL (docs/data-model.md).
		effect: join([]string{"-POLL#{poll}|POLL", "-POLL#{poll}|IPKEY", "+AUDIT#poll#{poll}|*"}, tallyShards("-")),
		setup: func(c *faultCase) request {
			c.poll()
			c.vote()
			return request{method: "DELETE", path: "/admin/polls/{poll}"}
		}},
	{name: "vote", kind: voteWrite, write: transaction, status: 200, effect: []string{"+VOTE#{poll}#T#*|VOTE"}, check: oneVote,
		setup: func(c *faultCase) request {
			c.poll()
			c.vote() // the address key and the address's counter exist: the vote's only writes are its transaction's
			return request{method: "POST", path: "/polls/{poll}/votes", body: `{"choices":["o2"]}`}
		}},
	{name: "view beacon", kind: plainWrite, write: writeTarget{"UpdateItem", "VIEWS#"}, status: 200, adds: true,
		effect: []string{"+VISIT#{id}#*|VISIT", "?+VIEWS#{id}#*|VIEWS"}, check: oneView,
		setup: func(c *faultCase) request { return c.viewed() }},
	{name: "view beacon's roll-up", kind: rollUp, write: writeTarget{"UpdateItem", "SLUG#"}, status: 200,
		effect: []string{"+VISIT#{id}#*|VISIT", "?+VIEWS#{id}#*|VIEWS"}, check: oneView,
		setup: func(c *faultCase) request { return c.viewed() }},
}

const editedBody = `{"title":"Bài viết số {n}, đã sửa","slug":"{slug}","summary":"Tóm tắt mới","body":"<p>Nội dung đã sửa</p>","categories":["{cat}"]}`

// newArticle readies an article create: its category, its slug and, when
// keyed, an Idempotency-Key.
func (c *faultCase) newArticle(keyed bool) request {
	c.category()
	c.vars["slug"] = "bai-viet-" + c.vars["n"]
	r := request{method: "POST", path: "/admin/articles", body: articleBody}
	if keyed {
		c.vars["key"] = "tao-bai-" + c.vars["n"]
		r.headers = map[string]string{"Idempotency-Key": "{key}"}
	}
	return r
}

// viewed readies a beacon that counts and rolls up: a published article
// already counted and rolled up once (the day's key exists), then a minute
// later, the first beacon of a new visitor.
func (c *faultCase) viewed() request {
	c.published()
	c.beacon()
	c.clock.Add(61 * time.Second) // past the roll-up interval and every instance cache
	c.ua++
	return request{method: "POST", path: "/articles/{slug}/views", headers: map[string]string{"User-Agent": userAgent(c.ua)}}
}

// oneVote: the poll's tally is up by exactly one voter and one o2 vote.
func oneVote(c *faultCase, r result) []string {
	tally := c.fill("POLL#{poll}#TALLY#*|TALLY")
	var problems []string
	for _, attr := range []string{"voters", "v_o2"} {
		if d := r.after.sum(tally, attr) - r.before.sum(tally, attr); d != 1 {
			problems = append(problems, fmt.Sprintf("tally %s up by %d; want 1", attr, d))
		}
	}
	return problems
}

// oneView: the article's shards hold one more view — plus one per lost shard
// response, the documented over-count (docs/performance.md: the SDK resends
// an ADD whose response was lost). After a roll-up the published copy shows
// viewsBase + Σ shards and the day, week and month entries the shards' count
// (every view of a case falls on one day); when the roll-up failed, both are
// as they were.
func oneView(c *faultCase, r result) []string {
	var problems []string
	if r.resp.json()["counted"] != true {
		problems = append(problems, "the beacon was not counted: "+r.resp.body)
	}
	shards := c.fill("VIEWS#{id}#*|VIEWS")
	total := r.after.sum(shards, "total")
	if d := total - r.before.sum(shards, "total"); d != int64(1+r.lost) {
		problems = append(problems, fmt.Sprintf("shards up by %d views; want 1 + %d lost responses", d, r.lost))
	}
	rolled := []string{c.fill("SLUG#{slug}|SLUG"), c.fill("POP#{id}|day"), c.fill("POP#{id}|week"), c.fill("POP#{id}|month")}
	for _, k := range rolled {
		it := r.after[k]
		switch {
		case it == nil:
			problems = append(problems, k+" is missing")
		case r.want == countedNotRolled:
			if !reflect.DeepEqual(it, r.before[k]) {
				problems = append(problems, k+" changed although its roll-up failed")
			}
		case k == rolled[0]:
			if got, want := num(it, "views"), num(it, "viewsBase")+total; got != want {
				problems = append(problems, fmt.Sprintf("published copy shows %d views; want viewsBase + Σ shards = %d", got, want))
			}
		default:
			if got := num(it, "views"); got != total {
				problems = append(problems, fmt.Sprintf("%s counts %d views; want %d", k, got, total))
			}
		}
	}
	return problems
}

// faultColumn is a column: a fault on the path's main write.
type faultColumn struct {
	name   string
	rule   func(w writeTarget) dynamotest.Rule // nil: no fault
	renew  bool                                // RenewTokens
	lost   int                                 // responses lost
	once   bool                                // the fault hits exactly once
	budget apigw.Budget                        // of the server under test; zero: setupBudget
	want   map[pathKind]outcome
}

// every is "on every attempt": more than any retry budget.
const every = 1000

// stallBudget is the budget of the server under a stall: small, so that
// the stalled cases answer soon.
var stallBudget = apigw.Budget{Read: time.Second, Write: 2 * time.Second}

// conflictFor is how AWS refuses w because another transaction holds one of
// its items: a cancelled transaction, or TransactionConflictException.
func conflictFor(w writeTarget) dynamotest.Fault {
	if w.op == transaction.op {
		return dynamotest.Conflict
	}
	return dynamotest.WriteConflict
}

func fault(f dynamotest.Fault, times int) func(w writeTarget) dynamotest.Rule {
	return func(w writeTarget) dynamotest.Rule { return dynamotest.On(w.op, w.key, f, times) }
}

var (
	allSucceed = map[pathKind]outcome{txWrite: succeeds, keyedWrite: succeeds, voteWrite: succeeds, plainWrite: succeeds, rollUp: succeeds}
	allFail    = map[pathKind]outcome{txWrite: unavailable, keyedWrite: unavailable, voteWrite: unavailable, plainWrite: unavailable, rollUp: countedNotRolled}
)

var faultColumns = []faultColumn{
	{name: "none", want: allSucceed},
	// The SDK retries throttling (4 attempts), 500s and refused
	// connections, then the request is 503.
	{name: "throttled once", rule: fault(dynamotest.Throttle, 1), once: true, want: allSucceed},
	{name: "throttled always", rule: fault(dynamotest.Throttle, every), want: allFail},
	// Applied, then the connection resets: the SDK resends. A transaction
	// is deduplicated by its ClientRequestToken; a claim finds its own
	// claim; a view's ADD counts twice (documented bound: +1 per lost
	// response).
	{name: "response lost", rule: fault(dynamotest.LoseResponse, 1), lost: 1, once: true, want: allSucceed},
	// The same, but DynamoDB runs the resent transaction again.
	{name: "response lost, token renewed", rule: fault(dynamotest.LoseResponse, 1), renew: true, lost: 1, once: true,
		want: map[pathKind]outcome{txWrite: doneButRefused, keyedWrite: succeeds, voteWrite: succeeds, plainWrite: notApplicable, rollUp: notApplicable}},
	// Another transaction holds an item: transactions are tried again
	// (admin 3 times, votes 6), plain writes retried by the SDK.
	{name: "conflict once", rule: func(w writeTarget) dynamotest.Rule { return dynamotest.On(w.op, w.key, conflictFor(w), 1) }, once: true, want: allSucceed},
	{name: "conflict always", rule: func(w writeTarget) dynamotest.Rule { return dynamotest.On(w.op, w.key, conflictFor(w), every) }, want: allFail},
	{name: "500 always", rule: fault(dynamotest.ServerError, every), want: allFail},
	{name: "refused always", rule: fault(dynamotest.Refuse, every), want: allFail},
	// No answer until the request's budget ends.
	{name: "stalled", rule: fault(dynamotest.Stall, every), budget: stallBudget, want: allFail},
}

// TestFaultTable drives every write path through the local server under
// every fault of the table and checks each case's answer and what it left
// in the table: on failure every item as it was (no revision without its
// article, no audit row without its change, no vote marker without its
// tally, no idempotency record in progress); on success exactly the path's
// effect (one article, one revision per version, one audit row per change,
// the tally up by one per vote, the views within docs/performance.md's
// bound); and the table's invariants always. The cases of a column run at
// once, each on its path's table with its own ids, so that the stalled
// ones wait out their budgets together. go test -v prints the table.
func TestFaultTable(t *testing.T) {
	s := newFaultSuite(t, writePaths)
	for _, col := range faultColumns {
		t.Run(col.name, func(t *testing.T) {
			for _, p := range writePaths {
				t.Run(p.name, func(t *testing.T) { s.run(t, p, col) })
			}
		})
	}
	t.Logf("fault table (path × fault → answer):\n%s", s.markdown(writePaths, faultColumns))
}

// run is one case: set up, fault, request, check.
func (s *faultSuite) run(t *testing.T, p writePath, col faultColumn) {
	want := col.want[p.kind]
	if want == doneButRefused && p.rerunSucceeds {
		want = succeeds
	}
	lost := 0
	if p.adds {
		lost = col.lost
	}
	if want == notApplicable {
		s.record(p.name, col.name, "–")
		t.Skip("the fault does not apply to this path's write")
	}
	budget := col.budget
	if budget == (apigw.Budget{}) {
		budget = setupBudget
	}
	c := s.newCase(t, p, budget)
	req := p.setup(c)
	before := c.snapshot()
	if col.rule != nil {
		c.faults.RenewTokens(col.renew)
		c.faults.Set(col.rule(p.write))
	}
	answered := make(chan response, 1)
	go func() { answered <- c.send(c.act, req) }()
	// The other paths' cases of this column set up and send meanwhile;
	// this one goes on once the column's loop is done.
	t.Parallel()
	resp := <-answered
	hits, sent := c.faults.Hits(), c.faults.Sent(p.write.op)
	after := c.snapshot()
	if resp.err != nil {
		t.Fatalf("%s %s: %v", req.method, c.fill(req.path), resp.err)
	}
	if id, ok := resp.json()["id"].(string); ok && c.vars["id"] == "" {
		c.vars["id"] = id // what a create made
	}
	if c.vars["id"] == "" {
		c.vars["id"] = "*" // a create whose answer does not say: any id
	}

	var problems []string
	answer := fmt.Sprint(resp.status)
	switch want {
	case succeeds, doneButRefused, countedNotRolled:
		switch {
		case want == doneButRefused && (resp.status == 404 || resp.status == 409 || resp.status == 412):
			answer += ", change made once"
		case want != doneButRefused && resp.status == p.status:
			if want == countedNotRolled {
				answer += ", roll-up skipped"
			}
			if lost > 0 {
				answer += fmt.Sprintf(" (+%d views)", 1+lost)
			}
		default:
			problems = append(problems, fmt.Sprintf("answered %d %.300s", resp.status, resp.body))
		}
		added, removed, _ := before.changed(after)
		effect := make([]string, len(p.effect))
		for i, e := range p.effect {
			effect[i] = c.fill(e)
		}
		problems = append(problems, matchEffect(effect, added, removed)...)
		if p.check != nil {
			problems = append(problems, p.check(c, result{resp: resp, before: before, after: after, want: want, lost: lost})...)
		}
	case unavailable:
		answer = "503 + Retry-After"
		if resp.status != 503 || resp.code() != "unavailable" || resp.header.Get("Retry-After") == "" {
			problems = append(problems, fmt.Sprintf("answered %d %v %.300s; want 503 unavailable with Retry-After", resp.status, resp.header, resp.body))
		}
		if added, removed, modified := before.changed(after); len(added)+len(removed)+len(modified) > 0 {
			problems = append(problems, fmt.Sprintf("a failed write changed the table: added %v, removed %v, modified %v", added, removed, modified))
		}
	}
	// The invariants hold over the whole table; what was wrong before the
	// request is an earlier case's failure, reported there.
	was := invariants(before)
	for _, pr := range invariants(after) {
		if !slices.Contains(was, pr) {
			problems = append(problems, pr)
		}
	}

	switch {
	case col.rule == nil:
	case hits == 0:
		problems = append(problems, fmt.Sprintf("no %s on %s %q was faulted: the case tests nothing", col.name, p.write.op, p.write.key))
	case col.once && hits != 1:
		problems = append(problems, fmt.Sprintf("%d faults injected; want 1", hits))
	}
	if col.lost > 0 && sent < 2 {
		problems = append(problems, fmt.Sprintf("%d %s sent; want the lost one and its resend", sent, p.write.op))
	}
	if col.budget != (apigw.Budget{}) && resp.took > col.budget.Write+time.Second {
		// The answer comes when the budget is spent; a second on top for a
		// loaded machine.
		problems = append(problems, fmt.Sprintf("answered after %v; the budget is %v", resp.took.Round(time.Millisecond), col.budget.Write))
	}
	if len(problems) > 0 {
		answer += " FAILED"
	}
	s.record(p.name, col.name, answer)
	for _, pr := range problems {
		t.Errorf("%s %s under %q: %s", req.method, c.fill(req.path), col.name, pr)
	}
}
