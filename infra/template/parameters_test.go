package template_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestCorsAllowOriginsPattern holds the template to refusing a deploy whose
// CORS origins include "*" or anything else that is not one exact origin:
// CORS applies to every route, /admin included. CloudFormation matches a
// CommaDelimitedList's AllowedPattern against each element, and the whole
// element must match (Java's Matcher.matches), which the test mirrors by
// anchoring the pattern. The pattern keeps to syntax Java and Go read alike.
func TestCorsAllowOriginsPattern(t *testing.T) {
	tpl := mustLoad(t)
	param := func(key string) string {
		t.Helper()
		v, ok := tpl.Lookup("Parameters", "CorsAllowOrigins", key)
		s, isString := v.(string)
		if !ok || !isString || s == "" {
			t.Fatalf("Parameters.CorsAllowOrigins.%s = %#v; want a string", key, v)
		}
		return s
	}
	if typ := param("Type"); typ != "CommaDelimitedList" {
		t.Fatalf("CorsAllowOrigins Type = %q; the test assumes CommaDelimitedList (the pattern applies to each element)", typ)
	}
	param("ConstraintDescription")
	re, err := regexp.Compile(`^(?:` + param("AllowedPattern") + `)$`)
	if err != nil {
		t.Fatalf("AllowedPattern does not compile in Go: %v", err)
	}
	// allowed mirrors CloudFormation: each comma-separated element must match.
	allowed := func(list string) bool {
		for _, origin := range strings.Split(list, ",") {
			if !re.MatchString(origin) {
				return false
			}
		}
		return true
	}
	if d := param("Default"); !allowed(d) {
		t.Errorf("Default %q is refused by the pattern", d)
	}
	for _, ok := range []string{
		"http://localhost:5173",
		"https://portal.quangnam.gov.vn",
		"https://quangnam.dcs.vn",
		"http://127.0.0.1:3000",
		"https://xn--b-8xm.vn",
		"https://portal.quangnam.gov.vn,http://localhost:5173",
	} {
		if !allowed(ok) {
			t.Errorf("%q refused; want it allowed", ok)
		}
	}
	for _, bad := range []string{
		"*",
		"https://*.example.vn",
		"null",
		"https://a.vn/path",
		"javascript:alert(1)",
		"https://portal.quangnam.gov.vn,*",   // one bad element spoils the list
		"https://portal.quangnam.gov.vn/",    // browsers send no trailing slash
		"https://a.vn?x=1", "https://a.vn#x", // nor a query or fragment
		"HTTPS://PORTAL.QUANGNAM.GOV.VN", // nor upper case
		"ftp://a.vn", "file://", "//a.vn", "a.vn",
		"https://", "http://:80", "https://a.vn:", "https://a.vn:123456",
		"https://user@a.vn", "https://a.vn\\@evil.example",
		"https://-a.vn", "https://a-.vn", "https://a..vn", "https://.a.vn", "https://a.vn.",
		" https://a.vn", "https://a.vn ", "https://a.vn\n", "https://a.vn\nhttps://b.vn",
		"https://a.vn,", "", // an empty element
		"https://[::1]:8080", // IPv6 literals are not supported; nothing needs them
	} {
		if allowed(bad) {
			t.Errorf("%q allowed; want it refused", bad)
		}
	}
}
