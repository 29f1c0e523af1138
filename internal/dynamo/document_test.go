package dynamo_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"eportal/internal/portal"
)

// document returns a published document: number, type, issuer and date of
// issue as given, published an hour before now.
func document(id, number, typ, issuer, issued string, fields ...string) *portal.Article {
	key, err := portal.NumberKey(number)
	if err != nil {
		panic(err)
	}
	d := &portal.DocumentMeta{Number: number, NumberKey: key, Type: typ, Issuer: issuer, IssuerKey: issuerKey(issuer),
		IssuedOn: portal.Date(issued), Fields: fields}
	return &portal.Article{
		ID: id, Slug: "van-ban-" + id, Title: "Trích yếu " + id, Kind: portal.KindDocument, Document: d,
		Status: portal.StatusPublished, PublishAt: at(-time.Hour),
		CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour), Version: 1,
	}
}

func issuerKey(issuer string) string {
	return map[string]string{"Tỉnh ủy Quảng Nam": "tinh-uy-quang-nam", "UBND tỉnh Quảng Nam": "ubnd-tinh-quang-nam"}[issuer]
}

// docs lists every page of q and returns the ids in order, checking that
// each page is one call.
func (h *harness) docs(t *testing.T, q portal.DocumentQuery) []string {
	t.Helper()
	var ids []string
	q.Now = now
	if q.Limit == 0 {
		q.Limit = 20
	}
	for range 20 {
		h.calls.Reset()
		items, next, err := h.store.Documents(context.Background(), q)
		if err != nil {
			t.Fatalf("Documents(%+v): %v", q, err)
		}
		if n := h.calls.Counts()["Query"]; n != 1 || h.calls.Total() != 1 {
			t.Errorf("Documents(%+v) made %v; want one Query", q, h.calls.Counts())
		}
		for _, a := range items {
			if !a.IsDocument() || a.Document == nil {
				t.Errorf("Documents(%+v) returned %s without its document part", q, a.ID)
			}
			ids = append(ids, a.ID)
		}
		if next == "" {
			return ids
		}
		q.Cursor = next
	}
	t.Fatalf("Documents(%+v) did not end in 20 pages", q)
	return nil
}

