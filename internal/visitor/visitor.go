// Package visitor names a reader for view deduplication without storing who
// the reader is: a keyed hash (HMAC-SHA256) of the article, the source IP and
// the User-Agent, under a secret key that changes every Vietnam day and is
// deleted after it. Nothing in this package logs or keeps its inputs.
package visitor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// KeySize is the size of a daily key in bytes.
const KeySize = 32

// Hash returns the visitor's identity for one article under key: 128 bits
// of HMAC-SHA256, URL-safe base64 (22 characters). The article id is part of
// the input so that one reader's markers on two articles cannot be linked to
// each other, even by someone who can read the table. Each field is
// length-prefixed, so no two different inputs share an encoding.
//
// Whoever holds key can test guesses of (IP, User-Agent) against a hash;
// that is why keys live one day and are then deleted.
func Hash(key []byte, articleID, ip, userAgent string) string {
	m := hmac.New(sha256.New, key)
	for _, f := range []string{articleID, strings.TrimSpace(ip), userAgent} {
		var n [4]byte
		l := len(f)
		n[0], n[1], n[2], n[3] = byte(l>>24), byte(l>>16), byte(l>>8), byte(l)
		m.Write(n[:])
		m.Write([]byte(f))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}
