package dynamo

// Article reads: what readers get (the published copy and the public lists)
// and what editors get (the working copy, the desk, revisions).

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/portal"
)

// ArticleBySlug returns what readers find at slug at now, in one GetItem on the
// published copy: the article when it is visible (portal.Visible), or the
// current slug when slug is one the article used before.
//
// Errors: ENOTFOUND when nothing visible has the slug (unknown, draft,
// scheduled for later, expired, unpublished, archived); EUNAVAILABLE when the
// table is throttling or unreachable.
func (s *Store) ArticleBySlug(ctx context.Context, slug string, now time.Time) (portal.SlugTarget, error) {
	const op = "dynamo.ArticleBySlug"
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table,
		Key:       key(publicPK(slug), skPublic),
	})
	if err != nil {
		return portal.SlugTarget{}, translate(op, err)
	}
	if out.Item == nil {
		return portal.SlugTarget{}, notFound(op, "Article")
	}
	var it articleItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return portal.SlugTarget{}, translate(op, fmt.Errorf("unmarshal %s: %w", publicPK(slug), err))
	}
	if it.RedirectTo != "" {
		return portal.SlugTarget{MovedTo: it.RedirectTo}, nil
	}
	a, err := it.article()
	if err != nil {
		return portal.SlugTarget{}, translate(op, err)
	}
	if !a.VisibleAt(now) {
		return portal.SlugTarget{}, notFound(op, "Article")
	}
	return portal.SlugTarget{Article: a}, nil
}

// ListArticles returns one page of the visible articles, newest first, in one
// Query on GSI1. Entries scheduled after q.Now are cut off by the key
// condition; expired ones by a filter, so a page may hold fewer than q.Limit
// articles and still have a NextCursor (or, paging back, a PrevCursor).
//
// q.Cursor pages on to older articles, q.Before back to newer ones: the
// same query run ascending from the cursor, its items turned round. A page
// reached by a cursor has a cursor back the way it came (anchored at its
// item nearest that cursor) and one onward unless the list ends there; the
// first page has no PrevCursor. An empty page has both cursors when the
// query stopped before the end of the list, else none.
//
// Paging back, the boundaries follow from the cursor, so a page may hold
// fewer articles than the forward page of the same articles did, and above
// the first page even none: when the page back before it stopped exactly at
// the top, it still had a PrevCursor. The list's first page is the one to
// show then. No walk either way shows an article twice or skips one.
//
// Cursors are bound to q.Category and to their direction: a NextCursor is
// refused as q.Before and a PrevCursor as q.Cursor (see backScope).
//
// Errors: EINVALID for a bad limit, for both q.Cursor and q.Before, or for a
// forged, altered, foreign or wrong-way cursor; EUNAVAILABLE when the table
// is throttling or unreachable.
func (s *Store) ListArticles(ctx context.Context, q portal.ArticleQuery) (portal.ArticlePage, error) {
	const op = "dynamo.ListArticles"
	if q.Cursor != "" && q.Before != "" {
		return portal.ArticlePage{}, translate(op, portal.Errorf(portal.EINVALID, "Give a cursor or a before cursor, not both."))
	}
	newer := q.Before != ""
	fwd, back := listScope(q.Category), backScope(q.Category)
	scope, otherScope, cur := fwd, back, q.Cursor
	if newer {
		scope, otherScope, cur = back, fwd, q.Before
	}
	in := &dynamodb.QueryInput{
		IndexName:              aws.String(indexGSI1),
		KeyConditionExpression: aws.String("GSI1PK = :scope AND GSI1SK <= :upper"),
		FilterExpression:       aws.String("(attribute_not_exists(expiresAt) OR expiresAt > :now) AND #status IN (:published, :scheduled)"),
		ExpressionAttributeNames: map[string]string{
			"#status": "status",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":scope":     sv(fwd),
			":upper":     sv(listUpperBound(q.Now)),
			":now":       sv(formatTime(q.Now)),
			":published": sv(string(portal.StatusPublished)),
			":scheduled": sv(string(portal.StatusScheduled)),
		},
		ScanIndexForward: aws.Bool(newer), // newest first, unless paging back
	}
	p, err := s.pageWays(ctx, in, scope, otherScope, q.Limit, cur, gsi1Key)
	if err != nil {
		return portal.ArticlePage{}, translate(op, err)
	}
	all, err := articles(p.items)
	if err != nil {
		return portal.ArticlePage{}, translate(op, err)
	}
	page := portal.ArticlePage{Items: make([]portal.Article, 0, len(all)), NextCursor: p.onward, PrevCursor: p.back}
	if newer {
		slices.Reverse(all)
		page.NextCursor, page.PrevCursor = p.back, p.onward
	}
	for _, a := range all {
		if a.VisibleAt(q.Now) { // the filter's twin, in case the two ever disagree
			page.Items = append(page.Items, a)
		}
	}
	return page, nil
}

