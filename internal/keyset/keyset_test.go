package keyset_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"eportal/internal/keyset"
)

var t0 = time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)

// secrets returns a newSecret that gives "secret-1-……", "secret-2-……", …
func secrets() func() string {
	n := 0
	return func() string { n++; return fmt.Sprintf("secret-%d-%s", n, strings.Repeat("x", 32)) }
}

func mustRotate(t *testing.T, s *keyset.Set, at time.Time, gen func() string) *keyset.Set {
	t.Helper()
	out, err := keyset.Rotate(s, at, gen)
	if err != nil {
		t.Fatalf("Rotate at %s: %v", at, err)
	}
	return out
}

func TestInitAndRotate(t *testing.T) {
	gen := secrets()
	s, err := keyset.Init(keyset.Voter, []byte("the old AppSecret, 48 characters long, alnum..."), t0, gen)
	if err != nil {
		t.Fatal(err)
	}
	if s.Current != "k1" || s.Next != "k2" || s.Legacy != "k0" || !slices.Equal(s.IDs(), []string{"k0", "k1", "k2"}) {
		t.Fatalf("Init = current %s next %s legacy %s keys %v; want k1, k2, k0, [k0 k1 k2]", s.Current, s.Next, s.Legacy, s.IDs())
	}
	if s.Keys["k0"].Retired == nil || s.Keys["k1"].Retired != nil {
		t.Errorf("Init: k0 retired %v, k1 retired %v; want k0 retired, k1 not", s.Keys["k0"].Retired, s.Keys["k1"].Retired)
	}

	r := mustRotate(t, s, t0.Add(30*24*time.Hour), gen)
	if r.Current != "k2" || r.Next != "k3" || r.Keys["k1"].Retired == nil || r.Keys["k2"].Retired != nil {
		t.Errorf("after a rotation: current %s next %s, k1 retired %v; want k2, k3, k1 retired", r.Current, r.Next, r.Keys["k1"].Retired)
	}
	if s.Current != "k1" || len(s.Keys) != 3 {
		t.Errorf("Rotate changed its input: current %s, %d keys", s.Current, len(s.Keys))
	}
	// The secret survives a JSON round trip.
	back, err := keyset.Parse(keyset.Voter, r.Marshal())
	if err != nil {
		t.Fatalf("Parse(Marshal()): %v", err)
	}
	if back.Current != r.Current || back.Next != r.Next || back.Legacy != r.Legacy || !maps.EqualFunc(back.Keys, r.Keys, sameKey) {
		t.Errorf("Parse(Marshal()) = %+v; want %+v", back, r)
	}
}

func sameKey(a, b keyset.Key) bool {
	return a.Secret == b.Secret && a.Created.Equal(b.Created) && (a.Retired == nil) == (b.Retired == nil) &&
		(a.Retired == nil || a.Retired.Equal(*b.Retired))
}

// TestRotatePrunesByRetention: a voter key is kept 400 days (plus the cache
// TTL and a day) after it stopped signing, whatever the rotation schedule; a
// cursor key 30 days.
func TestRotatePrunesByRetention(t *testing.T) {
	for _, tt := range []struct {
		purpose string
		keep    time.Duration
	}{
		{keyset.Voter, keyset.VoterTokenLife},
		{keyset.Cursor, 30 * 24 * time.Hour},
	} {
		t.Run(tt.purpose, func(t *testing.T) {
			gen := secrets()
			s, _ := keyset.Init(tt.purpose, []byte("legacy secret of some length"), t0, gen)
			// Monthly rotations for two years: k1 stops signing at the first.
			at := t0
			retiredK1 := t0.Add(30 * 24 * time.Hour)
			for i := 0; i < 24; i++ {
				at = at.Add(30 * 24 * time.Hour)
				s = mustRotate(t, s, at, gen)
				_, hasK1 := s.Keys["k1"]
				_, hasK0 := s.Keys["k0"]
				if want := at.Sub(retiredK1) <= tt.keep; hasK1 != want {
					t.Errorf("%s after k1 retired: k1 kept = %v; want %v", at.Sub(retiredK1), hasK1, want)
				}
				if want := at.Sub(t0) <= tt.keep; hasK0 != want || (s.Legacy == "k0") != want {
					t.Errorf("%s after the legacy key retired: kept = %v, legacy = %q; want kept %v", at.Sub(t0), hasK0, s.Legacy, want)
				}
			}
			if len(s.Keys) > int(tt.keep/(30*24*time.Hour))+3 {
				t.Errorf("after 24 rotations %d keys remain: %v", len(s.Keys), s.IDs())
			}
		})
	}
	if got := keyset.Retention(keyset.Voter); got < keyset.VoterTokenLife+keyset.CacheTTL {
		t.Errorf("voter retention %s is shorter than a token's life plus the cache TTL", got)
	}
}

func TestRotateTooSoon(t *testing.T) {
	gen := secrets()
	s, _ := keyset.Init(keyset.Cursor, nil, t0, gen)
	if _, err := keyset.Rotate(s, t0.Add(keyset.MinPromoteAge-time.Second), gen); !errors.Is(err, keyset.ErrTooSoon) {
		t.Errorf("Rotate right after Init = %v; want ErrTooSoon", err)
	}
	if _, err := keyset.Rotate(s, t0.Add(keyset.MinPromoteAge), gen); err != nil {
		t.Errorf("Rotate MinPromoteAge after Init: %v", err)
	}
	if keyset.MinPromoteAge <= 2*keyset.CacheTTL {
		t.Errorf("MinPromoteAge %s must be well above the cache TTL %s", keyset.MinPromoteAge, keyset.CacheTTL)
	}
}

