package readapi

import (
	"context"
	"strings"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/search"
)

// searchHitJSON is a search result as readers get it.
type searchHitJSON struct {
	ID          string `json:"id"`
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	Summary     string `json:"summary,omitempty"`
	PublishAt   string `json:"publishAt"`
	DisplayTime string `json:"displayTime"`
	// Snippet is HTML made by search.Snippet from plain text: every
	// character escaped, the matched words in <mark>.
	Snippet string `json:"snippet"`
	// Kind is "document" for a document (read at /documents/{id}), with
	// its number; absent for a news article.
	Kind   string `json:"kind,omitempty"`
	Number string `json:"number,omitempty"`
}

// search serves GET /search?q=&limit=&cursor=: the visible articles holding
// every word of q, whatever their case and diacritics, best first. q is read
// before any call: missing, blank, longer than search.MaxQueryRunes
// characters or without a letter or digit is 400, as are a bad limit, an
// empty cursor and a forged or foreign one (the store's EINVALID).
func (h *Handler) search(ctx context.Context, req apigw.Request) apigw.Response {
	q, err := searchText(req)
	if err != nil {
		return apigw.Error(ctx, h.log, err, apigw.NoStore)
	}
	limit, err := apigw.Limit(req)
	if err != nil {
		return apigw.Error(ctx, h.log, err, apigw.NoStore)
	}
	cur, ok := req.QueryStringParameters["cursor"]
	if ok && cur == "" {
		return apigw.Error(ctx, h.log, portal.Errorf(portal.EINVALID, "The cursor is invalid or belongs to another search."), apigw.NoStore)
	}
	page, err := h.store.Search(ctx, portal.SearchQuery{Text: q, Limit: limit, Cursor: cur, Now: h.now()})
	if err != nil {
		return apigw.Error(ctx, h.log, err, apigw.NoStore)
	}
	items := make([]searchHitJSON, len(page.Items))
	for i, hit := range page.Items {
		items[i] = searchHitJSON{
			ID: hit.ID, Slug: hit.Slug, Title: hit.Title, Summary: hit.Summary,
			PublishAt:   hit.PublishAt.UTC().Format(time.RFC3339),
			DisplayTime: portal.DisplayTime(hit.PublishAt),
			Snippet:     hit.Snippet,
			Kind:        hit.Kind,
			Number:      hit.Number,
		}
	}
	return apigw.Cached(req, apigw.NewPage(items, page.NextCursor), listCache)
}

// searchText returns the request's q, checked as search.Parse checks it, so
// that a bad query costs no call.
func searchText(req apigw.Request) (string, error) {
	q, err := apigw.Query(req, "q", search.MaxQueryBytes)
	if err != nil {
		return "", portal.Errorf(portal.EINVALID, "q is longer than %d characters.", search.MaxQueryRunes)
	}
	if strings.TrimSpace(q) == "" {
		return "", portal.Errorf(portal.EINVALID, "q is required: the words to search for.")
	}
	if _, err := search.Parse(q); err != nil {
		return "", err
	}
	return q, nil
}
