package template_test

import (
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"eportal/infra/template"
)

// Managed CloudFront policies the distribution uses (their ids are fixed by
// AWS: "Use managed cache policies", "Use managed origin request policies").
const (
	cachingDisabled           = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	allViewerExceptHostHeader = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
)

// TestEdgeOnlyWhenEnabled: with EnableEdge at its default, "false", the
// stack has no CloudFront resource and no edge output.
func TestEdgeOnlyWhenEnabled(t *testing.T) {
	tpl := mustLoad(t)
	wantValue(t, tpl, "false", "Parameters", "EnableEdge", "Default")
	wantValue(t, tpl, template.Intrinsic{Tag: "!Equals", Value: []any{ref("EnableEdge"), "true"}}, "Conditions", "EdgeEnabled")
	var edge []string
	for _, typ := range []string{"AWS::CloudFront::Distribution", "AWS::CloudFront::CachePolicy", "AWS::CloudFront::Function",
		"AWS::CloudFront::OriginRequestPolicy", "AWS::CloudFront::OriginAccessControl", "AWS::WAFv2::WebACL"} {
		edge = append(edge, tpl.ResourcesOfType(typ)...)
	}
	slices.Sort(edge)
	if want := []string{"EdgeCachePolicy", "EdgeDistribution", "EdgeMediaOAC", "EdgeMediaPathFunction", "EdgePollCachePolicy", "EdgeViewerRequestFunction"}; !slices.Equal(edge, want) {
		t.Errorf("edge resources = %v; want %v", edge, want)
	}
	for _, id := range edge {
		wantValue(t, tpl, "EdgeEnabled", "Resources", id, "Condition")
	}
	for _, out := range []string{"EdgeDomainName", "EdgeDistributionId"} {
		wantValue(t, tpl, "EdgeEnabled", "Outputs", out, "Condition")
	}
	wantValue(t, tpl, template.Intrinsic{Tag: "!GetAtt", Value: "EdgeDistribution.DomainName"}, "Outputs", "EdgeDomainName", "Value")
}