// TestRotateWithoutNext: a set edited by hand to have no next key gets one,
// and keeps signing with its current key.
func TestRotateWithoutNext(t *testing.T) {
	s, err := keyset.Parse(keyset.Cursor, []byte(`{"purpose":"cursor","current":"k7","keys":{"k7":{"secret":"0123456789abcdef0123","created":"2026-01-01T00:00:00Z"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	r := mustRotate(t, s, t0, secrets())
	if r.Current != "k7" || r.Next != "k8" {
		t.Errorf("Rotate = current %s next %s; want k7, k8", r.Current, r.Next)
	}
}

func TestParseRefuses(t *testing.T) {
	const k = `{"secret":"0123456789abcdef","created":"2026-01-01T00:00:00Z"}`
	tests := map[string]string{
		"short seed":       `{"purpose":"voter","seed":"abc"}`,
		"other purpose":    `{"purpose":"cursor","current":"k1","keys":{"k1":` + k + `}}`,
		"unknown field":    `{"purpose":"voter","current":"k1","keys":{"k1":` + k + `},"extra":1}`,
		"no current":       `{"purpose":"voter","keys":{"k1":` + k + `}}`,
		"current missing":  `{"purpose":"voter","current":"k2","keys":{"k1":` + k + `}}`,
		"next missing":     `{"purpose":"voter","current":"k1","next":"k2","keys":{"k1":` + k + `}}`,
		"legacy missing":   `{"purpose":"voter","current":"k1","legacy":"k0","keys":{"k1":` + k + `}}`,
		"next is current":  `{"purpose":"voter","current":"k1","next":"k1","keys":{"k1":` + k + `}}`,
		"bad id":           `{"purpose":"voter","current":"key1","keys":{"key1":` + k + `}}`,
		"leading zero id":  `{"purpose":"voter","current":"k01","keys":{"k01":` + k + `}}`,
		"short secret":     `{"purpose":"voter","current":"k1","keys":{"k1":{"secret":"short","created":"2026-01-01T00:00:00Z"}}}`,
		"trailing data":    `{"purpose":"voter","current":"k1","keys":{"k1":` + k + `}} {}`,
		"not JSON":         `0123456789abcdef0123456789abcdef`,
		"plain old secret": `AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKl`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if s, err := keyset.Parse(keyset.Voter, []byte(in)); err == nil {
				t.Errorf("Parse(%s) = %+v; want an error", in, s)
			}
		})
	}
}

func TestSingle(t *testing.T) {
	s, err := keyset.Single(keyset.Cursor, []byte("0123456789abcdef"))
	if err != nil || s.Current != "k0" || s.Legacy != "k0" {
		t.Fatalf("Single = %+v, %v; want k0 current and legacy", s, err)
	}
	if _, err := keyset.Single(keyset.Cursor, []byte("short")); err == nil {
		t.Error("Single(5 bytes) = nil error")
	}
}

// TestSeed: a seed is the set of one key, k1, from the first deploy, for
// cursors and voter tokens alike. The first rotation keeps the seed as k1,
// so what was made under the seed stays valid, and brings in the legacy key.
func TestSeed(t *testing.T) {
	const seed = "GeneratedByCloudFormation0123456789abcdefghijkl"
	cur, err := keyset.Parse(keyset.Cursor, []byte(`{"purpose":"cursor","seed":"`+seed+`"}`))
	if err != nil || cur.Current != "k1" || cur.Keys["k1"].Secret != seed || cur.Legacy != "" {
		t.Fatalf("Parse(cursor seed) = %+v, %v; want k1 = the seed", cur, err)
	}
	vot, err := keyset.Parse(keyset.Voter, []byte(`{"purpose":"voter","seed":"`+seed+`"}`))
	if err != nil || vot.Current != "k1" || vot.Keys["k1"].Secret != seed || vot.Legacy != "" {
		t.Fatalf("Parse(voter seed) = %+v, %v; want k1 = the seed", vot, err)
	}
	if _, err := keyset.Parse(keyset.Cursor, []byte(`{"purpose":"voter","seed":"`+seed+`"}`)); err == nil {
		t.Error("a voter seed parsed as a cursor key set")
	}
	for _, purpose := range []string{keyset.Cursor, keyset.Voter} {
		first, err := keyset.Next(purpose, []byte(`{"purpose":"`+purpose+`","seed":"`+seed+`"}`), []byte("the old AppSecret value........."), t0, secrets())
		if err != nil {
			t.Fatalf("Next(%s seed): %v", purpose, err)
		}
		if first.Current != "k1" || first.Keys["k1"].Secret != seed || first.Next != "k2" || first.Keys["k2"].Secret == seed ||
			first.Legacy != "k0" || first.Keys["k0"].Secret != "the old AppSecret value........." {
			t.Errorf("Next(%s seed) = %+v; want k1 the seed, k2 new and next, k0 the legacy secret", purpose, first)
		}
		again, err := keyset.Next(purpose, first.Marshal(), nil, t0.Add(30*24*time.Hour), secrets())
		if err != nil || again.Current != "k2" || again.Next != "k3" || again.Legacy != "k0" {
			t.Errorf("Next(first set) = %+v, %v; want k2 current, k3 next, legacy kept", again, err)
		}
	}
}
