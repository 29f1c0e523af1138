// Package bucket is the S3 adapter of the media library: presigned uploads,
// reading an upload, writing (variants, and attachments with their
// Content-Disposition) and deleting objects. It translates S3 errors
// into portal errors, as package dynamo does DynamoDB's.
package bucket

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"eportal/internal/portal"
)

// Bucket is one S3 bucket. Create it with New.
type Bucket struct {
	client  *s3.Client
	presign *s3.PresignClient
	name    string
}

// New returns the bucket name on client. For an S3-compatible store (make
// run's in-process one) the client needs its BaseEndpoint and UsePathStyle.
func New(client *s3.Client, name string) *Bucket {
	return &Bucket{client: client, presign: s3.NewPresignClient(client), name: name}
}

// PresignPut returns a URL that accepts one PUT of exactly size bytes of
// contentType at key until expiry has passed: both headers are signed, so
// S3 refuses a PUT with another type or length.
func (b *Bucket) PresignPut(ctx context.Context, key, contentType string, size int64, expiry time.Duration) (string, error) {
	req, err := b.presign.PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket: &b.name, Key: &key, ContentType: &contentType, ContentLength: aws.Int64(size),
	}, s3.WithPresignExpires(expiry))
	if err != nil {
		return "", translate("bucket.PresignPut", err)
	}
	return req.URL, nil
}

// Get returns the object at key.
//
// Errors: ENOTFOUND when there is none; ETOOLARGE when it is longer than
// limit bytes (its body is not read); EUNAVAILABLE.
func (b *Bucket) Get(ctx context.Context, key string, limit int64) ([]byte, error) {
	const op = "bucket.Get"
	out, err := b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.name, Key: &key})
	if err != nil {
		return nil, translate(op, err)
	}
	defer out.Body.Close()
	if n := aws.ToInt64(out.ContentLength); n > limit {
		return nil, &portal.Error{Code: portal.ETOOLARGE, Op: op, Message: fmt.Sprintf("The file is larger than %d MB.", limit>>20)}
	}
	data, err := io.ReadAll(io.LimitReader(out.Body, limit+1))
	if err != nil {
		return nil, translate(op, fmt.Errorf("read %s: %w", key, err))
	}
	if int64(len(data)) > limit {
		return nil, &portal.Error{Code: portal.ETOOLARGE, Op: op, Message: fmt.Sprintf("The file is larger than %d MB.", limit>>20)}
	}
	return data, nil
}

// Put stores data at key with its content type and Cache-Control.
//
// Errors: EUNAVAILABLE.
func (b *Bucket) Put(ctx context.Context, key, contentType, cacheControl string, data []byte) error {
	return translate("bucket.Put", b.put(ctx, key, contentType, cacheControl, nil, data))
}

// PutAttachment stores data at key as Put does, with the
// Content-Disposition it is served with (S3 returns it, and so the edge).
//
// Errors: EUNAVAILABLE.
func (b *Bucket) PutAttachment(ctx context.Context, key, contentType, cacheControl, disposition string, data []byte) error {
	return translate("bucket.PutAttachment", b.put(ctx, key, contentType, cacheControl, &disposition, data))
}

func (b *Bucket) put(ctx context.Context, key, contentType, cacheControl string, disposition *string, data []byte) error {
	_, err := b.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &b.name, Key: &key, Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
		ContentType: &contentType, CacheControl: &cacheControl, ContentDisposition: disposition,
	})
	return err
}

// Delete deletes the objects at keys (at most 1,000) in one call; a missing
// one is no error.
//
// Errors: EUNAVAILABLE.
func (b *Bucket) Delete(ctx context.Context, keys ...string) error {
	const op = "bucket.Delete"
	if len(keys) == 0 {
		return nil
	}
	ids := make([]types.ObjectIdentifier, len(keys))
	for i := range keys {
		ids[i] = types.ObjectIdentifier{Key: &keys[i]}
	}
	out, err := b.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
		Bucket: &b.name, Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)},
	})
	if err != nil {
		return translate(op, err)
	}
	if len(out.Errors) > 0 {
		e := out.Errors[0]
		return translate(op, fmt.Errorf("delete %s: %s: %s", aws.ToString(e.Key), aws.ToString(e.Code), aws.ToString(e.Message)))
	}
	return nil
}

// translate turns an S3 error into a portal error for op: a missing object
// is ENOTFOUND; throttling, server faults, the network and an expired
// context are EUNAVAILABLE; anything else EINTERNAL.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var (
		noKey  *types.NoSuchKey
		netErr net.Error
		apiErr smithy.APIError
	)
	code := portal.EINTERNAL
	switch {
	case errors.As(err, &noKey):
		return &portal.Error{Code: portal.ENOTFOUND, Op: op, Message: "Object not found.", Err: err}
	case errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		code = portal.EUNAVAILABLE
	case errors.As(err, &apiErr) && (apiErr.ErrorFault() == smithy.FaultServer || apiErr.ErrorCode() == "SlowDown"):
		code = portal.EUNAVAILABLE
	}
	return &portal.Error{Code: code, Op: op, Err: err}
}
