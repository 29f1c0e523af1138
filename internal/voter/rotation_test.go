package voter_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"eportal/internal/keyset"
	"eportal/internal/portal"
	"eportal/internal/voter"
)

// source is a keyset.Source whose set a test replaces, as a rotation of the
// secret would.
type source struct{ set atomic.Pointer[keyset.Set] }

func (s *source) Keys(context.Context) (*keyset.Set, error) { return s.set.Load(), nil }

const oldSecret = "the deployment's old AppSecret, 48 characters..."

// v1Token was issued by the code before key ids (commit 5337cd2's
// voter.NewSigner(oldSecret), id "0123456789abcdef", at
// 2026-11-20T08:30:00Z); v1ID is its ID.
const (
	v1Token = "v1.MDEyMzQ1Njc4OWFiY2RlZgAAAABrAAUI.zuIHW5bnHpSpR8wihHw-_Q"
	v1ID    = voter.ID("9f9f5111f7b27a781f1f1ddde5ebc2dd")
)

var v1Issued = time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)

// TestTokensAcrossRotations: monthly rotations for two years. A token
// issued under k1 verifies for its whole MaxAge although k1 stops signing a
// month later; a token issued before key ids verifies under the legacy key
// for its whole MaxAge too. Once a key is pruned, its tokens (all past
// MaxAge by then) are refused.
func TestTokensAcrossRotations(t *testing.T) {
	n := 0
	newSecret := func() string { n++; return strings.Repeat(string(rune('a'+n%26)), 32) }
	deploy := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	set, err := keyset.Init(keyset.Voter, []byte(oldSecret), deploy, newSecret)
	if err != nil {
		t.Fatal(err)
	}
	src := &source{}
	src.set.Store(set)
	s := voter.NewSignerFrom(src)
	if err := s.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if id, err := s.Verify(v1Token, deploy); err != nil || id != v1ID {
		t.Fatalf("the pre-key-id token: Verify = %q, %v; want %q", id, err, v1ID)
	}
	lastOfK1 := deploy.Add(29 * 24 * time.Hour) // issued the day before k1 stops signing
	tok, id := s.Issue(lastOfK1)
	if !strings.HasPrefix(tok, "v2.k1.") {
		t.Fatalf("Issue = %q; want a token under k1", tok)
	}

	at := deploy
	for month := 1; month <= 24; month++ {
		at = at.Add(30 * 24 * time.Hour)
		next, err := keyset.Rotate(src.set.Load(), at, newSecret)
		if err != nil {
			t.Fatal(err)
		}
		src.set.Store(next)
		if err := s.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		// Every day of this month: both tokens verify exactly while young
		// enough.
		for day := at; day.Before(at.Add(30 * 24 * time.Hour)); day = day.Add(24 * time.Hour) {
			got, err := s.Verify(tok, day)
			if want := day.Sub(lastOfK1) <= voter.MaxAge; (err == nil && got == id) != want {
				t.Fatalf("k1 token at %s (age %s, k1 kept %v): Verify = %q, %v; want valid %v",
					day.Format(time.DateOnly), day.Sub(lastOfK1), hasKey(src, "k1"), got, err, want)
			}
			got, err = s.Verify(v1Token, day)
			if want := day.Sub(v1Issued) <= voter.MaxAge; (err == nil && got == v1ID) != want {
				t.Fatalf("v1 token at %s (age %s): Verify = %q, %v; want valid %v", day.Format(time.DateOnly), day.Sub(v1Issued), got, err, want)
			}
		}
	}
	if hasKey(src, "k1") || hasKey(src, "k0") {
		t.Errorf("after two years k0 or k1 is still kept: %v", src.set.Load().IDs())
	}
	if cur := src.set.Load().Current; !strings.HasPrefix(issue(s, at), "v2."+cur+".") {
		t.Errorf("new tokens are not issued under the current key %s", cur)
	}
}

func hasKey(src *source, id string) bool { _, ok := src.set.Load().Keys[id]; return ok }

// TestPrunedKeyRefused: a token whose key the set no longer has is refused,
// even within MaxAge (the set was edited by hand to drop it).
func TestPrunedKeyRefused(t *testing.T) {
	a, _ := keyset.Parse(keyset.Voter, []byte(`{"purpose":"voter","current":"k1","next":"k2","keys":{
		"k1":{"secret":"first key, 32 bytes long.......","created":"2026-01-01T00:00:00Z"},
		"k2":{"secret":"second key, 32 bytes long......","created":"2026-01-01T00:00:00Z"}}}`))
	b, _ := keyset.Parse(keyset.Voter, []byte(`{"purpose":"voter","current":"k2","keys":{
		"k2":{"secret":"second key, 32 bytes long......","created":"2026-01-01T00:00:00Z"}}}`))
	src := &source{}
	src.set.Store(a)
	s := voter.NewSignerFrom(src)
	_ = s.Load(context.Background())
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	tok, _ := s.Issue(now)
	src.set.Store(b)
	_ = s.Load(context.Background())
	if _, err := s.Verify(tok, now); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("Verify of a token under a pruned key = %v; want EINVALID", err)
	}
	if _, err := s.Verify(v1Token, v1Issued); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("Verify of a v1 token by a set without a legacy key = %v; want EINVALID", err)
	}
}

// TestSignerLoad: a source with nothing to give makes Load fail with its
// error; a cursor key set is refused (the purposes never share keys).
func TestSignerLoad(t *testing.T) {
	down := errors.New("secret unavailable")
	if err := voter.NewSignerFrom(failing{down}).Load(context.Background()); !errors.Is(err, down) {
		t.Errorf("Load = %v; want the source's error", err)
	}
	cursors, _ := keyset.Single(keyset.Cursor, []byte("0123456789abcdef0123"))
	if err := voter.NewSignerFrom(keyset.Static(cursors)).Load(context.Background()); err == nil {
		t.Error("Load accepted a cursor key set")
	}
}

type failing struct{ err error }

func (f failing) Keys(context.Context) (*keyset.Set, error) { return nil, f.err }

func issue(s *voter.Signer, at time.Time) string { tok, _ := s.Issue(at); return tok }
