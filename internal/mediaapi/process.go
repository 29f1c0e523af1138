package mediaapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"eportal/internal/docfile"
	"eportal/internal/imaging"
	"eportal/internal/portal"
)

// CacheControl is the lifetime of a variant: ids are never reused, so a
// variant never changes.
const CacheControl = "public, max-age=31536000, immutable"

func itoa(n int) string { return strconv.Itoa(n) }

// Processor checks uploads and makes their variants. Create it with
// NewProcessor.
type Processor struct {
	store   Store
	bucket  Bucket
	baseURL string
	now     func() time.Time
	log     *slog.Logger
}

// NewProcessor returns a Processor on store and bucket; baseURL as for New.
func NewProcessor(store Store, bucket Bucket, baseURL string, opts ...Option) *Processor {
	o := apply(opts)
	return &Processor{store: store, bucket: bucket, baseURL: strings.TrimSuffix(baseURL, "/"), now: o.now, log: o.log}
}

// HandleS3 processes every object of an S3 ObjectCreated event. An error
// (the table or the bucket unavailable) fails the invocation, and Lambda
// retries the event; a refused image is no error.
func (p *Processor) HandleS3(ctx context.Context, ev events.S3Event) error {
	for _, rec := range ev.Records {
		// Keys arrive URL-encoded, spaces as '+'.
		key, err := url.QueryUnescape(rec.S3.Object.Key)
		if err != nil {
			key = rec.S3.Object.Key
		}
		if err := p.Process(ctx, key); err != nil {
			return fmt.Errorf("process %s: %w", key, err)
		}
	}
	return nil
}

// Process handles the object just created at key (uploads/<id>): it checks
// the bytes with imaging.Process, writes the variants under media/<id>/
// (every slot: one wider than the image holds the image at its own size),
// marks the entry ready with its size and variants, and deletes the upload.
// A refused image marks the entry rejected with the reason and deletes the
// upload. Processing is idempotent: an entry no longer pending, a deleted
// entry or an upload already gone ends it without error.
func (p *Processor) Process(ctx context.Context, key string) error {
	id, ok := strings.CutPrefix(key, UploadPrefix)
	if !ok || !ValidID(id) {
		p.log.WarnContext(ctx, "media: unexpected upload key deleted", "key", key)
		return p.bucket.Delete(ctx, key)
	}
	m, err := p.store.Media(ctx, id)
	switch {
	case portal.ErrorCode(err) == portal.ENOTFOUND:
		// Deleted from the library before it was processed.
		return p.bucket.Delete(ctx, key)
	case err != nil:
		return err
	case m.Status != portal.MediaPending:
		return p.bucket.Delete(ctx, key)
	}
	if m.Kind == portal.MediaFile {
		return p.processFile(ctx, m, key)
	}
	data, done, err := p.read(ctx, m, key, imaging.MaxBytes)
	if done || err != nil {
		return err
	}
	img, err := imaging.Process(data)
	switch portal.ErrorCode(err) {
	case "":
	case portal.ETOOLARGE, portal.EMEDIATYPE, portal.EUNPROCESS:
		return p.reject(ctx, m, key, err)
	default:
		return err
	}
	written := make([]string, 0, len(img.Variants))
	m.Variants = nil
	for i, v := range img.Variants {
		slot := v.Width
		if i == len(img.Variants)-1 {
			slot = slots()[len(slots())-1]
		}
		k := VariantKey(id, slot)
		if err := p.bucket.Put(ctx, k, v.ContentType, CacheControl, v.Data); err != nil {
			return err
		}
		written = append(written, k)
		m.Variants = append(m.Variants, portal.MediaVariant{
			Width: v.Width, Height: v.Height, ContentType: v.ContentType, URL: p.baseURL + "/" + id + "/" + itoa(slot),
		})
	}
	// Every slot holds an image, so that the reader site's srcset, which
	// lists the three slots without reading the entry, never names a
	// missing object: a slot wider than the image holds the widest variant
	// no wider than the slot (the image itself, at its own size).
	for _, slot := range slots() {
		k := VariantKey(id, slot)
		if slices.Contains(written, k) {
			continue
		}
		v := img.Variants[0]
		for _, w := range img.Variants {
			if w.Width <= slot {
				v = w
			}
		}
		if err := p.bucket.Put(ctx, k, v.ContentType, CacheControl, v.Data); err != nil {
			return err
		}
		written = append(written, k)
	}
	m.Status, m.Reason, m.Width, m.Height = portal.MediaReady, "", img.Width, img.Height
	m.UpdatedAt = p.now().UTC().Truncate(time.Millisecond)
	err = p.store.UpdateMedia(ctx, m)
	if portal.ErrorCode(err) == portal.ENOTFOUND {
		// Deleted while it was being processed: take the variants back.
		return p.bucket.Delete(ctx, append(written, key)...)
	}
	if err != nil {
		return err
	}
	p.log.InfoContext(ctx, "media: ready", "id", id, "format", string(img.Format), "width", img.Width, "height", img.Height, "variants", len(img.Variants))
	return p.bucket.Delete(ctx, key)
}

