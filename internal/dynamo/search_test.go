package dynamo_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"eportal/infra/demo"
	"eportal/infra/tables"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
	"eportal/internal/search"
)

func (h *harness) mustIndexAll(t *testing.T) {
	t.Helper()
	if _, err := h.store.IndexAll(context.Background(), nil); err != nil {
		t.Fatalf("IndexAll: %v", err)
	}
}

func (h *harness) search(t *testing.T, q string, limit int, cur string, at time.Time) portal.SearchPage {
	t.Helper()
	page, err := h.store.Search(context.Background(), portal.SearchQuery{Text: q, Limit: limit, Cursor: cur, Now: at})
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	return page
}

func hitIDs(hits []portal.SearchHit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

// TestSearchSample: the seed article is the first result for what readers
// type, with or without diacritics, among articles that hold the same
// words scattered or later in their text.
func TestSearchSample(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, h.store, now); err != nil {
		t.Fatal(err)
	}
	content, err := demo.Parse()
	if err != nil {
		t.Fatal(err)
	}
	sample := content.ArticlesAt(now)[0]
	// Distractors: newer articles with the words scattered, and an older
	// one with the phrases in its body only.
	for i, a := range []*portal.Article{
		{Title: "Quảng cáo trực tuyến", Summary: "Nam giới và miệng nói", Body: "<p>Truyền hình tuyên bố</p>"},
		{Title: "Tuyên dương", Summary: "Truyền thống", Body: "<p>Miệng cười. Quảng trường phía nam.</p>"},
		{Title: "Tin cũ", Summary: "Một tin cũ hơn", Body: "<p>Công tác tuyên truyền miệng ở Quảng Nam</p>", PublishAt: at(-24 * 365 * 10 * time.Hour)},
	} {
		b := article(fmt.Sprintf("d%d", i), time.Duration(i+1)*time.Hour)
		b.Title, b.Summary, b.Body, b.Slug = a.Title, a.Summary, a.Body, fmt.Sprintf("distractor-%d", i)
		if a.PublishAt != nil {
			b.PublishAt = a.PublishAt
		}
		h.mustCreate(t, b)
	}
	h.mustIndexAll(t)
	for _, q := range []string{"tuyen truyen mieng", "TUYÊN TRUYỀN MIỆNG", "tuyên truyền", "quang nam", "Quảng Nam",
		norm.NFD.String("Quảng Nam"), "  Tuyên   truyền\tmiệng  ", "ＱＵẢＮＧ ＮＡＭ"} {
		page := h.search(t, q, 10, "", now)
		// The demo documents hold the words in their titles: they may
		// rank above it ("Quảng Nam" is in 04-BC/TU's title, in the
		// article's body); among articles the sample comes first.
		articles := slices.DeleteFunc(slices.Clone(page.Items), func(hit portal.SearchHit) bool { return hit.Kind == portal.KindDocument })
		if len(articles) == 0 || articles[0].ID != sample.ID {
			t.Errorf("%q: results %q; want %s first among articles", q, hitIDs(page.Items), sample.ID)
			continue
		}
		first := articles[0]
		if first.Slug != sample.Slug || first.Title != sample.Title || !first.PublishAt.Equal(*sample.PublishAt) {
			t.Errorf("%q: first result %+v; want the sample's slug, title and time", q, first)
		}
		if !strings.Contains(first.Snippet, "<mark>") {
			t.Errorf("%q: snippet %q marks nothing", q, first.Snippet)
		}
	}
	if page := h.search(t, "tuyen truyen mieng", 10, "", now); !slices.Contains(hitIDs(page.Items), "d2") {
		t.Errorf("the older article with the phrase in its body is missing: %q", hitIDs(page.Items))
	}
	if page := h.search(t, "khong co tu nay", 10, "", now); len(page.Items) != 0 || page.NextCursor != "" {
		t.Errorf("no match: %+v", page)
	}
}

