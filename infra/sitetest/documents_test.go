package sitetest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"eportal/infra/browser"
	"eportal/internal/dynamo"
	"eportal/internal/portal"
	"eportal/internal/slug"
)

// The demo content's report, the sample article's source.
const (
	reportSlug   = "04-bc-tu-2020"
	reportPath   = "/van-ban/" + reportSlug
	reportNumber = "04-BC/TU"
)

var (
	documents = sitePage{"documents", "/van-ban"}
	document  = sitePage{"document", reportPath}
)

// docIssuer issues the documents seedDocuments adds.
const docIssuer = "Ủy ban nhân dân tỉnh Quảng Nam"

// seedDocuments publishes, beside the demo content's three documents (in
// force), one document in each other state on the day of now: one replaced
// by another, one expired and one not yet in force, so that the list shows
// every state.
func seedDocuments(ctx context.Context, s *dynamo.Store, now time.Time) error {
	y := now.In(portal.Vietnam).Year()
	date := func(year int, month time.Month, day int) portal.Date {
		return portal.Date(time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Format(portal.DateLayout))
	}
	mk := func(id, number, typ, title string, issued, effective, expires portal.Date, fields ...string) *portal.Article {
		key, _ := portal.NumberKey(number)
		at := now.Add(-time.Hour)
		return &portal.Article{ID: id, Slug: slug.Make(number + " " + string(issued[:4])), Title: title, Kind: portal.KindDocument,
			Document: &portal.DocumentMeta{Number: number, NumberKey: key, Type: typ, Issuer: docIssuer, IssuerKey: slug.Make(docIssuer),
				Signer: "Chủ tịch UBND tỉnh", IssuedOn: issued, EffectiveOn: effective, ExpiresOn: expires, Fields: fields},
			Status: portal.StatusPublished, PublishAt: &at, CreatedAt: at, UpdatedAt: at, Version: 1}
	}
	replaced := mk("vbsitetest05qd", "05/QĐ-UBND", "quyet-dinh", "Quyết định ban hành Quy chế quản lý Cổng thông tin điện tử tỉnh",
		date(y-2, 1, 10), date(y-2, 1, 20), "", "chinh-quyen")
	replacing := mk("vbsitetest20qd", "20/QĐ-UBND", "quyet-dinh", "Quyết định ban hành Quy chế quản lý Cổng thông tin điện tử tỉnh (thay thế Quyết định số 05/QĐ-UBND)",
		date(y-1, 6, 1), date(y-1, 6, 15), "", "chinh-quyen")
	replacing.Document.Replaces = []portal.DocumentRef{{ID: replaced.ID, Number: replaced.Document.Number, Title: replaced.Title, Slug: replaced.Slug}}
	expired := mk("vbsitetest03kh", "03/KH-UBND", "ke-hoach", "Kế hoạch tuyên truyền, phổ biến giáo dục pháp luật",
		date(y-3, 2, 1), "", date(y-3, 12, 31), "van-hoa-xa-hoi")
	issued := portal.Date(now.In(portal.Vietnam).AddDate(0, 0, -5).Format(portal.DateLayout))
	future := mk("vbsitetest99tb", "99/TB-UBND", "thong-bao", "Thông báo lịch tiếp công dân định kỳ của lãnh đạo UBND tỉnh",
		issued, date(y+1, 1, 1), "", "chinh-quyen")
	for _, a := range []*portal.Article{replaced, replacing, expired, future} {
		if err := s.CreateArticle(ctx, a, "sitetest", now.Add(-time.Hour)); err != nil {
			return fmt.Errorf("document %s: %w", a.Document.Number, err)
		}
	}
	return nil
}

// listRow is a row of the documents' list as the browser renders it.
type listRow struct {
	Number string `json:"number"`
	Href   string `json:"href"`
	State  string `json:"state"`
}

