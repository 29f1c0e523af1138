package template_test

import (
	"strings"
	"testing"

	"eportal/infra/template"
)

func TestPublic(t *testing.T) {
	const api = `
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties: {Auth: {DefaultAuthorizer: Jwt, Authorizers: {Jwt: {}}}}
  Open:
    Type: AWS::Serverless::HttpApi
  F:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        None: {Type: HttpApi, Properties: {ApiId: !Ref Api, Method: GET, Path: /a, Auth: {Authorizer: NONE}}}
        Default: {Type: HttpApi, Properties: {ApiId: !Ref Api, Method: GET, Path: /b}}
        Named: {Type: HttpApi, Properties: {ApiId: !Ref Open, Method: GET, Path: /c, Auth: {Authorizer: Jwt}}}
        NoDefault: {Type: HttpApi, Properties: {ApiId: !Ref Open, Method: GET, Path: /d}}
        CatchAll: {Type: HttpApi, Properties: {ApiId: !Ref Open}}
        Queue: {Type: SQS, Properties: {Queue: arn}}
`
	want := map[string]bool{"None": true, "Default": false, "Named": false, "NoDefault": true, "CatchAll": true}
	routes := mustParse(t, api).Routes()
	if len(routes) != len(want) {
		t.Fatalf("Routes() = %+v, want %d routes", routes, len(want))
	}
	for _, r := range routes {
		if r.Public != want[r.Event] {
			t.Errorf("%s: Public = %v, want %v", r.Event, r.Public, want[r.Event])
		}
	}
	if got := routes[0].RouteKey(); got != "$default" {
		t.Errorf("first route key = %q, want $default (routes sort by path)", got)
	}
}

func TestValidateRoutes(t *testing.T) {
	ok := template.Route{Method: "GET", Path: "/a", Function: "F", Event: "A"}
	tests := []struct {
		name   string
		routes []template.Route
		want   string // "" for no error
	}{
		{"valid", []template.Route{ok, {Method: "POST", Path: "/a", Function: "F", Event: "B"}}, ""},
		{"catch-all", []template.Route{ok, {Path: template.DefaultRouteKey, Function: "F", Event: "D"}}, ""},
		{"relative path", []template.Route{{Method: "GET", Path: "a", Function: "F", Event: "A"}}, "does not start with /"},
		{"lower-case method", []template.Route{{Method: "get", Path: "/a", Function: "F", Event: "A"}}, "not upper case"},
		{"duplicate", []template.Route{ok, {Method: "GET", Path: "/a", Function: "G", Event: "X"}}, `"GET /a" is also declared by F.A`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := template.ValidateRoutes(tt.routes)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("ValidateRoutes = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("ValidateRoutes = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
