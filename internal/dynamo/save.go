package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// maxItemBytes is DynamoDB's item size limit.
const maxItemBytes = 400 * 1024

// tx collects a transaction's writes with what a failed condition on each
// means, so a cancellation is answered with the right error.
type tx struct {
	table  string
	writes []types.TransactWriteItem
	onFail []error
}

func (t *tx) put(item any, cond string, names map[string]string, values map[string]types.AttributeValue, onFail error) error {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return fmt.Errorf("marshal: %w", err)
	}
	if n := itemSize(av); n > maxItemBytes {
		return &portal.Error{Code: portal.ETOOLARGE, Message: fmt.Sprintf("The article is too large to store (%d KB; the limit is 400 KB).", n/1024)}
	}
	p := &types.Put{TableName: &t.table, Item: av}
	if cond != "" {
		p.ConditionExpression = aws.String(cond)
		p.ExpressionAttributeNames, p.ExpressionAttributeValues = names, values
		p.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	t.writes = append(t.writes, types.TransactWriteItem{Put: p})
	t.onFail = append(t.onFail, onFail)
	return nil
}

func (t *tx) delete(pk, sk, cond string, values map[string]types.AttributeValue, onFail error) {
	d := &types.Delete{TableName: &t.table, Key: key(pk, sk)}
	if cond != "" {
		d.ConditionExpression = aws.String(cond)
		d.ExpressionAttributeValues = values
		d.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	t.writes = append(t.writes, types.TransactWriteItem{Delete: d})
	t.onFail = append(t.onFail, onFail)
}

// check adds a condition on an item the transaction does not write.
func (t *tx) check(pk, sk, cond string, values map[string]types.AttributeValue, onFail error) {
	t.writes = append(t.writes, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: &t.table, Key: key(pk, sk), ConditionExpression: aws.String(cond), ExpressionAttributeValues: values,
	}})
	t.onFail = append(t.onFail, onFail)
}

// run executes the transaction. A cancellation caused by a failed condition
// returns the onFail error of the first item whose condition failed.
func (t *tx) run(ctx context.Context, db API, op string) error {
	if len(t.writes) > 100 {
		return &portal.Error{Code: portal.ETOOLARGE, Op: op, Message: "The change touches too many items."}
	}
	_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: t.writes})
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) {
		for i, r := range canceled.CancellationReasons {
			switch aws.ToString(r.Code) {
			case "ConditionalCheckFailed":
				if i < len(t.onFail) && portal.ErrorCode(t.onFail[i]) == portal.EPRECONDITION && r.Item == nil {
					// A version condition on an item that is not there.
					return &portal.Error{Code: portal.ENOTFOUND, Op: op, Message: "Not found.", Err: err}
				}
				if i < len(t.onFail) && t.onFail[i] != nil {
					var pe *portal.Error
					if errors.As(t.onFail[i], &pe) {
						cp := *pe
						cp.Op, cp.Err = op, err
						return &cp
					}
					return t.onFail[i]
				}
			case "TransactionConflict":
				return &portal.Error{Code: portal.ECONFLICT, Op: op, Message: "Another change to the same item is in progress; retry.", Err: err}
			}
		}
	}
	return translate(op, err)
}

