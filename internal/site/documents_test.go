package site_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"eportal/infra/demo"
	"eportal/internal/apigw"
	"eportal/internal/articleinput"
	"eportal/internal/dynamo"
	"eportal/internal/portal"
	"eportal/internal/site"
	"eportal/internal/slug"
)

// docFixture names the documents seedDocuments writes, by what they test.
type docFixture struct {
	inForce, replaced, replacing, expired, future string // slugs of visible documents
	draft, scheduled                              string // slugs of hidden ones
	source                                        string // slug of a news article whose source names inForce
	// visible are the visible documents' slugs, newest issued first, the
	// demo content's included; byNumber their slugs by number.
	visible  []string
	byNumber map[string]string
}

// The in-force document's attachments.
var docAttachments = []portal.Attachment{
	{ID: "m-qd12pdf", Name: "Quyết định số 12/QĐ-UBND.pdf", URL: "/media/m-qd12pdf/file/quyet-dinh-so-12-qd-ubnd.pdf", ContentType: "application/pdf", Size: 1_288_490},
	{ID: "m-qd12doc", Name: "Phụ lục kèm theo.docx", URL: "/media/m-qd12doc/file/phu-luc-kem-theo.docx",
		ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Size: 52_000},
}

// docIssuer is the issuer of the documents seedDocuments writes.
const docIssuer = "Ủy ban nhân dân tỉnh Quảng Nam"

// seedDocuments writes, beside the demo content's documents, published
// documents in each state on the tests' clock (in force, replaced by
// another, expired, not yet in force), a draft and a scheduled one issued
// after all of them (so that one leaking would top every list), and a news
// article whose source names the document in force, published as the admin
// API publishes it (its source resolved by articleinput.SourceDocument).
func seedDocuments(t *testing.T, s *dynamo.Store) docFixture {
	t.Helper()
	ctx := context.Background()
	f := docFixture{inForce: "12-qd-ubnd-2026", replaced: "05-qd-ubnd-2024", replacing: "20-qd-ubnd-2025",
		expired: "03-kh-ubnd-2023", future: "99-tb-ubnd-2026", draft: "77-cv-ubnd-2026", scheduled: "78-cv-ubnd-2026",
		source: "tin-trich-dan-quyet-dinh"}
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	mk := func(id, slugText, number, typ string, issued, effective, expires portal.Date, st portal.Status, publishAt *time.Time, title string) *portal.Article {
		key, err := portal.NumberKey(number)
		if err != nil {
			t.Fatal(err)
		}
		created := now.Add(-72 * time.Hour)
		return &portal.Article{ID: id, Slug: slugText, Title: title, Kind: portal.KindDocument,
			Document: &portal.DocumentMeta{Number: number, NumberKey: key, Type: typ, Issuer: docIssuer, IssuerKey: slug.Make(docIssuer),
				Signer: "Lê Văn Thanh", IssuedOn: issued, EffectiveOn: effective, ExpiresOn: expires, Fields: []string{"chinh-quyen"}},
			Status: st, PublishAt: publishAt, CreatedAt: created, UpdatedAt: created, Version: 1}
	}
	create := func(a *portal.Article) *portal.Article {
		t.Helper()
		if err := s.CreateArticle(ctx, a, "tester", now.Add(-time.Hour)); err != nil {
			t.Fatalf("create %s: %v", a.Slug, err)
		}
		return a
	}
	ref := func(a *portal.Article) portal.DocumentRef {
		return portal.DocumentRef{ID: a.ID, Number: a.Document.Number, Title: a.Title, Slug: a.Slug}
	}

	inForce := mk("d-in-force", f.inForce, "12/QĐ-UBND", "quyet-dinh", "2026-03-02", "2026-03-02", "", portal.StatusPublished, at(-2*time.Hour),
		"Quyết định ban hành Quy chế cung cấp thông tin trên Cổng thông tin điện tử tỉnh")
	inForce.Summary = "Quy chế quy định việc cung cấp, cập nhật và quản lý thông tin trên Cổng."
	inForce.Body = "<p>Điều 1. Ban hành kèm theo Quyết định này <strong>Quy chế</strong> cung cấp thông tin.</p>"
	inForce.Document.Attachments = docAttachments
	for _, at := range docAttachments {
		m := &portal.Media{ID: at.ID, Kind: portal.MediaFile, FileName: at.Name, ContentType: at.ContentType, Size: at.Size,
			Status: portal.MediaReady, URL: at.URL, CreatedBy: "tester", CreatedAt: now.Add(-72 * time.Hour), UpdatedAt: now.Add(-72 * time.Hour)}
		if err := s.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	replaced := create(mk("d-replaced", f.replaced, "05/QĐ-UBND", "quyet-dinh", "2024-01-10", "2024-01-20", "", portal.StatusPublished, at(-5*time.Hour),
		"Quyết định về quy chế cũ"))
	replacing := mk("d-replacing", f.replacing, "20/QĐ-UBND", "quyet-dinh", "2025-06-01", "", "", portal.StatusPublished, at(-4*time.Hour),
		"Quyết định thay thế quy chế cũ")
	replacing.Document.Replaces = []portal.DocumentRef{ref(replaced)}
	create(replacing)
	inForce.Document.Amends = []portal.DocumentRef{ref(replacing)}
	inForce.Document.Related = []portal.DocumentRef{{ID: "d-unpublished", Number: "01/HD-UBND", Title: "Hướng dẫn chưa đăng"}}
	create(inForce)
	expired := mk("d-expired", f.expired, "03/KH-UBND", "ke-hoach", "2023-02-01", "", "2024-12-31", portal.StatusPublished, at(-3*time.Hour),
		"Kế hoạch tuyên truyền năm 2023")
	expired.Document.Fields = []string{"van-hoa-xa-hoi"}
	create(expired)
	create(mk("d-future", f.future, "99/TB-UBND", "thong-bao", "2026-11-20", "2027-01-01", "", portal.StatusPublished, at(-time.Hour),
		"Thông báo lịch tiếp công dân năm 2027"))
	create(mk("d-draft", f.draft, "77/CV-UBND", "cong-van", "2026-11-25", "", "", portal.StatusDraft, nil, "Công văn còn nháp"))
	create(mk("d-scheduled", f.scheduled, "78/CV-UBND", "cong-van", "2026-11-25", "", "", portal.StatusScheduled, at(time.Hour), "Công văn hẹn giờ"))

	art := &portal.Article{ID: "v-source", Slug: f.source, Title: "Tin trích dẫn quyết định", Summary: "Tóm tắt tin trích dẫn",
		Body: "<p>Nội dung.</p>", Categories: []string{demoCat}, Author: "Phóng viên",
		Source: "Quyết định số 12/QĐ-UBND, ngày 02/03/2026 của UBND tỉnh", Status: portal.StatusPublished, PublishAt: at(-6 * time.Hour),
		CreatedAt: now.Add(-72 * time.Hour), UpdatedAt: now.Add(-72 * time.Hour), Version: 1}
	var err error
	if art.SourceDocument, err = articleinput.SourceDocument(ctx, s, art, now.Add(-time.Hour)); err != nil || art.SourceDocument == nil {
		t.Fatalf("the source's document: %v, %v", art.SourceDocument, err)
	}
	create(art)

	f.visible = []string{f.future, f.inForce, f.replacing, f.replaced, f.expired}
	f.byNumber = map[string]string{"12/QĐ-UBND": f.inForce, "05/QĐ-UBND": f.replaced, "20/QĐ-UBND": f.replacing,
		"03/KH-UBND": f.expired, "99/TB-UBND": f.future}
	for _, d := range demoDocuments(t) {
		f.visible = append(f.visible, d.Slug)
		f.byNumber[d.Document.Number] = d.Slug
	}
	return f
}

// demoDocuments returns the demo content's documents, newest issued first.
func demoDocuments(t *testing.T) []*portal.Article {
	t.Helper()
	c, err := demo.Parse()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := c.DocumentsAt(now, demo.MediaBase)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(docs, func(a, b *portal.Article) int {
		return strings.Compare(string(b.Document.IssuedOn), string(a.Document.IssuedOn))
	})
	return docs
}

// docRow is a row of the list as a reader reads it.
type docRow struct {
	Number, Title, Href, Issued, Type, Issuer, State string
}

// documentRows reads the rows of the list page's table.
func documentRows(t *testing.T, p *page) []docRow {
	t.Helper()
	var out []docRow
	for _, tr := range all(p.main(), el("tr")) {
		tds := all(tr, el("td"))
		if len(tds) == 0 {
			continue
		}
		if len(tds) != 6 {
			t.Fatalf("a row of %d cells: %q", len(tds), texts(tds))
		}
		r := docRow{Number: text(tds[0]), Title: text(tds[1]), Issued: text(tds[2]), Type: text(tds[3]), Issuer: text(tds[4]), State: text(tds[5])}
		if links := all(tds[1], el("a")); len(links) == 1 {
			r.Href = attr(links[0], "href")
		}
		if tm := all(tds[2], el("time")); len(tm) != 1 || attr(tm[0], "datetime") == "" {
			t.Errorf("row %s: the date is not a <time datetime>", r.Number)
		}
		if len(all(tds[5], hasClass("span", "state"))) != 1 {
			t.Errorf("row %s: the state is not a badge", r.Number)
		}
		out = append(out, r)
	}
	return out
}

// rowSlugs returns the document slug each row links to.
func rowSlugs(rows []docRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.TrimPrefix(r.Href, "/van-ban/"))
	}
	return out
}

