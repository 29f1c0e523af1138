package site

import (
	"context"
	"fmt"
	template "github.com/DataDog/datadog-agent/pkg/template/html"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/search"
)

// Search page sizes.
const (
	searchPageSize = 10
	// searchReads bounds the store calls one results page makes: a window of
	// the index can hold fewer matches than a page (dynamo.Store.Search), so
	// a short page is filled from the next windows, at most this many.
	searchReads = 3
)

// What the search page says when it refuses a query or a link.
const (
	queryTooLong  = "Từ khóa dài quá %d ký tự. Mời bạn rút gọn rồi tìm lại."
	queryNoWord   = "Từ khóa cần có ít nhất một chữ cái hoặc chữ số."
	badSearchLink = "Liên kết trang kết quả đã cũ hoặc bị sửa. Mời bạn tìm lại từ đầu."
)

// searchContent is the search page: the form, and the results of a query.
type searchContent struct {
	Query    string // as typed, trimmed
	Searched bool   // a query was run: Hits, Next and Later apply
	Error    string // why the query or the link was refused, or ""
	Hits     []searchHit
	Later    bool   // a page after the first
	First    string // URL of the first page of results, on a later page
	Next     string // URL of the next page, or ""
}

// searchHit is one result as the page shows it: a news article, or a
// document (its Number set) whose page is under /van-ban/.
type searchHit struct {
	Title, Path, Summary, Number string
	Time                         timeView
	Snippet                      template.HTML
}

// searchPage serves GET /tim-kiem?q=&sau=: the search form, prefilled with
// q, and one page of the visible articles holding every word of q (see
// dynamo.Store.Search), searchPageSize at a time, with a "Xem tiếp" link to
// the next page (sau, the page's cursor). A blank q gets the form alone
// (200); a q the search refuses, or a forged or foreign cursor, the form
// with the reason (400). No page of it is indexed by search engines.
func (h *Handler) searchPage(ctx context.Context, req apigw.Request) apigw.Response {
	raw := req.QueryStringParameters["q"]
	cur, later := req.QueryStringParameters["sau"]
	c := searchContent{Query: strings.TrimSpace(raw), Later: later}
	if r := []rune(c.Query); len(r) > search.MaxQueryRunes {
		c.Query = string(r[:search.MaxQueryRunes]) // enough to see and shorten
	}
	c.Query = strings.ToValidUTF8(c.Query, "\uFFFD") // the page is UTF-8, whatever was sent
	switch {
	case c.Query == "":
		return h.renderSearch(ctx, req, http.StatusOK, c)
	case len(raw) > search.MaxQueryBytes || utf8.RuneCountInString(norm.NFC.String(strings.TrimSpace(raw))) > search.MaxQueryRunes:
		c.Error = fmt.Sprintf(queryTooLong, search.MaxQueryRunes)
	case later && cur == "":
		c.Error = badSearchLink
	default:
		if _, err := search.Parse(raw); err != nil {
			c.Error = queryNoWord
		}
	}
	if c.Error != "" {
		return h.renderSearch(ctx, req, http.StatusBadRequest, c)
	}

	q := portal.SearchQuery{Text: raw, Limit: searchPageSize, Cursor: cur, Now: h.now()}
	var page portal.SearchPage
	for range searchReads {
		p, err := h.store.Search(ctx, q)
		if portal.ErrorCode(err) == portal.EINVALID {
			c.Error = badSearchLink // q was read above: the cursor is what is wrong
			return h.renderSearch(ctx, req, http.StatusBadRequest, c)
		}
		if err != nil {
			return h.failed(ctx, req, err)
		}
		page.Items, page.NextCursor = append(page.Items, p.Items...), p.NextCursor
		if len(page.Items) >= searchPageSize || p.NextCursor == "" {
			break
		}
		q.Cursor, q.Limit = p.NextCursor, searchPageSize-len(page.Items)
	}
	c.Searched = true
	for _, hit := range page.Items {
		path := "/bai-viet/" + hit.Slug
		var number string
		if hit.Kind == portal.KindDocument {
			path, number = "/van-ban/"+hit.Slug, hit.Number
		}
		c.Hits = append(c.Hits, searchHit{
			Title: hit.Title, Path: path, Number: number, Summary: hit.Summary, Time: timeOf(hit.PublishAt),
			// The one place the site trusts a search result as HTML:
			// search.Snippet builds it from plain text, escaping every
			// character, and adds nothing but <mark> around matched words.
			Snippet: template.HTML(hit.Snippet), //nolint:gosec // escaped by search.Snippet
		})
	}
	self := h.path("/tim-kiem") + "?q=" + url.QueryEscape(c.Query)
	if page.NextCursor != "" {
		c.Next = self + "&sau=" + url.QueryEscape(page.NextCursor)
	}
	if later {
		c.First = self
	}
	return h.renderSearch(ctx, req, http.StatusOK, c)
}

// renderSearch renders the search page with its status: a 200 is cached
// as pages are, a refusal not at all.
func (h *Handler) renderSearch(ctx context.Context, req apigw.Request, status int, c searchContent) apigw.Response {
	title := "Tìm kiếm"
	if c.Query != "" {
		title = "Tìm kiếm: " + c.Query
	}
	side, nav := h.sidebar(ctx)
	data := &layout{
		Title: title, Description: "Tìm kiếm bài viết trên " + h.cfg.Name,
		Crumbs: []crumb{{Name: "Trang chủ", URL: h.path("/")}, {Name: "Tìm kiếm"}},
		Nav:    nav, Side: side, Content: c, Query: c.Query,
		// Results are for readers: engines index the articles themselves.
		NoIndex: true,
	}
	cacheControl := pageCache
	if status != http.StatusOK {
		cacheControl = apigw.NoStore
	}
	return h.render(ctx, req, "search", status, cacheControl, data)
}
