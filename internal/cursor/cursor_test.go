package cursor_test

import (
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
	raw, _ := base64.RawURLEncoding.DecodeString(good)

	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		return base64.RawURLEncoding.EncodeToString(b)
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
		{"too long", "LIST#ALL", strings.Repeat("A", cursor.MaxLen+1)},
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

func TestCursorHidesKey(t *testing.T) {
	c := mustCodec(t, "0123456789abcdef0123456789abcdef")
	a := c.Encode("LIST#ALL", map[string]string{"PK": "ART#expired-article"})
	raw, _ := base64.RawURLEncoding.DecodeString(a)
	if strings.Contains(string(raw), "expired-article") {
		t.Errorf("cursor %q shows its key in clear", a)
	}
	if b := c.Encode("LIST#ALL", map[string]string{"PK": "ART#expired-article"}); a == b {
		t.Error("two cursors for the same key are equal; want a fresh IV each time")
	}
}

func TestNewRefusesShortSecret(t *testing.T) {
	if _, err := cursor.New([]byte("short")); err == nil {
		t.Error("New(short secret) = nil error; want an error")
	}
}