// TestSearchRanking: the phrase above scattered words, title above summary
// above body, newer above older on a tie.
func TestSearchRanking(t *testing.T) {
	h := mustHarness(t)
	mk := func(id string, ageDays int, title, summary, body string) {
		a := article(id, time.Duration(ageDays)*24*time.Hour)
		a.Title, a.Summary, a.Body = title, summary, "<p>"+body+"</p>"
		h.mustCreate(t, a)
	}
	mk("scattered", 1, "Tuyên dương", "Truyền thống", "Miệng cười")
	mk("words-title", 2, "Miệng nói tuyên bố truyền thống", "Tóm tắt", "Nội dung")
	mk("body-new", 3, "Tin một", "Tóm tắt", "Công tác tuyên truyền miệng")
	mk("body-old", 30, "Tin hai", "Tóm tắt", "Đẩy mạnh tuyên truyền miệng")
	mk("summary", 40, "Tin ba", "Về tuyên truyền miệng", "Nội dung")
	mk("title", 400, "Hội nghị tuyên truyền miệng", "Tóm tắt", "Nội dung")
	mk("unrelated", 1, "Tin khác", "Tuyên truyền", "Không có chữ thứ ba")
	h.mustIndexAll(t)
	got := hitIDs(h.search(t, "tuyên truyền miệng", 10, "", now).Items)
	want := []string{"title", "summary", "body-new", "body-old", "words-title", "scattered"}
	if !slices.Equal(got, want) {
		t.Errorf("ranking = %q; want %q", got, want)
	}
}

// TestSearchVisibility: what a reader may not see is never a result: a
// draft, an article scheduled for later (until its time), an expired one.
func TestSearchVisibility(t *testing.T) {
	h := mustHarness(t)
	draft := article("draft", time.Hour)
	draft.Status, draft.Title = portal.StatusDraft, "Bản nháp tuyên truyền"
	later := article("later", -time.Hour) // publishAt an hour after now
	later.Status, later.Title = portal.StatusScheduled, "Hẹn giờ tuyên truyền"
	expired := article("expired", 48*time.Hour)
	expired.Title, expired.ExpiresAt = "Hết hạn tuyên truyền", at(-time.Hour)
	expiring := article("expiring", 48*time.Hour)
	expiring.Title, expiring.ExpiresAt = "Sắp hết hạn tuyên truyền", at(time.Hour)
	visible := article("visible", time.Hour)
	visible.Title = "Công khai tuyên truyền"
	h.mustCreate(t, draft, later, expired, expiring, visible)
	h.mustIndexAll(t)
	if got := hitIDs(h.search(t, "tuyen truyen", 10, "", now).Items); !slices.Equal(got, []string{"visible", "expiring"}) {
		t.Errorf("now: %q; want visible, expiring", got)
	}
	if got := hitIDs(h.search(t, "tuyen truyen", 10, "", now.Add(2*time.Hour)).Items); !slices.Equal(got, []string{"later", "visible"}) {
		t.Errorf("two hours later: %q; want later, visible (expiring has expired)", got)
	}
}

func TestSearchRefusesBadInput(t *testing.T) {
	h := mustHarness(t)
	h.mustCreate(t, article("a", time.Hour), article("b", 2*time.Hour))
	h.mustIndexAll(t)
	other := h.search(t, "bai", 1, "", now) // a real cursor, of another query
	for name, q := range map[string]portal.SearchQuery{
		"empty":          {Text: "", Limit: 10},
		"blank":          {Text: " \t ", Limit: 10},
		"too long":       {Text: strings.Repeat("a", search.MaxQueryRunes+1), Limit: 10},
		"no word":        {Text: "?!", Limit: 10},
		"limit 0":        {Text: "bai", Limit: 0},
		"limit too high": {Text: "bai", Limit: portal.MaxLimit + 1},
		"forged cursor":  {Text: "bai", Limit: 10, Cursor: "k1.AAAA"},
		"other query":    {Text: "noi dung", Limit: 10, Cursor: other.NextCursor},
	} {
		q.Now = now
		if _, err := h.store.Search(context.Background(), q); portal.ErrorCode(err) != portal.EINVALID {
			t.Errorf("%s: err %v; want EINVALID", name, err)
		}
	}
	if other.NextCursor == "" {
		t.Fatal("the query with limit 1 has no next cursor")
	}
}

