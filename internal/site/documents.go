package site

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/portal"
	"eportal/internal/readapi"
	"eportal/internal/slug"
)

// The "Văn bản" pages (docs/documents.md): the list of published documents
// with its filters (/van-ban), a document (/van-ban/{slug}) and the feed of
// new documents (/van-ban/rss.xml).

// documentPageSize is how many documents a page of the list shows.
const documentPageSize = 20

// documentFilters are the list's form fields, in the order the form shows
// them and errors are reported, with the GET /documents parameter each
// stands for (readapi.ParseDocumentQuery checks them) and what the page
// says when the value is refused.
var documentFilters = []struct {
	name, param, problem string
}{
	{"so", "number", "Số ký hiệu không hợp lệ: chỉ gồm chữ cái, chữ số và các dấu - / . (ví dụ 04-BC/TU), tối đa 60 ký tự."},
	{"loai", "type", "Loại văn bản này không có trong danh sách. Mời bạn chọn lại."},
	{"linh-vuc", "field", "Lĩnh vực này không có trong danh sách. Mời bạn chọn lại."},
	{"co-quan", "issuer", "Cơ quan ban hành cần có chữ cái hoặc chữ số và không quá dài (ví dụ: Tỉnh ủy Quảng Nam)."},
	{"nam", "year", "Năm ban hành cần là một năm có 4 chữ số, ví dụ 2020."},
}

// badDocumentLink is what the list says of a forged or outdated page link.
const badDocumentLink = "Liên kết trang này đã cũ hoặc bị sửa. Mời bạn xem lại từ trang đầu."

// documentListContent is the list page: the form as the reader filled it,
// and one page of documents.
type documentListContent struct {
	Form     map[string]string // the filters as typed, by field name
	Types    []portal.DocumentType
	Fields   []portal.DocumentField
	Invalid  string // the name of the refused field, or ""
	Error    string // why the filters or the link were refused, or ""
	Filtered bool   // a filter was given
	Rows     []documentRow
	First    string // URL of the first page, on a later page
	Next     string // URL of the next page, or ""
	Feed     string // URL of the feed of new documents
}

// documentRow is a document as the list and the page show it.
type documentRow struct {
	Slug, Title, Number, Type, Issuer string
	IssuedOn                          string // dd/mm/yyyy
	IssuedISO                         string // yyyy-mm-dd
	State                             portal.DocumentState
	StateLabel                        string
}

func documentRowOf(a *portal.Article, today portal.Date) documentRow {
	d := a.Document
	if d == nil {
		d = &portal.DocumentMeta{}
	}
	st := d.State(today)
	return documentRow{Slug: a.Slug, Title: a.Title, Number: d.Number, Type: d.TypeName(), Issuer: d.Issuer,
		IssuedOn: displayDate(d.IssuedOn), IssuedISO: string(d.IssuedOn), State: st, StateLabel: st.Label()}
}

// displayDate writes a date the Vietnamese way, 30/10/2020 ("" for none).
func displayDate(d portal.Date) string {
	t, err := time.Parse(portal.DateLayout, string(d))
	if err != nil {
		return ""
	}
	return t.Format("02/01/2006")
}

// documentList serves GET /van-ban?so=&loai=&linh-vuc=&co-quan=&nam=&sau=:
// the published documents, newest issued first, documentPageSize a page,
// filtered by the form's fields (a plain GET form: empty fields are no
// filter), with "Trang sau" to the next page (sau, the page's cursor). The
// filters are checked as GET /documents checks them, before any read: a
// refused one is the form with the reason (400). One Query per page.
func (h *Handler) documentList(ctx context.Context, req apigw.Request) apigw.Response {
	c := documentListContent{Form: map[string]string{}, Types: portal.DocumentTypes, Fields: portal.DocumentFields,
		Feed: h.path("/van-ban/rss.xml")}
	params := map[string]string{}
	for _, f := range documentFilters {
		v := strings.ToValidUTF8(strings.TrimSpace(req.QueryStringParameters[f.name]), "\uFFFD")
		if r := []rune(v); len(r) > 300 {
			v = string(r[:300]) // enough to see and shorten
		}
		c.Form[f.name] = v
		if raw := strings.TrimSpace(req.QueryStringParameters[f.name]); raw != "" {
			params[f.param] = raw
			c.Filtered = true
		}
	}
	cur, later := req.QueryStringParameters["sau"]
	if later {
		params["cursor"] = cur
	}
	q, err := readapi.ParseDocumentQuery(params)
	if err != nil {
		c.Error = badDocumentLink // the cursor, unless a field is to blame
		for _, f := range documentFilters {
			if v, ok := params[f.param]; ok {
				if _, ferr := readapi.ParseDocumentQuery(map[string]string{f.param: v}); ferr != nil {
					c.Invalid, c.Error = f.name, f.problem
					break
				}
			}
		}
		return h.renderDocumentList(ctx, req, http.StatusBadRequest, c)
	}
	now := h.now()
	q.Limit, q.Now = documentPageSize, now
	docs, next, err := h.store.Documents(ctx, q)
	if portal.ErrorCode(err) == portal.EINVALID {
		c.Error = badDocumentLink // the filters were read above: the cursor is what is wrong
		return h.renderDocumentList(ctx, req, http.StatusBadRequest, c)
	}
	if err != nil {
		return h.failed(ctx, req, err)
	}
	today := portal.Today(now)
	for i := range docs {
		c.Rows = append(c.Rows, documentRowOf(&docs[i], today))
	}
	self := url.Values{}
	for _, f := range documentFilters {
		if v := c.Form[f.name]; v != "" {
			self.Set(f.name, v)
		}
	}
	first := h.path("/van-ban")
	if len(self) > 0 {
		first += "?" + self.Encode()
	}
	if next != "" {
		self.Set("sau", next)
		c.Next = h.path("/van-ban") + "?" + self.Encode()
	}
	if later {
		c.First = first
	}
	return h.renderDocumentList(ctx, req, http.StatusOK, c)
}

