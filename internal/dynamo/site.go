package dynamo

import (
	"context"
	"eportal/internal/portal"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Site structure: the category tree and the linked websites, each one small
// partition; and one-off markers (the demo import).

// categoryItem is a node of the category tree (PK=CATEGORY, SK=<id>).
type categoryItem struct {
	PK       string `dynamodbav:"PK"`
	SK       string `dynamodbav:"SK"`
	ID       string `dynamodbav:"id"`
	Slug     string `dynamodbav:"slug"`
	Name     string `dynamodbav:"name"`
	ParentID string `dynamodbav:"parentId,omitempty"`
	Position int    `dynamodbav:"position"`
	Version  int    `dynamodbav:"version"`
}

// linkItem is a linked website (PK=LINK, SK=<id>).
type linkItem struct {
	PK       string `dynamodbav:"PK"`
	SK       string `dynamodbav:"SK"`
	ID       string `dynamodbav:"id"`
	Title    string `dynamodbav:"title"`
	URL      string `dynamodbav:"url"`
	Position int    `dynamodbav:"position"`
	Version  int    `dynamodbav:"version"`
}

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

var (
	errCategoryExists = &portal.Error{Code: portal.ECONFLICT, Message: "A category with this id exists."}
	errNoParent       = &portal.Error{Code: portal.EINVALID, Message: "The parent category does not exist."}
	errLinkExists     = &portal.Error{Code: portal.ECONFLICT, Message: "A link with this id exists."}
	errCategoryStale  = &portal.Error{Code: portal.EPRECONDITION, Message: "The category was changed by someone else; reload it and apply your change again."}
	errLinkStale      = &portal.Error{Code: portal.EPRECONDITION, Message: "The link was changed by someone else; reload it and apply your change again."}
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
		err = t.put(it, "version = :v", nil, map[string]types.AttributeValue{":v": nv(before)}, errCategoryStale)
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
	return s.deleteVersioned(ctx, "dynamo.DeleteCategory", pkCategories, id, "category", version, actor, now, errCategoryStale)
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
		err = t.put(it, "version = :v", nil, map[string]types.AttributeValue{":v": nv(before)}, errLinkStale)
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
	return s.deleteVersioned(ctx, "dynamo.DeleteLink", pkLinks, id, "link", version, actor, now, errLinkStale)
}

func (s *Store) deleteVersioned(ctx context.Context, op, pk, id, entity string, version int, actor string, now time.Time, stale error) error {
	t := &tx{table: s.table}
	t.delete(pk, id, "version = :v", map[string]types.AttributeValue{":v": nv(version)}, stale)
	if err := t.put(newAuditItem(entity, id, "delete", actor, version+1, now), "", nil, nil, nil); err != nil {
		return translate(op, err)
	}
	return t.run(ctx, s.db, op)
}

// PutCategory stores c, replacing any category with its id.
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) PutCategory(ctx context.Context, c portal.Category) error {
	it := categoryItem{PK: pkCategories, SK: c.ID, ID: c.ID, Slug: c.Slug, Name: c.Name, ParentID: c.ParentID, Position: c.Position, Version: max(c.Version, 1)}
	return translate("dynamo.PutCategory", s.put(ctx, it, ""))
}

// PutLink stores l, replacing any link with its id.
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) PutLink(ctx context.Context, l portal.Link) error {
	it := linkItem{PK: pkLinks, SK: l.ID, ID: l.ID, Title: l.Title, URL: l.URL, Position: l.Position, Version: max(l.Version, 1)}
	return translate("dynamo.PutLink", s.put(ctx, it, ""))
}

// MarkOnce records the one-off task name (such as loading the demo content)
// as done. It returns false when the task was already marked, so that of two
// concurrent callers exactly one goes ahead.
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) MarkOnce(ctx context.Context, name string, now time.Time) (bool, error) {
	it := struct {
		PK, SK string
		At     string `dynamodbav:"at"`
	}{pkSite, onceSK(name), formatMilli(now)}
	err := s.put(ctx, it, "attribute_not_exists(PK)")
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return false, nil
	}
	return err == nil, translate("dynamo.MarkOnce", err)
}

func (s *Store) put(ctx context.Context, item any, cond string) error {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return fmt.Errorf("marshal: %w", err)
	}
	in := &dynamodb.PutItemInput{TableName: &s.table, Item: av}
	if cond != "" {
		in.ConditionExpression = aws.String(cond)
	}
	_, err = s.db.PutItem(ctx, in)
	return err
}

// Marked reports whether the one-off task name was marked done by MarkOnce.
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) Marked(ctx context.Context, name string) (bool, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.table,
		Key:            key(pkSite, onceSK(name)),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, translate("dynamo.Marked", err)
	}
	return out.Item != nil, nil
}
