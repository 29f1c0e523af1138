package dynamo

// The search index's writer (docs/search.md). The indexer function calls
// IndexSlug for every published-copy item the table's stream reports
// changed; IndexSlug does not trust the record's images but reads the item
// as it is now and makes the index agree with it, so a replayed, repeated
// or reordered record changes nothing.

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
	"eportal/internal/search"
)

// Search index items (every key starts with SEARCH#: the indexer's IAM
// policy allows it those and nothing else to write).
const (
	searchPrefix = "SEARCH#"
	skSearchDoc  = "DOC"   // PK=SEARCH#DOC#<id>: what a result shows
	skSearchTerm = "TERMS" // PK=SEARCH#DOC#<id>: what the article put in the index
	tombstoneGen = "-"     // TERMS.gen of an article whose entries are being removed
	indexRetries = 3       // IndexSlug's attempts when a concurrent indexing moved the article on
)

// Terms are lower-case letters and digits: no term is "DOC#…".
func postingPK(term string) string { return searchPrefix + term }
func searchDocPK(id string) string { return searchPrefix + "DOC#" + id }
func postingSK(d search.Document, gen string) string {
	return d.PublishAt + "#" + d.ID + "#" + gen
}

// searchDocItem is what a result shows of an article (SK=DOC).
type searchDocItem struct {
	PK        string `dynamodbav:"PK"`
	SK        string `dynamodbav:"SK"`
	ID        string `dynamodbav:"id"`
	Slug      string `dynamodbav:"slug"`
	Title     string `dynamodbav:"title"`
	Summary   string `dynamodbav:"summary,omitempty"`
	Text      string `dynamodbav:"text,omitempty"`
	Status    string `dynamodbav:"status"`
	PublishAt string `dynamodbav:"publishAt"`
	ExpiresAt string `dynamodbav:"expiresAt,omitempty"`
	Gen       string `dynamodbav:"gen"`
	Kind      string `dynamodbav:"kind,omitempty"`   // "document" for a document
	Number    string `dynamodbav:"number,omitempty"` // a document's số ký hiệu
}

// searchTermsItem records what an article put in the index (SK=TERMS), so
// that the entries can be found again to remove them: the terms of the
// current generation at SK, and, while a change is being applied, those of
// the previous one (Stale at StaleSK) that are still to be deleted.
type searchTermsItem struct {
	PK      string   `dynamodbav:"PK"`
	SK      string   `dynamodbav:"SK"`
	Slug    string   `dynamodbav:"slug"`
	Gen     string   `dynamodbav:"gen"`
	At      string   `dynamodbav:"at,omitempty"` // the entries' sort key
	Terms   []string `dynamodbav:"terms,omitempty"`
	StaleSK string   `dynamodbav:"staleSk,omitempty"`
	Stale   []string `dynamodbav:"stale,omitempty"`
}

// errIndexMoved is a conditional write of the index that lost to a
// concurrent indexing of the same article: start again from the table.
var errIndexMoved = errors.New("the article's index entries changed meanwhile")

// IndexSlug makes the search index agree with the public item at slug as it
// is now: a published copy is indexed (nothing is written when the index
// already holds this version); the articles ids (the ids the stream record
// named) that are indexed under slug but no longer published there are
// removed. It is idempotent and safe to run concurrently with itself.
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable (the
// stream batch is retried).
func (s *Store) IndexSlug(ctx context.Context, slug string, ids ...string) error {
	return indexRetry("dynamo.IndexSlug", func() error { return s.indexSlug(ctx, slug, ids) })
}

// indexRetry runs an indexing, again from the table when a concurrent
// indexing of the same article won (errIndexMoved), up to indexRetries
// times; then EUNAVAILABLE, so the stream batch is retried later.
func indexRetry(op string, index func() error) error {
	var err error
	for range indexRetries {
		if err = index(); !errors.Is(err, errIndexMoved) {
			return translate(op, err)
		}
	}
	return &portal.Error{Code: portal.EUNAVAILABLE, Op: op, Message: "The article is being indexed by another batch; retry shortly.", Err: err}
}

func (s *Store) indexSlug(ctx context.Context, slug string, ids []string) error {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: key(publicPK(slug), skPublic), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return err
	}
	published := ""
	if out.Item != nil {
		var it articleItem
		if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
			return fmt.Errorf("unmarshal %s: %w", publicPK(slug), err)
		}
		if st := portal.Status(it.Status); it.RedirectTo == "" && it.Title != "" && it.PublishAt != "" &&
			(st == portal.StatusPublished || st == portal.StatusScheduled) {
			published = it.ID
			sa := search.Article{ID: it.ID, Slug: slug, Title: it.Title, Summary: it.Summary,
				BodyHTML: it.Body, Tags: it.Tags, Author: it.Author, Source: it.Source,
				Status: it.Status, PublishAt: it.PublishAt, ExpiresAt: it.ExpiresAt}
			if it.Kind == portal.KindDocument && it.Document != nil {
				sa.Kind, sa.Number = it.Kind, it.Document.Number
				sa.Author = it.Document.Issuer + "\n" + it.Document.Signer
			}
			d := search.NewDocument(sa)
			if err := s.putIndex(ctx, d); err != nil {
				return err
			}
		}
	}
	for _, id := range ids {
		if id != "" && id != published {
			if err := s.dropIndex(ctx, id, slug); err != nil {
				return err
			}
		}
	}
	return nil
}

