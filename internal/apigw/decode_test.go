package apigw

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
	"time"

	"eportal/internal/portal"
)

type testImage struct {
	URL     string `json:"url"`
	Caption string `json:"caption,omitempty"`
}

// testKind decodes itself and refuses all but "news" with a portal error.
type testKind string

func (k *testKind) UnmarshalText(b []byte) error {
	if string(b) != "news" {
		return portal.Errorf(portal.EINVALID, "kind must be news.")
	}
	*k = testKind(b)
	return nil
}

type testByline struct {
	Author string `json:"author,omitempty"`
}

// testInput is shaped like an admin input type: no id, status, views,
// version or createdBy, so those must be refused.
type testInput struct {
	testByline                    // promoted: "author"
	Title      string             `json:"title"`
	CoverImage *testImage         `json:"coverImage,omitempty"`
	Gallery    []testImage        `json:"gallery,omitempty"`
	Tags       []string           `json:"tags,omitempty"`
	Attrs      map[string]string  `json:"attrs,omitempty"`
	Extra      any                `json:"extra,omitempty"`
	PublishAt  *time.Time         `json:"publishAt,omitempty"`
	Count      int                `json:"count,omitempty"`
	Secret     string             `json:"-"`
	Plain      string             // untagged: the name is "Plain", exactly
	Nested     map[string][]int64 `json:"nested,omitempty"`
	Kind       testKind           `json:"kind,omitempty"`
	Rank       int                `json:"rank,string,omitempty"`
}

func jsonReq(body string) Request {
	return Request{Headers: map[string]string{"content-type": "application/json"}, Body: body}
}