// renderDocumentList renders the list page with its status: a 200 is
// cached as pages are, a refusal not at all.
func (h *Handler) renderDocumentList(ctx context.Context, req apigw.Request, status int, c documentListContent) apigw.Response {
	side, nav := h.sidebar(ctx)
	base := h.baseURL(req)
	data := &layout{
		Title: "Văn bản", Description: "Văn bản, báo cáo, nghị quyết, quyết định - " + h.cfg.Name,
		Canonical: base + "/van-ban", OGType: "website",
		Crumbs: []crumb{{Name: "Trang chủ", URL: h.path("/")}, {Name: "Văn bản"}},
		Feeds:  []feedLink{{Title: "Văn bản - " + h.cfg.Name, URL: base + "/van-ban/rss.xml"}},
		Nav:    nav, Side: side, Content: c,
		// Filtered and later pages are for readers; engines index the first.
		NoIndex: c.Filtered || c.First != "" || status != http.StatusOK,
	}
	cacheControl := pageCache
	if status != http.StatusOK {
		cacheControl = apigw.NoStore
	}
	return h.render(ctx, req, "documents", status, cacheControl, data)
}

// documentContent is the document page.
type documentContent struct {
	A           *portal.Article
	D           *portal.DocumentMeta
	Row         documentRow
	Facts       []fact
	Attachments []download
	Links       []linkGroup
	Back        string
}

// fact is a line of the document's table of facts.
type fact struct{ Name, Value string }

// download is an attachment as the page offers it.
type download struct {
	Name, URL, Type, Size string
}

// linkGroup is a kind of link to other documents, with its documents.
type linkGroup struct {
	Name string
	Refs []portal.DocumentRef
}

// document serves GET /van-ban/{slug}: a visible published document, a 301
// to its current slug for an old one, or the 404 page (for a news article
// too: its page is /bai-viet/). One GetItem when the instance is warm.
func (h *Handler) document(ctx context.Context, req apigw.Request, s string) apigw.Response {
	if !slug.Valid(s) {
		return h.notFound(ctx, req)
	}
	now := h.now()
	target, err := h.store.ArticleBySlug(ctx, s, now)
	if err != nil {
		return h.failed(ctx, req, err)
	}
	if target.MovedTo != "" {
		return redirect(h.path("/van-ban/" + target.MovedTo))
	}
	a := target.Article
	if !a.IsDocument() || a.Document == nil {
		return h.notFound(ctx, req)
	}
	return h.render(ctx, req, "document", http.StatusOK, articleCache(a, now), h.documentLayout(ctx, req, a, now))
}

