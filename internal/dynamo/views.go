package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// Attributes of view counting (see docs/data-model.md, "Views and most read").
const (
	attrViews    = "views"         // on the published copy: the count readers see
	attrBase     = "viewsBase"     // on the published copy: the count before counting began
	attrRolledAt = "viewsRolledAt" // on the published copy: last roll-up, epoch ms
	attrTotal    = "total"         // on a shard: its share of the lifetime count
	attrExpires  = "exp"           // on a visit marker: end of its window, epoch ms
	attrTTL      = "ttl"           // the table's TTL attribute, epoch seconds
	dayAttrStart = "d"             // on a shard: d20261126 is that Vietnam day's share
)

// targetProjection is what ViewTarget reads of the published copy: no body.
// (Read units are charged on the whole item all the same.)
var targetProjection, targetNames = projection("id", "slug", "title", "summary", "coverImage", "categories",
	"status", "publishAt", "expiresAt", "redirectTo", attrViews, attrBase, attrRolledAt)

// ViewTarget returns the published copy at slug, without its body, for
// counting a view: one GetItem. The caller decides visibility.
//
// Errors: ENOTFOUND when nothing is published at slug, or slug only
// redirects; EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) ViewTarget(ctx context.Context, slug string) (*portal.ViewTarget, error) {
	const op = "dynamo.ViewTarget"
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                &s.table,
		Key:                      key(publicPK(slug), skPublic),
		ProjectionExpression:     aws.String(targetProjection),
		ExpressionAttributeNames: targetNames,
	})
	if err != nil {
		return nil, translate(op, err)
	}
	var it struct {
		articleItem
		Base     *int64 `dynamodbav:"viewsBase"`
		RolledAt int64  `dynamodbav:"viewsRolledAt"`
	}
	if out.Item == nil {
		return nil, notFound(op, "Article")
	}
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return nil, translate(op, fmt.Errorf("unmarshal %s: %w", publicPK(slug), err))
	}
	if it.RedirectTo != "" || it.ID == "" || it.Status == "" {
		return nil, notFound(op, "Article")
	}
	a, err := it.article()
	if err != nil {
		return nil, translate(op, err)
	}
	t := &portal.ViewTarget{Article: *a, Base: a.Views}
	if it.Base != nil {
		t.Base = *it.Base
	}
	if it.RolledAt != 0 {
		t.RolledAt = time.UnixMilli(it.RolledAt).UTC()
	}
	return t, nil
}

// MarkVisit records that visitor (a visitor.Hash) saw the article, unless a
// marker of an earlier view is still inside its window: one conditional
// PutItem. It reports whether the view is new and, when it is not, when the
// earlier view's window ends. The marker's stored expiry is compared, never
// its existence alone: TTL deletes late (or, on DynamoDB Local, never).
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) MarkVisit(ctx context.Context, articleID, visitor string, now, until time.Time) (bool, time.Time, error) {
	const op = "dynamo.MarkVisit"
	item := key(visitPK(articleID, visitor), skVisit)
	item[attrExpires] = number(until.UnixMilli())
	// TTL is a clean-up only; a minute's margin keeps DynamoDB from
	// deleting a marker its window still needs.
	item[attrTTL] = number(until.Add(time.Minute).Unix())
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                           &s.table,
		Item:                                item,
		ConditionExpression:                 aws.String("attribute_not_exists(PK) OR #exp <= :now"),
		ExpressionAttributeNames:            map[string]string{"#exp": attrExpires},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":now": number(now.UnixMilli())},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		exp, perr := numberAttr(failed.Item[attrExpires])
		if perr != nil {
			return false, now, nil // the window end is unknown: the caller remembers none
		}
		return false, time.UnixMilli(exp).UTC(), nil
	}
	if err != nil {
		return false, time.Time{}, translate(op, err)
	}
	return true, until, nil
}

