package readapi_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
	"eportal/internal/readapi"
)

// Slugs of the articles mustSearchHandler adds.
const (
	escapeSlug    = "ghi-chep-co-so"
	draftSlug     = "tuyen-truyen-mieng-ban-nhap"
	scheduledSlug = "tuyen-truyen-mieng-hen-gio"
	pagingWords   = "hội nghị tổng kết"
	pagingCount   = 7
)

// mustSearchHandler is mustHandler with, besides, a visible article whose
// body holds text that looks like markup, a draft and a scheduled article
// that match the sample's words, and pagingCount articles titled with
// pagingWords; every article is indexed (no stream consumer runs here).
func mustSearchHandler(t *testing.T) (*readapi.Handler, *dynamotest.CallCounter, []string) {
	t.Helper()
	h, store, calls := mustHandlerStore(t)
	ctx := context.Background()
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	create := func(id, slug, title, body string, st portal.Status, publishAt *time.Time) {
		t.Helper()
		a := &portal.Article{ID: id, Slug: slug, Title: title, Summary: "Tóm tắt " + title, Body: body,
			Categories: []string{"tin-tuc-su-kien"}, Status: st, PublishAt: publishAt,
			CreatedAt: now.Add(-48 * time.Hour), UpdatedAt: now.Add(-48 * time.Hour), Version: 1}
		if err := store.CreateArticle(ctx, a, "tester", now.Add(-time.Hour)); err != nil {
			t.Fatalf("create %s: %v", slug, err)
		}
	}
	// A sanitized body keeps "<" of its text escaped: the index reads the
	// text "a < b" and "<script>…", which a snippet must escape again.
	create("s-escape", escapeSlug, "Ghi chép ở cơ sở",
		"<p>Khi a &lt; b, tuyên truyền miệng cần &lt;script&gt;alert(1)&lt;/script&gt; ngắn gọn.</p>",
		portal.StatusPublished, at(-2*time.Hour))
	create("s-draft", draftSlug, "Tuyên truyền miệng: bản nháp", "<p>Tuyên truyền miệng.</p>", portal.StatusDraft, nil)
	create("s-scheduled", scheduledSlug, "Tuyên truyền miệng: hẹn giờ", "<p>Tuyên truyền miệng.</p>", portal.StatusScheduled, at(time.Hour))
	var paging []string
	for i := 1; i <= pagingCount; i++ {
		slug := fmt.Sprintf("hoi-nghi-tong-ket-%d", i)
		create(fmt.Sprintf("s-page-%d", i), slug, fmt.Sprintf("Hội nghị tổng kết số %d", i),
			fmt.Sprintf("<p>Hội nghị tổng kết công tác năm, lần %d.</p>", i), portal.StatusPublished, at(-time.Duration(10+i)*time.Hour))
		paging = append(paging, slug)
	}
	if _, err := store.IndexAll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	calls.Reset()
	return h, calls, paging
}

// searchRequest is testdata/search.json with the query parameters q.
func searchRequest(t *testing.T, q map[string]string) apigw.Request {
	req := event(t, "search")
	req.QueryStringParameters = q
	return req
}

// hitSlugs returns the slugs of a search page's items, in order.
func hitSlugs(body map[string]any) []string {
	var out []string
	items, _ := body["items"].([]any)
	for _, it := range items {
		s, _ := it.(map[string]any)["slug"].(string)
		out = append(out, s)
	}
	return out
}

