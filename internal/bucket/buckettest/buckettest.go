// Package buckettest runs an in-process S3-compatible store (gofakes3) for
// tests: a real HTTP server the SDK and a plain net/http PUT both talk to.
package buckettest

import (
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"eportal/internal/bucket"
)

// Name is the name of the bucket Must creates.
const Name = "media"

// Store is a running fake S3 with one bucket.
type Store struct {
	Bucket *bucket.Bucket
	Client *s3.Client // the raw client, for checking what is stored
	URL    string     // the server's base URL
}

// Must starts a fake S3 with an empty bucket Name, stopped when tb ends.
func Must(tb testing.TB) *Store {
	tb.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(Name); err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	tb.Cleanup(srv.Close)
	client := NewClient(srv.URL)
	return &Store{Bucket: bucket.New(client, Name), Client: client, URL: srv.URL}
}

// NewClient returns an S3 client for the S3-compatible store at endpoint:
// path-style addressing, static development credentials.
func NewClient(endpoint string) *s3.Client {
	return s3.New(s3.Options{
		Region:       "ap-southeast-1",
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
}
