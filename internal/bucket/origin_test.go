package bucket_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"eportal/internal/bucket"
)

// TestPresignOrigin: on AWS (no endpoint override) a presigned upload URL is
// virtual-hosted, https://<bucket>.s3.<region>.amazonaws.com: the origin
// template.yaml gives the console as MEDIA_UPLOAD_ORIGIN for its
// Content-Security-Policy.
func TestPresignOrigin(t *testing.T) {
	const name = "eportal-media-123456789012-ap-southeast-1-prod"
	client := s3.New(s3.Options{Region: "ap-southeast-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
	u, err := bucket.New(client, name).PresignPut(context.Background(), "uploads/k3mzq4xta7b2c5d6", "image/png", 10, 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := parsed.Scheme+"://"+parsed.Host, "https://"+name+".s3.ap-southeast-1.amazonaws.com"; got != want {
		t.Errorf("presigned URL's origin = %s; want %s", got, want)
	}
	if parsed.Path != "/uploads/k3mzq4xta7b2c5d6" {
		t.Errorf("path = %s", parsed.Path)
	}
}