// UnmarkVisit deletes the marker MarkVisit wrote with until, if it is still
// that one: after a view that was marked but could not be counted, so that
// the reader's retry is counted. One conditional DeleteItem.
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) UnmarkVisit(ctx context.Context, articleID, visitor string, until time.Time) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 &s.table,
		Key:                       key(visitPK(articleID, visitor), skVisit),
		ConditionExpression:       aws.String("#exp = :until"),
		ExpressionAttributeNames:  map[string]string{"#exp": attrExpires},
		ExpressionAttributeValues: map[string]types.AttributeValue{":until": number(until.UnixMilli())},
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return nil
	}
	return translate("dynamo.UnmarkVisit", err)
}

// AddView adds one view to shard of the article's counter, to its lifetime
// share and to the share of now's Vietnam day, and drops day shares older
// than the longest period: one UpdateItem (ADD, not idempotent: a retry of a
// write whose response was lost counts twice; docs/performance.md gives the
// bound). It returns the shard's new lifetime share.
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) AddView(ctx context.Context, articleID string, shard int, now time.Time) (int64, error) {
	const op = "dynamo.AddView"
	today := portal.DayOf(now)
	names := map[string]string{"#t": attrTotal, "#d": dayAttr(today)}
	// Day shares are removed a month after they leave the longest period:
	// any view in that month drops them. An article read less than once a
	// month keeps a few stale day shares, a few bytes each.
	var remove []string
	for i := portal.KeptDays + 1; i <= 2*portal.KeptDays; i++ {
		n := "#o" + strconv.Itoa(i)
		names[n] = dayAttr(today.AddDays(-i))
		remove = append(remove, n)
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       key(shardPK(articleID, shard), skShard),
		UpdateExpression:          aws.String("ADD #t :one, #d :one REMOVE " + strings.Join(remove, ", ")),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": number(1)},
		ReturnValues:              types.ReturnValueUpdatedNew,
	})
	if err != nil {
		return 0, translate(op, err)
	}
	total, err := numberAttr(out.Attributes[attrTotal])
	if err != nil {
		return 0, translate(op, fmt.Errorf("shard %s: %w", shardPK(articleID, shard), err))
	}
	return total, nil
}

// ViewShards reads the article's n counter shards in one BatchGetItem
// (eventually consistent). A shard not yet written reads as zero.
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable, or
// keeps some keys unprocessed (batchGet).
func (s *Store) ViewShards(ctx context.Context, articleID string, n int) ([]portal.ViewShard, error) {
	const op = "dynamo.ViewShards"
	keys := make([]map[string]types.AttributeValue, n)
	for i := range keys {
		keys[i] = key(shardPK(articleID, i), skShard)
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, translate(op, err)
	}
	shards := make([]portal.ViewShard, n)
	for _, item := range items {
		pk, _ := item[attrPK].(*types.AttributeValueMemberS)
		if pk == nil {
			continue
		}
		i, err := strconv.Atoi(pk.Value[strings.LastIndexByte(pk.Value, '#')+1:])
		if err != nil || i < 0 || i >= n {
			continue
		}
		sh := portal.ViewShard{Days: map[string]int64{}}
		for name, v := range item {
			switch {
			case name == attrTotal:
				sh.Total, err = numberAttr(v)
			case len(name) == 9 && strings.HasPrefix(name, dayAttrStart):
				sh.Days[name[1:]], err = numberAttr(v)
			}
			if err != nil {
				return nil, translate(op, fmt.Errorf("shard %s attribute %s: %w", pk.Value, name, err))
			}
		}
		shards[i] = sh
	}
	return shards, nil
}

