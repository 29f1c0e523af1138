package lambdaenv

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"eportal/internal/keyset"
	"eportal/internal/portal"
)

// fakeSecrets is an in-memory Secrets Manager: values by secret id, an
// error to answer with instead, and the reads made.
type fakeSecrets struct {
	mu     sync.Mutex
	values map[string]string
	err    error
	reads  []string
}

func (f *fakeSecrets) fetch(_ context.Context, id string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads = append(f.reads, id)
	if f.err != nil {
		return "", f.err
	}
	v, ok := f.values[id]
	if !ok {
		return "", errors.New("ResourceNotFoundException")
	}
	return v, nil
}

func (f *fakeSecrets) set(id, value string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if value != "" {
		f.values[id] = value
	}
	f.err = err
}

func (f *fakeSecrets) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reads)
}

var t0 = time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)

func newSet(t *testing.T, purpose string, at time.Time) *keyset.Set {
	t.Helper()
	n := 0
	s, err := keyset.Init(purpose, nil, at, func() string { n++; return strings.Repeat(string(rune('a'+n)), 32) })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func testOptions(c *clock) *options {
	return &options{now: c.now, log: slog.New(slog.DiscardHandler)}
}

// TestKeySourceChoice: where keys come from is decided by the environment
// alone, without reading anything: a secret id means Secrets Manager (read
// later, through the fetcher), a plain secret a static set; both or
// neither is an error naming the variables.
func TestKeySourceChoice(t *testing.T) {
	tests := []struct {
		name    string
		purpose string
		env     map[string]string
		want    string // "secrets manager", "static" or an error's text
	}{
		{"cursor keys in Secrets Manager", keyset.Cursor, map[string]string{"CURSOR_KEYS_SECRET_ID": "arn:cursor"}, "secrets manager"},
		{"voter keys in Secrets Manager", keyset.Voter, map[string]string{"VOTER_KEYS_SECRET_ID": "arn:voter"}, "secrets manager"},
		{"cursor secret locally", keyset.Cursor, map[string]string{"CURSOR_SECRET": "0123456789abcdef0123"}, "static"},
		{"voter secret locally", keyset.Voter, map[string]string{"VOTER_SECRET": "0123456789abcdef0123"}, "static"},
		{"both", keyset.Cursor, map[string]string{"CURSOR_KEYS_SECRET_ID": "arn:cursor", "CURSOR_SECRET": "0123456789abcdef0123"}, "both CURSOR_KEYS_SECRET_ID and CURSOR_SECRET"},
		{"neither", keyset.Voter, map[string]string{"CURSOR_SECRET": "0123456789abcdef0123"}, "neither VOTER_KEYS_SECRET_ID nor VOTER_SECRET"},
		{"the cursor's secret is not the voter's", keyset.Voter, map[string]string{"CURSOR_KEYS_SECRET_ID": "arn:cursor"}, "neither VOTER_KEYS_SECRET_ID"},
		{"short plain secret", keyset.Cursor, map[string]string{"CURSOR_SECRET": "short"}, "CURSOR_SECRET: key set: key k0 is 5 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeSecrets{values: map[string]string{}}
			built := 0
			fetcher := func() Fetcher { built++; return f.fetch }
			src, err := keySource(tt.purpose, func(k string) string { return tt.env[k] }, fetcher, testOptions(&clock{t0}))
			var got string
			switch s := src.(type) {
			case *secretKeys:
				got = "secrets manager"
				if s.secretID != tt.env[keyVars[tt.purpose].secretID] {
					t.Errorf("secret id %q; want %q", s.secretID, tt.env[keyVars[tt.purpose].secretID])
				}
			case nil:
				got = err.Error()
			default:
				got = "static"
				set, err := src.Keys(context.Background())
				if err != nil || set.Purpose != tt.purpose || set.Current != "k0" {
					t.Errorf("static Keys = %+v, %v", set, err)
				}
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("keySource = %q; want %q", got, tt.want)
			}
			if f.count() != 0 {
				t.Errorf("choosing the source read %d secrets; want none", f.count())
			}
			if want := map[bool]int{true: 1, false: 0}[got == "secrets manager"]; built != want {
				t.Errorf("fetcher built %d times; want %d", built, want)
			}
		})
	}
}

