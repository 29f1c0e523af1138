package mediaapi

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"eportal/internal/apigw"
	"eportal/internal/auth"
	"eportal/internal/docfile"
	"eportal/internal/imaging"
	"eportal/internal/portal"
	"eportal/internal/sanitize"
)

// Store is what the handler and the processor need from storage. Package
// dynamo implements it.
type Store interface {
	CreateMedia(ctx context.Context, m *portal.Media) error
	Media(ctx context.Context, id string) (*portal.Media, error)
	MediaLibrary(ctx context.Context, limit int, cursor string) ([]*portal.Media, string, error)
	UpdateMedia(ctx context.Context, m *portal.Media) error
	// MarkMediaDeleting begins a deletion: refused (ECONFLICT, with the
	// ids) while articles use the image; no article can start using it
	// after.
	MarkMediaDeleting(ctx context.Context, id string, now time.Time) (usedBy []string, err error)
	DeleteMedia(ctx context.Context, id string) error
	// ArticleTitles returns the titles of articles ids, by id.
	ArticleTitles(ctx context.Context, ids []string) (map[string]string, error)
}

// Bucket is what the handler and the processor need from object storage.
// Package bucket implements it on S3.
type Bucket interface {
	// PresignPut returns a URL that accepts one PUT of exactly size bytes
	// of contentType at key until expiry has passed.
	PresignPut(ctx context.Context, key, contentType string, size int64, expiry time.Duration) (string, error)
	// Get returns the object at key; EINVALID-free: ENOTFOUND when there is
	// none, ETOOLARGE when it is longer than limit bytes (unread).
	Get(ctx context.Context, key string, limit int64) ([]byte, error)
	// Put stores data at key with its content type and cache lifetime.
	Put(ctx context.Context, key, contentType, cacheControl string, data []byte) error
	// PutAttachment stores data as Put does, served with disposition as
	// its Content-Disposition.
	PutAttachment(ctx context.Context, key, contentType, cacheControl, disposition string, data []byte) error
	// Delete deletes the objects at keys; a missing one is no error.
	Delete(ctx context.Context, keys ...string) error
}

// UploadExpiry is how long a presigned upload URL is valid.
const UploadExpiry = 15 * time.Minute

// UploadPrefix is the key prefix of uploads; the bucket notifies the
// processor of objects created under it.
const UploadPrefix = "uploads/"

// MaxFileName is the longest file name kept, in bytes.
const MaxFileName = 255

// Slots are the names of the variant objects: the widths of imaging.Widths.
// The largest variant always takes the last slot, so MEDIA_BASE_URL/<id>/1280
// is the image whatever its size; a smaller variant takes the slot of its
// width, and a slot wider than the image holds the widest variant no wider
// than it, so that every slot exists.
func slots() []int { return imaging.Widths }

// UploadKey returns the object key the browser uploads media id to.
func UploadKey(id string) string { return UploadPrefix + id }

// VariantKey returns the object key of media id's variant in slot.
func VariantKey(id string, slot int) string { return "media/" + id + "/" + itoa(slot) }

// FileKey returns the object key of file id stored as name (its
// docfile.SafeName): under media/ as the variants are, so that the edge's
// one media behaviour, its origin access control and the functions' roles
// cover files too; the path MEDIA_BASE_URL/<id>/file/<name> is the key.
func FileKey(id, name string) string { return "media/" + id + "/file/" + name }

// route is one route: the role it needs and what serves it.
type request struct {
	apigw.Request
	caller auth.Caller
	now    time.Time
}

// Handler serves the /admin/media routes. Create it with New.
type Handler struct {
	store   Store
	bucket  Bucket
	baseURL string
	now     func() time.Time
	newID   func() string
	log     *slog.Logger
	budget  apigw.Budget
	routes  auth.Routes[*request]
}

// Option configures a Handler or a Processor.
type Option func(*options)

type options struct {
	now    func() time.Time
	newID  func() string
	log    *slog.Logger
	budget apigw.Budget
}

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithIDs sets the generator of media ids (default 16 random base32 letters).
func WithIDs(newID func() string) Option { return func(o *options) { o.newID = newID } }

// WithLogger sets the logger for failures (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithBudget sets how long a request may take before it is answered 503
// (default apigw.DefaultBudget).
func WithBudget(b apigw.Budget) Option { return func(o *options) { o.budget = b } }