// RollUp copies an article's counts where readers see them, if no roll-up
// happened in the minAge before now: the published copy's views (Base plus
// counts.Total) in one conditional UpdateItem that touches nothing else,
// then the article's entries in the most-read lists of the current day, week
// and month in one BatchWriteItem. It reports whether it rolled up; false
// means another caller did so within minAge, or the article is no longer
// published at its slug. A resend of its own update (the SDK's, after a
// lost response) is not another caller's roll-up: it goes on.
//
// The published copy is the large item (it has the body): each write costs
// about its size in write units, which is why roll-ups are rate-limited per
// article rather than done per view.
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) RollUp(ctx context.Context, t *portal.ViewTarget, counts portal.ViewCounts, now time.Time, minAge time.Duration) (bool, error) {
	const op = "dynamo.RollUp"
	a := t.Article
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        &s.table,
		Key:              key(publicPK(a.Slug), skPublic),
		UpdateExpression: aws.String("SET #v = :total, #r = :now, #b = if_not_exists(#b, :base)"),
		// The last disjunct is this very write, resent by the SDK after
		// its response was lost: the copy already holds what it sets. Without
		// it the resend fails the condition and the most-read entries below
		// are skipped, although the copy was rolled up (TestFaultTable,
		// "response lost" on the roll-up).
		ConditionExpression: aws.String("attribute_exists(PK) AND #id = :id AND " +
			"(attribute_not_exists(#r) OR #r <= :cutoff OR (#r = :now AND #v = :total))"),
		ExpressionAttributeNames: map[string]string{"#v": attrViews, "#r": attrRolledAt, "#b": attrBase, "#id": "id"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":total":  number(t.Base + counts.Total),
			":now":    number(now.UnixMilli()),
			":base":   number(t.Base),
			":id":     &types.AttributeValueMemberS{Value: a.ID},
			":cutoff": number(now.Add(-minAge).UnixMilli()),
		},
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return false, nil
	}
	if err != nil {
		return false, translate(op, err)
	}
	writes := make([]types.WriteRequest, 0, len(portal.Periods))
	for _, p := range portal.Periods {
		w := portal.WindowAt(p, now)
		it := newArticleItem(&a).summary()
		it.Summary = "" // lists of most read show titles; every byte here costs on each roll-up
		it.PK, it.SK = popularPK(a.ID), string(p)
		it.GSI1PK, it.GSI1SK = popularScope(p, w.Bucket), popularSK(counts.In(w), a.ID)
		it.Views = counts.In(w)
		av, err := attributevalue.MarshalMap(it)
		if err != nil {
			return true, translate(op, fmt.Errorf("marshal: %w", err))
		}
		writes = append(writes, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
	}
	if err := s.batchWrite(ctx, writes); err != nil {
		return true, translate(op, err)
	}
	return true, nil
}

// ViewKey returns the secret key visitors are hashed with on day, creating
// it with a conditional put on first use so that concurrent cold functions
// agree on one key. Creating a day's key deletes the day before's, so a key
// lives at most about two days (TTL deletes any left behind).
//
// Errors: EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) ViewKey(ctx context.Context, day portal.Day, newKey func() []byte) ([]byte, error) {
	const op = "dynamo.ViewKey"
	k := key(viewKeyPK(day), skViewKey)
	get := func() ([]byte, error) {
		out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: k, ConsistentRead: aws.Bool(true)})
		if err != nil || out.Item == nil {
			return nil, err
		}
		b, ok := out.Item["secret"].(*types.AttributeValueMemberB)
		if !ok || len(b.Value) == 0 {
			return nil, fmt.Errorf("%s has no secret", viewKeyPK(day))
		}
		return b.Value, nil
	}
	if secret, err := get(); err != nil || secret != nil {
		return secret, translate(op, err)
	}
	secret := newKey()
	item := key(viewKeyPK(day), skViewKey)
	item["secret"] = &types.AttributeValueMemberB{Value: secret}
	item[attrTTL] = number(day.AddDays(2).Start().Unix())
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		// Another function created it first: use theirs.
		secret, err = get()
		if err == nil && secret == nil {
			err = fmt.Errorf("%s vanished", viewKeyPK(day))
		}
		return secret, translate(op, err)
	}
	if err != nil {
		return nil, translate(op, err)
	}
	// The new key is in place; if deleting the old one fails, TTL removes it.
	_, _ = s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: key(viewKeyPK(day.AddDays(-1)), skViewKey)})
	return secret, nil
}

func dayAttr(d portal.Day) string { return dayAttrStart + d.Compact() }
