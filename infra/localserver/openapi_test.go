package localserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"eportal/infra/demo"
	"eportal/infra/localserver"
	"eportal/infra/tables"
	"eportal/internal/apigw"
	"eportal/internal/docfile/docfiletest"
	"eportal/internal/openapi"
)

// The local server's integration tests hold every exchange they make to
// the OpenAPI description (internal/openapi/spec/openapi.yaml): each test server
// serves through validated, which checks the request (when the answer is
// 2xx) and the response (always) and fails the test that made the request
// with what did not match. The exchanges no operation describes and that
// are not JSON — the reader site's pages, the poll form's redirects, CORS
// preflights — are counted as skipped. TestOpenAPITour adds the operations
// and statuses the other tests do not reach.

// specValidator is the Validator of the package's tests, made once.
var specValidator = sync.OnceValues(func() (*openapi.Validator, error) {
	doc, err := openapi.Load(context.Background())
	if err != nil {
		return nil, err
	}
	return openapi.NewValidator(doc)
})

// validated returns h serving through the spec's Validator: a mismatch
// fails t (t.Errorf with the method, the request-target, the status and the
// validator's findings), from the goroutine that served the request, while
// its test still waits for the answer. Benchmarks get h as it is: they
// measure the server. Call it before registering the server's Close with
// t.Cleanup, so that the count it logs comes after the last request.
func validated(tb testing.TB, h http.Handler) http.Handler {
	tb.Helper()
	t, ok := tb.(*testing.T)
	if !ok {
		return h
	}
	return validatedSeeing(t, h, nil)
}

// validatedSeeing is validated, handing every exchange to seen as well (when
// not nil).
func validatedSeeing(t *testing.T, h http.Handler, seen func(openapi.Exchange)) http.Handler {
	t.Helper()
	v, err := specValidator()
	if err != nil {
		t.Fatal(err)
	}
	var checked, skipped atomic.Int64
	t.Cleanup(func() {
		t.Logf("openapi: %d exchanges validated against internal/openapi/spec/openapi.yaml, %d not described there (skipped)", checked.Load(), skipped.Load())
	})
	return openapi.Handler(v, h, func(x openapi.Exchange) {
		if seen != nil {
			seen(x)
		}
		if x.Result.Skipped != "" {
			skipped.Add(1)
			return
		}
		checked.Add(1)
		if x.Err != nil {
			t.Errorf("openapi: %s %s → %d (%s) does not match the spec:\n%v", x.Method, x.Target, x.Status, x.Result.Response, x.Err)
		}
	})
}

// tour drives a validated local server with the local JWT authorizer.
type tour struct {
	t      *testing.T
	url    string
	tokens map[string]string // role → "Bearer <token>"

	mu   sync.Mutex
	seen map[string][]int // operationId → statuses answered

	media *localserver.MediaStore
}