// TestSecretKeysCached: nothing is read until keys are asked for; then one
// read, reused until keyset.CacheTTL has passed, when a rotated secret is
// picked up.
func TestSecretKeysCached(t *testing.T) {
	c := &clock{t0}
	first, second := newSet(t, keyset.Voter, t0), newSet(t, keyset.Voter, t0.Add(time.Hour))
	f := &fakeSecrets{values: map[string]string{"arn:voter": string(first.Marshal())}}
	s := &secretKeys{purpose: keyset.Voter, secretID: "arn:voter", fetch: f.fetch, now: c.now, log: slog.New(slog.DiscardHandler)}
	if f.count() != 0 {
		t.Fatal("a read before anything asked")
	}
	got, err := s.Keys(context.Background())
	if err != nil || got.Keys["k1"].Secret != first.Keys["k1"].Secret {
		t.Fatalf("Keys = %v, %v; want the first set", got, err)
	}
	f.set("arn:voter", string(second.Marshal()), nil) // rotated
	c.t = t0.Add(keyset.CacheTTL - time.Second)
	if got, _ := s.Keys(context.Background()); got.Keys["k1"].Secret != first.Keys["k1"].Secret || f.count() != 1 {
		t.Errorf("within the TTL: %d reads, set changed %v; want 1 read, the cached set", f.count(), got.Keys["k1"].Secret != first.Keys["k1"].Secret)
	}
	c.t = t0.Add(keyset.CacheTTL)
	if got, _ := s.Keys(context.Background()); got.Keys["k1"].Secret != second.Keys["k1"].Secret || f.count() != 2 {
		t.Errorf("after the TTL: %d reads, rotated set picked up %v; want 2 reads and the rotated set", f.count(), got.Keys["k1"].Secret == second.Keys["k1"].Secret)
	}
}

// TestSecretKeysFailure: a read that fails leaves a new instance without
// keys (EUNAVAILABLE, the value never in the message) and is tried again
// on the next request; an instance with keys keeps them and tries again
// after staleRetry.
func TestSecretKeysFailure(t *testing.T) {
	c := &clock{t0}
	set := newSet(t, keyset.Cursor, t0)
	f := &fakeSecrets{values: map[string]string{}}
	s := &secretKeys{purpose: keyset.Cursor, secretID: "arn:cursor", fetch: f.fetch, now: c.now, log: slog.New(slog.DiscardHandler)}

	f.set("", "", errors.New("dial tcp: i/o timeout"))
	for i := 1; i <= 2; i++ {
		if _, err := s.Keys(context.Background()); portal.ErrorCode(err) != portal.EUNAVAILABLE || f.count() != i {
			t.Fatalf("request %d while Secrets Manager is down: %v after %d reads; want EUNAVAILABLE after %d", i, err, f.count(), i)
		}
	}
	// Another purpose's seed and a malformed value are unavailable too,
	// and the error does not carry the value.
	for _, value := range []string{`{"purpose":"voter","seed":"SEEDVALUE0123456789"}`, `{"purpose":"cursor","current":"k1","keys":{"k1":{"secret":"SHORTVALUE"}}}`} {
		f.set("arn:cursor", value, nil)
		_, err := s.Keys(context.Background())
		if portal.ErrorCode(err) != portal.EUNAVAILABLE || strings.Contains(err.Error(), "VALUE") {
			t.Errorf("Keys on %s = %v; want EUNAVAILABLE without the value", value, err)
		}
	}
	f.set("arn:cursor", string(set.Marshal()), nil)
	if got, err := s.Keys(context.Background()); err != nil || got.Current != "k1" {
		t.Fatalf("once Secrets Manager answers: %v, %v; want the set", got, err)
	}

	reads := f.count()
	f.set("", "", errors.New("throttled"))
	c.t = t0.Add(keyset.CacheTTL)
	if got, err := s.Keys(context.Background()); err != nil || got.Current != "k1" || f.count() != reads+1 {
		t.Errorf("refresh failed: %v, %v after %d reads; want the old set after one more read", got, err, f.count()-reads)
	}
	c.t = c.t.Add(staleRetry - time.Second)
	if _, err := s.Keys(context.Background()); err != nil || f.count() != reads+1 {
		t.Errorf("within staleRetry: %v, %d reads; want no read", err, f.count()-reads)
	}
	c.t = c.t.Add(time.Second)
	if _, err := s.Keys(context.Background()); err != nil || f.count() != reads+2 {
		t.Errorf("after staleRetry: %v, %d reads; want one more read", err, f.count()-reads)
	}
}
