// Package cursor makes the opaque pagination cursors of eportal's list
// endpoints. A cursor carries the DynamoDB key a query stopped at, bound to the
// query it came from (its scope) and authenticated with an HMAC, so a forged or
// altered cursor, or one replayed against another query, is refused instead of
// steering a query into data it was not asked for.
//
// The key is also encrypted (AES-CTR, then the HMAC over the ciphertext): a
// query that filters items out (an expired article) may stop on an item the
// reader must not see, and its key must not be readable from the cursor.
//
// Encoding is deterministic: the same scope and key always give the same
// cursor, so two identical list requests give the same body and ETag and a
// CDN can revalidate a list page (304). The IV is synthetic, as in SIV
// (RFC 5297): an HMAC, under a key of its own, of the payload (which holds
// the scope). Equal cursors therefore reveal only that they stand for the
// same position of the same list, which is public anyway; different
// positions get different IVs, so CTR never reuses a key stream.
//
// Keys are versioned (package keyset): a cursor names the key that made it
// ("k3.<base64>"), the set's current key makes new ones and every key of
// the set reads them, so a rotation does not break the cursors already out.
// A cursor without a key id was made before key ids existed (version 2): it
// is read with the set's legacy key, while the set keeps one.
package cursor

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"eportal/internal/keyset"
)

// MaxLen is the longest cursor Decode accepts, in characters.
const MaxLen = 1024

const (
	// version 3: the key id before the sealed payload ("k3.<base64>"), and
	// in the MAC. Version 2 (no key id) is read with the legacy key; version
	// 1 (a random IV) still verifies but is refused, as an invalid cursor.
	version       = 3
	legacyVersion = 2
	macLen        = 16 // bytes of HMAC-SHA256 kept: 128 bits
	ivLen         = aes.BlockSize
)

// ErrInvalid is returned for every cursor that does not verify: malformed,
// tampered, signed with another key or one the key set no longer has,
// issued for another query, or made by an older version of this package.
var ErrInvalid = errors.New("invalid cursor")

// Codec signs and verifies cursors with a key set. It is safe for concurrent use.
type Codec struct {
	src   keyset.Source
	state atomic.Pointer[state]
}

// state is the keys of one key set, derived for use.
type state struct {
	set     *keyset.Set
	current *keys
	byID    map[string]*keys
	legacy  *keys // nil when the set has none
}

// keys are the keys derived from one secret.
type keys struct {
	id     string
	macKey []byte
	ivKey  []byte
	block  cipher.Block
}

// New returns a Codec keyed with secret alone (keyset.Single: key "k0",
// which also reads the cursors this secret made before key ids). The
// secret must be at least 16 bytes; a shorter one is an error rather than a
// silently weak cursor. It needs no Load.
func New(secret []byte) (*Codec, error) {
	if len(secret) < keyset.MinSecretLen {
		return nil, fmt.Errorf("cursor secret is %d bytes; need at least %d", len(secret), keyset.MinSecretLen)
	}
	set, err := keyset.Single(keyset.Cursor, secret)
	if err != nil {
		return nil, fmt.Errorf("cursor secret: %w", err)
	}
	c := NewFrom(keyset.Static(set))
	if err := c.Load(context.Background()); err != nil {
		return nil, err
	}
	return c, nil
}

// NewFrom returns a Codec whose keys come from src. It reads nothing:
// Load must succeed before Encode or Decode are used.
func NewFrom(src keyset.Source) *Codec { return &Codec{src: src} }

// Load takes the key set src gives now (src decides when to read it again)
// and returns src's error when it has none to give. Encode and Decode use
// the set of the last successful Load.
func (c *Codec) Load(ctx context.Context) error {
	set, err := c.src.Keys(ctx)
	if err != nil {
		return err
	}
	if st := c.state.Load(); st != nil && st.set == set {
		return nil
	}
	if set.Purpose != keyset.Cursor {
		return fmt.Errorf("cursor: a key set for %q", set.Purpose)
	}
	st := &state{set: set, byID: map[string]*keys{}}
	for _, id := range set.IDs() {
		secret, _ := set.Secret(id)
		k, err := derive(id, secret)
		if err != nil {
			return err
		}
		st.byID[id] = k
	}
	st.current = st.byID[set.Current]
	if set.Legacy != "" {
		st.legacy = st.byID[set.Legacy]
	}
	c.state.Store(st)
	return nil
}

func (c *Codec) keys() *state {
	st := c.state.Load()
	if st == nil {
		// A caller that skipped Load: a bug, not a condition of the world.
		panic("cursor: Codec used before a successful Load")
	}
	return st
}

