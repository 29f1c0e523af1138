package localserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"

	"eportal/infra/demo"
	"eportal/internal/bucket"
	"eportal/internal/imaging"
	"eportal/internal/mediaapi"
)

// S3Prefix is where the local server serves its in-process S3-compatible
// store (WithMedia): on the API's own origin, so that the console's PUT to
// a presigned URL is same-origin and needs no CORS.
const S3Prefix = "/local-s3/"

// MediaBaseURL is MEDIA_BASE_URL locally: the server serves the variants
// under it as the edge serves the bucket's media/ prefix.
const MediaBaseURL = "/media"

// MediaBucketName is the local media bucket's name.
const MediaBucketName = "eportal-media-local"

// processAttempts is how many times an upload's event is delivered when the
// processor fails, as S3 does for an asynchronous invocation (once and two
// retries).
const processAttempts = 3

// MediaStore is `make run`'s media bucket and its edge, in process: a
// gofakes3 store served under S3Prefix, whose presigned URLs a browser can
// PUT to; after each PUT under uploads/ the bucket functions
// (BucketFunctions) get the ObjectCreated event asynchronously, as S3's
// event notification delivers it; the variants are served at BaseURL with
// their type and a year's immutable caching, as the edge does. Create it
// with NewMediaStore and mount it with WithMedia.
type MediaStore struct {
	Bucket  *bucket.Bucket // what the functions are given
	BaseURL string         // MEDIA_BASE_URL: MediaBaseURL
	client  *s3.Client
	s3      http.Handler
	log     *slog.Logger
	now     func() time.Time

	mu       sync.Mutex
	handlers []BucketHandler
	pending  sync.WaitGroup
}

