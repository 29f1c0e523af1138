package dynamo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// Site structure: the linked websites, one small partition, and one-off
// markers (the demo import). Categories are in category.go.

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
	errLinkExists = &portal.Error{Code: portal.ECONFLICT, Message: "A link with this id exists."}
	errLinkStale  = &portal.Error{Code: portal.EPRECONDITION, Message: "The link was changed by someone else; reload it and apply your change again."}
)

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