func sv(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
func nv(n int) types.AttributeValue    { return &types.AttributeValueMemberN{Value: fmt.Sprint(n)} }

var (
	errStale     = &portal.Error{Code: portal.EPRECONDITION, Message: "The article was changed by someone else; reload it and apply your change again."}
	errIDTaken   = &portal.Error{Code: portal.ECONFLICT, Message: "An article with this id exists."}
	errRevision  = &portal.Error{Code: portal.ECONFLICT, Message: "This version was already saved."}
	errSlugOwned = &portal.Error{Code: portal.ESLUGTAKEN, Message: "The slug belongs to another article."}
)

// SaveArticle writes ch in one transaction: the working copy (conditioned on
// the version it was read at), its desk entry, revision After.Version, an
// audit record and, as the two states require, the slug reservation, the
// published copy and its redirects, and the list entries. It also completes
// ch.Idempotency when set. Nothing is written unless everything is.
//
// The caller sets After's editorial state (Status, PublishedSlug,
// PublishedCategories, PublishedVersion, PreviousSlugs); SaveArticle turns it
// into items.
//
// Errors: EPRECONDITION when the working copy is no longer at
// Before.Version; ECONFLICT when the slug belongs to another article or the
// id exists; ETOOLARGE when an item would exceed 400 KB; EUNAVAILABLE when the
// table is throttling or unreachable.
func (s *Store) SaveArticle(ctx context.Context, ch portal.ArticleChange) error {
	const op = "dynamo.SaveArticle"
	var counts viewCounts
	if b := ch.Before; b != nil && b.PublishedSlug != "" && ch.After.PublishedSlug != "" && ch.After.PublishedVersion == ch.After.Version {
		// Republishing rewrites the published copy whole: carry over what
		// the views function rolled up into the one it replaces.
		var err error
		if counts, err = s.publishedCounts(ctx, b.PublishedSlug); err != nil {
			return translate(op, err)
		}
	}
	t := &tx{table: s.table}
	if err := buildArticleTx(t, ch, counts); err != nil {
		return translate(op, err)
	}
	return t.run(ctx, s.db, op)
}

// publishedItem is a published copy with the views attributes the views
// function maintains on it.
type publishedItem struct {
	articleItem
	ViewsBase     *int64 `dynamodbav:"viewsBase,omitempty"`
	ViewsRolledAt *int64 `dynamodbav:"viewsRolledAt,omitempty"`
}

// viewCounts are the views attributes of a published copy (see views.go).
type viewCounts struct {
	Views    *int64 `dynamodbav:"views"`
	Base     *int64 `dynamodbav:"viewsBase"`
	RolledAt *int64 `dynamodbav:"viewsRolledAt"`
}

func (s *Store) publishedCounts(ctx context.Context, slug string) (viewCounts, error) {
	var c viewCounts
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                &s.table,
		Key:                      key(publicPK(slug), skPublic),
		ConsistentRead:           aws.Bool(true),
		ProjectionExpression:     aws.String("#v, #b, #r"),
		ExpressionAttributeNames: map[string]string{"#v": attrViews, "#b": attrBase, "#r": attrRolledAt},
	})
	if err != nil || out.Item == nil {
		return c, err
	}
	err = attributevalue.UnmarshalMap(out.Item, &c)
	return c, err
}