// NewMediaStore returns a MediaStore keeping its objects in backend
// (s3mem.New() for tests, s3bolt for data kept across restarts), creating
// MediaBucketName there when it is missing. origin is the local server's
// own origin (http://127.0.0.1:3000): the presigned URLs point at
// origin+S3Prefix, and so do the functions' S3 calls.
func NewMediaStore(backend gofakes3.Backend, origin string, log *slog.Logger) (*MediaStore, error) {
	ok, err := backend.BucketExists(MediaBucketName)
	if err != nil {
		return nil, fmt.Errorf("local media bucket: %w", err)
	}
	if !ok {
		if err := backend.CreateBucket(MediaBucketName); err != nil {
			return nil, fmt.Errorf("local media bucket: %w", err)
		}
	}
	client := s3.New(s3.Options{
		Region:       "ap-southeast-1",
		BaseEndpoint: aws.String(strings.TrimSuffix(origin, "/") + strings.TrimSuffix(S3Prefix, "/")),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
	return &MediaStore{
		Bucket: bucket.New(client, MediaBucketName), BaseURL: MediaBaseURL, client: client,
		s3:  http.StripPrefix(strings.TrimSuffix(S3Prefix, "/"), gofakes3.New(backend, gofakes3.WithoutVersioning()).Server()),
		log: log, now: time.Now,
	}, nil
}

// OnUpload adds h to the functions fed the bucket's ObjectCreated events
// for uploads/ (template.yaml's MediaProcessorFunction).
func (m *MediaStore) OnUpload(h BucketHandler) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.handlers = append(m.handlers, h)
}

// Wait waits until every event delivered so far has been processed.
func (m *MediaStore) Wait() { m.pending.Wait() }

// WithMedia serves m's S3-compatible store under S3Prefix and its variants
// under m.BaseURL, ahead of the template's routes.
func WithMedia(m *MediaStore) Option {
	return func(s *Server) {
		s.mount(S3Prefix, http.HandlerFunc(m.serveS3))
		s.mount(m.BaseURL, http.HandlerFunc(m.serveEdge))
	}
}

// serveS3 is the bucket's endpoint. A presigned request past its expiry is
// refused as S3 refuses it; a PUT under uploads/ that succeeded is then
// delivered to the bucket functions (S3 does not check what it stores, the
// processor does). gofakes3 checks no signature: the local store trusts its
// callers.
func (m *MediaStore) serveS3(w http.ResponseWriter, r *http.Request) {
	if expired(r.URL.Query(), m.now()) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`)
		return
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	m.s3.ServeHTTP(rec, r)
	key, ok := strings.CutPrefix(r.URL.Path, S3Prefix+MediaBucketName+"/")
	if r.Method == http.MethodPut && rec.status == http.StatusOK && ok && strings.HasPrefix(key, mediaapi.UploadPrefix) {
		m.notify(key, r.ContentLength)
	}
}

// expired reports whether q is a presigned URL's query (X-Amz-Date,
// X-Amz-Expires) past its expiry.
func expired(q url.Values, now time.Time) bool {
	date, expires := q.Get("X-Amz-Date"), q.Get("X-Amz-Expires")
	if date == "" || expires == "" {
		return false
	}
	signed, err1 := time.Parse("20060102T150405Z", date)
	secs, err2 := strconv.Atoi(expires)
	return err1 != nil || err2 != nil || now.After(signed.Add(time.Duration(secs)*time.Second))
}

// notify delivers the ObjectCreated event of key to every bucket function,
// in the background, up to processAttempts times each while it fails.
func (m *MediaStore) notify(key string, size int64) {
	ev := events.S3Event{Records: []events.S3EventRecord{{
		EventVersion: "2.1", EventSource: "aws:s3", AWSRegion: "ap-southeast-1",
		EventTime: m.now().UTC(), EventName: "ObjectCreated:Put",
		S3: events.S3Entity{
			SchemaVersion: "1.0",
			Bucket:        events.S3Bucket{Name: MediaBucketName, Arn: "arn:aws:s3:::" + MediaBucketName},
			// Keys arrive URL-encoded, as S3 sends them.
			Object: events.S3Object{Key: strings.ReplaceAll(url.QueryEscape(key), "%2F", "/"), Size: size},
		},
	}}}
	m.mu.Lock()
	handlers := slices.Clone(m.handlers)
	m.mu.Unlock()
	for _, h := range handlers {
		m.pending.Add(1)
		go func() {
			defer m.pending.Done()
			for attempt := 1; ; attempt++ {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				err := h(ctx, ev)
				cancel()
				if err == nil {
					return
				}
				m.log.Error("media processing failed", "key", key, "attempt", attempt, "err", err)
				if attempt == processAttempts {
					return
				}
				time.Sleep(time.Second)
			}
		}()
	}
}

// serveEdge serves GET and HEAD of BaseURL/<id>/<slot> from the bucket's
// media/<id>/<slot>, and of a file's BaseURL/<id>/file/<name> from
// media/<id>/file/<name>, as the edge does: the stored type (and a file's
// stored Content-Disposition), a year's immutable caching, an ETag and
// conditional requests; anything else is 404.
func (m *MediaStore) serveEdge(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	key, ok := edgeKey(strings.TrimPrefix(r.URL.Path, m.BaseURL+"/"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	out, err := m.client.GetObject(r.Context(), &s3.GetObjectInput{Bucket: aws.String(MediaBucketName), Key: aws.String(key)})
	var noKey *types.NoSuchKey
	switch {
	case errors.As(err, &noKey):
		http.NotFound(w, r)
		return
	case err != nil:
		m.log.Error("media: read object", "key", key, "err", err)
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	h := w.Header()
	h.Set("Content-Type", aws.ToString(out.ContentType))
	h.Set("Cache-Control", mediaapi.CacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	if d := aws.ToString(out.ContentDisposition); d != "" {
		h.Set("Content-Disposition", d)
	}
	if out.ETag != nil {
		h.Set("ETag", *out.ETag)
	}
	http.ServeContent(w, r, "", aws.ToTime(out.LastModified), bytes.NewReader(data))
}

// edgeKey returns the object key of a path under BaseURL: <id>/<slot> is a
// variant, <id>/file/<name> a file (a docfile.SafeName: lower-case ASCII
// letters, digits, hyphens and one dot).
func edgeKey(rest string) (string, bool) {
	id, tail, _ := strings.Cut(rest, "/")
	if !mediaapi.ValidID(id) {
		return "", false
	}
	if name, ok := strings.CutPrefix(tail, "file/"); ok {
		if name == "" || strings.Count(name, ".") != 1 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-.") != "" {
			return "", false
		}
		return mediaapi.FileKey(id, name), true
	}
	n, err := strconv.Atoi(tail)
	if err != nil || strconv.Itoa(n) != tail || !slices.Contains(imaging.Widths, n) {
		return "", false
	}
	return mediaapi.VariantKey(id, n), true
}

// SeedFiles puts the demo content's attachments (demo.Content.Files) into
// backend's media bucket where they are missing, with the type and
// Content-Disposition the processor would have given them, so that the
// demo documents' downloads work in `make run`.
func SeedFiles(backend gofakes3.Backend, files []demo.File) error {
	for _, f := range files {
		if _, err := backend.HeadObject(MediaBucketName, f.Key); err == nil {
			continue
		}
		meta := map[string]string{"Content-Type": f.ContentType, "Content-Disposition": f.Disposition}
		if _, err := backend.PutObject(MediaBucketName, f.Key, meta, bytes.NewReader(f.Body), int64(len(f.Body)), nil); err != nil {
			return fmt.Errorf("demo file %s: %w", f.Key, err)
		}
	}
	return nil
}
