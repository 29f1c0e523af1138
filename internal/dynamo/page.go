package dynamo

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/cursor"
	"eportal/internal/portal"
)

// page runs one Query for a page of at most limit items, resuming at cursor
// (bound to scope), in one call: it asks for limit+1 rows so that a full page
// knows whether another follows. keyAttrs are the attributes of the query's
// key (the table's, plus the index's for an index query).
func (s *Store) page(ctx context.Context, in *dynamodb.QueryInput, scope string, limit int, cur string, keyAttrs []string) ([]map[string]types.AttributeValue, string, error) {
	if limit < 1 || limit > portal.MaxLimit {
		return nil, "", portal.Errorf(portal.EINVALID, "limit must be between 1 and %d.", portal.MaxLimit)
	}
	if cur != "" {
		k, err := s.cursors.Decode(scope, cur)
		if errors.Is(err, cursor.ErrInvalid) {
			return nil, "", portal.Errorf(portal.EINVALID, "The cursor is invalid or belongs to another list.")
		}
		if err != nil {
			return nil, "", err
		}
		in.ExclusiveStartKey = stringKey(k)
	}
	in.TableName = &s.table
	in.Limit = aws.Int32(int32(limit + 1))
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return nil, "", err
	}
	items := out.Items
	if len(items) > limit {
		items = items[:limit]
		k := map[string]string{}
		for _, a := range keyAttrs {
			if v, ok := items[limit-1][a].(*types.AttributeValueMemberS); ok {
				k[a] = v.Value
			}
		}
		return items, s.cursors.Encode(scope, k), nil
	}
	if out.LastEvaluatedKey != nil {
		k, err := unstringKey(out.LastEvaluatedKey)
		if err != nil {
			return nil, "", err
		}
		return items, s.cursors.Encode(scope, k), nil
	}
	return items, "", nil
}
