package site_test

import (
	"maps"
	"strings"
	"testing"
	"time"

	"eportal/infra/demo"
	"eportal/internal/apigw"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
	"eportal/internal/site"
)

// TestDynamoDBCalls counts the DynamoDB calls of each page on a cold
// instance (a new handler) and on a warm one (the same request again): a
// warm article or document page costs its one GetItem, a warm category
// page or page of documents its one Query, a warm home page nothing. Cold counts are logged and bounded by
// what the page reads.
func TestDynamoDBCalls(t *testing.T) {
	e := mustEnv(t, 0)
	seed(t, e.store)
	d := seedDocuments(t, e.store)
	c, err := demo.Parse()
	if err != nil {
		t.Fatal(err)
	}
	roots := len(portal.Tree(c.Categories))
	// What every page's sidebar loads on a cold instance: the categories,
	// the links and the open polls (a Query each), and the week's most read
	// (a Query of the ranking, a BatchGetItem of the candidates' copies).
	const sidebar = 5
	tests := []struct {
		name, target string
		coldMax      int            // the reads the page makes, beside the sidebar's
		warm         map[string]int // exact counts on a warm instance
	}{
		{"article", "/bai-viet/" + demoSlug, sidebar + 2, map[string]int{"GetItem": 1}}, // + the article, + its category's latest
		{"home", "/", sidebar + 1 + roots, map[string]int{}},                            // + the latest, + each root's latest
		{"category", "/chuyen-muc/" + demoCat, sidebar + 1, map[string]int{"Query": 1}}, // + its page of articles
		{"category feed", "/chuyen-muc/" + demoCat + "/rss.xml", 2, map[string]int{"Query": 1}},
		{"most read", "/doc-nhieu?ky=ngay", sidebar + 2, map[string]int{}}, // + the day's most read
		{"poll", "/binh-chon/" + demoPoll, sidebar + 1, map[string]int{"BatchGetItem": 1}},
		{"feed", "/rss.xml", 2, map[string]int{"Query": 1}},                // the list, the categories' names
		{"sitemap", "/sitemap.xml", 3, map[string]int{}},                   // the articles, the documents, the categories' names
		{"documents", "/van-ban", sidebar + 1, map[string]int{"Query": 1}}, // + its page of documents
		{"documents by type and year", "/van-ban?loai=quyet-dinh&nam=2026", sidebar + 1, map[string]int{"Query": 1}},
		{"documents by issuer and field", "/van-ban?co-quan=Tinh+uy+Quang+Nam&linh-vuc=xay-dung-dang", sidebar + 1, map[string]int{"Query": 1}},
		{"document by number", "/van-ban?so=04-BC%2FTU", sidebar + 1, map[string]int{"Query": 1}},
		{"documents, refused filter", "/van-ban?nam=20", sidebar, map[string]int{}},
		{"document", "/van-ban/" + d.inForce, sidebar + 1, map[string]int{"GetItem": 1}}, // + the document
		{"documents feed", "/van-ban/rss.xml", 1, map[string]int{"Query": 1}},
		{"404", "/khong-co", sidebar, map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := site.New(e.store, e.signer, site.DemoConfig(), site.WithClock(e.clock.Now), site.WithLogger(testLogger(t)))
			e.calls.Reset()
			if resp := serve(t, h, request(t, "GET", tt.target, nil)); resp.StatusCode >= 500 {
				t.Fatalf("= %d", resp.StatusCode)
			}
			cold := e.calls.Counts()
			t.Logf("%s cold: %d calls %v", tt.target, e.calls.Total(), cold)
			if e.calls.Total() > tt.coldMax {
				t.Errorf("cold: %d calls %v; want at most %d", e.calls.Total(), cold, tt.coldMax)
			}
			e.calls.Reset()
			serve(t, h, request(t, "GET", tt.target, nil))
			if warm := e.calls.Counts(); !maps.Equal(warm, tt.warm) {
				t.Errorf("warm: %v; want %v", warm, tt.warm)
			}
			t.Logf("%s warm: %d calls %v", tt.target, e.calls.Total(), e.calls.Counts())
		})
	}
}

