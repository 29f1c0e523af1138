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

// popularSlack is how many entries beyond limit Popular fetches, so that a
// few entries dropped as no longer visible still leave a full list.
const popularSlack = 10

// Popular returns the most-read visible articles of the occurrence of period
// p that contains now, most views first, at most limit, each with Views set
// to its views in the period (as of its last roll-up). One Query on GSI1
// (POP#<period>#<bucket>, descending) reads the ranking; its entries carry a
// copy of the article's status and times, filtered in the query and again in
// code. One BatchGetItem of the candidates' published copies (projected to
// the visibility fields) then drops any article unpublished, archived or
// moved since its entry was written: the published copy is the truth.
//
// Errors: EINVALID for a limit outside 1..portal.MaxLimit; EUNAVAILABLE when
// the table is throttling or unreachable.
func (s *Store) Popular(ctx context.Context, p portal.Period, limit int, now time.Time) ([]portal.Article, error) {
	const op = "dynamo.Popular"
	if limit < 1 || limit > portal.MaxLimit {
		return nil, &portal.Error{Code: portal.EINVALID, Op: op, Message: fmt.Sprintf("limit must be between 1 and %d.", portal.MaxLimit)}
	}
	w := portal.WindowAt(p, now)
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:              &s.table,
		IndexName:              aws.String(indexGSI1),
		KeyConditionExpression: aws.String("GSI1PK = :scope"),
		FilterExpression: aws.String("publishAt <= :now AND (attribute_not_exists(expiresAt) OR expiresAt > :now) " +
			"AND #status IN (:published, :scheduled)"),
		ExpressionAttributeNames: map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":scope":     &types.AttributeValueMemberS{Value: popularScope(p, w.Bucket)},
			":now":       &types.AttributeValueMemberS{Value: formatTime(now)},
			":published": &types.AttributeValueMemberS{Value: string(portal.StatusPublished)},
			":scheduled": &types.AttributeValueMemberS{Value: string(portal.StatusScheduled)},
		},
		ScanIndexForward: aws.Bool(false),
		Limit:            aws.Int32(int32(limit + popularSlack)),
	})
	if err != nil {
		return nil, translate(op, err)
	}
	var items []articleItem
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &items); err != nil {
		return nil, translate(op, fmt.Errorf("unmarshal most read: %w", err))
	}
	var candidates []*portal.Article
	for i := range items {
		a, err := items[i].article()
		if err != nil {
			return nil, translate(op, err)
		}
		a.Views = items[i].Views // summary() leaves it out of list entries; here it is the period's count
		if a.VisibleAt(now) && len(candidates) < portal.MaxLimit {
			candidates = append(candidates, a)
		}
	}
	if len(candidates) == 0 {
		return []portal.Article{}, nil
	}
	keys := make([]map[string]types.AttributeValue, len(candidates))
	for i, a := range candidates {
		keys[i] = key(publicPK(a.Slug), skPublic)
	}
	published, err := s.batchGet(ctx, keys, "PK", "id", "status", "publishAt", "expiresAt", "redirectTo")
	if err != nil {
		return nil, translate(op, err)
	}
	visible := map[string]bool{} // by slug
	for _, item := range published {
		var it articleItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, translate(op, fmt.Errorf("unmarshal published copy: %w", err))
		}
		a, err := it.article()
		if err != nil {
			return nil, translate(op, err)
		}
		if it.RedirectTo == "" && a.VisibleAt(now) {
			visible[it.PK+"#"+it.ID] = true
		}
	}
	result := make([]portal.Article, 0, limit)
	for _, a := range candidates {
		if visible[publicPK(a.Slug)+"#"+a.ID] && len(result) < limit {
			result = append(result, *a)
		}
	}
	return result, nil
}
