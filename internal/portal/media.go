package portal

import "time"

// Media statuses: an upload is pending from its presigned URL until the
// processing function has checked it; then it is ready (its variants
// written) or rejected (the reason recorded, the upload deleted).
const (
	MediaPending  = "pending"
	MediaReady    = "ready"
	MediaRejected = "rejected"
)

// Media is an image of the media library.
type Media struct {
	ID          string `json:"id"`
	FileName    string `json:"fileName"`    // as the editor's file was named; a label only
	ContentType string `json:"contentType"` // as declared; the bytes decide the format
	Size        int64  `json:"size"`        // declared bytes
	Status      string `json:"status"`      // MediaPending, MediaReady or MediaRejected
	Reason      string `json:"reason,omitempty"`
	// URL is where the largest variant is served once the image is ready.
	URL string `json:"url"`
	// Width and Height are the upright image's, once ready.
	Width    int            `json:"width,omitempty"`
	Height   int            `json:"height,omitempty"`
	Variants []MediaVariant `json:"variants,omitempty"` // narrowest first, for srcset
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
