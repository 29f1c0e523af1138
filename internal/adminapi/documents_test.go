package adminapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/portal"
)

// doc is the body of a document create: number and dates as given, the
// rest valid, extra JSON fields of the document part appended.
func doc(number, issued, extra string) string {
	return `{"kind":"document","title":"Về việc tổ chức hội nghị báo cáo viên","document":{"number":"` + number +
		`","type":"thong-bao","issuer":"Tỉnh ủy Quảng Nam","issuedOn":"` + issued + `"` + extra + `}}`
}

// TestDocumentInput: a document is created through the articles' route;
// every refused document — bad dates, type, field, number, attachment,
// link, kind — is 400 and a taken number 409, each before any write, and
// the desk stays as it was.
func TestDocumentInput(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	for _, m := range []*portal.Media{
		{ID: "anhanhanhanhanh2", Kind: portal.MediaImage, FileName: "anh.png", ContentType: "image/png", Status: portal.MediaReady, URL: "/media/anhanhanhanhanh2/1280"},
		{ID: "tepchuaxongtep22", Kind: portal.MediaFile, FileName: "cho.pdf", ContentType: "application/pdf", Status: portal.MediaPending},
		// An HTML page named .pdf: the processor found it is no PDF.
		{ID: "tepgiamaotep2222", Kind: portal.MediaFile, FileName: "quyet-dinh.pdf", ContentType: "application/pdf", Status: portal.MediaRejected, Reason: "The file is HTML, not a PDF."},
	} {
		m.CreatedAt, m.UpdatedAt = now, now
		if err := e.store.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	start := e.deskSize(t)
	for _, tt := range []struct {
		name, body string
		status     int
	}{
		{"effective before issued", doc("15-TB/TU", "2026-11-20", `,"effectiveOn":"2026-11-19"`), 400},
		{"expires before effective", doc("15-TB/TU", "2026-11-20", `,"effectiveOn":"2026-11-21","expiresOn":"2026-11-21"`), 400},
		{"no date of issue", doc("15-TB/TU", "", ""), 400},
		{"not a date", doc("15-TB/TU", "20/11/2026", ""), 400},
		{"31 February", doc("15-TB/TU", "2026-02-31", ""), 400},
		{"unknown type", strings.Replace(doc("15-TB/TU", "2026-11-20", ""), "thong-bao", "luat", 1), 400},
		{"unknown field", doc("15-TB/TU", "2026-11-20", `,"fields":["the-thao"]`), 400},
		{"four fields", doc("15-TB/TU", "2026-11-20", `,"fields":["kinh-te","y-te","giao-duc","chinh-quyen"]`), 400},
		{"a character no number has", doc("15#TB/TU", "2026-11-20", ""), 400},
		{"no number", doc("", "2026-11-20", ""), 400},
		{"no issuer", strings.Replace(doc("15-TB/TU", "2026-11-20", ""), "Tỉnh ủy Quảng Nam", "", 1), 400},
		{"unknown document field", doc("15-TB/TU", "2026-11-20", `,"state":"con-hieu-luc"`), 400},
		{"replacedBy is the store's", doc("15-TB/TU", "2026-11-20", `,"replacedBy":["vb0004bctu2020"]`), 400},
		{"an image attached", doc("15-TB/TU", "2026-11-20", `,"attachments":["anhanhanhanhanh2"]`), 400},
		{"a file not ready", doc("15-TB/TU", "2026-11-20", `,"attachments":["tepchuaxongtep22"]`), 400},
		{"a file that is not what its name says", doc("15-TB/TU", "2026-11-20", `,"attachments":["tepgiamaotep2222"]`), 400},
		{"no such file", doc("15-TB/TU", "2026-11-20", `,"attachments":["khongcotepnay222"]`), 400},
		{"link to a news article", doc("15-TB/TU", "2026-11-20", `,"related":["a7k2m9q4x1"]`), 400},
		{"link to nothing", doc("15-TB/TU", "2026-11-20", `,"replaces":["khong-co"]`), 400},
		{"linked twice", doc("15-TB/TU", "2026-11-20", `,"replaces":["vb0340qdtw2010"],"related":["vb0340qdtw2010"]`), 400},
		{"six replaced", doc("15-TB/TU", "2026-11-20", `,"replaces":["a","b","c","d","e","f"]`), 400},
		{"unknown kind", `{"kind":"luat","title":"x"}`, 400},
		{"document part on an article", `{"title":"x","document":{"number":"1"}}`, 400},
		{"kind without its part", `{"kind":"document","title":"x"}`, 400},
		{"04-BC/TU of 2020 exists", doc("4-bc/tu", "2020-03-01", ""), 409},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e.calls.Reset()
			resp, _ := e.do(t, call{role: "editor", method: "POST", route: "/admin/articles", body: tt.body})
			if resp.StatusCode != tt.status {
				t.Errorf("= %d %.300s; want %d", resp.StatusCode, resp.Body, tt.status)
			}
			if c := e.calls.Counts(); c["TransactWriteItems"] != 0 && tt.status == 400 {
				t.Errorf("refused document reached a write: %v", c)
			}
		})
	}
	if got := e.deskSize(t); got != start {
		t.Errorf("desk has %d entries after refused creates; want %d", got, start)
	}

	// A valid one: attachment and links resolved; the slug from its number.
	resp, b := e.do(t, call{role: "editor", method: "POST", route: "/admin/articles",
		body: doc("04-BC/TU", "2021-01-04", `,"effectiveOn":"2021-01-04","fields":["xay-dung-dang"],"attachments":["baocaosobonbctua"],"related":["vb0004bctu2020"]`)})
	if resp.StatusCode != 201 {
		t.Fatalf("create = %d %s", resp.StatusCode, resp.Body)
	}
	var a portal.Article
	if err := json.Unmarshal([]byte(resp.Body), &a); err != nil {
		t.Fatal(err)
	}
	if a.Slug != "04-bc-tu-2021" || a.Kind != portal.KindDocument || a.Document.NumberKey != "4-BC/TU" ||
		len(a.Document.Attachments) != 1 || a.Document.Attachments[0].Name != "Báo cáo số 04-BC-TU.pdf" ||
		len(a.Document.Related) != 1 || a.Document.Related[0].Number != "04-BC/TU" || a.Document.Related[0].Slug != "04-bc-tu-2020" {
		t.Errorf("created = %s", resp.Body)
	}
	_ = b
	id, tag := a.ID, resp.Headers["ETag"]
	put := func(body, etag string) (int, string) {
		t.Helper()
		resp, _ := e.do(t, call{role: "editor", method: "PUT", route: "/admin/articles/{id}", params: map[string]string{"id": id}, body: body, headers: map[string]string{"If-Match": etag}})
		return resp.StatusCode, resp.Body
	}
	if st, body := put(doc("04-BC/TU", "2021-01-04", `,"replaces":["`+id+`"]`), tag); st != 400 {
		t.Errorf("replacing itself = %d %s; want 400", st, body)
	}
	// Another document replaces this one; this one replacing it back is a cycle.
	resp, other := e.do(t, call{role: "editor", method: "POST", route: "/admin/articles", body: doc("16-TB/TU", "2021-02-01", `,"replaces":["`+id+`"]`)})
	if resp.StatusCode != 201 {
		t.Fatalf("create = %d %s", resp.StatusCode, resp.Body)
	}
	if st, body := put(doc("04-BC/TU", "2021-01-04", `,"replaces":["`+other["id"].(string)+`"]`), tag); st != 400 || !strings.Contains(body, "chain") {
		t.Errorf("a replacement cycle = %d %s; want 400 naming the chain", st, body)
	}
	if st, body := put(`{"title":"Bài thường"}`, tag); st != 400 {
		t.Errorf("a document saved as a news article = %d %s; want 400", st, body)
	}
	if st, body := put(doc("04-BC/TU", "2020-06-01", ""), tag); st != 409 {
		t.Errorf("moved into 04-BC/TU's year 2020 = %d %s; want 409", st, body)
	}
	if st, body := put(doc("04-BC/TU", "2021-01-04", `,"signer":"Nguyễn Văn A"`), tag); st != 200 {
		t.Errorf("a valid edit = %d %s", st, body)
	}
	resp, _ = e.do(t, call{role: "editor", method: "PUT", route: "/admin/articles/{id}", params: map[string]string{"id": "a7k2m9q4x1"},
		body: doc("99-TB/TU", "2021-01-04", ""), headers: map[string]string{"If-Match": `"1"`}})
	if resp.StatusCode != 400 {
		t.Errorf("a news article saved as a document = %d %s; want 400", resp.StatusCode, resp.Body)
	}
}

