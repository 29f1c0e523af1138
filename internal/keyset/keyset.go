// Package keyset holds eportal's versioned signing keys: the JSON a secret
// keeps them in, and the rotation that adds a key and retires the old ones
// without invalidating what they signed.
//
// A Set serves one purpose ("cursor" or "voter"); each purpose lives in its
// own secret, so rotating one never touches the other. The current key signs;
// every key of the set verifies what carries its id. The next key is
// published one rotation before it signs, so every warm instance has it
// (they reload within a few minutes, CacheTTL) before any token or cursor
// made with it can reach them. The legacy key is the one that verifies what
// was made before key ids existed (tokens and cursors that carry none).
//
// The secret's JSON:
//
//	{
//	  "purpose": "voter",
//	  "current": "k2",
//	  "next": "k3",
//	  "legacy": "k0",
//	  "keys": {
//	    "k0": {"secret": "…", "created": "2026-12-01T03:00:00Z", "retired": "2026-12-01T03:00:00Z"},
//	    "k1": {"secret": "…", "created": "2026-12-01T03:00:00Z", "retired": "2027-01-01T03:00:00Z"},
//	    "k2": {"secret": "…", "created": "2026-12-01T03:00:00Z"},
//	    "k3": {"secret": "…", "created": "2027-01-01T03:00:00Z"}
//	  }
//	}
//
// CloudFormation creates each secret as a seed ({"purpose":"cursor",
// "seed":"…"}), and the first rotation (infra/rotatekeys, Next) turns it into
// a key set whose k1 is the seed and whose legacy key is the old AppSecret.
// Until then a seed reads as the set of the one key k1, so lists and votes
// work from the first deploy of a new stack. A stack that existed before key
// ids (tokens "v1.…" signed with AppSecret) must run that first rotation
// with the legacy key right after the upgrade: until it does, such a token
// does not verify, and its voter is treated as a new one (docs/operations.md).
// Nothing in this package makes a network call.
package keyset

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Purposes. Each has its own secret and its own retention.
const (
	Cursor = "cursor"
	Voter  = "voter"
)

// VoterTokenLife is how long a voter token is accepted after it was issued
// (voter.MaxAge).
const VoterTokenLife = 400 * 24 * time.Hour

// CacheTTL is how long a function instance keeps a key set before it reads
// the secret again: a rotation reaches every warm instance within it.
const CacheTTL = 5 * time.Minute

// MinPromoteAge is how long a key must have been published as next before a
// rotation may make it current: far more than CacheTTL, so that no instance
// still holds a set without it.
const MinPromoteAge = time.Hour

// Retention is how long a key of purpose is kept after it stopped signing.
// A voter key outlives the last token it signed (VoterTokenLife), counted
// from the moment it stopped signing plus the CacheTTL in which an instance
// holding the old set may still sign with it, plus a day of margin. A
// cursor has no expiry of its own; a cursor older than 30 days after its
// key's retirement is refused (400) and the reader starts the list again.
func Retention(purpose string) time.Duration {
	if purpose == Voter {
		return VoterTokenLife + CacheTTL + 24*time.Hour
	}
	return 30 * 24 * time.Hour
}

// MinSecretLen is the shortest key secret a Set accepts, in bytes.
const MinSecretLen = 16

// ErrTooSoon is returned by Rotate when the next key was published less
// than MinPromoteAge ago.
var ErrTooSoon = errors.New("the next key was published too recently to become current")

// Key is one signing key.
type Key struct {
	// Secret is the key material, used as bytes. Generated keys are 32
	// random bytes in base64url; the legacy key is the old AppSecret.
	Secret  string     `json:"secret"`
	Created time.Time  `json:"created"`
	Retired *time.Time `json:"retired,omitempty"` // when it stopped signing
}

// Set is the keys of one purpose. A *Set is never changed once parsed or
// built: Rotate returns a new one.
type Set struct {
	Purpose string         `json:"purpose"`
	Current string         `json:"current"`
	Next    string         `json:"next,omitempty"`
	Legacy  string         `json:"legacy,omitempty"`
	Keys    map[string]Key `json:"keys"`
}

// Source gives the key set to use now. Static sets never fail; a set read
// from a secret may (the secret cannot be read): the error then says so.
type Source interface {
	Keys(ctx context.Context) (*Set, error)
}

type static struct{ s *Set }

func (s static) Keys(context.Context) (*Set, error) { return s.s, nil }

// Static returns a Source that always gives s.
func Static(s *Set) Source { return static{s} }

