package dynamo

// Search queries (GET /search, the site's search page). docs/search.md has
// the design and the figures; in short, one page costs at most
// len(words)+len(pairs) Queries (≤ 15, in parallel), one BatchGetItem of
// index entries and one of the results' DOC items: at most 17 calls in three
// round trips, whatever the size of the table. No Scan.

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"eportal/internal/cursor"
	"eportal/internal/portal"
	"eportal/internal/search"
)

// The query plan's bounds (docs/search.md).
const (
	// SearchDepth is how many entries of each term a page reads: one Query
	// of at most this many small items (≈ 2–3 read units).
	SearchDepth = 200
	// SearchLookups is how many single entries a page may read besides, to
	// settle whether an article holds a term whose entries it did not read
	// that far: one BatchGetItem.
	SearchLookups = 100
)

// termList is what a page read of one term's entries, newest first.
type termList struct {
	term  string
	found map[string]search.Field // entry sort key → fields
	order []string                // sort keys as read
	// depth is the sort key the read stopped at (the query's
	// LastEvaluatedKey): entries at or above it were all read. "" when the
	// term's entries below the window's bound were read to the end.
	depth string
}

// knows reports whether the list settles whether the entry sk exists.
func (l *termList) knows(sk string) bool { return l.depth == "" || sk >= l.depth }