// TestDocumentList reads /van-ban as a reader does: every visible
// document, newest issued first, each row with its number, trích yếu
// linked to its page, date of issue, type, issuer and state; the form's
// filters, alone and together, each answered from the list they name; the
// form keeping what was chosen; and the RSS feed announced.
func TestDocumentList(t *testing.T) {
	e := mustEnv(t, 0)
	seed(t, e.store)
	f := seedDocuments(t, e.store)

	t.Run("all", func(t *testing.T) {
		resp := e.get(t, "/van-ban")
		if resp.StatusCode != 200 || resp.Headers["Cache-Control"] != pageCache {
			t.Fatalf("= %d %q; want 200, cached as pages", resp.StatusCode, resp.Headers["Cache-Control"])
		}
		p := parsePage(t, resp.Body)
		if h1 := text(p.first(el("h1"))); h1 != "Văn bản" {
			t.Errorf("<h1> %q", h1)
		}
		rows := documentRows(t, p)
		if got := rowSlugs(rows); !slices.Equal(got, f.visible) {
			t.Errorf("rows %v; want %v", got, f.visible)
		}
		want := map[string]docRow{
			f.inForce: {"12/QĐ-UBND", "Quyết định ban hành Quy chế cung cấp thông tin trên Cổng thông tin điện tử tỉnh", "/van-ban/" + f.inForce,
				"02/03/2026", "Quyết định", docIssuer, "Còn hiệu lực"},
			f.replaced:      {"05/QĐ-UBND", "Quyết định về quy chế cũ", "/van-ban/" + f.replaced, "10/01/2024", "Quyết định", docIssuer, "Bị thay thế"},
			f.expired:       {"03/KH-UBND", "Kế hoạch tuyên truyền năm 2023", "/van-ban/" + f.expired, "01/02/2023", "Kế hoạch", docIssuer, "Hết hiệu lực"},
			f.future:        {"99/TB-UBND", "Thông báo lịch tiếp công dân năm 2027", "/van-ban/" + f.future, "20/11/2026", "Thông báo", docIssuer, "Chưa có hiệu lực"},
			"04-bc-tu-2020": {"04-BC/TU", "", "/van-ban/04-bc-tu-2020", "30/10/2020", "Báo cáo", "Tỉnh ủy Quảng Nam", "Còn hiệu lực"},
		}
		for _, r := range rows {
			w, ok := want[strings.TrimPrefix(r.Href, "/van-ban/")]
			if !ok {
				continue
			}
			if w.Title == "" {
				w.Title = r.Title // the demo's, checked by the demo's tests
			}
			if r != w {
				t.Errorf("row\n %+v\nwant\n %+v", r, w)
			}
		}
		for _, hidden := range []string{f.draft, f.scheduled} {
			if strings.Contains(resp.Body, hidden) {
				t.Errorf("the list shows hidden %s", hidden)
			}
		}
		feeds := p.all(el("link", "rel", "alternate"))
		if len(feeds) != 1 || attr(feeds[0], "href") != base+"/van-ban/rss.xml" || attr(feeds[0], "type") != "application/rss+xml" {
			t.Errorf("feeds announced: %d; want one, %s/van-ban/rss.xml", len(feeds), base)
		}
		if n := p.first(el("link", "rel", "canonical")); n == nil || attr(n, "href") != base+"/van-ban" {
			t.Errorf("no canonical %s/van-ban", base)
		}
		if p.meta("name", "robots") != "" {
			t.Error("the first page of all documents is noindex")
		}
		form := p.one(t, "filter form", hasClass("form", "doc-filter"))
		if attr(form, "method") != "get" || attr(form, "action") != "/van-ban" {
			t.Errorf("form %s %s; want get /van-ban", attr(form, "method"), attr(form, "action"))
		}
		var types []string
		for _, o := range all(form, el("option")) {
			if n := o.Parent; attr(n, "name") == "loai" && attr(o, "value") != "" {
				types = append(types, attr(o, "value")+"="+text(o))
			}
		}
		var wantTypes []string
		for _, dt := range portal.DocumentTypes {
			wantTypes = append(wantTypes, dt.ID+"="+dt.Name)
		}
		if !slices.Equal(types, wantTypes) {
			t.Errorf("type options %v; want %v", types, wantTypes)
		}
		for _, name := range []string{"so", "loai", "linh-vuc", "co-quan", "nam"} {
			fields := all(form, func(n *html.Node) bool { return (el("input")(n) || el("select")(n)) && attr(n, "name") == name })
			if len(fields) != 1 || p.first(el("label", "for", attr(fields[0], "id"))) == nil {
				t.Errorf("field %s: %d, or without its label", name, len(fields))
			}
		}
	})

	for _, tt := range []struct {
		name, query string
		want        []string
	}{
		{"type", "loai=quyet-dinh", []string{f.inForce, f.replacing, f.replaced, f.byNumber["340-QĐ/TW"]}},
		{"field", "linh-vuc=van-hoa-xa-hoi", []string{f.expired}},
		{"issuer by name", "co-quan=" + url.QueryEscape(docIssuer), []string{f.future, f.inForce, f.replacing, f.replaced, f.expired}},
		{"issuer without diacritics", "co-quan=uy+ban+nhan+dan+tinh+quang+nam", []string{f.future, f.inForce, f.replacing, f.replaced, f.expired}},
		{"year", "nam=2024", []string{f.replaced}},
		{"number", "so=" + url.QueryEscape("12/QĐ-UBND"), []string{f.inForce}},
		{"number as written otherwise", "so=" + url.QueryEscape(" 012 / qđ-ubnd "), []string{f.inForce}},
		{"number is not the same without Đ", "so=" + url.QueryEscape("12/QD-UBND"), nil},
		{"type and year", "loai=quyet-dinh&nam=2025", []string{f.replacing}},
		{"type and issuer", "loai=bao-cao&co-quan=" + url.QueryEscape("Tỉnh ủy Quảng Nam"), []string{f.byNumber["04-BC/TU"]}},
		{"issuer and field", "co-quan=" + url.QueryEscape(docIssuer) + "&linh-vuc=van-hoa-xa-hoi", []string{f.expired}},
		{"nothing matches", "loai=chi-thi&nam=2026", nil},
		{"empty fields are no filter", "so=&loai=&linh-vuc=&co-quan=&nam=", f.visible},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.get(t, "/van-ban?"+tt.query)
			if resp.StatusCode != 200 {
				t.Fatalf("= %d; want 200", resp.StatusCode)
			}
			p := parsePage(t, resp.Body)
			if got := rowSlugs(documentRows(t, p)); !slices.Equal(got, tt.want) {
				t.Errorf("rows %v; want %v", got, tt.want)
			}
			empty := p.first(hasClass("p", "empty"))
			if (empty != nil) != (len(tt.want) == 0) {
				t.Errorf("empty notice %q with %d rows", text(empty), len(tt.want))
			}
			if filtered := tt.name != "empty fields are no filter"; (p.meta("name", "robots") == "noindex") != filtered {
				t.Errorf("noindex %q; want it on a filtered list only", p.meta("name", "robots"))
			}
		})
	}

	t.Run("the form keeps the filters", func(t *testing.T) {
		p := parsePage(t, e.get(t, "/van-ban?so=12%2FQ%C4%90-UBND&loai=quyet-dinh&linh-vuc=chinh-quyen&co-quan=%E1%BB%A6y+ban&nam=2026").Body)
		for id, want := range map[string]string{"vb-so": "12/QĐ-UBND", "vb-co-quan": "Ủy ban", "vb-nam": "2026"} {
			if got := attr(p.one(t, id, el("input", "id", id)), "value"); got != want {
				t.Errorf("%s holds %q; want %q", id, got, want)
			}
		}
		for id, want := range map[string]string{"vb-loai": "quyet-dinh", "vb-linh-vuc": "chinh-quyen"} {
			sel := all(p.one(t, id, el("select", "id", id)), el("option", "selected", ""))
			if len(sel) != 1 || attr(sel[0], "value") != want {
				t.Errorf("%s: %d selected; want %s", id, len(sel), want)
			}
		}
	})
}

