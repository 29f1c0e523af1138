package viewsapi_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/portal"
	"eportal/internal/readapi"
	"eportal/internal/viewsapi"
)

func TestDistinctVisitorsConcurrently(t *testing.T) {
	h := mustHarness(t)
	cfg := viewsapi.Config{Shards: 4}
	// Four function instances, as Lambda would run under load.
	fns := []*viewsapi.Handler{h.handler(cfg), h.handler(cfg), h.handler(cfg), h.handler(cfg)}
	const n = 1000
	var counted atomic.Int64
	parallel(n, func(i int) {
		r := send(t, fns[i%len(fns)], beacon(t, sampleSlug, i))
		if r.status != 200 || r.views <= sampleViews || r.views > sampleViews+n {
			t.Errorf("beacon %d = %d views %d; want 200 and a count in (%d, %d]", i, r.status, r.views, sampleViews, sampleViews+n)
		}
		if r.counted {
			counted.Add(1)
		}
	})
	if got := h.shardSum(t, sampleID, cfg.Shards); got != n || counted.Load() != n {
		t.Fatalf("shards hold %d views, %d answered counted; want exactly %d", got, counted.Load(), n)
	}

	// A minute on, the next beacon rolls the count up into the published
	// copy, and the article GET (one GetItem) shows it.
	h.clock.Add(time.Minute)
	r := send(t, fns[0], beacon(t, sampleSlug, n))
	if want := int64(sampleViews + n + 1); !r.counted || r.views != want {
		t.Fatalf("beacon after a minute = %+v; want counted with %d views", r, want)
	}
	read := readapi.New(h.store, readapi.WithClock(h.clock.Now))
	resp, _ := apigwtest.Serve(t, read, apigwtest.Call{Method: "GET", Route: "/articles/{slug}"}.Request(event(t, "count-view")))
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, `"views":1133`) {
		t.Errorf("article GET = %d %.120s…; want views 1133", resp.StatusCode, resp.Body)
	}
}

