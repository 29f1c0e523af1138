package site_test

import (
	"context"
	"embed"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"eportal/infra/ddblocal"
	"eportal/infra/demo"
	"eportal/infra/tables"
	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/dynamo"
	"eportal/internal/dynamo/dynamotest"
	"eportal/internal/portal"
	"eportal/internal/site"
	"eportal/internal/voter"
)

func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }

//go:embed testdata/*.json
var testdata embed.FS

// now is the tests' clock: Thursday 26 November 2026, 16:00 in Vietnam.
var now = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// The demo content's article and poll.
const (
	demoSlug  = "day-manh-thuc-hien-cung-cap-thong-tin-phuc-vu-cong-tac-tuyen-truyen-mieng-cua-dang"
	demoTitle = "Đẩy mạnh thực hiện cung cấp thông tin phục vụ công tác tuyên truyền miệng của Đảng"
	demoCat   = "tin-tuc-su-kien"
	demoPoll  = "danh-gia-cong-thong-tin"
)

// host is the Host header of testdata/article-page.json: absolute URLs are
// built on it (DemoConfig has no BaseURL).
const base = "https://abc123xyz9.execute-api.ap-southeast-1.amazonaws.com"

// clock is a settable clock, read by the handler's goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// env is a site handler on a fresh table with the demo content, and what a
// test needs to change, count and break under it.
type env struct {
	h      *site.Handler
	store  *dynamo.Store
	calls  *dynamotest.CallCounter
	faults *dynamotest.Faults
	signer *voter.Signer
	clock  *clock
}

