package dynamo

// Documents ("Văn bản", docs/documents.md): a document is an article of kind
// document, so its working copy, desk entry, revisions, audit and published
// copy are an article's. This file adds what only documents have:
//
//   - number claims, PK=DOCNO#<number key>, SK=<year of issue>, holding the
//     id: a second document with the same number in the same year fails the
//     claim's condition (409);
//   - list entries, PK=ART#<id>, SK=GSI1PK=DOCLIST#ALL|TYPE#…|ISSUER#…|
//     FIELD#…|NUMBER#…, GSI1SK=<issued on>#<id>: each reader query (all,
//     one filter, a number; any of them with a year) is one Query on GSI1.
//     The DOCLIST#ALL entry holds the whole published document, so that
//     GET /documents/{id} is one GetItem;
//   - replacedBy, a map on a published document's copy and list entries,
//     kept by the transaction that publishes or withdraws a document that
//     replaces it, so that every list shows its state without another read.

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

const docNoPrefix = "DOCNO#"

func claimKey(claim string) (pk, sk string) {
	k, year := portal.ParseClaim(claim)
	return docNoPrefix + k, year
}

// claimItem is a number claim.
type claimItem struct {
	PK     string `dynamodbav:"PK"`
	SK     string `dynamodbav:"SK"`
	ID     string `dynamodbav:"id"`
	Number string `dynamodbav:"number"`
}

// skReplacedBy is, under ART#<id>, the record of the published documents
// that replace document id: replacedBy (id → reference) and rbRev, which
// every change of it increments. It is kept whether or not id is
// published, so that id's (re)publishing writes it onto its published
// items; while id is published, the same change is made on those items.
const skReplacedBy = "REPLACEDBY"

// replacedRecord is the ART#<id>/REPLACEDBY item.
type replacedRecord struct {
	PK         string                        `dynamodbav:"PK"`
	SK         string                        `dynamodbav:"SK"`
	ReplacedBy map[string]portal.DocumentRef `dynamodbav:"replacedBy"`
	Rev        int                           `dynamodbav:"rbRev"`
}

// replacedDoc is a document whose record a save changes: its working copy
// and its record, as read (Rev 0: no record yet).
type replacedDoc struct {
	x   *portal.Article
	rec replacedRecord
}

// documentWrites is what a save of a document writes besides an article's
// items, with what it read to decide it.
type documentWrites struct {
	// replacedBy is the map a publishing save writes its published items
	// with: its record as read at ownRev, which the transaction checks is
	// unchanged, so that a replacement published meanwhile is not lost.
	replacedBy map[string]portal.DocumentRef
	ownRev     int
	publishing bool
	// mark are the documents this one now replaces; unmark those it no
	// longer does.
	mark, unmark []replacedDoc
}

// replacedRecord reads document id's record (consistent).
func (s *Store) replacedRecord(ctx context.Context, id string) (replacedRecord, error) {
	rec := replacedRecord{PK: articlePK(id), SK: skReplacedBy}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key(rec.PK, rec.SK), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return rec, err
	}
	if err := attributevalue.UnmarshalMap(out.Item, &rec); err != nil {
		return rec, fmt.Errorf("unmarshal %s/%s: %w", rec.PK, rec.SK, err)
	}
	return rec, nil
}

