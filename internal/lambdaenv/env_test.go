package lambdaenv_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"eportal/infra/ddblocal"
	"eportal/infra/demo"
	"eportal/infra/tables"
	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/cursor"
	"eportal/internal/dynamo"
	"eportal/internal/keyset"
	"eportal/internal/lambdaenv"
	"eportal/internal/pollsapi"
	"eportal/internal/readapi"
)

func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }

// secrets is a fake Secrets Manager: the values by id, whether it is down,
// and how many reads were made.
type secrets struct {
	mu     sync.Mutex
	values map[string]string
	down   bool
	reads  int
}

func (s *secrets) fetch(_ context.Context, id string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	if s.down {
		return "", errors.New("connect: connection refused")
	}
	return s.values[id], nil
}

func (s *secrets) setDown(down bool) { s.mu.Lock(); s.down = down; s.mu.Unlock() }
func (s *secrets) count() int        { s.mu.Lock(); defer s.mu.Unlock(); return s.reads }

func keySet(t *testing.T, purpose string, legacy string) string {
	t.Helper()
	s, err := keyset.Init(purpose, []byte(legacy), time.Now().Add(-24*time.Hour), keyset.NewSecret)
	if err != nil {
		t.Fatal(err)
	}
	return string(s.Marshal())
}

// deployed is the environment of a deployed function, its keys in a fake
// Secrets Manager, its table a fresh one on DynamoDB Local with the demo
// content.
func deployed(t *testing.T) (map[string]string, *secrets) {
	t.Helper()
	endpoint := os.Getenv(ddblocal.EndpointEnv)
	db, err := ddblocal.NewClient(context.Background(), endpoint)
	if err != nil {
		t.Fatal(err)
	}
	table := tables.MustCreate(t, db)
	codec, _ := cursor.New([]byte("lambdaenv test cursor secret...."))
	if _, err := demo.Load(context.Background(), dynamo.New(db, table, codec), time.Now()); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "local")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "local")
	sm := &secrets{values: map[string]string{
		"arn:cursor": keySet(t, keyset.Cursor, ""),
		"arn:voter":  keySet(t, keyset.Voter, "the old deployment secret......."),
	}}
	return map[string]string{"TABLE_NAME": table, "CURSOR_KEYS_SECRET_ID": "arn:cursor", "VOTER_KEYS_SECRET_ID": "arn:voter"}, sm
}

