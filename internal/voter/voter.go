// Package voter issues and verifies the voter tokens of opinion polls and
// computes the keyed hashes that tell voters apart without storing who they
// are.
//
// A voter token is minted by the API (never by the client): 16 random bytes
// (the voter's id) and the time it was issued, authenticated with an
// HMAC-SHA256 tag under a key derived from a voter key (package keyset; a
// key set of its own, apart from the cursors'). The token names its key
// ("v2.k3.<payload>.<tag>"), so it verifies for its whole MaxAge across
// rotations: the set keeps a key that long after it stopped signing. A
// token without a key id ("v1.<payload>.<tag>", made before key ids) is
// verified with the set's legacy key. The table only ever holds a hash of
// the id, so a leaked table holds no usable token. A source address is hashed with the poll's own random key (see
// AddressHash), which is deleted when the poll closes.
package voter

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"eportal/internal/keyset"
	"eportal/internal/portal"
)

// MaxAge is how long a token is accepted after it was issued.
const MaxAge = keyset.VoterTokenLife

// Header and Cookie name the places a client sends its token: apps in the
// header, web pages in the cookie (or the header, when the API is on another
// site than the page).
const (
	Header = "X-Voter-Token"
	Cookie = "eportal_voter"
)

// SetCookie returns the Set-Cookie value that keeps token in a browser: the
// cookie Cookie for the whole site (Path=basePath+"/", "/" when the site is
// served at the root, so the reader site's poll pages under /binh-chon see
// it as well as the API's /polls routes), for the token's MaxAge, out of
// scripts' reach (HttpOnly), over HTTPS only, and not sent on cross-site
// subrequests or POSTs (SameSite=Lax). Every response that issues a token
// sets the cookie with it. basePath is the public path prefix ("" or
// "/tin-tuc", lambdaenv's BASE_PATH).
func SetCookie(token, basePath string) string {
	return Cookie + "=" + token + "; Path=" + basePath + "/; Max-Age=" + strconv.Itoa(int(MaxAge.Seconds())) +
		"; HttpOnly; Secure; SameSite=Lax"
}

// FromCookies returns the value of the voter cookie among a payload-2.0
// request's cookies ("name=value" each), or "" when there is none.
func FromCookies(cookies []string) string {
	for _, c := range cookies {
		if name, value, ok := strings.Cut(strings.TrimSpace(c), "="); ok && name == Cookie {
			return value
		}
	}
	return ""
}

const (
	idLen     = 16
	macLen    = 16 // bytes of HMAC-SHA256 kept: 128 bits
	prefixV1  = "v1."
	prefixV2  = "v2."
	payloadB  = idLen + 8
	bodyLen   = 32 + 1 + 22 // base64url of 24 and 16 bytes, no padding, and the dot
	tokenLen1 = len(prefixV1) + bodyLen
	maxKeyID  = 11 // "k" and up to 10 digits
	purposeV1 = "eportal voter token v1"
)

var b64 = base64.RawURLEncoding

// ID is a verified voter's identity: the hash of its token's id, safe to
// store.
type ID string

// Signer issues and verifies tokens. It is safe for concurrent use.
type Signer struct {
	src   keyset.Source
	state atomic.Pointer[state]
}

// state is the keys of one key set, derived for use.
type state struct {
	set     *keyset.Set
	current string
	byID    map[string][]byte
}

// NewSigner returns a Signer keyed from secret alone (at least 16 bytes;
// keyset.Single: key "k0", which also verifies the "v1." tokens this secret
// made before key ids). It needs no Load.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < keyset.MinSecretLen {
		return nil, fmt.Errorf("voter token secret is %d bytes; need at least %d", len(secret), keyset.MinSecretLen)
	}
	set, err := keyset.Single(keyset.Voter, secret)
	if err != nil {
		return nil, fmt.Errorf("voter token secret: %w", err)
	}
	s := NewSignerFrom(keyset.Static(set))
	if err := s.Load(context.Background()); err != nil {
		return nil, err
	}
	return s, nil
}

// NewSignerFrom returns a Signer whose keys come from src. It reads
// nothing: Load must succeed before Issue or Verify are used.
func NewSignerFrom(src keyset.Source) *Signer { return &Signer{src: src} }

