package cursor_test

import (
	"context"
	"errors"
	"maps"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"eportal/internal/cursor"
	"eportal/internal/keyset"
)

// source is a keyset.Source whose set a test replaces, as a rotation of the
// secret would.
type source struct{ set atomic.Pointer[keyset.Set] }

func (s *source) Keys(context.Context) (*keyset.Set, error) { return s.set.Load(), nil }

var (
	t0  = time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	gen = func() func() string {
		n := 0
		return func() string { n++; return strings.Repeat(string(rune('a'+n%26)), 32) }
	}
)

const legacySecret = "the deployment's old AppSecret, 48 characters..."

func mustLoad(t *testing.T, c *cursor.Codec) {
	t.Helper()
	if err := c.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestCursorsAcrossRotations: a cursor made under k1 reads after k2 becomes
// current and until k1 is pruned (30 days after it stopped signing), then
// is refused; new cursors name the current key; a version 2 cursor (no key
// id, made with the old secret) reads under the legacy key while the set
// keeps it.
func TestCursorsAcrossRotations(t *testing.T) {
	newSecret := gen()
	set, err := keyset.Init(keyset.Cursor, []byte(legacySecret), t0, newSecret)
	if err != nil {
		t.Fatal(err)
	}
	src := &source{}
	src.set.Store(set)
	c := cursor.NewFrom(src)
	mustLoad(t, c)

	key := map[string]string{"PK": "ART#1", "SK": "LIST#ALL"}
	under1 := c.Encode("LIST#ALL", key)
	if !strings.HasPrefix(under1, "k1.") {
		t.Fatalf("cursor %q does not name k1", under1)
	}
	old := seal(t, legacySecret, "", nil, `{"v":2,"s":"LIST#ALL","k":{"PK":"ART#1","SK":"LIST#ALL"}}`)
	decodes := func(cur string) bool {
		got, err := c.Decode("LIST#ALL", cur)
		if err != nil && !errors.Is(err, cursor.ErrInvalid) {
			t.Fatalf("Decode: %v", err)
		}
		return err == nil && maps.Equal(got, key)
	}
	if !decodes(old) {
		t.Fatal("a version 2 cursor of the legacy secret does not decode")
	}

	at := t0.Add(24 * time.Hour)
	rotated, err := keyset.Rotate(set, at, newSecret)
	if err != nil {
		t.Fatal(err)
	}
	src.set.Store(rotated)
	mustLoad(t, c)
	under2 := c.Encode("LIST#ALL", key)
	if !strings.HasPrefix(under2, "k2.") || under2 == under1 {
		t.Errorf("after the rotation Encode = %q; want a k2 cursor", under2)
	}
	if !decodes(under1) || !decodes(under2) || !decodes(old) {
		t.Errorf("after the rotation: k1 cursor %v, k2 cursor %v, legacy %v; want all to decode", decodes(under1), decodes(under2), decodes(old))
	}

	// Daily rotations: k1 retired at `at`, pruned once 30 days have passed.
	for day := 1; day <= 31; day++ {
		next, err := keyset.Rotate(src.set.Load(), at.Add(time.Duration(day)*24*time.Hour), newSecret)
		if err != nil {
			t.Fatal(err)
		}
		src.set.Store(next)
		mustLoad(t, c)
		if want := day <= 30; decodes(under1) != want {
			t.Errorf("day %d after k1 retired: k1 cursor decodes = %v; want %v", day, !want, want)
		}
	}
	if decodes(old) {
		t.Error("the legacy cursor still decodes after its key was pruned")
	}
}

// TestLoad: a source with nothing to give makes Load fail with its error;
// the codec keeps the keys of its last successful Load; a voter key set is
// refused (the two purposes never share keys).
func TestLoad(t *testing.T) {
	unavailable := errors.New("secret unavailable")
	failing := cursor.NewFrom(failingSource{unavailable})
	if err := failing.Load(context.Background()); !errors.Is(err, unavailable) {
		t.Errorf("Load = %v; want the source's error", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Encode before a successful Load did not panic")
			}
		}()
		failing.Encode("LIST#ALL", map[string]string{"PK": "x"})
	}()

	voters, _ := keyset.Single(keyset.Voter, []byte("0123456789abcdef0123"))
	if err := cursor.NewFrom(keyset.Static(voters)).Load(context.Background()); err == nil {
		t.Error("Load accepted a voter key set")
	}
}

type failingSource struct{ err error }

func (f failingSource) Keys(context.Context) (*keyset.Set, error) { return nil, f.err }
