// Package mediaapi serves the media library and processes its uploads.
//
// Handler serves the /admin/media routes for editors: POST asks for an
// upload (a presigned PUT straight to the bucket, so the bytes never pass
// through the API), GET lists the library or reads one entry (the console
// polls it until the upload is ready or rejected), DELETE removes an image
// and its objects, unless an article uses it (409 naming the articles: the
// entry's usedBy set, which the article transactions keep; see package
// dynamo, addMediaUses). Processor is the other half, run on the bucket's upload event: it
// checks the uploaded bytes with package imaging, writes the variants and
// marks the library entry ready, or rejected with the reason.
//
// Object keys: uploads/<id> is what the browser PUTs (the bucket's
// lifecycle rule expires it after a day; processing deletes it at once);
// media/<id>/<slot> are the variants, slot 320, 768 or 1280 (see
// VariantKey; every slot holds an image), served at
// MEDIA_BASE_URL/<id>/<slot>.
//
// A file entry (kind "file": a PDF, DOC or DOCX attachment, checked with
// package docfile) has no variants: its bytes are stored as uploaded at
// media/<id>/file/<safe name> (FileKey) with Content-Disposition:
// attachment, served at MEDIA_BASE_URL/<id>/file/<safe name>.
//
// The package speaks the domain and two small interfaces (Store, Bucket);
// package dynamo and package bucket implement them.
package mediaapi