// Search returns one page of the visible articles that hold every word of
// q.Text, best first (search.Score, then newest). A page is ranked within a
// window of the newest candidates the index reads for it; its NextCursor
// goes on through the window and then to older articles.
//
// Errors: EINVALID for a bad query (search.Parse), a bad limit or a forged,
// altered or foreign cursor; EUNAVAILABLE when the table is throttling or
// unreachable.
func (s *Store) Search(ctx context.Context, q portal.SearchQuery) (portal.SearchPage, error) {
	const op = "dynamo.Search"
	pq, err := search.Parse(q.Text)
	if err != nil {
		return portal.SearchPage{}, err
	}
	if q.Limit < 1 || q.Limit > portal.MaxLimit {
		return portal.SearchPage{}, portal.Errorf(portal.EINVALID, "limit must be between 1 and %d.", portal.MaxLimit)
	}
	bound, skip, err := s.searchCursor(ctx, pq, q)
	if err != nil {
		return portal.SearchPage{}, translate(op, err)
	}
	terms := pq.Terms()
	lists, err := s.readTerms(ctx, terms, bound, q.Now)
	if err != nil {
		return portal.SearchPage{}, translate(op, err)
	}
	words := lists[:len(pq.Words)]

	// The driver is the word read furthest down (to the end, ideally): every
	// article in the window holding all the words is among its entries.
	driver := words[0]
	for _, l := range words[1:] {
		if l.depth < driver.depth || l.depth == driver.depth && len(l.order) < len(driver.order) {
			driver = l
		}
	}
	// Settle each candidate, newest first, within the lookup budget; the
	// window ends at the last candidate settled.
	type want struct{ list, cand int }
	var lookups []want
	examined := 0
	for ci, sk := range driver.order {
		var need []want
		missing := false
		for li, l := range lists {
			if l == driver {
				continue
			}
			if !l.knows(sk) {
				need = append(need, want{li, ci})
			} else if _, ok := l.found[sk]; !ok && li < len(pq.Words) {
				missing = true // a word it lacks: not a match, nothing to look up
				break
			}
		}
		if missing {
			examined = ci + 1
			continue
		}
		if len(lookups)+len(need) > SearchLookups {
			break
		}
		lookups = append(lookups, need...)
		examined = ci + 1
	}
	next := "" // the bound of the next window; "" when none follows
	switch {
	case examined < len(driver.order):
		next = driver.order[examined-1]
	case driver.depth != "":
		next = driver.depth
	}
	if len(lookups) > 0 {
		keys := make([]map[string]types.AttributeValue, len(lookups))
		for i, w := range lookups {
			keys[i] = key(postingPK(lists[w.list].term), driver.order[w.cand])
		}
		got, err := s.batchGet(ctx, keys, attrPK, attrSK, "f")
		if err != nil {
			return portal.SearchPage{}, translate(op, err)
		}
		byTerm := map[string]*termList{}
		for _, l := range lists {
			byTerm[postingPK(l.term)] = l
		}
		for _, item := range got {
			if l := byTerm[stringAttr(item, attrPK)]; l != nil {
				f, _ := numberAttr(item["f"])
				l.found[stringAttr(item, attrSK)] = search.Field(f)
			}
		}
	}

	// Rank the window's matches.
	type match struct {
		sk    string
		score int
	}
	var matches []match
	for _, sk := range driver.order[:examined] {
		wf := make([]search.Field, len(pq.Words))
		ok := true
		for i, l := range words {
			if wf[i] = l.found[sk]; wf[i] == 0 {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		pf := make([]search.Field, len(pq.Pairs))
		for i, l := range lists[len(pq.Words):] {
			pf[i] = l.found[sk]
		}
		matches = append(matches, match{sk, search.Score(wf, pf)})
	}
	slices.SortStableFunc(matches, func(a, b match) int {
		if a.score != b.score {
			return b.score - a.score
		}
		return strings.Compare(b.sk, a.sk)
	})
	var page portal.SearchPage
	end := min(skip+q.Limit, len(matches))
	scope := searchScope(pq)
	switch {
	case end < len(matches):
		page.NextCursor = s.cursors.Encode(scope, map[string]string{"b": bound, "n": strconv.Itoa(end)})
	case next != "":
		page.NextCursor = s.cursors.Encode(scope, map[string]string{"b": next, "n": "0"})
	}
	if skip >= end {
		return page, nil
	}
	shown := make([]string, 0, end-skip)
	for _, m := range matches[skip:end] {
		shown = append(shown, m.sk)
	}
	page.Items, err = s.searchHits(ctx, pq, shown, q.Now)
	if err != nil {
		return portal.SearchPage{}, translate(op, err)
	}
	return page, nil
}

func searchScope(q search.Query) string { return "search|" + q.Key() }

// searchCursor returns the window's bound (entries below it) and how many of
// its ranked matches earlier pages showed.
func (s *Store) searchCursor(ctx context.Context, pq search.Query, q portal.SearchQuery) (string, int, error) {
	bound := listUpperBound(q.Now)
	if q.Cursor == "" {
		return bound, 0, nil
	}
	if err := s.cursors.Load(ctx); err != nil {
		return "", 0, err
	}
	k, err := s.cursors.Decode(searchScope(pq), q.Cursor)
	if errors.Is(err, cursor.ErrInvalid) {
		return "", 0, portal.Errorf(portal.EINVALID, "The cursor is invalid or belongs to another search.")
	}
	if err != nil {
		return "", 0, err
	}
	skip, err := strconv.Atoi(k["n"])
	if err != nil || skip < 0 || k["b"] == "" {
		return "", 0, portal.Errorf(portal.EINVALID, "The cursor is invalid or belongs to another search.")
	}
	return min(k["b"], bound), skip, nil
}

// readTerms reads each term's newest SearchDepth entries below bound that
// have not expired, all at once.
func (s *Store) readTerms(ctx context.Context, terms []string, bound string, now time.Time) ([]*termList, error) {
	if err := s.cursors.Load(ctx); err != nil {
		return nil, err
	}
	lists := make([]*termList, len(terms))
	errs := make([]error, len(terms))
	var wg sync.WaitGroup
	for i, term := range terms {
		wg.Go(func() {
			out, err := s.db.Query(ctx, &dynamodb.QueryInput{
				TableName:                &s.table,
				KeyConditionExpression:   aws.String("PK = :pk AND SK < :b"),
				FilterExpression:         aws.String("attribute_not_exists(#x) OR #x > :now"),
				ProjectionExpression:     aws.String("SK, #f"),
				ExpressionAttributeNames: map[string]string{"#x": "x", "#f": "f"},
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":pk": sv(postingPK(term)), ":b": sv(bound), ":now": sv(formatTime(now)),
				},
				ScanIndexForward: aws.Bool(false),
				Limit:            aws.Int32(SearchDepth),
			})
			if err != nil {
				errs[i] = err
				return
			}
			l := &termList{term: term, found: make(map[string]search.Field, len(out.Items))}
			for _, item := range out.Items {
				sk := stringAttr(item, attrSK)
				f, _ := numberAttr(item["f"])
				l.found[sk] = search.Field(f)
				l.order = append(l.order, sk)
			}
			if out.LastEvaluatedKey != nil {
				l.depth = stringAttr(out.LastEvaluatedKey, attrSK)
			}
			lists[i] = l
		})
	}
	wg.Wait()
	return lists, errors.Join(errs...)
}

// searchHits reads the DOC items of the entries sks (one BatchGetItem) and
// returns them in that order, dropping any whose generation is no longer
// the indexed one or that is no longer visible.
func (s *Store) searchHits(ctx context.Context, pq search.Query, sks []string, now time.Time) ([]portal.SearchHit, error) {
	keys := make([]map[string]types.AttributeValue, 0, len(sks))
	for _, sk := range sks {
		keys = append(keys, key(searchDocPK(entryID(sk)), skSearchDoc))
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, err
	}
	docs := make(map[string]searchDocItem, len(items))
	for _, item := range items {
		var d searchDocItem
		if err := attributevalue.UnmarshalMap(item, &d); err != nil {
			return nil, err
		}
		docs[d.ID] = d
	}
	hits := make([]portal.SearchHit, 0, len(sks))
	for _, sk := range sks {
		d, ok := docs[entryID(sk)]
		if !ok || postingSK(search.Document{ID: d.ID, PublishAt: d.PublishAt}, d.Gen) != sk {
			continue // unpublished, or re-indexed since the entry was read
		}
		publishAt, err := parseTimePtr(d.PublishAt)
		if err != nil {
			return nil, err
		}
		expiresAt, err := parseTimePtr(d.ExpiresAt)
		if err != nil {
			return nil, err
		}
		if publishAt == nil || !portal.Visible(portal.Status(d.Status), publishAt, expiresAt, now) {
			continue
		}
		snippet := search.Snippet(d.Text, pq)
		if snippet == "" {
			snippet = search.Snippet(d.Summary, pq)
		}
		if snippet == "" {
			snippet = search.Snippet(d.Title, pq)
		}
		hits = append(hits, portal.SearchHit{ID: d.ID, Slug: d.Slug, Title: d.Title, Summary: d.Summary,
			PublishAt: *publishAt, Snippet: snippet})
	}
	return hits, nil
}

// entryID is the article id in an entry's sort key, <publishAt>#<id>#<gen>.
func entryID(sk string) string {
	rest, _, _ := strings.Cut(sk[min(len(timeLayout)+1, len(sk)):], "#")
	return rest
}
