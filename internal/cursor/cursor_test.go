package cursor_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"maps"
	"strings"
	"testing"

	"eportal/internal/cursor"
)

func mustCodec(t *testing.T, secret string) *cursor.Codec {
	t.Helper()
	c, err := cursor.New([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRoundTrip(t *testing.T) {
	c := mustCodec(t, "0123456789abcdef0123456789abcdef")
	key := map[string]string{"PK": "ART#1", "SK": "LIST#ALL", "GSI1PK": "LIST#ALL", "GSI1SK": "2020-11-17T07:20:00Z#1"}
	got, err := c.Decode("LIST#ALL", c.Encode("LIST#ALL", key))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if !maps.Equal(got, key) {
		t.Errorf("Decode = %v; want %v", got, key)
	}
}

func TestDecodeRefuses(t *testing.T) {
	c := mustCodec(t, "0123456789abcdef0123456789abcdef")
	other := mustCodec(t, "another secret, just as long!!!!")
	key := map[string]string{"PK": "ART#1", "SK": "LIST#ALL"}
	good := c.Encode("LIST#ALL", key)
	kid, text, _ := strings.Cut(good, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(text)

	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		return kid + "." + base64.RawURLEncoding.EncodeToString(b)
	}
	forged := base64.RawURLEncoding.EncodeToString(append(make([]byte, 16), append([]byte(`{"v":1,"s":"LIST#ALL","k":{"PK":"ART#2","SK":"ART"}}`), make([]byte, 16)...)...))

	tests := []struct {
		name   string
		scope  string
		cursor string
	}{
		{"empty", "LIST#ALL", ""},
		{"not base64", "LIST#ALL", "%%%not-base64%%%"},
		{"too short", "LIST#ALL", "AAAA"},
		{"payload byte flipped", "LIST#ALL", flip(5)},
		{"mac byte flipped", "LIST#ALL", flip(len(raw) - 1)},
		{"truncated", "LIST#ALL", good[:len(good)-2]},
		{"other scope", "LIST#CAT#khoa-x", good},
		{"other secret", "LIST#ALL", other.Encode("LIST#ALL", key)},
		{"forged payload with zero mac", "LIST#ALL", forged},
		{"forged payload with zero mac and a key id", "LIST#ALL", kid + "." + forged},
		{"key id the set does not have", "LIST#ALL", "k9." + text},
		{"key id removed", "LIST#ALL", text},
		{"empty key id", "LIST#ALL", "." + text},
		{"too long", "LIST#ALL", strings.Repeat("A", cursor.MaxLen+1)},
		// Found by FuzzDecode: the base64 decoder skips CR and LF and
		// ignores the unused bits of the last character, so these decoded
		// to the good cursor's bytes.
		{"line feed inserted", "LIST#ALL", good[:10] + "\n" + good[10:]},
		{"line feed in the key id", "LIST#ALL", "k\n0." + text},
		{"carriage return appended", "LIST#ALL", good + "\r"},
		{"unused bits of the last character set", "LIST#ALL", good[:len(good)-1] + string(sibling(good[len(good)-1]))},
		{"empty key", "LIST#ALL", c.Encode("LIST#ALL", nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.Decode(tt.scope, tt.cursor); !errors.Is(err, cursor.ErrInvalid) {
				t.Errorf("Decode = %v; want ErrInvalid", err)
			}
		})
	}
}

// sibling returns another base64url character with the same top bits as c,
// which differs from c only in bits a 2- or 4-bit tail does not use.
func sibling(c byte) byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	return alphabet[strings.IndexByte(alphabet, c)^1]
}

func TestCursorHidesKey(t *testing.T) {
	c := mustCodec(t, "0123456789abcdef0123456789abcdef")
	a := c.Encode("LIST#ALL", map[string]string{"PK": "ART#expired-article"})
	raw := sealedBytes(t, a)
	if strings.Contains(string(raw), "expired-article") {
		t.Errorf("cursor %q shows its key in clear", a)
	}
}

// TestEncodeDeterministic: a list page's body, and so its ETag, must not
// change between two identical requests (a CDN revalidates with a 304).
func TestEncodeDeterministic(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef"
	c := mustCodec(t, secret)
	key := map[string]string{"PK": "ART#1", "SK": "LIST#ALL", "GSI1PK": "LIST#ALL", "GSI1SK": "2020-11-17T07:20:00Z#1"}
	same := map[string]string{}
	for _, k := range []string{"GSI1SK", "SK", "GSI1PK", "PK"} { // another insertion order
		same[k] = key[k]
	}
	a := c.Encode("LIST#ALL", key)
	if b := c.Encode("LIST#ALL", same); b != a {
		t.Errorf("Encode twice = %q, %q; want equal", a, b)
	}
	if b := mustCodec(t, secret).Encode("LIST#ALL", key); b != a {
		t.Errorf("Encode by a second codec of the same secret = %q; want %q", b, a)
	}

	other := maps.Clone(key)
	other["GSI1SK"] = "2020-11-17T07:20:00Z#2"
	differ := map[string]string{
		"other key":    c.Encode("LIST#ALL", other),
		"other scope":  c.Encode("LIST#CAT#khoa-xix", key),
		"other secret": mustCodec(t, "another secret, just as long!!!!").Encode("LIST#ALL", key),
	}
	for name, b := range differ {
		if b == a {
			t.Errorf("%s: cursor = %q, the same as the original's", name, b)
		}
	}
	// Same length and different IVs: no key stream is reused.
	ra, ro := sealedBytes(t, a), sealedBytes(t, differ["other key"])
	if string(ra[:16]) == string(ro[:16]) {
		t.Errorf("two positions share the IV %x", ra[:16])
	}
}

// sealedBytes returns the bytes of a cursor after its key id.
func sealedBytes(t *testing.T, cur string) []byte {
	t.Helper()
	_, text, ok := strings.Cut(cur, ".")
	raw, err := base64.RawURLEncoding.DecodeString(text)
	if !ok || err != nil {
		t.Fatalf("cursor %q is not <key id>.<base64>", cur)
	}
	return raw
}

// seal makes a cursor of the given key id, IV and payload with the keys New
// derives from secret, as an attacker who knew them, or an older version of
// the package, would: with kid "" the tag covers the sealed bytes alone and
// the cursor has no key id (version 2, and 1); a nil iv is the synthetic IV.
func seal(t *testing.T, secret, kid string, iv []byte, body string) string {
	t.Helper()
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(purpose))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(derive("eportal cursor encryption v1"))
	if err != nil {
		t.Fatal(err)
	}
	if iv == nil {
		m := hmac.New(sha256.New, derive("eportal cursor iv v2"))
		m.Write([]byte(body))
		iv = m.Sum(nil)[:16]
	}
	sealed := append(append([]byte(nil), iv...), make([]byte, len(body))...)
	cipher.NewCTR(block, iv).XORKeyStream(sealed[len(iv):], []byte(body))
	m := hmac.New(sha256.New, derive("eportal cursor mac v1"))
	prefix := ""
	if kid != "" {
		m.Write([]byte(kid + "\x00"))
		prefix = kid + "."
	}
	m.Write(sealed)
	return prefix + base64.RawURLEncoding.EncodeToString(append(sealed, m.Sum(nil)[:16]...))
}

// TestDecodeRefusesOtherEncodings: a cursor whose tag verifies but which
// Encode would not have made is refused: version 1's random IV, a payload
// that is not canonical, a payload under another IV, a version 2 payload
// under a key id or a version 3 one without.
func TestDecodeRefusesOtherEncodings(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef"
	c := mustCodec(t, secret)
	key := map[string]string{"PK": "ART#1", "SK": "LIST#ALL"}
	good := c.Encode("LIST#ALL", key)
	iv := sealedBytes(t, good)[:16]
	randomIV := bytes.Repeat([]byte{0x5a}, 16)

	// The test's sealing is the package's: it rebuilds the good cursor.
	if got := seal(t, secret, "k0", iv, `{"v":3,"s":"LIST#ALL","k":{"PK":"ART#1","SK":"LIST#ALL"}}`); got != good {
		t.Fatalf("seal = %q; want %q (the test no longer matches the format)", got, good)
	}
	tests := []struct{ name, cursor string }{
		{"version 1", seal(t, secret, "", randomIV, `{"v":1,"s":"LIST#ALL","k":{"PK":"ART#1","SK":"LIST#ALL"}}`)},
		{"version 2 with a random IV", seal(t, secret, "", randomIV, `{"v":2,"s":"LIST#ALL","k":{"PK":"ART#1","SK":"LIST#ALL"}}`)},
		{"version 3 with a random IV", seal(t, secret, "k0", randomIV, `{"v":3,"s":"LIST#ALL","k":{"PK":"ART#1","SK":"LIST#ALL"}}`)},
		{"version 2 under a key id", seal(t, secret, "k0", nil, `{"v":2,"s":"LIST#ALL","k":{"PK":"ART#1","SK":"LIST#ALL"}}`)},
		{"version 3 without a key id", seal(t, secret, "", nil, `{"v":3,"s":"LIST#ALL","k":{"PK":"ART#1","SK":"LIST#ALL"}}`)},
		{"keys out of order", seal(t, secret, "k0", iv, `{"v":3,"s":"LIST#ALL","k":{"SK":"LIST#ALL","PK":"ART#1"}}`)},
		{"white space", seal(t, secret, "k0", iv, `{"v":3, "s":"LIST#ALL","k":{"PK":"ART#1","SK":"LIST#ALL"}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.Decode("LIST#ALL", tt.cursor); !errors.Is(err, cursor.ErrInvalid) {
				t.Errorf("Decode = %v; want ErrInvalid", err)
			}
		})
	}
}

func TestNewRefusesShortSecret(t *testing.T) {
	if _, err := cursor.New([]byte("short")); err == nil {
		t.Error("New(short secret) = nil error; want an error")
	}
}
