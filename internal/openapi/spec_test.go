package openapi_test

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"eportal/internal/apigw"
	"eportal/internal/openapi"
)

// TestSpecLoadsAndValidates: the embedded document is OpenAPI 3.1.0 and
// valid (doc.Validate: structure, references, every example against its
// schema), and Spec hands out a copy.
func TestSpecLoadsAndValidates(t *testing.T) {
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi = %q; want 3.1.0", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Errorf("Validate: %v", err)
	}
	b := openapi.Spec()
	b[0] = 'X'
	if bytes.Equal(b, openapi.Spec()) || !bytes.HasPrefix(openapi.Spec(), []byte("openapi: 3.1.0")) {
		t.Error("Spec does not return a copy of the embedded document")
	}
}

var roles = []string{"editor", "publisher", "admin"}

// TestOperations: every operation has an operationId (unique), a summary, a
// 2xx response, explicit security (public: none; /admin: the bearer scheme
// and the role it needs), and the responses its handler can give, by what
// the operation takes: 500 and 503 always; 401 and 403 on /admin; 404 with
// a path parameter; 400 with a query parameter or a JSON body, 413 and 415
// with a JSON body; 412 with If-Match; 400, 409 (with Retry-After) and 422
// with Idempotency-Key; 304 and an ETag on the 200 with If-None-Match.
func TestOperations(t *testing.T) {
	doc := mustDoc(t)
	seen := map[string]string{}
	routes := specRoutes(t, doc)
	for _, key := range slices.Sorted(maps.Keys(routes)) {
		r := routes[key]
		op := r.op
		if op == nil {
			continue // method ANY: TestAnyMethodRoute
		}
		where := key + " (" + op.OperationID + ")"
		if op.OperationID == "" {
			t.Errorf("%s: no operationId", key)
		} else if prev, dup := seen[op.OperationID]; dup {
			t.Errorf("%s: operationId also used by %s", where, prev)
		}
		seen[op.OperationID] = key
		if strings.TrimSpace(op.Summary) == "" {
			t.Errorf("%s: no summary", where)
		}
		if !slices.ContainsFunc(statuses(op), func(s int) bool { return s >= 200 && s < 300 }) {
			t.Errorf("%s: no 2xx response", where)
		}

		// Security.
		switch {
		case op.Security == nil:
			t.Errorf("%s: no security of its own (public: security: [], admin: bearerAuth)", where)
		case r.isAdmin:
			if len(*op.Security) != 1 || len((*op.Security)[0]) != 1 || (*op.Security)[0]["bearerAuth"] == nil {
				t.Errorf("%s: security = %v; want [{bearerAuth: []}]", where, *op.Security)
			}
			role, _ := op.Extensions[openapi.RoleExtension].(string)
			if !slices.Contains(roles, role) {
				t.Errorf("%s: %s = %q; want one of %v", where, openapi.RoleExtension, role, roles)
			} else if !strings.Contains(op.Description, "**Role: "+role+".**") {
				t.Errorf("%s: the description does not say **Role: %s.**", where, role)
			}
		default:
			if len(*op.Security) != 0 {
				t.Errorf("%s: a public route with security %v; want []", where, *op.Security)
			}
			if _, ok := op.Extensions[openapi.RoleExtension]; ok {
				t.Errorf("%s: a public route with a role", where)
			}
		}

		// The responses the handler can give.
		need := map[int]string{500: "always", 503: "always"}
		if r.isAdmin {
			need[401], need[403] = "an /admin route", "an /admin route"
		}
		for _, p := range params(doc, op, key) {
			switch {
			case p.In == "path":
				need[404] = "path parameter " + p.Name
			case p.In == "query":
				need[400] = "query parameter " + p.Name
			case p.Name == "If-Match":
				need[412] = "If-Match"
			case p.Name == "Idempotency-Key":
				need[400], need[409], need[422] = "Idempotency-Key", "Idempotency-Key", "Idempotency-Key"
				if h := op.Responses.Status(409).Value.Headers["Retry-After"]; h == nil {
					t.Errorf("%s: its 409 lacks Retry-After (a key another request holds)", where)
				}
			case p.Name == "If-None-Match":
				need[304] = "If-None-Match"
				if ok := op.Responses.Status(200); ok == nil || ok.Value.Headers["ETag"] == nil {
					t.Errorf("%s: If-None-Match, but its 200 has no ETag", where)
				}
			}
		}
		if op.RequestBody != nil {
			if op.RequestBody.Value.Content["application/json"] != nil {
				need[400], need[413], need[415] = "a JSON body", "a JSON body", "a JSON body"
			} else {
				need[413] = "a body"
			}
		}
		for status, why := range need {
			if op.Responses.Status(status) == nil {
				t.Errorf("%s: no %d response (%s)", where, status, why)
			}
		}
		if op.Responses.Default() != nil {
			t.Errorf("%s: a default response; document each status", where)
		}
	}
}

