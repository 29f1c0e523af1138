package dynamo

// Search queries (GET /search, the site's search page). docs/search.md has
// the design and the figures; in short, one page costs at most
// len(words)+len(pairs) Queries (≤ 15, in parallel), up to 2 BatchGetItems
// of single entries per tier (two tiers at most) and one of the results'
// DOC items: at most 20 calls in six round trips, whatever the size of the
// table. No Scan.

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
	// searchBatch is how many single entries one lookup call reads
	// (BatchGetItem's limit), and searchRounds how many such calls a tier
	// of a page may make, to settle whether its candidates hold the terms
	// whose entries the page did not read that far.
	searchBatch  = 100
	searchRounds = 2
)

// The two tiers of a query's results: articles that hold the phrase (every
// pair of adjacent words, in one field) come first; then the articles that
// hold every word otherwise. A cursor names its tier.
const (
	tierPhrase = "p"
	tierWords  = "w"
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
	// looked records the entries settled by a lookup.
	looked map[string]bool
}

// knows reports whether the list settles whether the entry sk exists.
func (l *termList) knows(sk string) bool { return l.depth == "" || sk >= l.depth || l.looked[sk] }

// deepest returns the list read furthest down (to the end, ideally): every
// article in the window holding its term is among its entries.
func deepest(lists []*termList) *termList {
	d := lists[0]
	for _, l := range lists[1:] {
		if l.depth < d.depth || l.depth == d.depth && len(l.order) < len(d.order) {
			d = l
		}
	}
	return d
}

// tierResult is one tier's window: its matches ranked, and the bound of its
// next window ("" when the tier ends here).
type tierResult struct {
	matches []string
	next    string
}

// Search returns one page of the visible articles that hold every word of
// q.Text, best first: articles that hold the phrase (search.Score ≥ 7) in
// phrase-tier windows, then the others in word-tier windows; within a
// window by search.Score, then newest. A window is the span of the
// deepest-read term's entries the page could settle; NextCursor goes on
// through the window, to the next window, then to the next tier.
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
	top := listUpperBound(q.Now)
	tier, bound, skip, err := s.searchCursor(ctx, pq, q, top)
	if err != nil {
		return portal.SearchPage{}, translate(op, err)
	}
	lists, err := s.readTerms(ctx, pq.Terms(), bound, q.Now)
	if err != nil {
		return portal.SearchPage{}, translate(op, err)
	}
	words, pairs := lists[:len(pq.Words)], lists[len(pq.Words):]
	scope := searchScope(pq)
	cursorAt := func(tier, bound string, n int) string {
		return s.cursors.Encode(scope, map[string]string{"t": tier, "b": bound, "n": strconv.Itoa(n)})
	}

	var shown []string
	var page portal.SearchPage
	if tier == tierPhrase {
		r, err := s.phraseTier(ctx, pairs)
		if err != nil {
			return portal.SearchPage{}, translate(op, err)
		}
		end := min(skip+q.Limit, len(r.matches))
		if skip < end {
			shown = r.matches[skip:end]
		}
		switch {
		case end < len(r.matches):
			page.NextCursor = cursorAt(tierPhrase, bound, end)
		case r.next != "":
			page.NextCursor = cursorAt(tierPhrase, r.next, 0)
		case bound != top:
			page.NextCursor = cursorAt(tierWords, top, 0)
		default:
			// The phrase tier ended in the window read from the top: the
			// word tier starts there, and this page goes on into it.
			tier, skip = tierWords, 0
		}
	}
	if tier == tierWords && len(shown) < q.Limit {
		r, err := s.wordTier(ctx, words, pairs)
		if err != nil {
			return portal.SearchPage{}, translate(op, err)
		}
		room := q.Limit - len(shown)
		end := min(skip+room, len(r.matches))
		if skip < end {
			shown = append(shown, r.matches[skip:end]...)
		}
		switch {
		case end < len(r.matches):
			page.NextCursor = cursorAt(tierWords, bound, end)
		case r.next != "":
			page.NextCursor = cursorAt(tierWords, r.next, 0)
		}
	}
	if len(shown) > 0 {
		if page.Items, err = s.searchHits(ctx, pq, shown, q.Now); err != nil {
			return portal.SearchPage{}, translate(op, err)
		}
	}
	return page, nil
}

// phraseTier ranks the articles of a window that hold every pair in one
// field: the phrase. Candidates are the entries of the deepest-read pair.
func (s *Store) phraseTier(ctx context.Context, pairs []*termList) (tierResult, error) {
	driver := deepest(pairs)
	settled, next, err := s.settle(ctx, driver, pairs, nil)
	if err != nil {
		return tierResult{}, err
	}
	return tierResult{matches: rank(settled, func(sk string) int {
		pf := make([]search.Field, len(pairs))
		for i, l := range pairs {
			if pf[i] = l.found[sk]; pf[i] == 0 {
				return 0
			}
		}
		if score := search.Score([]search.Field{search.InTitle, search.InTitle}, pf); score >= search.PhraseScore {
			return score
		}
		return 0 // the pairs are in different fields: a word-tier match
	}), next: next}, nil
}

