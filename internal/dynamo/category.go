package dynamo

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// Categories: the tree, one small partition. Each category item counts
// what hangs on it — its child categories and the articles filed under it —
// and every transaction that changes those counts them, so that deleting a
// category is refused by the delete's own condition while anything is
// filed under it. A check by reading the lists first cannot promise that:
// an index (and any eventually consistent read) may not show an article
// filed a moment ago.

// categoryItem is a node of the category tree (PK=CATEGORY, SK=<id>).
// Articles counts the articles whose working copy or published copy is in
// the category (portal.Article.Filed); Children its child categories.
type categoryItem struct {
	PK       string `dynamodbav:"PK"`
	SK       string `dynamodbav:"SK"`
	ID       string `dynamodbav:"id"`
	Slug     string `dynamodbav:"slug"`
	Name     string `dynamodbav:"name"`
	ParentID string `dynamodbav:"parentId,omitempty"`
	Position int    `dynamodbav:"position"`
	Version  int    `dynamodbav:"version"`
	Articles int    `dynamodbav:"articles,omitempty"`
	Children int    `dynamodbav:"children,omitempty"`
}

var (
	errCategoryExists = &portal.Error{Code: portal.ECONFLICT, Message: "A category with this id exists."}
	errNoParent       = &portal.Error{Code: portal.EINVALID, Message: "The parent category does not exist."}
	errCategoryStale  = &portal.Error{Code: portal.EPRECONDITION, Message: "The category was changed by someone else; reload it and apply your change again."}
	errHasChildren    = &portal.Error{Code: portal.ECONFLICT, Message: "The category has subcategories; move or delete them first."}
	errHasArticles    = &portal.Error{Code: portal.ECONFLICT, Message: "Articles are filed under this category; move them first."}
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

// SaveCategory creates c (prev nil) or changes it from prev, still at
// prev.Version, with an audit record, in one transaction. c.Version must be
// the new version. A new parent must exist; the parents' child counts move
// with the change.
//
// Errors: ECONFLICT when creating an existing id; EPRECONDITION when the
// category changed; ENOTFOUND when it is gone; EINVALID when the parent does
// not exist; EUNAVAILABLE.
func (s *Store) SaveCategory(ctx context.Context, c portal.Category, prev *portal.Category, actor string, now time.Time) error {
	const op = "dynamo.SaveCategory"
	t := &tx{table: s.table}
	action := "update"
	oldParent := ""
	if prev == nil {
		action = "create"
		it := categoryItem{PK: pkCategories, SK: c.ID, ID: c.ID, Slug: c.Slug, Name: c.Name, ParentID: c.ParentID, Position: c.Position, Version: c.Version}
		if err := t.put(it, "attribute_not_exists(PK)", nil, nil, errCategoryExists); err != nil {
			return translate(op, err)
		}
	} else {
		oldParent = prev.ParentID
		// An update, not a put: the counts stay.
		expr := "SET slug = :slug, #name = :name, #pos = :pos, version = :version"
		names := map[string]string{"#name": "name", "#pos": "position"}
		values := map[string]types.AttributeValue{
			":slug": sv(c.Slug), ":name": sv(c.Name), ":pos": nv(c.Position), ":version": nv(c.Version), ":v": nv(prev.Version),
		}
		if c.ParentID != "" {
			expr += ", parentId = :parent"
			values[":parent"] = sv(c.ParentID)
		} else {
			expr += " REMOVE parentId"
		}
		t.update(pkCategories, c.ID, expr, "version = :v", names, values, errCategoryStale)
	}
	if c.ParentID != oldParent {
		if oldParent != "" {
			t.update(pkCategories, oldParent, "ADD children :n", "attribute_exists(PK)", nil,
				map[string]types.AttributeValue{":n": nv(-1)}, nil)
		}
		if c.ParentID != "" {
			t.update(pkCategories, c.ParentID, "ADD children :n", "attribute_exists(PK)", nil,
				map[string]types.AttributeValue{":n": nv(1)}, errNoParent)
		}
	}
	if err := t.put(newAuditItem("category", c.ID, action, actor, c.Version, now), "", nil, nil, nil); err != nil {
		return translate(op, err)
	}
	return t.run(ctx, s.db, op)
}

// DeleteCategory deletes category c, still at c.Version, with an audit
// record — only while nothing hangs on it: the delete's own condition
// requires no child category and no article filed under it, whatever a read
// before it saw. Its parent's child count goes down in the same transaction.
//
// Errors: ECONFLICT when it has subcategories or articles; EPRECONDITION
// when it changed; ENOTFOUND when it is gone; EUNAVAILABLE.
func (s *Store) DeleteCategory(ctx context.Context, c portal.Category, actor string, now time.Time) error {
	const op = "dynamo.DeleteCategory"
	t := &tx{table: s.table}
	t.writes = append(t.writes, types.TransactWriteItem{Delete: &types.Delete{
		TableName: &t.table, Key: key(pkCategories, c.ID),
		ConditionExpression:                 aws.String("version = :v AND (attribute_not_exists(articles) OR articles = :zero) AND (attribute_not_exists(children) OR children = :zero)"),
		ExpressionAttributeValues:           map[string]types.AttributeValue{":v": nv(c.Version), ":zero": nv(0)},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}})
	t.onFail = append(t.onFail, errCategoryStale)
	t.explainLast(func(old map[string]types.AttributeValue) error {
		if old == nil {
			return notFound(op, "Category")
		}
		version, _ := numberAttr(old["version"])
		articles, _ := numberAttr(old["articles"])
		children, _ := numberAttr(old["children"])
		switch {
		case int(version) != c.Version:
			return errCategoryStale
		case children > 0:
			return errHasChildren
		case articles > 0:
			return errHasArticles
		}
		return errCategoryStale
	})
	if c.ParentID != "" {
		t.update(pkCategories, c.ParentID, "ADD children :n", "attribute_exists(PK)", nil,
			map[string]types.AttributeValue{":n": nv(-1)}, nil)
	}
	if err := t.put(newAuditItem("category", c.ID, "delete", actor, c.Version+1, now), "", nil, nil, nil); err != nil {
		return translate(op, err)
	}
	return t.run(ctx, s.db, op)
}

// addFiling adds to t the change of the article counts of the categories an
// article leaves (in before's filing, not after's) and enters. Entering a
// category that does not exist fails the transaction (EINVALID).
func addFiling(t *tx, before, after []string) {
	for _, c := range before {
		if !slices.Contains(after, c) {
			// A category cannot go while counted here, so it exists; if
			// not (data from before the counts), say what is wrong.
			t.update(pkCategories, c, "ADD articles :n", "attribute_exists(PK)", nil,
				map[string]types.AttributeValue{":n": nv(-1)},
				portal.Errorf(portal.ECONFLICT, "Category %q was deleted while articles were filed under it; recreate it, then save again.", c))
		}
	}
	for _, c := range after {
		if !slices.Contains(before, c) {
			t.update(pkCategories, c, "ADD articles :n", "attribute_exists(PK)", nil,
				map[string]types.AttributeValue{":n": nv(1)},
				portal.Errorf(portal.EINVALID, "Category %q does not exist.", c))
		}
	}
}

// CategoryInUse reports whether any article, published or not, is in
// category id. Published ones are found with one Query of its list; the rest
// by reading the editorial desk with a filter (a rare, admin-only check). It
// reads indexes, which may lag: it spares a doomed delete its transaction,
// and DeleteCategory's condition decides.
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

// PutCategory stores c unless a category with its id exists (the demo
// loader's idempotent write), counting it on its parent, which must exist.
//
// Errors: EINVALID when the parent does not exist; EUNAVAILABLE.
func (s *Store) PutCategory(ctx context.Context, c portal.Category) error {
	c.Version = max(c.Version, 1)
	err := s.SaveCategory(ctx, c, nil, "demo", time.Now())
	if portal.ErrorCode(err) == portal.ECONFLICT && portal.ErrorMessage(err) == errCategoryExists.Message {
		return nil
	}
	if err != nil {
		return fmt.Errorf("put category %s: %w", c.ID, err)
	}
	return nil
}
