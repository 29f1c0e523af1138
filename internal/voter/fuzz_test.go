package voter

import (
	"strings"
	"testing"
	"time"

	"eportal/internal/portal"
)

// FuzzVerify feeds Verify arbitrary tokens at times around their issue.
// It must never panic, must refuse with EINVALID only, and must accept only
// a token the signer made (here: the seeds, signed as Issue signs, with
// fixed ids so that every fuzzing process knows the same tokens), within
// its lifetime.
func FuzzVerify(f *testing.F) {
	s, err := NewSigner([]byte("a deployment secret of 32 bytes!"))
	if err != nil {
		f.Fatal(err)
	}
	issuedAt := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	issued := map[string]ID{}
	for i := range 3 {
		var id [idLen]byte
		copy(id[:], strings.Repeat(string(rune('a'+i)), idLen))
		tok := s.sign(id, issuedAt)
		issued[tok] = idOf(id[:])
		f.Add(tok, int64(0))
		f.Add(tok, int64(MaxAge/time.Second))
		f.Add(tok, int64(-61))
		f.Add(tok[:len(tok)-1], int64(0))
		f.Add(strings.Replace(tok, ".", "", 1)+"A", int64(0))
	}
	f.Add("", int64(0))
	f.Add("v1.", int64(0))
	f.Add("v1."+strings.Repeat("A", 32)+"."+strings.Repeat("A", 22), int64(0))
	f.Fuzz(func(t *testing.T, token string, sinceIssue int64) {
		at := issuedAt.Add(time.Duration(sinceIssue) * time.Second)
		id, err := s.Verify(token, at)
		if err != nil {
			if code := portal.ErrorCode(err); code != portal.EINVALID {
				t.Fatalf("Verify(%q) = %v (code %q); want EINVALID", token, err, code)
			}
			return
		}
		want, ok := issued[token]
		if !ok {
			t.Fatalf("Verify(%q) = %q; accepted a token the signer did not make", token, id)
		}
		if id != want {
			t.Fatalf("Verify(%q) = %q; want %q", token, id, want)
		}
		if age := at.Sub(issuedAt); age > MaxAge || age < -time.Minute {
			t.Fatalf("Verify(%q) accepted at %s, %s after issue", token, at, age)
		}
	})
}