func TestSameVisitorOncePerWindow(t *testing.T) {
	h := mustHarness(t)
	cfg := viewsapi.Config{Shards: 2, Window: 30 * time.Minute}
	fns := []*viewsapi.Handler{h.handler(cfg), h.handler(cfg)}
	var counted atomic.Int64
	parallel(500, func(i int) {
		r := send(t, fns[i%2], beacon(t, sampleSlug, 7))
		if r.status != 200 {
			t.Errorf("beacon %d = %d", i, r.status)
		}
		if r.counted {
			counted.Add(1)
		}
	})
	if got := h.shardSum(t, sampleID, 2); got != 1 || counted.Load() != 1 {
		t.Fatalf("500 beacons of one visitor: shards %d, counted %d; want 1 and 1", got, counted.Load())
	}
	// Still inside the window (29 minutes on): not counted, by either
	// instance, nor by a new one that has no memory of the visitor.
	h.clock.Add(29 * time.Minute)
	for _, fn := range append(fns, h.handler(cfg)) {
		if r := send(t, fn, beacon(t, sampleSlug, 7)); r.counted || r.views != sampleViews+1 {
			t.Errorf("inside the window: %+v; want not counted, %d views", r, sampleViews+1)
		}
	}
	// Past the window: counted again, once. The marker is still in the
	// table (DynamoDB Local never runs TTL): its stored expiry decides.
	h.clock.Add(time.Minute)
	counted.Store(0)
	parallel(50, func(i int) {
		if r := send(t, fns[i%2], beacon(t, sampleSlug, 7)); r.counted {
			counted.Add(1)
		}
	})
	if got := h.shardSum(t, sampleID, 2); got != 2 || counted.Load() != 1 {
		t.Errorf("after the window: shards %d, counted %d; want 2 and 1", got, counted.Load())
	}
	// Another visitor behind the same IP (another browser) is another visitor.
	ev := beacon(t, sampleSlug, 7)
	ev.Headers["user-agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
	if r := send(t, fns[0], ev); !r.counted {
		t.Errorf("another browser behind the same IP was not counted: %+v", r)
	}
}

func TestCrawlersNotCounted(t *testing.T) {
	h := mustHarness(t)
	fn := h.handler(viewsapi.Config{})
	for _, ua := range []string{
		"", // no User-Agent
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
		"curl/8.5.0",
	} {
		ev := event(t, "count-view-crawler")
		ev.Headers["user-agent"] = ua
		r := send(t, fn, ev)
		if r.status != 200 || r.counted || r.views != sampleViews {
			t.Errorf("User-Agent %q = %+v; want 200, not counted, %d views", ua, r, sampleViews)
		}
	}
	if got := h.keysWithPrefix(t, "VISIT#", "VIEWS#", "VIEWKEY#", "POP#"); len(got) != 0 {
		t.Errorf("crawlers left items: %v", got)
	}
	if c := h.calls.Counts(); c["PutItem"]+c["UpdateItem"]+c["DeleteItem"]+c["BatchWriteItem"] != 0 {
		t.Errorf("crawlers caused writes: %v", c)
	}
}

func TestInvisibleArticles404(t *testing.T) {
	h := mustHarness(t)
	now := h.clock.Now()
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	mk := func(id string, status portal.Status, publishAt, expiresAt *time.Time) *portal.Article {
		return &portal.Article{ID: id, Slug: "bai-" + id, Title: id, Status: status, PublishAt: publishAt, ExpiresAt: expiresAt,
			CreatedAt: now, UpdatedAt: now, Version: 1}
	}
	arts := []*portal.Article{
		mk("draft", portal.StatusDraft, nil, nil),
		mk("review", portal.StatusInReview, nil, nil),
		mk("later", portal.StatusScheduled, at(time.Hour), nil),
		mk("expired", portal.StatusPublished, at(-2*time.Hour), at(-time.Minute)),
	}
	for _, a := range arts {
		if err := h.store.CreateArticle(context.Background(), a, "tester", now); err != nil {
			t.Fatal(err)
		}
	}
	fn := h.handler(viewsapi.Config{})
	for _, s := range []string{"bai-draft", "bai-review", "bai-later", "bai-expired", "khong-ton-tai", "popular", "Bad_Slug", ""} {
		r := send(t, fn, beacon(t, s, 1))
		if r.status != 404 || r.code != portal.ENOTFOUND {
			t.Errorf("beacon for %q = %d %s; want 404 not_found", s, r.status, r.code)
		}
	}
	if got := h.keysWithPrefix(t, "VISIT#", "VIEWS#", "VIEWKEY#", "POP#"); len(got) != 0 {
		t.Errorf("beacons for invisible articles left items: %v", got)
	}
	// The scheduled article becomes visible at its time, with no write by
	// anyone: the same instance counts it then.
	h.clock.Add(time.Hour)
	if r := send(t, fn, beacon(t, "bai-later", 1)); r.status != 200 || !r.counted {
		t.Errorf("scheduled article once due = %+v; want counted", r)
	}
}

func TestShardSpread(t *testing.T) {
	h := mustHarness(t)
	const shards = 4
	var next atomic.Int64
	roundRobin := func(n int) int { return int(next.Add(1)-1) % n }
	fn := h.handler(viewsapi.Config{Shards: shards}, viewsapi.WithShardPicker(roundRobin))
	var last int64
	for i := 0; i < 2*shards; i++ {
		r := send(t, fn, beacon(t, sampleSlug, i))
		if !r.counted {
			t.Fatalf("beacon %d not counted", i)
		}
		last = r.views
	}
	keys := h.keysWithPrefix(t, "VIEWS#")
	want := []string{"VIEWS#a7k2m9q4x1#0|VIEWS", "VIEWS#a7k2m9q4x1#1|VIEWS", "VIEWS#a7k2m9q4x1#2|VIEWS", "VIEWS#a7k2m9q4x1#3|VIEWS"}
	slices.Sort(keys)
	if !slices.Equal(keys, want) {
		t.Errorf("counter items = %v; want %v", keys, want)
	}
	got, err := h.store.ViewShards(context.Background(), sampleID, shards)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for i, s := range got {
		if s.Total != 2 || s.Days[portal.DayOf(start).Compact()] != 2 {
			t.Errorf("shard %d = %+v; want 2 views, all today", i, s)
		}
		sum += s.Total
	}
	if last != sampleViews+sum {
		t.Errorf("last beacon answered %d; want base %d + shard sum %d", last, sampleViews, sum)
	}
}

// TestWritesPerCountedView holds SPEC §6's budget: a counted view is two
// writes (the visit marker and one counter shard) and 2 write units. A
// roll-up adds its writes at most once per RollUpEvery per article.
func TestWritesPerCountedView(t *testing.T) {
	h := mustHarness(t)
	fn := h.handler(viewsapi.Config{Shards: 8})
	// The first beacon of the day makes the day's key and rolls up.
	send(t, fn, beacon(t, sampleSlug, 0))
	writes := func() int {
		c := h.calls.Counts()
		return c["PutItem"] + c["UpdateItem"] + c["DeleteItem"] + c["BatchWriteItem"] + c["TransactWriteItems"]
	}
	for i := 1; i <= 20; i++ {
		h.clock.Add(time.Second)
		h.calls.Reset()
		h.units.Reset()
		r := send(t, fn, beacon(t, sampleSlug, i))
		c, u := h.calls.Counts(), h.units.Units()
		if !r.counted || writes() != 2 || c["PutItem"] != 1 || c["UpdateItem"] != 1 {
			t.Fatalf("counted view %d: calls %v; want exactly 1 PutItem (marker) and 1 UpdateItem (shard)", i, c)
		}
		if u["PutItem"]+u["UpdateItem"] != 2 {
			t.Errorf("counted view %d: %v write units; want 2", i, u)
		}
	}
	// A repeat within the window writes nothing at all on this instance.
	h.calls.Reset()
	if r := send(t, fn, beacon(t, sampleSlug, 3)); r.counted || writes() != 0 {
		t.Errorf("repeat: counted %v, calls %v; want not counted and no write", r.counted, h.calls.Counts())
	}
	// The next roll-up is due a minute after the first one.
	h.clock.Add(time.Minute)
	h.calls.Reset()
	h.units.Reset()
	send(t, fn, beacon(t, sampleSlug, 100))
	c, u := h.calls.Counts(), h.units.Units()
	if c["UpdateItem"] != 2 || c["BatchWriteItem"] != 1 || writes() != 4 {
		t.Errorf("view with roll-up: calls %v; want the view's 2 writes + 1 UpdateItem (published copy) + 1 BatchWriteItem (most read)", c)
	}
	t.Logf("counted view with roll-up: calls %v, units %v", c, u)
}

func TestBadRequests(t *testing.T) {
	h := mustHarness(t)
	fn := h.handler(viewsapi.Config{})
	big := event(t, "count-view")
	big.Body = string(make([]byte, viewsapi.MaxBody+1))
	big64 := event(t, "count-view")
	big64.Body, big64.IsBase64Encoded = string(make([]byte, 2000)), true
	okBody := event(t, "count-view")
	okBody.Body = `{"ref":"https://baoquangnam.vn"}`
	wrongRoute := event(t, "count-view")
	wrongRoute.RouteKey = "GET /articles/{slug}"
	tests := []struct {
		name   string
		req    apigw.Request
		status int
		code   string
	}{
		{"GET", apigwtest.Call{Method: "GET"}.Request(event(t, "count-view-get")), 405, portal.EMETHOD},
		{"PUT", apigwtest.Call{Method: "PUT"}.Request(event(t, "count-view-get")), 405, portal.EMETHOD},
		{"DELETE", apigwtest.Call{Method: "DELETE"}.Request(event(t, "count-view-get")), 405, portal.EMETHOD},
		{"oversized body", big, 413, portal.ETOOLARGE},
		{"oversized base64 body", big64, 413, portal.ETOOLARGE},
		{"unknown route", wrongRoute, 404, portal.ENOTFOUND},
		{"small body is ignored", okBody, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.calls.Reset()
			r := send(t, fn, tt.req)
			if r.status != tt.status || r.code != tt.code {
				t.Fatalf("= %d %q; want %d %q", r.status, r.code, tt.status, tt.code)
			}
			if tt.status == http.StatusMethodNotAllowed && r.resp.Headers["Allow"] != "POST" {
				t.Errorf("405 without Allow: POST: %v", r.resp.Headers)
			}
			if tt.status >= 400 && h.calls.Total() != 0 {
				t.Errorf("refused request made calls: %v", h.calls.Counts())
			}
		})
	}
}