// read returns the upload at key of at most limit bytes; done when there is
// nothing left to do: processed already, by an earlier delivery, or
// rejected as too large.
func (p *Processor) read(ctx context.Context, m *portal.Media, key string, limit int64) (data []byte, done bool, err error) {
	data, err = p.bucket.Get(ctx, key, limit)
	switch portal.ErrorCode(err) {
	case "":
		return data, false, nil
	case portal.ENOTFOUND:
		return nil, true, nil
	case portal.ETOOLARGE:
		return nil, true, p.reject(ctx, m, key, err)
	}
	return nil, true, err
}

// processFile finishes file entry m: the bytes must be the document type
// declared (docfile.Check); they are then stored as they are at
// FileKey(id, <the safe name ending m.URL>), with the declared type and a
// Content-Disposition naming the editor's file, the entry marked ready and
// the upload deleted. A refused file is rejected with the reason.
func (p *Processor) processFile(ctx context.Context, m *portal.Media, key string) error {
	data, done, err := p.read(ctx, m, key, docfile.MaxBytes)
	if done || err != nil {
		return err
	}
	format, ok := docfile.FormatOf(m.ContentType)
	if !ok {
		return p.reject(ctx, m, key, portal.Errorf(portal.EMEDIATYPE, "The file's declared type is not a document type."))
	}
	if err := docfile.Check(format, data); err != nil {
		return p.reject(ctx, m, key, err)
	}
	name := path.Base(m.URL)
	k := FileKey(m.ID, name)
	if err := p.bucket.PutAttachment(ctx, k, format.ContentType(), CacheControl, docfile.Disposition(m.FileName, name), data); err != nil {
		return err
	}
	m.Status, m.Reason = portal.MediaReady, ""
	m.UpdatedAt = p.now().UTC().Truncate(time.Millisecond)
	err = p.store.UpdateMedia(ctx, m)
	if portal.ErrorCode(err) == portal.ENOTFOUND {
		// Deleted while it was being processed: take the file back.
		return p.bucket.Delete(ctx, k, key)
	}
	if err != nil {
		return err
	}
	p.log.InfoContext(ctx, "media: ready", "id", m.ID, "format", string(format), "bytes", len(data))
	return p.bucket.Delete(ctx, key)
}

// reject marks m rejected with why's user-safe message and deletes the
// upload.
func (p *Processor) reject(ctx context.Context, m *portal.Media, key string, why error) error {
	m.Status, m.Reason = portal.MediaRejected, portal.ErrorMessage(why)
	m.UpdatedAt = p.now().UTC().Truncate(time.Millisecond)
	if err := p.store.UpdateMedia(ctx, m); err != nil && portal.ErrorCode(err) != portal.ENOTFOUND {
		return err
	}
	p.log.InfoContext(ctx, "media: rejected", "id", m.ID, "reason", m.Reason, "cause", why.Error())
	return p.bucket.Delete(ctx, key)
}
