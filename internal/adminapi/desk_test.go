package adminapi_test

import (
	"strings"
	"testing"
)

// TestDeskAuthorFilter: GET /admin/articles?author= lists the articles
// whose byline contains the text, with the other filters; a blank or
// over-long author is a 400.
func TestDeskAuthorFilter(t *testing.T) {
	e := mustEnv(t)
	mine, _ := e.create(t, strings.Replace(draftBody, `"author":"Phóng viên"`, `"author":"Lê Văn Tám - Báo Quảng Nam"`, 1))
	e.create(t, strings.Replace(draftBody, `"author":"Phóng viên"`, `"author":"Trần Bình"`, 1))
	for _, c := range []struct {
		query map[string]string
		want  []string
	}{
		{map[string]string{"author": "Văn Tám"}, []string{mine}},
		{map[string]string{"author": "Văn Tám", "status": "draft", "category": "khoa-xix"}, []string{mine}},
		{map[string]string{"author": "Văn Tám", "status": "published"}, nil},
		{map[string]string{"author": "văn tám"}, nil}, // as written: case counts
	} {
		resp, body := e.do(t, call{role: "editor", method: "GET", route: "/admin/articles", query: c.query})
		if resp.StatusCode != 200 {
			t.Fatalf("%v: %d %s", c.query, resp.StatusCode, resp.Body)
		}
		var got []string
		for _, it := range body["items"].([]any) {
			got = append(got, it.(map[string]any)["id"].(string))
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%v: items %v; want %v", c.query, got, c.want)
		}
	}
	for _, bad := range []string{"   ", strings.Repeat("a", 301)} {
		resp, body := e.do(t, call{role: "editor", method: "GET", route: "/admin/articles", query: map[string]string{"author": bad}})
		if resp.StatusCode != 400 || !strings.Contains(resp.Body, "author") {
			t.Errorf("author %q: %d %v; want 400 naming author", bad, resp.StatusCode, body)
		}
	}
}
