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

// ArticleBySlug returns what readers find at slug at now, in one GetItem on the
// published copy: the article when it is visible (portal.Visible), or the
// current slug when slug is one the article used before.
//
// Errors: ENOTFOUND when nothing visible has the slug (unknown, draft,
// scheduled for later, expired, unpublished, archived); EUNAVAILABLE when the
// table is throttling or unreachable.
func (s *Store) ArticleBySlug(ctx context.Context, slug string, now time.Time) (portal.SlugTarget, error) {
	const op = "dynamo.ArticleBySlug"
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table,
		Key:       key(publicPK(slug), skPublic),
	})
	if err != nil {
		return portal.SlugTarget{}, translate(op, err)
	}
	if out.Item == nil {
		return portal.SlugTarget{}, notFound(op, "Article")
	}
	var it articleItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return portal.SlugTarget{}, translate(op, fmt.Errorf("unmarshal %s: %w", publicPK(slug), err))
	}
	if it.RedirectTo != "" {
		return portal.SlugTarget{MovedTo: it.RedirectTo}, nil
	}
	a, err := it.article()
	if err != nil {
		return portal.SlugTarget{}, translate(op, err)
	}
	if !a.VisibleAt(now) {
		return portal.SlugTarget{}, notFound(op, "Article")
	}
	return portal.SlugTarget{Article: a}, nil
}

// ListArticles returns one page of the visible articles, newest first, in one
// Query on GSI1. Entries scheduled after q.Now are cut off by the key
// condition; expired ones by a filter, so a page may hold fewer than q.Limit
// articles and still have a NextCursor. The cursor is bound to q.Category.
//
// Errors: EINVALID for a forged, altered or foreign cursor; EUNAVAILABLE when
// the table is throttling or unreachable.
func (s *Store) ListArticles(ctx context.Context, q portal.ArticleQuery) (portal.ArticlePage, error) {
	const op = "dynamo.ListArticles"
	scope := listScope(q.Category)
	in := &dynamodb.QueryInput{
		IndexName:              aws.String(indexGSI1),
		KeyConditionExpression: aws.String("GSI1PK = :scope AND GSI1SK <= :upper"),
		FilterExpression:       aws.String("(attribute_not_exists(expiresAt) OR expiresAt > :now) AND #status IN (:published, :scheduled)"),
		ExpressionAttributeNames: map[string]string{
			"#status": "status",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":scope":     sv(scope),
			":upper":     sv(listUpperBound(q.Now)),
			":now":       sv(formatTime(q.Now)),
			":published": sv(string(portal.StatusPublished)),
			":scheduled": sv(string(portal.StatusScheduled)),
		},
		ScanIndexForward: aws.Bool(false),
	}
	items, next, err := s.page(ctx, in, scope, q.Limit, q.Cursor, []string{attrPK, attrSK, attrGSI1PK, attrGSI1SK})
	if err != nil {
		return portal.ArticlePage{}, translate(op, err)
	}
	all, err := articles(items)
	if err != nil {
		return portal.ArticlePage{}, translate(op, err)
	}
	page := portal.ArticlePage{Items: make([]portal.Article, 0, len(all)), NextCursor: next}
	for _, a := range all {
		if a.VisibleAt(q.Now) { // the filter's twin, in case the two ever disagree
			page.Items = append(page.Items, a)
		}
	}
	return page, nil
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		attrPK: &types.AttributeValueMemberS{Value: pk},
		attrSK: &types.AttributeValueMemberS{Value: sk},
	}
}

func stringKey(k map[string]string) map[string]types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(k))
	for name, v := range k {
		out[name] = &types.AttributeValueMemberS{Value: v}
	}
	return out
}

func unstringKey(k map[string]types.AttributeValue) (map[string]string, error) {
	out := make(map[string]string, len(k))
	for name, v := range k {
		s, ok := v.(*types.AttributeValueMemberS)
		if !ok {
			return nil, fmt.Errorf("key attribute %s is %T, not a string", name, v)
		}
		out[name] = s.Value
	}
	return out, nil
}