// buildArticleTx adds the writes of ch to t.
func buildArticleTx(t *tx, ch portal.ArticleChange, counts viewCounts) error {
	a, b := ch.After, ch.Before
	id := a.ID
	base := newArticleItem(a)
	idv := map[string]types.AttributeValue{":id": sv(id)}

	// The working copy: created once, then only from the version read.
	work := base
	work.PK, work.SK = articlePK(id), skArticle
	if b == nil {
		if err := t.put(work, "attribute_not_exists(PK)", nil, nil, errIDTaken); err != nil {
			return err
		}
	} else {
		if err := t.put(work, "version = :v", nil, map[string]types.AttributeValue{":v": nv(b.Version)}, errStale); err != nil {
			return err
		}
	}
	desk := base.summary()
	desk.PK, desk.SK = articlePK(id), skDesk
	desk.GSI1PK, desk.GSI1SK = deskAll, deskSK(a.UpdatedAt, id)
	desk.GSI2PK, desk.GSI2SK = deskAll+"#"+string(a.Status), deskSK(a.UpdatedAt, id)
	if err := t.put(desk, "", nil, nil, nil); err != nil {
		return err
	}
	rev := base
	rev.PK, rev.SK = articlePK(id), revisionSK(a.Version)
	if err := t.put(rev, "attribute_not_exists(PK)", nil, nil, errRevision); err != nil {
		return err
	}
	if err := t.put(newAuditItem("article", id, ch.Action, ch.Actor, a.Version, ch.Now), "", nil, nil, nil); err != nil {
		return err
	}

	// The published copy changes only when this save publishes (the version
	// saved is the version readers get) or takes the article out of public
	// view. An edit of a published article leaves readers' copy alone until a
	// publisher publishes again.
	publishing := a.PublishedSlug != "" && a.PublishedVersion == a.Version
	unpublishing := b != nil && b.PublishedSlug != "" && a.PublishedSlug == ""
	slugs := map[string]bool{} // slug items already written (or to leave alone)
	owned := "attribute_not_exists(PK) OR id = :id"
	switch {
	case publishing:
		pub := base.public()
		pub.PK, pub.SK, pub.Slug = publicPK(a.PublishedSlug), skPublic, a.PublishedSlug
		item := publishedItem{articleItem: pub, ViewsBase: counts.Base, ViewsRolledAt: counts.RolledAt}
		if counts.Views != nil {
			item.Views = *counts.Views
		}
		if err := t.put(item, owned, nil, idv, errSlugOwned); err != nil {
			return err
		}
		slugs[a.PublishedSlug] = true
		for _, old := range a.PreviousSlugs {
			if slugs[old] {
				continue
			}
			redirect := articleItem{PK: publicPK(old), SK: skPublic, ID: id, Slug: old, RedirectTo: a.PublishedSlug}
			if err := t.put(redirect, owned, nil, idv, errSlugOwned); err != nil {
				return err
			}
			slugs[old] = true
		}
	case a.PublishedSlug != "":
		slugs[a.PublishedSlug] = true
		for _, old := range a.PreviousSlugs {
			slugs[old] = true
		}
	}
	// Every other slug the article holds or held: the working slug and slugs
	// that were once public keep a bare reservation (no content: 404 for
	// readers, unavailable to other articles); a slug that was never public
	// and is no longer used is freed.
	held := []string{a.Slug}
	held = append(held, a.PreviousSlugs...)
	if b != nil {
		held = append(held, b.Slug, b.PublishedSlug)
		held = append(held, b.PreviousSlugs...)
	}
	for _, sl := range held {
		if sl == "" || slugs[sl] {
			continue
		}
		slugs[sl] = true
		if sl != a.Slug && !slices.Contains(a.PreviousSlugs, sl) {
			t.delete(publicPK(sl), skPublic, owned, idv, nil)
			continue
		}
		if b != nil && sl == b.Slug && sl != b.PublishedSlug && (b.PublishedSlug == "" || !slices.Contains(b.PreviousSlugs, sl)) {
			continue // already a bare reservation: nothing to write
		}
		res := articleItem{PK: publicPK(sl), SK: skPublic, ID: id, Slug: sl}
		if err := t.put(res, owned, nil, idv, errSlugOwned); err != nil {
			return err
		}
	}

	// List entries: one per list the published copy appears in.
	listed := map[string]bool{}
	if publishing {
		if a.PublishAt == nil {
			return &portal.Error{Code: portal.EINVALID, Message: "A published article needs a publish time."}
		}
		for _, scope := range scopes(a.PublishedCategories) {
			e := base.summary()
			e.Slug = a.PublishedSlug
			e.PK, e.SK = articlePK(id), scope
			e.GSI1PK, e.GSI1SK = scope, listSK(*a.PublishAt, id)
			if err := t.put(e, "", nil, nil, nil); err != nil {
				return err
			}
			listed[scope] = true
		}
	}
	if (publishing || unpublishing) && b != nil && b.PublishedSlug != "" {
		for _, scope := range scopes(b.PublishedCategories) {
			if !listed[scope] {
				t.delete(articlePK(id), scope, "", nil, nil)
			}
		}
	}
	if ch.Idempotency != nil {
		if err := addIdempotentResult(t, ch.Idempotency); err != nil {
			return err
		}
	}
	return nil
}

func scopes(categories []string) []string {
	out := []string{listScope("")}
	for _, c := range categories {
		if sc := listScope(c); !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}