func TestSearch(t *testing.T) {
	h, calls, _ := mustSearchHandler(t)
	for _, q := range []string{"tuyen truyen mieng", "TUYÊN TRUYỀN MIỆNG", norm.NFD.String("tuyên truyền miệng"), "  Tuyên  truyền\tmiệng  "} {
		t.Run(q, func(t *testing.T) {
			calls.Reset()
			resp, body := apigwtest.Serve(t, h, searchRequest(t, map[string]string{"q": q}))
			if resp.StatusCode != 200 {
				t.Fatalf("= %d %s; want 200", resp.StatusCode, resp.Body)
			}
			// The three demo documents hold the phrase in their titles.
			if got, want := hitSlugs(body), []string{sampleSlug, "04-bc-tu-2020", "340-qd-tw-2010", "17-ct-tw-2007", escapeSlug}; !slices.Equal(got, want) {
				t.Errorf("results %v; want %v (the sample first, the demo documents, no draft, nothing scheduled)", got, want)
			}
			if resp.Headers["Cache-Control"] != "public, max-age=60, stale-while-revalidate=30" || resp.Headers["ETag"] == "" {
				t.Errorf("headers %v; want the lists' Cache-Control and an ETag", resp.Headers)
			}
			if calls.Total() == 0 {
				t.Errorf("no DynamoDB call: the results did not come from the table")
			}
		})
	}

	_, body := apigwtest.Serve(t, h, searchRequest(t, map[string]string{"q": "tuyen truyen mieng"}))
	items := body["items"].([]any)
	first := items[0].(map[string]any)
	want := map[string]any{
		"id": "a7k2m9q4x1", "slug": sampleSlug,
		"title":       "Đẩy mạnh thực hiện cung cấp thông tin phục vụ công tác tuyên truyền miệng của Đảng",
		"publishAt":   "2020-11-17T07:20:00Z",
		"displayTime": "14:20 | 17/11/2020",
	}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("%s = %v; want %v", k, first[k], v)
		}
	}
	if s, _ := first["summary"].(string); !strings.HasPrefix(s, "Cách mạng công nghiệp 4.0") {
		t.Errorf("summary = %.60q; want the article's summary", s)
	}
	if s, _ := first["snippet"].(string); !strings.Contains(s, "<mark>tuyên truyền miệng</mark>") {
		t.Errorf("snippet = %q; want the phrase marked", s)
	}
	for k := range first {
		if !slices.Contains([]string{"id", "slug", "title", "summary", "publishAt", "displayTime", "snippet"}, k) {
			t.Errorf("a result carries %q", k)
		}
	}

	// Text of the body that reads as markup comes out escaped; only <mark>
	// is markup.
	if doc := items[1].(map[string]any); doc["kind"] != "document" || doc["number"] != "04-BC/TU" {
		t.Errorf("second result %v; want the document 04-BC/TU with its kind and number", doc)
	}
	snippet, _ := items[4].(map[string]any)["snippet"].(string)
	if !strings.Contains(snippet, "a &lt; b") || !strings.Contains(snippet, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("snippet = %q; want a &lt; b and &lt;script&gt; escaped", snippet)
	}
	if rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(snippet); strings.ContainsAny(rest, "<>") {
		t.Errorf("snippet = %q; want no markup but <mark>", snippet)
	}
}

// TestSearchHidden: an article that is not visible is found by no query,
// even by its own title.
func TestSearchHidden(t *testing.T) {
	h, _, _ := mustSearchHandler(t)
	for _, q := range []string{"bản nháp", "hẹn giờ"} {
		resp, body := apigwtest.Serve(t, h, searchRequest(t, map[string]string{"q": q}))
		if resp.StatusCode != 200 || len(hitSlugs(body)) != 0 {
			t.Errorf("q=%s = %d %s; want 200 and no result", q, resp.StatusCode, resp.Body)
		}
	}
}

// TestSearchCommonWords: a query of only very common words is answered, with
// results or none.
func TestSearchCommonWords(t *testing.T) {
	h, _, _ := mustSearchHandler(t)
	resp, body := apigwtest.Serve(t, h, searchRequest(t, map[string]string{"q": "của và là"}))
	if resp.StatusCode != 200 {
		t.Fatalf("= %d %s; want 200", resp.StatusCode, resp.Body)
	}
	if _, ok := body["items"].([]any); !ok {
		t.Errorf("body %s; want an items array", resp.Body)
	}
}