// TestDocumentLists: every reader access pattern of GET /documents is one
// Query on GSI1 — all, by number, type, issuer, field, each with a year,
// two filters at once — newest issued first, published and visible only;
// one document by id is one GetItem.
func TestDocumentLists(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	h.mustCreate(t,
		document("d1", "04-BC/TU", "bao-cao", "Tỉnh ủy Quảng Nam", "2020-10-30", "xay-dung-dang"),
		document("d2", "12-NQ/TU", "nghi-quyet", "Tỉnh ủy Quảng Nam", "2021-03-02", "kinh-te", "xay-dung-dang"),
		document("d3", "123/QĐ-UBND", "quyet-dinh", "UBND tỉnh Quảng Nam", "2021-06-15", "kinh-te"),
		document("d4", "123/QĐ-UBND", "quyet-dinh", "UBND tỉnh Quảng Nam", "2020-01-05"), // the same number, another year
		document("d5", "05-BC/TU", "bao-cao", "Tỉnh ủy Quảng Nam", "2021-12-01"),
		article("n1", time.Hour), // a news article: in no document list
	)
	draft := document("d6", "06-BC/TU", "bao-cao", "Tỉnh ủy Quảng Nam", "2022-01-01")
	draft.Status, draft.PublishAt = portal.StatusDraft, nil
	later := document("d7", "07-BC/TU", "bao-cao", "Tỉnh ủy Quảng Nam", "2022-02-01")
	later.Status, later.PublishAt = portal.StatusScheduled, at(time.Hour)
	expired := document("d8", "08-BC/TU", "bao-cao", "Tỉnh ủy Quảng Nam", "2022-03-01")
	expired.ExpiresAt = at(-time.Minute)
	h.mustCreate(t, draft, later, expired)

	for _, tt := range []struct {
		q    portal.DocumentQuery
		want []string
	}{
		{portal.DocumentQuery{}, []string{"d5", "d3", "d2", "d1", "d4"}},
		{portal.DocumentQuery{Number: "4-BC/TU"}, []string{"d1"}},
		{portal.DocumentQuery{Number: "123/QĐ-UBND"}, []string{"d3", "d4"}},
		{portal.DocumentQuery{Number: "123/QĐ-UBND", Year: "2020"}, []string{"d4"}},
		{portal.DocumentQuery{Number: "123/QD-UBND"}, nil}, // Đ is not D
		{portal.DocumentQuery{Type: "bao-cao"}, []string{"d5", "d1"}},
		{portal.DocumentQuery{Type: "bao-cao", Year: "2021"}, []string{"d5"}},
		{portal.DocumentQuery{Issuer: "ubnd-tinh-quang-nam"}, []string{"d3", "d4"}},
		{portal.DocumentQuery{Field: "xay-dung-dang"}, []string{"d2", "d1"}},
		{portal.DocumentQuery{Field: "kinh-te", Year: "2021"}, []string{"d3", "d2"}},
		{portal.DocumentQuery{Year: "2020"}, []string{"d1", "d4"}},
		{portal.DocumentQuery{Type: "quyet-dinh", Field: "kinh-te"}, []string{"d3"}},
		{portal.DocumentQuery{Type: "bao-cao", Issuer: "ubnd-tinh-quang-nam"}, nil},
		{portal.DocumentQuery{Type: "cong-van"}, nil},
	} {
		if got := h.docs(t, tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("Documents(%+v) = %v; want %v", tt.q, got, tt.want)
		}
	}
	// Paged by two, every document once, in order.
	if got := h.docs(t, portal.DocumentQuery{Limit: 2}); !slices.Equal(got, []string{"d5", "d3", "d2", "d1", "d4"}) {
		t.Errorf("paged by 2 = %v", got)
	}
	// A cursor is bound to its filters.
	_, next, err := h.store.Documents(ctx, portal.DocumentQuery{Limit: 1, Now: now})
	if err != nil || next == "" {
		t.Fatalf("first page: %q %v", next, err)
	}
	if _, _, err := h.store.Documents(ctx, portal.DocumentQuery{Type: "bao-cao", Limit: 1, Cursor: next, Now: now}); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("a cursor of all documents on the Báo cáo list: %v; want EINVALID", err)
	}

	// One by id: one GetItem, the whole published document.
	h.calls.Reset()
	d, err := h.store.DocumentByID(ctx, "d2", now)
	if err != nil || d.Document.Number != "12-NQ/TU" || !slices.Equal(d.Document.Fields, []string{"kinh-te", "xay-dung-dang"}) {
		t.Fatalf("DocumentByID(d2) = %+v, %v", d, err)
	}
	if c := h.calls.Counts(); c["GetItem"] != 1 || h.calls.Total() != 1 {
		t.Errorf("DocumentByID made %v; want one GetItem", c)
	}
	for _, id := range []string{"d6", "d7", "d8", "n1", "nope"} {
		if _, err := h.store.DocumentByID(ctx, id, now); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("DocumentByID(%s): %v; want ENOTFOUND (draft, scheduled, expired, an article, unknown)", id, err)
		}
	}
	// Documents are in no news list.
	if got := h.walk(t, "", 50); !slices.Equal(got, []string{"n1"}) {
		t.Errorf("the news list = %v; want the article only", got)
	}
}