// TestSourceLinksDocument: publishing a news article whose source names a
// published document's number and year records the document on the
// article; readers get it with the article.
func TestSourceLinksDocument(t *testing.T) {
	e := mustEnv(t)
	// The demo article was loaded with its source resolved.
	resp, _ := apigwtest.Serve(t, e.read, apigwtest.Call{Method: "GET", Route: "/articles/{slug}",
		Params: map[string]string{"slug": "day-manh-thuc-hien-cung-cap-thong-tin-phuc-vu-cong-tac-tuyen-truyen-mieng-cua-dang"}}.Request(apigw.Request{}))
	if !strings.Contains(resp.Body, `"sourceDocument":{"id":"vb0004bctu2020","number":"04-BC/TU"`) {
		t.Errorf("the demo article = %.400s; want its sourceDocument 04-BC/TU", resp.Body)
	}
	for _, tt := range []struct{ source, want string }{
		{"Báo cáo số 04-BC/TU, ngày 30/10/2020 của Tỉnh ủy Quảng Nam", "vb0004bctu2020"},
		{"Quyết định số 340-QĐ/TW", "vb0340qdtw2010"},
		{"Báo cáo số 04-BC/TU, ngày 30/10/2019", ""}, // no such number that year
		{"Công văn số 99/UBND", ""},
		{"Báo Quảng Nam", ""},
	} {
		body := fmt.Sprintf(`{"title":"Tin có nguồn","source":%q}`, tt.source)
		id, _ := e.create(t, body)
		resp, b := e.act(t, "publisher", id, "publish", "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("publish = %d %s", resp.StatusCode, resp.Body)
		}
		got := ""
		if sd, ok := b["sourceDocument"].(map[string]any); ok {
			got = sd["id"].(string)
		}
		if got != tt.want {
			t.Errorf("source %q: sourceDocument = %q; want %q", tt.source, got, tt.want)
		}
	}
}