// TestDocumentListRefused holds that a filter GET /documents would refuse
// is the form again with the reason in Vietnamese, the field marked, 400
// and never cached, before any read; and that a forged page link is 400
// too.
func TestDocumentListRefused(t *testing.T) {
	e := mustEnv(t, 0)
	seedDocuments(t, e.store)
	e.get(t, "/van-ban") // the sidebar in the instance's cache
	for _, tt := range []struct {
		name, query, field, says string
	}{
		{"unknown type", "loai=bao-cao-mat", "vb-loai", "Loại văn bản này không có trong danh sách"},
		{"unknown field", "linh-vuc=khong-co", "vb-linh-vuc", "Lĩnh vực này không có trong danh sách"},
		{"year of two digits", "nam=20", "vb-nam", "Năm ban hành cần là một năm có 4 chữ số"},
		{"year in words", "nam=hai+ngh%C3%ACn", "vb-nam", "Năm ban hành cần là một năm có 4 chữ số"},
		{"markup as a number", "so=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "vb-so", "Số ký hiệu không hợp lệ"},
		{"number too long", "so=" + strings.Repeat("1", 61), "vb-so", "Số ký hiệu không hợp lệ"},
		{"issuer of punctuation", "co-quan=%21%21%21", "vb-co-quan", "Cơ quan ban hành cần có chữ cái hoặc chữ số"},
		{"issuer too long", "co-quan=" + strings.Repeat("a", 301), "vb-co-quan", "Cơ quan ban hành cần có chữ cái hoặc chữ số"},
		{"a good filter and a bad one", "loai=quyet-dinh&nam=1800", "vb-nam", "Năm ban hành cần là một năm có 4 chữ số"},
		{"forged page link", "sau=eyJmb3JnZWQiOnRydWV9", "", "Liên kết trang này đã cũ hoặc bị sửa"},
		{"empty page link", "sau=", "", "Liên kết trang này đã cũ hoặc bị sửa"},
		{"a filter with an empty page link", "loai=bao-cao&sau=", "", "Liên kết trang này đã cũ hoặc bị sửa"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e.calls.Reset()
			resp := e.get(t, "/van-ban?"+tt.query)
			if resp.StatusCode != 400 || resp.Headers["Cache-Control"] != noStore || resp.Headers["Content-Type"] != htmlType {
				t.Fatalf("= %d %q; want 400, no-store", resp.StatusCode, resp.Headers["Cache-Control"])
			}
			checkSecurity(t, resp)
			if strings.Contains(resp.Body, "<script>alert") {
				t.Error("the page writes the number's markup as markup")
			}
			p := parsePage(t, resp.Body)
			notice := p.one(t, "notice", el("p", "id", "vb-loi"))
			if !strings.Contains(text(notice), tt.says) {
				t.Errorf("notice %q; want %q", text(notice), tt.says)
			}
			invalid := all(p.main(), func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "aria-invalid") == "true" })
			if tt.field == "" && len(invalid) != 0 || tt.field != "" && (len(invalid) != 1 || attr(invalid[0], "id") != tt.field || attr(invalid[0], "aria-describedby") != "vb-loi") {
				t.Errorf("%d fields marked invalid; want %q, described by the notice", len(invalid), tt.field)
			}
			if rows := documentRows(t, p); len(rows) != 0 {
				t.Errorf("%d rows on a refused list", len(rows))
			}
			if p.meta("name", "robots") != "noindex" {
				t.Error("a refused list is not noindex")
			}
			if tt.field != "" && e.calls.Total() != 0 {
				t.Errorf("%d store calls %v for a refused filter; want none", e.calls.Total(), e.calls.Counts())
			}
		})
	}
	// A page link of one list given to another is refused by the store's
	// cursor check, not listed from the start.
	t.Run("a page link moved to another list", func(t *testing.T) {
		seedFiller(t, e.store, documentPageSize+1)
		p := parsePage(t, e.get(t, "/van-ban?loai=cong-van").Body)
		next := p.first(el("a", "rel", "next"))
		if next == nil {
			t.Fatal("no Trang sau on a list of more than a page")
		}
		u, err := url.Parse(attr(next, "href"))
		if err != nil {
			t.Fatal(err)
		}
		resp := e.get(t, "/van-ban?loai=quyet-dinh&sau="+url.QueryEscape(u.Query().Get("sau")))
		if resp.StatusCode != 400 || !strings.Contains(resp.Body, "Liên kết trang này đã cũ hoặc bị sửa") {
			t.Errorf("= %d; want 400 with the page link's reason", resp.StatusCode)
		}
	})
}

