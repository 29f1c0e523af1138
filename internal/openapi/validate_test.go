package openapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"eportal/internal/openapi"
)

const (
	sampleSlug = "day-manh-thuc-hien-cung-cap-thong-tin-phuc-vu-cong-tac-tuyen-truyen-mieng-cua-dang"
	bodyETag   = `"GiBs-shI3Hb_QgQdis4hvoB0"`
	article    = `{"id":"a7k2m9q4x1","slug":"` + sampleSlug + `","title":"Đẩy mạnh thực hiện cung cấp thông tin phục vụ công tác tuyên truyền miệng của Đảng",` +
		`"summary":"Cách mạng công nghiệp 4.0…","body":"<p>Ngày 03/12/2010…</p>","categories":["tin-tuc-su-kien"],"tags":["tuyên truyền miệng"],` +
		`"author":"Nguyễn Phi Anh - Ban TGTU","publishAt":"2020-11-17T07:20:00Z","displayTime":"14:20 | 17/11/2020","updatedAt":"2026-11-30T00:50:15Z","views":133}`
	adminArticle = `{"id":"k3v7q2m9x4b8n1c5","slug":"hoi-nghi","title":"Hội nghị","status":"draft","publishAt":"2026-12-01T01:00:00Z",` +
		`"createdAt":"2026-11-30T01:02:03.456Z","updatedAt":"2026-11-30T01:02:03.456Z","version":2,"views":0}`
	pollJSON = `{"id":"danh-gia-cong-thong-tin","question":"Bạn đánh giá như thế nào về cổng thông tin này?",` +
		`"options":[{"id":"o1","label":"Rất hữu ích"},{"id":"o2","label":"Hữu ích"}],"maxChoices":1,"state":"open","dedupe":"token","resultsPolicy":"always"}`
	voterToken = "v1.pQ0jEnC_wM9YE5Ng3dvSNwAAAABrDMhh.-WvgCv-HG_d3d3My2YNZHQ"
)

