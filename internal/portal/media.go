package portal

import (
	"regexp"
	"slices"
	"time"
)

// Media statuses: an upload is pending from its presigned URL until the
// processing function has checked it; then it is ready (its variants
// written) or rejected (the reason recorded, the upload deleted).
const (
	MediaPending  = "pending"
	MediaReady    = "ready"
	MediaRejected = "rejected"
	// MediaDeleting is an image being deleted: no article may start using
	// it, and a repeated DELETE finishes the deletion.
	MediaDeleting = "deleting"
)

// Media kinds: an image, served as variants, or a file, a document
// attachment (PDF, DOC, DOCX) served as it was uploaded. An entry recorded
// before kinds existed is an image.
const (
	MediaImage = "image"
	MediaFile  = "file"
)

// Media is an image or a file of the media library.
type Media struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`        // MediaImage or MediaFile
	FileName    string `json:"fileName"`    // as the editor's file was named; a label only
	ContentType string `json:"contentType"` // as declared; the bytes decide the format
	Size        int64  `json:"size"`        // declared bytes
	Status      string `json:"status"`      // MediaPending, MediaReady or MediaRejected
	Reason      string `json:"reason,omitempty"`
	// URL is where the largest variant of an image, or the file itself, is
	// served once ready.
	URL string `json:"url"`
	// Width and Height are the upright image's, once ready.
	Width    int            `json:"width,omitempty"`
	Height   int            `json:"height,omitempty"`
	Variants []MediaVariant `json:"variants,omitempty"` // narrowest first, for srcset
	// UsedBy are the ids of the articles whose cover or body use the image
	// (MediaRefs); it cannot be deleted while there is one. Uses is their
	// number, which the API shows.
	UsedBy []string `json:"-"`
	Uses   int      `json:"uses"`
	// CreatedBy is the subject of the editor who asked for the upload URL.
	CreatedBy string    `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// MediaVariant is one size of a ready image.
type MediaVariant struct {
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	ContentType string `json:"contentType"`
	URL         string `json:"url"`
}

// MaxArticleImages is how many distinct library images one article may use
// (cover and body together): each one added or removed is an item of the
// article's save transaction, which DynamoDB caps at 100 items.
const MaxArticleImages = 20

// MediaPathPattern is a library image as articles reference it:
// MEDIA_BASE_URL (a path ending in /media: /media, or /tin-tuc/media under
// a base path) then /<id>/<slot>. A path only: no scheme, no host, no "..",
// no query. Package sanitize keeps an img src that matches it.
const MediaPathPattern = `^(?:/[a-z0-9-]+)*/media/([a-z2-7]{16})/(320|768|1280)$`

var mediaPath = regexp.MustCompile(MediaPathPattern)

// MediaIDFromPath returns the library image id of src when src is exactly
// a media path (/media/<id>/<slot>, or under a base path).
func MediaIDFromPath(src string) (string, bool) {
	m := mediaPath.FindStringSubmatch(src)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// bodyImage finds the src of each img element of a sanitized body, which
// package sanitize writes with double-quoted attributes.
var bodyImage = regexp.MustCompile(`<img\b[^>]*?\ssrc="([^"]*)"`)

// MediaRefs returns the ids of the library images and files a uses (cover,
// body and a document's attachments together), each once, sorted: the images it must keep from deletion.
func (a *Article) MediaRefs() []string {
	if a == nil {
		return nil
	}
	var ids []string
	if a.CoverImage != nil {
		if id, ok := MediaIDFromPath(a.CoverImage.URL); ok {
			ids = append(ids, id)
		}
	}
	for _, m := range bodyImage.FindAllStringSubmatch(a.Body, -1) {
		if id, ok := MediaIDFromPath(m[1]); ok {
			ids = append(ids, id)
		}
	}
	if a.Document != nil {
		for _, f := range a.Document.Attachments {
			ids = append(ids, f.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
