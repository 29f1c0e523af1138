package voter_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"eportal/internal/portal"
	"eportal/internal/voter"
)

var now = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func mustSigner(t *testing.T, secret string) *voter.Signer {
	t.Helper()
	s, err := voter.NewSigner([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestIssueVerify(t *testing.T) {
	s := mustSigner(t, "a deployment secret of 32 bytes!")
	tok, id := s.Issue(now)
	got, err := s.Verify(tok, now.Add(time.Hour))
	if err != nil || got != id {
		t.Fatalf("Verify(Issue()) = %q, %v; want %q", got, err, id)
	}
	tok2, id2 := s.Issue(now)
	if tok2 == tok || id2 == id {
		t.Errorf("two tokens are equal: %s", tok)
	}
	if strings.Contains(string(id), tok[3:10]) {
		t.Errorf("the ID %s shows the token's id", id)
	}
}

func TestVerifyRefuses(t *testing.T) {
	s := mustSigner(t, "a deployment secret of 32 bytes!")
	other := mustSigner(t, "another secret, also 32 bytes!!!")
	tok, _ := s.Issue(now)
	foreign, _ := other.Issue(now)
	flip := func(tok string, i int) string {
		b := []byte(tok)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	tests := map[string]string{
		"empty":                   "",
		"garbage":                 "hello",
		"other key":               foreign,
		"payload altered":         flip(tok, 5),
		"mac altered":             flip(tok, len(tok)-3),
		"no version":              tok[3:],
		"wrong version":           "v3" + tok[2:],
		"v1 prefix on a v2 token": "v1" + tok[2:],
		"key id unknown":          strings.Replace(tok, "v2.k0.", "v2.k7.", 1),
		"key id dropped":          "v2." + tok[6:],
		"key id as v1":            "v1." + tok[6:],
		"truncated":               tok[:len(tok)-1],
		"extra byte":              tok + "A",
		"padding":                 tok[:len(tok)-2] + "==",
		"dot moved":               strings.Replace(tok, ".", "", 1)[:len(tok)-1] + ".",
		"non-ASCII":               tok[:10] + "é" + tok[12:],
		"whitespace":              " " + tok[1:],
		// Found by FuzzVerify: the tag's last character carries 4 unused
		// bits, which the decoder ignored, so 16 spellings verified.
		"unused bits of the tag set": tok[:len(tok)-1] + string(sibling(tok[len(tok)-1])),
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := s.Verify(in, now); portal.ErrorCode(err) != portal.EINVALID {
				t.Errorf("Verify(%q) = %v; want an %s error", in, err, portal.EINVALID)
			}
		})
	}
	if _, err := s.Verify(tok, now.Add(voter.MaxAge+time.Second)); err == nil {
		t.Error("a token older than MaxAge verified")
	}
	if _, err := s.Verify(tok, now.Add(-time.Hour)); err == nil {
		t.Error("a token issued in the future verified")
	}
}

// sibling returns another base64url character with the same top bits as c.
func sibling(c byte) byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	return alphabet[strings.IndexByte(alphabet, c)^1]
}

// TestSetCookie: the cookie a browser keeps the token in reaches every path
// of the site (the API's /polls and the reader site's /binh-chon pages),
// under the base path when there is one,
// lives as long as the token, and is HttpOnly, Secure and SameSite=Lax.
func TestSetCookie(t *testing.T) {
	tok, _ := mustSigner(t, "a deployment secret of 32 bytes!").Issue(now)
	for base, path := range map[string]string{"": "/", "/tin-tuc": "/tin-tuc/"} {
		line := voter.SetCookie(tok, base)
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("ParseSetCookie(%q): %v", line, err)
		}
		if c.Name != voter.Cookie || c.Value != tok || c.Path != path || c.MaxAge != int(voter.MaxAge.Seconds()) ||
			!c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Domain != "" || !c.Expires.IsZero() {
			t.Errorf("SetCookie(base path %q) = %q; parsed %+v", base, line, c)
		}
	}
}

func TestNewSignerShortSecret(t *testing.T) {
	if _, err := voter.NewSigner([]byte("short")); err == nil {
		t.Error("NewSigner accepted a 5-byte secret")
	}
}

func TestAddressHash(t *testing.T) {
	k1, k2 := voter.NewAddressKey(), voter.NewAddressKey()
	a := voter.AddressHash(k1, "113.161.72.15", "Mozilla/5.0")
	if a != voter.AddressHash(k1, "113.161.72.15", "Mozilla/5.0") {
		t.Error("AddressHash is not deterministic")
	}
	for name, other := range map[string]string{
		"other key": voter.AddressHash(k2, "113.161.72.15", "Mozilla/5.0"),
		"other ip":  voter.AddressHash(k1, "113.161.72.16", "Mozilla/5.0"),
		"other ua":  voter.AddressHash(k1, "113.161.72.15", "Mozilla/5.1"),
		"shifted":   voter.AddressHash(k1, "113.161.72.15\nMozilla/5.0", ""),
		"network":   voter.NetworkHash(k1, "113.161.72.15"),
	} {
		if other == a {
			t.Errorf("%s: same hash %s", name, a)
		}
	}
}
