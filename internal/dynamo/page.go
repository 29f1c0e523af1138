package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/cursor"
	"eportal/internal/portal"
)

// Queries: one page of a list, a whole small partition, the keys of a sweep.

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

// queryPartition reads a whole small partition into dst. It pages for
// safety, but the partitions it serves (categories, links) hold a few
// kilobytes: one call in practice.
func (s *Store) queryPartition(ctx context.Context, pk string, dst any) error {
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": sv(pk)},
	}
	var all []map[string]types.AttributeValue
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return err
		}
		all = append(all, out.Items...)
		if out.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	if err := attributevalue.UnmarshalListOfMaps(all, dst); err != nil {
		return fmt.Errorf("unmarshal %s: %w", pk, err)
	}
	return nil
}

// queryKeys returns the table keys of every item a query finds, all pages:
// what a sweep deletes.
func (s *Store) queryKeys(ctx context.Context, in *dynamodb.QueryInput) ([]map[string]types.AttributeValue, error) {
	in.TableName = &s.table
	in.ProjectionExpression = aws.String("PK, SK")
	var keys []map[string]types.AttributeValue
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, err
		}
		keys = append(keys, out.Items...)
		if out.LastEvaluatedKey == nil {
			return keys, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

func stringKey(k map[string]string) map[string]types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(k))
	for name, v := range k {
		out[name] = sv(v)
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
