package bucket_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"eportal/internal/bucket/buckettest"
	"eportal/internal/portal"
)

// TestPresignedPut uploads with plain net/http to a presigned URL, as a
// browser does, and reads the object back through the adapter.
func TestPresignedPut(t *testing.T) {
	ctx := context.Background()
	st := buckettest.Must(t)
	body := []byte("\x89PNG\r\n\x1a\n not really")
	u, err := st.Bucket.PresignPut(ctx, "uploads/abc", "image/png", int64(len(body)), 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := parsed.Query()
	signed := strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	for _, h := range []string{"content-length", "content-type", "host"} {
		if !contains(signed, h) {
			t.Errorf("signed headers %v lack %s", signed, h)
		}
	}
	if got := q.Get("X-Amz-Expires"); got != "900" {
		t.Errorf("X-Amz-Expires = %q; want 900", got)
	}
	req, err := http.NewRequest(http.MethodPut, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "image/png")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT: %s", resp.Status)
	}
	got, err := st.Bucket.Get(ctx, "uploads/abc", 1<<20)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("Get = %q, %v; want %q", got, err, body)
	}
	if _, err := st.Bucket.Get(ctx, "uploads/abc", 4); portal.ErrorCode(err) != portal.ETOOLARGE {
		t.Errorf("Get over the limit: %v; want %s", err, portal.ETOOLARGE)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestPutGetDelete(t *testing.T) {
	ctx := context.Background()
	st := buckettest.Must(t)
	if err := st.Bucket.Put(ctx, "media/x/320", "image/jpeg", "public, max-age=60", []byte("jpeg")); err != nil {
		t.Fatal(err)
	}
	head, err := st.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(buckettest.Name), Key: aws.String("media/x/320")})
	if err != nil {
		t.Fatal(err)
	}
	// gofakes3 keeps Content-Type but drops Cache-Control, so only the
	// type is checked here.
	if got := aws.ToString(head.ContentType); got != "image/jpeg" {
		t.Errorf("stored Content-Type %q; want image/jpeg", got)
	}
	if err := st.Bucket.Delete(ctx, "media/x/320", "media/x/768"); err != nil {
		t.Fatalf("Delete with a missing key: %v", err)
	}
	if _, err := st.Bucket.Get(ctx, "media/x/320", 100); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("Get after Delete: %v; want %s", err, portal.ENOTFOUND)
	}
	if err := st.Bucket.Delete(ctx); err != nil {
		t.Errorf("Delete of nothing: %v", err)
	}
}

// TestPutAttachment: the object keeps its Content-Disposition, which S3
// (and so the edge) answers a GET with.
func TestPutAttachment(t *testing.T) {
	ctx := context.Background()
	st := buckettest.Must(t)
	const disp = `attachment; filename="bao-cao.pdf"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o.pdf`
	if err := st.Bucket.PutAttachment(ctx, "media/x/file/bao-cao.pdf", "application/pdf", "public, max-age=60", disp, []byte("%PDF-1.4")); err != nil {
		t.Fatal(err)
	}
	out, err := st.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(buckettest.Name), Key: aws.String("media/x/file/bao-cao.pdf")})
	if err != nil {
		t.Fatal(err)
	}
	out.Body.Close()
	if got := aws.ToString(out.ContentDisposition); got != disp {
		t.Errorf("stored Content-Disposition %q; want %q", got, disp)
	}
	if got := aws.ToString(out.ContentType); got != "application/pdf" {
		t.Errorf("stored Content-Type %q; want application/pdf", got)
	}
}
