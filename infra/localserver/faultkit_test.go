package localserver_test

// The kit of TestFaultTable (faulttable_test.go): one case of the table is a
// fresh local server on a fresh SDK client behind dynamotest.Faults, on the
// path's own table, with its own clock and its own ids.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/infra/ddblocal"
	"eportal/infra/localserver"
	"eportal/infra/tables"
	"eportal/infra/template"
	"eportal/internal/apigw"
	"eportal/internal/cursor"
	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
)

// faultStart is the cases' clock at their start: noon in Vietnam, so that no
// case crosses a Vietnam day (a new day's key would be a write of its own).
var faultStart = time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)

// adminSub is the caller of every admin request: the authorizer stub grants
// admin, which holds every role.
const adminSub = "33333333-3333-4333-8333-333333333333"

// setupBudget is the budget of the server that prepares a case: generous, so
// that a busy DynamoDB Local never fails a setup.
var setupBudget = apigw.Budget{Read: 10 * time.Second, Write: 20 * time.Second}

// faultSuite holds what the cases share: the raw client (no faults: scans and
// checks), the template's routes and one table per write path.
type faultSuite struct {
	db     *dynamodb.Client
	routes []template.Route
	codec  *cursor.Codec
	tables map[string]string // path name → table
	n      atomic.Int64      // numbers the cases' ids

	mu  sync.Mutex
	got map[string]map[string]string // path → column → outcome, for the printed table
}

func newFaultSuite(t *testing.T, paths []writePath) *faultSuite {
	t.Helper()
	codec, err := cursor.New([]byte("eportal test cursor secret, 32 b"))
	if err != nil {
		t.Fatal(err)
	}
	s := &faultSuite{db: ddblocal.MustClient(t), routes: mustTemplate(t).Routes(), codec: codec,
		tables: map[string]string{}, got: map[string]map[string]string{}}
	for _, p := range paths {
		// A table per path, reused by its cases (each with its own ids):
		// a table per case would cost 70 ms each, and scans of a table
		// holding every path's cases would grow with the suite.
		s.tables[p.name] = tables.MustCreate(t, s.db)
	}
	return s
}

func (s *faultSuite) record(p, col, outcome string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.got[p] == nil {
		s.got[p] = map[string]string{}
	}
	s.got[p][col] = outcome
}

// markdown returns the outcomes as a table: a row per path, a column per fault.
func (s *faultSuite) markdown(paths []writePath, cols []faultColumn) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	b.WriteString("| path |")
	for _, c := range cols {
		b.WriteString(" " + c.name + " |")
	}
	b.WriteString("\n|---|")
	for range cols {
		b.WriteString("---|")
	}
	for _, p := range paths {
		b.WriteString("\n| " + p.name + " |")
		for _, c := range cols {
			b.WriteString(" " + s.got[p.name][c.name] + " |")
		}
	}
	return b.String() + "\n"
}

// clock is a case's time, moved by its setup only.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// faultCase is one (path × fault) case.
type faultCase struct {
	t      *testing.T
	suite  *faultSuite
	table  string
	faults *dynamotest.Faults
	clock  *clock
	setup  string // the URL of the server for setup requests
	act    string // the URL of the server for the request under test
	n      int64  // this case's number, in its ids
	vars   map[string]string
	ua     int // the last beacon's User-Agent number
}

// newCase starts the case's servers: both on one store, whose client sends
// everything through the case's Faults (passing all until the case sets a
// rule). The request under test goes to a server with budget; setup
// requests to one with setupBudget (two Lambda instances, as on AWS).
func (s *faultSuite) newCase(t *testing.T, p writePath, budget apigw.Budget) *faultCase {
	t.Helper()
	f := dynamotest.NewFaults()
	// The deployed client's retry policy (dynamo.ClientOptions: attempts,
	// retryable codes such as TransactionConflictException), with the
	// pauses between attempts capped for the test.
	fast := func(o *dynamodb.Options) { o.Retryer = retry.AddWithMaxBackoffDelay(o.Retryer, 5*time.Millisecond) }
	db, err := ddblocal.NewClient(context.Background(), os.Getenv(ddblocal.EndpointEnv), f.Option(), fast)
	if err != nil {
		t.Fatal(err)
	}
	c := &faultCase{t: t, suite: s, table: s.tables[p.name], faults: f, clock: &clock{now: faultStart},
		n: s.n.Add(1), vars: map[string]string{}}
	c.vars["n"] = strconv.FormatInt(c.n, 10)
	store := dynamo.New(db, c.table, s.codec)
	serve := func(b apigw.Budget) string {
		claims := map[string]string{"sub": adminSub, "cognito:groups": "[admin]"}
		srv, err := localserver.New(s.routes, localserver.Functions(store, c.clock.Now, b), nil,
			slog.New(slog.NewTextHandler(io.Discard, nil)),
			localserver.WithAuthorizer(func(string) (map[string]string, error) { return claims, nil }))
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(validated(t, srv))
		t.Cleanup(ts.Close)
		return ts.URL
	}
	c.setup, c.act = serve(setupBudget), serve(budget)
	return c
}

