package template_test

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"eportal/infra/template"
)

// mediaBucketName is the media bucket's computed name, which the processor
// uses instead of !Ref (the notification ↔ function cycle).
const mediaBucketName = "eportal-media-${AWS::AccountId}-${AWS::Region}-${Stage}"

func sub(s string) template.Intrinsic { return template.Intrinsic{Tag: "!Sub", Value: s} }

// TestMediaBucket: encrypted, never public, owner-enforced, uploads
// expire, and only the configured origins may PUT across origins.
func TestMediaBucket(t *testing.T) {
	tpl := mustLoad(t)
	if typ := tpl.ResourceType("MediaBucket"); typ != "AWS::S3::Bucket" {
		t.Fatalf("MediaBucket type = %q", typ)
	}
	p := func(keys ...string) []string {
		return append([]string{"Resources", "MediaBucket", "Properties"}, keys...)
	}
	wantValue(t, tpl, "Retain", "Resources", "MediaBucket", "DeletionPolicy")
	wantValue(t, tpl, sub(mediaBucketName), p("BucketName")...)
	wantValue(t, tpl, []any{map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": true}},
		p("BucketEncryption", "ServerSideEncryptionConfiguration")...)
	for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		wantValue(t, tpl, true, p("PublicAccessBlockConfiguration", k)...)
	}
	wantValue(t, tpl, []any{map[string]any{"ObjectOwnership": "BucketOwnerEnforced"}}, p("OwnershipControls", "Rules")...)
	wantValue(t, tpl, []any{
		map[string]any{"Id": "ExpireAbandonedUploads", "Status": "Enabled", "Prefix": "uploads/", "ExpirationInDays": 1},
		map[string]any{"Id": "AbortIncompleteMultipartUploads", "Status": "Enabled", "AbortIncompleteMultipartUpload": map[string]any{"DaysAfterInitiation": 1}},
	}, p("LifecycleConfiguration", "Rules")...)
	wantValue(t, tpl, []any{map[string]any{"AllowedMethods": []any{"PUT"}, "AllowedOrigins": ref("CorsAllowOrigins"),
		"AllowedHeaders": []any{"Content-Type"}, "MaxAge": 600}}, p("CorsConfiguration", "CorsRules")...)
	// TLS only.
	stmts, _ := lookup(t, tpl, "Resources", "MediaBucketPolicy", "Properties", "PolicyDocument", "Statement").([]any)
	wantValue(t, tpl, ref("MediaBucket"), "Resources", "MediaBucketPolicy", "Properties", "Bucket")
	if len(stmts) != 2 || !strings.Contains(fmt.Sprint(stmts[0]), "aws:SecureTransport:false") || !strings.Contains(fmt.Sprint(stmts[0]), "Effect:Deny") {
		t.Fatalf("MediaBucketPolicy statements %v; want one denying plain HTTP, then the edge's", stmts)
	}
	// With the edge, its distribution (and no other) reads media/*, nothing
	// else of the bucket.
	wantEdge := template.Intrinsic{Tag: "!If", Value: []any{"EdgeEnabled", map[string]any{
		"Sid": "EdgeReadsVariants", "Effect": "Allow", "Principal": map[string]any{"Service": "cloudfront.amazonaws.com"},
		"Action": "s3:GetObject", "Resource": sub("${MediaBucket.Arn}/media/*"),
		"Condition": map[string]any{"StringEquals": map[string]any{
			"AWS:SourceArn": sub("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${EdgeDistribution}")}},
	}, ref("AWS::NoValue")}}
	if !reflect.DeepEqual(stmts[1], wantEdge) {
		t.Errorf("MediaBucketPolicy's second statement = %#v; want %#v", stmts[1], wantEdge)
	}
	if got := tpl.ResourcesOfType("AWS::S3::Bucket"); !slices.Equal(got, []string{"MediaBucket"}) {
		t.Errorf("buckets = %v; want [MediaBucket]", got)
	}
}

// TestMediaProcessor: fed by the bucket's uploads only, and allowed no more
// than its job: MEDIA# items, reading and deleting uploads/, writing and
// deleting media/.
func TestMediaProcessor(t *testing.T) {
	tpl := mustLoad(t)
	consumers, err := tpl.BucketConsumers()
	if err != nil {
		t.Fatal(err)
	}
	want := []template.BucketConsumer{{Function: "MediaProcessorFunction", Event: "Uploaded", Bucket: "MediaBucket", Events: "s3:ObjectCreated:*", Prefix: "uploads/"}}
	if !reflect.DeepEqual(consumers, want) {
		t.Errorf("BucketConsumers() = %+v; want %+v", consumers, want)
	}
	fn := func(keys ...string) []string {
		return append([]string{"Resources", "MediaProcessorFunction", "Properties"}, keys...)
	}
	wantValue(t, tpl, sub(mediaBucketName), fn("Environment", "Variables", "MEDIA_BUCKET")...)
	wantValue(t, tpl, sub("${BasePath}/media"), fn("Environment", "Variables", "MEDIA_BASE_URL")...)
	wantValue(t, tpl, ref("MediaProcessorFunctionLogGroup"), fn("LoggingConfig", "LogGroup")...)
	wantValue(t, tpl, 60, fn("Timeout")...)

	policies, _ := lookup(t, tpl, fn("Policies")...).([]any)
	if len(policies) != 1 {
		t.Fatalf("Policies = %v; want one inline policy", policies)
	}
	doc, _ := policies[0].(map[string]any)
	stmts, _ := doc["Statement"].([]any)
	got := map[string]map[string]any{}
	for _, s := range stmts {
		s, _ := s.(map[string]any)
		got[fmt.Sprint(s["Sid"])] = s
	}
	object := func(prefix string) template.Intrinsic {
		return sub("arn:${AWS::Partition}:s3:::" + mediaBucketName + "/" + prefix + "*")
	}
	wantStmts := map[string]struct {
		actions  []any
		resource any
	}{
		"ReadAndFinishMediaItems": {[]any{"dynamodb:GetItem", "dynamodb:PutItem"}, nil},
		"ReadAndDeleteUploads":    {[]any{"s3:GetObject", "s3:DeleteObject"}, object("uploads/")},
		"WriteAndDeleteVariants":  {[]any{"s3:PutObject", "s3:DeleteObject"}, object("media/")},
	}
	if len(got) != len(wantStmts) {
		t.Errorf("statements %v; want exactly %d", slices.Sorted(maps.Keys(got)), len(wantStmts))
	}
	for sid, w := range wantStmts {
		s, ok := got[sid]
		if !ok {
			t.Errorf("no statement %s", sid)
			continue
		}
		if s["Effect"] != "Allow" || !reflect.DeepEqual(s["Action"], w.actions) {
			t.Errorf("%s: %v %v; want Allow %v", sid, s["Effect"], s["Action"], w.actions)
		}
		if w.resource != nil && !reflect.DeepEqual(s["Resource"], w.resource) {
			t.Errorf("%s: Resource %v; want %v", sid, s["Resource"], w.resource)
		}
	}
	cond := fmt.Sprint(got["ReadAndFinishMediaItems"]["Condition"])
	if cond != "map[ForAllValues:StringLike:map[dynamodb:LeadingKeys:[MEDIA#*]]]" {
		t.Errorf("ReadAndFinishMediaItems condition %s; want MEDIA#* leading keys only", cond)
	}
}