// documentPageSize is the site's page of documents.
const documentPageSize = 20

// seedFiller publishes n công văn issued on consecutive days of 2019.
func seedFiller(t *testing.T, s *dynamo.Store, n int) []string {
	t.Helper()
	var slugs []string
	for i := range n {
		number := fmt.Sprintf("%d/CV-VP", i+1)
		key, err := portal.NumberKey(number)
		if err != nil {
			t.Fatal(err)
		}
		issued := portal.Date(time.Date(2019, 1, 1+i, 0, 0, 0, 0, time.UTC).Format(portal.DateLayout))
		publishAt := now.Add(-time.Duration(i+10) * time.Hour)
		a := &portal.Article{ID: fmt.Sprintf("d-cv-%02d", i), Slug: fmt.Sprintf("%d-cv-vp-2019", i+1), Title: fmt.Sprintf("Công văn số %d", i+1),
			Kind: portal.KindDocument, Document: &portal.DocumentMeta{Number: number, NumberKey: key, Type: "cong-van",
				Issuer: "Văn phòng UBND tỉnh", IssuerKey: "van-phong-ubnd-tinh", IssuedOn: issued},
			Status: portal.StatusPublished, PublishAt: &publishAt, CreatedAt: publishAt, UpdatedAt: publishAt, Version: 1}
		if err := s.CreateArticle(t.Context(), a, "tester", now.Add(-time.Hour)); err != nil {
			t.Fatalf("create %s: %v", a.Slug, err)
		}
		slugs = append([]string{a.Slug}, slugs...) // newest issued first
	}
	return slugs
}