// TestDailyKeyRotates: each Vietnam day has its own visitor-hash key, made by
// the first beacon of the day (concurrent instances agree on it), and making
// it deletes the day before's.
func TestDailyKeyRotates(t *testing.T) {
	h := mustHarness(t)
	cfg := viewsapi.Config{}
	fns := []*viewsapi.Handler{h.handler(cfg), h.handler(cfg), h.handler(cfg)}
	parallel(30, func(i int) { send(t, fns[i%3], beacon(t, sampleSlug, 1)) })
	if got := h.keysWithPrefix(t, "VIEWKEY#"); !slices.Equal(got, []string{"VIEWKEY#2026-11-26|VIEWKEY"}) {
		t.Errorf("keys on Thursday = %v; want Thursday's only", got)
	}
	if got := h.shardSum(t, sampleID, 8); got != 1 {
		t.Errorf("one visitor through three new instances counted %d times; want 1 (one shared key)", got)
	}
	// Vietnam midnight (17:00 UTC): the first beacon makes Friday's key and
	// deletes Thursday's.
	h.clock.t = time.Date(2026, 11, 26, 17, 0, 0, 0, time.UTC)
	if r := send(t, fns[0], beacon(t, sampleSlug, 1)); !r.counted {
		t.Errorf("first beacon of Friday not counted: %+v", r)
	}
	if got := h.keysWithPrefix(t, "VIEWKEY#"); !slices.Equal(got, []string{"VIEWKEY#2026-11-27|VIEWKEY"}) {
		t.Errorf("keys on Friday = %v; want Friday's only", got)
	}
}

