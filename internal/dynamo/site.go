package dynamo

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// Categories returns every category, ordered by parent, then position, then
// name, in one Query on the CATEGORY partition. The tree is small (tens of
// nodes), so one partition and one page hold it.
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) Categories(ctx context.Context) ([]portal.Category, error) {
	const op = "dynamo.Categories"
	var items []categoryItem
	if err := s.queryPartition(ctx, pkCategories, &items); err != nil {
		return nil, translate(op, err)
	}
	out := make([]portal.Category, len(items))
	for i, it := range items {
		out[i] = portal.Category{ID: it.ID, Slug: it.Slug, Name: it.Name, ParentID: it.ParentID, Position: it.Position, Version: it.Version}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.ParentID != b.ParentID {
			return a.ParentID < b.ParentID
		}
		if a.Position != b.Position {
			return a.Position < b.Position
		}
		return a.Name < b.Name
	})
	return out, nil
}

// Links returns the linked websites in position order, in one Query on the
// LINK partition.
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) Links(ctx context.Context) ([]portal.Link, error) {
	const op = "dynamo.Links"
	var items []linkItem
	if err := s.queryPartition(ctx, pkLinks, &items); err != nil {
		return nil, translate(op, err)
	}
	out := make([]portal.Link, len(items))
	for i, it := range items {
		out[i] = portal.Link{ID: it.ID, Title: it.Title, URL: it.URL, Position: it.Position, Version: it.Version}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Position != out[j].Position {
			return out[i].Position < out[j].Position
		}
		return out[i].Title < out[j].Title
	})
	return out, nil
}

// queryPartition reads a whole small partition. It pages for safety, but the
// partitions it serves hold a few kilobytes: one call in practice.
func (s *Store) queryPartition(ctx context.Context, pk string, dst any) error {
	in := &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: pk},
		},
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
