package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// Article writes: every change of an article is one transaction.

var (
	errStale     = &portal.Error{Code: portal.EPRECONDITION, Message: "The article was changed by someone else; reload it and apply your change again."}
	errIDTaken   = &portal.Error{Code: portal.ECONFLICT, Message: "An article with this id exists."}
	errRevision  = &portal.Error{Code: portal.ECONFLICT, Message: "This version was already saved."}
	errSlugOwned = &portal.Error{Code: portal.ESLUGTAKEN, Message: "The slug belongs to another article."}
)

// ownedSlug is the condition on every slug item an article writes or
// deletes: free, or already the article's own.
const ownedSlug = "attribute_not_exists(PK) OR id = :id"

// SaveArticle writes ch in one transaction: the working copy (conditioned on
// the version it was read at), its desk entry, revision After.Version, an
// audit record and what portal.PlanPublication derives from the two states
// (the published copy, redirects, reservations, freed slugs, list entries).
// It also completes ch.Idempotency when set. Nothing is written unless
// everything is.
//
// Errors: EPRECONDITION when the working copy is no longer at
// Before.Version (ENOTFOUND when it is gone); ESLUGTAKEN when a slug belongs
// to another article; ECONFLICT when the id exists, or the idempotency claim
// was lost; EINVALID when publishing without a publish time; ETOOLARGE when
// an item would exceed 400 KB; EUNAVAILABLE when the table is throttling or
// unreachable.
func (s *Store) SaveArticle(ctx context.Context, ch portal.ArticleChange) error {
	const op = "dynamo.SaveArticle"
	plan, err := portal.PlanPublication(ch.Before, ch.After)
	if err != nil {
		return translate(op, err)
	}
	var counts viewCounts
	if b := ch.Before; plan.Publish && b != nil && b.PublishedSlug != "" {
		// Republishing rewrites the published copy whole: carry over what
		// the views function rolled up into the one it replaces.
		if counts, err = s.publishedCounts(ctx, b.PublishedSlug); err != nil {
			return translate(op, err)
		}
	}
	var doc *documentWrites
	if ch.After.IsDocument() {
		if doc, err = s.documentWrites(ctx, ch.Before, ch.After, plan); err != nil {
			return translate(op, err)
		}
	}
	t := &tx{table: s.table}
	if err := addArticleWrites(t, ch, plan, counts, doc); err != nil {
		return translate(op, err)
	}
	return t.run(ctx, s.db, op)
}

// CreateArticle stores a new article as SaveArticle does with no previous
// state. A published or scheduled article gets its published copy and list
// entries at once (the demo content and tests use this).
//
// Errors: ECONFLICT when the id is taken; ESLUGTAKEN when the slug is;
// ETOOLARGE when an item would exceed 400 KB; EUNAVAILABLE.
func (s *Store) CreateArticle(ctx context.Context, a *portal.Article, actor string, now time.Time) error {
	if a.Status.Listed() && a.PublishedSlug == "" {
		cp := *a
		cp.PublishedSlug, cp.PublishedVersion, cp.PublishedCategories = a.Slug, a.Version, a.Categories
		if a.IsDocument() && a.Document != nil {
			cp.PublishedDocument = a.Document.Published()
		}
		a = &cp
	}
	return s.SaveArticle(ctx, portal.ArticleChange{After: a, Action: "create", Actor: actor, Now: now})
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

// addArticleWrites adds the items of ch and its plan to t.
func addArticleWrites(t *tx, ch portal.ArticleChange, plan portal.PublicationPlan, counts viewCounts, doc *documentWrites) error {
	a, b := ch.After, ch.Before
	id := a.ID
	base := newArticleItem(a)
	idv := map[string]types.AttributeValue{":id": sv(id)}

	// The working copy: created once, then only from the version read.
	work := base
	work.PK, work.SK = articlePK(id), skArticle
	var err error
	if b == nil {
		err = t.put(work, "attribute_not_exists(PK)", nil, nil, errIDTaken)
	} else {
		err = t.put(work, "version = :v", nil, map[string]types.AttributeValue{":v": nv(b.Version)}, errStale)
	}
	if err != nil {
		return err
	}
	desk := base.summary()
	desk.PK, desk.SK = articlePK(id), skDesk
	desk.GSI1PK, desk.GSI1SK = deskAll, deskSK(a.UpdatedAt, id)
	desk.GSI2PK, desk.GSI2SK = deskByStatus(a.Status), deskSK(a.UpdatedAt, id)
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

	// What readers reach.
	if plan.Publish {
		pub := base.public()
		pub.PK, pub.SK, pub.Slug = publicPK(a.PublishedSlug), skPublic, a.PublishedSlug
		item := publishedItem{articleItem: pub, ViewsBase: counts.Base, ViewsRolledAt: counts.RolledAt}
		if counts.Views != nil {
			item.Views = *counts.Views
		}
		if doc != nil {
			item.ReplacedBy = doc.replacedBy
		}
		if err := t.putDoc(item, doc != nil, ownedSlug, nil, idv, errSlugOwned); err != nil {
			return err
		}
	}
	for _, old := range plan.Redirects {
		redirect := articleItem{PK: publicPK(old), SK: skPublic, ID: id, Slug: old, RedirectTo: a.PublishedSlug}
		if err := t.put(redirect, ownedSlug, nil, idv, errSlugOwned); err != nil {
			return err
		}
	}
	for _, sl := range plan.Reserve {
		res := articleItem{PK: publicPK(sl), SK: skPublic, ID: id, Slug: sl}
		if err := t.put(res, ownedSlug, nil, idv, errSlugOwned); err != nil {
			return err
		}
	}
	for _, sl := range plan.Free {
		t.delete(publicPK(sl), skPublic, ownedSlug, idv, nil)
	}
	for _, l := range plan.List {
		if doc != nil {
			if err := doc.addListEntry(t, base, a, l); err != nil {
				return err
			}
			continue
		}
		e := base.summary()
		e.Slug = a.PublishedSlug
		e.PK, e.SK = articlePK(id), listScope(l)
		e.GSI1PK, e.GSI1SK = listScope(l), listSK(*a.PublishAt, id)
		if err := t.put(e, "", nil, nil, nil); err != nil {
			return err
		}
	}
	for _, l := range plan.Unlist {
		t.delete(articlePK(id), listScope(l), "", nil, nil)
	}
	var filed []string
	if b != nil {
		filed = b.Filed()
	}
	addFiling(t, filed, a.Filed())
	if doc != nil {
		if err := doc.add(t, b, a); err != nil {
			return err
		}
	}
	if err := addMediaUses(t, id, b.MediaRefs(), a.MediaRefs()); err != nil {
		return err
	}
	if ch.Idempotency != nil {
		return addIdempotentResult(t, ch.Idempotency)
	}
	return nil
}