// wordTier ranks the articles of a window that hold every word but not the
// phrase (those are the phrase tier's). Candidates are the entries of the
// deepest-read word; the pairs are settled too, for the score.
func (s *Store) wordTier(ctx context.Context, words, pairs []*termList) (tierResult, error) {
	driver := deepest(words)
	settled, next, err := s.settle(ctx, driver, words, pairs)
	if err != nil {
		return tierResult{}, err
	}
	return tierResult{matches: rank(settled, func(sk string) int {
		wf := make([]search.Field, len(words))
		for i, l := range words {
			if wf[i] = l.found[sk]; wf[i] == 0 {
				return 0
			}
		}
		pf := make([]search.Field, len(pairs))
		for i, l := range pairs {
			pf[i] = l.found[sk]
		}
		score := search.Score(wf, pf)
		if len(pairs) > 0 && score >= search.PhraseScore {
			return 0 // shown in the phrase tier
		}
		return score
	}), next: next}, nil
}

// rank returns the entries with a positive score, best first, newest first
// on a tie.
func rank(sks []string, score func(sk string) int) []string {
	type scored struct {
		sk    string
		score int
	}
	var ms []scored
	for _, sk := range sks {
		if sc := score(sk); sc > 0 {
			ms = append(ms, scored{sk, sc})
		}
	}
	slices.SortStableFunc(ms, func(a, b scored) int {
		if a.score != b.score {
			return b.score - a.score
		}
		return strings.Compare(b.sk, a.sk)
	})
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.sk
	}
	return out
}

// settle finds out, for the driver's entries newest first, whether each
// holds every required term (a candidate missing one is out) and, for
// those that do, the optional ones: from what the page read, else by
// lookups of single entries, at most searchRounds BatchGetItems of
// searchBatch keys. Each round asks, per live candidate, for its first
// unsettled required term, or, once those are all there, for its
// optional ones; the newest candidate is asked for everything at once, so
// at least it is always settled. It returns the settled candidates — the
// newest ones up to the first that is not — and the bound of the next
// window: below the last settled one, or below the driver's read when all
// were settled ("" when that read reached the end).
func (s *Store) settle(ctx context.Context, driver *termList, required, optional []*termList) ([]string, string, error) {
	cands := driver.order
	dead := make([]bool, len(cands))
	type want struct {
		l  *termList
		sk string
	}
	// unsettled returns what candidate i still needs: nil when settled.
	unsettled := func(i int, all bool) []want {
		var need []want
		for _, l := range required {
			if l == driver || dead[i] {
				continue
			}
			if !l.knows(cands[i]) {
				need = append(need, want{l, cands[i]})
				if !all {
					return need
				}
			} else if l.found[cands[i]] == 0 {
				dead[i] = true
				return nil
			}
		}
		if dead[i] || len(need) > 0 {
			return need
		}
		for _, l := range optional {
			if !l.knows(cands[i]) {
				need = append(need, want{l, cands[i]})
			}
		}
		return need
	}
	for round := 0; round < searchRounds; round++ {
		var keys []want
		for i := range cands {
			need := unsettled(i, i == 0)
			if len(keys)+len(need) > searchBatch {
				break
			}
			keys = append(keys, need...)
		}
		if len(keys) == 0 {
			break
		}
		avs := make([]map[string]types.AttributeValue, len(keys))
		for i, k := range keys {
			avs[i] = key(postingPK(k.l.term), k.sk)
			if k.l.looked == nil {
				k.l.looked = map[string]bool{}
			}
			k.l.looked[k.sk] = true
		}
		got, err := s.batchGet(ctx, avs, attrPK, attrSK, "f")
		if err != nil {
			return nil, "", err
		}
		byPK := map[string]*termList{}
		for _, k := range keys {
			byPK[postingPK(k.l.term)] = k.l
		}
		for _, item := range got {
			if l := byPK[stringAttr(item, attrPK)]; l != nil {
				f, _ := numberAttr(item["f"])
				l.found[stringAttr(item, attrSK)] = search.Field(f)
			}
		}
	}
	n := 0
	for n < len(cands) && unsettled(n, true) == nil {
		n++
	}
	switch {
	case n == len(cands):
		return cands, driver.depth, nil
	case n == 0:
		// Cannot happen: the newest candidate asks for at most 15 entries
		// in the first round and is settled by the second.
		return nil, cands[0], nil
	default:
		return cands[:n], cands[n-1], nil
	}
}

func searchScope(q search.Query) string { return "search|" + q.Key() }

// searchCursor returns the tier, the window's bound (entries below it)
// and how many of its ranked matches earlier pages showed. The first page
// starts with the phrase tier at the top, or, for one word, with the word
// tier.
func (s *Store) searchCursor(ctx context.Context, pq search.Query, q portal.SearchQuery, top string) (string, string, int, error) {
	if q.Cursor == "" {
		if len(pq.Pairs) == 0 {
			return tierWords, top, 0, nil
		}
		return tierPhrase, top, 0, nil
	}
	if err := s.cursors.Load(ctx); err != nil {
		return "", "", 0, err
	}
	bad := portal.Errorf(portal.EINVALID, "The cursor is invalid or belongs to another search.")
	k, err := s.cursors.Decode(searchScope(pq), q.Cursor)
	if errors.Is(err, cursor.ErrInvalid) {
		return "", "", 0, bad
	}
	if err != nil {
		return "", "", 0, err
	}
	skip, err := strconv.Atoi(k["n"])
	if err != nil || skip < 0 || k["b"] == "" || (k["t"] != tierPhrase && k["t"] != tierWords) {
		return "", "", 0, bad
	}
	return k["t"], min(k["b"], top), skip, nil
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
			PublishAt: *publishAt, Snippet: snippet, Kind: d.Kind, Number: d.Number})
	}
	return hits, nil
}

// entryID is the article id in an entry's sort key, <publishAt>#<id>#<gen>.
func entryID(sk string) string {
	rest, _, _ := strings.Cut(sk[min(len(timeLayout)+1, len(sk)):], "#")
	return rest
}