// TestVisitorsBehindTheEdge: behind CloudFront every reader arrives from an
// edge server's address. With the edge's secret, the handler tells readers
// apart by the X-Viewer-Address the edge set; a client that calls the API
// directly with a forged X-Viewer-Address (no secret, or a wrong one) is
// still deduped by its own source address.
func TestVisitorsBehindTheEdge(t *testing.T) {
	const secret = "edge-secret-0123456789abcdefghijklmnop"
	h := mustHarness(t)
	fn := h.handler(viewsapi.Config{Shards: 2, Window: 30 * time.Minute}, viewsapi.WithEdgeSecret(secret))
	viaEdge := func(reader int, sent string) apigw.Request {
		ev := beacon(t, sampleSlug, 0) // every request from one edge server
		ev.Headers = maps.Clone(ev.Headers)
		ev.Headers["x-viewer-address"] = fmt.Sprintf("203.0.113.%d", reader)
		if sent != "" {
			ev.Headers["x-edge-secret"] = sent
		}
		return ev
	}
	for reader := 1; reader <= 3; reader++ {
		if r := send(t, fn, viaEdge(reader, secret)); !r.counted {
			t.Errorf("reader %d through the edge: %+v; want counted", reader, r)
		}
	}
	if r := send(t, fn, viaEdge(2, secret)); r.counted {
		t.Errorf("reader 2 again within the window: %+v; want not counted", r)
	}
	// Direct calls with forged headers, all from one source address: that
	// address is the visitor, counted once whatever the headers say.
	counted := 0
	for reader := 4; reader <= 6; reader++ {
		for _, sent := range []string{"", secret + "x"} {
			if r := send(t, fn, viaEdge(reader, sent)); r.counted {
				counted++
			}
		}
	}
	if counted != 1 {
		t.Errorf("6 forged beacons from one source address: %d counted; want 1", counted)
	}
	if got := h.shardSum(t, sampleID, 2); got != 4 {
		t.Errorf("shards hold %d views; want 4 (three readers and one direct caller)", got)
	}
}