// TestDocumentPaging walks a filtered list longer than a page with "Trang
// sau": every document once, newest issued first, the filter kept, the
// later page with a link back to the first; one Query per page.
func TestDocumentPaging(t *testing.T) {
	e := mustEnv(t, 0)
	want := seedFiller(t, e.store, documentPageSize+3)
	e.get(t, "/van-ban") // the sidebar in the instance's cache

	e.calls.Reset()
	p := parsePage(t, e.get(t, "/van-ban?loai=cong-van&nam=2019").Body)
	if c := e.calls.Counts(); !maps.Equal(c, map[string]int{"Query": 1}) {
		t.Errorf("first page: calls %v; want one Query", c)
	}
	first := rowSlugs(documentRows(t, p))
	next := p.first(el("a", "rel", "next"))
	if len(first) != documentPageSize || next == nil || text(next) != "Trang sau »" {
		t.Fatalf("first page: %d rows, next %v; want %d and Trang sau", len(first), next != nil, documentPageSize)
	}
	if p.first(func(n *html.Node) bool { return el("a")(n) && text(n) == "« Trang đầu" }) != nil {
		t.Error("the first page links to the first page")
	}
	u, err := url.Parse(attr(next, "href"))
	if err != nil || u.Path != "/van-ban" || u.Query().Get("loai") != "cong-van" || u.Query().Get("nam") != "2019" || u.Query().Get("sau") == "" {
		t.Fatalf("Trang sau %q; want /van-ban with the filters and sau", attr(next, "href"))
	}

	e.calls.Reset()
	p = parsePage(t, e.get(t, u.RequestURI()).Body)
	if c := e.calls.Counts(); !maps.Equal(c, map[string]int{"Query": 1}) {
		t.Errorf("second page: calls %v; want one Query", c)
	}
	second := rowSlugs(documentRows(t, p))
	if got := append(first, second...); !slices.Equal(got, want) {
		t.Errorf("pages %v + %v; want %v", first, second, want)
	}
	if p.first(el("a", "rel", "next")) != nil {
		t.Error("the last page has Trang sau")
	}
	back := p.first(func(n *html.Node) bool { return el("a")(n) && text(n) == "« Trang đầu" })
	if back == nil || attr(back, "href") != "/van-ban?loai=cong-van&nam=2019" {
		t.Errorf("Trang đầu %v; want /van-ban?loai=cong-van&nam=2019", back)
	}
	if p.meta("name", "robots") != "noindex" {
		t.Error("a later page is indexed")
	}
}