func TestSearchBadQueries(t *testing.T) {
	h, calls, _ := mustSearchHandler(t)
	// A cursor of another query, and one altered by a character.
	_, body := apigwtest.Serve(t, h, searchRequest(t, map[string]string{"q": "hội nghị", "limit": "1"}))
	other, _ := body["nextCursor"].(string)
	if other == "" {
		t.Fatalf("no nextCursor on a page of 1 of %d matches: %v", pagingCount, body)
	}
	altered := other[:len(other)-2] + map[bool]string{true: "B", false: "A"}[other[len(other)-2] == 'A'] + other[len(other)-1:]
	tests := []struct {
		name  string
		query map[string]string
	}{
		{"no q", map[string]string{}},
		{"empty q", map[string]string{"q": ""}},
		{"blank q", map[string]string{"q": " \t "}},
		{"201 characters", map[string]string{"q": strings.Repeat("a", 201)}},
		{"201 Vietnamese characters", map[string]string{"q": strings.Repeat("ệ", 201)}},
		{"10 kB", map[string]string{"q": strings.Repeat("tuyên truyền ", 800)}},
		{"no letter or digit", map[string]string{"q": "!!! ???"}},
		{"invalid UTF-8", map[string]string{"q": "tuy\xffen"}},
		{"limit 0", map[string]string{"q": "hội nghị", "limit": "0"}},
		{"limit 101", map[string]string{"q": "hội nghị", "limit": "101"}},
		{"empty cursor", map[string]string{"q": "hội nghị", "cursor": ""}},
		{"forged cursor", map[string]string{"q": "hội nghị", "cursor": "eyJ2IjoxLCJzIjoic2VhcmNoIn0AAAAAAAAAAAAAAAAAAAAA"}},
		{"altered cursor", map[string]string{"q": "hội nghị", "limit": "1", "cursor": altered}},
		{"cursor of another query", map[string]string{"q": "tổng kết", "limit": "1", "cursor": other}},
		{"cursor of a list", map[string]string{"q": "hội nghị", "cursor": "eyJ2IjoxLCJzIjoiTElTVCNBTEwiLCJrIjp7IlBLIjoiQVJUI3gifX0AAAAAAAAAAAAAAAAAAAAA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls.Reset()
			resp, body := apigwtest.Serve(t, h, searchRequest(t, tt.query))
			if resp.StatusCode != 400 || apigwtest.ErrorCode(body) != portal.EINVALID {
				t.Fatalf("= %d %s; want 400 invalid", resp.StatusCode, resp.Body)
			}
			if resp.Headers["Cache-Control"] != "no-store" {
				t.Errorf("Cache-Control %q; want no-store", resp.Headers["Cache-Control"])
			}
			if calls.Total() != 0 {
				t.Errorf("DynamoDB calls = %v; want none for a bad request", calls.Counts())
			}
			msg, _ := body["error"].(map[string]any)["message"].(string)
			if msg == "" || strings.Contains(msg, "dynamo") {
				t.Errorf("message %q; want one that names the problem", msg)
			}
		})
	}
}

// TestSearchWalk follows nextCursor from the first page to the last: every
// match once, nothing else.
func TestSearchWalk(t *testing.T) {
	h, _, paging := mustSearchHandler(t)
	for _, limit := range []string{"1", "2", "3", "100"} {
		t.Run("limit="+limit, func(t *testing.T) {
			q := map[string]string{"q": "hoi nghi tong ket", "limit": limit}
			var got []string
			for page := 0; ; page++ {
				if page > 2*pagingCount {
					t.Fatalf("still a nextCursor after %d pages: %v", page, got)
				}
				resp, body := apigwtest.Serve(t, h, searchRequest(t, q))
				if resp.StatusCode != 200 {
					t.Fatalf("page %d = %d %s", page, resp.StatusCode, resp.Body)
				}
				got = append(got, hitSlugs(body)...)
				next, _ := body["nextCursor"].(string)
				if next == "" {
					break
				}
				q = map[string]string{"q": "hoi nghi tong ket", "limit": limit, "cursor": next}
			}
			sorted := slices.Sorted(slices.Values(got))
			if want := slices.Sorted(slices.Values(paging)); !slices.Equal(sorted, want) {
				t.Errorf("walk = %v; want each of %v once", got, want)
			}
		})
	}
}
