package adminapi_test

import (
	"strings"
	"testing"

	"eportal/internal/apigw/apigwtest"
	"eportal/internal/auth"
)

// TestRoleMatrix calls every admin route with no token and with each role:
// no token is 401, a role below the route's is 403, and neither changes
// anything; a role at or above passes the role check (whatever the request
// then gets).
func TestRoleMatrix(t *testing.T) {
	e := mustEnv(t)
	id, _ := e.create(t, draftBody)
	fill := func(route string) (string, map[string]string) {
		p := map[string]string{}
		path := route
		for _, name := range []string{"id", "n"} {
			if strings.Contains(route, "{"+name+"}") {
				v := map[string]string{"id": id, "n": "1"}[name]
				if strings.HasPrefix(route, "/admin/categories") {
					v = "khoa-xix"
				}
				if strings.HasPrefix(route, "/admin/links") {
					v = "chinh-phu"
				}
				if strings.HasPrefix(route, "/admin/polls") {
					v = "danh-gia-cong-thong-tin"
				}
				p[name] = v
				path = strings.ReplaceAll(path, "{"+name+"}", v)
			}
		}
		return path, p
	}
	rank := map[string]int{"": 0, "editor": 1, "publisher": 2, "admin": 3}
	need := map[auth.Role]int{auth.Editor: 1, auth.Publisher: 2, auth.Admin: 3}
	routes := e.admin.Routes()
	if len(routes) != 26 {
		t.Fatalf("%d admin routes; want 26", len(routes))
	}
	for _, rk := range routes {
		method, route, _ := strings.Cut(rk, " ")
		_, params := fill(route)
		required := need[e.admin.RoleFor(rk)]
		if required == 0 {
			t.Fatalf("%s needs no role", rk)
		}
		for _, role := range []string{"", "editor", "publisher", "admin"} {
			if rank[role] >= required {
				continue // allowed: covered by the behaviour tests, may mutate
			}
			resp, b := e.do(t, call{role: role, method: method, route: route, params: params, body: `{"title":"x"}`})
			want, wantCode := 403, "forbidden"
			if role == "" {
				want, wantCode = 401, "unauthorized"
			}
			if resp.StatusCode != want || apigwtest.ErrorCode(b) != wantCode {
				t.Errorf("%s as %q = %d %s; want %d", rk, role, resp.StatusCode, resp.Body, want)
			}
		}
		// The lowest allowed role gets past the role check.
		for role, r := range rank {
			if r == required {
				resp, _ := e.do(t, call{role: role, method: method, route: route, params: params, body: `{}`})
				if resp.StatusCode == 401 || resp.StatusCode == 403 {
					t.Errorf("%s as %s = %d; want the role check passed", rk, role, resp.StatusCode)
				}
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
