package adminapi_test

import (
	"context"
	"embed"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"eportal/infra/ddblocal"
	"eportal/infra/demo"
	"eportal/infra/tables"
	"eportal/internal/adminapi"
	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/readapi"
)

func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }

//go:embed testdata/*.json
var testdata embed.FS

var now = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// env is a fresh table with the demo content, the admin and read handlers on
// it, and the counter of the admin handler's DynamoDB calls.
type env struct {
	admin *adminapi.Handler
	read  *readapi.Handler
	store *dynamo.Store
	db    *dynamodb.Client // the raw client, for checking what is in the table
	table string
	calls *dynamotest.CallCounter
	units *dynamotest.CapacityMeter
	clock *time.Time
}

func mustEnv(t *testing.T) *env {
	t.Helper()
	return mustEnvOn(t, nil)
}

// mustEnvOn is mustEnv with the store's client wrapped by wrap when not nil
// (a dynamotest harness around the real DynamoDB Local client).
func mustEnvOn(t *testing.T, wrap func(dynamo.API) dynamo.API) *env {
	t.Helper()
	return mustEnvWith(t, wrap)
}

// mustFaultyEnv is mustEnv with f between the SDK and DynamoDB Local, and
// the SDK's own retries (3 attempts) with short pauses for the test.
func mustFaultyEnv(t *testing.T) (*env, *dynamotest.Faults) {
	t.Helper()
	f := dynamotest.NewFaults()
	e := mustEnvWith(t, nil, f.Option(), func(o *dynamodb.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.MaxBackoff = 5 * time.Millisecond })
	})
	return e, f
}

// mustEnvWith is mustEnvOn with opts applied to the DynamoDB client.
func mustEnvWith(t *testing.T, wrap func(dynamo.API) dynamo.API, opts ...func(*dynamodb.Options)) *env {
	t.Helper()
	calls, units := &dynamotest.CallCounter{}, &dynamotest.CapacityMeter{}
	ts := tables.MustStore(t, append([]func(*dynamodb.Options){calls.Option(), units.Option()}, opts...)...)
	var db dynamo.API = ts.DB
	if wrap != nil {
		db = wrap(db)
	}
	store := dynamo.New(db, ts.Table, ts.Cursors)
	if _, err := demo.Load(context.Background(), store, now); err != nil {
		t.Fatal(err)
	}
	clock := now
	e := &env{store: store, db: ts.DB, table: ts.Table, calls: calls, units: units, clock: &clock}
	nowFn := func() time.Time { return *e.clock }
	e.admin = adminapi.New(store, adminapi.WithClock(nowFn))
	e.read = readapi.New(store, readapi.WithClock(nowFn))
	calls.Reset()
	return e
}

// call describes one admin request.
type call struct {
	role    string // "", editor, publisher, admin
	method  string
	route   string // the route's path, with {id}; params fill it in
	params  map[string]string
	query   map[string]string
	body    string
	headers map[string]string
}

var subs = map[string]string{
	"editor":    "11111111-1111-4111-8111-111111111111",
	"publisher": "22222222-2222-4222-8222-222222222222",
	"admin":     "33333333-3333-4333-8333-333333333333",
}

// event is testdata/admin-event.json sent as c: with c.role's groups and
// subject in the JWT claims, or without a token when c.role is "".
func event(t testing.TB, c call) apigw.Request {
	t.Helper()
	ev := apigwtest.Call{Method: c.method, Route: c.route, Params: c.params, Query: c.query, Headers: c.headers, Body: c.body}.
		Request(apigwtest.Event(t, testdata, "admin-event"))
	if c.role == "" {
		ev.RequestContext.Authorizer = nil
		delete(ev.Headers, "authorization")
	} else {
		claims := ev.RequestContext.Authorizer.JWT.Claims
		claims["cognito:groups"] = "[" + c.role + "]"
		claims["sub"] = subs[c.role]
	}
	return ev
}

// do serves c with the admin handler on the test's goroutine and checks,
// besides apigwtest.Serve's checks, that the answer is no-store.
func (e *env) do(t *testing.T, c call) (apigw.Response, map[string]any) {
	t.Helper()
	resp, body := apigwtest.Serve(t, e.admin, event(t, c))
	noStore(t, c, resp)
	return resp, body
}

// send is do for other goroutines: it reports problems and never stops the
// test.
func (e *env) send(t *testing.T, c call) apigw.Response {
	t.Helper()
	resp, _ := apigwtest.Do(t, e.admin, event(t, c), nil)
	noStore(t, c, resp)
	return resp
}

func noStore(t *testing.T, c call, resp apigw.Response) {
	t.Helper()
	if resp.Headers["Cache-Control"] != "no-store" {
		t.Errorf("%s %s: Cache-Control = %q; want no-store", c.method, c.route, resp.Headers["Cache-Control"])
	}
}

const draftBody = `{"title":"Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 15","summary":"Tóm tắt","body":"<p>Nội dung <strong>chính</strong></p>","categories":["khoa-xix"],"author":"Phóng viên","source":"Ban Tuyên giáo"}`

// create makes a draft as an editor and returns its id and ETag.
func (e *env) create(t *testing.T, body string) (string, string) {
	t.Helper()
	resp, b := e.do(t, call{role: "editor", method: "POST", route: "/admin/articles", body: body})
	if resp.StatusCode != 201 {
		t.Fatalf("create = %d %s", resp.StatusCode, resp.Body)
	}
	return b["id"].(string), resp.Headers["ETag"]
}

// act runs POST /admin/articles/{id}/<action> as role.
func (e *env) act(t *testing.T, role, id, action, body string, headers map[string]string) (apigw.Response, map[string]any) {
	t.Helper()
	return e.do(t, call{role: role, method: "POST", route: "/admin/articles/{id}/" + action, params: map[string]string{"id": id}, body: body, headers: headers})
}

// public fetches /articles/{slug} from the read handler.
func (e *env) public(t *testing.T, slug string) int {
	t.Helper()
	resp, _ := apigwtest.Serve(t, e.read, apigwtest.Call{Method: "GET", Route: "/articles/{slug}", Params: map[string]string{"slug": slug}}.Request(apigw.Request{}))
	return resp.StatusCode
}

func (e *env) publicList(t *testing.T, category string) string {
	t.Helper()
	q := map[string]string{}
	if category != "" {
		q["category"] = category
	}
	resp, _ := apigwtest.Serve(t, e.read, apigwtest.Call{Method: "GET", Route: "/articles", Query: q}.Request(apigw.Request{}))
	if resp.StatusCode != 200 {
		t.Fatalf("public list: %d %s", resp.StatusCode, resp.Body)
	}
	return resp.Body
}

func (e *env) auditCount(t *testing.T) int {
	t.Helper()
	n, cur := 0, ""
	for {
		q := map[string]string{"limit": "100"}
		if cur != "" {
			q["cursor"] = cur
		}
		resp, b := e.do(t, call{role: "admin", method: "GET", route: "/admin/audit", query: q})
		if resp.StatusCode != 200 {
			t.Fatalf("audit = %d %s", resp.StatusCode, resp.Body)
		}
		n += len(b["items"].([]any))
		next, _ := b["nextCursor"].(string)
		if next == "" {
			return n
		}
		cur = next
	}
}

func ifMatch(etag string) map[string]string { return map[string]string{"If-Match": etag} }

func fmtETag(v int) string { return fmt.Sprintf(`"%d"`, v) }
