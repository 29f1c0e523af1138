package console_test

import (
	"strings"
	"testing"

	"eportal/internal/console"
)

// TestUploadOrigin: the media bucket's origin, where the browser PUTs
// uploads, is read from MEDIA_UPLOAD_ORIGIN (https://<host> only) and
// allowed by the Content-Security-Policy's connect-src; without it only
// the console's own origin and the sign-in domain are.
func TestUploadOrigin(t *testing.T) {
	const bucket = "https://eportal-media-123456789012-ap-southeast-1-prod.s3.ap-southeast-1.amazonaws.com"
	env := map[string]string{"MEDIA_UPLOAD_ORIGIN": bucket}
	cfg, _, err := console.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil || cfg.UploadOrigin != bucket {
		t.Fatalf("ConfigFromEnv = %+v, %v; want UploadOrigin %s", cfg, err, bucket)
	}
	for _, bad := range []string{"http://bucket.example", bucket + "/uploads", "bucket.s3.amazonaws.com", bucket + "?x=1"} {
		env["MEDIA_UPLOAD_ORIGIN"] = bad
		if _, _, err := console.ConfigFromEnv(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "MEDIA_UPLOAD_ORIGIN") {
			t.Errorf("MEDIA_UPLOAD_ORIGIN=%q: err = %v; want one naming it", bad, err)
		}
	}
	c := awsConfig
	c.UploadOrigin = bucket
	csp := serve(t, console.New(c), get("/quan-tri/", nil)).Headers["Content-Security-Policy"]
	if !strings.Contains(csp, "connect-src 'self' https://toa-soan.auth.ap-southeast-1.amazoncognito.com "+bucket+";") {
		t.Errorf("Content-Security-Policy %q; want connect-src to allow %s", csp, bucket)
	}
	csp = serve(t, console.New(awsConfig), get("/quan-tri/", nil)).Headers["Content-Security-Policy"]
	if strings.Contains(csp, "s3.") {
		t.Errorf("Content-Security-Policy %q without an upload origin names a bucket", csp)
	}
}