// indexedTerms reads an article's TERMS item (nil when it has none).
func (s *Store) indexedTerms(ctx context.Context, id string) (*searchTermsItem, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: key(searchDocPK(id), skSearchTerm), ConsistentRead: aws.Bool(true),
	})
	if err != nil || out.Item == nil {
		return nil, err
	}
	var t searchTermsItem
	if err := attributevalue.UnmarshalMap(out.Item, &t); err != nil {
		return nil, fmt.Errorf("unmarshal %s: %w", searchDocPK(id), err)
	}
	return &t, nil
}

// putIndex indexes d. Its entries are written first, under the new
// generation's sort key, where no reader looks yet; then one transaction
// switches DOC and TERMS to the new generation (conditioned on the
// generation read, so two concurrent indexings cannot both win); then the
// previous generation's entries are deleted. Until the switch, queries see
// the previous version (a result's generation must match DOC's); after
// it, the new one. A failure in between leaves TERMS saying what is still
// to delete, which the next indexing of the article finishes first.
func (s *Store) putIndex(ctx context.Context, d search.Document) error {
	gen := d.Gen()
	old, err := s.indexedTerms(ctx, d.ID)
	if err != nil {
		return err
	}
	if old != nil && len(old.Stale) > 0 {
		if err := s.deleteStale(ctx, old); err != nil {
			return err
		}
	}
	if old != nil && old.Gen == gen {
		return nil // this version is indexed already
	}
	terms := d.Terms()
	sk := postingSK(d, gen)
	writes := make([]types.WriteRequest, 0, len(terms))
	names := make([]string, 0, len(terms))
	for term, f := range terms {
		item := map[string]types.AttributeValue{
			attrPK: sv(postingPK(term)), attrSK: sv(sk), "f": nv(int(f)),
		}
		if d.ExpiresAt != "" {
			item["x"] = sv(d.ExpiresAt)
		}
		writes = append(writes, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		names = append(names, term)
	}
	if err := s.batchWrite(ctx, writes); err != nil {
		return err
	}
	next := searchTermsItem{PK: searchDocPK(d.ID), SK: skSearchTerm, Slug: d.Slug, Gen: gen, At: sk, Terms: names}
	if old != nil && old.Gen != tombstoneGen {
		next.StaleSK, next.Stale = old.At, old.Terms
	}
	doc := searchDocItem{PK: searchDocPK(d.ID), SK: skSearchDoc, ID: d.ID, Slug: d.Slug, Title: d.Title,
		Summary: d.Summary, Text: d.Text, Status: d.Status, PublishAt: d.PublishAt, ExpiresAt: d.ExpiresAt, Gen: gen,
		Kind: d.Kind, Number: d.Number}
	if err := s.switchIndex(ctx, old, &next, &doc); err != nil {
		return err
	}
	return s.deleteStale(ctx, &next)
}

// dropIndex removes article id from the index if it is indexed under slug:
// DOC goes and TERMS becomes a tombstone listing the entries to delete (one
// transaction, conditioned on the generation read), then the entries go,
// then the tombstone.
func (s *Store) dropIndex(ctx context.Context, id, slug string) error {
	old, err := s.indexedTerms(ctx, id)
	if err != nil || old == nil || old.Slug != slug {
		return err
	}
	if len(old.Stale) > 0 {
		if err := s.deleteStale(ctx, old); err != nil {
			return err
		}
	}
	tomb := old
	if old.Gen != tombstoneGen {
		tomb = &searchTermsItem{PK: old.PK, SK: old.SK, Slug: old.Slug, Gen: tombstoneGen, StaleSK: old.At, Stale: old.Terms}
		if err := s.switchIndex(ctx, old, tomb, nil); err != nil {
			return err
		}
	}
	if err := s.deleteStale(ctx, tomb); err != nil {
		return err
	}
	_, err = s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: &s.table, Key: key(tomb.PK, tomb.SK),
		ConditionExpression:       aws.String("gen = :tomb"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":tomb": sv(tombstoneGen)},
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return nil // indexed again meanwhile: that indexing owns the item now
	}
	return err
}

