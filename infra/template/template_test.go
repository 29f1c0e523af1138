package template_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"eportal/infra/template"

	"go.yaml.in/yaml/v3"
)

// mustLoad loads the module's template.yaml.
func mustLoad(tb testing.TB) *template.Template {
	tb.Helper()
	path, err := template.Find()
	if err != nil {
		tb.Fatal(err)
	}
	tpl, err := template.Load(path)
	if err != nil {
		tb.Fatal(err)
	}
	return tpl
}

// mustParse parses an inline template.
func mustParse(tb testing.TB, src string) *template.Template {
	tb.Helper()
	tpl, err := template.Parse([]byte(src))
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return tpl
}

func TestRoutes(t *testing.T) {
	tpl := mustLoad(t)
	want := []template.Route{
		{Method: "GET", Path: "/articles", Function: "ReadFunction", Event: "ListArticles", Public: true},
		{Method: "GET", Path: "/articles/{slug}", Function: "ReadFunction", Event: "GetArticle", Public: true},
		{Method: "GET", Path: "/categories", Function: "ReadFunction", Event: "ListCategories", Public: true},
		{Method: "GET", Path: "/links", Function: "ReadFunction", Event: "ListLinks", Public: true},
		{Method: "GET", Path: "/articles/popular", Function: "ReadFunction", Event: "ListPopular", Public: true},
		{Method: "POST", Path: "/articles/{slug}/views", Function: "ViewsFunction", Event: "CountView", Public: true},
		{Method: "ANY", Path: "/articles/{slug}/views", Function: "ViewsFunction", Event: "ViewsOtherMethods", Public: true},
	}
	got := tpl.Routes()
	for _, w := range want {
		if !contains(got, w) {
			t.Errorf("Routes() lacks %+v; got %+v", w, got)
		}
	}
	if err := tpl.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
	for _, r := range got {
		if r.Event == "GetArticle" && r.RouteKey() != "GET /articles/{slug}" {
			t.Errorf("RouteKey() = %q, want %q", r.RouteKey(), "GET /articles/{slug}")
		}
	}
	// Every /admin route is behind the authorizer; nothing else is.
	for _, r := range got {
		if admin := strings.HasPrefix(r.Path, "/admin/"); admin == r.Public {
			t.Errorf("%s: Public = %v; want %v", r.RouteKey(), r.Public, !admin)
		}
	}
}

func contains(routes []template.Route, r template.Route) bool {
	for _, x := range routes {
		if x == r {
			return true
		}
	}
	return false
}

func TestFunctions(t *testing.T) {
	tpl := mustLoad(t)
	fns := tpl.Functions()
	if len(fns) == 0 {
		t.Fatal("Functions() = [], want ReadFunction among them")
	}
	routed := map[string]bool{}
	for _, r := range tpl.Routes() {
		routed[r.Function] = true
	}
	consumers, err := tpl.StreamConsumers()
	if err != nil {
		t.Fatal(err)
	}
	fed := map[string]bool{}
	for _, c := range consumers {
		fed[c.Function] = true
	}
	buckets, err := tpl.BucketConsumers()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range buckets {
		if fed[c.Function] || routed[c.Function] {
			t.Errorf("function %s takes a bucket's events and also routes or a stream; one concern per function", c.Function)
		}
		fed[c.Function] = true
	}
	for _, fn := range fns {
		if !routed[fn] && !fed[fn] {
			t.Errorf("function %s has no HttpApi route and reads no stream or bucket", fn)
		}
		if routed[fn] && fed[fn] {
			t.Errorf("function %s both serves routes and reads the stream; one concern per function", fn)
		}
	}
	if !fed["IndexerFunction"] {
		t.Errorf("IndexerFunction reads no stream; consumers %+v", consumers)
	}
	if !routed["ReadFunction"] {
		t.Errorf("Functions() = %v, want ReadFunction among them", fns)
	}
}

// TestTagsSurvive checks the reason for the yaml.Node walk: a plain decode
// reads `ApiId: !Ref HttpApi` as the string "HttpApi".
func TestTagsSurvive(t *testing.T) {
	tpl := mustLoad(t)
	for _, r := range tpl.Routes() {
		got, ok := tpl.Lookup("Resources", r.Function, "Properties", "Events", r.Event, "Properties", "ApiId")
		want := template.Intrinsic{Tag: "!Ref", Value: "HttpApi"}
		if !ok || got != want {
			t.Errorf("%s.%s ApiId = %#v, want %#v", r.Function, r.Event, got, want)
		}
	}
	arn, _ := tpl.Lookup("Resources", "HttpApi", "Properties", "AccessLogSettings", "DestinationArn")
	if want := (template.Intrinsic{Tag: "!GetAtt", Value: "AccessLogGroup.Arn"}); arn != want {
		t.Errorf("DestinationArn = %#v, want %#v", arn, want)
	}

	// The naive decode, for contrast: the tag is gone.
	var naive map[string]map[string]string
	if err := yaml.Unmarshal([]byte("Properties: {ApiId: !Ref HttpApi}"), &naive); err != nil {
		t.Fatal(err)
	}
	if got := naive["Properties"]["ApiId"]; got != "HttpApi" {
		t.Errorf("naive decode gave %q; this test's premise no longer holds", got)
	}
}

