package openapi_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"eportal/infra/template"
	"eportal/internal/openapi"
)

// mustDoc loads the spec once per test binary; tests only read it.
var mustDoc = func() func(t *testing.T) *openapi3.T {
	load := sync.OnceValues(func() (*openapi3.T, error) { return openapi.Load(context.Background()) })
	return func(t *testing.T) *openapi3.T {
		t.Helper()
		doc, err := load()
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
}()

func mustTemplate(t *testing.T) *template.Template {
	t.Helper()
	path, err := template.Find()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// specRoute is a route of the spec: an operation, or a path item's
// x-eportal-any-method (method ANY).
type specRoute struct {
	key     string // "GET /articles/{slug}", as a template route key
	op      *openapi3.Operation
	anyExt  openapi.AnyMethodRoute
	isAdmin bool
}

func specRoutes(t *testing.T, doc *openapi3.T) map[string]specRoute {
	t.Helper()
	out := map[string]specRoute{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := strings.ToUpper(method) + " " + path
			out[key] = specRoute{key: key, op: op, isAdmin: strings.HasPrefix(path, "/admin/")}
		}
		ext, ok, err := openapi.AnyMethod(item)
		if err != nil {
			t.Errorf("%s: %v", path, err)
		}
		if ok {
			key := "ANY " + path
			out[key] = specRoute{key: key, anyExt: ext}
		}
	}
	return out
}

// TestRoutesMatchTemplate: the spec's routes are template.yaml's routes
// minus openapi.Exclusions, both ways, each naming its template event; a
// route is public in the template exactly when its operation has
// security: []; and every exclusion still excludes something.
func TestRoutesMatchTemplate(t *testing.T) {
	doc := mustDoc(t)
	tmpl := mustTemplate(t)
	spec := specRoutes(t, doc)

	want := map[string]template.Route{}
	used := map[string]bool{}
	for _, r := range tmpl.Routes() {
		if reason, ok := openapi.Excluded(r.Function, r.Method, r.Path); ok {
			used[reason] = true
			continue
		}
		want[r.RouteKey()] = r
	}
	var missing, extra []string
	for key, r := range want {
		if _, ok := spec[key]; !ok {
			missing = append(missing, fmt.Sprintf("%s (%s.%s)", key, r.Function, r.Event))
		}
	}
	for key := range spec {
		if _, ok := want[key]; !ok {
			extra = append(extra, key)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, m := range missing {
		t.Errorf("template.yaml route %s is not in openapi.yaml (describe it, or add it to openapi.Exclusions with the reason)", m)
	}
	for _, e := range extra {
		t.Errorf("openapi.yaml route %s is not a JSON route of template.yaml", e)
	}
	for _, e := range openapi.Exclusions {
		if !used[e.Reason] {
			t.Errorf("exclusion %+v matches no route of template.yaml: remove it", e)
		}
	}

	for key, r := range want {
		s, ok := spec[key]
		if !ok {
			continue
		}
		if s.op == nil { // method ANY
			if s.anyExt.Event != r.Event {
				t.Errorf("%s: %s names event %q; the template's is %s.%s", key, openapi.AnyMethodExtension, s.anyExt.Event, r.Function, r.Event)
			}
			continue
		}
		if event := "Template event " + r.Function + "." + r.Event + "."; !strings.Contains(s.op.Description, event) {
			t.Errorf("%s (%s): the description does not say %q", key, s.op.OperationID, event)
		}
		public := s.op.Security != nil && len(*s.op.Security) == 0
		if public != r.Public {
			t.Errorf("%s (%s): public in the spec = %v; in the template (Auth) = %v", key, s.op.OperationID, public, r.Public)
		}
	}
	if len(want) == 0 {
		t.Fatal("template.yaml declares no JSON route")
	}
	t.Logf("%d JSON routes of template.yaml in the spec; %d template routes excluded", len(want), len(tmpl.Routes())-len(want))
}

// TestExcluded pins what the exclusions cover.
func TestExcluded(t *testing.T) {
	for _, c := range []struct {
		function, method, path string
		excluded               bool
	}{
		{"SiteFunction", "GET", "/bai-viet/{slug}", true},
		{"SiteFunction", "", "$default", true},
		{"PollsFunction", "POST", "/binh-chon/{id}", true},
		{"PollsFunction", "POST", "/polls/{id}/votes", false},
		{"ReadFunction", "GET", "/articles", false},
		{"ViewsFunction", "ANY", "/articles/{slug}/views", false},
	} {
		reason, ok := openapi.Excluded(c.function, c.method, c.path)
		if ok != c.excluded || ok && reason == "" {
			t.Errorf("Excluded(%s, %s, %s) = %q, %v; want excluded %v with a reason", c.function, c.method, c.path, reason, ok, c.excluded)
		}
	}
	if !slices.ContainsFunc(openapi.Exclusions, func(e openapi.Exclusion) bool { return e.Path == template.DefaultRouteKey }) {
		t.Error("$default is not excluded in its own right")
	}
}
