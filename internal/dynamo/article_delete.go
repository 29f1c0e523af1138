package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// Deleting an article: one transaction takes it away from readers and
// editors and leaves a marker; a sweep then removes the rest, and the marker
// last. A sweep that does not finish is finished by the next DELETE.

// deletingItem marks an article whose sweep is not finished
// (PK=ART#<id>, SK=DELETING).
type deletingItem struct {
	PK string `dynamodbav:"PK"`
	SK string `dynamodbav:"SK"`
	ID string `dynamodbav:"id"`
	At string `dynamodbav:"at"`
}

// DeleteArticle removes article a, as the caller read it at a.Version, for
// good. One transaction, conditioned on a.Version, deletes everything
// readers or editors can reach — the working copy, the desk entry, the list
// entries and every slug item (published copy, redirects, reservations) —
// takes the article off its categories' counts, records the audit entry and
// leaves a deletion marker. Then the sweep of
// FinishDeleteArticle removes the revisions, view counter shards and
// most-read entries, and the marker last. Audit records stay; visit markers
// go with their TTL (they cannot be listed by article).
//
// Errors: EPRECONDITION when the article changed since a.Version; ENOTFOUND
// when it is gone and no deletion of it is pending (a pending one is
// finished, and the delete is done); EUNAVAILABLE when the table is throttling or unreachable,
// and when the sweep could not finish: the article is gone for readers and
// editors, and FinishDeleteArticle (a repeated DELETE) completes it.
func (s *Store) DeleteArticle(ctx context.Context, a *portal.Article, actor string, now time.Time) error {
	const op = "dynamo.DeleteArticle"
	t := &tx{table: s.table}
	if a.IsDocument() {
		// The documents it replaced are no longer replaced by it.
		gone := *a
		gone.PublishedSlug, gone.PublishedDocument = "", nil
		d, err := s.documentWrites(ctx, a, &gone, portal.PublicationPlan{})
		if err != nil {
			return translate(op, err)
		}
		for _, r := range d.unmark {
			if err := addReplacement(t, r, a.ID, nil); err != nil {
				return translate(op, err)
			}
		}
	}
	t.delete(articlePK(a.ID), skArticle, "version = :v", map[string]types.AttributeValue{":v": nv(a.Version)}, errStale)
	t.delete(articlePK(a.ID), skDesk, "", nil, nil)
	for _, l := range a.PublicLists() {
		t.delete(articlePK(a.ID), listScope(l), "", nil, nil)
	}
	if a.IsDocument() {
		// Its number claims go with it.
		idv := map[string]types.AttributeValue{":id": sv(a.ID)}
		for _, c := range a.Claims() {
			pk, sk := claimKey(c)
			t.delete(pk, sk, "id = :id", idv, nil)
		}
	}
	idv := map[string]types.AttributeValue{":id": sv(a.ID)}
	for _, sl := range a.Slugs() {
		t.delete(publicPK(sl), skPublic, ownedSlug, idv, nil)
	}
	addFiling(t, a.Filed(), nil)
	if err := addMediaUses(t, a.ID, a.MediaRefs(), nil); err != nil {
		return translate(op, err)
	}
	marker := deletingItem{PK: articlePK(a.ID), SK: skDeleting, ID: a.ID, At: formatMilli(now)}
	if err := t.put(marker, "", nil, nil, nil); err != nil {
		return translate(op, err)
	}
	// The delete is recorded as the version after the last one, so that it
	// sorts after a change made in the same millisecond.
	if err := t.put(newAuditItem("article", a.ID, "delete", actor, a.Version+1, now), "", nil, nil, nil); err != nil {
		return translate(op, err)
	}
	if err := t.run(ctx, s.db, op); err != nil {
		if portal.ErrorCode(err) == portal.ENOTFOUND {
			// Gone already: when by a deletion still pending — this very
			// transaction, run again after its response was lost
			// (TestFaultTable), or another DELETE's whose sweep stopped —
			// finish it, rather than answer 404 and leave the revisions.
			if ferr := s.FinishDeleteArticle(ctx, a.ID); portal.ErrorCode(ferr) != portal.ENOTFOUND {
				return ferr
			}
		}
		return err
	}
	return s.FinishDeleteArticle(ctx, a.ID)
}

// FinishDeleteArticle finishes the deletion of article id that DeleteArticle
// began: it deletes every item left under the article's key (revisions),
// its view counter shards (all portal.MaxViewShards of them: the admin
// function does not know how many the views function uses) and its
// most-read entries, then the deletion marker. Repeating it is harmless.
//
// Errors: ENOTFOUND when no deletion of id is pending (none began, or it
// finished); EUNAVAILABLE when the table is throttling or unreachable, or
// left some deletes unprocessed: call it again.
func (s *Store) FinishDeleteArticle(ctx context.Context, id string) error {
	const op = "dynamo.FinishDeleteArticle"
	marker := key(articlePK(id), skDeleting)
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: marker, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return translate(op, err)
	}
	if out.Item == nil {
		return notFound(op, "Article")
	}
	var doomed []map[string]types.AttributeValue
	for _, pk := range []string{articlePK(id), popularPK(id)} {
		keys, err := s.queryKeys(ctx, &dynamodb.QueryInput{
			KeyConditionExpression:    aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": sv(pk)},
			ConsistentRead:            aws.Bool(true),
		})
		if err != nil {
			return translate(op, err)
		}
		for _, k := range keys {
			if stringAttr(k, attrSK) != skDeleting || stringAttr(k, attrPK) != articlePK(id) {
				doomed = append(doomed, k)
			}
		}
	}
	for n := 0; n < portal.MaxViewShards; n++ {
		doomed = append(doomed, key(shardPK(id, n), skShard))
	}
	writes := make([]types.WriteRequest, len(doomed))
	for i, k := range doomed {
		writes[i] = deleteRequest(k)
	}
	if err := s.batchWrite(ctx, writes); err != nil {
		return translate(op, err)
	}
	_, err = s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: marker})
	return translate(op, err)
}