// TestSearchPaging: walking NextCursor returns every match once, in the
// order one large page gives.
func TestSearchPaging(t *testing.T) {
	h := mustHarness(t)
	for i := range 23 {
		a := article(fmt.Sprintf("p%02d", i), time.Duration(i+1)*time.Hour)
		a.Title = "Tin số " + fmt.Sprint(i)
		if i%3 == 0 {
			a.Title = "Hội nghị tuyên truyền " + fmt.Sprint(i) // phrase in the title: ranked first
		} else {
			a.Body = "<p>Truyền hình và tuyên giáo</p>"
		}
		h.mustCreate(t, a)
	}
	h.mustIndexAll(t)
	all := hitIDs(h.search(t, "tuyen truyen", 100, "", now).Items)
	if len(all) != 23 {
		t.Fatalf("one page: %d results; want 23", len(all))
	}
	var walked []string
	cur := ""
	for range 10 {
		page := h.search(t, "tuyen truyen", 5, cur, now)
		walked = append(walked, hitIDs(page.Items)...)
		if cur = page.NextCursor; cur == "" {
			break
		}
	}
	if !slices.Equal(walked, all) {
		t.Errorf("walked %q; want %q", walked, all)
	}
}

// TestSearchIndexIdempotent: indexing an unchanged article again writes
// nothing; a changed one replaces its entries, leaving none of the old.
func TestSearchIndexIdempotent(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	a := article("a", time.Hour)
	a.Title = "Tuyên truyền miệng"
	h.mustCreate(t, a)
	h.mustIndexAll(t)
	before := dynamotest.Keys(t, h.db, h.table, func(pk string) bool { return strings.HasPrefix(pk, "SEARCH#") })
	h.calls.Reset()
	if err := h.store.IndexSlug(ctx, a.Slug, a.ID); err != nil {
		t.Fatal(err)
	}
	if c := h.calls.Counts(); c["GetItem"] != 2 || h.calls.Total() != 2 {
		t.Errorf("re-indexing an unchanged article: calls %v; want 2 GetItem and nothing else", c)
	}
	if after := dynamotest.Keys(t, h.db, h.table, func(pk string) bool { return strings.HasPrefix(pk, "SEARCH#") }); !slices.Equal(after, before) {
		t.Errorf("index changed: %d keys, then %d", len(before), len(after))
	}
	// Index a different version directly: the old generation's entries go.
	d := search.NewDocument(search.Article{ID: a.ID, Slug: a.Slug, Title: "Quảng Nam", Status: "published",
		PublishAt: a.PublishAt.UTC().Format("2006-01-02T15:04:05Z")})
	if err := h.store.IndexDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	keys := dynamotest.Keys(t, h.db, h.table, func(pk string) bool { return strings.HasPrefix(pk, "SEARCH#") })
	want := []string{"SEARCH#DOC#a/DOC", "SEARCH#DOC#a/TERMS", "SEARCH#nam/", "SEARCH#quang nam/", "SEARCH#quang/"}
	var got []string
	for _, k := range keys {
		pk, sk, _ := strings.Cut(k, "|")
		if !strings.HasPrefix(pk, "SEARCH#DOC#") {
			sk = "" // entries' sort keys carry the generation
		}
		got = append(got, pk+"/"+sk)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("index after the change: %q; want %q", got, want)
	}
	if page := h.search(t, "tuyen truyen", 10, "", now); len(page.Items) != 0 {
		t.Errorf("old words still found: %q", hitIDs(page.Items))
	}
}