func nest(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// nested returns what nest(n) decodes to.
func nested(n int) any {
	v := []any{}
	for range n - 1 {
		v = []any{v}
	}
	return v
}

// bigTitle returns a JSON document of exactly n bytes.
func bigTitle(n int) string {
	return `{"title":"` + strings.Repeat("a", n-len(`{"title":""}`)) + `"}`
}

func TestDecodeJSON(t *testing.T) {
	publishAt := time.Date(2020, 11, 17, 7, 20, 0, 0, time.UTC)
	vietnamese := "Đẩy mạnh triển khai quán triệt Quy chế … của Đảng “tuyên truyền miệng”"
	withCT := func(ct, body string) Request {
		return Request{Headers: map[string]string{"content-type": ct}, Body: body}
	}
	b64 := func(body string) Request {
		r := jsonReq(base64.StdEncoding.EncodeToString([]byte(body)))
		r.IsBase64Encoded = true
		return r
	}
	tests := []struct {
		name    string
		req     Request
		want    testInput // compared when wantErr is ""
		wantErr string    // error code
		wantMsg string    // part of the error message
	}{
		// Content-Type.
		{name: "text/plain", req: withCT("text/plain", `{"title":"x"}`), wantErr: portal.EMEDIATYPE, wantMsg: "application/json"},
		{name: "form content type", req: withCT("application/x-www-form-urlencoded", `{"title":"x"}`), wantErr: portal.EMEDIATYPE},
		{name: "json suffix type", req: withCT("application/merge-patch+json", `{"title":"x"}`), wantErr: portal.EMEDIATYPE},
		{name: "missing content type", req: Request{Body: `{"title":"x"}`}, wantErr: portal.EMEDIATYPE},
		{name: "charset latin1", req: withCT("application/json; charset=latin1", `{"title":"x"}`), wantErr: portal.EMEDIATYPE, wantMsg: "charset=utf-8"},
		{name: "unknown parameter", req: withCT("application/json; boundary=x", `{"title":"x"}`), wantErr: portal.EMEDIATYPE},
		{name: "two content types joined", req: withCT("application/json,text/plain", `{"title":"x"}`), wantErr: portal.EMEDIATYPE},
		{name: "charset UTF-8 any case", req: withCT("Application/JSON; Charset=UTF-8", `{"title":"x"}`), want: testInput{Title: "x"}},
		{name: "header name not lower-cased", req: Request{Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"title":"x"}`}, want: testInput{Title: "x"}},

		// Size and encoding of the body.
		{name: "exactly MaxBody", req: jsonReq(bigTitle(MaxBody)), want: testInput{Title: strings.Repeat("a", MaxBody-12)}},
		{name: "MaxBody plus one byte", req: jsonReq(bigTitle(MaxBody + 1)), wantErr: portal.ETOOLARGE},
		{name: "2 MB base64 body", req: b64(bigTitle(2 << 20)), wantErr: portal.ETOOLARGE},
		{name: "base64 decoding to MaxBody plus one", req: b64(bigTitle(MaxBody + 1)), wantErr: portal.ETOOLARGE},
		{name: "14 MB of bad base64 refused by size", req: Request{Headers: jsonReq("").Headers, IsBase64Encoded: true, Body: strings.Repeat("!", 14<<20)}, wantErr: portal.ETOOLARGE},
		{name: "base64 body", req: b64(`{"title":"` + vietnamese + `"}`), want: testInput{Title: vietnamese}},
		{name: "bad base64", req: Request{Headers: jsonReq("").Headers, IsBase64Encoded: true, Body: "eyJ0aXRsZSI6Il!!"}, wantErr: portal.EINVALID, wantMsg: "base64"},
		{name: "empty body", req: jsonReq(""), wantErr: portal.EINVALID, wantMsg: "request body is required"},
		{name: "whitespace body", req: jsonReq(" \r\n\t"), wantErr: portal.EINVALID, wantMsg: "request body is required"},
		{name: "invalid UTF-8 outside strings", req: jsonReq("{\"title\":\"x\"\xff}"), wantErr: portal.EINVALID, wantMsg: "UTF-8"},
		{name: "invalid UTF-8 inside a string", req: jsonReq("{\"title\":\"\xc3\x28\"}"), wantErr: portal.EINVALID, wantMsg: "UTF-8"},

		// One JSON value.
		{name: "two objects", req: jsonReq(`{"title":"a"}{"title":"b"}`), wantErr: portal.EINVALID, wantMsg: "single JSON value"},
		{name: "trailing garbage", req: jsonReq(`{"title":"x"} x`), wantErr: portal.EINVALID, wantMsg: "single JSON value"},
		{name: "trailing brace", req: jsonReq(`{"title":"x"}}`), wantErr: portal.EINVALID, wantMsg: "single JSON value"},
		{name: "trailing whitespace", req: jsonReq("{\"title\":\"x\"} \r\n\t"), want: testInput{Title: "x"}},
		{name: "syntax error", req: jsonReq(`{"title":}`), wantErr: portal.EINVALID, wantMsg: "not valid JSON"},
		{name: "truncated", req: jsonReq(`{"title":"x"`), wantErr: portal.EINVALID, wantMsg: "not valid JSON"},
		{name: "trailing comma in object", req: jsonReq(`{"title":"x",}`), wantErr: portal.EINVALID, wantMsg: "not valid JSON"},
		{name: "trailing comma in array", req: jsonReq(`{"tags":["a",]}`), wantErr: portal.EINVALID, wantMsg: "not valid JSON"},
		{name: "byte order mark", req: jsonReq("\ufeff{\"title\":\"x\"}"), wantErr: portal.EINVALID, wantMsg: "not valid JSON"},

		// Duplicate keys.
		{name: "duplicate key top level", req: jsonReq(`{"title":"a","title":"b"}`), wantErr: portal.EINVALID, wantMsg: `duplicate field "title"`},
		{name: "duplicate key spelled with an escape", req: jsonReq(`{"title":"a","\u0074itle":"b"}`), wantErr: portal.EINVALID, wantMsg: `duplicate field "title"`},
		{name: "duplicate key nested", req: jsonReq(`{"coverImage":{"url":"https://a.vn/1.jpg","url":"https://a.vn/2.jpg"}}`), wantErr: portal.EINVALID, wantMsg: `duplicate field "coverImage.url"`},
		{name: "duplicate key in a map", req: jsonReq(`{"attrs":{"k":"1","k":"2"}}`), wantErr: portal.EINVALID, wantMsg: `duplicate field "attrs.k"`},
		{name: "duplicate key in free-form value", req: jsonReq(`{"extra":[{"a":1,"a":2}]}`), wantErr: portal.EINVALID, wantMsg: `duplicate field "extra[0].a"`},

		// Exact, declared keys only.
		{name: "case variant Title", req: jsonReq(`{"Title":"x"}`), wantErr: portal.EINVALID, wantMsg: `unknown field "Title" (names are case-sensitive: did you mean "title"?)`},
		{name: "case variant VIEWS", req: jsonReq(`{"title":"x","VIEWS":5}`), wantErr: portal.EINVALID, wantMsg: `unknown field "VIEWS"`},
		{name: "case variant STATUS", req: jsonReq(`{"STATUS":"published"}`), wantErr: portal.EINVALID, wantMsg: `unknown field "STATUS"`},
		{name: "case variant of untagged field", req: jsonReq(`{"plain":"x"}`), wantErr: portal.EINVALID, wantMsg: `did you mean "Plain"`},
		{name: "case variant nested", req: jsonReq(`{"coverImage":{"URL":"https://a.vn/1.jpg"}}`), wantErr: portal.EINVALID, wantMsg: `unknown field "coverImage.URL"`},
		{name: "unknown views", req: jsonReq(`{"title":"x","views":1000000}`), wantErr: portal.EINVALID, wantMsg: `unknown field "views"`},
		{name: "unknown status", req: jsonReq(`{"title":"x","status":"published"}`), wantErr: portal.EINVALID, wantMsg: `unknown field "status"`},
		{name: "unknown createdBy", req: jsonReq(`{"createdBy":"admin"}`), wantErr: portal.EINVALID, wantMsg: `unknown field "createdBy"`},
		{name: "unknown version", req: jsonReq(`{"version":9}`), wantErr: portal.EINVALID, wantMsg: `unknown field "version"`},
		{name: "unknown id", req: jsonReq(`{"id":"x"}`), wantErr: portal.EINVALID, wantMsg: `unknown field "id"`},
		{name: "unknown nested key in coverImage", req: jsonReq(`{"coverImage":{"url":"https://a.vn/1.jpg","alt":"x"}}`), wantErr: portal.EINVALID, wantMsg: `unknown field "coverImage.alt"`},
		{name: "array of objects with an unknown key", req: jsonReq(`{"gallery":[{"url":"a"},{"url":"b","views":1}]}`), wantErr: portal.EINVALID, wantMsg: `unknown field "gallery[1].views"`},
		{name: "json dash field by Go name", req: jsonReq(`{"Secret":"x"}`), wantErr: portal.EINVALID, wantMsg: `unknown field "Secret"`},
		{name: "json dash field by dash", req: jsonReq(`{"-":"x"}`), wantErr: portal.EINVALID, wantMsg: `unknown field "-"`},
		{name: "embedded struct by its type name", req: jsonReq(`{"testByline":{"author":"x"}}`), wantErr: portal.EINVALID, wantMsg: `unknown field "testByline"`},
		{name: "map keys are free-form", req: jsonReq(`{"attrs":{"Any Key":"1","views":"2"}}`), want: testInput{Attrs: map[string]string{"Any Key": "1", "views": "2"}}},

		// Types and null.
		{name: "number for a string", req: jsonReq(`{"title":5}`), wantErr: portal.EINVALID, wantMsg: `field "title" must be a string`},
		{name: "string for an integer", req: jsonReq(`{"count":"5"}`), wantErr: portal.EINVALID, wantMsg: `field "count" must be an integer`},
		{name: "fraction for an integer", req: jsonReq(`{"count":1.5}`), wantErr: portal.EINVALID, wantMsg: `field "count" must be an integer`},
		{name: "nested type mismatch", req: jsonReq(`{"coverImage":{"url":5}}`), wantErr: portal.EINVALID, wantMsg: `"coverImage.url" must be a string`},
		{name: "object for a string", req: jsonReq(`{"title":{"a":1}}`), wantErr: portal.EINVALID, wantMsg: `field "title" must be a string`},
		{name: "array body", req: jsonReq(`[1]`), wantErr: portal.EINVALID, wantMsg: "must be an object"},
		{name: "bad time", req: jsonReq(`{"publishAt":"yesterday"}`), wantErr: portal.EINVALID, wantMsg: `field "publishAt" must be an RFC 3339 time`},
		{name: "number for a time", req: jsonReq(`{"publishAt":5}`), wantErr: portal.EINVALID, wantMsg: `field "publishAt" must be an RFC 3339 time`},
		{name: "string for an array", req: jsonReq(`{"tags":"a"}`), wantErr: portal.EINVALID, wantMsg: `field "tags" must be an array`},
		{name: "array for an object", req: jsonReq(`{"coverImage":[]}`), wantErr: portal.EINVALID, wantMsg: `field "coverImage" must be an object`},
		{name: "promoted field named without its struct", req: jsonReq(`{"author":5}`), wantErr: portal.EINVALID, wantMsg: `field "author" must be a string`},
		{name: "mismatch inside an array", req: jsonReq(`{"gallery":[{"url":"a"},{"url":true}]}`), wantErr: portal.EINVALID, wantMsg: `field "gallery[1].url" must be a string`},
		{name: "mismatch inside a map", req: jsonReq(`{"nested":{"x":[1,"2"]}}`), wantErr: portal.EINVALID, wantMsg: `field "nested.x[1]" must be an integer`},
		{name: "integer overflow", req: jsonReq(`{"count":1e400}`), wantErr: portal.EINVALID, wantMsg: `field "count" must be an integer in range`},
		{name: "null body", req: jsonReq(`null`), wantErr: portal.EINVALID, wantMsg: "request body must not be null"},
		{name: "null for a string", req: jsonReq(`{"title":null}`), wantErr: portal.EINVALID, wantMsg: `field "title" must not be null`},
		{name: "null for an integer", req: jsonReq(`{"count":null}`), wantErr: portal.EINVALID, wantMsg: `field "count" must not be null`},
		{name: "null in a string array", req: jsonReq(`{"tags":["a",null]}`), wantErr: portal.EINVALID, wantMsg: `field "tags[1]" must not be null`},
		{name: "null for pointer slice map and interface", req: jsonReq(`{"title":"x","coverImage":null,"tags":null,"attrs":null,"extra":null,"publishAt":null}`), want: testInput{Title: "x"}},

		{name: "self-decoding type's portal error", req: jsonReq(`{"kind":"blog"}`), wantErr: portal.EINVALID, wantMsg: "kind must be news."},
		{name: "self-decoding type's other error", req: jsonReq(`{"kind":5}`), wantErr: portal.EINVALID, wantMsg: `field "kind" has an invalid value`},
		{name: "self-decoding type", req: jsonReq(`{"kind":"news"}`), want: testInput{Kind: "news"}},
		{name: "quoted integer", req: jsonReq(`{"rank":"5"}`), want: testInput{Rank: 5}},
		{name: "quoted integer that is not one", req: jsonReq(`{"rank":"five"}`), wantErr: portal.EINVALID, wantMsg: "wrong type or format"},

		// Depth.
		{name: "32 levels", req: jsonReq(`{"extra":` + nest(31) + `}`), want: testInput{Extra: nested(31)}},
		{name: "33 levels", req: jsonReq(`{"extra":` + nest(32) + `}`), wantErr: portal.EINVALID, wantMsg: "nested more than 32 levels"},
		{name: "100000 levels", req: jsonReq(`{"extra":` + nest(100000) + `}`), wantErr: portal.EINVALID, wantMsg: "nested more than 32 levels"},

		// Valid documents.
		{name: "minimal", req: jsonReq(`{"title":"x"}`), want: testInput{Title: "x"}},
		{name: "empty object", req: jsonReq(`{}`), want: testInput{}},
		{name: "complete", req: jsonReq(`{
			"title": "Tiêu đề", "author": "Ban Tuyên giáo", "Plain": "p",
			"coverImage": {"url": "https://a.vn/1.jpg", "caption": "Ảnh"},
			"gallery": [{"url": "https://a.vn/2.jpg"}], "tags": ["a", "b"],
			"attrs": {"k": "v"}, "extra": {"n": 1}, "publishAt": "2020-11-17T07:20:00Z",
			"count": 3, "nested": {"x": [1, 2]}}`),
			want: testInput{
				testByline: testByline{Author: "Ban Tuyên giáo"}, Title: "Tiêu đề", Plain: "p",
				CoverImage: &testImage{URL: "https://a.vn/1.jpg", Caption: "Ảnh"},
				Gallery:    []testImage{{URL: "https://a.vn/2.jpg"}}, Tags: []string{"a", "b"},
				Attrs: map[string]string{"k": "v"}, Extra: map[string]any{"n": 1.0}, PublishAt: &publishAt,
				Count: 3, Nested: map[string][]int64{"x": {1, 2}},
			}},
		{name: "Vietnamese round trip", req: jsonReq(`{"title":"` + vietnamese + `"}`), want: testInput{Title: vietnamese}},
		{name: "Vietnamese from escapes", req: jsonReq(`{"title":"\u0110\u1ea3ng"}`), want: testInput{Title: "Đảng"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got testInput
			err := DecodeJSON(tt.req, &got)
			if tt.wantErr != "" {
				if code := portal.ErrorCode(err); code != tt.wantErr {
					t.Fatalf("got code %q (err %v); want %q", code, err, tt.wantErr)
				}
				if msg := portal.ErrorMessage(err); !strings.Contains(msg, tt.wantMsg) {
					t.Errorf("got message %q; want it to contain %q", msg, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v; want none", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v; want %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeJSONOtherDestinations(t *testing.T) {
	var m map[string]int
	if err := DecodeJSON(jsonReq(`{"a":1}{"b":2}`), &m); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("two values into a map: got %v; want an EINVALID error", err)
	}
	if err := DecodeJSON(jsonReq(`{"a":1,"B":2}`), &m); err != nil || !reflect.DeepEqual(m, map[string]int{"a": 1, "B": 2}) {
		t.Errorf("map: got %v, %v; want map[B:2 a:1], nil", m, err)
	}
	// encoding/json ignores a name that two embedded structs declare at the
	// same depth; the walk lets it through and DisallowUnknownFields refuses it.
	type testA struct{ X string }
	type testB struct{ X string }
	var ambiguous struct {
		testA
		testB
	}
	if err := DecodeJSON(jsonReq(`{"X":"1"}`), &ambiguous); portal.ErrorMessage(err) != `unknown field "X".` {
		t.Errorf("ambiguous embedded field: got %v; want unknown field \"X\"", err)
	}
	var in testInput
	if err := DecodeJSON(jsonReq(`{"title":"x"}`), in); portal.ErrorCode(err) != portal.EINTERNAL {
		t.Errorf("non-pointer destination: got %v; want an EINTERNAL error", err)
	}
	if err := DecodeJSON(jsonReq(`{"title":"x"}`), (*testInput)(nil)); portal.ErrorCode(err) != portal.EINTERNAL {
		t.Errorf("nil destination: got %v; want an EINTERNAL error", err)
	}
}

func TestDecodeJSONStatuses(t *testing.T) {
	for code, want := range map[string]int{portal.EMEDIATYPE: 415, portal.ETOOLARGE: 413, portal.EINVALID: 400} {
		if got := StatusFor(code); got != want {
			t.Errorf("StatusFor(%q): got %d; want %d", code, got, want)
		}
	}
}
