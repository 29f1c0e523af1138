package auth_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"eportal/internal/apigw"
	"eportal/internal/auth"
	"eportal/internal/portal"
)

func TestParseGroups(t *testing.T) {
	tests := []struct {
		name    string
		claim   string
		want    []auth.Role
		wantErr bool
	}{
		{"one", "[admin]", []auth.Role{auth.Admin}, false},
		{"two", "[editor publisher]", []auth.Role{auth.Editor, auth.Publisher}, false},
		{"all three", "[admin publisher editor]", []auth.Role{auth.Admin, auth.Publisher, auth.Editor}, false},
		{"empty list", "[]", nil, false},
		{"duplicates", "[editor editor]", []auth.Role{auth.Editor}, false},
		{"other groups ignored", "[us-east-1_abc_Google editor]", []auth.Role{auth.Editor}, false},
		{"capitalised is another group", "[Admin]", nil, false},
		{"plural is another group", "[admins]", nil, false},
		{"cyrillic a is another group", "[аdmin]", nil, false},
		{"quoted is another group", `["admin"]`, nil, false},
		{"comma-joined is one other group", "[editor,admin]", nil, false},
		{"two lists are two odd groups", "[editor] [admin]", nil, false},
		{"JSON array is odd groups", `["editor","admin"]`, nil, false},
		{"no brackets", "admin", nil, true},
		{"empty string", "", nil, true},
		{"only opening bracket", "[admin", nil, true},
		{"only closing bracket", "admin]", nil, true},
		{"trailing space", "[admin ]", nil, true},
		{"leading space", "[ admin]", nil, true},
		{"double space", "[editor  admin]", nil, true},
		{"tab separator", "[editor\tadmin]", nil, true},
		{"zero-width space", "[admin\u200b]", nil, true},
		{"newline", "[editor\nadmin]", nil, true},
		{"no-break space separator", "[editor\u00a0admin]", nil, true},
		{"invalid UTF-8", "[admin\xff]", nil, true},
		{"surrounding whitespace", " [admin] ", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := auth.ParseGroups(tt.claim)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseGroups(%q) error = %v; want error %v", tt.claim, err, tt.wantErr)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseGroups(%q) = %q; want %q", tt.claim, got, tt.want)
			}
		})
	}
}

// TestLookAlikesNeverGrantAdmin holds the one property that matters most:
// only an exact "admin" member makes an admin, whatever else the claim says.
func TestLookAlikesNeverGrantAdmin(t *testing.T) {
	for _, claim := range []string{
		"[admin ]", "[Admin]", "[admins]", "[ admin]", "admin", "[editor,admin]", "[editor] [admin]",
		`["admin"]`, "[admin\u200b]", "[аdmin]", "[editor\tadmin]", "[ADMIN]", "[admin\x00]", "[\u200badmin]",
		"[admin\r]", "[editor\u3000admin]", "[[admin]]", "[admin]]", "[[admin]",
	} {
		groups, err := auth.ParseGroups(claim)
		if (auth.Caller{Subject: "s", Groups: groups}).Can(auth.Admin) {
			t.Errorf("ParseGroups(%q) = %q, %v: grants admin", claim, groups, err)
		}
	}
}

func TestCan(t *testing.T) {
	tests := []struct {
		name   string
		groups []auth.Role
		role   auth.Role
		want   bool
	}{
		{"editor as editor", []auth.Role{auth.Editor}, auth.Editor, true},
		{"editor as publisher", []auth.Role{auth.Editor}, auth.Publisher, false},
		{"editor as admin", []auth.Role{auth.Editor}, auth.Admin, false},
		{"publisher as editor", []auth.Role{auth.Publisher}, auth.Editor, true},
		{"publisher as publisher", []auth.Role{auth.Publisher}, auth.Publisher, true},
		{"publisher as admin", []auth.Role{auth.Publisher}, auth.Admin, false},
		{"admin as editor", []auth.Role{auth.Admin}, auth.Editor, true},
		{"admin as publisher", []auth.Role{auth.Admin}, auth.Publisher, true},
		{"admin as admin", []auth.Role{auth.Admin}, auth.Admin, true},
		{"highest group counts", []auth.Role{auth.Editor, auth.Admin}, auth.Publisher, true},
		{"no groups", nil, auth.Editor, false},
		{"unknown group grants nothing", []auth.Role{"Admin"}, auth.Editor, false},
		{"unknown role is never granted", []auth.Role{auth.Admin}, "root", false},
		{"empty role is never granted", []auth.Role{auth.Admin}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (auth.Caller{Groups: tt.groups}).Can(tt.role); got != tt.want {
				t.Errorf("Caller{Groups: %q}.Can(%q) = %v; want %v", tt.groups, tt.role, got, tt.want)
			}
		})
	}
}

