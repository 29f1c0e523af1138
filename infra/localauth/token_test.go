package localauth_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"eportal/infra/localauth"
)

var now = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// mustIssuer returns an Issuer with a fresh key in a temporary directory and
// a clock fixed at now.
func mustIssuer(t *testing.T) (*localauth.Issuer, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys", "dev-jwt-key.pem")
	iss, err := localauth.LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	iss.Now = func() time.Time { return now }
	return iss, path
}

// validClaims are the claims of a good token at now.
func validClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"sub": "s-1", "cognito:username": "u", "cognito:groups": []string{"editor"},
		"iss": localauth.IssuerURL, "aud": localauth.Audience, "token_use": "id",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
}

// sign signs claims with method and key, with kid in the header when not "".
func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func b64(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestVerifyAcceptsOwnToken(t *testing.T) {
	iss, _ := mustIssuer(t)
	tok, err := iss.Token("10ca1000-0000-4000-8000-000000000001", "bien-tap-vien@local", []string{"editor", "publisher"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, header := range []string{"Bearer " + tok, tok} {
		claims, err := iss.Verify(header)
		if err != nil {
			t.Fatalf("Verify(%.20q…): %v", header, err)
		}
		want := map[string]string{
			"sub":              "10ca1000-0000-4000-8000-000000000001",
			"cognito:username": "bien-tap-vien@local",
			"cognito:groups":   "[editor publisher]",
			"iss":              localauth.IssuerURL,
			"aud":              localauth.Audience,
			"token_use":        "id",
			"iat":              "1772352000",
			"auth_time":        "1772352000",
			"exp":              "1772355600",
		}
		for k, v := range want {
			if claims[k] != v {
				t.Errorf("claim %s = %q; want %q", k, claims[k], v)
			}
		}
		if len(claims) != len(want) {
			t.Errorf("claims = %v; want exactly %v", claims, want)
		}
	}
}

func TestTokenHeaderAndGroups(t *testing.T) {
	iss, _ := mustIssuer(t)
	tok, err := iss.Token("s", "u", nil, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	parsed, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	if got := parsed.Header["kid"]; got != iss.KeyID() || iss.KeyID() == "" {
		t.Errorf("kid = %v; want %q", got, iss.KeyID())
	}
	if got := parsed.Header["alg"]; got != "RS256" {
		t.Errorf("alg = %v; want RS256", got)
	}
	claims := parsed.Claims.(jwt.MapClaims)
	if _, ok := claims["cognito:groups"]; ok {
		t.Errorf("cognito:groups present for a user with no groups: %v", claims["cognito:groups"])
	}
	if exp, iat := claims["exp"].(float64), claims["iat"].(float64); exp-iat != 60 {
		t.Errorf("exp - iat = %v; want 60", exp-iat)
	}
}

func TestVerifyRejects(t *testing.T) {
	iss, path := mustIssuer(t)
	kid := iss.KeyID()
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	good := sign(t, jwt.SigningMethodRS256, ownKey(t, path), kid, validClaims())
	if _, err := iss.Verify("Bearer " + good); err != nil {
		t.Fatalf("control token rejected: %v", err)
	}
	with := func(k string, v any) jwt.MapClaims {
		c := validClaims()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	parts := strings.Split(good, ".")
	garbled := []byte(parts[1]) // one base64 character of the payload changed
	if garbled[10] == 'A' {
		garbled[10] = 'B'
	} else {
		garbled[10] = 'A'
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(payload, []byte(`"s-1"`)) + 1 // one byte of the JSON flipped: sub "s-1" becomes "r-1"
	payload[at] ^= 1
	tampered := base64.RawURLEncoding.EncodeToString(payload)
	tests := []struct {
		name, header string
	}{
		{"empty", ""},
		{"bearer only", "Bearer "},
		{"garbage", "Bearer not-a-token"},
		{"two segments", "Bearer " + parts[0] + "." + parts[1]},
		{"basic scheme", "Basic " + good},
		{"lower-case scheme", "bearer " + good},
		{"alg none", "Bearer " + b64(t, map[string]string{"alg": "none", "typ": "JWT", "kid": kid}) + "." + b64(t, validClaims()) + "."},
		{"alg none with signature", "Bearer " + b64(t, map[string]string{"alg": "none", "kid": kid}) + "." + b64(t, validClaims()) + "." + parts[2]},
		{"HS256 with public key PEM", "Bearer " + sign(t, jwt.SigningMethodHS256, publicPEM(t, path), kid, validClaims())},
		{"HS256 with private key PEM", "Bearer " + sign(t, jwt.SigningMethodHS256, pemBytes, kid, validClaims())},
		{"RS512", "Bearer " + sign(t, jwt.SigningMethodRS512, ownKey(t, path), kid, validClaims())},
		{"other key, our kid", "Bearer " + sign(t, jwt.SigningMethodRS256, other, kid, validClaims())},
		{"other key, own kid", "Bearer " + sign(t, jwt.SigningMethodRS256, other, "other", validClaims())},
		{"our key, no kid", "Bearer " + sign(t, jwt.SigningMethodRS256, ownKey(t, path), "", validClaims())},
		{"our key, wrong kid", "Bearer " + sign(t, jwt.SigningMethodRS256, ownKey(t, path), kid+"x", validClaims())},
		{"expired", "Bearer " + sign(t, jwt.SigningMethodRS256, ownKey(t, path), kid, with("exp", now.Add(-time.Minute).Unix()))},
		{"expired beyond leeway", "Bearer " + sign(t, jwt.SigningMethodRS256, ownKey(t, path), kid, with("exp", now.Add(-6*time.Second).Unix()))},
		{"no exp", "Bearer " + sign(t, jwt.SigningMethodRS256, ownKey(t, path), kid, with("exp", nil))},
		{"issued in the future", "Bearer " + sign(t, jwt.SigningMethodRS256, ownKey(t, path), kid, with("iat", now.Add(time.Minute).Unix()))},
		{"not yet valid", "Bearer " + sign(t, jwt.SigningMethodRS256, ownKey(t, path), kid, with("nbf", now.Add(time.Minute).Unix()))},
		{"wrong issuer", "Bearer " + sign(t, jwt.SigningMethodRS256, ownKey(t, path), kid, with("iss", "https://cognito-idp.us-east-1.amazonaws.com/x"))},
		{"no issuer", "Bearer " + sign(t, jwt.SigningMethodRS256, ownKey(t, path), kid, with("iss", nil))},
		{"wrong audience", "Bearer " + sign(t, jwt.SigningMethodRS256, ownKey(t, path), kid, with("aud", "someone-else"))},
		{"no audience", "Bearer " + sign(t, jwt.SigningMethodRS256, ownKey(t, path), kid, with("aud", nil))},
		{"tampered payload", "Bearer " + parts[0] + "." + tampered + "." + parts[2]},
		{"garbled payload", "Bearer " + parts[0] + "." + string(garbled) + "." + parts[2]},
		{"payload swapped", "Bearer " + parts[0] + "." + b64(t, with("cognito:groups", []string{"admin"})) + "." + parts[2]},
		{"truncated signature", "Bearer " + good[:len(good)-4]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims, err := iss.Verify(tt.header)
			if err == nil {
				t.Fatalf("Verify accepted it: %v", claims)
			}
			t.Logf("rejected: %v", err)
		})
	}
}

// ownKey reads the issuer's own private key from path, to sign tokens
// with hand-picked headers and claims.
func ownKey(t *testing.T, path string) *rsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k, err := jwt.ParseRSAPrivateKeyFromPEM(data)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// publicPEM returns the PEM of the issuer's public key: what an attacker
// would use as an HMAC secret in an algorithm-confusion attack.
func publicPEM(t *testing.T, path string) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&ownKey(t, path).PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func TestStringify(t *testing.T) {
	tests := []struct {
		name string
		json string
		want string
	}{
		{"string", `"editor"`, "editor"},
		{"integer", `1772352000`, "1772352000"},
		{"fraction", `1.5`, "1.5"},
		{"exponent", `1.7e9`, "1700000000"},
		{"true", `true`, "true"},
		{"false", `false`, "false"},
		{"null", `null`, ""},
		{"array", `["editor","publisher"]`, "[editor publisher]"},
		{"one member", `["admin"]`, "[admin]"},
		{"empty array", `[]`, "[]"},
		{"mixed array", `["a",1,true]`, "[a 1 true]"},
		{"object", `{"b":1,"a":"x"}`, `{"a":"x","b":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := json.NewDecoder(strings.NewReader(tt.json))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			if got := localauth.Stringify(v); got != tt.want {
				t.Errorf("Stringify(%s) = %q; want %q", tt.json, got, tt.want)
			}
		})
	}
}
