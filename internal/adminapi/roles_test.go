package adminapi_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"eportal/internal/apigw/apigwtest"
)

// roleFor is README.md's admin table: the role each admin route needs
// (editor < publisher < admin). It is written out here, not read from the
// handler, so that a route opened to a lower role fails the test.
var roleFor = map[string]string{
	"POST /admin/articles":                            "editor",
	"GET /admin/articles":                             "editor",
	"GET /admin/articles/{id}":                        "editor",
	"PUT /admin/articles/{id}":                        "editor",
	"POST /admin/articles/{id}/submit":                "editor",
	"GET /admin/articles/{id}/revisions":              "editor",
	"GET /admin/articles/{id}/revisions/{n}":          "editor",
	"POST /admin/articles/{id}/revisions/{n}/restore": "editor",
	"POST /admin/articles/{id}/publish":               "publisher",
	"POST /admin/articles/{id}/reject":                "publisher",
	"POST /admin/articles/{id}/unpublish":             "publisher",
	"POST /admin/articles/{id}/archive":               "publisher",
	"DELETE /admin/articles/{id}":                     "admin",
	"GET /admin/categories":                           "editor",
	"GET /admin/links":                                "editor",
	"POST /admin/categories":                          "admin",
	"PUT /admin/categories/{id}":                      "admin",
	"DELETE /admin/categories/{id}":                   "admin",
	"POST /admin/links":                               "admin",
	"PUT /admin/links/{id}":                           "admin",
	"DELETE /admin/links/{id}":                        "admin",
	"GET /admin/audit":                                "admin",
	"POST /admin/polls":                               "admin",
	"GET /admin/polls":                                "admin",
	"GET /admin/polls/{id}":                           "admin",
	"PUT /admin/polls/{id}":                           "admin",
	"POST /admin/polls/{id}/close":                    "admin",
	"DELETE /admin/polls/{id}":                        "admin",
}

// TestRoleMatrix calls every admin route with no token and with each role:
// no token is 401, a role below the one roleFor names is 403, and neither
// changes anything; the lowest role allowed passes the role check (whatever
// the request then gets). The handler must serve exactly roleFor's routes.
func TestRoleMatrix(t *testing.T) {
	e := mustEnv(t)
	served := e.admin.Routes()
	for _, rk := range served {
		if _, ok := roleFor[rk]; !ok {
			t.Errorf("the handler serves %s, which roleFor (README.md's admin table) lacks", rk)
		}
	}
	for rk := range roleFor {
		if !slices.Contains(served, rk) {
			t.Errorf("roleFor names %s, which the handler does not serve", rk)
		}
	}
	id, _ := e.create(t, draftBody)
	// params fills a route's {id} with something that exists and {n} with 1.
	params := func(route string) map[string]string {
		p := map[string]string{}
		if strings.Contains(route, "{id}") {
			p["id"] = id
			switch {
			case strings.HasPrefix(route, "/admin/categories"):
				p["id"] = "khoa-xix"
			case strings.HasPrefix(route, "/admin/links"):
				p["id"] = "chinh-phu"
			case strings.HasPrefix(route, "/admin/polls"):
				p["id"] = "danh-gia-cong-thong-tin"
			}
		}
		if strings.Contains(route, "{n}") {
			p["n"] = "1"
		}
		return p
	}
	rank := map[string]int{"": 0, "editor": 1, "publisher": 2, "admin": 3}
	for _, rk := range slices.Sorted(maps.Keys(roleFor)) {
		method, route, _ := strings.Cut(rk, " ")
		required := rank[roleFor[rk]]
		for _, role := range []string{"", "editor", "publisher", "admin"} {
			switch {
			case rank[role] < required:
				resp, b := e.do(t, call{role: role, method: method, route: route, params: params(route), body: `{"title":"x"}`})
				want, wantCode := 403, "forbidden"
				if role == "" {
					want, wantCode = 401, "unauthorized"
				}
				if resp.StatusCode != want || apigwtest.ErrorCode(b) != wantCode {
					t.Errorf("%s as %q = %d %s; want %d", rk, role, resp.StatusCode, resp.Body, want)
				}
			case rank[role] == required:
				resp, _ := e.do(t, call{role: role, method: method, route: route, params: params(route), body: `{}`})
				if resp.StatusCode == 401 || resp.StatusCode == 403 {
					t.Errorf("%s as %s = %d; want the role check passed", rk, role, resp.StatusCode)
				}
			default:
				// Above the lowest allowed role: covered by the behaviour
				// tests (the call may change what later routes find).
			}
		}
	}
	// Refused calls write nothing: check them on a fresh article.
	// The matrix's allowed calls may have deleted the article and its
	// category: start again from a draft without one.
	id2, tag := e.create(t, `{"title":"Bài thử quyền"}`)
	n := e.auditCount(t)
	for _, role := range []string{"", "editor", "publisher"} {
		e.do(t, call{role: role, method: "DELETE", route: "/admin/articles/{id}", params: map[string]string{"id": id2}, headers: ifMatch(tag)})
		e.do(t, call{role: role, method: "POST", route: "/admin/categories", body: `{"name":"Mới"}`})
		if role != "publisher" {
			e.act(t, role, id2, "publish", "", nil)
		}
	}
	if got := e.auditCount(t); got != n {
		t.Errorf("refused calls wrote %d audit records", got-n)
	}
	if resp, b := e.do(t, call{role: "editor", method: "GET", route: "/admin/articles/{id}", params: map[string]string{"id": id2}}); resp.StatusCode != 200 || b["status"] != "draft" || b["version"] != float64(1) {
		t.Errorf("article after refused calls = %d %s", resp.StatusCode, resp.Body)
	}
}

func TestLookalikeGroupsGrantNothing(t *testing.T) {
	e := mustEnv(t)
	for _, groups := range []string{"[admin ]", "[Admin]", "[admins]", "admin", "[editor,admin]", "[аdmin]", `["admin"]`, "[]", ""} {
		ev := event(t, call{role: "editor", method: "GET", route: "/admin/audit"})
		ev.RequestContext.Authorizer.JWT.Claims["cognito:groups"] = groups
		if resp, _ := apigwtest.Serve(t, e.admin, ev); resp.StatusCode != 403 {
			t.Errorf("groups %q on an admin route = %d; want 403", groups, resp.StatusCode)
		}
	}
}