// documentWrites reads what the save of document a needs beyond its own
// items: when it publishes, its own record of replacements; the documents
// whose record changes — those its published version replaces, when it
// publishes, and those its previously published version replaced and this
// one does not (unpublishing, archiving, deleting: all of them).
func (s *Store) documentWrites(ctx context.Context, b, a *portal.Article, plan portal.PublicationPlan) (*documentWrites, error) {
	d := &documentWrites{replacedBy: map[string]portal.DocumentRef{}}
	if plan.Publish {
		rec, err := s.replacedRecord(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		d.publishing, d.ownRev = true, rec.Rev
		if rec.ReplacedBy != nil {
			d.replacedBy = rec.ReplacedBy
		}
	}
	var before, after []string
	if b != nil && b.PublishedSlug != "" && b.PublishedDocument != nil {
		before = b.PublishedDocument.Replaces
	}
	if a.PublishedSlug != "" && a.PublishedDocument != nil {
		after = a.PublishedDocument.Replaces
	}
	read := func(id string) (*replacedDoc, error) {
		x, err := s.ArticleByID(ctx, id)
		if portal.ErrorCode(err) == portal.ENOTFOUND || err == nil && !x.IsDocument() {
			return nil, nil // deleted since: nothing shows its state
		}
		if err != nil {
			return nil, err
		}
		rec, err := s.replacedRecord(ctx, id)
		if err != nil {
			return nil, err
		}
		return &replacedDoc{x: x, rec: rec}, nil
	}
	if plan.Publish {
		for _, id := range after {
			r, err := read(id)
			if err != nil {
				return nil, err
			}
			if r != nil {
				d.mark = append(d.mark, *r)
			}
		}
	}
	for _, id := range before {
		if slices.Contains(after, id) {
			continue
		}
		r, err := read(id)
		if err != nil {
			return nil, err
		}
		if r != nil {
			d.unmark = append(d.unmark, *r)
		}
	}
	return d, nil
}

// errReplacedMeanwhile is a publish that lost the race with a replacing
// document's publish or withdrawal.
var errReplacedMeanwhile = portal.Errorf(portal.ECONFLICT, "A document replacing this one was published or withdrawn meanwhile; publish again.")

// addListEntry adds document a's entry in list l: the published summary,
// or for DOCLIST#ALL the whole published document, ordered by date of issue.
func (d *documentWrites) addListEntry(t *tx, base articleItem, a *portal.Article, l string) error {
	e := base.public()
	if l != portal.DocumentListAll {
		e.Body = ""
	}
	e.Slug = a.PublishedSlug
	e.PK, e.SK = articlePK(a.ID), l
	e.GSI1PK, e.GSI1SK = l, string(a.Document.IssuedOn)+"#"+a.ID
	e.ReplacedBy = d.replacedBy
	return t.putDoc(e, true, "", nil, nil, nil)
}

// add adds the number claims and the replacedBy changes of the save from b
// to a.
func (d *documentWrites) add(t *tx, b, a *portal.Article) error {
	var before []string
	if b != nil {
		before = b.Claims()
	}
	after := a.Claims()
	idv := map[string]types.AttributeValue{":id": sv(a.ID)}
	for _, c := range before {
		if !slices.Contains(after, c) {
			pk, sk := claimKey(c)
			t.delete(pk, sk, "id = :id", idv, nil)
		}
	}
	for _, c := range after {
		if slices.Contains(before, c) {
			continue
		}
		pk, sk := claimKey(c)
		number, year := portal.ParseClaim(c)
		if a.Document != nil && a.Document.Claim() == c {
			number = a.Document.Number
		}
		if err := t.put(claimItem{PK: pk, SK: sk, ID: a.ID, Number: number}, "attribute_not_exists(PK) OR id = :id", nil, idv,
			portal.Errorf(portal.ECONFLICT, "Another document has the number %s in %s.", number, year)); err != nil {
			return err
		}
	}
	if d.publishing {
		// The replacements written onto the published items are the record's
		// as read.
		addRevCheck(t, a.ID, d.ownRev, errReplacedMeanwhile)
	}
	refAV, err := attributevalue.Marshal(a.DocumentRef(a.PublishedSlug))
	if err != nil {
		return err
	}
	for _, r := range d.mark {
		if err := addReplacement(t, r, a.ID, refAV); err != nil {
			return err
		}
	}
	for _, r := range d.unmark {
		if err := addReplacement(t, r, a.ID, nil); err != nil {
			return err
		}
	}
	return nil
}

// addRevCheck checks that document id's record is still at rev (absent
// for 0).
func addRevCheck(t *tx, id string, rev int, onFail error) {
	if rev == 0 {
		t.check(articlePK(id), skReplacedBy, "attribute_not_exists(PK)", nil, onFail)
		return
	}
	t.check(articlePK(id), skReplacedBy, "rbRev = :rev", map[string]types.AttributeValue{":rev": nv(rev)}, onFail)
}

// addReplacement records in r's record, and on r's published items while
// it is published, that document id replaces it (ref) or no longer does
// (ref nil). The record is conditioned on its revision as read, and r's
// working copy on the published version read (its lists and slug), so
// that a concurrent change of either fails this save rather than be lost.
func addReplacement(t *tx, r replacedDoc, id string, ref types.AttributeValue) error {
	x := r.x
	fail := portal.Errorf(portal.ECONFLICT, "Document %s changed meanwhile; save again.", x.Document.Number)
	names := map[string]string{"#d": id}
	switch {
	case ref != nil && r.rec.Rev == 0:
		rec := replacedRecord{PK: articlePK(x.ID), SK: skReplacedBy, Rev: 1}
		if err := t.put(rec, "attribute_not_exists(PK)", nil, nil, fail); err != nil {
			return err
		}
		t.writes[len(t.writes)-1].Put.Item["replacedBy"] = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{id: ref}}
	case ref != nil:
		t.update(articlePK(x.ID), skReplacedBy, "SET replacedBy.#d = :ref, rbRev = rbRev + :one", "rbRev = :rev", names,
			map[string]types.AttributeValue{":ref": ref, ":one": nv(1), ":rev": nv(r.rec.Rev)}, fail)
	case r.rec.Rev > 0:
		t.update(articlePK(x.ID), skReplacedBy, "REMOVE replacedBy.#d SET rbRev = rbRev + :one", "rbRev = :rev", names,
			map[string]types.AttributeValue{":one": nv(1), ":rev": nv(r.rec.Rev)}, fail)
	}
	if x.PublishedSlug == "" || x.PublishedDocument == nil {
		t.check(articlePK(x.ID), skArticle, "attribute_exists(PK) AND attribute_not_exists(publishedVersion)", nil, fail)
		return nil
	}
	t.check(articlePK(x.ID), skArticle, "publishedVersion = :pv", map[string]types.AttributeValue{":pv": nv(x.PublishedVersion)}, fail)
	expr, values := "SET replacedBy.#d = :ref", map[string]types.AttributeValue{":ref": ref}
	if ref == nil {
		expr, values = "REMOVE replacedBy.#d", nil
	}
	// Every published item of x: its published copy and its list entries,
	// each on condition that it is still a published document's item.
	t.update(publicPK(x.PublishedSlug), skPublic, expr, "attribute_exists(replacedBy)", names, values, fail)
	for _, l := range x.PublishedDocument.Lists {
		t.update(articlePK(x.ID), l, expr, "attribute_exists(replacedBy)", names, values, fail)
	}
	return nil
}