// listRows reads the rows of the list in p.
func listRows(t *testing.T, p *browser.Page) []listRow {
	t.Helper()
	var rows []listRow
	if err := p.Eval(t.Context(), `[...document.querySelectorAll(".doc-table tbody tr")].map(tr => ({
		number: tr.querySelector(".doc-number").innerText.trim(),
		href: tr.querySelector(".doc-title a").getAttribute("href"),
		state: tr.querySelector(".state").innerText.trim()}))`, &rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

func numbers(rows []listRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Number)
	}
	return out
}

// TestDocuments reads the Văn bản pages as a reader does, without
// JavaScript on a phone and with it on a desktop: the list, newest issued
// first with each state in words; the form's filters chosen and typed,
// submitted with the button and with Enter; a refused year with its reason;
// a document's page from the list, with its facts and its download, which
// the media store serves as an attachment; and the sample article's
// "Nguồn", which leads to the report's page.
func TestDocuments(t *testing.T) {
	t.Parallel()
	s := mustSite(t)
	for _, tc := range []struct {
		scripts bool
		width   int
	}{{false, phoneWidth}, {true, desktopWidth}} {
		t.Run(fmt.Sprintf("javascript=%v,width=%d", tc.scripts, tc.width), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			p := s.open(t, documents.path, browser.PageOptions{Width: tc.width, JavaScript: tc.scripts})
			if h1 := text(t, p, "main h1"); h1 != "Văn bản" {
				t.Errorf("<h1> %q", h1)
			}
			rows := listRows(t, p)
			want := []string{"99/TB-UBND", "20/QĐ-UBND", "05/QĐ-UBND", "03/KH-UBND", reportNumber, "340-QĐ/TW", "17-CT/TW"}
			if !slices.Equal(numbers(rows), want) {
				t.Errorf("rows %q; want %q", numbers(rows), want)
			}
			states := map[string]string{}
			for _, r := range rows {
				states[r.Number] = r.State
			}
			for number, state := range map[string]string{"99/TB-UBND": "Chưa có hiệu lực", "20/QĐ-UBND": "Còn hiệu lực",
				"05/QĐ-UBND": "Bị thay thế", "03/KH-UBND": "Hết hiệu lực", reportNumber: "Còn hiệu lực"} {
				if states[number] != state {
					t.Errorf("%s: state %q; want %q", number, states[number], state)
				}
			}
			// The menu leads here.
			var menu bool
			if err := p.Eval(ctx, `[...document.querySelectorAll("nav.menu a")].some(a => a.textContent === "Văn bản" && a.getAttribute("href") === "/van-ban")`, &menu); err != nil || !menu {
				t.Errorf("no Văn bản in the menu: %v", err)
			}

			// A type chosen in the form, submitted with the button.
			if err := p.Eval(ctx, `document.querySelector("#vb-loai").value = "quyet-dinh"`, nil); err != nil {
				t.Fatal(err)
			}
			if status, err := p.ClickNavigate(ctx, ".doc-filter button[type=submit]"); err != nil || status != http.StatusOK {
				t.Fatalf("submit the type: %d, %v", status, err)
			}
			if got := numbers(listRows(t, p)); !slices.Equal(got, []string{"20/QĐ-UBND", "05/QĐ-UBND", "340-QĐ/TW"}) {
				t.Errorf("Quyết định: rows %q", got)
			}
			var chosen string
			if err := p.Eval(ctx, `document.querySelector("#vb-loai").selectedOptions[0].text`, &chosen); err != nil || chosen != "Quyết định" {
				t.Errorf("the form shows type %q, %v; want Quyết định", chosen, err)
			}

			// A number typed as readers type it, submitted with Enter.
			s.load(t, p, documents.path)
			if err := p.Type(ctx, "#vb-so", "4-bc/tu"); err != nil {
				t.Fatal(err)
			}
			if status, err := p.PressNavigate(ctx, "\r"); err != nil || status != http.StatusOK {
				t.Fatalf("submit the number: %d, %v", status, err)
			}
			rows = listRows(t, p)
			if len(rows) != 1 || rows[0].Number != reportNumber || rows[0].Href != reportPath {
				t.Fatalf("number 4-bc/tu: rows %+v; want %s alone", rows, reportNumber)
			}

			// A year that is no year: the form again, with the reason.
			s.load(t, p, documents.path)
			if err := p.Type(ctx, "#vb-nam", "20"); err != nil {
				t.Fatal(err)
			}
			if status, err := p.ClickNavigate(ctx, ".doc-filter button[type=submit]"); err != nil || status != http.StatusBadRequest {
				t.Fatalf("submit year 20: %d, %v; want 400", status, err)
			}
			if notice := text(t, p, "#vb-loi"); !strings.Contains(notice, "Năm ban hành cần là một năm có 4 chữ số") {
				t.Errorf("notice %q", notice)
			}
			var field struct {
				Value   string `json:"value"`
				Invalid string `json:"invalid"`
			}
			if err := p.Eval(ctx, `(f => ({value: f.value, invalid: f.getAttribute("aria-invalid")}))(document.querySelector("#vb-nam"))`, &field); err != nil ||
				field.Value != "20" || field.Invalid != "true" {
				t.Errorf("the year field %+v, %v; want 20 kept and marked invalid", field, err)
			}

			// The report's page, from the list.
			s.load(t, p, "/van-ban?so=04-BC%2FTU")
			if status, err := p.ClickNavigate(ctx, `.doc-table a[href="`+reportPath+`"]`); err != nil || status != http.StatusOK {
				t.Fatalf("open the report: %d, %v", status, err)
			}
			if u, _ := p.URL(ctx); u != s.URL+reportPath {
				t.Errorf("landed on %s; want %s", u, reportPath)
			}
			facts := text(t, p, ".doc-facts")
			for _, want := range []string{"Số ký hiệu\t04-BC/TU", "Loại văn bản\tBáo cáo", "Cơ quan ban hành\tTỉnh ủy Quảng Nam",
				"Ngày ban hành\t30/10/2020", "Tình trạng\tCòn hiệu lực"} {
				if !strings.Contains(facts, want) {
					t.Errorf("facts lack %q:\n%s", want, facts)
				}
			}
			var dl struct {
				Href string `json:"href"`
				Text string `json:"text"`
			}
			if err := p.Eval(ctx, `(li => ({href: li.querySelector("a").getAttribute("href"), text: li.innerText}))(document.querySelector(".downloads li"))`, &dl); err != nil {
				t.Fatal(err)
			}
			if dl.Text != "Báo cáo số 04-BC-TU.pdf (PDF, 1 KB)" || !strings.HasPrefix(dl.Href, "/media/") {
				t.Errorf("download %q at %q; want the PDF with its type and size", dl.Text, dl.Href)
			}
			checkDownload(t, s.URL+dl.Href)
			var related []string
			if err := p.Eval(ctx, `[...document.querySelectorAll(".doc-links a")].map(a => a.getAttribute("href"))`, &related); err != nil ||
				!slices.Equal(related, []string{"/van-ban/340-qd-tw-2010", "/van-ban/17-ct-tw-2007"}) {
				t.Errorf("related documents %q, %v", related, err)
			}

			// The sample article's source leads to the report.
			s.load(t, p, articlePath)
			if status, err := p.ClickNavigate(ctx, ".source a"); err != nil || status != http.StatusOK {
				t.Fatalf("follow Nguồn: %d, %v", status, err)
			}
			if u, _ := p.URL(ctx); u != s.URL+reportPath {
				t.Errorf("Nguồn led to %s; want %s", u, reportPath)
			}
			for _, e := range p.ConsoleErrors() {
				if !strings.Contains(e, "status of 400") || !strings.Contains(e, "nam=20") { // the refused year's page is a 400
					t.Errorf("console error: %q", e)
				}
			}
		})
	}
}

// checkDownload fetches an attachment as the browser's link would: the PDF,
// served as an attachment.
func checkDownload(t *testing.T, u string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if cd := resp.Header.Get("Content-Disposition"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(cd, "attachment;") ||
		resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(body), "%PDF-") {
		t.Errorf("GET %s = %d, %q, %q, %.8q; want the PDF as an attachment", u, resp.StatusCode, resp.Header.Get("Content-Type"), cd, body)
	}
}