// TestAnyMethodRoute: the ANY route's response is a documented 405 with Allow.
func TestAnyMethodRoute(t *testing.T) {
	doc := mustDoc(t)
	n := 0
	for key, r := range specRoutes(t, doc) {
		if r.op != nil {
			continue
		}
		n++
		resp := doc.Components.Responses[r.anyExt.Response]
		if resp == nil || r.anyExt.Status != http.StatusMethodNotAllowed || resp.Value.Headers["Allow"] == nil {
			t.Errorf("%s: %+v; want a 405 response of components.responses with Allow", key, r.anyExt)
		}
	}
	if n == 0 {
		t.Error("no route of method ANY; template.yaml has one (ViewsFunction.ViewsOtherMethods)")
	}
}

// TestErrorResponses holds every error response to the one table of codes
// and statuses (apigw.StatusFor): its schema accepts an error of a code of
// its status and refuses every code of another status. The Error schema's
// codes are exactly the constants of internal/portal/error.go.
func TestErrorResponses(t *testing.T) {
	doc := mustDoc(t)
	codes := portalCodes(t)
	enum := doc.Components.Schemas["Error"].Value.Properties["error"].Value.Properties["code"].Value.Enum
	var got []string
	for _, c := range enum {
		got = append(got, c.(string))
	}
	sort.Strings(got)
	if !slices.Equal(got, codes) {
		t.Errorf("Error.error.code enum = %v; internal/portal/error.go has %v", got, codes)
	}

	check := func(where string, status int, resp *openapi3.Response) {
		mt := resp.Content.Get("application/json")
		if mt == nil {
			t.Errorf("%s %d: no application/json body", where, status)
			return
		}
		accepted := 0
		for _, code := range codes {
			body := map[string]any{"error": map[string]any{"code": code, "message": "Thông báo."}}
			err := mt.Schema.Value.VisitJSON(body, openapi3.EnableJSONSchema2020(), openapi3.VisitAsResponse())
			switch {
			case err == nil && apigw.StatusFor(code) != status:
				t.Errorf("%s %d: accepts code %s, which is a %d", where, status, code, apigw.StatusFor(code))
			case err == nil:
				accepted++
			}
		}
		if accepted == 0 {
			t.Errorf("%s %d: accepts no error code of status %d", where, status, status)
		}
	}
	routes := specRoutes(t, doc)
	for _, key := range slices.Sorted(maps.Keys(routes)) {
		r := routes[key]
		if r.op == nil {
			check(key, r.anyExt.Status, doc.Components.Responses[r.anyExt.Response].Value)
			continue
		}
		for _, status := range statuses(r.op) {
			if status >= 400 {
				check(key+" ("+r.op.OperationID+")", status, r.op.Responses.Status(status).Value)
			}
		}
	}
}

// portalCodes returns the error codes internal/portal/error.go declares:
// the string constants named E….
func portalCodes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../portal/error.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || len(spec.Names) != 1 || !strings.HasPrefix(spec.Names[0].Name, "E") || len(spec.Values) != 1 {
			return true
		}
		if lit, ok := spec.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			codes = append(codes, s)
		}
		return true
	})
	sort.Strings(codes)
	if len(codes) < 10 {
		t.Fatalf("found %d error codes in internal/portal/error.go: %v", len(codes), codes)
	}
	return codes
}

func statuses(op *openapi3.Operation) []int {
	var out []int
	for k := range op.Responses.Map() {
		if n, err := strconv.Atoi(k); err == nil {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

// params returns the operation's parameters and its path item's.
func params(doc *openapi3.T, op *openapi3.Operation, key string) []*openapi3.Parameter {
	_, path, _ := strings.Cut(key, " ")
	var out []*openapi3.Parameter
	for _, p := range append(doc.Paths.Value(path).Parameters, op.Parameters...) {
		out = append(out, p.Value)
	}
	return out
}

// TestExamplesAreVietnamese: the examples come from the demo content.
func TestExamplesAreVietnamese(t *testing.T) {
	spec := string(openapi.Spec())
	for _, s := range []string{
		"Bạn đánh giá như thế nào về cổng thông tin này?",
		"Đẩy mạnh thực hiện cung cấp thông tin phục vụ công tác tuyên truyền miệng của Đảng",
		"14:20 | 17/11/2020",
		"Cổng Thông tin điện tử Chính phủ",
		"Khóa XIX",
	} {
		if !strings.Contains(spec, s) {
			t.Errorf("no example shows %q", s)
		}
	}
}