// putDoc is put, and for a published document's item (doc) makes sure the
// replacedBy map is present, empty or not.
func (t *tx) putDoc(item any, doc bool, cond string, names map[string]string, values map[string]types.AttributeValue, onFail error) error {
	if err := t.put(item, cond, names, values, onFail); err != nil {
		return err
	}
	if doc {
		p := t.writes[len(t.writes)-1].Put
		if _, ok := p.Item["replacedBy"]; !ok {
			p.Item["replacedBy"] = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}}
		}
	}
	return nil
}

// Documents returns one page of the visible published documents of q,
// newest issued first, in one Query on GSI1: the list of q's first filter
// (number, type, issuer, field, else all), q.Year as begins_with on the
// sort key, any further filter and visibility as a filter expression.
//
// Errors: EINVALID for a bad limit or cursor; EUNAVAILABLE.
func (s *Store) Documents(ctx context.Context, q portal.DocumentQuery) ([]portal.Article, string, error) {
	const op = "dynamo.Documents"
	list := portal.DocumentListAll
	var filters []string
	vals := map[string]types.AttributeValue{":now": sv(formatTime(q.Now))}
	names := map[string]string{"#doc": "document"}
	for _, f := range []struct {
		v, list, expr, name string
	}{
		{q.Number, portal.DocumentListOfNumber(q.Number), "#doc.NumberKey = :number", ":number"},
		{q.Type, portal.DocumentListOfType(q.Type), "#doc.#type = :type", ":type"},
		{q.Issuer, portal.DocumentListOfIssuer(q.Issuer), "#doc.IssuerKey = :issuer", ":issuer"},
		{q.Field, portal.DocumentListOfField(q.Field), "contains(#doc.#fields, :field)", ":field"},
	} {
		switch {
		case f.v == "":
		case list == portal.DocumentListAll:
			list = f.list // the first filter picks the list
		default:
			filters = append(filters, f.expr) // the others filter it
			vals[f.name] = sv(f.v)
			switch f.name {
			case ":type":
				names["#type"] = "Type"
			case ":field":
				names["#fields"] = "Fields" // a reserved word
			}
		}
	}
	keyCond := "GSI1PK = :l"
	vals[":l"] = sv(list)
	if q.Year != "" {
		keyCond += " AND begins_with(GSI1SK, :y)"
		vals[":y"] = sv(q.Year + "-")
	}
	filter := "publishAt <= :now AND (attribute_not_exists(expiresAt) OR expiresAt > :now)"
	if len(filters) > 0 {
		filter += " AND " + strings.Join(filters, " AND ")
	} else {
		delete(names, "#doc")
	}
	in := &dynamodb.QueryInput{
		IndexName:                 aws.String(indexGSI1),
		KeyConditionExpression:    aws.String(keyCond),
		FilterExpression:          aws.String(filter),
		ExpressionAttributeValues: vals,
		ScanIndexForward:          aws.Bool(false),
	}
	if len(names) > 0 {
		in.ExpressionAttributeNames = names
	}
	scope := "documents|" + list + "|" + q.Year + "|" + q.Type + "|" + q.Issuer + "|" + q.Field + "|" + q.Number
	items, next, err := s.page(ctx, in, scope, q.Limit, q.Cursor, []string{"PK", "SK", "GSI1PK", "GSI1SK"})
	if err != nil {
		return nil, "", translate(op, err)
	}
	out := make([]portal.Article, 0, len(items))
	for _, raw := range items {
		var it articleItem
		if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
			return nil, "", translate(op, err)
		}
		a, err := it.article()
		if err != nil {
			return nil, "", translate(op, err)
		}
		out = append(out, *a)
	}
	return out, next, nil
}

// DocumentByID returns the published document id as readers get it at now,
// in one GetItem on its DOCLIST#ALL entry.
//
// Errors: ENOTFOUND when no visible published document has the id;
// EUNAVAILABLE.
func (s *Store) DocumentByID(ctx context.Context, id string, now time.Time) (*portal.Article, error) {
	const op = "dynamo.DocumentByID"
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key(articlePK(id), portal.DocumentListAll)})
	if err != nil {
		return nil, translate(op, err)
	}
	if out.Item == nil {
		return nil, notFound(op, "Document")
	}
	var it articleItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return nil, translate(op, err)
	}
	a, err := it.article()
	if err != nil {
		return nil, translate(op, err)
	}
	if !a.VisibleAt(now) {
		return nil, notFound(op, "Document")
	}
	return a, nil
}