func load(t *testing.T, env map[string]string, sm *secrets, opts ...lambdaenv.Option) *lambdaenv.Env {
	t.Helper()
	opts = append(opts, lambdaenv.WithGetenv(func(k string) string { return env[k] }), lambdaenv.WithSecrets(sm.fetch))
	e, err := lambdaenv.Load(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	if sm.count() != 0 {
		t.Fatalf("Load read %d secrets; want none before the first request", sm.count())
	}
	return e
}

// TestListWhileSecretsManagerIsDown: a cold read function whose cursor keys
// cannot be read answers a list 503 with Retry-After (never a 500), serves
// an article (it needs no key) and lists again once the keys can be read.
func TestListWhileSecretsManagerIsDown(t *testing.T) {
	env, sm := deployed(t)
	e := load(t, env, sm)
	h := readapi.New(e.Store, readapi.WithBudget(e.Budget))
	list := apigwtest.Event(t, os.DirFS("../readapi"), "list-articles")
	article := apigwtest.Event(t, os.DirFS("../readapi"), "get-article")

	sm.setDown(true)
	resp, _ := apigwtest.Do(t, h, list, nil)
	if resp.StatusCode != 503 || resp.Headers["Retry-After"] == "" {
		t.Errorf("list with the keys unreadable: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Headers["Retry-After"])
	}
	if strings.Contains(resp.Body, "connection refused") {
		t.Errorf("the 503 shows the cause: %s", resp.Body)
	}
	reads := sm.count()
	if resp, _ := apigwtest.Do(t, h, article, nil); resp.StatusCode != 200 || sm.count() != reads {
		t.Errorf("article GET with the keys unreadable: %d after %d reads; want 200 and no read", resp.StatusCode, sm.count()-reads)
	}

	sm.setDown(false)
	if resp, _ := apigwtest.Do(t, h, list, nil); resp.StatusCode != 200 {
		t.Errorf("list once the keys read: %d; want 200 (%.300s)", resp.StatusCode, resp.Body)
	}
	// With the keys in hand a cursor is checked, not a 503: a forged one
	// under the current key id is a 400.
	forged := list
	forged.QueryStringParameters = map[string]string{"limit": "1", "cursor": "k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
	if resp, _ := apigwtest.Do(t, h, forged, nil); resp.StatusCode != 400 {
		t.Errorf("a forged cursor once the keys read: %d; want 400", resp.StatusCode)
	}
	reads = sm.count()
	apigwtest.Do(t, h, list, nil)
	if sm.count() != reads {
		t.Errorf("a second list read the secret again (%d reads)", sm.count()-reads)
	}
}

// TestVoteWhileSecretsManagerIsDown: a vote whose voter keys cannot be read
// is 503 — not 400 for a "forged" token, which the client would drop and
// vote again with a new one — and nothing is counted; once the keys read,
// the same token votes, and the token issued names the current voter key.
func TestVoteWhileSecretsManagerIsDown(t *testing.T) {
	env, sm := deployed(t)
	e := load(t, env, sm, lambdaenv.WithVoters())
	h := pollsapi.New(e.Store, e.Voters, pollsapi.WithBudget(e.Budget))
	vote := apigwtest.Event(t, os.DirFS("../pollsapi"), "vote")

	sm.setDown(true)
	if resp, _ := apigwtest.Do(t, h, vote, nil); resp.StatusCode != 503 || resp.Headers["Retry-After"] == "" || resp.Headers[apigwHeader(resp, "X-Voter-Token")] != "" {
		t.Errorf("vote with the keys unreadable: %d, headers %v; want 503 with Retry-After and no token", resp.StatusCode, resp.Headers)
	}
	sm.setDown(false)
	resp, _ := apigwtest.Do(t, h, vote, nil)
	if tok := resp.Headers[apigwHeader(resp, "X-Voter-Token")]; resp.StatusCode != 200 || !strings.HasPrefix(tok, "v2.k1.") {
		t.Errorf("vote once the keys read: %d, token %q; want 200 and a v2.k1. token", resp.StatusCode, tok)
	}
}

// apigwHeader returns the spelling of name among resp's headers.
func apigwHeader(resp apigw.Response, name string) string {
	for k := range resp.Headers {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return name
}

// TestKeysIndependent: the cursor and voter keys come from two secrets; a
// function that needs no voter keys never reads theirs, and a rotation of
// one secret leaves the other's keys as they were.
func TestKeysIndependent(t *testing.T) {
	env, sm := deployed(t)
	e := load(t, env, sm, lambdaenv.WithVoters())
	if err := e.Cursors.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.Voters.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := e.Cursors.Encode("LIST#ALL", map[string]string{"PK": "ART#1"})
	tok, _ := e.Voters.Issue(time.Now())

	read := load(t, map[string]string{"TABLE_NAME": env["TABLE_NAME"], "CURSOR_KEYS_SECRET_ID": "arn:cursor"}, &secrets{values: sm.values})
	if read.Voters != nil {
		t.Error("a function without WithVoters has a voter signer")
	}

	// Rotate the voter secret only: a fresh instance sees new voter keys
	// and the same cursor keys.
	sm.mu.Lock()
	sm.values["arn:voter"] = keySet(t, keyset.Voter, "another old secret, 32 bytes...")
	sm.mu.Unlock()
	fresh := load(t, env, &secrets{values: sm.values}, lambdaenv.WithVoters())
	_ = fresh.Cursors.Load(context.Background())
	_ = fresh.Voters.Load(context.Background())
	if got := fresh.Cursors.Encode("LIST#ALL", map[string]string{"PK": "ART#1"}); got != before {
		t.Errorf("after a voter rotation the cursor of one position changed: %q, was %q", got, before)
	}
	if _, err := fresh.Voters.Verify(tok, time.Now()); err == nil {
		t.Error("after replacing the voter secret's keys, a token of the old keys still verifies: the voter keys did not change")
	}
}

// TestBasePath: BASE_PATH is empty or a path of lower-case segments without
// a trailing slash; Load fails on anything else, naming the variable.
func TestBasePath(t *testing.T) {
	for _, tc := range []struct {
		value, want string
		ok          bool
	}{
		{"", "", true},
		{"/tin-tuc", "/tin-tuc", true},
		{"/a/b-2/c", "/a/b-2/c", true},
		{"/", "", false},
		{"/tin-tuc/", "", false},
		{"tin-tuc", "", false},
		{"/Tin-Tuc", "", false},
		{"/tin tuc", "", false},
		{"//tin-tuc", "", false},
		{"/tin-tuc?x=1", "", false},
		{"/tin_tuc", "", false},
		{"/tin-tức", "", false},
	} {
		env := map[string]string{"TABLE_NAME": "t", "BASE_PATH": tc.value}
		e, err := lambdaenv.Load(context.Background(), lambdaenv.WithoutCursors(),
			lambdaenv.WithGetenv(func(k string) string { return env[k] }))
		switch {
		case tc.ok && err != nil:
			t.Errorf("BASE_PATH=%q: %v", tc.value, err)
		case tc.ok && e.BasePath != tc.want:
			t.Errorf("BASE_PATH=%q: BasePath %q; want %q", tc.value, e.BasePath, tc.want)
		case !tc.ok && (err == nil || !strings.Contains(err.Error(), "BASE_PATH")):
			t.Errorf("BASE_PATH=%q: err %v; want an error naming BASE_PATH", tc.value, err)
		}
	}
}