// publish runs a's publish transition and saves it, returning the result.
func (h *harness) publish(t *testing.T, a *portal.Article) *portal.Article {
	t.Helper()
	b, err := a.Publish(nil, nil, "publisher", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.SaveArticle(context.Background(), portal.ArticleChange{Before: a, After: b, Action: "publish", Actor: "publisher", Now: now}); err != nil {
		t.Fatalf("publish %s: %v", a.ID, err)
	}
	return b
}

func (h *harness) mustDraft(t *testing.T, a *portal.Article) *portal.Article {
	t.Helper()
	a.Status, a.PublishAt = portal.StatusDraft, nil
	if err := h.store.SaveArticle(context.Background(), portal.ArticleChange{After: a, Action: "create", Actor: "editor", Now: now}); err != nil {
		t.Fatalf("create %s: %v", a.ID, err)
	}
	return a
}

// TestDocumentNumberClaim: a number is one document's within its year of
// issue — whatever the spelling, whoever saves first, concurrently too —
// and a changed number or a deleted document frees it.
func TestDocumentNumberClaim(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	a := h.mustDraft(t, document("a", "04-BC/TU", "bao-cao", "Tỉnh ủy Quảng Nam", "2020-10-30"))
	dup := document("b", "4 – bc / tu", "bao-cao", "Tỉnh ủy Quảng Nam", "2020-01-02")
	dup.Status, dup.PublishAt = portal.StatusDraft, nil
	if err := h.store.SaveArticle(ctx, portal.ArticleChange{After: dup, Action: "create", Actor: "editor", Now: now}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Fatalf("a second 04-BC/TU in 2020: %v; want ECONFLICT", err)
	}
	if _, err := h.store.ArticleByID(ctx, "b"); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("the refused document was written: %v", err)
	}
	h.mustDraft(t, document("c", "04-BC/TU", "bao-cao", "Tỉnh ủy Quảng Nam", "2021-01-02")) // another year

	// a takes another number: 04-BC/TU of 2020 is free again.
	e := a.EditOf()
	e.Document.Number, e.Document.NumberKey = "09-BC/TU", "9-BC/TU"
	a2, err := a.Apply(e, "editor", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.SaveArticle(ctx, portal.ArticleChange{Before: a, After: a2, Action: "update", Actor: "editor", Now: now}); err != nil {
		t.Fatal(err)
	}
	h.mustDraft(t, document("b", "4 – bc / tu", "bao-cao", "Tỉnh ủy Quảng Nam", "2020-01-02"))

	// Published, then its working copy renumbered: the published number
	// stays claimed until it is republished.
	a3 := h.publish(t, a2)
	e = a3.EditOf()
	e.Document.Number, e.Document.NumberKey = "10-BC/TU", "10-BC/TU"
	a4, _ := a3.Apply(e, "editor", now)
	if err := h.store.SaveArticle(ctx, portal.ArticleChange{Before: a3, After: a4, Action: "update", Actor: "editor", Now: now}); err != nil {
		t.Fatal(err)
	}
	taken := document("x", "09-BC/TU", "bao-cao", "Tỉnh ủy Quảng Nam", "2020-05-05")
	taken.Status, taken.PublishAt = portal.StatusDraft, nil
	if err := h.store.SaveArticle(ctx, portal.ArticleChange{After: taken, Action: "create", Actor: "editor", Now: now}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("the published number, while the draft renumbers it: %v; want ECONFLICT", err)
	}
	if got := h.docs(t, portal.DocumentQuery{Number: "9-BC/TU"}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("readers' number before republishing = %v; want a", got)
	}
	a5 := h.publish(t, a4)
	if got := h.docs(t, portal.DocumentQuery{Number: "9-BC/TU"}); got != nil {
		t.Errorf("the old number after republishing = %v; want none", got)
	}
	if got := h.docs(t, portal.DocumentQuery{Number: "10-BC/TU"}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("the new number after republishing = %v; want a", got)
	}
	h.mustDraft(t, taken) // 09-BC/TU of 2020 is free now

	// Deleted: its number is free.
	if err := h.store.DeleteArticle(ctx, a5, "admin", now); err != nil {
		t.Fatal(err)
	}
	h.mustDraft(t, document("y", "10-BC/TU", "bao-cao", "Tỉnh ủy Quảng Nam", "2020-07-07"))

	// Two editors save the same new number at once: one wins.
	for round := range 5 {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := document(string(rune('p'+i))+string(rune('0'+round)), "77-CV/TU", "cong-van", "Tỉnh ủy Quảng Nam", "20"+string(rune('3'+round))+"0-01-01")
				d.Status, d.PublishAt = portal.StatusDraft, nil
				errs[i] = h.store.SaveArticle(ctx, portal.ArticleChange{After: d, Action: "create", Actor: "editor", Now: now})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case portal.ErrorCode(err) != portal.ECONFLICT && portal.ErrorCode(err) != portal.EUNAVAILABLE:
				t.Errorf("round %d: %v", round, err)
			}
		}
		if ok != 1 {
			t.Errorf("round %d: %d saves of one number succeeded (%v); want exactly 1", round, ok, errs)
		}
	}
}