// TestMediaFunction: the /admin/media routes behind the API's JWT
// authorizer, and a role limited to MEDIA# items, the library index's
// MEDIA partition, reading articles' titles, the cursor keys, presigning
// and deleting uploads/, and deleting media/.
func TestMediaFunction(t *testing.T) {
	tpl := mustLoad(t)
	var routes []string
	for _, r := range tpl.Routes() {
		if r.Function == "MediaFunction" {
			routes = append(routes, r.RouteKey())
			if r.Public {
				t.Errorf("%s is public; want the JWT authorizer", r.RouteKey())
			}
		}
	}
	slices.Sort(routes)
	if want := []string{"DELETE /admin/media/{id}", "GET /admin/media", "GET /admin/media/{id}", "POST /admin/media"}; !slices.Equal(routes, want) {
		t.Errorf("MediaFunction routes = %v; want %v", routes, want)
	}
	fn := func(keys ...string) []string {
		return append([]string{"Resources", "MediaFunction", "Properties"}, keys...)
	}
	wantValue(t, tpl, sub(mediaBucketName), fn("Environment", "Variables", "MEDIA_BUCKET")...)
	wantValue(t, tpl, sub("${BasePath}/media"), fn("Environment", "Variables", "MEDIA_BASE_URL")...)
	wantValue(t, tpl, ref("CursorKeys"), fn("Environment", "Variables", "CURSOR_KEYS_SECRET_ID")...)
	wantValue(t, tpl, ref("MediaFunctionLogGroup"), fn("LoggingConfig", "LogGroup")...)
	policies, _ := lookup(t, tpl, fn("Policies")...).([]any)
	if len(policies) != 1 {
		t.Fatalf("Policies = %v; want one inline policy", policies)
	}
	doc, _ := policies[0].(map[string]any)
	stmts, _ := doc["Statement"].([]any)
	got := map[string]map[string]any{}
	for _, s := range stmts {
		s, _ := s.(map[string]any)
		got[fmt.Sprint(s["Sid"])] = s
	}
	object := func(prefix string) template.Intrinsic {
		return sub("arn:${AWS::Partition}:s3:::" + mediaBucketName + "/" + prefix + "*")
	}
	wantStmts := map[string]struct {
		actions   any
		resource  any
		condition string
	}{
		"MediaItems": {[]any{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}, nil,
			"map[ForAllValues:StringLike:map[dynamodb:LeadingKeys:[MEDIA#*]]]"},
		"ReadArticleTitles":       {"dynamodb:BatchGetItem", nil, "map[ForAllValues:StringLike:map[dynamodb:LeadingKeys:[ART#*]]]"},
		"MediaLibraryIndex":       {"dynamodb:Query", nil, "map[ForAllValues:StringEquals:map[dynamodb:LeadingKeys:[MEDIA]]]"},
		"ReadCursorKeys":          {"secretsmanager:GetSecretValue", ref("CursorKeys"), "<nil>"},
		"PresignAndDeleteUploads": {[]any{"s3:PutObject", "s3:DeleteObject"}, object("uploads/"), "<nil>"},
		"DeleteVariants":          {"s3:DeleteObject", object("media/"), "<nil>"},
	}
	if len(got) != len(wantStmts) {
		t.Errorf("statements %v; want exactly %d", slices.Sorted(maps.Keys(got)), len(wantStmts))
	}
	for sid, w := range wantStmts {
		s, ok := got[sid]
		if !ok {
			t.Errorf("no statement %s", sid)
			continue
		}
		if s["Effect"] != "Allow" || !reflect.DeepEqual(s["Action"], w.actions) {
			t.Errorf("%s: %v %v; want Allow %v", sid, s["Effect"], s["Action"], w.actions)
		}
		if w.resource != nil && !reflect.DeepEqual(s["Resource"], w.resource) {
			t.Errorf("%s: Resource %v; want %v", sid, s["Resource"], w.resource)
		}
		if c := fmt.Sprint(s["Condition"]); c != w.condition {
			t.Errorf("%s: Condition %s; want %s", sid, c, w.condition)
		}
	}
}
