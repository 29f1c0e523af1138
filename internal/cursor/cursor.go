// Package cursor makes the opaque pagination cursors of eportal's list
// endpoints. A cursor carries the DynamoDB key a query stopped at, bound to the
// query it came from (its scope) and authenticated with an HMAC, so a forged or
// altered cursor, or one replayed against another query, is refused instead of
// steering a query into data it was not asked for.
//
// The key is also encrypted (AES-CTR, then the HMAC over the ciphertext): a
// query that filters items out (an expired article) may stop on an item the
// reader must not see, and its key must not be readable from the cursor.
package cursor

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// MaxLen is the longest cursor Decode accepts, in characters.
const MaxLen = 1024

const (
	version = 1
	macLen  = 16 // bytes of HMAC-SHA256 kept: 128 bits
	ivLen   = aes.BlockSize
)

// ErrInvalid is returned for every cursor that does not verify: malformed,
// tampered, signed with another key, or issued for another query.
var ErrInvalid = errors.New("invalid cursor")

// Codec signs and verifies cursors with one secret. It is safe for concurrent use.
type Codec struct {
	macKey []byte
	block  cipher.Block
}

// New returns a Codec keyed with secret. The secret must be at least 16 bytes;
// a shorter one is an error rather than a silently weak cursor.
func New(secret []byte) (*Codec, error) {
	if len(secret) < 16 {
		return nil, fmt.Errorf("cursor secret is %d bytes; need at least 16", len(secret))
	}
	// Derive keys for this purpose so the same deployment secret can key
	// other MACs without the cursor's keys being usable for them.
	block, err := aes.NewCipher(derive(secret, "eportal cursor encryption v1"))
	if err != nil {
		return nil, fmt.Errorf("cursor cipher: %w", err)
	}
	return &Codec{macKey: derive(secret, "eportal cursor mac v1"), block: block}, nil
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

// Encode returns a cursor for resuming the query named by scope after key (a
// DynamoDB LastEvaluatedKey of string attributes).
func (c *Codec) Encode(scope string, key map[string]string) string {
	body, err := json.Marshal(payload{V: version, Scope: scope, Key: key})
	if err != nil {
		// Cannot happen: the payload is strings only.
		panic("marshal cursor: " + err.Error())
	}
	sealed := make([]byte, ivLen+len(body))
	iv := sealed[:ivLen]
	if _, err := rand.Read(iv); err != nil {
		panic("read random iv: " + err.Error()) // crypto/rand never fails on Linux
	}
	cipher.NewCTR(c.block, iv).XORKeyStream(sealed[ivLen:], body)
	return base64.RawURLEncoding.EncodeToString(append(sealed, c.mac(sealed)...))
}

// Decode verifies cursor and returns its key. It returns ErrInvalid unless the
// cursor was made by Encode with this Codec's secret for the same scope.
func (c *Codec) Decode(scope, cursor string) (map[string]string, error) {
	if len(cursor) == 0 || len(cursor) > MaxLen {
		return nil, ErrInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(raw) <= ivLen+macLen {
		return nil, ErrInvalid
	}
	sealed, sum := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	if !hmac.Equal(sum, c.mac(sealed)) {
		return nil, ErrInvalid
	}
	body := make([]byte, len(sealed)-ivLen)
	cipher.NewCTR(c.block, sealed[:ivLen]).XORKeyStream(body, sealed[ivLen:])
	var p payload
	if err := json.Unmarshal(body, &p); err != nil || p.V != version || p.Scope != scope || len(p.Key) == 0 {
		return nil, ErrInvalid
	}
	return p.Key, nil
}

func (c *Codec) mac(body []byte) []byte {
	m := hmac.New(sha256.New, c.macKey)
	m.Write(body)
	return m.Sum(nil)[:macLen]
}
