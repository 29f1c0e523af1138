// Package voter issues and verifies the voter tokens of opinion polls and
// computes the keyed hashes that tell voters apart without storing who they
// are.
//
// A voter token is minted by the API (never by the client): 16 random bytes
// (the voter's id) and the time it was issued, authenticated with an
// HMAC-SHA256 tag under a key derived from the deployment's secret. The
// table only ever holds a hash of the id, so a leaked table holds no usable
// token. A source address is hashed with the poll's own random key (see
// AddressHash), which is deleted when the poll closes.
package voter

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"eportal/internal/portal"
)

// MaxAge is how long a token is accepted after it was issued.
const MaxAge = 400 * 24 * time.Hour

// Header and Cookie name the places a client sends its token: apps in the
// header, web pages in the cookie (or the header, when the API is on another
// site than the page).
const (
	Header = "X-Voter-Token"
	Cookie = "eportal_voter"
)

// SetCookie returns the Set-Cookie value that keeps token in a browser: the
// cookie Cookie for the whole site (Path=/, so the reader site's poll pages
// under /binh-chon see it as well as the API's /polls routes), for the
// token's MaxAge, out of scripts' reach (HttpOnly), over HTTPS only, and not
// sent on cross-site subrequests or POSTs (SameSite=Lax). Every response that
// issues a token sets the cookie with it.
func SetCookie(token string) string {
	return Cookie + "=" + token + "; Path=/; Max-Age=" + strconv.Itoa(int(MaxAge.Seconds())) +
		"; HttpOnly; Secure; SameSite=Lax"
}

const (
	idLen     = 16
	macLen    = 16 // bytes of HMAC-SHA256 kept: 128 bits
	prefix    = "v1."
	payloadB  = idLen + 8
	tokenLen  = len(prefix) + 32 + 1 + 22 // base64url of 24 and 16 bytes, no padding
	purposeV1 = "eportal voter token v1"
)

var b64 = base64.RawURLEncoding

// ID is a verified voter's identity: the hash of its token's id, safe to
// store.
type ID string

// Signer issues and verifies tokens. It is safe for concurrent use.
type Signer struct {
	key []byte
}

// NewSigner returns a Signer keyed from secret (at least 16 bytes) with a
// purpose label, so the same deployment secret can key other MACs (list
// cursors) without one being usable for the other.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < 16 {
		return nil, fmt.Errorf("voter token secret is %d bytes; need at least 16", len(secret))
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purposeV1))
	return &Signer{key: m.Sum(nil)}, nil
}

// Issue returns a new token issued at now and its ID.
func (s *Signer) Issue(now time.Time) (string, ID) {
	var id [idLen]byte
	_, _ = rand.Read(id[:]) // never fails on Linux
	return s.sign(id, now), idOf(id[:])
}

// sign returns the token of id issued at now.
func (s *Signer) sign(id [idLen]byte, now time.Time) string {
	var payload [payloadB]byte
	copy(payload[:], id[:])
	binary.BigEndian.PutUint64(payload[idLen:], uint64(now.Unix()))
	return prefix + b64.EncodeToString(payload[:]) + "." + b64.EncodeToString(s.mac(payload[:]))
}

// Verify returns the ID of token. A token that is malformed, was not issued
// with this key, was altered, or is older than MaxAge (or issued in the
// future) is an EINVALID error: the client must drop it.
func (s *Signer) Verify(token string, now time.Time) (ID, error) {
	bad := portal.Errorf(portal.EINVALID, "The voter token is invalid; vote without it to get a new one.")
	if len(token) != tokenLen || !strings.HasPrefix(token, prefix) {
		return "", bad
	}
	p, m, ok := strings.Cut(token[len(prefix):], ".")
	if !ok {
		return "", bad
	}
	payload, err1 := b64.DecodeString(p)
	mac, err2 := b64.DecodeString(m)
	if err1 != nil || err2 != nil || len(payload) != payloadB || len(mac) != macLen {
		return "", bad
	}
	// The decoder ignores the unused low bits of the tag's last character
	// (and skips CR and LF): only the spelling Issue wrote is the token.
	if b64.EncodeToString(payload) != p || b64.EncodeToString(mac) != m {
		return "", bad
	}
	if !hmac.Equal(mac, s.mac(payload)) {
		return "", bad
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(payload[idLen:])), 0)
	if now.Sub(issued) > MaxAge || issued.After(now.Add(time.Minute)) {
		return "", bad
	}
	return idOf(payload[:idLen]), nil
}

func (s *Signer) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(payload)
	return m.Sum(nil)[:macLen]
}

func idOf(raw []byte) ID {
	sum := sha256.Sum256(raw)
	return ID(hex.EncodeToString(sum[:16]))
}

// NewAddressKey returns a fresh random key for a poll's address hashes.
func NewAddressKey() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}

// AddressHash is the keyed hash that stands for one browser at one network
// address in one poll: HMAC-SHA256 under the poll's key of the source IP and
// the User-Agent. Neither is stored; once the poll closes its key is deleted
// and the hash can no longer be tied to an address, even by whoever holds the
// deployment's secrets.
func AddressHash(key []byte, ip, userAgent string) string {
	return keyed(key, "ip+ua\n"+ip+"\n"+userAgent)
}

// NetworkHash is the keyed hash of the source IP alone, for the per-address
// vote cap (a script can change its User-Agent at will, not its address).
func NetworkHash(key []byte, ip string) string {
	return keyed(key, "ip\n"+ip)
}

func keyed(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil)[:16])
}