// documentLayout is the page of document a on now's date, with the sidebar.
func (h *Handler) documentLayout(ctx context.Context, req apigw.Request, a *portal.Article, now time.Time) *layout {
	d := a.Document
	c := documentContent{A: a, D: d, Row: documentRowOf(a, portal.Today(now)), Back: h.path("/van-ban")}
	var fields []string
	for _, id := range d.Fields {
		if f, ok := portal.DocumentFieldByID(id); ok {
			fields = append(fields, f.Name)
		}
	}
	for _, f := range []fact{
		{"Số ký hiệu", d.Number},
		{"Loại văn bản", d.TypeName()},
		{"Cơ quan ban hành", d.Issuer},
		{"Người ký", d.Signer},
		{"Ngày ban hành", displayDate(d.IssuedOn)},
		{"Ngày có hiệu lực", displayDate(d.EffectiveOn)},
		{"Ngày hết hiệu lực", displayDate(d.ExpiresOn)},
		{"Lĩnh vực", strings.Join(fields, ", ")},
	} {
		if f.Value != "" {
			c.Facts = append(c.Facts, f)
		}
	}
	for _, at := range d.Attachments {
		c.Attachments = append(c.Attachments, download{Name: at.Name, URL: at.URL, Type: fileType(at.ContentType, at.Name), Size: fileSize(at.Size)})
	}
	for _, g := range []linkGroup{
		{"Thay thế", d.Replaces},
		{"Bị thay thế bởi", d.ReplacedBy},
		{"Sửa đổi, bổ sung", d.Amends},
		{"Văn bản liên quan", d.Related},
	} {
		if len(g.Refs) > 0 {
			c.Links = append(c.Links, g)
		}
	}
	side, nav := h.sidebar(ctx)
	base := h.baseURL(req)
	description := a.Summary
	if description == "" {
		description = strings.Join([]string{d.TypeName(), "số " + d.Number, "ngày " + c.Row.IssuedOn, "của " + d.Issuer}, " ")
	}
	return &layout{
		Title: d.Number + ": " + a.Title, Description: describe(description),
		Canonical: base + "/van-ban/" + a.Slug, OGType: "article",
		Crumbs: []crumb{{Name: "Trang chủ", URL: h.path("/")}, {Name: "Văn bản", URL: h.path("/van-ban")}, {Name: d.Number}},
		Feeds:  []feedLink{{Title: "Văn bản - " + h.cfg.Name, URL: base + "/van-ban/rss.xml"}},
		Nav:    nav, Side: side, Content: c,
	}
}

// fileType names an attachment's format as readers know it.
func fileType(contentType, name string) string {
	switch contentType {
	case "application/pdf":
		return "PDF"
	case "application/msword":
		return "DOC"
	case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return "DOCX"
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 && len(name)-i <= 5 {
		return strings.ToUpper(name[i+1:])
	}
	return "Tệp"
}

// fileSize writes a size in KB (rounded up) below a megabyte, else in MB
// with one decimal, the Vietnamese way: "850 KB", "1,2 MB".
func fileSize(n int64) string {
	const kb, mb = 1024, 1024 * 1024
	switch {
	case n <= 0:
		return ""
	case n < mb:
		return strconv.FormatInt((n+kb-1)/kb, 10) + " KB"
	}
	s := strconv.FormatFloat(float64(n)/mb, 'f', 1, 64)
	return strings.Replace(strings.TrimSuffix(s, ".0"), ".", ",", 1) + " MB"
}

// documentFeed serves GET /van-ban/rss.xml: RSS 2.0 of the newest
// feedSize published documents, newest issued first, in one Query.
func (h *Handler) documentFeed(ctx context.Context, req apigw.Request) apigw.Response {
	now := h.now()
	docs, _, err := h.store.Documents(ctx, portal.DocumentQuery{Limit: feedSize, Now: now})
	if err != nil {
		return h.failed(ctx, req, err)
	}
	base := h.baseURL(req)
	ch := rssChannel{Title: "Văn bản - " + h.cfg.Name, Link: base + "/van-ban", Description: "Văn bản mới - " + h.cfg.Name, Language: "vi",
		Self: atomLink{Href: base + "/van-ban/rss.xml", Rel: "self", Type: "application/rss+xml"}}
	var newest time.Time
	today := portal.Today(now)
	for i := range docs {
		a := &docs[i]
		r := documentRowOf(a, today)
		link := base + "/van-ban/" + a.Slug
		description := a.Summary
		if description == "" {
			description = r.Type + " số " + r.Number + " ngày " + r.IssuedOn + " của " + r.Issuer + "."
		}
		it := rssItem{Title: r.Number + ": " + a.Title, Link: link, GUID: rssGUID{IsPermaLink: true, Value: link},
			Description: description, Author: r.Issuer}
		if r.Type != "" {
			it.Categories = []string{r.Type}
		}
		// pubDate is when the portal published it (a reader's "new"); the
		// order is the list's, by date of issue.
		if a.PublishAt != nil {
			it.PubDate = a.PublishAt.In(portal.Vietnam).Format(time.RFC1123Z)
			if a.PublishAt.After(newest) {
				newest = *a.PublishAt
			}
		}
		ch.Items = append(ch.Items, it)
	}
	if !newest.IsZero() {
		ch.LastBuildDate = newest.In(portal.Vietnam).Format(time.RFC1123Z)
	}
	return h.writeRSS(ctx, req, ch)
}