// derive returns the keys for each purpose, so the same secret could key
// other MACs without the cursor's keys being usable for them, and so the
// IV is not the MAC of anything the tag covers.
func derive(id string, secret []byte) (*keys, error) {
	block, err := aes.NewCipher(hmacSum(secret, "eportal cursor encryption v1"))
	if err != nil {
		return nil, fmt.Errorf("cursor cipher: %w", err)
	}
	return &keys{
		id:     id,
		macKey: hmacSum(secret, "eportal cursor mac v1"),
		ivKey:  hmacSum(secret, "eportal cursor iv v2"),
		block:  block,
	}, nil
}

func hmacSum(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

type payload struct {
	V     int               `json:"v"`
	Scope string            `json:"s"`
	Key   map[string]string `json:"k"`
}

// marshal returns the canonical encoding of a cursor's payload: struct
// fields in declaration order, map keys sorted (encoding/json sorts them),
// so one scope and key always give the same bytes.
func marshal(v int, scope string, key map[string]string) []byte {
	body, err := json.Marshal(payload{V: v, Scope: scope, Key: key})
	if err != nil {
		// Cannot happen: the payload is strings only.
		panic("marshal cursor: " + err.Error())
	}
	return body
}

// Encode returns the cursor for resuming the query named by scope after key
// (a DynamoDB LastEvaluatedKey of string attributes), under the current
// key. It is deterministic: the same scope and key give the same cursor
// while the current key stays. Strings must be valid UTF-8 (DynamoDB's
// are); encoding/json would replace invalid bytes.
func (c *Codec) Encode(scope string, key map[string]string) string {
	k := c.keys().current
	body := marshal(version, scope, key)
	sealed := make([]byte, ivLen+len(body), ivLen+len(body)+macLen)
	iv := sealed[:ivLen]
	copy(iv, k.syntheticIV(body))
	cipher.NewCTR(k.block, iv).XORKeyStream(sealed[ivLen:], body)
	return k.id + "." + base64.RawURLEncoding.EncodeToString(append(sealed, k.mac(k.id, sealed)...))
}

// Decode verifies cursor and returns its key. It returns ErrInvalid unless the
// cursor was made by Encode for the same scope under a key of the set (or,
// without a key id, by version 2 under the legacy key).
func (c *Codec) Decode(scope, cursor string) (map[string]string, error) {
	if len(cursor) == 0 || len(cursor) > MaxLen {
		return nil, ErrInvalid
	}
	st := c.keys()
	v, k, kid, text := version, (*keys)(nil), "", cursor
	if id, rest, ok := strings.Cut(cursor, "."); ok {
		k, kid, text = st.byID[id], id, rest
	} else {
		v, k = legacyVersion, st.legacy
	}
	if k == nil {
		return nil, ErrInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil || len(raw) <= ivLen+macLen {
		return nil, ErrInvalid
	}
	// The decoder skips CR and LF and ignores the unused low bits of the
	// last character, so many strings decode to the same bytes. Only the
	// canonical one is the cursor: one position, one URL, one cache entry.
	if base64.RawURLEncoding.EncodeToString(raw) != text {
		return nil, ErrInvalid
	}
	sealed, sum := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	if !hmac.Equal(sum, k.mac(kid, sealed)) {
		return nil, ErrInvalid
	}
	iv := sealed[:ivLen]
	body := make([]byte, len(sealed)-ivLen)
	cipher.NewCTR(k.block, iv).XORKeyStream(body, sealed[ivLen:])
	var p payload
	if err := json.Unmarshal(body, &p); err != nil || p.V != v || p.Scope != scope || len(p.Key) == 0 {
		return nil, ErrInvalid
	}
	// Only the canonical encoding under its own synthetic IV is a cursor
	// Encode made: whoever holds the secret cannot mint a second cursor for
	// the same position.
	if !bytes.Equal(body, marshal(v, p.Scope, p.Key)) || !hmac.Equal(iv, k.syntheticIV(body)) {
		return nil, ErrInvalid
	}
	return p.Key, nil
}

// syntheticIV is the IV for body: the first block of its HMAC under the IV
// key.
func (k *keys) syntheticIV(body []byte) []byte {
	m := hmac.New(sha256.New, k.ivKey)
	m.Write(body)
	return m.Sum(nil)[:ivLen]
}

// mac is the tag of sealed under key id kid ("" for a version 2 cursor,
// whose tag covers the sealed bytes alone).
func (k *keys) mac(kid string, sealed []byte) []byte {
	m := hmac.New(sha256.New, k.macKey)
	if kid != "" {
		m.Write([]byte(kid))
		m.Write([]byte{0})
	}
	m.Write(sealed)
	return m.Sum(nil)[:macLen]
}