// mustEnv returns an env whose handler caches for ttl (0: the default,
// site.SidebarTTL), with opts. The demo content is loaded an hour before
// now. The handler logs to the test's log.
func mustEnv(t *testing.T, ttl time.Duration, opts ...site.Option) *env {
	t.Helper()
	e := &env{calls: &dynamotest.CallCounter{}, faults: dynamotest.NewFaults(), clock: &clock{t: now}}
	e.store = tables.MustStore(t, e.calls.Option(), e.faults.Option()).Store
	if _, err := demo.Load(context.Background(), e.store, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	var err error
	if e.signer, err = voter.NewSigner([]byte("site test secret, 32 bytes long!")); err != nil {
		t.Fatal(err)
	}
	if ttl == 0 {
		ttl = site.SidebarTTL
	}
	opts = append([]site.Option{site.WithClock(e.clock.Now), site.WithCacheTTL(ttl), site.WithLogger(testLogger(t))}, opts...)
	e.h = site.New(e.store, e.signer, site.DemoConfig(), opts...)
	e.calls.Reset()
	return e
}

// testLogger returns a logger that writes to t's log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, nil))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}

// request returns the event API Gateway sends for method and target (a path
// with an optional query), built on testdata/article-page.json as apigwtest
// builds events. headers are added with lower-cased names.
func request(t *testing.T, method, target string, headers map[string]string) apigw.Request {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	query := map[string]string{}
	for k, v := range u.Query() {
		query[k] = v[0]
	}
	ev := apigwtest.Call{Method: method, Route: u.EscapedPath(), Params: map[string]string{}, Query: query, Headers: headers}.
		Request(apigwtest.Event(t, testdata, "article-page"))
	ev.RawQueryString = u.RawQuery
	if len(query) == 0 {
		ev.QueryStringParameters = nil
	}
	return ev
}

// serve sends req to h and fails the test on a Go error (API Gateway would
// answer 502) or a response without the headers every answer carries.
func serve(t *testing.T, h *site.Handler, req apigw.Request) apigw.Response {
	t.Helper()
	resp, err := h.Handle(t.Context(), req)
	if err != nil {
		t.Fatalf("%s %s: Handle returned a Go error: %v", req.RequestContext.HTTP.Method, req.RawPath, err)
	}
	if resp.Headers["X-Content-Type-Options"] != "nosniff" {
		t.Errorf("%s: no X-Content-Type-Options: nosniff in %v", req.RawPath, resp.Headers)
	}
	return resp
}

// get serves GET target.
func (e *env) get(t *testing.T, target string) apigw.Response {
	t.Helper()
	return serve(t, e.h, request(t, "GET", target, nil))
}

// fixture names the articles seed writes, by what they test.
type fixture struct {
	cover, hostile, renamed, oldSlug, child, plain string
	// visible are the slugs readers may see, newest first (the demo
	// article last); hidden the others, by why.
	visible []string
	hidden  map[string]string
}

// The hostile article's texts.
const (
	hostileTitle  = `<img src=x onerror=alert(1)>`
	hostileAuthor = `<script>alert("author")</script>`
	hostileSource = `<script>alert("source")</script>`
)

// seed writes, beside the demo content, articles in every state through the
// store's own methods: visible ones (one with a cover image, one with a
// hostile title, author and source, one renamed, one in a subcategory), and
// hidden ones newer than all of them (draft, in review, scheduled for later,
// expired, archived, deleted), so that one leaking would top every list. It
// also rolls views up into the most-read lists for two visible and three
// hidden articles.
func seed(t *testing.T, s *dynamo.Store) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{cover: "anh-bia", hostile: "tieu-de-doc-hai", renamed: "bai-doi-ten-moi", oldSlug: "bai-doi-ten-cu",
		child: "tin-khoa-xix", plain: "tin-thuong", hidden: map[string]string{}}
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	mk := func(id, slug, title string, st portal.Status, publishAt *time.Time, cats ...string) *portal.Article {
		if len(cats) == 0 {
			cats = []string{demoCat}
		}
		created := now.Add(-72 * time.Hour)
		return &portal.Article{ID: id, Slug: slug, Title: title, Summary: "Tóm tắt " + title, Body: "<p>Nội dung bài <em>" + slug + "</em>.</p>",
			Categories: cats, Author: "Phóng viên", Source: "Ban Tuyên giáo", Status: st, PublishAt: publishAt,
			CreatedAt: created, UpdatedAt: created, Version: 1}
	}
	create := func(a *portal.Article) *portal.Article {
		t.Helper()
		if err := s.CreateArticle(ctx, a, "tester", now.Add(-time.Hour)); err != nil {
			t.Fatalf("create %s: %v", a.Slug, err)
		}
		stored, err := s.ArticleByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return stored
	}
	save := func(before, after *portal.Article, action string, err error) *portal.Article {
		t.Helper()
		if err != nil {
			t.Fatalf("%s %s: %v", action, before.Slug, err)
		}
		if err := s.SaveArticle(ctx, portal.ArticleChange{Before: before, After: after, Action: action, Actor: "tester", Now: now.Add(-time.Minute)}); err != nil {
			t.Fatalf("%s %s: %v", action, before.Slug, err)
		}
		return after
	}
	rollUp := func(a *portal.Article, views int64) {
		t.Helper()
		counts := portal.ViewCounts{Total: views, Days: map[string]int64{portal.DayOf(now).Compact(): views}}
		if ok, err := s.RollUp(ctx, &portal.ViewTarget{Article: *a}, counts, now.Add(-10*time.Minute), time.Minute); !ok || err != nil {
			t.Fatalf("roll up %s: %v %v", a.Slug, ok, err)
		}
	}

	cover := mk("v-cover", f.cover, "Bài có ảnh bìa", portal.StatusPublished, at(-1*time.Hour))
	cover.CoverImage = &portal.Image{URL: "https://cdn.example.vn/anh-bia.jpg", Caption: "Quang cảnh hội nghị"}
	rollUp(create(cover), 50)

	hostile := mk("v-hostile", f.hostile, hostileTitle, portal.StatusPublished, at(-2*time.Hour))
	hostile.Author, hostile.Source, hostile.Summary = hostileAuthor, hostileSource, `Tóm tắt <b onmouseover=alert(2)>`
	rollUp(create(hostile), 30)

	renamed := create(mk("v-renamed", f.oldSlug, "Bài đã đổi địa chỉ", portal.StatusPublished, at(-3*time.Hour)))
	e := renamed.EditOf()
	e.Slug = f.renamed
	edited, err := renamed.Apply(e, "tester", now.Add(-time.Minute))
	edited = save(renamed, edited, "update", err)
	published, err := edited.Publish(nil, nil, "tester", now.Add(-time.Minute))
	save(edited, published, "publish", err)

	create(mk("v-child", f.child, "Tin của Khóa XIX", portal.StatusPublished, at(-4*time.Hour), "khoa-xix"))
	create(mk("v-plain", f.plain, "Tin thường", portal.StatusPublished, at(-5*time.Hour)))
	f.visible = []string{f.cover, f.hostile, f.renamed, f.child, f.plain, demoSlug}

	// Hidden, each newer than every visible article.
	create(mk("h-draft", "ban-nhap", "Bản nháp", portal.StatusDraft, nil))
	draft := create(mk("h-review", "cho-duyet", "Chờ duyệt", portal.StatusDraft, nil))
	inReview, err := draft.Submit("tester", now.Add(-time.Minute))
	save(draft, inReview, "submit", err)
	create(mk("h-scheduled", "hen-gio", "Hẹn giờ đăng", portal.StatusScheduled, at(time.Hour)))
	expired := mk("h-expired", "het-han", "Đã hết hạn", portal.StatusPublished, at(-30*time.Minute))
	expired.ExpiresAt = at(-time.Minute)
	rollUp(create(expired), 80)
	archived := create(mk("h-archived", "luu-tru", "Đã lưu trữ", portal.StatusPublished, at(-20*time.Minute)))
	rollUp(archived, 100)
	gone, err := archived.Archive("tester", now.Add(-time.Minute))
	save(archived, gone, "archive", err)
	deleted := create(mk("h-deleted", "da-xoa", "Đã xóa", portal.StatusPublished, at(-10*time.Minute)))
	rollUp(deleted, 90)
	if err := s.DeleteArticle(ctx, deleted, "tester", now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	f.hidden = map[string]string{"draft": "ban-nhap", "in review": "cho-duyet", "scheduled": "hen-gio",
		"expired": "het-han", "archived": "luu-tru", "deleted": "da-xoa"}
	return f
}

// hiddenSlugs returns the fixture's hidden slugs, sorted.
func (f fixture) hiddenSlugs() []string {
	var out []string
	for _, s := range f.hidden {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// articleLinks returns the slugs of the /bai-viet/ links under n, in order,
// each once.
func articleLinks(hrefs []string) []string {
	var out []string
	for _, h := range hrefs {
		h = strings.TrimPrefix(h, base)
		if s, ok := strings.CutPrefix(h, "/bai-viet/"); ok && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