// words are the corpus's vocabulary, most frequent first: Vietnamese words
// are mostly two syllables, so syllables co-occur as they do in real text.
var words = strings.Split(`của|và|các|công tác|tỉnh|quảng nam|tỉnh ủy|nhân dân|hội nghị|thực hiện|tuyên truyền|`+
	`phát triển|kinh tế|xã hội|năm|huyện|thành phố|người|cán bộ|chỉ đạo|học tập|làm theo|tư tưởng|đạo đức|`+
	`phong cách|chính trị|văn hóa|giáo dục|y tế|nông thôn|du lịch|biển đảo|quốc phòng|an ninh|trật tự|`+
	`giao thông|môi trường|tài nguyên|đất đai|xây dựng|chương trình|kế hoạch|báo cáo|tổng kết|đánh giá|`+
	`nhiệm vụ|giải pháp|trọng tâm|đột phá|khen thưởng|thi đua|yêu nước|đoàn viên|thanh niên|phụ nữ|`+
	`cựu chiến binh|nông dân|công đoàn|mặt trận|tổ quốc|dân tộc|tôn giáo|miền núi|đồng bằng|hội an|tam kỳ|`+
	`điện bàn|duy xuyên`, "|")

const corpusSize = 10000

// mustCorpus indexes a generated corpus of corpusSize articles: titles and
// summaries of words drawn from a Zipf distribution, so that a few are in
// most articles (as "của", "công tác" are) and most are rare (short texts,
// so that DynamoDB Local writes the ~150,000 entries in about a minute); every 200th holds the phrase "tuyên truyền miệng" in its title.
// Article i was published i+1 hours before now.
func mustCorpus(t *testing.T, h *harness) []search.Document {
	t.Helper()
	rnd := rand.New(rand.NewPCG(11, 10))
	zipf := rand.NewZipf(rnd, 1.1, 2, uint64(len(words)-1))
	phrase := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = words[zipf.Uint64()]
		}
		return strings.Join(w, " ")
	}
	docs := make([]search.Document, corpusSize)
	for i := range docs {
		title := phrase(4)
		if i%200 == 7 {
			title += " tuyên truyền miệng"
		}
		docs[i] = search.NewDocument(search.Article{
			ID: fmt.Sprintf("c%05d", i), Slug: fmt.Sprintf("bai-%05d", i), Title: title, Summary: phrase(2),
			Status:    "published",
			PublishAt: now.Add(-time.Duration(i+1) * time.Hour).UTC().Format("2006-01-02T15:04:05Z"),
		})
	}
	start := time.Now()
	const chunk = 100
	errs := make(chan error, corpusSize/chunk)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := 0; i < len(docs); i += chunk {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := h.store.IndexBulk(context.Background(), docs[i:min(i+chunk, len(docs))]); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("build corpus: %v", err)
	}
	t.Logf("corpus: %d articles indexed in %v", corpusSize, time.Since(start).Round(time.Second))
	return docs
}

