package cursor_test

import (
	"errors"
	"maps"
	"testing"
	"unicode/utf8"

	"eportal/internal/cursor"
)

const fuzzSecret = "0123456789abcdef0123456789abcdef"

// fuzzSeeds are cursors of real lists, made by Encode.
func fuzzSeeds(c *cursor.Codec) map[string]string {
	return map[string]string{
		"LIST#ALL":          c.Encode("LIST#ALL", map[string]string{"PK": "ART#1", "SK": "LIST#ALL", "GSI1PK": "LIST#ALL", "GSI1SK": "2020-11-17T07:20:00Z#1"}),
		"LIST#CAT#khoa-xix": c.Encode("LIST#CAT#khoa-xix", map[string]string{"PK": "ART#x1", "SK": "LIST#CAT#khoa-xix"}),
		"REV#a1":            c.Encode("REV#a1", map[string]string{"PK": "ART#a1", "SK": "REV#0000000003"}),
	}
}

// FuzzDecode feeds Decode arbitrary cursors. It must never panic, must
// refuse with ErrInvalid only, and must accept only what Encode made: a
// cursor it accepts is exactly the one Encode gives for the key it returns
// (one position, one cursor).
func FuzzDecode(f *testing.F) {
	c := mustCodec(&testing.T{}, fuzzSecret)
	for scope, cur := range fuzzSeeds(c) {
		f.Add(scope, cur)
		f.Add(scope, cur[:len(cur)-1])
		f.Add("LIST#ALL", cur)
	}
	f.Add("LIST#ALL", "")
	f.Add("LIST#ALL", "%%%not-base64%%%")
	f.Fuzz(func(t *testing.T, scope, cur string) {
		key, err := c.Decode(scope, cur)
		if err != nil {
			if !errors.Is(err, cursor.ErrInvalid) {
				t.Fatalf("Decode(%q, %q) = %v; want ErrInvalid", scope, cur, err)
			}
			return
		}
		if len(key) == 0 {
			t.Fatalf("Decode(%q, %q) accepted an empty key", scope, cur)
		}
		if again := c.Encode(scope, key); again != cur {
			t.Fatalf("Decode(%q, %q) accepted a cursor Encode did not make: Encode(%q, %v) = %q", scope, cur, scope, key, again)
		}
	})
}

// FuzzRoundTrip encodes arbitrary keys: Decode gives the key back under the
// same scope, and refuses the cursor under any other. DynamoDB strings are
// UTF-8, and a cursor longer than MaxLen is refused by design; neither comes
// from a real key.
func FuzzRoundTrip(f *testing.F) {
	c := mustCodec(&testing.T{}, fuzzSecret)
	f.Add("LIST#ALL", "PK", "ART#1", "GSI1SK", "2020-11-17T07:20:00Z#1", "LIST#CAT#khoa-xix")
	f.Add("LIST#CAT#khoa-xix", "PK", "ART#x1", "SK", "LIST#CAT#khoa-xix", "LIST#ALL")
	f.Add("", "", "", "SK", "<>&\u2028\"\\", "x")
	f.Fuzz(func(t *testing.T, scope, n1, v1, n2, v2, otherScope string) {
		key := map[string]string{n1: v1, n2: v2}
		for _, s := range []string{scope, n1, v1, n2, v2} {
			if !utf8.ValidString(s) {
				return // not UTF-8
			}
		}
		cur := c.Encode(scope, key)
		if len(cur) > cursor.MaxLen {
			return // longer than MaxLen
		}
		if again := c.Encode(scope, maps.Clone(key)); again != cur {
			t.Fatalf("Encode twice = %q, %q", cur, again)
		}
		got, err := c.Decode(scope, cur)
		if err != nil || !maps.Equal(got, key) {
			t.Fatalf("Decode(Encode(%q, %v)) = %v, %v", scope, key, got, err)
		}
		if otherScope != scope {
			if _, err := c.Decode(otherScope, cur); !errors.Is(err, cursor.ErrInvalid) {
				t.Fatalf("cursor of %q decoded under %q: %v", scope, otherScope, err)
			}
		}
	})
}