// TestSidebarBestEffort holds that a sidebar part that cannot be read is
// left out of the page, which still renders; that a part whose refresh
// fails keeps its previous value; and that a page whose own read fails is
// the 503 page.
func TestSidebarBestEffort(t *testing.T) {
	// A budget of a second: a throttled read gives up sooner than the
	// default 3 s, and an answered one still has plenty.
	e := mustEnv(t, 10*time.Second, site.WithBudget(apigw.Budget{Read: time.Second}))
	failParts := func(op, body string) dynamotest.Fault {
		if op == "Query" && (strings.Contains(body, `"LINK"`) || strings.Contains(body, `"POLLS"`)) {
			return dynamotest.Throttle
		}
		return dynamotest.Pass
	}
	boxes := func(t *testing.T, body string) map[string]bool {
		p := parsePage(t, body)
		out := map[string]bool{}
		for _, id := range []string{"sb-chuyen-muc", "sb-lien-ket", "sb-tham-do"} {
			out[id] = p.section(id) != nil
		}
		if h1 := text(p.first(el("h1"))); h1 != demoTitle {
			t.Errorf("<h1> %q; want the article's title", h1)
		}
		return out
	}

	t.Run("cold", func(t *testing.T) {
		e.faults.Set(failParts)
		defer e.faults.Set(nil)
		resp := e.get(t, "/bai-viet/"+demoSlug)
		if resp.StatusCode != 200 || e.faults.Hits() == 0 {
			t.Fatalf("= %d with %d faults; want 200 despite the faults", resp.StatusCode, e.faults.Hits())
		}
		if got := boxes(t, resp.Body); !maps.Equal(got, map[string]bool{"sb-chuyen-muc": true, "sb-lien-ket": false, "sb-tham-do": false}) {
			t.Errorf("sidebar boxes %v; want the categories only", got)
		}
	})

	t.Run("warm, refresh fails", func(t *testing.T) {
		if got := boxes(t, e.get(t, "/bai-viet/"+demoSlug).Body); !got["sb-lien-ket"] || !got["sb-tham-do"] {
			t.Fatalf("sidebar boxes %v once the table answers; want all", got)
		}
		e.clock.Set(now.Add(11 * time.Second)) // past the TTL
		defer e.clock.Set(now)
		e.faults.Set(failParts)
		defer e.faults.Set(nil)
		resp := e.get(t, "/bai-viet/"+demoSlug)
		if got := boxes(t, resp.Body); resp.StatusCode != 200 || !got["sb-lien-ket"] || !got["sb-tham-do"] || e.faults.Hits() == 0 {
			t.Errorf("= %d, boxes %v, %d faults; want the previous links and poll", resp.StatusCode, got, e.faults.Hits())
		}
	})

	t.Run("article read throttled", func(t *testing.T) {
		e.faults.Set(dynamotest.On("GetItem", "SLUG#", dynamotest.Throttle, 100))
		defer e.faults.Set(nil)
		resp := e.get(t, "/bai-viet/"+demoSlug)
		h1 := text(parsePage(t, resp.Body).first(el("h1")))
		if resp.StatusCode != 503 || resp.Headers["Retry-After"] == "" || resp.Headers["Cache-Control"] != noStore || h1 != "Hệ thống đang bận" || resp.Headers["ETag"] != "" {
			t.Errorf("= %d %v %q; want the 503 page with Retry-After, no-store", resp.StatusCode, resp.Headers, h1)
		}
		checkSecurity(t, resp)
	})
}

// TestCacheTTL holds that an edited category name reaches readers when the
// instance cache's TTL has passed, not before.
func TestCacheTTL(t *testing.T) {
	const ttl = 30 * time.Second
	e := mustEnv(t, ttl)
	names := func(t *testing.T) (string, string, string) {
		t.Helper()
		p := parsePage(t, e.get(t, "/chuyen-muc/"+demoCat).Body)
		menu := text(p.one(t, "menu", el("nav", "class", "menu")))
		crumbs := texts(all(parsePage(t, e.get(t, "/bai-viet/"+demoSlug).Body).one(t, "breadcrumb", el("nav", "class", "crumbs")), el("li")))
		return text(p.first(el("h1"))), menu, crumbs[1]
	}
	const old, renamed = "Tin tức - Sự kiện", "Thời sự"
	if h1, menu, crumb := names(t); h1 != old || !strings.Contains(menu, old) || crumb != old {
		t.Fatalf("before: %q, menu %q, breadcrumb %q", h1, menu, crumb)
	}

	cats, err := e.store.Categories(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		if c.ID == demoCat {
			edited := c
			edited.Name, edited.Version = renamed, c.Version+1
			if err := e.store.SaveCategory(t.Context(), edited, &c, "tester", now); err != nil {
				t.Fatal(err)
			}
		}
	}

	e.clock.Set(now.Add(ttl - time.Second))
	if h1, menu, crumb := names(t); h1 != old || strings.Contains(menu, renamed) || crumb != old {
		t.Errorf("within the TTL: %q, menu %q, breadcrumb %q; want the old name", h1, menu, crumb)
	}
	e.clock.Set(now.Add(ttl + time.Second))
	if h1, menu, crumb := names(t); h1 != renamed || !strings.Contains(menu, renamed) || strings.Contains(menu, old) || crumb != renamed {
		t.Errorf("after the TTL: %q, menu %q, breadcrumb %q; want %q", h1, menu, crumb, renamed)
	}
}
