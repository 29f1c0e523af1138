package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/search"
)

// IndexDocument indexes d as IndexSlug does for a published copy, without
// the published copy: the search tests build a large index this way.
func (s *Store) IndexDocument(ctx context.Context, d search.Document) error {
	return indexRetry("dynamo.IndexDocument", func() error { return s.putIndex(ctx, d) })
}

// IndexBulk writes the index entries and DOC items of docs with batch
// writes only (no TERMS item, no transaction): what IndexDocument leaves a
// query to read, built fast enough for a 10,000-article corpus in a test.
func (s *Store) IndexBulk(ctx context.Context, docs []search.Document) error {
	var writes []types.WriteRequest
	for _, d := range docs {
		gen := d.Gen()
		sk := postingSK(d, gen)
		for term, f := range d.Terms() {
			writes = append(writes, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
				attrPK: sv(postingPK(term)), attrSK: sv(sk), "f": nv(int(f)),
			}}})
		}
		doc, err := attributevalue.MarshalMap(searchDocItem{PK: searchDocPK(d.ID), SK: skSearchDoc, ID: d.ID, Slug: d.Slug,
			Title: d.Title, Summary: d.Summary, Text: d.Text, Status: d.Status, PublishAt: d.PublishAt, Gen: gen})
		if err != nil {
			return err
		}
		writes = append(writes, types.WriteRequest{PutRequest: &types.PutRequest{Item: doc}})
	}
	return s.batchWrite(ctx, writes)
}
