package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// CreateArticle stores a new article as SaveArticle does with no previous
// state. A published or scheduled article gets its published copy and list
// entries at once (the demo content and tests use this).
//
// Errors: ECONFLICT when the id or the slug is taken; ETOOLARGE when an item
// would exceed 400 KB; EUNAVAILABLE when the table is throttling or
// unreachable.
func (s *Store) CreateArticle(ctx context.Context, a *portal.Article, actor string, now time.Time) error {
	if a.Status.Listed() && a.PublishedSlug == "" {
		cp := *a
		cp.PublishedSlug, cp.PublishedVersion, cp.PublishedCategories = a.Slug, a.Version, a.Categories
		a = &cp
	}
	return s.SaveArticle(ctx, portal.ArticleChange{After: a, Action: "create", Actor: actor, Now: now})
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
	}{pkSite, "ONCE#" + name, formatMilli(now)}
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
		Key:            key(pkSite, "ONCE#"+name),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, translate("dynamo.Marked", err)
	}
	return out.Item != nil, nil
}