// TestEdgeDistribution: HTTPS, HTTP/2 and /3, compression, the API as
// origin, and a behaviour per kind of route: cached by the origin's
// headers; polls keyed by the voter; /admin never cached, with Authorization
// forwarded.
func TestEdgeDistribution(t *testing.T) {
	tpl := mustLoad(t)
	cfg := func(keys ...string) []string {
		return append([]string{"Resources", "EdgeDistribution", "Properties", "DistributionConfig"}, keys...)
	}
	wantValue(t, tpl, "http2and3", cfg("HttpVersion")...)
	wantValue(t, tpl, template.Intrinsic{Tag: "!If", Value: []any{"EdgeHasWebACL", ref("EdgeWebACLArn"), ref("AWS::NoValue")}}, cfg("WebACLId")...)
	wantValue(t, tpl, template.Intrinsic{Tag: "!If", Value: []any{"EdgeHasDomain", []any{ref("EdgeDomainName")}, ref("AWS::NoValue")}}, cfg("Aliases")...)
	cert, _ := tpl.Lookup(cfg("ViewerCertificate")...)
	if c, _ := cert.(template.Intrinsic); c.Tag != "!If" || !reflect.DeepEqual(c.Value, []any{"EdgeHasDomain",
		map[string]any{"AcmCertificateArn": ref("EdgeCertificateArn"), "SslSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"},
		map[string]any{"CloudFrontDefaultCertificate": true}}) {
		t.Errorf("ViewerCertificate = %#v", cert)
	}
	origins, _ := tpl.Lookup(cfg("Origins")...)
	if list, _ := origins.([]any); len(list) == 2 {
		media := map[string]any{"Id": "media", "DomainName": template.Intrinsic{Tag: "!GetAtt", Value: "MediaBucket.RegionalDomainName"},
			"OriginAccessControlId": template.Intrinsic{Tag: "!GetAtt", Value: "EdgeMediaOAC.Id"},
			"S3OriginConfig":        map[string]any{"OriginAccessIdentity": ""}}
		if !reflect.DeepEqual(list[1], media) {
			t.Errorf("second origin = %#v; want the media bucket through EdgeMediaOAC", list[1])
		}
		origins = list[:1]
	}
	if want := []any{map[string]any{"Id": "api",
		"DomainName":         template.Intrinsic{Tag: "!Sub", Value: "${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"},
		"CustomOriginConfig": map[string]any{"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": []any{"TLSv1.2"}},
		"OriginCustomHeaders": template.Intrinsic{Tag: "!If", Value: []any{"EdgeHasOriginSecret", // TestEdgeOriginSecret
			[]any{map[string]any{"HeaderName": "X-Edge-Secret", "HeaderValue": ref("EdgeOriginSecret")}}, ref("AWS::NoValue")}},
	}}; !reflect.DeepEqual(origins, want) {
		t.Errorf("Origins = %#v; want the API's execute-api host over HTTPS", origins)
	}

	behaviours := map[string]map[string]any{}
	def, _ := tpl.Lookup(cfg("DefaultCacheBehavior")...)
	behaviours["default"], _ = def.(map[string]any)
	list, _ := tpl.Lookup(cfg("CacheBehaviors")...)
	var media map[string]any
	for _, b := range list.([]any) {
		b, _ := b.(map[string]any)
		if b["PathPattern"] == sub("${BasePath}/media/*") {
			media = b
			continue
		}
		path, _ := b["PathPattern"].(string)
		behaviours[path] = b
	}
	// The variants: from the bucket, GET and HEAD only, cached as their
	// Cache-Control says, the BasePath removed from the key.
	if want := map[string]any{"PathPattern": sub("${BasePath}/media/*"), "TargetOriginId": "media",
		"ViewerProtocolPolicy": "redirect-to-https", "AllowedMethods": []any{"GET", "HEAD"}, "CachedMethods": []any{"GET", "HEAD"},
		"Compress": false, "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
		"FunctionAssociations": []any{map[string]any{"EventType": "viewer-request",
			"FunctionARN": template.Intrinsic{Tag: "!GetAtt", Value: "EdgeMediaPathFunction.FunctionMetadata.FunctionARN"}}},
	}; !reflect.DeepEqual(media, want) {
		t.Errorf("media behaviour = %#v\nwant %#v", media, want)
	}
	want := map[string]any{
		"default":      ref("EdgeCachePolicy"),
		"/admin/*":     cachingDisabled,
		"/binh-chon/*": ref("EdgePollCachePolicy"),
		"/polls/*":     ref("EdgePollCachePolicy"),
	}
	if len(behaviours) != len(want) {
		t.Errorf("behaviours = %v; want %v", behaviourPaths(behaviours), want)
	}
	allMethods := []any{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
	for path, policy := range want {
		b := behaviours[path]
		if b == nil {
			t.Errorf("no behaviour for %s", path)
			continue
		}
		if b["CachePolicyId"] != policy || b["OriginRequestPolicyId"] != allViewerExceptHostHeader ||
			b["ViewerProtocolPolicy"] != "redirect-to-https" || b["Compress"] != true || b["TargetOriginId"] != "api" ||
			!reflect.DeepEqual(b["AllowedMethods"], allMethods) || !reflect.DeepEqual(b["CachedMethods"], []any{"GET", "HEAD"}) {
			t.Errorf("%s behaviour = %#v; want cache policy %v, AllViewerExceptHostHeader, HTTPS, compressed, every method", path, b, policy)
		}
		fns, _ := b["FunctionAssociations"].([]any)
		if len(fns) != 1 || !reflect.DeepEqual(fns[0], map[string]any{"EventType": "viewer-request",
			"FunctionARN": template.Intrinsic{Tag: "!GetAtt", Value: "EdgeViewerRequestFunction.FunctionMetadata.FunctionARN"}}) {
			t.Errorf("%s behaviour functions = %#v; want the viewer-request function", path, fns)
		}
	}
}

func behaviourPaths(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestEdgeCachePolicies: the origin's Cache-Control rules (TTLs 0 unless
// the origin says otherwise), every query string is in the key, no cookie
// but the voter's on poll routes.
func TestEdgeCachePolicies(t *testing.T) {
	tpl := mustLoad(t)
	for id, want := range map[string]struct {
		headers, cookies any
		cookieBehavior   string
	}{
		"EdgeCachePolicy":     {[]any{"Origin"}, nil, "none"},
		"EdgePollCachePolicy": {[]any{"Origin", "X-Voter-Token"}, []any{"eportal_voter"}, "whitelist"},
	} {
		p := func(keys ...string) []string {
			return append([]string{"Resources", id, "Properties", "CachePolicyConfig"}, keys...)
		}
		wantValue(t, tpl, 0, p("MinTTL")...)
		wantValue(t, tpl, 0, p("DefaultTTL")...)
		wantValue(t, tpl, 31536000, p("MaxTTL")...)
		k := p("ParametersInCacheKeyAndForwardedToOrigin")
		wantValue(t, tpl, true, append(k, "EnableAcceptEncodingGzip")...)
		wantValue(t, tpl, true, append(k, "EnableAcceptEncodingBrotli")...)
		wantValue(t, tpl, "all", append(k, "QueryStringsConfig", "QueryStringBehavior")...)
		wantValue(t, tpl, "whitelist", append(k, "HeadersConfig", "HeaderBehavior")...)
		wantValue(t, tpl, want.headers, append(k, "HeadersConfig", "Headers")...)
		wantValue(t, tpl, want.cookieBehavior, append(k, "CookiesConfig", "CookieBehavior")...)
		got, _ := tpl.Lookup(append(k, "CookiesConfig", "Cookies")...)
		if !reflect.DeepEqual(got, want.cookies) {
			t.Errorf("%s cookies in the key = %v; want %v", id, got, want.cookies)
		}
	}
	code, _ := lookup(t, tpl, "Resources", "EdgeViewerRequestFunction", "Properties", "FunctionCode").(string)
	for _, s := range []string{"'x-forwarded-host'", "request.headers.host", "'x-viewer-address'", "event.viewer.ip"} {
		if !strings.Contains(code, s) {
			t.Errorf("viewer-request function lacks %s:\n%s", s, code)
		}
	}
}

// TestEdgeParameters: the web ACL and the certificate can only come from
// us-east-1 (CloudFront's region); both are optional.
func TestEdgeParameters(t *testing.T) {
	tpl := mustLoad(t)
	for name, cases := range map[string]map[string]bool{
		"EdgeWebACLArn": {
			"": true,
			"arn:aws:wafv2:us-east-1:123456789012:global/webacl/eportal-edge/0f3e8a9c-1111-2222-3333-444455556666":        true,
			"arn:aws:wafv2:ap-southeast-1:123456789012:regional/webacl/eportal-edge/0f3e8a9c-1111-2222-3333-444455556666": false,
			"eportal-edge": false,
		},
		"EdgeCertificateArn": {
			"": true,
			"arn:aws:acm:us-east-1:123456789012:certificate/0f3e8a9c-1111-2222-3333-444455556666":      true,
			"arn:aws:acm:ap-southeast-1:123456789012:certificate/0f3e8a9c-1111-2222-3333-444455556666": false,
		},
		"EdgeDomainName": {"": true, "portal.quangnam.gov.vn": true, "https://portal.quangnam.gov.vn": false, "localhost": false},
	} {
		wantValue(t, tpl, "", "Parameters", name, "Default")
		pattern, _ := lookup(t, tpl, "Parameters", name, "AllowedPattern").(string)
		re := regexp.MustCompile(`^(?:` + pattern + `)$`)
		for s, ok := range cases {
			if re.MatchString(s) != ok {
				t.Errorf("%s %q allowed = %v; want %v", name, s, !ok, ok)
			}
		}
	}
}

// TestEditorSignIn: the hosted UI's domain (when its prefix is set) and the
// authorization-code client beside the original one, both accepted by the
// API's JWT authorizer.
func TestEditorSignIn(t *testing.T) {
	tpl := mustLoad(t)
	wantValue(t, tpl, "HasAuthDomain", "Resources", "UserPoolDomain", "Condition")
	wantValue(t, tpl, "AWS::Cognito::UserPoolDomain", "Resources", "UserPoolDomain", "Type")
	wantValue(t, tpl, ref("AuthDomainPrefix"), "Resources", "UserPoolDomain", "Properties", "Domain")
	wantValue(t, tpl, ref("UserPool"), "Resources", "UserPoolDomain", "Properties", "UserPoolId")
	wantValue(t, tpl, "HasAuthDomain", "Outputs", "AuthDomain", "Condition")

	if got := tpl.ResourcesOfType("AWS::Cognito::UserPoolClient"); !slices.Equal(got, []string{"EditorWebClient", "UserPoolClient"}) {
		t.Errorf("app clients = %v", got)
	}
	p := func(key string) []string { return []string{"Resources", "EditorWebClient", "Properties", key} }
	wantValue(t, tpl, false, p("GenerateSecret")...)
	wantValue(t, tpl, true, p("AllowedOAuthFlowsUserPoolClient")...)
	wantValue(t, tpl, []any{"code"}, p("AllowedOAuthFlows")...)
	wantValue(t, tpl, []any{"openid", "email", "profile"}, p("AllowedOAuthScopes")...)
	wantValue(t, tpl, ref("AuthCallbackURLs"), p("CallbackURLs")...)
	wantValue(t, tpl, ref("AuthLogoutURLs"), p("LogoutURLs")...)
	wantValue(t, tpl, []any{"COGNITO"}, p("SupportedIdentityProviders")...)
	wantValue(t, tpl, []any{"ALLOW_REFRESH_TOKEN_AUTH"}, p("ExplicitAuthFlows")...)
	wantValue(t, tpl, []any{ref("UserPoolClient"), ref("EditorWebClient")},
		"Resources", "HttpApi", "Properties", "Auth", "Authorizers", "CognitoAuthorizer", "JwtConfiguration", "audience")
}

// TestWAFTemplate: the web ACL the edge takes (infra/edge/waf.yaml, in
// us-east-1): CloudFront scope, a per-IP rate rule that blocks, and the AWS
// managed common rule set.
func TestWAFTemplate(t *testing.T) {
	path, err := template.Find()
	if err != nil {
		t.Fatal(err)
	}
	waf, err := template.Load(filepath.Join(filepath.Dir(path), "infra", "edge", "waf.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := waf.ResourcesOfType("AWS::WAFv2::WebACL"); !slices.Equal(got, []string{"WebACL"}) {
		t.Fatalf("web ACLs = %v", got)
	}
	wantValue(t, waf, "CLOUDFRONT", "Resources", "WebACL", "Properties", "Scope")
	wantValue(t, waf, template.Intrinsic{Tag: "!GetAtt", Value: "WebACL.Arn"}, "Outputs", "WebACLArn", "Value")
	rules, _ := waf.Lookup("Resources", "WebACL", "Properties", "Rules")
	var rate, common bool
	for _, r := range rules.([]any) {
		r, _ := r.(map[string]any)
		st, _ := r["Statement"].(map[string]any)
		if rb, ok := st["RateBasedStatement"].(map[string]any); ok {
			rate = rb["AggregateKeyType"] == "IP" && rb["Limit"] == ref("RequestsPerIP") &&
				reflect.DeepEqual(r["Action"], map[string]any{"Block": map[string]any{}})
		}
		if mg, ok := st["ManagedRuleGroupStatement"].(map[string]any); ok {
			common = mg["VendorName"] == "AWS" && mg["Name"] == "AWSManagedRulesCommonRuleSet" &&
				reflect.DeepEqual(r["OverrideAction"], map[string]any{"None": map[string]any{}})
		}
	}
	if !rate || !common {
		t.Errorf("rules: per-IP rate rule %v, common rule set %v; want both", rate, common)
	}
}

// TestEdgeOriginSecret: with a secret set, the distribution sends it to the
// API in X-Edge-Secret, and the two functions that dedupe by address (views,
// polls) get it, so that they trust the edge's X-Viewer-Address and nothing
// else's; without it, the header is not sent and the functions get "".
func TestEdgeOriginSecret(t *testing.T) {
	tpl := mustLoad(t)
	wantValue(t, tpl, true, "Parameters", "EdgeOriginSecret", "NoEcho")
	wantValue(t, tpl, "", "Parameters", "EdgeOriginSecret", "Default")
	wantValue(t, tpl, template.Intrinsic{Tag: "!And", Value: []any{
		template.Intrinsic{Tag: "!Condition", Value: "EdgeEnabled"},
		template.Intrinsic{Tag: "!Not", Value: []any{template.Intrinsic{Tag: "!Equals", Value: []any{ref("EdgeOriginSecret"), ""}}}},
	}}, "Conditions", "EdgeHasOriginSecret")
	origins, _ := tpl.Lookup("Resources", "EdgeDistribution", "Properties", "DistributionConfig", "Origins")
	list, _ := origins.([]any)
	if len(list) != 2 {
		t.Fatalf("origins = %v; want the API and the media bucket", origins)
	}
	headers := list[0].(map[string]any)["OriginCustomHeaders"]
	want := template.Intrinsic{Tag: "!If", Value: []any{"EdgeHasOriginSecret",
		[]any{map[string]any{"HeaderName": "X-Edge-Secret", "HeaderValue": ref("EdgeOriginSecret")}}, ref("AWS::NoValue")}}
	if !reflect.DeepEqual(headers, want) {
		t.Errorf("OriginCustomHeaders = %#v; want %#v", headers, want)
	}
	env := template.Intrinsic{Tag: "!If", Value: []any{"EdgeHasOriginSecret", ref("EdgeOriginSecret"), ""}}
	for _, fn := range []string{"ViewsFunction", "PollsFunction"} {
		wantValue(t, tpl, env, "Resources", fn, "Properties", "Environment", "Variables", "EDGE_ORIGIN_SECRET")
	}
	for _, fn := range []string{"ReadFunction", "SiteFunction", "AdminFunction"} {
		if v, ok := tpl.Lookup("Resources", fn, "Properties", "Environment", "Variables", "EDGE_ORIGIN_SECRET"); ok {
			t.Errorf("%s gets EDGE_ORIGIN_SECRET (%v); it dedupes no address", fn, v)
		}
	}
}

// TestConsoleFunction: the editors' console has no policy (no table, no
// secret), public routes only under /quan-tri, and learns where to sign in
// from the editors' client and the sign-in parameters.
func TestConsoleFunction(t *testing.T) {
	tpl := mustLoad(t)
	if v, ok := tpl.Lookup("Resources", "ConsoleFunction", "Properties", "Policies"); ok {
		t.Errorf("ConsoleFunction has policies %v; want none", v)
	}
	p := func(name string) []string {
		return []string{"Resources", "ConsoleFunction", "Properties", "Environment", "Variables", name}
	}
	wantValue(t, tpl, ref("EditorWebClient"), p("AUTH_CLIENT_ID")...)
	wantValue(t, tpl, template.Intrinsic{Tag: "!Join", Value: []any{",", ref("AuthCallbackURLs")}}, p("AUTH_CALLBACK_URLS")...)
	wantValue(t, tpl, template.Intrinsic{Tag: "!Join", Value: []any{",", ref("AuthLogoutURLs")}}, p("AUTH_LOGOUT_URLS")...)
	wantValue(t, tpl, ref("SiteURL"), p("SITE_URL")...)
	wantValue(t, tpl, template.Intrinsic{Tag: "!Sub", Value: "https://" + mediaBucketName + ".s3.${AWS::Region}.${AWS::URLSuffix}"}, p("MEDIA_UPLOAD_ORIGIN")...)
	wantValue(t, tpl, template.Intrinsic{Tag: "!If", Value: []any{"HasAuthDomain",
		template.Intrinsic{Tag: "!Sub", Value: "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"}, ""}}, p("AUTH_DOMAIN")...)
	var routes []string
	for _, r := range tpl.Routes() {
		if r.Function != "ConsoleFunction" {
			continue
		}
		routes = append(routes, r.RouteKey())
		if !r.Public {
			t.Errorf("%s is behind the authorizer; the console signs in in the browser", r.RouteKey())
		}
	}
	want := []string{"GET /quan-tri", "GET /quan-tri/config.json", "GET /quan-tri/{proxy+}"}
	slices.Sort(routes)
	if !slices.Equal(routes, want) {
		t.Errorf("ConsoleFunction routes = %v; want %v", routes, want)
	}
}