// backScope is the cursor scope of paging list category back (q.Before).
// The direction is in the signed payload, not in anything a client can
// change; as a prefix it cannot be another list's scope, which all begin
// with "LIST#", whatever the category id.
func backScope(category string) string { return "<" + listScope(category) }

// ArticleByID returns an article's working copy, read consistently (an
// editor sees their own last save).
//
// Errors: ENOTFOUND; EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) ArticleByID(ctx context.Context, id string) (*portal.Article, error) {
	return s.articleAt(ctx, "dynamo.ArticleByID", articlePK(id), skArticle)
}

// Revision returns revision n of an article.
//
// Errors: ENOTFOUND; EUNAVAILABLE when the table is throttling or unreachable.
func (s *Store) Revision(ctx context.Context, id string, n int) (*portal.Article, error) {
	return s.articleAt(ctx, "dynamo.Revision", articlePK(id), revisionSK(n))
}

func (s *Store) articleAt(ctx context.Context, op, pk, sk string) (*portal.Article, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, translate(op, err)
	}
	if out.Item == nil {
		return nil, notFound(op, "Article")
	}
	var it articleItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return nil, translate(op, fmt.Errorf("unmarshal %s/%s: %w", pk, sk, err))
	}
	a, err := it.article()
	return a, translate(op, err)
}

// Desk returns a page of desk entries (article summaries without body), in
// one Query on GSI2 (by status) or GSI1 (all).
//
// Errors: EINVALID for a bad limit or cursor; EUNAVAILABLE.
func (s *Store) Desk(ctx context.Context, q portal.DeskQuery) ([]portal.Article, string, error) {
	const op = "dynamo.Desk"
	in := &dynamodb.QueryInput{ScanIndexForward: aws.Bool(false)}
	var scope string
	var keys []string
	if q.Status != "" {
		scope = deskByStatus(q.Status)
		in.IndexName = aws.String(indexGSI2)
		in.KeyConditionExpression = aws.String("GSI2PK = :p")
		keys = gsi2Key
	} else {
		scope = deskAll
		in.IndexName = aws.String(indexGSI1)
		in.KeyConditionExpression = aws.String("GSI1PK = :p")
		keys = gsi1Key
	}
	in.ExpressionAttributeValues = map[string]types.AttributeValue{":p": sv(scope)}
	// The filters keep the one query: a page may come back shorter than the
	// limit, with a cursor when more may follow. The scope binds a cursor to
	// them (a category id holds no '|').
	var filters []string
	if q.Category != "" {
		filters = append(filters, "contains(categories, :c)")
		in.ExpressionAttributeValues[":c"] = sv(q.Category)
		scope += "|" + q.Category
	}
	if q.Author != "" {
		filters = append(filters, "contains(author, :a)")
		in.ExpressionAttributeValues[":a"] = sv(q.Author)
		scope += "|author:" + q.Author
	}
	if len(filters) > 0 {
		in.FilterExpression = aws.String(strings.Join(filters, " AND "))
	}
	items, next, err := s.page(ctx, in, scope, q.Limit, q.Cursor, keys)
	if err != nil {
		return nil, "", translate(op, err)
	}
	out, err := articles(items)
	return out, next, translate(op, err)
}

// Revisions returns a page of an article's revisions, newest first, each a
// full snapshot.
//
// Errors: EINVALID for a bad limit or cursor; EUNAVAILABLE.
func (s *Store) Revisions(ctx context.Context, id string, limit int, cur string) ([]portal.Article, string, error) {
	const op = "dynamo.Revisions"
	in := &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :rev)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": sv(articlePK(id)), ":rev": sv(revPrefix)},
		ScanIndexForward:          aws.Bool(false),
	}
	items, next, err := s.page(ctx, in, revPrefix+id, limit, cur, tableKey)
	if err != nil {
		return nil, "", translate(op, err)
	}
	out, err := articles(items)
	return out, next, translate(op, err)
}

func articles(items []map[string]types.AttributeValue) ([]portal.Article, error) {
	var its []articleItem
	if err := attributevalue.UnmarshalListOfMaps(items, &its); err != nil {
		return nil, fmt.Errorf("unmarshal articles: %w", err)
	}
	out := make([]portal.Article, 0, len(its))
	for i := range its {
		a, err := its[i].article()
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}