// Load takes the key set src gives now (src decides when to read it again)
// and returns src's error when it has none to give: a handler answers 503
// then, and must not treat the token as invalid (the voter would be given a
// new one and could vote twice). Issue and Verify use the set of the last
// successful Load.
func (s *Signer) Load(ctx context.Context) error {
	set, err := s.src.Keys(ctx)
	if err != nil {
		return err
	}
	if st := s.state.Load(); st != nil && st.set == set {
		return nil
	}
	if set.Purpose != keyset.Voter {
		return fmt.Errorf("voter: a key set for %q", set.Purpose)
	}
	st := &state{set: set, current: set.Current, byID: map[string][]byte{}}
	for _, id := range set.IDs() {
		secret, _ := set.Secret(id)
		// A purpose label, so the secret could key other MACs without one
		// being usable for the other.
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(purposeV1))
		st.byID[id] = m.Sum(nil)
	}
	if set.Legacy != "" {
		st.byID[""] = st.byID[set.Legacy] // "v1." tokens name no key
	}
	s.state.Store(st)
	return nil
}

func (s *Signer) keys() *state {
	st := s.state.Load()
	if st == nil {
		// A caller that skipped Load: a bug, not a condition of the world.
		panic("voter: Signer used before a successful Load")
	}
	return st
}

// Issue returns a new token issued at now, under the current key, and its ID.
func (s *Signer) Issue(now time.Time) (string, ID) {
	var id [idLen]byte
	_, _ = rand.Read(id[:]) // never fails on Linux
	return s.sign(id, now), idOf(id[:])
}

// sign returns the token of id issued at now, under the current key.
func (s *Signer) sign(id [idLen]byte, now time.Time) string {
	st := s.keys()
	var payload [payloadB]byte
	copy(payload[:], id[:])
	binary.BigEndian.PutUint64(payload[idLen:], uint64(now.Unix()))
	return prefixV2 + st.current + "." + b64.EncodeToString(payload[:]) + "." +
		b64.EncodeToString(mac(st.byID[st.current], st.current, payload[:]))
}

// Verify returns the ID of token. A token that is malformed, was not issued
// with a key of the set (or names one the set no longer has), was altered,
// or is older than MaxAge (or issued in the future) is an EINVALID error:
// the client must drop it.
func (s *Signer) Verify(token string, now time.Time) (ID, error) {
	bad := portal.Errorf(portal.EINVALID, "The voter token is invalid; vote without it to get a new one.")
	st := s.keys()
	var kid, body string
	switch {
	case len(token) == tokenLen1 && strings.HasPrefix(token, prefixV1):
		body = token[len(prefixV1):]
	case len(token) <= len(prefixV2)+maxKeyID+1+bodyLen && strings.HasPrefix(token, prefixV2):
		var ok bool
		if kid, body, ok = strings.Cut(token[len(prefixV2):], "."); !ok || kid == "" || len(body) != bodyLen {
			return "", bad
		}
	default:
		return "", bad
	}
	key, ok := st.byID[kid]
	if !ok {
		return "", bad
	}
	p, m, ok := strings.Cut(body, ".")
	if !ok {
		return "", bad
	}
	payload, err1 := b64.DecodeString(p)
	tag, err2 := b64.DecodeString(m)
	if err1 != nil || err2 != nil || len(payload) != payloadB || len(tag) != macLen {
		return "", bad
	}
	// The decoder ignores the unused low bits of the tag's last character
	// (and skips CR and LF): only the spelling Issue wrote is the token.
	if b64.EncodeToString(payload) != p || b64.EncodeToString(tag) != m {
		return "", bad
	}
	if !hmac.Equal(tag, mac(key, kid, payload)) {
		return "", bad
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(payload[idLen:])), 0)
	if now.Sub(issued) > MaxAge || issued.After(now.Add(time.Minute)) {
		return "", bad
	}
	return idOf(payload[:idLen]), nil
}

// mac is the tag of payload under key, whose id kid it covers too ("" for
// a v1 token, whose tag covers the payload alone).
func mac(key []byte, kid string, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	if kid != "" {
		m.Write([]byte(kid))
		m.Write([]byte{0})
	}
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