func newTour(t *testing.T) *tour {
	t.Helper()
	st := tables.MustStore(t)
	if _, err := demo.Load(context.Background(), st.Store, time.Now()); err != nil {
		t.Fatal(err)
	}
	// No stream consumer runs here: index the demo content as the indexer would.
	if _, err := st.Store.IndexAll(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	issuer := mustLoad(t, filepath.Join(t.TempDir(), "dev-jwt-key.pem"))
	tr := &tour{t: t, tokens: map[string]string{}, seen: map[string][]int{}}
	for _, role := range []string{"editor", "publisher", "admin"} {
		tr.tokens[role] = "Bearer " + mustToken(t, issuer, role)
	}
	tmpl := mustTemplate(t)
	cors, err := tmpl.CORS()
	if err != nil {
		t.Fatal(err)
	}
	// The media store needs the server's origin for its presigned URLs:
	// the handler is set once both exist.
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	media, err := localserver.NewMediaStore(s3mem.New(), ts.URL, log)
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range localserver.BucketFunctions(st.Store, media.Bucket, media.BaseURL, log) {
		media.OnUpload(fn)
	}
	tr.media = media
	srv, err := localserver.New(tmpl.Routes(),
		localserver.Functions(st.Store, time.Now, apigw.DefaultBudget, localserver.WithMediaBucket(media.Bucket, media.BaseURL)),
		[]string{"http://localhost:5173"}, log,
		localserver.WithAuthorizer(issuer.Verify), localserver.WithCORS(cors), localserver.WithMedia(media))
	if err != nil {
		t.Fatal(err)
	}
	h = validatedSeeing(t, srv, func(x openapi.Exchange) {
		if x.Result.Operation != "" {
			tr.mu.Lock()
			tr.seen[x.Result.Operation] = append(tr.seen[x.Result.Operation], x.Status)
			tr.mu.Unlock()
		}
	})
	t.Cleanup(ts.Close)
	t.Cleanup(media.Wait)
	tr.url = ts.URL
	return tr
}

// call is one request of the tour: who (a role, or "" for no token), what,
// and the status it must get.
type call struct {
	role, method, path, body string
	header                   map[string]string
	want                     int
}

// noRedirects is a client that hands back a 301 rather than following it.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends c and returns the answer's header and JSON body.
func (tr *tour) do(c call) (http.Header, map[string]any) {
	tr.t.Helper()
	req, err := http.NewRequest(c.method, tr.url+c.path, strings.NewReader(c.body))
	if err != nil {
		tr.t.Fatal(err)
	}
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36")
	if c.role != "" {
		req.Header.Set("Authorization", tr.tokens[c.role])
	}
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		tr.t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != c.want {
		tr.t.Errorf("%s %s = %d %.300s; want %d", c.method, c.path, resp.StatusCode, b, c.want)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.Header, m
}

// revalidate GETs path again with the ETag it answered: 304.
func (tr *tour) revalidate(path string) {
	tr.t.Helper()
	h, _ := tr.do(call{method: "GET", path: path, want: 200})
	tr.do(call{method: "GET", path: path, header: map[string]string{"If-None-Match": h.Get("ETag")}, want: 304})
}

// TestOpenAPITour sends every operation of the spec through a validated
// local server with the local JWT authorizer, with the answers the other
// tests of the package do not give: every 2xx, 304s, 301, 401, 403, 409s,
// 412, 413, 415, 422, 429 and an Idempotency-Key replay. Each exchange is
// validated like any other; the tour fails besides if an operation of the
// spec got no 2xx.
func TestOpenAPITour(t *testing.T) {
	tr := newTour(t)
	const poll = "/polls/danh-gia-cong-thong-tin"

	// Readers.
	for _, p := range []string{"/articles", "/articles?category=tin-tuc-su-kien&limit=5", "/articles/" + sampleSlug,
		"/articles/popular?period=month", "/categories", "/links", "/polls", poll, "/search?q=tuyen%20truyen%20mieng&limit=5",
		"/documents", "/documents?type=bao-cao&year=2020", "/documents/types", "/documents/vb0004bctu2020"} {
		tr.revalidate(p)
	}
	// The demo document by its number, as the curl asks, and the
	// sample article's source linked to it.
	if _, body := tr.do(call{method: "GET", path: "/documents?number=04-BC/TU", want: 200}); len(body["items"].([]any)) != 1 ||
		body["items"].([]any)[0].(map[string]any)["id"] != "vb0004bctu2020" {
		t.Errorf("GET /documents?number=04-BC/TU = %v; want the demo document", body)
	}
	if _, body := tr.do(call{method: "GET", path: "/articles/" + sampleSlug, want: 200}); fmt.Sprint(body["sourceDocument"]) == "<nil>" ||
		body["sourceDocument"].(map[string]any)["slug"] != "04-bc-tu-2020" {
		t.Errorf("the sample article's sourceDocument = %v; want 04-BC/TU's", body["sourceDocument"])
	}
	if _, body := tr.do(call{method: "GET", path: "/search?q=TUY%C3%8AN%20TRUY%E1%BB%80N", want: 200}); len(body["items"].([]any)) != 4 ||
		body["items"].([]any)[0].(map[string]any)["id"] != "a7k2m9q4x1" {
		t.Errorf("GET /search?q=TUYÊN TRUYỀN = %v; want the demo article, then the three demo documents", body)
	}
	// A document is found by its number, with or without diacritics.
	for _, q := range []string{"04-BC%2FTU", "bao%20cao%2004-BC%2FTU", "340-Q%C4%90%2FTW", "340-qd-tw"} {
		_, body := tr.do(call{method: "GET", path: "/search?q=" + q, want: 200})
		items := body["items"].([]any)
		if len(items) == 0 || items[0].(map[string]any)["kind"] != "document" {
			t.Errorf("GET /search?q=%s = %v; want a document first", q, body)
		}
	}
	for _, c := range []call{
		{method: "GET", path: "/articles?cursor=", want: 400},
		{method: "GET", path: "/search?q=%20", want: 400},
		{method: "GET", path: "/search?q=" + strings.Repeat("a", 201), want: 400},
		{method: "GET", path: "/search?q=tuyen&cursor=", want: 400},
		{method: "GET", path: "/articles?category=Khoa-XIX", want: 400},
		{method: "GET", path: "/articles/popular?limit=0", want: 400},
		{method: "GET", path: "/articles/khong-co-bai-nay", want: 404},
		{method: "GET", path: "/documents?so=04-BC/TU", want: 400},
		{method: "GET", path: "/documents?type=luat", want: 400},
		{method: "GET", path: "/documents?year=20", want: 400},
		{method: "GET", path: "/documents?number=%3Cscript%3E", want: 400},
		{method: "GET", path: "/documents/khong-co", want: 404},
		{method: "GET", path: "/articles/04-bc-tu-2020", want: 404},
		{method: "GET", path: "/polls?limit=abc", want: 400},
		{method: "GET", path: "/polls/khong-co", want: 404},
		{method: "POST", path: "/articles/" + sampleSlug + "/views", want: 200},
		{method: "PUT", path: "/articles/" + sampleSlug + "/views", want: 405},
		{method: "POST", path: "/articles/" + sampleSlug + "/views", body: strings.Repeat("x", 2048), want: 413},
		{method: "POST", path: poll + "/votes", body: `{"choices":["o9"]}`, want: 400},
		{method: "POST", path: poll + "/votes", body: `{"choices":["o1"]}`, header: map[string]string{"Content-Type": "text/plain"}, want: 415},
		{method: "POST", path: poll + "/votes", body: `{"choices":["o1"]}`, header: map[string]string{"X-Voter-Token": "v1.gia"}, want: 400},
	} {
		tr.do(c)
	}
	h, _ := tr.do(call{method: "POST", path: poll + "/votes", body: `{"choices":["o1"]}`, want: 200})
	voter := map[string]string{"X-Voter-Token": h.Get("X-Voter-Token")}
	tr.do(call{method: "POST", path: poll + "/votes", body: `{"choices":["o2"]}`, header: voter, want: 409})
	tr.do(call{method: "GET", path: poll, header: voter, want: 200})

	// Editors' desk: no token, too low a role, strict bodies, Idempotency-Key.
	tr.do(call{method: "GET", path: "/admin/articles", want: 401})
	tr.do(call{role: "editor", method: "DELETE", path: "/admin/articles/a7k2m9q4x1", want: 403})
	draft := `{"title":"Hội nghị Tỉnh ủy lần thứ 20","summary":"Tóm tắt","body":"<p>Nội dung</p>","categories":["tin-tuc-su-kien"],"tags":["hội nghị"]}`
	key := map[string]string{"Idempotency-Key": "tao-bai-1"}
	_, a := tr.do(call{role: "editor", method: "POST", path: "/admin/articles", body: draft, header: key, want: 201})
	id := fmt.Sprint(a["id"])
	if h, _ := tr.do(call{role: "editor", method: "POST", path: "/admin/articles", body: draft, header: key, want: 201}); h.Get("Idempotent-Replayed") != "true" {
		t.Errorf("a retry with the same Idempotency-Key: Idempotent-Replayed = %q", h.Get("Idempotent-Replayed"))
	}
	for _, c := range []call{
		{role: "editor", method: "POST", path: "/admin/articles", body: `{"title":"Bài khác"}`, header: key, want: 422},
		{role: "editor", method: "POST", path: "/admin/articles", body: `{"title":"Bài khác","Title":"x"}`, want: 400},
		{role: "editor", method: "POST", path: "/admin/articles", body: draft, header: map[string]string{"Content-Type": "text/plain"}, want: 415},
		{role: "editor", method: "POST", path: "/admin/articles", body: `{"title":"` + strings.Repeat("a", 1<<20) + `"}`, want: 413},
		{role: "editor", method: "POST", path: "/admin/articles", body: `{"title":"Trùng","slug":"` + sampleSlug + `"}`, want: 409},
		{role: "editor", method: "GET", path: "/admin/articles?status=draft&limit=10", want: 200},
		{role: "editor", method: "GET", path: "/admin/articles?status=xoa", want: 400},
		{role: "editor", method: "GET", path: "/admin/articles/khong-co", want: 404},
	} {
		tr.do(c)
	}
	h, _ = tr.do(call{role: "editor", method: "GET", path: "/admin/articles/" + id, want: 200})
	if h.Get("ETag") != `"1"` {
		t.Errorf("ETag of a new draft = %q", h.Get("ETag"))
	}
	art := "/admin/articles/" + id
	edited := strings.Replace(draft, "Tóm tắt", "Tóm tắt đã sửa", 1)
	tr.do(call{role: "editor", method: "PUT", path: art, body: edited, header: map[string]string{"If-Match": `"1"`}, want: 200})
	tr.do(call{role: "editor", method: "PUT", path: art, body: edited, header: map[string]string{"If-Match": `"1"`}, want: 412})
	tr.do(call{role: "editor", method: "PUT", path: art, body: edited, want: 412})
	// The preview of the edit before it is saved: the article page, no write.
	tr.do(call{role: "editor", method: "POST", path: "/admin/preview", body: strings.Replace(edited, "{", `{"id":"`+id+`",`, 1), want: 200})
	tr.do(call{role: "editor", method: "POST", path: "/admin/preview", body: `{"title":""}`, want: 400})
	tr.do(call{method: "POST", path: "/admin/preview", body: edited, want: 401})
	tr.do(call{role: "editor", method: "POST", path: art + "/submit", want: 200})
	tr.do(call{role: "editor", method: "POST", path: art + "/submit", body: `{}`, want: 409})
	tr.do(call{role: "publisher", method: "POST", path: art + "/reject", body: `{"reason":"Cần bổ sung nguồn tin."}`, want: 200})
	tr.do(call{role: "editor", method: "POST", path: art + "/submit", want: 200})
	pub := map[string]string{"Idempotency-Key": "dang-bai-1"}
	tr.do(call{role: "publisher", method: "POST", path: art + "/publish", header: pub, want: 200})
	tr.do(call{role: "publisher", method: "POST", path: art + "/publish", header: pub, want: 200})
	tr.do(call{method: "GET", path: "/articles/hoi-nghi-tinh-uy-lan-thu-20", want: 200})
	// A new slug, published: the old one answers 301.
	renamed := strings.Replace(edited, `"title"`, `"slug":"hoi-nghi-tinh-uy-lan-thu-20-khoa-xxii","title"`, 1)
	tr.do(call{role: "editor", method: "PUT", path: art, body: renamed, header: map[string]string{"If-Match": `"6"`}, want: 200})
	tr.do(call{role: "publisher", method: "POST", path: art + "/publish", body: `{"expiresAt":"2099-01-01T00:00:00Z"}`, want: 200})
	tr.do(call{method: "GET", path: "/articles/hoi-nghi-tinh-uy-lan-thu-20", want: 301})
	for _, c := range []call{
		{role: "editor", method: "GET", path: art + "/revisions?limit=2", want: 200},
		{role: "editor", method: "GET", path: art + "/revisions/1", want: 200},
		{role: "editor", method: "GET", path: art + "/revisions/99", want: 404},
		{role: "editor", method: "POST", path: art + "/revisions/1/restore", header: map[string]string{"If-Match": `"8"`}, want: 200},
		{role: "publisher", method: "POST", path: art + "/unpublish", header: map[string]string{"If-Match": `"9"`}, want: 200},
		{role: "publisher", method: "POST", path: art + "/archive", want: 200},
		{role: "admin", method: "GET", path: "/admin/audit?entity=article:" + id, want: 200},
		{role: "admin", method: "GET", path: "/admin/audit?limit=3", want: 200},
		{role: "admin", method: "GET", path: "/admin/audit?entity=bai-viet", want: 400},
		{role: "admin", method: "GET", path: "/admin/audit?entity=article:" + id + "&actor=" + adminSub, want: 400}, // one filter at a time
		{role: "admin", method: "DELETE", path: art, want: 204},
		{role: "admin", method: "DELETE", path: art, want: 404},
	} {
		tr.do(c)
	}

	// The site's categories and links.
	for _, c := range []call{
		{role: "admin", method: "POST", path: "/admin/categories", body: `{"name":"Khóa XXIII","parentId":"dang-cong-san-viet-nam","position":10}`, want: 201},
		{role: "admin", method: "POST", path: "/admin/categories", body: `{"name":"Khóa XXIII"}`, want: 409},
		{role: "admin", method: "PUT", path: "/admin/categories/khoa-xxiii", body: `{"name":"Khóa XXIII (2025-2030)","parentId":"dang-cong-san-viet-nam","position":10}`,
			header: map[string]string{"If-Match": `"1"`}, want: 200},
		{role: "editor", method: "GET", path: "/admin/categories", want: 200},
		{method: "GET", path: "/admin/categories", want: 401},
		{role: "admin", method: "DELETE", path: "/admin/categories/dang-cong-san-viet-nam", want: 409},
		{role: "admin", method: "DELETE", path: "/admin/categories/khoa-xxiii", header: map[string]string{"If-Match": `"2"`}, want: 204},
		{role: "admin", method: "POST", path: "/admin/links", body: `{"title":"Trang FTP","url":"ftp://example.vn"}`, want: 400},
	} {
		tr.do(c)
	}
	_, l := tr.do(call{role: "admin", method: "POST", path: "/admin/links", body: `{"title":"Báo Nhân Dân","url":"https://nhandan.vn","position":6}`, want: 201})
	link := "/admin/links/" + fmt.Sprint(l["id"])
	tr.do(call{role: "admin", method: "PUT", path: link, body: `{"title":"Báo Nhân Dân điện tử","url":"https://nhandan.vn","position":6}`,
		header: map[string]string{"If-Match": `"1"`}, want: 200})
	if _, got := tr.do(call{role: "editor", method: "GET", path: "/admin/links", want: 200}); !strings.Contains(fmt.Sprint(got["items"]), "Báo Nhân Dân điện tử") {
		t.Errorf("GET /admin/links right after the change: %v; want the changed link", got["items"])
	}
	tr.do(call{role: "admin", method: "DELETE", path: link, want: 204})

	// Polls as admins manage them, and their refusals to voters.
	opens := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	for _, c := range []call{
		{role: "admin", method: "POST", path: "/admin/polls", want: 201, body: `{"id":"mot-phieu","question":"Một phiếu cho mỗi địa chỉ?",` +
			`"options":[{"id":"co","label":"Có"},{"id":"khong","label":"Không"}],"votesPerAddress":1,"resultsPolicy":"after_close"}`},
		{role: "admin", method: "POST", path: "/admin/polls", want: 201, body: `{"id":"sap-mo","question":"Cuộc thăm dò sắp mở?",` +
			`"options":[{"id":"co","label":"Có"},{"id":"khong","label":"Không"}],"opensAt":"` + opens + `","dedupe":"both","maxChoices":2}`},
		{role: "admin", method: "POST", path: "/admin/polls", want: 409, body: `{"id":"sap-mo","question":"Lần nữa?",` +
			`"options":[{"id":"co","label":"Có"},{"id":"khong","label":"Không"}]}`},
		{method: "GET", path: "/polls/mot-phieu", want: 200},
		{method: "GET", path: "/polls/sap-mo", want: 200},
		{method: "POST", path: "/polls/mot-phieu/votes", body: `{"choices":["co"]}`, want: 200},
		{method: "POST", path: "/polls/mot-phieu/votes", body: `{"choices":["khong"]}`, want: 429},
		{method: "POST", path: "/polls/sap-mo/votes", body: `{"choices":["co","khong"]}`, want: 409},
		{role: "admin", method: "GET", path: "/admin/polls?limit=2", want: 200},
		{role: "admin", method: "GET", path: "/admin/polls/mot-phieu", want: 200},
		{role: "admin", method: "PUT", path: "/admin/polls/sap-mo", header: map[string]string{"If-Match": `"1"`}, want: 200,
			body: `{"question":"Cuộc thăm dò sắp mở, đã sửa?","options":[{"id":"co","label":"Có"},{"id":"khong","label":"Không"}],"opensAt":null,"maxChoices":2,"dedupe":"both"}`},
		{role: "admin", method: "POST", path: "/admin/polls/mot-phieu/close", want: 200},
		{role: "admin", method: "POST", path: "/admin/polls/mot-phieu/close", want: 409},
		{method: "POST", path: "/polls/mot-phieu/votes", body: `{"choices":["co"]}`, want: 409},
		{method: "GET", path: "/polls/mot-phieu", want: 200},
		{role: "admin", method: "DELETE", path: "/admin/polls/mot-phieu", want: 204},
		{role: "admin", method: "GET", path: "/admin/polls/mot-phieu", want: 404},
	} {
		tr.do(c)
	}

	// The media library: refusals, an upload through its presigned URL,
	// the library, one entry once processed, delete.
	png := pngOf(t, 400, 300)
	for _, c := range []call{
		{role: "editor", method: "POST", path: "/admin/media", body: `{"fileName":"a.svg","contentType":"image/svg+xml","size":10}`, want: 415},
		{role: "editor", method: "POST", path: "/admin/media", body: `{"fileName":"a.png","contentType":"image/png","size":10485761}`, want: 413},
		{role: "editor", method: "POST", path: "/admin/media", body: `{"fileName":"a.pdf","contentType":"application/pdf","size":20971521}`, want: 413},
		{role: "editor", method: "POST", path: "/admin/media", body: `{"fileName":"","contentType":"image/png","size":10}`, want: 400},
		{role: "editor", method: "GET", path: "/admin/media?limit=0", want: 400},
		{role: "editor", method: "GET", path: "/admin/media/aaaaaaaaaaaaaaaa", want: 404},
		{role: "editor", method: "DELETE", path: "/admin/media/aaaaaaaaaaaaaaaa", want: 404},
		{method: "GET", path: "/admin/media", want: 401},
	} {
		tr.do(c)
	}
	_, up := tr.do(call{role: "editor", method: "POST", path: "/admin/media",
		body: fmt.Sprintf(`{"fileName":"Ảnh.png","contentType":"image/png","size":%d}`, len(png)), want: 201})
	if code := put(t, fmt.Sprint(up["uploadUrl"]), "image/png", png); code != http.StatusOK {
		t.Fatalf("PUT to the presigned URL: %d", code)
	}
	tr.media.Wait()
	mediaPath := "/admin/media/" + fmt.Sprint(up["id"])
	if _, m := tr.do(call{role: "editor", method: "GET", path: mediaPath, want: 200}); m["status"] != "ready" {
		t.Errorf("GET %s = %v; want ready", mediaPath, m)
	}
	tr.do(call{role: "editor", method: "GET", path: "/admin/media?limit=5", want: 200})
	// A document attachment: kind file, ready, then deleted.
	pdf := docfiletest.PDF()
	_, attachment := tr.do(call{role: "editor", method: "POST", path: "/admin/media",
		body: fmt.Sprintf(`{"fileName":"Quyết định.pdf","contentType":"application/pdf","size":%d}`, len(pdf)), want: 201})
	if code := put(t, fmt.Sprint(attachment["uploadUrl"]), "application/pdf", pdf); code != http.StatusOK {
		t.Fatalf("PUT the PDF to the presigned URL: %d", code)
	}
	tr.media.Wait()
	docPath := "/admin/media/" + fmt.Sprint(attachment["id"])
	if _, m := tr.do(call{role: "editor", method: "GET", path: docPath, want: 200}); m["status"] != "ready" || m["kind"] != "file" {
		t.Errorf("GET %s = %v; want a ready file", docPath, m)
	}
	tr.do(call{role: "editor", method: "DELETE", path: docPath, want: 204})
	// An article that uses the image as its cover keeps it from deletion
	// (409 naming it) until the cover changes; one that uses an image the
	// library does not hold is 400.
	cover := fmt.Sprint(up["url"])
	_, used := tr.do(call{role: "editor", method: "POST", path: "/admin/articles", want: 201,
		body: `{"title":"Bài có ảnh","body":"<p>Nội dung</p>","categories":["tin-tuc-su-kien"],"coverImage":{"url":"` + cover + `","caption":"Ảnh"}}`})
	tr.do(call{role: "editor", method: "POST", path: "/admin/articles", want: 400,
		body: `{"title":"Bài có ảnh lạ","body":"<p><img src=\"/media/aaaaaaaaaaaaaaaa/320\"></p>","categories":["tin-tuc-su-kien"]}`})
	if _, refused := tr.do(call{role: "editor", method: "DELETE", path: mediaPath, want: 409}); fmt.Sprint(refused["articles"]) !=
		fmt.Sprintf("[map[id:%v title:Bài có ảnh]]", used["id"]) {
		t.Errorf("DELETE of an image in use = %v; want the article named", refused)
	}
	tr.do(call{role: "editor", method: "PUT", path: "/admin/articles/" + fmt.Sprint(used["id"]), want: 200,
		header: map[string]string{"If-Match": `"1"`},
		body:   `{"title":"Bài có ảnh","body":"<p>Nội dung</p>","categories":["tin-tuc-su-kien"]}`})
	tr.do(call{role: "editor", method: "DELETE", path: mediaPath, want: 204})

	// Every operation of the spec was answered 2xx at least once.
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if !slices.ContainsFunc(tr.seen[op.OperationID], func(s int) bool { return s >= 200 && s < 300 }) {
				t.Errorf("the tour did not get a 2xx from %s %s (%s): add a call", method, path, op.OperationID)
			}
		}
	}
	var lines []string
	for _, op := range slices.Sorted(maps.Keys(tr.seen)) {
		s := slices.Clone(tr.seen[op])
		slices.Sort(s)
		lines = append(lines, fmt.Sprintf("%s %v", op, slices.Compact(s)))
	}
	t.Logf("operations and the statuses they answered:\n%s", strings.Join(lines, "\n"))
}
