package site

import (
	"strings"
	"testing"

	"eportal/internal/openapi/spec"
)

// TestAPIReference: the /docs page is built from every operation of
// openapi.yaml (read from its JSON form), with the parameters and responses
// behind $refs resolved.
func TestAPIReference(t *testing.T) {
	ref, err := parseReference(spec.JSON())
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]apiOperation{}
	for _, g := range ref.Groups {
		for _, o := range g.Ops {
			ops[o.Method+" "+o.Path] = o
		}
	}
	// As many operations as the document has methods under paths.
	want := strings.Count(string(spec.YAML()), "\n    get:") + strings.Count(string(spec.YAML()), "\n    post:") +
		strings.Count(string(spec.YAML()), "\n    put:") + strings.Count(string(spec.YAML()), "\n    delete:")
	if len(ops) != want || want < 30 {
		t.Errorf("reference has %d operations; the document %d", len(ops), want)
	}
	get, ok := ops["GET /articles/{slug}"]
	if !ok || get.Access != "công khai" || get.Summary == "" {
		t.Fatalf("GET /articles/{slug}: %+v", get)
	}
	for _, o := range ops {
		for _, r := range o.Responses {
			if r.Description == "" {
				t.Errorf("%s %s: response %s has no description ($ref not resolved?)", o.Method, o.Path, r.Status)
			}
		}
		for _, p := range o.Params {
			if p.Name == "" || p.In == "" {
				t.Errorf("%s %s: parameter %+v ($ref not resolved?)", o.Method, o.Path, p)
			}
		}
		if strings.HasPrefix(o.Path, "/admin") && !strings.Contains(o.Access, "vai trò") {
			t.Errorf("%s %s: access %q; want the role a token needs", o.Method, o.Path, o.Access)
		}
	}
}