// Single returns the set of one key, id "k0", made from secret: current, and
// legacy too, so that what was made with the same secret before key ids
// existed verifies. It is the set of a plain secret (CURSOR_SECRET,
// VOTER_SECRET, tests).
func Single(purpose string, secret []byte) (*Set, error) {
	s := &Set{Purpose: purpose, Current: "k0", Legacy: "k0", Keys: map[string]Key{"k0": {Secret: string(secret)}}}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// Parse reads a secret's JSON as a key set of purpose. It refuses unknown
// fields, a set of another purpose, ids that name no key, key ids that are
// not k<n>, and secrets shorter than MinSecretLen; a seed is the set of the
// one key k1.
func Parse(purpose string, data []byte) (*Set, error) {
	if seed, ok := parseSeed(purpose, data); ok {
		s := &Set{Purpose: purpose, Current: "k1", Keys: map[string]Key{"k1": {Secret: seed}}}
		if err := s.validate(); err != nil {
			return nil, err
		}
		return s, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Set
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("key set: %w", err)
	}
	if dec.More() {
		return nil, errors.New("key set: data after the JSON object")
	}
	if s.Purpose != purpose {
		return nil, fmt.Errorf("key set: purpose %q; want %q", s.Purpose, purpose)
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// parseSeed returns the seed of a secret CloudFormation generated for
// purpose ({"purpose":…,"seed":…}, nothing else), and whether it is one.
func parseSeed(purpose string, data []byte) (string, bool) {
	var seed struct {
		Purpose string `json:"purpose"`
		Seed    string `json:"seed"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if dec.Decode(&seed) != nil || seed.Purpose != purpose || seed.Seed == "" {
		return "", false
	}
	return seed.Seed, true
}

func (s *Set) validate() error {
	if s.Purpose != Cursor && s.Purpose != Voter {
		return fmt.Errorf("key set: unknown purpose %q", s.Purpose)
	}
	for id, k := range s.Keys {
		if _, ok := idNumber(id); !ok {
			return fmt.Errorf("key set: key id %q is not k<number>", id)
		}
		if len(k.Secret) < MinSecretLen {
			return fmt.Errorf("key set: key %s is %d bytes; need at least %d", id, len(k.Secret), MinSecretLen)
		}
	}
	for _, ref := range []struct{ name, id string }{{"current", s.Current}, {"next", s.Next}, {"legacy", s.Legacy}} {
		if ref.id == "" && ref.name != "current" {
			continue
		}
		if _, ok := s.Keys[ref.id]; !ok {
			return fmt.Errorf("key set: %s key %q is not in keys", ref.name, ref.id)
		}
	}
	if s.Next != "" && s.Next == s.Current {
		return errors.New("key set: next is the current key")
	}
	return nil
}

// Marshal returns the set's JSON, as Parse reads it.
func (s *Set) Marshal() []byte {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic("marshal key set: " + err.Error()) // strings and times only
	}
	return b
}

// Secret returns the secret of key id and whether the set has it.
func (s *Set) Secret(id string) ([]byte, bool) {
	k, ok := s.Keys[id]
	return []byte(k.Secret), ok
}

// IDs returns the set's key ids in order of their number.
func (s *Set) IDs() []string {
	ids := slices.Collect(maps.Keys(s.Keys))
	slices.SortFunc(ids, func(a, b string) int {
		x, _ := idNumber(a)
		y, _ := idNumber(b)
		return x - y
	})
	return ids
}

func idNumber(id string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "k"))
	if !strings.HasPrefix(id, "k") || err != nil || n < 0 || strconv.Itoa(n) != id[1:] || n > 1e9 {
		return 0, false
	}
	return n, true
}

// NewSecret returns 32 random bytes in base64url: a generated key's secret.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails on Linux
	return base64.RawURLEncoding.EncodeToString(b)
}

// Next returns what one rotation at now makes of a secret's value: from a
// seed, the first key set (Init, with the seed as k1, so that the cursors
// made under the seed stay valid); from a key set, Rotate's result. legacy
// is used for a seed only.
func Next(purpose string, value []byte, legacy []byte, now time.Time, newSecret func() string) (*Set, error) {
	if seed, ok := parseSeed(purpose, value); ok {
		first := true
		return Init(purpose, legacy, now, func() string {
			if first {
				first = false
				return seed
			}
			return newSecret()
		})
	}
	s, err := Parse(purpose, value)
	if err != nil {
		return nil, err
	}
	return Rotate(s, now, newSecret)
}

// Init returns the first key set of purpose, at now: k1 current, k2 next,
// both fresh (newSecret's first two secrets), and legacy (when not empty: the secret everything was signed
// with before key ids) as k0, verify-only and retired now. It is what the
// first rotation makes of CloudFormation's seed.
func Init(purpose string, legacy []byte, now time.Time, newSecret func() string) (*Set, error) {
	now = now.UTC().Truncate(time.Second)
	s := &Set{Purpose: purpose, Current: "k1", Next: "k2", Keys: map[string]Key{
		"k1": {Secret: newSecret(), Created: now},
		"k2": {Secret: newSecret(), Created: now},
	}}
	if len(legacy) > 0 {
		s.Legacy = "k0"
		s.Keys["k0"] = Key{Secret: string(legacy), Created: now, Retired: &now}
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// Rotate returns the set after one rotation at now: the next key becomes
// current (ErrTooSoon if it was published less than MinPromoteAge ago), the
// current one is retired (it verifies, never signs), a new key is published
// as next, and keys retired longer than Retention(purpose) ago are dropped
// (the legacy reference with its key). A set without a next key only gets
// one: nothing is promoted that instances may not know yet. s is not
// changed.
func Rotate(s *Set, now time.Time, newSecret func() string) (*Set, error) {
	now = now.UTC().Truncate(time.Second)
	out := &Set{Purpose: s.Purpose, Current: s.Current, Legacy: s.Legacy, Keys: maps.Clone(s.Keys)}
	if s.Next != "" {
		if now.Sub(s.Keys[s.Next].Created) < MinPromoteAge {
			return nil, ErrTooSoon
		}
		retire(out, s.Current, now)
		out.Current = s.Next
	}
	top := 0
	for id := range out.Keys {
		n, _ := idNumber(id)
		top = max(top, n)
	}
	out.Next = "k" + strconv.Itoa(top+1)
	out.Keys[out.Next] = Key{Secret: newSecret(), Created: now}
	for id, k := range out.Keys {
		if id == out.Current || id == out.Next {
			continue
		}
		if k.Retired == nil { // a key put in by hand: from now on it only verifies
			retire(out, id, now)
			continue
		}
		if now.Sub(*k.Retired) > Retention(s.Purpose) {
			delete(out.Keys, id)
			if id == out.Legacy {
				out.Legacy = ""
			}
		}
	}
	if err := out.validate(); err != nil {
		return nil, err
	}
	return out, nil
}

func retire(s *Set, id string, now time.Time) {
	k := s.Keys[id]
	k.Retired = &now
	s.Keys[id] = k
}
