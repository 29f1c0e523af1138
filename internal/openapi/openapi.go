package openapi

import (
	"bytes"
	"context"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"eportal/internal/openapi/spec"
)

// Spec returns the OpenAPI document, YAML, as embedded in package spec (a
// copy).
func Spec() []byte { return bytes.Clone(spec.YAML()) }

// Load parses the embedded document and validates it as OpenAPI 3.1
// (structure, references, examples against their schemas). Each call returns
// a new document, which the caller may change.
func Load(ctx context.Context) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(spec.YAML())
	if err != nil {
		return nil, fmt.Errorf("openapi: load openapi.yaml: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("openapi: openapi.yaml is not valid OpenAPI: %w", err)
	}
	return doc, nil
}

// AnyMethodExtension is the path item extension that stands for a template
// route of method ANY: OpenAPI has no operation for "any method". Its value
// names the template event and, in components.responses, the response every
// method without an operation of its own gets, with its status.
const AnyMethodExtension = "x-eportal-any-method"

// RoleExtension is the operation extension naming the role an /admin
// operation needs (editor, publisher or admin).
const RoleExtension = "x-eportal-role"

// Exclusion is a template route, or a family of them, that the spec leaves
// out on purpose. An empty field matches anything.
type Exclusion struct {
	Function string // the template function's logical ID
	Method   string
	Path     string // as in the template: "/binh-chon/{id}", or "$default"
	Reason   string
}

// Exclusions are the template.yaml routes the spec does not describe, in
// one place. Every other route of the template is an operation of the spec
// (or, for a method of ANY, an x-eportal-any-method path item), and every
// operation a route of the template (TestRoutesMatchTemplate).
var Exclusions = []Exclusion{
	{Path: "$default", Reason: "API Gateway's catch-all route (SiteFunction.NotFound): no route of its own, " +
		"the reader site's 404 page, or a JSON not_found for an API path, which the Validator holds to the error schema"},
	{Function: "SiteFunction", Method: "GET", Reason: "the reader site: server-rendered HTML pages, RSS feeds, the sitemap, " +
		"robots.txt and static files, not JSON (its POST /admin/preview, JSON in, is described)"},
	{Function: "PollsFunction", Method: "POST", Path: "/binh-chon/{id}", Reason: "the reader site's no-JavaScript poll form: " +
		"application/x-www-form-urlencoded in, 303 redirects to the site's pages and small HTML error pages out"},
	{Function: "ConsoleFunction", Reason: "the editors' console: its HTML, CSS and JavaScript files and the config.json " +
		"its script reads to sign in, not part of the API"},
}

// Excluded reports whether the spec leaves out the template route of
// function, method and path, and why.
func Excluded(function, method, path string) (reason string, ok bool) {
	for _, e := range Exclusions {
		if (e.Function == "" || e.Function == function) && (e.Method == "" || e.Method == method) && (e.Path == "" || e.Path == path) {
			return e.Reason, true
		}
	}
	return "", false
}