func TestLookupLongForm(t *testing.T) {
	tpl := mustParse(t, `{"Resources": {"A": {"Type": "X", "Properties": {
		"R": {"Ref": "HttpApi"}, "G": {"Fn::GetAtt": ["Table", "Arn"]}, "N": 3, "S": [a, !Sub "x${A}"]}}}}`)
	tests := []struct {
		key  string
		want any
	}{
		{"R", template.Intrinsic{Tag: "!Ref", Value: "HttpApi"}},
		{"G", template.Intrinsic{Tag: "!GetAtt", Value: []any{"Table", "Arn"}}},
		{"N", 3},
		{"S", []any{"a", template.Intrinsic{Tag: "!Sub", Value: "x${A}"}}},
	}
	for _, tt := range tests {
		got, ok := tpl.Lookup("Resources", "A", "Properties", tt.key)
		if !ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Lookup(%s) = %#v, %v; want %#v", tt.key, got, ok, tt.want)
		}
	}
	if _, ok := tpl.Lookup("Resources", "A", "Nope"); ok {
		t.Errorf("Lookup of a missing key: ok = true")
	}
}

// TestCursorSecret pins the dynamic reference's form: cfn-lint does not look
// inside a !Sub-built reference, so a typo there would only fail at deploy.
// TestSecretSeparation: cursor keys and voter keys live in two secrets;
// each function gets the id of the secrets it needs (never a value
// resolved into its environment) and GetSecretValue on exactly those; the
// views function reads none, read and admin no voter keys.
func TestSecretSeparation(t *testing.T) {
	tpl := mustLoad(t)
	for _, id := range []string{"CursorKeys", "VoterKeys", "AppSecret"} {
		if typ := tpl.ResourceType(id); typ != "AWS::SecretsManager::Secret" {
			t.Errorf("%s type = %q; want a secret", id, typ)
		}
	}
	want := map[string][]string{
		"ReadFunction":    {"CursorKeys"},
		"AdminFunction":   {"CursorKeys"},
		"SiteFunction":    {"CursorKeys", "VoterKeys"},
		"PollsFunction":   {"CursorKeys", "VoterKeys"},
		"ViewsFunction":   nil,
		"IndexerFunction": nil,
		"ConsoleFunction": nil,
	}
	vars := map[string]string{"CursorKeys": "CURSOR_KEYS_SECRET_ID", "VoterKeys": "VOTER_KEYS_SECRET_ID"}
	for fn, secrets := range want {
		env, _ := tpl.Lookup("Resources", fn, "Properties", "Environment", "Variables")
		envMap, _ := env.(map[string]any)
		for name, v := range envMap {
			if strings.Contains(fmt.Sprint(v), "resolve:secretsmanager") || name == "CURSOR_SECRET" || name == "VOTER_SECRET" {
				t.Errorf("%s: %s = %v: a secret's value in the environment", fn, name, v)
			}
		}
		var read []string
		policies, _ := tpl.Lookup("Resources", fn, "Properties", "Policies")
		for _, p := range asList(policies) {
			stmts, _ := p.(map[string]any)["Statement"]
			for _, st := range asList(stmts) {
				m, _ := st.(map[string]any)
				if fmt.Sprint(m["Action"]) == "secretsmanager:GetSecretValue" {
					read = append(read, fmt.Sprint(m["Resource"]))
				}
			}
		}
		var wantRead []string
		for _, sec := range secrets {
			wantRead = append(wantRead, template.Intrinsic{Tag: "!Ref", Value: sec}.String())
			if got := envMap[vars[sec]]; got != (template.Intrinsic{Tag: "!Ref", Value: sec}) {
				t.Errorf("%s: %s = %v; want !Ref %s", fn, vars[sec], got, sec)
			}
		}
		for sec, name := range vars {
			if _, ok := envMap[name]; ok && !slices.Contains(secrets, sec) {
				t.Errorf("%s: has %s, which it does not need", fn, name)
			}
		}
		if !slices.Equal(read, wantRead) {
			t.Errorf("%s: GetSecretValue on %v; want %v", fn, read, wantRead)
		}
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"not yaml", "a: [", "parse template"},
		{"no resources", "Parameters: {}", "Resources: want a mapping"},
		{"no type", "Resources: {A: {Properties: {}}}", "resource A: Type"},
		{"tagged path", `Resources: {F: {Type: AWS::Serverless::Function, Properties: {Events: {E: {Type: HttpApi, Properties: {Method: GET, Path: !Sub "/x"}}}}}}`, "event E: property Path"},
		{"unknown api", `Resources: {F: {Type: AWS::Serverless::Function, Properties: {Events: {E: {Type: HttpApi, Properties: {ApiId: !Ref Nope, Method: GET, Path: /x}}}}}}`, `no resource "Nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := template.Parse([]byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
