// Package mediaenv reads the media functions' configuration from their
// environment. It is apart from lambdaenv so that only the media functions
// link the S3 client: every other function's bootstrap stays without it
// (the layering test holds this).
package mediaenv

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"eportal/internal/bucket"
)

// Media is the configuration of the media functions.
type Media struct {
	Bucket *bucket.Bucket // MEDIA_BUCKET
	// BaseURL is MEDIA_BASE_URL: media/<id>/<slot> is served at
	// <base>/<id>/<slot>. A path (/media) is on the site's own origin, the
	// edge; an absolute URL names another.
	BaseURL string
}

// Load reads MEDIA_BUCKET and MEDIA_BASE_URL and builds the S3 client,
// without any call. With AWS_ENDPOINT_URL_S3 set (an S3-compatible store
// such as make run's) it addresses the bucket path-style. It fails, naming
// the variable, when one is missing or malformed.
func Load(ctx context.Context) (*Media, error) {
	name := os.Getenv("MEDIA_BUCKET")
	if name == "" {
		return nil, fmt.Errorf("MEDIA_BUCKET is not set")
	}
	base := os.Getenv("MEDIA_BASE_URL")
	u, err := url.Parse(base)
	absolute := err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
	path := err == nil && u.Scheme == "" && u.Host == "" && strings.HasPrefix(base, "/") && !strings.HasPrefix(base, "//")
	if !absolute && !path {
		return nil, fmt.Errorf("MEDIA_BASE_URL: want a path such as /media or an absolute http(s) URL, got %q", base)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = os.Getenv("AWS_ENDPOINT_URL_S3") != ""
	})
	return &Media{Bucket: bucket.New(client, name), BaseURL: base}, nil
}
