// Package indexer is the search index's stream consumer: the indexer
// function's handler (functions/indexer) and, with `make run`, the same
// code fed by DynamoDB Local's stream (infra/streamlocal). For every
// published-copy item (PK=SLUG#…) a batch reports changed, it has the store
// make the index agree with the item as it is now (dynamo.Store.IndexSlug),
// so a replayed, duplicated or reordered batch leaves the index as it was.
package indexer

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"
)

// Store is what the handler needs from storage; *dynamo.Store has it.
type Store interface {
	IndexSlug(ctx context.Context, slug string, ids ...string) error
}

// Parallel is how many slugs of one batch are indexed at once.
const Parallel = 4

// slugPrefix starts the key of every public item: published copies,
// redirects and slug reservations. Nothing else concerns the index.
const slugPrefix = "SLUG#"

// indexed are the attributes of a published copy the index holds: a change
// to anything else (the view count the views function rolls up once a
// minute) needs no indexing.
var indexed = []string{"id", "slug", "title", "summary", "body", "tags", "author", "source", "status", "publishAt", "expiresAt", "redirectTo"}

// Handler indexes stream batches. Create it with New.
type Handler struct {
	store Store
	log   *slog.Logger
}

// New returns a Handler writing through store, logging to log.
func New(store Store, log *slog.Logger) *Handler { return &Handler{store: store, log: log} }

// work is one slug of a batch: the ids its records named and the position
// of its first record.
type work struct {
	slug  string
	ids   []string
	first int
}

// Handle indexes one batch. A slug that cannot be indexed now (the table
// throttles) is reported as a batch item failure at its first record, so
// Lambda retries the batch from there (ReportBatchItemFailures); everything
// after it is indexed again, which changes nothing. It never returns an
// error: a failure is always reported by record.
func (h *Handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var todo []*work
	bySlug := map[string]*work{}
	for i, r := range ev.Records {
		pk := attr(r.Change.Keys, "PK")
		if !strings.HasPrefix(pk, slugPrefix) || unchanged(r) {
			continue
		}
		w := bySlug[pk]
		if w == nil {
			w = &work{slug: strings.TrimPrefix(pk, slugPrefix), first: i}
			bySlug[pk] = w
			todo = append(todo, w)
		}
		for _, img := range []map[string]events.DynamoDBAttributeValue{r.Change.OldImage, r.Change.NewImage} {
			if id := attr(img, "id"); id != "" && !contains(w.ids, id) {
				w.ids = append(w.ids, id)
			}
		}
	}
	failed := len(ev.Records)
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, Parallel)
	for _, w := range todo {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := h.store.IndexSlug(ctx, w.slug, w.ids...); err != nil {
				h.log.ErrorContext(ctx, "index", "slug", w.slug, "err", err)
				mu.Lock()
				failed = min(failed, w.first)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	var resp events.DynamoDBEventResponse
	if failed < len(ev.Records) {
		resp.BatchItemFailures = []events.DynamoDBBatchItemFailure{{ItemIdentifier: ev.Records[failed].Change.SequenceNumber}}
	}
	if len(todo) > 0 {
		h.log.InfoContext(ctx, "indexed", "records", len(ev.Records), "slugs", len(todo), "failed", len(resp.BatchItemFailures) > 0)
	}
	return resp, nil
}

// unchanged reports whether r changed none of the attributes the index
// holds (a MODIFY of the view count).
func unchanged(r events.DynamoDBEventRecord) bool {
	oldImg, newImg := r.Change.OldImage, r.Change.NewImage
	if r.EventName != string(events.DynamoDBOperationTypeModify) || oldImg == nil || newImg == nil {
		return false
	}
	for _, name := range indexed {
		if !same(oldImg, newImg, name) {
			return false
		}
	}
	return true
}

// same reports whether attribute name is equal in both images (absent in
// both counts as equal), whatever its type (tags are a list).
func same(a, b map[string]events.DynamoDBAttributeValue, name string) bool {
	va, oka := a[name]
	vb, okb := b[name]
	if oka != okb {
		return false
	}
	if !oka {
		return true
	}
	ja, erra := json.Marshal(va)
	jb, errb := json.Marshal(vb)
	return erra == nil && errb == nil && bytes.Equal(ja, jb)
}

// attr is a string attribute of an image, "" when absent or not a string.
func attr(img map[string]events.DynamoDBAttributeValue, name string) string {
	v, ok := img[name]
	if !ok || v.DataType() != events.DataTypeString {
		return ""
	}
	return v.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