// request returns an event as API Gateway sends it after its JWT authorizer
// accepted a token with claims; nil claims means no authorizer at all.
func request(claims map[string]string) apigw.Request {
	var req apigw.Request
	if claims != nil {
		req.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
	}
	return req
}

func TestFromRequest(t *testing.T) {
	const sub = "10ca1000-0000-4000-8000-000000000001"
	tests := []struct {
		name     string
		req      apigw.Request
		want     auth.Caller
		wantCode string
	}{
		{"ID token claims", request(map[string]string{"sub": sub, "cognito:username": "bien-tap-vien@local", "cognito:groups": "[editor]"}),
			auth.Caller{Subject: sub, Username: "bien-tap-vien@local", Groups: []auth.Role{auth.Editor}}, ""},
		{"access token username", request(map[string]string{"sub": sub, "username": "quan-tri@local", "cognito:groups": "[admin]"}),
			auth.Caller{Subject: sub, Username: "quan-tri@local", Groups: []auth.Role{auth.Admin}}, ""},
		{"cognito:username wins", request(map[string]string{"sub": sub, "cognito:username": "a", "username": "b"}),
			auth.Caller{Subject: sub, Username: "a"}, ""},
		{"no groups claim", request(map[string]string{"sub": sub}), auth.Caller{Subject: sub}, ""},
		{"malformed groups: no roles", request(map[string]string{"sub": sub, "cognito:groups": "[admin ]"}), auth.Caller{Subject: sub}, ""},
		{"no sub", request(map[string]string{"cognito:groups": "[admin]"}), auth.Caller{}, portal.EUNAUTHORIZED},
		{"empty sub", request(map[string]string{"sub": "", "cognito:groups": "[admin]"}), auth.Caller{}, portal.EUNAUTHORIZED},
		{"empty claims", request(map[string]string{}), auth.Caller{}, portal.EUNAUTHORIZED},
		{"no authorizer", request(nil), auth.Caller{}, portal.EUNAUTHORIZED},
		{"authorizer without JWT", func() apigw.Request {
			var r apigw.Request
			r.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{}
			return r
		}(), auth.Caller{}, portal.EUNAUTHORIZED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := auth.FromRequest(tt.req)
			if code := portal.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("error code = %q (%v); want %q", code, err, tt.wantCode)
			}
			if got.Subject != tt.want.Subject || got.Username != tt.want.Username || !slices.Equal(got.Groups, tt.want.Groups) {
				t.Errorf("got %+v; want %+v", got, tt.want)
			}
		})
	}
}

func TestRequire(t *testing.T) {
	withGroups := func(g string) apigw.Request { return request(map[string]string{"sub": "s", "cognito:groups": g}) }
	tests := []struct {
		name     string
		req      apigw.Request
		role     auth.Role
		wantCode string
		wantMsg  string
		status   int
	}{
		{"editor may edit", withGroups("[editor]"), auth.Editor, "", "", 0},
		{"admin may publish", withGroups("[admin]"), auth.Publisher, "", "", 0},
		{"editor may not publish", withGroups("[editor]"), auth.Publisher, portal.EFORBIDDEN, "This action needs the publisher role.", 403},
		{"publisher may not administer", withGroups("[publisher]"), auth.Admin, portal.EFORBIDDEN, "This action needs the admin role.", 403},
		{"look-alike may not administer", withGroups("[Admin]"), auth.Admin, portal.EFORBIDDEN, "This action needs the admin role.", 403},
		{"malformed groups may not edit", withGroups("[editor\tadmin]"), auth.Editor, portal.EFORBIDDEN, "This action needs the editor role.", 403},
		{"no token", request(nil), auth.Editor, portal.EUNAUTHORIZED, "A valid token is required.", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := auth.Require(tt.req, tt.role)
			if code := portal.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("error code = %q (%v); want %q", code, err, tt.wantCode)
			}
			if msg := portal.ErrorMessage(err); msg != tt.wantMsg {
				t.Errorf("message = %q; want %q", msg, tt.wantMsg)
			}
			if err != nil && apigw.StatusFor(portal.ErrorCode(err)) != tt.status {
				t.Errorf("status = %d; want %d", apigw.StatusFor(portal.ErrorCode(err)), tt.status)
			}
			if tt.wantCode != portal.EUNAUTHORIZED && c.Subject != "s" {
				t.Errorf("caller subject = %q; want %q", c.Subject, "s")
			}
		})
	}
}