// TestSearchBudgetOnCorpus: on 10,000 articles, every query makes at most
// len(words)+len(pairs) Queries and two BatchGetItems, consumes at most the
// documented read units, returns only true matches, and — when the rarest
// word's entries fit in one read — exactly the best matches.
func TestSearchBudgetOnCorpus(t *testing.T) {
	calls, meter := &dynamotest.CallCounter{}, &dynamotest.CapacityMeter{}
	ts := tables.MustStore(t, calls.Option(), meter.Option())
	h := &harness{store: ts.Store, db: ts.DB, table: ts.Table, calls: calls, cursors: ts.Cursors}
	docs := mustCorpus(t, h)
	store := h.store
	for _, tc := range []struct {
		q        string
		wantSome bool
	}{
		{"tuyên truyền miệng", true},    // a rare phrase of common words
		{"miệng", true},                 // one rare word
		{"của và các", true},            // only the most common syllables
		{"công tác tuyên truyền", true}, // common pairs
		{"du lịch biển đảo", true},      // mid-frequency words
		{"tỉnh ủy quảng nam hội nghị thực hiện tư tưởng", false}, // a pasted title: its first 8 words are used
		{"đảng ủy", false}, // not in the corpus
	} {
		q := tc.q
		t.Run(q, func(t *testing.T) {
			pq, _ := search.Parse(q)
			h.calls.Reset()
			meter.Reset()
			page, err := store.Search(context.Background(), portal.SearchQuery{Text: q, Limit: 20, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			c := h.calls.Counts()
			if c["Query"] != len(pq.Words)+len(pq.Pairs) || c["BatchGetItem"] > 5 || h.calls.Total() != c["Query"]+c["BatchGetItem"] {
				t.Errorf("calls %v; want %d Query and at most 5 BatchGetItem", c, len(pq.Words)+len(pq.Pairs))
			}
			units := meter.Units()
			read := units["Query"] + units["BatchGetItem"]
			if read > searchReadBudget {
				t.Errorf("read units %.1f (%v); budget %d", read, units, searchReadBudget)
			}
			t.Logf("%d results, calls %v, read units %.1f (Query %.1f, BatchGetItem %.1f), next page: %v",
				len(page.Items), c, read, units["Query"], units["BatchGetItem"], page.NextCursor != "")
			if tc.wantSome && len(page.Items) == 0 {
				t.Errorf("no result on the first page")
			}
			byID := map[string]search.Document{}
			for _, d := range docs {
				byID[d.ID] = d
			}
			for _, hit := range page.Items {
				if !matches(byID[hit.ID], pq) {
					t.Errorf("%s does not hold every word of %q", hit.ID, q)
				}
			}
		})
	}
	// The rare phrase: its rarest word's 50 entries are read to the end, so
	// the page is exactly the 20 best of the 50 (all phrase-in-title,
	// newest first).
	page, err := store.Search(context.Background(), portal.SearchQuery{Text: "tuyen truyen mieng", Limit: 20, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := 7; len(want) < 20; i += 200 {
		want = append(want, fmt.Sprintf("c%05d", i))
	}
	if got := hitIDs(page.Items); !slices.Equal(got, want) {
		t.Errorf("rare phrase: %q; want %q", got, want)
	}
}

// searchReadBudget is the most read units one page of 20 may consume, as
// docs/search.md states: 15 Queries of up to 200 small entries (≈ 2 units
// each), 4 lookup calls of up to 100 entries (0.5 unit each), 20 DOC items
// (0.5–1 unit each).
const searchReadBudget = 250

func matches(d search.Document, q search.Query) bool {
	terms := d.Terms()
	for _, w := range q.Words {
		if terms[w] == 0 {
			return false
		}
	}
	return true
}

// TestSearchIndexCostSample measures what indexing the sample article
// writes (the figures of docs/search.md): entries, calls and write units,
// first and when an edit is republished; and asserts them within the
// documented bounds.
func TestSearchIndexCostSample(t *testing.T) {
	calls, meter := &dynamotest.CallCounter{}, &dynamotest.CapacityMeter{}
	ts := tables.MustStore(t, calls.Option(), meter.Option())
	ctx := context.Background()
	if _, err := demo.Load(ctx, ts.Store, now); err != nil {
		t.Fatal(err)
	}
	content, _ := demo.Parse()
	sample := content.ArticlesAt(now)[0]
	isIndex := func(pk string) bool { return strings.HasPrefix(pk, "SEARCH#") }

	calls.Reset()
	meter.Reset()
	if err := ts.Store.IndexSlug(ctx, sample.Slug, sample.ID); err != nil {
		t.Fatal(err)
	}
	entries := len(dynamotest.Keys(t, ts.DB, ts.Table, isIndex)) - 2 // DOC and TERMS
	first := meter.Units()
	t.Logf("sample: %d words of body, %d index entries; calls %v; units %v", len(search.Tokens(search.BodyText(sample.Body))), entries, calls.Counts(), first)
	if entries < 500 || entries > 2000 {
		t.Errorf("%d entries for the sample; docs/search.md says about 1,100", entries)
	}
	// An entry is one unit; DOC and TERMS (≈ 20 KB together) cost about 60
	// more, written in a transaction (twice the units of a plain write).
	if w := first["BatchWriteItem"] + first["TransactWriteItems"]; w > float64(entries)+100 {
		t.Errorf("write units %.0f for %d entries; want at most entries + 100", w, entries)
	}

	// Republishing an edit: the new generation's entries, then the old
	// one's deleted: about twice the first cost.
	d := search.NewDocument(search.Article{ID: sample.ID, Slug: sample.Slug, Title: sample.Title, Summary: sample.Summary,
		BodyHTML: sample.Body + "<p>Cập nhật.</p>", Tags: sample.Tags, Author: sample.Author, Source: sample.Source,
		Status: "published", PublishAt: sample.PublishAt.UTC().Format("2006-01-02T15:04:05Z")})
	calls.Reset()
	meter.Reset()
	if err := ts.Store.IndexDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	again := meter.Units()
	t.Logf("republished edit: calls %v; units %v", calls.Counts(), again)
	if after := len(dynamotest.Keys(t, ts.DB, ts.Table, isIndex)) - 2; after != entries+1 && after != entries+2 && after != entries {
		t.Errorf("after the edit %d entries; want about %d (the old generation's are gone)", after, entries)
	}
}

// TestSearchIndexConcurrent: two versions of one article indexed at the
// same moment, again and again (two stream shards naming its old and new
// slug): whichever wins, the index ends with one generation — DOC, TERMS
// and every entry agree — and nothing of the other left behind.
func TestSearchIndexConcurrent(t *testing.T) {
	h := mustHarness(t)
	ctx := context.Background()
	mk := func(slug, title string) search.Document {
		return search.NewDocument(search.Article{ID: "race", Slug: slug, Title: title, Status: "published",
			PublishAt: now.Add(-time.Hour).UTC().Format("2006-01-02T15:04:05Z")})
	}
	versions := []search.Document{mk("bai-cu", "Tuyên truyền miệng"), mk("bai-moi", "Quảng Nam đổi mới")}
	for round := range 8 {
		var wg sync.WaitGroup
		for _, d := range versions {
			wg.Go(func() {
				if err := h.store.IndexDocument(ctx, d); err != nil && portal.ErrorCode(err) != portal.EUNAVAILABLE {
					t.Errorf("round %d: %v", round, err)
				}
			})
		}
		wg.Wait()
	}
	// One more indexing settles whatever a lost race left to delete.
	if err := h.store.IndexDocument(ctx, versions[1]); err != nil {
		t.Fatal(err)
	}
	gen := versions[1].Gen()
	var entries []string
	for _, k := range dynamotest.Keys(t, h.db, h.table, func(pk string) bool { return strings.HasPrefix(pk, "SEARCH#") }) {
		pk, sk, _ := strings.Cut(k, "|")
		if strings.HasPrefix(pk, "SEARCH#DOC#") {
			continue
		}
		if !strings.HasSuffix(sk, "#"+gen) {
			t.Errorf("entry %s of another generation left behind", k)
		}
		entries = append(entries, pk)
	}
	if want := len(versions[1].Terms()); len(entries) != want {
		t.Errorf("%d entries; want the %d terms of the last version", len(entries), want)
	}
	page := h.search(t, "quang nam", 10, "", now)
	if got := hitIDs(page.Items); !slices.Equal(got, []string{"race"}) || page.Items[0].Slug != "bai-moi" {
		t.Errorf("search after the race: %+v", page.Items)
	}
	if page := h.search(t, "tuyen truyen", 10, "", now); len(page.Items) != 0 {
		t.Errorf("the losing version is still found: %q", hitIDs(page.Items))
	}
}