func apply(opts []Option) options {
	o := options{now: time.Now, newID: randomID, log: slog.Default()}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// New returns a Handler on store and bucket; baseURL is MEDIA_BASE_URL,
// where media/<id>/<slot> is served as <baseURL>/<id>/<slot>.
func New(store Store, bucket Bucket, baseURL string, opts ...Option) *Handler {
	o := apply(opts)
	h := &Handler{store: store, bucket: bucket, baseURL: strings.TrimSuffix(baseURL, "/"),
		now: o.now, newID: o.newID, log: o.log, budget: o.budget}
	h.routes = auth.Routes[*request]{
		"POST /admin/media":        {Role: auth.Editor, Serve: h.createMedia},
		"GET /admin/media":         {Role: auth.Editor, Serve: h.listMedia},
		"GET /admin/media/{id}":    {Role: auth.Editor, Serve: h.getMedia},
		"DELETE /admin/media/{id}": {Role: auth.Editor, Serve: h.deleteMedia},
	}
	return h
}

// Routes returns the route keys the handler serves, as template.yaml
// declares them.
func (h *Handler) Routes() []string { return h.routes.Keys() }

// Handle serves one request: 401 without a token, 403 without the editor
// role, before anything else. It returns a nil error for every outcome.
func (h *Handler) Handle(ctx context.Context, req apigw.Request) (apigw.Response, error) {
	ctx, cancel := h.budget.Bound(ctx, req)
	defer cancel()
	return h.routes.Serve(ctx, req, h.fail, func(req apigw.Request, caller auth.Caller) *request {
		return &request{Request: req, caller: caller, now: h.now().UTC().Truncate(time.Millisecond)}
	}), nil
}

func (h *Handler) fail(ctx context.Context, err error) apigw.Response {
	return apigw.Error(ctx, h.log, err, apigw.NoStore)
}

// uploadInput is the body of POST /admin/media.
type uploadInput struct {
	FileName    string `json:"fileName"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// upload is the answer to POST /admin/media.
type upload struct {
	ID        string `json:"id"`
	UploadURL string `json:"uploadUrl"`
	URL       string `json:"url"`
}

// createMedia serves POST /admin/media (201): it checks the declared name,
// type and size (an image of at most imaging.MaxBytes, or a document of at
// most docfile.MaxBytes, which makes a file entry served at
// MEDIA_BASE_URL/<id>/file/<safe name>), records a pending library entry
// and returns a presigned PUT for the bytes. The declared type and size are bound into the URL's
// signature; the processor checks the bytes themselves.
func (h *Handler) createMedia(ctx context.Context, r *request) apigw.Response {
	var in uploadInput
	if err := apigw.DecodeJSON(r.Request, &in); err != nil {
		return h.fail(ctx, err)
	}
	name := sanitize.Text(in.FileName)
	switch {
	case name == "" || !utf8.ValidString(in.FileName):
		return h.fail(ctx, portal.Errorf(portal.EINVALID, "fileName is required."))
	case len(name) > MaxFileName:
		return h.fail(ctx, portal.Errorf(portal.EINVALID, "fileName must be at most %d bytes.", MaxFileName))
	}
	m := &portal.Media{
		ID: h.newID(), FileName: name, Size: in.Size,
		Status: portal.MediaPending, CreatedBy: r.caller.Subject, CreatedAt: r.now, UpdatedAt: r.now,
	}
	var limit int64
	if format, ok := imaging.FormatOf(in.ContentType); ok {
		m.Kind, m.ContentType, limit = portal.MediaImage, format.ContentType(), imaging.MaxBytes
		m.URL = h.variantURL(m.ID, slots()[len(slots())-1])
	} else if format, ok := docfile.FormatOf(in.ContentType); ok {
		m.Kind, m.ContentType, limit = portal.MediaFile, format.ContentType(), docfile.MaxBytes
		m.URL = h.baseURL + "/" + m.ID + "/file/" + docfile.SafeName(name, format)
	} else {
		return h.fail(ctx, portal.Errorf(portal.EMEDIATYPE, "contentType must be image/jpeg, image/png, image/webp, application/pdf, application/msword or %s.", docfile.DOCX.ContentType()))
	}
	switch {
	case in.Size < 1:
		return h.fail(ctx, portal.Errorf(portal.EINVALID, "size must be the file's length in bytes."))
	case in.Size > limit:
		return h.fail(ctx, portal.Errorf(portal.ETOOLARGE, "The file is larger than %d MB.", limit>>20))
	}
	// Presigning is a local computation: done first, its failure leaves no
	// entry behind.
	u, err := h.bucket.PresignPut(ctx, UploadKey(m.ID), m.ContentType, m.Size, UploadExpiry)
	if err != nil {
		return h.fail(ctx, err)
	}
	if err := h.store.CreateMedia(ctx, m); err != nil {
		return h.fail(ctx, err)
	}
	resp := apigw.JSON(http.StatusCreated, upload{ID: m.ID, UploadURL: u, URL: m.URL}, apigw.NoStore)
	return resp
}

func (h *Handler) variantURL(id string, slot int) string {
	return h.baseURL + "/" + id + "/" + itoa(slot)
}

// listMedia serves GET /admin/media?limit=&cursor=: the library, newest
// first, in the lists' page envelope.
func (h *Handler) listMedia(ctx context.Context, r *request) apigw.Response {
	limit, err := apigw.Limit(r.Request)
	if err != nil {
		return h.fail(ctx, err)
	}
	items, next, err := h.store.MediaLibrary(ctx, limit, r.QueryStringParameters["cursor"])
	if err != nil {
		return h.fail(ctx, err)
	}
	return apigw.JSON(http.StatusOK, apigw.NewPage(items, next), apigw.NoStore)
}

// getMedia serves GET /admin/media/{id}: one entry, which the console polls
// after its upload until the status is ready (with the variants) or
// rejected (with the reason).
func (h *Handler) getMedia(ctx context.Context, r *request) apigw.Response {
	id := r.PathParameters["id"]
	if !ValidID(id) {
		return h.fail(ctx, portal.Errorf(portal.ENOTFOUND, "Media item not found."))
	}
	m, err := h.store.Media(ctx, id)
	if err != nil {
		return h.fail(ctx, err)
	}
	return apigw.JSON(http.StatusOK, m, apigw.NoStore)
}

// MaxUsersShown is how many of the articles that use an image a refused
// delete names.
const MaxUsersShown = 20

// inUse is the answer to a refused delete: the error and the articles that
// use the image.
type inUse struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Articles []articleRef `json:"articles"`
}

type articleRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// deleteMedia serves DELETE /admin/media/{id} (204): the entry, its upload
// and its variants or file; 409 with the articles (id, title) while any uses the
// image as its cover or in its body.
func (h *Handler) deleteMedia(ctx context.Context, r *request) apigw.Response {
	id := r.PathParameters["id"]
	if !ValidID(id) {
		return h.fail(ctx, portal.Errorf(portal.ENOTFOUND, "Media item not found."))
	}
	// Marked first, on condition that no article uses it; from then on no
	// article save can start using it. Then the objects, then the entry: a
	// failure in between leaves the marked entry, so a repeated DELETE finds
	// it and finishes (deleting an absent object succeeds); the other order
	// would leave objects no entry names.
	usedBy, err := h.store.MarkMediaDeleting(ctx, id, r.now)
	if portal.ErrorCode(err) == portal.ECONFLICT && len(usedBy) > 0 {
		return h.refuseInUse(ctx, id, usedBy)
	}
	if err != nil {
		return h.fail(ctx, err)
	}
	keys, err := h.objectKeys(ctx, id)
	if err != nil {
		return h.fail(ctx, err)
	}
	if err := h.bucket.Delete(ctx, keys...); err != nil {
		return h.fail(ctx, err)
	}
	// ENOTFOUND: a concurrent DELETE finished first.
	if err := h.store.DeleteMedia(ctx, id); err != nil && portal.ErrorCode(err) != portal.ENOTFOUND {
		return h.fail(ctx, err)
	}
	return apigw.Response{StatusCode: http.StatusNoContent,
		Headers: map[string]string{"Cache-Control": apigw.NoStore, "X-Content-Type-Options": "nosniff"}}
}

// refuseInUse answers 409 naming the articles of usedBy (the first
// MaxUsersShown, sorted by id; a deleted one by its id alone) that keep
// entry id, an image or a file, from deletion.
func (h *Handler) refuseInUse(ctx context.Context, id string, usedBy []string) apigw.Response {
	what := "image"
	if m, err := h.store.Media(ctx, id); err == nil && m.Kind == portal.MediaFile {
		what = "file"
	}
	slices.Sort(usedBy)
	shown := usedBy[:min(len(usedBy), MaxUsersShown)]
	titles, err := h.store.ArticleTitles(ctx, shown)
	if err != nil {
		return h.fail(ctx, err)
	}
	var out inUse
	out.Error.Code = portal.ECONFLICT
	if len(usedBy) == 1 {
		out.Error.Message = fmt.Sprintf("The %s is used by 1 article; remove it from the article first.", what)
	} else {
		out.Error.Message = fmt.Sprintf("The %s is used by %d articles; remove it from them first.", what, len(usedBy))
	}
	for _, a := range shown {
		out.Articles = append(out.Articles, articleRef{ID: a, Title: titles[a]})
	}
	return apigw.JSON(http.StatusConflict, out, apigw.NoStore)
}

// objectKeys are every key media id may have objects at: its upload, and
// its variants or, for a file, the file (named in the entry's url).
func (h *Handler) objectKeys(ctx context.Context, id string) ([]string, error) {
	keys := []string{UploadKey(id)}
	m, err := h.store.Media(ctx, id)
	switch {
	case portal.ErrorCode(err) == portal.ENOTFOUND:
		// A concurrent DELETE finished first: nothing is left to delete.
		return keys, nil
	case err != nil:
		return nil, err
	case m.Kind == portal.MediaFile:
		return append(keys, FileKey(id, path.Base(m.URL))), nil
	}
	for _, s := range slots() {
		keys = append(keys, VariantKey(id, s))
	}
	return keys, nil
}

// ValidID reports whether id has the shape of a media id: 16 lower-case
// base32 letters and digits.
func ValidID(id string) bool {
	if len(id) != 16 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// randomID returns a 16-character lower-case id (80 random bits).
func randomID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}