// TestDocumentReplacedBy: publishing a document that replaces another
// marks the other's published copy and every list entry, in the same
// transaction; the mark survives the other's republishing; withdrawing or
// deleting the replacing document removes it.
func TestDocumentReplacedBy(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	old := document("old", "01-QĐ/UBND", "quyet-dinh", "UBND tỉnh Quảng Nam", "2019-01-01", "kinh-te")
	h.mustCreate(t, old)
	old, _ = h.store.ArticleByID(ctx, "old")
	replaced := func() []string {
		t.Helper()
		var by [][]string
		d, err := h.store.DocumentByID(ctx, "old", now)
		if err != nil {
			t.Fatal(err)
		}
		ids := func(refs []portal.DocumentRef) []string {
			var out []string
			for _, r := range refs {
				out = append(out, r.ID)
			}
			return out
		}
		by = append(by, ids(d.Document.ReplacedBy))
		sl, err := h.store.ArticleBySlug(ctx, old.PublishedSlug, now)
		if err != nil || sl.Article == nil {
			t.Fatalf("ArticleBySlug: %+v %v", sl, err)
		}
		by = append(by, ids(sl.Article.Document.ReplacedBy))
		for _, q := range []portal.DocumentQuery{{Type: "quyet-dinh"}, {Issuer: "ubnd-tinh-quang-nam"}, {Field: "kinh-te"}, {Number: "1-QĐ/UBND"}} {
			q.Limit, q.Now = 10, now
			items, _, err := h.store.Documents(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range items {
				if a.ID == "old" {
					by = append(by, ids(a.Document.ReplacedBy))
				}
			}
		}
		if len(by) != 6 {
			t.Fatalf("old found in %d places; want 6", len(by))
		}
		for _, b := range by[1:] {
			if !slices.Equal(b, by[0]) {
				t.Fatalf("old's replacedBy differs between its items: %v", by)
			}
		}
		return by[0]
	}

	nw := document("new", "02-QĐ/UBND", "quyet-dinh", "UBND tỉnh Quảng Nam", "2020-01-01")
	nw.Document.Replaces = []portal.DocumentRef{{ID: "old", Number: "01-QĐ/UBND"}}
	nw = h.mustDraft(t, nw)
	if got := replaced(); got != nil {
		t.Errorf("replaced by a draft: %v", got)
	}
	nw = h.publish(t, nw)
	if got := replaced(); !slices.Equal(got, []string{"new"}) {
		t.Errorf("after publishing new: replacedBy = %v; want [new]", got)
	}
	d, _ := h.store.DocumentByID(ctx, "old", now)
	if st := d.Document.State(portal.Today(now)); st != portal.DocumentReplaced {
		t.Errorf("old's state = %s; want replaced", st)
	}

	// old is corrected and republished: still replaced.
	e := old.EditOf()
	e.Title = "Trích yếu đã sửa"
	old2, _ := old.Apply(e, "editor", now)
	if err := h.store.SaveArticle(ctx, portal.ArticleChange{Before: old, After: old2, Action: "update", Actor: "editor", Now: now}); err != nil {
		t.Fatal(err)
	}
	old = h.publish(t, old2)
	if got := replaced(); !slices.Equal(got, []string{"new"}) {
		t.Errorf("after republishing old: replacedBy = %v; want [new]", got)
	}

	// old is withdrawn, then published again: still replaced (its record
	// outlives its published items).
	oldUn, err := old.Unpublish("publisher", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.SaveArticle(ctx, portal.ArticleChange{Before: old, After: oldUn, Action: "unpublish", Actor: "publisher", Now: now}); err != nil {
		t.Fatal(err)
	}
	old = h.publish(t, oldUn)
	if got := replaced(); !slices.Equal(got, []string{"new"}) {
		t.Errorf("after unpublishing and republishing old: replacedBy = %v; want [new]", got)
	}

	// new is withdrawn: old is no longer replaced; published again, it is.
	un, err := nw.Unpublish("publisher", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.SaveArticle(ctx, portal.ArticleChange{Before: nw, After: un, Action: "unpublish", Actor: "publisher", Now: now}); err != nil {
		t.Fatal(err)
	}
	if got := replaced(); got != nil {
		t.Errorf("after unpublishing new: replacedBy = %v; want none", got)
	}
	nw = h.publish(t, un)
	if got := replaced(); !slices.Equal(got, []string{"new"}) {
		t.Errorf("after republishing new: replacedBy = %v; want [new]", got)
	}
	// new is deleted: old is no longer replaced.
	if err := h.store.DeleteArticle(ctx, nw, "admin", now); err != nil {
		t.Fatal(err)
	}
	if got := replaced(); got != nil {
		t.Errorf("after deleting new: replacedBy = %v; want none", got)
	}
}

// TestDocumentReplacesDraft: a document that replaces a draft marks it
// when the draft is published later.
func TestDocumentReplacesDraft(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	x := h.mustDraft(t, document("x", "01-KH/UBND", "ke-hoach", "UBND tỉnh Quảng Nam", "2019-01-01"))
	d := document("d", "02-KH/UBND", "ke-hoach", "UBND tỉnh Quảng Nam", "2020-01-01")
	d.Document.Replaces = []portal.DocumentRef{{ID: "x"}}
	h.publish(t, h.mustDraft(t, d))
	h.publish(t, x)
	got, err := h.store.DocumentByID(ctx, "x", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Document.ReplacedBy) != 1 || got.Document.ReplacedBy[0].ID != "d" || got.Document.ReplacedBy[0].Number != "02-KH/UBND" {
		t.Errorf("x published after d: replacedBy = %+v; want d", got.Document.ReplacedBy)
	}
}

// TestDocumentReplacedByConcurrent: a document published while a document
// replacing it is published: whichever commits first, the other either
// sees it or fails (409) — never both succeed with the replacement lost.
func TestDocumentReplacedByConcurrent(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	outcomes := map[string]int{}
	for round := range 8 {
		xid, did := fmt.Sprintf("x%d", round), fmt.Sprintf("d%d", round)
		x := h.mustDraft(t, document(xid, fmt.Sprintf("%d-KH/UBND", 100+round), "ke-hoach", "UBND tỉnh Quảng Nam", "2019-01-01"))
		d := document(did, fmt.Sprintf("%d-KH/UBND", 200+round), "ke-hoach", "UBND tỉnh Quảng Nam", "2020-01-01")
		d.Document.Replaces = []portal.DocumentRef{{ID: xid}}
		d = h.mustDraft(t, d)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, a := range []*portal.Article{x, d} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, err := a.Publish(nil, nil, "publisher", now)
				if err == nil {
					err = h.store.SaveArticle(ctx, portal.ArticleChange{Before: a, After: b, Action: "publish", Actor: "publisher", Now: now})
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil && portal.ErrorCode(err) != portal.ECONFLICT && portal.ErrorCode(err) != portal.EUNAVAILABLE {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		outcomes[fmt.Sprint(errs[0] == nil, errs[1] == nil)]++
		if errs[0] != nil || errs[1] != nil {
			continue
		}
		got, err := h.store.DocumentByID(ctx, xid, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Document.ReplacedBy) != 1 || got.Document.ReplacedBy[0].ID != did {
			t.Errorf("round %d: both published, x's replacedBy = %+v; want %s", round, got.Document.ReplacedBy, did)
		}
	}
	t.Logf("outcomes (x published, d published): %v", outcomes)
}