// switchIndex writes next (TERMS) and doc (DOC, deleted when nil) in one
// transaction, conditioned on TERMS still being old (absent when old is nil).
func (s *Store) switchIndex(ctx context.Context, old, next *searchTermsItem, doc *searchDocItem) error {
	t := &tx{table: s.table}
	cond, values := "attribute_not_exists(PK)", map[string]types.AttributeValue(nil)
	if old != nil {
		cond, values = "gen = :gen", map[string]types.AttributeValue{":gen": sv(old.Gen)}
	}
	if err := t.put(next, cond, nil, values, errIndexMoved); err != nil {
		return err
	}
	if doc != nil {
		if err := t.put(doc, "", nil, nil, nil); err != nil {
			return err
		}
	} else {
		t.delete(next.PK, skSearchDoc, "", nil, nil)
	}
	return t.run(ctx, s.db, "dynamo.IndexSlug")
}

// deleteStale deletes the entries t lists as stale, then clears the list
// (conditioned on t's generation: a later indexing has its own list).
func (s *Store) deleteStale(ctx context.Context, t *searchTermsItem) error {
	if len(t.Stale) == 0 {
		return nil
	}
	dels := make([]types.WriteRequest, len(t.Stale))
	for i, term := range t.Stale {
		dels[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key(postingPK(term), t.StaleSK)}}
	}
	if err := s.batchWrite(ctx, dels); err != nil {
		return err
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(t.PK, t.SK),
		UpdateExpression:          aws.String("REMOVE stale, staleSk"),
		ConditionExpression:       aws.String("gen = :gen"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":gen": sv(t.Gen)},
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		err = nil
	}
	t.Stale, t.StaleSK = nil, ""
	return err
}

// IndexAll indexes every article and document on the public lists (published, and
// scheduled for later), as the stream would have: the backfill for content
// written before the indexer existed, or after the index was lost. It reads
// GSI1 LIST#ALL and DOCLIST#ALL page by page and calls IndexSlug for each entry, so an
// article already indexed costs two reads and no write. progress, when not
// nil, is called after each article with the count so far.
func (s *Store) IndexAll(ctx context.Context, progress func(n int)) (int, error) {
	const op = "dynamo.IndexAll"
	n := 0
	// Every published article is in LIST#ALL, every published document in
	// DOCLIST#ALL.
	for _, list := range []string{listAllScope, portal.DocumentListAll} {
		in := &dynamodb.QueryInput{
			TableName:                 &s.table,
			IndexName:                 aws.String(indexGSI1),
			KeyConditionExpression:    aws.String("GSI1PK = :pk"),
			ProjectionExpression:      aws.String("id, slug"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": sv(list)},
		}
		for {
			out, err := s.db.Query(ctx, in)
			if err != nil {
				return n, translate(op, err)
			}
			for _, item := range out.Items {
				if err := s.IndexSlug(ctx, stringAttr(item, "slug"), stringAttr(item, "id")); err != nil {
					return n, err
				}
				n++
				if progress != nil {
					progress(n)
				}
			}
			if out.LastEvaluatedKey == nil {
				break
			}
			in.ExclusiveStartKey = out.LastEvaluatedKey
		}
	}
	return n, nil
}
