// Package internal_test holds the test of the arrows between eportal's
// packages (docs/architecture.md, "Packages and their arrows").
package internal_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering fails when a package imports, directly or not, what its
// layer must not: the handlers speak the domain, never the adapter or the
// AWS SDK; the domain imports nothing of AWS.
func TestLayering(t *testing.T) {
	forbidden := map[string][]string{
		"eportal/internal/readapi":  {"eportal/internal/dynamo", "github.com/aws/aws-sdk-go-v2"},
		"eportal/internal/viewsapi": {"eportal/internal/dynamo", "github.com/aws/aws-sdk-go-v2"},
		"eportal/internal/pollsapi": {"eportal/internal/dynamo", "github.com/aws/aws-sdk-go-v2"},
		"eportal/internal/site":     {"eportal/internal/dynamo", "github.com/aws/aws-sdk-go-v2"},
		"eportal/internal/adminapi": {"eportal/internal/dynamo", "github.com/aws/aws-sdk-go-v2"},
		"eportal/internal/mediaapi": {"eportal/internal/dynamo", "eportal/internal/bucket", "github.com/aws/aws-sdk-go-v2"},
		"eportal/internal/imaging":  {"github.com/aws/"},
		"eportal/internal/docfile":  {"github.com/aws/"},
		"eportal/internal/portal":   {"github.com/aws/"},
		// The console serves files: no store, no SDK, in its handler or its
		// function's wiring.
		"eportal/internal/console":  {"eportal/internal/dynamo", "eportal/internal/lambdaenv", "github.com/aws/aws-sdk-go-v2"},
		"eportal/functions/console": {"eportal/internal/dynamo", "eportal/internal/lambdaenv", "github.com/aws/aws-sdk-go-v2"},
		// Only the media functions link the S3 client (lambdaenv/mediaenv).
		"eportal/internal/lambdaenv": {"github.com/aws/aws-sdk-go-v2/service/s3", "eportal/internal/bucket"},
		// The site reads the OpenAPI document's JSON form (spec.JSON).
		"eportal/functions/site":  {"github.com/aws/aws-sdk-go-v2/service/s3", "go.yaml.in/yaml/v3"},
		"eportal/functions/read":  {"github.com/aws/aws-sdk-go-v2/service/s3"},
		"eportal/functions/admin": {"github.com/aws/aws-sdk-go-v2/service/s3"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 2 {
			t.Fatalf("go list -deps %s listed %v: too few to be right", pkg, deps)
		}
		for _, d := range deps {
			for _, b := range bad {
				if d == b || strings.HasPrefix(d, strings.TrimSuffix(b, "/")+"/") {
					t.Errorf("%s depends on %s", pkg, d)
				}
			}
		}
	}
}
