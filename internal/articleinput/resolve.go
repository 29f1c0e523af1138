package articleinput

import (
	"context"
	"time"

	"eportal/internal/portal"
)

// What a save and a preview read from the store to complete an article the
// same way: a document's attachments, and the document a news article's
// source names.

// MediaReader reads a media library entry (dynamo.Store).
type MediaReader interface {
	Media(ctx context.Context, id string) (*portal.Media, error)
}

// ResolveAttachments fills in each of d's attachments from the media
// library: one GetItem each. An attachment that is not a ready file — an
// image, a pending upload, one the processor rejected as not what its name
// says, an unknown id — is EINVALID.
func ResolveAttachments(ctx context.Context, store MediaReader, d *portal.DocumentMeta) error {
	for i, f := range d.Attachments {
		m, err := store.Media(ctx, f.ID)
		if portal.ErrorCode(err) == portal.ENOTFOUND {
			return invalid("document.attachments: media %s does not exist.", f.ID)
		}
		if err != nil {
			return err
		}
		if m.Kind != portal.MediaFile {
			return invalid("document.attachments: media %s is an image; attach a PDF, DOC or DOCX file.", f.ID)
		}
		if m.Status != portal.MediaReady {
			return invalid("document.attachments: file %s (%s) is %s, not ready.", f.ID, m.FileName, m.Status)
		}
		d.Attachments[i] = portal.Attachment{ID: m.ID, Name: m.FileName, URL: m.URL, ContentType: m.ContentType, Size: m.Size}
	}
	return nil
}

// DocumentFinder finds published documents (dynamo.Store).
type DocumentFinder interface {
	Documents(ctx context.Context, q portal.DocumentQuery) ([]portal.Article, string, error)
}

// SourceDocument returns the published document a news article's source
// names (portal.SourceDocument), found with one Query of the number's
// list, or nil: the reference readers' copy links to. Publishing and the
// preview call it.
func SourceDocument(ctx context.Context, store DocumentFinder, a *portal.Article, now time.Time) (*portal.DocumentRef, error) {
	if a.IsDocument() {
		return nil, nil
	}
	key, year, ok := portal.SourceDocument(a.Source)
	if !ok {
		return nil, nil
	}
	docs, _, err := store.Documents(ctx, portal.DocumentQuery{Number: key, Year: year, Limit: 1, Now: now})
	if err != nil || len(docs) == 0 {
		return nil, err
	}
	ref := docs[0].DocumentRef(docs[0].Slug)
	return &ref, nil
}
