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
	p, err := s.pageWays(ctx, in, scope, "", limit, cur, keyAttrs)
	return p.items, p.onward, err
}

// pageOut is one page of a query, its items in the query's order.
type pageOut struct {
	items []map[string]types.AttributeValue
	// onward resumes the query, in its direction, after the page: empty when
	// nothing follows.
	onward string
	// back resumes the other way, before the page: what a query run in the
	// opposite direction takes as its cursor. Empty on a page that did not
	// start at a cursor (nothing is on its other side) or when no scope for
	// it was given.
	back string
}

// pageWays is page for a list that is paged both ways: in is the query of
// one direction (its ScanIndexForward), scope the scope of cur and of the
// onward cursor, backScope that of the cursor back ("" for none: page).
//
// A cursor is an exclusive start key, so both are positions between rows:
// onward is the last item of a full page (limit+1 rows came back) or the
// LastEvaluatedKey of a page the filter shortened (Limit counts rows before
// the filter, so more may follow); back is the page's first item, or, on an
// empty page, its LastEvaluatedKey (every row between the cursor and that
// key is filtered out, so the row at cur itself is the first one the other
// direction finds again). An empty page without one has no back cursor:
// nothing it could name would bring back the row at cur.
func (s *Store) pageWays(ctx context.Context, in *dynamodb.QueryInput, scope, backScope string, limit int, cur string, keyAttrs []string) (pageOut, error) {
	if limit < 1 || limit > portal.MaxLimit {
		return pageOut{}, portal.Errorf(portal.EINVALID, "limit must be between 1 and %d.", portal.MaxLimit)
	}
	// The cursor keys: read at the first list request, cached (a key set
	// that cannot be read is EUNAVAILABLE, 503).
	if err := s.cursors.Load(ctx); err != nil {
		return pageOut{}, err
	}
	if cur != "" {
		k, err := s.cursors.Decode(scope, cur)
		if errors.Is(err, cursor.ErrInvalid) {
			return pageOut{}, portal.Errorf(portal.EINVALID, "The cursor is invalid or belongs to another list.")
		}
		if err != nil {
			return pageOut{}, err
		}
		in.ExclusiveStartKey = stringKey(k)
	}
	in.TableName = &s.table
	in.Limit = aws.Int32(int32(limit + 1))
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return pageOut{}, err
	}
	var last map[string]string
	if out.LastEvaluatedKey != nil {
		if last, err = unstringKey(out.LastEvaluatedKey); err != nil {
			return pageOut{}, err
		}
	}
	p := pageOut{items: out.Items}
	switch {
	case len(p.items) > limit:
		p.items = p.items[:limit]
		p.onward = s.cursors.Encode(scope, itemKey(p.items[limit-1], keyAttrs))
	case last != nil:
		p.onward = s.cursors.Encode(scope, last)
	}
	if cur != "" && backScope != "" {
		switch {
		case len(p.items) > 0:
			p.back = s.cursors.Encode(backScope, itemKey(p.items[0], keyAttrs))
		case last != nil:
			p.back = s.cursors.Encode(backScope, last)
		}
	}
	return p, nil
}

// itemKey is the key of item: its attributes named by keyAttrs.
func itemKey(item map[string]types.AttributeValue, keyAttrs []string) map[string]string {
	k := make(map[string]string, len(keyAttrs))
	for _, a := range keyAttrs {
		if v, ok := item[a].(*types.AttributeValueMemberS); ok {
			k[a] = v.Value
		}
	}
	return k
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
