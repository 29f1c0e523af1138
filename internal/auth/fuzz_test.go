package auth_test

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"eportal/internal/auth"
	"eportal/internal/portal"
)

// exactMembers returns the members of a cognito:groups claim of exactly
// the documented shape — "[" members separated by single spaces "]", each
// member one or more graphic characters that are not spaces — and false
// for any other claim. It is written apart from ParseGroups on purpose.
func exactMembers(claim string) ([]string, bool) {
	if len(claim) < 2 || claim[0] != '[' || claim[len(claim)-1] != ']' || !utf8.ValidString(claim) {
		return nil, false
	}
	inner := claim[1 : len(claim)-1]
	if inner == "" {
		return nil, true
	}
	members := strings.Split(inner, " ")
	for _, m := range members {
		if m == "" || strings.ContainsFunc(m, func(r rune) bool { return !unicode.IsGraphic(r) || unicode.Is(unicode.Zs, r) }) {
			return nil, false
		}
	}
	return members, true
}

// FuzzClaims feeds FromRequest and ParseGroups arbitrary claims. Neither
// may panic; a request without a sub is refused; and a role is granted
// only by a claim of exactly the documented shape with a member that is
// exactly the role's name.
func FuzzClaims(f *testing.F) {
	for _, g := range []string{
		"[admin]", "[editor publisher]", "[admin publisher editor]", "[]", "[editor editor]",
		"[us-east-1_abc_Google editor]", "[Admin]", "[аdmin]", `["admin"]`, "[editor,admin]",
		"[editor] [admin]", "admin", "", "[admin", "[admin ]", "[ admin]", "[editor  admin]",
		"[editor\tadmin]", "[admin\u200b]", "[editor\u00a0admin]", "[admin\xff]", " [admin] ",
		"[[admin]]", "[admin\r]", "[editor\u3000admin]",
	} {
		f.Add("10ca1000-0000-4000-8000-000000000001", g, true)
	}
	f.Add("", "[admin]", true)
	f.Add("s", "", false)
	f.Fuzz(func(t *testing.T, sub, groups string, hasGroups bool) {
		roles, err := auth.ParseGroups(groups)
		members, exact := exactMembers(groups)
		if err != nil && roles != nil {
			t.Fatalf("ParseGroups(%q) = %q with error %v; want no roles", groups, roles, err)
		}
		if (err == nil) != exact {
			t.Fatalf("ParseGroups(%q) error = %v; the claim is of the documented shape: %v", groups, err, exact)
		}
		for i, r := range roles {
			if r != auth.Editor && r != auth.Publisher && r != auth.Admin {
				t.Fatalf("ParseGroups(%q) = %q: unknown role %q", groups, roles, r)
			}
			if !slices.Contains(members, string(r)) {
				t.Fatalf("ParseGroups(%q) = %q: %q is not a member", groups, roles, r)
			}
			if slices.Contains(roles[:i], r) {
				t.Fatalf("ParseGroups(%q) = %q: %q twice", groups, roles, r)
			}
		}

		claims := map[string]string{"sub": sub}
		if hasGroups {
			claims["cognito:groups"] = groups
		}
		c, err := auth.FromRequest(request(claims))
		if sub == "" {
			if portal.ErrorCode(err) != portal.EUNAUTHORIZED || c.Subject != "" || c.Groups != nil {
				t.Fatalf("FromRequest(no sub) = %+v, %v; want EUNAUTHORIZED and no caller", c, err)
			}
			return
		}
		if err != nil || c.Subject != sub {
			t.Fatalf("FromRequest(sub %q) = %+v, %v", sub, c, err)
		}
		for _, r := range []auth.Role{auth.Editor, auth.Publisher, auth.Admin} {
			if !c.Can(r) {
				continue
			}
			if !hasGroups || !exact {
				t.Fatalf("claim %q (present: %v) grants %q", groups, hasGroups, r)
			}
		}
		if !hasGroups && c.Groups != nil || hasGroups && !slices.Equal(c.Groups, roles) {
			t.Fatalf("FromRequest groups = %q; want %q", c.Groups, roles)
		}
	})
}
