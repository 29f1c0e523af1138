package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

var (
	errCategoryExists = &portal.Error{Code: portal.ECONFLICT, Message: "A category with this id exists."}
	errNoParent       = &portal.Error{Code: portal.EINVALID, Message: "The parent category does not exist."}
	errLinkExists     = &portal.Error{Code: portal.ECONFLICT, Message: "A link with this id exists."}
)

// SaveCategory creates c (before == 0) or replaces it when it is still at
// version before, with an audit record, in one transaction. c.Version must be
// the new version. A parent must exist.
//
// Errors: ECONFLICT when creating an existing id; EPRECONDITION when the
// category changed; ENOTFOUND when it is gone; EINVALID when the parent does
// not exist; EUNAVAILABLE.
func (s *Store) SaveCategory(ctx context.Context, c portal.Category, before int, actor string, now time.Time) error {
	const op = "dynamo.SaveCategory"
	it := categoryItem{PK: pkCategories, SK: c.ID, ID: c.ID, Slug: c.Slug, Name: c.Name, ParentID: c.ParentID, Position: c.Position, Version: c.Version}
	t := &tx{table: s.table}
	action := "update"
	var err error
	if before == 0 {
		action = "create"
		err = t.put(it, "attribute_not_exists(PK)", nil, nil, errCategoryExists)
	} else {
		err = t.put(it, "version = :v", nil, map[string]types.AttributeValue{":v": nv(before)}, errStale)
	}
	if err != nil {
		return translate(op, err)
	}
	if c.ParentID != "" {
		t.check(pkCategories, c.ParentID, "attribute_exists(PK)", nil, errNoParent)
	}
	if err := t.put(newAuditItem("category", c.ID, action, actor, c.Version, now), "", nil, nil, nil); err != nil {
		return translate(op, err)
	}
	return t.run(ctx, s.db, op)
}

// DeleteCategory deletes category id when still at version, with an audit
// record. The caller checks first that it has no children and no articles
// (CategoryInUse).
//
// Errors: EPRECONDITION; ENOTFOUND; EUNAVAILABLE.
func (s *Store) DeleteCategory(ctx context.Context, id string, version int, actor string, now time.Time) error {
	return s.deleteVersioned(ctx, "dynamo.DeleteCategory", pkCategories, id, "category", version, actor, now)
}

// CategoryInUse reports whether any article, published or not, is in
// category id. Published ones are found with one Query of its list; the rest
// by reading the editorial desk with a filter (a rare, admin-only check).
//
// Errors: EUNAVAILABLE.
func (s *Store) CategoryInUse(ctx context.Context, id string) (bool, error) {
	const op = "dynamo.CategoryInUse"
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String(indexGSI1),
		KeyConditionExpression:    aws.String("GSI1PK = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": sv(listScope(id))},
		Limit:                     aws.Int32(1),
	})
	if err != nil {
		return false, translate(op, err)
	}
	if len(out.Items) > 0 {
		return true, nil
	}
	in := &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String(indexGSI1),
		KeyConditionExpression:    aws.String("GSI1PK = :p"),
		FilterExpression:          aws.String("contains(categories, :c)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": sv(deskAll), ":c": sv(id)},
		ProjectionExpression:      aws.String("PK"),
	}
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return false, translate(op, err)
		}
		if len(out.Items) > 0 {
			return true, nil
		}
		if out.LastEvaluatedKey == nil {
			return false, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// SaveLink creates l (before == 0) or replaces it when still at version
// before, with an audit record. l.Version must be the new version.
//
// Errors: ECONFLICT when creating an existing id; EPRECONDITION; ENOTFOUND;
// EUNAVAILABLE.
func (s *Store) SaveLink(ctx context.Context, l portal.Link, before int, actor string, now time.Time) error {
	const op = "dynamo.SaveLink"
	it := linkItem{PK: pkLinks, SK: l.ID, ID: l.ID, Title: l.Title, URL: l.URL, Position: l.Position, Version: l.Version}
	t := &tx{table: s.table}
	action := "update"
	var err error
	if before == 0 {
		action = "create"
		err = t.put(it, "attribute_not_exists(PK)", nil, nil, errLinkExists)
	} else {
		err = t.put(it, "version = :v", nil, map[string]types.AttributeValue{":v": nv(before)}, errStale)
	}
	if err != nil {
		return translate(op, err)
	}
	if err := t.put(newAuditItem("link", l.ID, action, actor, l.Version, now), "", nil, nil, nil); err != nil {
		return translate(op, err)
	}
	return t.run(ctx, s.db, op)
}

// DeleteLink deletes link id when still at version, with an audit record.
//
// Errors: EPRECONDITION; ENOTFOUND; EUNAVAILABLE.
func (s *Store) DeleteLink(ctx context.Context, id string, version int, actor string, now time.Time) error {
	return s.deleteVersioned(ctx, "dynamo.DeleteLink", pkLinks, id, "link", version, actor, now)
}

func (s *Store) deleteVersioned(ctx context.Context, op, pk, id, entity string, version int, actor string, now time.Time) error {
	t := &tx{table: s.table}
	t.delete(pk, id, "version = :v", map[string]types.AttributeValue{":v": nv(version)}, errStale)
	if err := t.put(newAuditItem(entity, id, "delete", actor, version+1, now), "", nil, nil, nil); err != nil {
		return translate(op, err)
	}
	return t.run(ctx, s.db, op)
}
