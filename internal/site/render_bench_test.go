package site

import (
	"context"
	"os"
	"testing"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
)

// pageStore answers every read from memory: the benchmark measures the
// site's own work on a warm article page (routing, sidebar from the
// instance cache, template, ETag), not DynamoDB's.
type pageStore struct{ a *portal.Article }

func (s pageStore) ArticleBySlug(context.Context, string, time.Time) (portal.SlugTarget, error) {
	return portal.SlugTarget{Article: s.a}, nil
}
func (s pageStore) ListArticles(context.Context, portal.ArticleQuery) (portal.ArticlePage, error) {
	return portal.ArticlePage{Items: []portal.Article{*s.a}}, nil
}
func (pageStore) Categories(context.Context) ([]portal.Category, error) {
	return []portal.Category{{ID: "tin-tuc-su-kien", Slug: "tin-tuc-su-kien", Name: "Tin tức - Sự kiện"}}, nil
}
func (pageStore) Links(context.Context) ([]portal.Link, error) { return nil, nil }
func (s pageStore) Popular(context.Context, portal.Period, int, time.Time) ([]portal.Article, error) {
	return []portal.Article{*s.a}, nil
}
func (pageStore) ActivePolls(context.Context, time.Time, int, string) ([]*portal.Poll, string, error) {
	return nil, "", nil
}
func (pageStore) Poll(context.Context, string, string) (*portal.PollSnapshot, error) {
	return nil, portal.Errorf(portal.ENOTFOUND, "no poll")
}
func (pageStore) Search(context.Context, portal.SearchQuery) (portal.SearchPage, error) {
	return portal.SearchPage{}, nil
}
func (pageStore) Documents(context.Context, portal.DocumentQuery) ([]portal.Article, string, error) {
	return nil, "", nil
}
func (pageStore) Media(context.Context, string) (*portal.Media, error) {
	return nil, portal.Errorf(portal.ENOTFOUND, "no media")
}
func (pageStore) DocumentByID(context.Context, string, time.Time) (*portal.Article, error) {
	return nil, portal.Errorf(portal.ENOTFOUND, "no document")
}

// BenchmarkArticlePageRender is the CPU cost of an article page with a
// 15 KB body, without the store: the part of the page's latency that is the
// site's own, memoised (a warm instance) and rendered (the template run).
func BenchmarkArticlePageRender(b *testing.B) {
	body, err := os.ReadFile("../../infra/demo/portal.json") // ~ the sample's size of text
	if err != nil {
		b.Fatal(err)
	}
	pub := time.Date(2020, 11, 17, 7, 20, 0, 0, time.UTC)
	a := &portal.Article{ID: "a1", Slug: "bai-mau", Title: "Đẩy mạnh thực hiện cung cấp thông tin",
		Summary: "Tóm tắt", Body: "<p>" + string(body[:min(len(body), 15000)]) + "</p>", Status: portal.StatusPublished,
		PublishAt: &pub, Categories: []string{"tin-tuc-su-kien"}, Views: 132}
	req := apigw.Request{RawPath: "/bai-viet/bai-mau", Headers: map[string]string{"host": "example.vn"}}
	req.RequestContext.HTTP.Method = "GET"
	clock := WithClock(func() time.Time { return pub.Add(time.Hour) })
	for _, bc := range []struct {
		name string
		opts []Option
	}{
		// Warm: the sidebar from the instance cache, the page from the memo.
		{"memoised", []Option{clock}},
		// Every request reloads the (in-memory) sidebar, so the cache epoch
		// moves and the template runs each time: a page's full CPU cost.
		{"rendered", []Option{clock, WithCacheTTL(0)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := New(pageStore{a: a}, nil, DemoConfig(), bc.opts...)
			b.ReportAllocs()
			for b.Loop() {
				resp, _ := h.Handle(context.Background(), req)
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}
