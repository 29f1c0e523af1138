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
	if len(stmts) != 1 || !strings.Contains(fmt.Sprint(stmts[0]), "aws:SecureTransport:false") || !strings.Contains(fmt.Sprint(stmts[0]), "Effect:Deny") {
		t.Errorf("MediaBucketPolicy statements %v; want one denying plain HTTP", stmts)
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
	wantValue(t, tpl, "/media", fn("Environment", "Variables", "MEDIA_BASE_URL")...)
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