// fill replaces {name} with the case's vars.
func (c *faultCase) fill(s string) string {
	for k, v := range c.vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// request is an HTTP request of a test; path and body may hold {vars}.
type request struct {
	method, path, body string
	headers            map[string]string
}

// response is what the server answered, and how long it took.
type response struct {
	status int
	header http.Header
	body   string
	took   time.Duration
	err    error
}

func (r response) json() map[string]any {
	var m map[string]any
	_ = json.Unmarshal([]byte(r.body), &m)
	return m
}

func (r response) code() string {
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal([]byte(r.body), &e)
	return e.Error.Code
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

// send serves r on the server at base; it may run on any goroutine.
func (c *faultCase) send(base string, r request) response {
	req, err := http.NewRequest(r.method, base+c.fill(r.path), strings.NewReader(c.fill(r.body)))
	if err != nil {
		return response{err: err}
	}
	req.Header.Set("Authorization", "Bearer local")
	req.Header.Set("User-Agent", userAgent(0))
	if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.headers {
		req.Header.Set(k, c.fill(v))
	}
	start := time.Now()
	resp, err := httpClient.Do(req)
	if err != nil {
		return response{err: err, took: time.Since(start)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(b), took: time.Since(start), err: err}
}

// must serves a setup request and fails the case unless it answers want.
func (c *faultCase) must(want int, r request) map[string]any {
	c.t.Helper()
	resp := c.send(c.setup, r)
	if resp.err != nil || resp.status != want {
		c.t.Fatalf("setup %s %s = %d %.300s %v; want %d", r.method, c.fill(r.path), resp.status, resp.body, resp.err, want)
	}
	return resp.json()
}

// userAgent is the browser of visitor k: visitors differ by User-Agent only
// (every request comes from 127.0.0.1).
func userAgent(k int) string {
	return fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.%d Safari/537.36", k)
}

// Setup steps. Each sets the case's vars it creates.

func (c *faultCase) category() {
	c.t.Helper()
	c.vars["cat"] = "chuyen-muc-" + c.vars["n"]
	c.must(201, request{method: "POST", path: "/admin/categories", body: `{"id":"{cat}","name":"Chuyên mục {n}"}`})
}

// article creates a draft in a new category: {id}, {slug}, {cat}; version 1.
func (c *faultCase) article() {
	c.t.Helper()
	c.category()
	c.vars["slug"] = "bai-viet-" + c.vars["n"]
	a := c.must(201, request{method: "POST", path: "/admin/articles", body: articleBody})
	c.vars["id"] = a["id"].(string)
}

const articleBody = `{"title":"Bài viết số {n}","slug":"{slug}","summary":"Tóm tắt","body":"<p>Nội dung <strong>chính</strong></p>","categories":["{cat}"]}`

func (c *faultCase) action(name, body string) {
	c.t.Helper()
	c.must(200, request{method: "POST", path: "/admin/articles/{id}/" + name, body: body})
}

// published creates an article and publishes it (version 2).
func (c *faultCase) published() {
	c.t.Helper()
	c.article()
	c.action("publish", "")
}

func (c *faultCase) link() {
	c.t.Helper()
	l := c.must(201, request{method: "POST", path: "/admin/links", body: `{"title":"Cổng thông tin {n}","url":"https://example.vn/{n}"}`})
	c.vars["link"] = l["id"].(string)
}

func (c *faultCase) poll() {
	c.t.Helper()
	c.vars["poll"] = "tham-do-" + c.vars["n"]
	c.must(201, request{method: "POST", path: "/admin/polls", body: pollBody})
}

const pollBody = `{"id":"{poll}","question":"Câu hỏi {n}?","options":[{"id":"o1","label":"Có"},{"id":"o2","label":"Không"}]}`

// vote casts a vote of a new voter (no token: one is issued).
func (c *faultCase) vote() {
	c.t.Helper()
	c.must(200, request{method: "POST", path: "/polls/{poll}/votes", body: `{"choices":["o1"]}`})
}

// beacon counts a view of {slug} by a new visitor, on the setup server.
func (c *faultCase) beacon() {
	c.t.Helper()
	c.ua++
	r := request{method: "POST", path: "/articles/{slug}/views", headers: map[string]string{"User-Agent": userAgent(c.ua)}}
	if got := c.must(200, r); got["counted"] != true {
		c.t.Fatalf("setup beacon not counted: %v", got)
	}
}

// snapshot is every item of a case's table: "PK|SK" → attributes.
type snapshot map[string]map[string]types.AttributeValue

// snapshot scans the case's table (consistent reads). It holds the items'
// values, not only their keys (dynamotest.Keys): a failed write must not
// have moved a counter either.
func (c *faultCase) snapshot() snapshot {
	c.t.Helper()
	out := snapshot{}
	p := dynamodb.NewScanPaginator(c.suite.db, &dynamodb.ScanInput{TableName: &c.table, ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			c.t.Fatalf("scan: %v", err)
		}
		for _, it := range page.Items {
			out[str(it, "PK")+"|"+str(it, "SK")] = it
		}
	}
	return out
}

func (s snapshot) keys() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// changed returns the keys whose items differ between s and after, by kind.
func (s snapshot) changed(after snapshot) (added, removed, modified []string) {
	for _, k := range after.keys() {
		old, ok := s[k]
		switch {
		case !ok:
			added = append(added, k)
		case !reflect.DeepEqual(old, after[k]):
			modified = append(modified, k)
		}
	}
	for _, k := range s.keys() {
		if _, ok := after[k]; !ok {
			removed = append(removed, k)
		}
	}
	return added, removed, modified
}

// matching returns the items whose key matches glob (path.Match).
func (s snapshot) matching(glob string) []map[string]types.AttributeValue {
	var out []map[string]types.AttributeValue
	for _, k := range s.keys() {
		if ok, _ := path.Match(glob, k); ok {
			out = append(out, s[k])
		}
	}
	return out
}

// sum adds up attribute attr over the items matching glob.
func (s snapshot) sum(glob, attr string) int64 {
	var n int64
	for _, it := range s.matching(glob) {
		n += num(it, attr)
	}
	return n
}

func str(it map[string]types.AttributeValue, attr string) string {
	if v, ok := it[attr].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func num(it map[string]types.AttributeValue, attr string) int64 {
	if v, ok := it[attr].(*types.AttributeValueMemberN); ok {
		n, _ := strconv.ParseInt(v.Value, 10, 64)
		return n
	}
	return 0
}

func strs(it map[string]types.AttributeValue, attr string) []string {
	var out []string
	if l, ok := it[attr].(*types.AttributeValueMemberL); ok {
		for _, v := range l.Value {
			if s, ok := v.(*types.AttributeValueMemberS); ok {
				out = append(out, s.Value)
			}
		}
	}
	return out
}

// matchEffect checks the keys a change added and removed against effect:
// "+glob" is exactly one added key, "-glob" exactly one removed key, and a
// leading "?" makes it at most one. Globs are path.Match patterns. Every
// added or removed key must be claimed by one entry.
func matchEffect(effect []string, added, removed []string) []string {
	added, removed = slices.Clone(added), slices.Clone(removed)
	var problems []string
	for _, e := range effect {
		optional := strings.HasPrefix(e, "?")
		e = strings.TrimPrefix(e, "?")
		pool := &added
		if e[0] == '-' {
			pool = &removed
		}
		glob := e[1:]
		i := slices.IndexFunc(*pool, func(k string) bool { ok, _ := path.Match(glob, k); return ok })
		switch {
		case i >= 0:
			*pool = slices.Delete(*pool, i, i+1)
		case !optional:
			problems = append(problems, "missing "+e)
		}
	}
	for _, k := range added {
		problems = append(problems, "unexpected +"+k)
	}
	for _, k := range removed {
		problems = append(problems, "unexpected -"+k)
	}
	return problems
}

// invariants returns what is wrong in s whatever happened before: an
// idempotency record left in progress, a revision without its article, an
// article deletion left unfinished, a vote marker without its tally (or the
// reverse), a category whose counts are not its filed articles and children.
func invariants(s snapshot) []string {
	var problems []string
	filed, children := map[string]int64{}, map[string]int64{}
	for _, k := range s.keys() {
		it := s[k]
		pk, sk := str(it, "PK"), str(it, "SK")
		switch {
		case strings.HasPrefix(pk, "IDEM#") && str(it, "state") != "done":
			problems = append(problems, "idempotency record "+k+" is "+str(it, "state"))
		case strings.HasPrefix(pk, "ART#") && strings.HasPrefix(sk, "REV#"):
			if s[pk+"|ART"] == nil && s[pk+"|DELETING"] == nil {
				problems = append(problems, "revision "+k+" without its article")
			}
		case strings.HasPrefix(pk, "ART#") && sk == "DELETING":
			problems = append(problems, "the deletion of "+pk+" was left unfinished")
		case strings.HasPrefix(pk, "ART#") && sk == "ART":
			cats := append(strs(it, "categories"), strs(it, "publishedCategories")...)
			slices.Sort(cats)
			for _, cat := range slices.Compact(cats) {
				filed[cat]++
			}
		case pk == "CATEGORY":
			if p := str(it, "parentId"); p != "" {
				children[p]++
			}
		case strings.HasPrefix(pk, "POLL#") && sk == "POLL":
			markers := len(s.matching("VOTE#" + str(it, "id") + "#T#*|VOTE"))
			if voters := s.sum(pk+"#TALLY#*|TALLY", "voters"); voters != int64(markers) {
				problems = append(problems, fmt.Sprintf("poll %s: %d voter markers, %d voters in its tally", str(it, "id"), markers, voters))
			}
		}
	}
	for _, it := range s.matching("CATEGORY|*") {
		id := str(it, "SK")
		if got, want := num(it, "articles"), filed[id]; got != want {
			problems = append(problems, fmt.Sprintf("category %s counts %d articles; %d are filed under it", id, got, want))
		}
		if got, want := num(it, "children"), children[id]; got != want {
			problems = append(problems, fmt.Sprintf("category %s counts %d children; it has %d", id, got, want))
		}
	}
	return problems
}