// TestDocumentPage holds that a document's page shows its trích yếu as the
// heading, its facts, state, body, downloads (name, type, size) and its
// links to other documents, each to its page when it has one; and that a
// news article's slug is not a document's page, nor a document's an
// article's.
func TestDocumentPage(t *testing.T) {
	e := mustEnv(t, 0)
	f := seed(t, e.store)
	d := seedDocuments(t, e.store)

	resp := e.get(t, "/van-ban/"+d.inForce)
	if resp.StatusCode != 200 || resp.Headers["Cache-Control"] != pageCache || resp.Headers["ETag"] == "" {
		t.Fatalf("= %d %v; want 200 cached as pages", resp.StatusCode, resp.Headers)
	}
	p := parsePage(t, resp.Body)
	art := p.one(t, "article", el("article"))
	if attr(art, "data-slug") != "" {
		t.Error("the document's page sends the article view beacon")
	}
	if h1 := texts(all(art, el("h1"))); len(h1) != 1 || h1[0] != "Quyết định ban hành Quy chế cung cấp thông tin trên Cổng thông tin điện tử tỉnh" {
		t.Errorf("<h1> %q; want the trích yếu", h1)
	}
	if got := p.first(el("title")); !strings.HasPrefix(text(got), "12/QĐ-UBND: Quyết định ban hành") {
		t.Errorf("<title> %q", text(got))
	}
	crumbs := texts(all(p.one(t, "breadcrumb", el("nav", "class", "crumbs")), el("li")))
	if strings.Join(crumbs, " > ") != "Trang chủ > Văn bản > 12/QĐ-UBND" {
		t.Errorf("breadcrumb %q", crumbs)
	}
	facts := map[string]string{}
	var order []string
	for _, tr := range all(p.one(t, "facts", hasClass("table", "doc-facts")), el("tr")) {
		th, td := all(tr, el("th", "scope", "row")), all(tr, el("td"))
		if len(th) != 1 || len(td) != 1 {
			t.Fatalf("a row of facts without its header: %q", text(tr))
		}
		facts[text(th[0])] = text(td[0])
		order = append(order, text(th[0]))
	}
	wantFacts := map[string]string{"Số ký hiệu": "12/QĐ-UBND", "Loại văn bản": "Quyết định", "Cơ quan ban hành": docIssuer,
		"Người ký": "Lê Văn Thanh", "Ngày ban hành": "02/03/2026", "Ngày có hiệu lực": "02/03/2026", "Lĩnh vực": "Chính quyền",
		"Tình trạng": "Còn hiệu lực"}
	if !maps.Equal(facts, wantFacts) || order[0] != "Số ký hiệu" || order[len(order)-1] != "Tình trạng" {
		t.Errorf("facts %v (%v)\nwant %v", facts, order, wantFacts)
	}
	if s := text(p.first(hasClass("p", "summary"))); s != "Quy chế quy định việc cung cấp, cập nhật và quản lý thông tin trên Cổng." {
		t.Errorf("summary %q", s)
	}
	body := p.one(t, "body", hasClass("div", "body"))
	if len(all(body, el("strong"))) != 1 || !strings.HasPrefix(text(body), "Điều 1.") {
		t.Errorf("body %q; want the document's HTML", text(body))
	}
	downloads := p.section("tai-ve")
	if downloads == nil {
		t.Fatal("no Tải về section")
	}
	var got []string
	for _, li := range all(downloads, el("li")) {
		a := all(li, el("a"))
		if len(a) != 1 {
			t.Fatalf("download %q without one link", text(li))
		}
		got = append(got, attr(a[0], "href")+" "+text(li))
	}
	wantDownloads := []string{
		docAttachments[0].URL + " Quyết định số 12/QĐ-UBND.pdf (PDF, 1,2 MB)",
		docAttachments[1].URL + " Phụ lục kèm theo.docx (DOCX, 51 KB)",
	}
	if !slices.Equal(got, wantDownloads) {
		t.Errorf("downloads\n %q\nwant\n %q", got, wantDownloads)
	}
	links := p.section("van-ban-lien-ket")
	if links == nil {
		t.Fatal("no links to other documents")
	}
	if got := texts(all(links, el("h3"))); !slices.Equal(got, []string{"Sửa đổi, bổ sung", "Văn bản liên quan"}) {
		t.Errorf("link groups %q", got)
	}
	if got := hrefs(links); !slices.Equal(got, []string{"/van-ban/" + d.replacing}) {
		t.Errorf("links %q; want the amended document's page only (the related one is not published)", got)
	}
	if !strings.Contains(text(links), "01/HD-UBND: Hướng dẫn chưa đăng") {
		t.Errorf("links %q; want the unpublished one named", text(links))
	}
	back := all(art, func(n *html.Node) bool { return el("a")(n) && text(n) == "[Trở về]" })
	if len(back) != 1 || attr(back[0], "href") != "/van-ban" {
		t.Errorf("[Trở về]: %d; want one to /van-ban", len(back))
	}

	t.Run("replaced", func(t *testing.T) {
		p := parsePage(t, e.get(t, "/van-ban/"+d.replaced).Body)
		links := p.section("van-ban-lien-ket")
		if links == nil {
			t.Fatal("no links")
		}
		if got := texts(all(links, el("h3"))); !slices.Equal(got, []string{"Bị thay thế bởi"}) || !slices.Equal(hrefs(links), []string{"/van-ban/" + d.replacing}) {
			t.Errorf("groups %q, links %q; want Bị thay thế bởi the replacing document", got, hrefs(links))
		}
		if s := text(p.first(hasClass("span", "state"))); s != "Bị thay thế" {
			t.Errorf("state %q", s)
		}
		if p.section("tai-ve") != nil || p.first(hasClass("div", "body")) != nil {
			t.Error("a document without attachments or body shows them")
		}
	})
	t.Run("replacing", func(t *testing.T) {
		p := parsePage(t, e.get(t, "/van-ban/"+d.replacing).Body)
		links := p.section("van-ban-lien-ket")
		if links == nil || !slices.Equal(texts(all(links, el("h3"))), []string{"Thay thế"}) || !slices.Equal(hrefs(links), []string{"/van-ban/" + d.replaced}) {
			t.Errorf("links %q; want Thay thế the replaced document", hrefs(links))
		}
	})

	t.Run("renamed", func(t *testing.T) {
		// The expired plan's slug changed and it was published again: its
		// old address answers 301 to its page under /van-ban/.
		ctx := t.Context()
		a, err := e.store.ArticleByID(ctx, "d-expired")
		if err != nil {
			t.Fatal(err)
		}
		ed := a.EditOf()
		ed.Slug = "ke-hoach-tuyen-truyen-2023"
		edited, err := a.Apply(ed, "tester", now.Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.SaveArticle(ctx, portal.ArticleChange{Before: a, After: edited, Action: "update", Actor: "tester", Now: now.Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
		published, err := edited.Publish(nil, nil, "tester", now.Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.SaveArticle(ctx, portal.ArticleChange{Before: edited, After: published, Action: "publish", Actor: "tester", Now: now.Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
		resp := e.get(t, "/van-ban/"+d.expired)
		if resp.StatusCode != 301 || resp.Headers["Location"] != "/van-ban/ke-hoach-tuyen-truyen-2023" {
			t.Errorf("old slug = %d Location %q; want 301 to /van-ban/ke-hoach-tuyen-truyen-2023", resp.StatusCode, resp.Headers["Location"])
		}
		if resp := e.get(t, "/van-ban/ke-hoach-tuyen-truyen-2023"); resp.StatusCode != 200 {
			t.Errorf("new slug = %d; want 200", resp.StatusCode)
		}
	})

	for _, tt := range []struct{ name, target string }{
		{"an article at /van-ban/", "/van-ban/" + demoSlug},
		{"another article at /van-ban/", "/van-ban/" + f.plain},
		{"a document at /bai-viet/", "/bai-viet/" + d.inForce},
		{"a demo document at /bai-viet/", "/bai-viet/04-bc-tu-2020"},
		{"a draft document", "/van-ban/" + d.draft},
		{"a scheduled document", "/van-ban/" + d.scheduled},
		{"no such document", "/van-ban/khong-co"},
		{"malformed slug", "/van-ban/Khong_Hop_Le"},
		{"extra segment", "/van-ban/" + d.inForce + "/x"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.get(t, tt.target)
			if resp.StatusCode != 404 || resp.Headers["Cache-Control"] != notFoundCache {
				t.Errorf("= %d %q; want the 404 page", resp.StatusCode, resp.Headers["Cache-Control"])
			}
		})
	}
}

// TestArticleSourceLink holds that an article's "Nguồn" links to the page
// of the published document it names, its text the source as written, and
// stays text when it names none.
func TestArticleSourceLink(t *testing.T) {
	e := mustEnv(t, 0)
	f := seed(t, e.store)
	d := seedDocuments(t, e.store)
	for _, tt := range []struct {
		slug, text, href string
	}{
		{d.source, "Nguồn: Quyết định số 12/QĐ-UBND, ngày 02/03/2026 của UBND tỉnh", "/van-ban/" + d.inForce},
		{demoSlug, "", "/van-ban/04-bc-tu-2020"},
		{f.plain, "Nguồn: Ban Tuyên giáo", ""},
	} {
		t.Run(tt.slug, func(t *testing.T) {
			p := parsePage(t, e.get(t, "/bai-viet/"+tt.slug).Body)
			src := p.one(t, "source", hasClass("p", "source"))
			if tt.text != "" && text(src) != tt.text {
				t.Errorf("source %q; want %q", text(src), tt.text)
			}
			links := all(src, el("a"))
			switch {
			case tt.href == "" && len(links) != 0:
				t.Errorf("source links %q; want none", hrefs(src))
			case tt.href != "" && (len(links) != 1 || attr(links[0], "href") != tt.href || "Nguồn: "+text(links[0]) != text(src)):
				t.Errorf("source links %q; want the whole source linked to %s", hrefs(src), tt.href)
			}
		})
	}
}

// TestDocumentFeed parses /van-ban/rss.xml: the visible documents, newest
// issued first, each linking its page; and holds that no document is in
// the news: the site's and categories' feeds, the home page and most read
// link none. The sitemap lists the visible ones, not a draft or a
// scheduled one.
func TestDocumentFeed(t *testing.T) {
	e := mustEnv(t, 0)
	f := seed(t, e.store)
	d := seedDocuments(t, e.store)

	feed := e.readFeed(t, "/van-ban/rss.xml")
	if feed.Title != "Văn bản - "+site.DemoConfig().Name || feed.Link != base+"/van-ban" || feed.FeedLink != base+"/van-ban/rss.xml" || feed.Language != "vi" {
		t.Errorf("channel %q %q self %q lang %q", feed.Title, feed.Link, feed.FeedLink, feed.Language)
	}
	var got []string
	for _, it := range feed.Items {
		got = append(got, strings.TrimPrefix(it.Link, base+"/van-ban/"))
		if it.GUID != it.Link || !strings.HasPrefix(it.Link, base+"/van-ban/") || it.PublishedParsed == nil || !strings.HasSuffix(it.Published, " +0700") {
			t.Errorf("item %q: link %q guid %q pubDate %q", it.Title, it.Link, it.GUID, it.Published)
		}
	}
	if !slices.Equal(got, d.visible) {
		t.Errorf("items %v; want %v", got, d.visible)
	}
	if it := feed.Items[1]; it.Title != "12/QĐ-UBND: Quyết định ban hành Quy chế cung cấp thông tin trên Cổng thông tin điện tử tỉnh" ||
		it.Description != "Quy chế quy định việc cung cấp, cập nhật và quản lý thông tin trên Cổng." || !slices.Equal(it.Categories, []string{"Quyết định"}) {
		t.Errorf("item %q %q %q", it.Title, it.Description, it.Categories)
	}
	if it := feed.Items[0]; it.Description != "Thông báo số 99/TB-UBND ngày 20/11/2026 của "+docIssuer+"." {
		t.Errorf("item without a summary: description %q", it.Description)
	}

	documents := append(slices.Clone(d.visible), d.draft, d.scheduled)
	sitemap := e.get(t, "/sitemap.xml").Body
	for _, s := range d.visible {
		if !strings.Contains(sitemap, "<loc>"+base+"/van-ban/"+s+"</loc>") {
			t.Errorf("the sitemap lacks document %s", s)
		}
	}
	for _, s := range []string{d.draft, d.scheduled} {
		if strings.Contains(sitemap, "/"+s+"<") {
			t.Errorf("the sitemap lists %s, which readers cannot see", s)
		}
	}
	for _, target := range []string{"/", "/rss.xml", "/chuyen-muc/" + demoCat, "/chuyen-muc/" + demoCat + "/rss.xml", "/doc-nhieu?ky=ngay"} {
		t.Run(target, func(t *testing.T) {
			resp := e.get(t, target)
			if resp.StatusCode != 200 {
				t.Fatalf("= %d", resp.StatusCode)
			}
			for _, s := range documents {
				if strings.Contains(resp.Body, "/"+s) {
					t.Errorf("%s links document %s", target, s)
				}
			}
			if target == "/" && !strings.Contains(resp.Body, "/bai-viet/"+f.cover) {
				t.Error("the home page lists no article: the check is void")
			}
		})
	}
}

// TestPreviewDocument holds that the preview of a document (kind document)
// is its page as /van-ban/{slug} will show it once published: the fields
// cleaned as a save cleans them, the attachments named from the media
// library, a published linked document linked to its page and an
// unpublished one named by its id; nothing written, never cached; and
// that what a save refuses, the preview refuses (400).
func TestPreviewDocument(t *testing.T) {
	e := mustEnv(t, 0)
	d := seedDocuments(t, e.store)
	in := map[string]any{
		"kind": "document", "title": "Quyết định về việc <b>thử</b> xem trước", "summary": "Tóm tắt văn bản",
		"body": `<p onclick="x()">Điều 1. Nội dung.</p><script>alert(1)</script>`,
		"document": map[string]any{
			"number": "15/QĐ-UBND", "type": "quyet-dinh", "issuer": docIssuer, "signer": "Lê Văn Thanh",
			"issuedOn": "2026-11-20", "effectiveOn": "2026-12-01", "fields": []string{"chinh-quyen"},
			"attachments": []string{docAttachments[0].ID}, "amends": []string{"d-in-force"}, "related": []string{"d-draft"},
		},
	}
	body, _ := json.Marshal(in)
	e.calls.Reset()
	resp := serve(t, e.h, previewRequest(t, "editor", string(body)))
	if resp.StatusCode != http.StatusOK || resp.Headers["Cache-Control"] != apigw.NoStore || resp.Headers["Content-Type"] != htmlType {
		t.Fatalf("preview = %d %v %.300s; want 200, HTML, no-store", resp.StatusCode, resp.Headers, resp.Body)
	}
	for op := range e.calls.Counts() {
		if !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "BatchGet") && op != "Query" {
			t.Errorf("preview called %s; want reads only (%v)", op, e.calls.Counts())
		}
	}
	p := parsePage(t, resp.Body)
	if p.meta("name", "robots") != "noindex" {
		t.Error("the preview is indexable")
	}
	if h1 := text(p.one(t, "h1", el("h1"))); h1 != "Quyết định về việc thử xem trước" {
		t.Errorf("<h1> %q; want the title cleaned as a save cleans it", h1)
	}
	for _, bad := range []string{"<script>alert", "onclick", "<b>thử</b>"} {
		if strings.Contains(resp.Body, bad) {
			t.Errorf("preview keeps %q, which a save drops", bad)
		}
	}
	facts := text(p.one(t, "facts", hasClass("table", "doc-facts")))
	for _, want := range []string{"Số ký hiệu 15/QĐ-UBND", "Loại văn bản Quyết định", "Ngày ban hành 20/11/2026", "Ngày có hiệu lực 01/12/2026",
		"Tình trạng Chưa có hiệu lực"} {
		if !strings.Contains(facts, want) {
			t.Errorf("facts %q lack %q", facts, want)
		}
	}
	if got := text(p.section("tai-ve")); !strings.Contains(got, "Quyết định số 12/QĐ-UBND.pdf (PDF, 1,2 MB)") {
		t.Errorf("downloads %q; want the attachment named from the library", got)
	}
	links := p.section("van-ban-lien-ket")
	if links == nil || !slices.Equal(hrefs(links), []string{"/van-ban/" + d.inForce}) || !strings.Contains(text(links), "d-draft: (văn bản chưa đăng)") {
		t.Errorf("links %q %q; want the amended document's page and the unpublished one by id", hrefs(links), text(links))
	}

	for _, c := range []struct{ name, document string }{
		{"effective before issued", `{"number":"16/QĐ-UBND","type":"quyet-dinh","issuer":"UBND tỉnh","issuedOn":"2026-11-20","effectiveOn":"2026-11-01"}`},
		{"unknown type", `{"number":"16/QĐ-UBND","type":"sac-lenh","issuer":"UBND tỉnh","issuedOn":"2026-11-20"}`},
		{"a missing attachment", `{"number":"16/QĐ-UBND","type":"quyet-dinh","issuer":"UBND tỉnh","issuedOn":"2026-11-20","attachments":["khong-co-tep"]}`},
		{"no document part", ``},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := `{"kind":"document","title":"Văn bản"`
			if c.document != "" {
				body += `,"document":` + c.document
			}
			resp := serve(t, e.h, previewRequest(t, "editor", body+"}"))
			if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Headers["Content-Type"], "application/json") {
				t.Errorf("= %d %s; want a JSON 400", resp.StatusCode, resp.Body)
			}
		})
	}
}
