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

// CreateArticle stores a new article in one transaction with every item its
// state needs: the working copy, its desk entry, revision a.Version, the
// public item at its slug (the published copy when the status is published
// or scheduled, a bare reservation otherwise), one list entry per list it
// belongs to when published or scheduled, and an audit record by actor.
//
// Errors: ECONFLICT when the id or the slug is taken; EUNAVAILABLE when the
// table is throttling or unreachable.
func (s *Store) CreateArticle(ctx context.Context, a *portal.Article, actor string, now time.Time) error {
	const op = "dynamo.CreateArticle"
	var writes []types.TransactWriteItem
	add := func(item any, cond string) error {
		av, err := attributevalue.MarshalMap(item)
		if err != nil {
			return fmt.Errorf("marshal: %w", err)
		}
		put := &types.Put{TableName: &s.table, Item: av}
		if cond != "" {
			put.ConditionExpression = aws.String(cond)
		}
		writes = append(writes, types.TransactWriteItem{Put: put})
		return nil
	}
	base := newArticleItem(a)

	work := base
	work.PK, work.SK = articlePK(a.ID), skArticle
	desk := base.summary()
	desk.PK, desk.SK = articlePK(a.ID), skDesk
	desk.GSI1PK, desk.GSI1SK = deskAll, deskSK(a.UpdatedAt, a.ID)
	desk.GSI2PK, desk.GSI2SK = deskAll+"#"+string(a.Status), deskSK(a.UpdatedAt, a.ID)
	rev := base
	rev.PK, rev.SK = articlePK(a.ID), revisionSK(a.Version)

	public := articleItem{PK: publicPK(a.Slug), SK: skPublic, ID: a.ID, Slug: a.Slug}
	listed := a.Status == portal.StatusPublished || a.Status == portal.StatusScheduled
	if listed {
		if a.PublishAt == nil {
			return &portal.Error{Code: portal.EINVALID, Op: op, Message: "A published article needs a publish time."}
		}
		public = base
		public.PK, public.SK = publicPK(a.Slug), skPublic
	}

	for _, w := range []struct {
		item any
		cond string
	}{
		{work, "attribute_not_exists(PK)"},
		{desk, ""},
		{rev, ""},
		{public, "attribute_not_exists(PK)"},
		{newAuditItem("article", a.ID, "create", actor, a.Version, now), ""},
	} {
		if err := add(w.item, w.cond); err != nil {
			return translate(op, err)
		}
	}
	if listed {
		scopes := []string{listScope("")}
		for _, c := range a.Categories {
			scopes = append(scopes, listScope(c))
		}
		for _, scope := range scopes {
			e := base.summary()
			e.PK, e.SK = articlePK(a.ID), scope
			e.GSI1PK, e.GSI1SK = scope, listSK(*a.PublishAt, a.ID)
			if err := add(e, ""); err != nil {
				return translate(op, err)
			}
		}
	}
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: writes})
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) {
		for i, r := range canceled.CancellationReasons {
			if aws.ToString(r.Code) != "ConditionalCheckFailed" {
				continue
			}
			if i == 0 {
				return &portal.Error{Code: portal.ECONFLICT, Op: op, Message: "An article with this id exists.", Err: err}
			}
			return &portal.Error{Code: portal.ECONFLICT, Op: op, Message: fmt.Sprintf("The slug %q is taken.", a.Slug), Err: err}
		}
	}
	return translate(op, err)
}

// PutCategory stores c, replacing any category with its id.
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) PutCategory(ctx context.Context, c portal.Category) error {
	it := categoryItem{PK: pkCategories, SK: c.ID, ID: c.ID, Slug: c.Slug, Name: c.Name, ParentID: c.ParentID, Position: c.Position}
	return translate("dynamo.PutCategory", s.put(ctx, it, ""))
}

// PutLink stores l, replacing any link with its id.
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) PutLink(ctx context.Context, l portal.Link) error {
	it := linkItem{PK: pkLinks, SK: l.ID, ID: l.ID, Title: l.Title, URL: l.URL, Position: l.Position}
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
