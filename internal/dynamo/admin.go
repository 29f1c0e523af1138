package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// ArticleByID returns an article's working copy, read consistently (an
// editor sees their own last save).
//
// Errors: ENOTFOUND; EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) ArticleByID(ctx context.Context, id string) (*portal.Article, error) {
	return s.articleAt(ctx, "dynamo.ArticleByID", articlePK(id), skArticle)
}

// Revision returns revision n of an article.
//
// Errors: ENOTFOUND; EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) Revision(ctx context.Context, id string, n int) (*portal.Article, error) {
	return s.articleAt(ctx, "dynamo.Revision", articlePK(id), revisionSK(n))
}

func (s *Store) articleAt(ctx context.Context, op, pk, sk string) (*portal.Article, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, translate(op, err)
	}
	if out.Item == nil {
		return nil, notFound(op, "Article")
	}
	var it articleItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return nil, translate(op, fmt.Errorf("unmarshal %s/%s: %w", pk, sk, err))
	}
	a, err := it.article()
	return a, translate(op, err)
}

// Desk returns a page of desk entries (article summaries without body), in
// one Query on GSI2 (by status) or GSI1 (all).
//
// Errors: EINVALID for a bad limit or cursor; EUNAVAILABLE.
func (s *Store) Desk(ctx context.Context, q portal.DeskQuery) ([]portal.Article, string, error) {
	const op = "dynamo.Desk"
	in := &dynamodb.QueryInput{ScanIndexForward: aws.Bool(false)}
	var scope string
	var keys []string
	if q.Status != "" {
		scope = deskAll + "#" + string(q.Status)
		in.IndexName = aws.String(indexGSI2)
		in.KeyConditionExpression = aws.String("GSI2PK = :p")
		keys = []string{attrPK, attrSK, attrGSI2PK, attrGSI2SK}
	} else {
		scope = deskAll
		in.IndexName = aws.String(indexGSI1)
		in.KeyConditionExpression = aws.String("GSI1PK = :p")
		keys = []string{attrPK, attrSK, attrGSI1PK, attrGSI1SK}
	}
	in.ExpressionAttributeValues = map[string]types.AttributeValue{":p": sv(scope)}
	if q.Category != "" {
		in.FilterExpression = aws.String("contains(categories, :c)")
		in.ExpressionAttributeValues[":c"] = sv(q.Category)
		scope += "|" + q.Category
	}
	items, next, err := s.page(ctx, in, scope, q.Limit, q.Cursor, keys)
	if err != nil {
		return nil, "", translate(op, err)
	}
	out, err := articles(items)
	return out, next, translate(op, err)
}

// Revisions returns a page of an article's revisions, newest first, each a
// full snapshot.
//
// Errors: EINVALID for a bad limit or cursor; EUNAVAILABLE.
func (s *Store) Revisions(ctx context.Context, id string, limit int, cur string) ([]portal.Article, string, error) {
	const op = "dynamo.Revisions"
	in := &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :rev)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": sv(articlePK(id)), ":rev": sv("REV#")},
		ScanIndexForward:          aws.Bool(false),
	}
	items, next, err := s.page(ctx, in, "REV#"+id, limit, cur, []string{attrPK, attrSK})
	if err != nil {
		return nil, "", translate(op, err)
	}
	out, err := articles(items)
	return out, next, translate(op, err)
}

func articles(items []map[string]types.AttributeValue) ([]portal.Article, error) {
	var its []articleItem
	if err := attributevalue.UnmarshalListOfMaps(items, &its); err != nil {
		return nil, fmt.Errorf("unmarshal articles: %w", err)
	}
	out := make([]portal.Article, 0, len(its))
	for i := range its {
		a, err := its[i].article()
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}

// DeleteArticle removes an article for good: its working copy, desk entry,
// list entries and every slug item, in one transaction conditioned on
// version, with an audit record; then its revisions.
//
// Errors: ENOTFOUND; EPRECONDITION when the article changed since version;
// EUNAVAILABLE.
func (s *Store) DeleteArticle(ctx context.Context, a *portal.Article, actor string, now time.Time) error {
	const op = "dynamo.DeleteArticle"
	t := &tx{table: s.table}
	idv := map[string]types.AttributeValue{":id": sv(a.ID), ":v": nv(a.Version)}
	t.delete(articlePK(a.ID), skArticle, "version = :v", map[string]types.AttributeValue{":v": nv(a.Version)}, errStale)
	t.delete(articlePK(a.ID), skDesk, "", nil, nil)
	if a.PublishedSlug != "" {
		for _, scope := range scopes(a.PublishedCategories) {
			t.delete(articlePK(a.ID), scope, "", nil, nil)
		}
	}
	seen := map[string]bool{}
	for _, sl := range append([]string{a.Slug, a.PublishedSlug}, a.PreviousSlugs...) {
		if sl != "" && !seen[sl] {
			seen[sl] = true
			t.delete(publicPK(sl), skPublic, "attribute_not_exists(PK) OR id = :id", map[string]types.AttributeValue{":id": idv[":id"]}, nil)
		}
	}
	// The delete is recorded as the version after the last one, so that it
	// sorts after a change made in the same millisecond.
	if err := t.put(newAuditItem("article", a.ID, "delete", actor, a.Version+1, now), "", nil, nil, nil); err != nil {
		return translate(op, err)
	}
	if err := t.run(ctx, s.db, op); err != nil {
		return err
	}
	// Revisions are not public; removing them may take several calls and is
	// retried by a repeated DELETE if it fails half-way.
	return translate(op, s.deletePartitionPrefix(ctx, articlePK(a.ID), "REV#"))
}

func (s *Store) deletePartitionPrefix(ctx context.Context, pk, prefix string) error {
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": sv(pk), ":p": sv(prefix)},
		ProjectionExpression:      aws.String("PK, SK"),
	}
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return err
		}
		for i := 0; i < len(out.Items); i += 25 {
			var reqs []types.WriteRequest
			for _, it := range out.Items[i:min(i+25, len(out.Items))] {
				reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: it}})
			}
			pending := map[string][]types.WriteRequest{s.table: reqs}
			for tries := 0; len(pending) > 0 && tries < 5; tries++ {
				res, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
				if err != nil {
					return err
				}
				pending = res.UnprocessedItems
			}
		}
		if out.LastEvaluatedKey == nil {
			return nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}