var mustValidator = func() func(t *testing.T) *openapi.Validator {
	var (
		once sync.Once
		v    *openapi.Validator
		err  error
	)
	return func(t *testing.T) *openapi.Validator {
		t.Helper()
		once.Do(func() { v, err = openapi.NewValidator(mustDoc(t)) })
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}()

// exchange is a request and the response it got, as text.
type exchange struct {
	method, target, reqBody string
	reqHeader               map[string]string
	status                  int
	respHeader              map[string]string
	respBody                string
}

func (x exchange) validate(t *testing.T) (openapi.Result, error) {
	t.Helper()
	req := httptest.NewRequest(x.method, x.target, strings.NewReader(x.reqBody))
	for k, v := range x.reqHeader {
		req.Header.Set(k, v)
	}
	if x.reqBody != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp := &http.Response{StatusCode: x.status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(x.respBody))}
	for k, v := range x.respHeader {
		resp.Header.Set(k, v)
	}
	if x.respBody != "" && resp.Header.Get("Content-Type") == "" {
		resp.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	res, err := mustValidator(t).Validate(context.Background(), req, resp)
	// Both bodies are put back.
	if b, _ := io.ReadAll(req.Body); string(b) != x.reqBody {
		t.Errorf("request body after Validate = %q; want %q", b, x.reqBody)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != x.respBody {
		t.Errorf("response body after Validate = %q; want %q", b, x.respBody)
	}
	return res, err
}

var (
	cached  = map[string]string{"ETag": bodyETag, "Cache-Control": "public, max-age=60, stale-while-revalidate=30"}
	noStore = map[string]string{"Cache-Control": "no-store"}
	bearer  = map[string]string{"Authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}
)

func with(m map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// TestValidatorAccepts: exchanges the handlers really give pass, each held
// to what the Validator says it held it to.
func TestValidatorAccepts(t *testing.T) {
	for _, c := range []struct {
		name     string
		x        exchange
		response string // Result.Response
		request  bool
	}{
		{"article", exchange{method: "GET", target: "/articles/" + sampleSlug, status: 200, respHeader: cached, respBody: article}, "getArticle 200", true},
		{"not modified", exchange{method: "GET", target: "/articles/" + sampleSlug, reqHeader: map[string]string{"If-None-Match": bodyETag},
			status: 304, respHeader: cached}, "getArticle 304", false},
		{"old slug", exchange{method: "GET", target: "/articles/dua-tin-cu", status: 301,
			respHeader: map[string]string{"Location": "/articles/" + sampleSlug, "Cache-Control": "public, max-age=300"},
			respBody:   `{"location":"/articles/` + sampleSlug + `"}`}, "getArticle 301", false},
		{"malformed slug is a 404, its request unchecked", exchange{method: "GET", target: "/articles/kh%C3%B3a", status: 404,
			respHeader: map[string]string{"Cache-Control": "public, max-age=30"}, respBody: `{"error":{"code":"not_found","message":"Article not found."}}`}, "getArticle 404", false},
		{"bad limit refused", exchange{method: "GET", target: "/articles?limit=500", status: 400, respHeader: noStore,
			respBody: `{"error":{"code":"invalid","message":"limit must be an integer from 1 to 100."}}`}, "listArticles 400", false},
		{"list", exchange{method: "GET", target: "/articles?category=tin-tuc-su-kien&limit=5", status: 200, respHeader: cached,
			respBody: `{"items":[],"nextCursor":"abc_-1"}`}, "listArticles 200", true},
		{"beacon with a text body", exchange{method: "POST", target: "/articles/" + sampleSlug + "/views", reqBody: "x",
			reqHeader: map[string]string{"Content-Type": "text/plain;charset=UTF-8"}, status: 200, respHeader: noStore,
			respBody: `{"views":133,"counted":true}`}, "countView 200", true},
		{"beacon, another method", exchange{method: "DELETE", target: "/articles/" + sampleSlug + "/views", status: 405,
			respHeader: with(noStore, "Allow", "POST"), respBody: `{"error":{"code":"method_not_allowed","message":"Use POST to count a view."}}`},
			"components.responses.MethodNotAllowed", false},
		{"vote", exchange{method: "POST", target: "/polls/danh-gia-cong-thong-tin/votes", reqBody: `{"choices":["o1"]}`, status: 200,
			respHeader: with(noStore, "X-Voter-Token", voterToken, "Set-Cookie", "eportal_voter="+voterToken+"; Path=/; Max-Age=34560000; HttpOnly; Secure; SameSite=Lax"),
			respBody:   `{"poll":` + pollJSON[:len(pollJSON)-1] + `,"voted":true,"yourChoices":["o1"]},"voterToken":"` + voterToken + `"}`}, "vote 200", true},
		{"vote refused, with the poll", exchange{method: "POST", target: "/polls/danh-gia-cong-thong-tin/votes", reqBody: `{"choices":["o2"]}`,
			reqHeader: map[string]string{"X-Voter-Token": voterToken}, status: 409, respHeader: noStore,
			respBody: `{"error":{"code":"already_voted","message":"You have already voted in this poll."},"poll":` + pollJSON + `}`}, "vote 409", false},
		{"publish, schedule nulls", exchange{method: "POST", target: "/admin/articles/k3v7q2m9x4b8n1c5/publish", reqHeader: with(bearer, "Idempotency-Key", "pub-1"),
			reqBody: `{"publishAt":"2026-12-01T01:00:00Z","expiresAt":null}`, status: 200, respHeader: map[string]string{"ETag": `"2"`},
			respBody: adminArticle}, "publishArticle 200", true},
		{"submit without a body", exchange{method: "POST", target: "/admin/articles/k3v7q2m9x4b8n1c5/submit", reqHeader: bearer,
			status: 200, respHeader: map[string]string{"ETag": `"2"`}, respBody: adminArticle}, "submitArticle 200", true},
		{"delete", exchange{method: "DELETE", target: "/admin/polls/danh-gia-cong-thong-tin", reqHeader: with(bearer, "If-Match", `"3"`),
			status: 204, respHeader: noStore}, "deletePoll 204", true},
		{"API Gateway's 401", exchange{method: "GET", target: "/admin/articles", status: 401, respHeader: map[string]string{"Content-Type": "application/json"},
			respBody: `{"message":"Unauthorized"}`}, "listDesk 401", false},
		{"API Gateway's 413", exchange{method: "POST", target: "/admin/articles", reqHeader: bearer, reqBody: `{"title":"x"}`, status: 413,
			respHeader: map[string]string{"Content-Type": "application/json"}, respBody: `{"message":"Request Entity Too Large"}`}, "createArticle 413", false},
		{"the $default route's JSON 404", exchange{method: "POST", target: "/articles", status: 404, respHeader: noStore,
			respBody: `{"error":{"code":"not_found","message":"No such route."}}`}, "components.responses.NotFound", false},
		{"stalled store", exchange{method: "POST", target: "/admin/articles", reqHeader: bearer, reqBody: `{"title":"Bài viết"}`, status: 503,
			respHeader: with(noStore, "Retry-After", "1"), respBody: `{"error":{"code":"unavailable","message":"The service is busy; retry shortly."}}`},
			"createArticle 503", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := c.x.validate(t)
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if res.Response != c.response || res.Request != c.request || res.Skipped != "" {
				t.Errorf("Result = %+v; want the response held to %q, request checked %v", res, c.response, c.request)
			}
		})
	}
}

// TestValidatorRefuses: each exchange breaks the spec once, and Validate
// says where.
func TestValidatorRefuses(t *testing.T) {
	for _, c := range []struct {
		name, want string
		x          exchange
	}{
		{"an undocumented field", "views2", exchange{method: "GET", target: "/articles/" + sampleSlug, status: 200, respHeader: cached,
			respBody: strings.Replace(article, `"views":133`, `"views":133,"views2":1`, 1)}},
		{"a list item with a body", "body", exchange{method: "GET", target: "/articles", status: 200, respHeader: cached,
			respBody: `{"items":[` + article + `]}`}},
		{"no ETag", "ETag", exchange{method: "GET", target: "/links", status: 200, respHeader: map[string]string{"Cache-Control": "public, max-age=300"},
			respBody: `{"items":[]}`}},
		{"an undocumented status", "status 418", exchange{method: "GET", target: "/links", status: 418, respHeader: noStore,
			respBody: `{"error":{"code":"invalid","message":"x"}}`}},
		{"a 304 without its ETag", "ETag", exchange{method: "GET", target: "/categories", status: 304, respHeader: map[string]string{"Cache-Control": "public, max-age=300"}}},
		{"a 301 elsewhere", "Location", exchange{method: "GET", target: "/articles/cu", status: 301,
			respHeader: map[string]string{"Location": "https://example.com/", "Cache-Control": "public, max-age=300"}, respBody: `{"location":"https://example.com/"}`}},
		{"an error code of another status", "not_found", exchange{method: "GET", target: "/polls/xyz", status: 404,
			respHeader: map[string]string{"Cache-Control": "public, max-age=30"}, respBody: `{"error":{"code":"invalid","message":"x"}}`}},
		{"a 503 without Retry-After", "Retry-After", exchange{method: "GET", target: "/links", status: 503, respHeader: noStore,
			respBody: `{"error":{"code":"unavailable","message":"x"}}`}},
		{"a 204 with a body", "no body", exchange{method: "DELETE", target: "/admin/links/chinh-phu", reqHeader: bearer, status: 204,
			respHeader: noStore, respBody: `{}`}},
		{"a bad limit answered 200", "limit", exchange{method: "GET", target: "/articles?limit=500", status: 200, respHeader: cached, respBody: `{"items":[]}`}},
		{"an unknown field answered 201", "title2", exchange{method: "POST", target: "/admin/links", reqHeader: bearer,
			reqBody: `{"title":"Báo Quảng Nam","url":"https://baoquangnam.vn","title2":"x"}`, status: 201,
			respHeader: map[string]string{"ETag": `"1"`, "Location": "/admin/links/bao-quang-nam"},
			respBody:   `{"id":"bao-quang-nam","title":"Báo Quảng Nam","url":"https://baoquangnam.vn","position":0,"version":1}`}},
		{"a bad date answered 200", "publishAt", exchange{method: "POST", target: "/admin/articles/k3v7q2m9x4b8n1c5/publish", reqHeader: bearer,
			reqBody: `{"publishAt":"mai"}`, status: 200, respHeader: map[string]string{"ETag": `"2"`}, respBody: adminArticle}},
		{"an admin 2xx without a token", "Bearer", exchange{method: "GET", target: "/admin/polls/danh-gia-cong-thong-tin", status: 200,
			respHeader: map[string]string{"ETag": `"1"`}, respBody: `{}`}},
		{"a new route answering JSON", "JSON 200", exchange{method: "GET", target: "/tags?q=x", status: 200, respHeader: noStore, respBody: `{"items":[]}`}},
		{"another method of the beacon answering 404", "405", exchange{method: "GET", target: "/articles/" + sampleSlug + "/views", status: 404,
			respHeader: noStore, respBody: `{"error":{"code":"not_found","message":"x"}}`}},
		{"a 405 without Allow", "Allow", exchange{method: "PUT", target: "/articles/" + sampleSlug + "/views", status: 405,
			respHeader: noStore, respBody: `{"error":{"code":"method_not_allowed","message":"x"}}`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.x.validate(t)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Validate = %v; want an error about %s", err, c.want)
			}
		})
	}
}

// TestValidatorSkips: what no operation describes and is not JSON is
// skipped, with the reason.
func TestValidatorSkips(t *testing.T) {
	for _, x := range []exchange{
		{method: "GET", target: "/bai-viet/" + sampleSlug, status: 200, respHeader: map[string]string{"Content-Type": "text/html; charset=utf-8"}, respBody: "<!doctype html>"},
		{method: "POST", target: "/binh-chon/danh-gia-cong-thong-tin", reqHeader: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			reqBody: "choice=o1", status: 303, respHeader: map[string]string{"Location": "/binh-chon/danh-gia-cong-thong-tin"}},
		{method: "GET", target: "/nowhere", status: 404, respHeader: map[string]string{"Content-Type": "text/html; charset=utf-8"}, respBody: "<p>Không tìm thấy trang</p>"},
		{method: "OPTIONS", target: "/articles", reqHeader: map[string]string{"Origin": "http://localhost:5173", "Access-Control-Request-Method": "GET"}, status: 204},
	} {
		res, err := x.validate(t)
		if err != nil || res.Skipped == "" {
			t.Errorf("%s %s: Validate = %+v, %v; want skipped", x.method, x.target, res, err)
		}
	}
}

// TestHandler: the wrapper passes exchanges through unchanged and reports
// each with its validation.
func TestHandler(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if string(b) == `{"choices":[]}` {
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"error":{"code":"invalid","message":"choose at least one option."}}`)
			return
		}
		_, _ = io.WriteString(w, `{"poll":`+pollJSON+`}`) // 200 without writing the status
	})
	var (
		mu  sync.Mutex
		got []openapi.Exchange
	)
	ts := httptest.NewServer(openapi.Handler(mustValidator(t), next, func(x openapi.Exchange) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, x)
	}))
	defer ts.Close()
	for _, body := range []string{`{"choices":["o1"]}`, `{"choices":[]}`, `{"choices":["O1"]}`} {
		resp, err := http.Post(ts.URL+"/polls/danh-gia-cong-thong-tin/votes?x=1", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 && !strings.HasPrefix(string(b), `{"poll":`) || resp.StatusCode != 200 && !strings.Contains(string(b), "invalid") {
			t.Errorf("the wrapper changed the answer: %d %s", resp.StatusCode, b)
		}
	}
	ts.Close()
	if len(got) != 3 {
		t.Fatalf("reported %d exchanges; want 3", len(got))
	}
	if x := got[0]; x.Method != "POST" || x.Target != "/polls/danh-gia-cong-thong-tin/votes?x=1" || x.Status != 200 || x.Err != nil || !x.Result.Request {
		t.Errorf("first exchange = %+v; want a valid 200 whose request was checked", x)
	}
	if x := got[1]; x.Status != 400 || x.Err != nil || x.Result.Request {
		t.Errorf("second exchange = %+v; want a valid 400, its request not checked", x)
	}
	// The stub counted an option id the spec refuses (upper case).
	if x := got[2]; x.Status != 200 || x.Err == nil || !strings.Contains(x.Err.Error(), "request") {
		t.Errorf("third exchange = %+v; want its request refused", x)
	}
}
