package localauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// What local tokens say and what Verify demands of them, like the JWT
// authorizer's issuer and audience in template.yaml.
const (
	IssuerURL  = "http://127.0.0.1:3000/local-cognito"
	Audience   = "eportal-local"
	DefaultTTL = time.Hour // Cognito's default ID token lifetime
	// leeway is the clock skew Verify tolerates on exp, nbf and iat.
	leeway = 5 * time.Second
)

// Token returns a signed ID token shaped like Cognito's: header alg RS256 and
// kid; claims sub, cognito:username, cognito:groups (a JSON array, left out
// when groups is empty, as Cognito does), iss, aud, token_use "id", iat,
// auth_time and exp. A ttl of zero or less means DefaultTTL.
func (i *Issuer) Token(sub, username string, groups []string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	now := i.Now().Unix()
	claims := jwt.MapClaims{
		"sub":              sub,
		"cognito:username": username,
		"iss":              IssuerURL,
		"aud":              Audience,
		"token_use":        "id",
		"auth_time":        now,
		"iat":              now,
		"exp":              now + int64(ttl/time.Second),
	}
	if len(groups) > 0 {
		claims["cognito:groups"] = groups
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = i.kid
	s, err := t.SignedString(i.key)
	if err != nil {
		return "", fmt.Errorf("sign token for %s: %w", sub, err)
	}
	return s, nil
}

// Verify checks an Authorization header value the way the HTTP API's JWT
// authorizer does and returns the token's claims as a payload-2.0 event
// carries them (see Stringify). The value is the token itself or
// "Bearer <token>" (API Gateway accepts both). The token must be RS256 signed
// by i's key and name its kid, be issued by IssuerURL for Audience, carry exp
// (not past) and iat (not future), and any nbf must be past, all within 5 s.
// Anything else — alg none, HMAC, another key, a tampered or garbled token —
// is an error.
func (i *Issuer) Verify(authorization string) (map[string]string, error) {
	raw := strings.TrimPrefix(authorization, "Bearer ")
	if raw == "" {
		return nil, errors.New("verify token: no token")
	}
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
		jwt.WithIssuer(IssuerURL),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(i.Now),
		jwt.WithJSONNumber(),
		jwt.WithStrictDecoding(),
	)
	t, err := p.Parse(raw, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != i.kid {
			return nil, fmt.Errorf("unknown kid %q", kid)
		}
		return &i.key.PublicKey, nil
	})
	if err != nil {
		return nil, fmt.Errorf("verify token: %w", err)
	}
	claims, ok := t.Claims.(jwt.MapClaims)
	if !ok {
		return nil, fmt.Errorf("verify token: claims are %T", t.Claims)
	}
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		out[k] = Stringify(v)
	}
	return out, nil
}

// Stringify flattens one decoded JSON claim value the way API Gateway puts
// claims in a payload-2.0 event's map[string]string: a string as it is; a
// number as its decimal text ("1700000000", "1.5", never an exponent); true
// and false as "true" and "false"; an array as its members, each flattened
// the same way, separated by spaces in square brackets ("[editor
// publisher]"); null as ""; an object as compact JSON. (AWS documents only
// the array form, through cognito:groups; the rest is the least surprising
// choice.)
func Stringify(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return strconv.FormatInt(n, 10)
		}
		if f, err := v.Float64(); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return ""
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = Stringify(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
