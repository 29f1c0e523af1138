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
package cursor

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// MaxLen is the longest cursor Decode accepts, in characters.
const MaxLen = 1024

const (
	// version 2: synthetic IV (version 1 drew a random one). A version 1
	// cursor still verifies but is refused, as an invalid cursor (400).
	version = 2
	macLen  = 16 // bytes of HMAC-SHA256 kept: 128 bits
	ivLen   = aes.BlockSize
)

// ErrInvalid is returned for every cursor that does not verify: malformed,
// tampered, signed with another key, issued for another query, or made by
// an older version of this package.
var ErrInvalid = errors.New("invalid cursor")

// Codec signs and verifies cursors with one secret. It is safe for concurrent use.
type Codec struct {
	macKey []byte
	ivKey  []byte
	block  cipher.Block
}

// New returns a Codec keyed with secret. The secret must be at least 16 bytes;
// a shorter one is an error rather than a silently weak cursor.
func New(secret []byte) (*Codec, error) {
	if len(secret) < 16 {
		return nil, fmt.Errorf("cursor secret is %d bytes; need at least 16", len(secret))
	}
	// Derive keys for each purpose so the same deployment secret can key
	// other MACs without the cursor's keys being usable for them, and so the
	// IV is not the MAC of anything the tag covers.
	block, err := aes.NewCipher(derive(secret, "eportal cursor encryption v1"))
	if err != nil {
		return nil, fmt.Errorf("cursor cipher: %w", err)
	}
	return &Codec{
		macKey: derive(secret, "eportal cursor mac v1"),
		ivKey:  derive(secret, "eportal cursor iv v2"),
		block:  block,
	}, nil
}

func derive(secret []byte, purpose string) []byte {
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
func marshal(scope string, key map[string]string) []byte {
	body, err := json.Marshal(payload{V: version, Scope: scope, Key: key})
	if err != nil {
		// Cannot happen: the payload is strings only.
		panic("marshal cursor: " + err.Error())
	}
	return body
}

// Encode returns the cursor for resuming the query named by scope after key
// (a DynamoDB LastEvaluatedKey of string attributes). It is deterministic:
// the same scope and key give the same cursor. Strings must be valid UTF-8
// (DynamoDB's are); encoding/json would replace invalid bytes.
func (c *Codec) Encode(scope string, key map[string]string) string {
	body := marshal(scope, key)
	sealed := make([]byte, ivLen+len(body), ivLen+len(body)+macLen)
	iv := sealed[:ivLen]
	copy(iv, c.syntheticIV(body))
	cipher.NewCTR(c.block, iv).XORKeyStream(sealed[ivLen:], body)
	return base64.RawURLEncoding.EncodeToString(append(sealed, c.mac(sealed)...))
}

// Decode verifies cursor and returns its key. It returns ErrInvalid unless the
// cursor was made by Encode with this Codec's secret for the same scope, by
// this version of the package.
func (c *Codec) Decode(scope, cursor string) (map[string]string, error) {
	if len(cursor) == 0 || len(cursor) > MaxLen {
		return nil, ErrInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(raw) <= ivLen+macLen {
		return nil, ErrInvalid
	}
	// The decoder skips CR and LF and ignores the unused low bits of the
	// last character, so many strings decode to the same bytes. Only the
	// canonical one is the cursor: one position, one URL, one cache entry.
	if base64.RawURLEncoding.EncodeToString(raw) != cursor {
		return nil, ErrInvalid
	}
	sealed, sum := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	if !hmac.Equal(sum, c.mac(sealed)) {
		return nil, ErrInvalid
	}
	iv := sealed[:ivLen]
	body := make([]byte, len(sealed)-ivLen)
	cipher.NewCTR(c.block, iv).XORKeyStream(body, sealed[ivLen:])
	var p payload
	if err := json.Unmarshal(body, &p); err != nil || p.V != version || p.Scope != scope || len(p.Key) == 0 {
		return nil, ErrInvalid
	}
	// Only the canonical encoding under its own synthetic IV is a cursor
	// Encode made: whoever holds the secret cannot mint a second cursor for
	// the same position.
	if !bytes.Equal(body, marshal(p.Scope, p.Key)) || !hmac.Equal(iv, c.syntheticIV(body)) {
		return nil, ErrInvalid
	}
	return p.Key, nil
}

// syntheticIV is the IV for body: the first block of its HMAC under the IV
// key.
func (c *Codec) syntheticIV(body []byte) []byte {
	m := hmac.New(sha256.New, c.ivKey)
	m.Write(body)
	return m.Sum(nil)[:ivLen]
}

func (c *Codec) mac(body []byte) []byte {
	m := hmac.New(sha256.New, c.macKey)
	m.Write(body)
	return m.Sum(nil)[:macLen]
}
