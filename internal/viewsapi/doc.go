// Package viewsapi is the views function's handler: the beacon
// POST /articles/{slug}/views that a (cached) article page calls once per
// page view. It counts the view at most once per visitor, article and window,
// skips known crawlers, and answers with the article's count. The Lambda main
// (functions/views) and the local server (infra/localserver) mount the same
// Handler.
//
// It writes only visit markers, counter shards, the daily visitor-hash keys,
// most-read entries and, at most once a minute per article, the views
// attributes of the article's published copy (docs/data-model.md).
package viewsapi
