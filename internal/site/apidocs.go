package site

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"

	template "github.com/DataDog/datadog-agent/pkg/template/html"

	"eportal/internal/apigw"
	"eportal/internal/openapi/spec"
)

// openAPIDocument serves GET /openapi.yaml: the JSON API's OpenAPI 3.1
// description (internal/openapi/spec), as apps and tools read it.
func (h *Handler) openAPIDocument(ctx context.Context, req apigw.Request) apigw.Response {
	return respond(req, http.StatusOK, "application/yaml; charset=utf-8", spec.YAML(), feedCache)
}

// apiReference is the /docs page: the operations of openapi.yaml by tag.
type apiReference struct {
	Title, Version string
	Description    []template.HTML // paragraphs
	Groups         []apiGroup
}

type apiGroup struct {
	Name        string
	Description template.HTML
	Ops         []apiOperation
}

type apiOperation struct {
	Method, Path, Summary, Anchor string
	Description                   []template.HTML
	Access                        string // "công khai", or the role a token needs
	Params                        []apiParam
	Responses                     []apiResponse
}

type apiParam struct {
	Name, In    string
	Description template.HTML
}

type apiResponse struct {
	Status      string
	Description template.HTML
}

var (
	referenceOnce sync.Once
	reference     *apiReference
	referenceErr  error
)

// apiDocs serves GET /docs: a reference page of the JSON API built from
// openapi.json (openapi.yaml as JSON: the site links no YAML parser) on the
// first request (not at cold start), with a link to the document itself
// for schemas and examples.
func (h *Handler) apiDocs(ctx context.Context, req apigw.Request) apigw.Response {
	referenceOnce.Do(func() { reference, referenceErr = parseReference(spec.JSON()) })
	if referenceErr != nil {
		return h.errorPage(ctx, req, http.StatusInternalServerError, referenceErr)
	}
	base := h.baseURL(req)
	data := &layout{
		Title: "Tài liệu API", Description: "Tài liệu API JSON của " + h.cfg.Name,
		Canonical: base + "/docs", OGType: "website",
		Crumbs:  []crumb{{Name: "Trang chủ", URL: h.path("/")}, {Name: "Tài liệu API"}},
		Content: reference,
	}
	return h.render(ctx, req, "api", http.StatusOK, feedCache, data)
}

// The parts of an OpenAPI document the reference page shows.
type (
	openAPIDoc struct {
		Info struct {
			Title, Version, Description string
		} `json:"info"`
		Tags       []struct{ Name, Description string }  `json:"tags"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]openAPIParam    `json:"parameters"`
			Responses  map[string]openAPIResponse `json:"responses"`
		} `json:"components"`
	}
	openAPIOp struct {
		Summary     string                     `json:"summary"`
		Description string                     `json:"description"`
		Tags        []string                   `json:"tags"`
		Security    []map[string][]string      `json:"security"`
		Role        string                     `json:"x-eportal-role"`
		Parameters  []openAPIParam             `json:"parameters"`
		Responses   map[string]openAPIResponse `json:"responses"`
	}
	openAPIParam struct {
		Ref         string `json:"$ref"`
		Name        string `json:"name"`
		In          string `json:"in"`
		Description string `json:"description"`
	}
	openAPIResponse struct {
		Ref         string `json:"$ref"`
		Description string `json:"description"`
	}
)

var methods = []string{"get", "post", "put", "delete", "patch"}

func parseReference(doc []byte) (*apiReference, error) {
	var d openAPIDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("parse openapi.json: %w", err)
	}
	ref := &apiReference{Title: d.Info.Title, Version: d.Info.Version, Description: paragraphs(d.Info.Description)}
	groups := map[string]*apiGroup{}
	for _, t := range d.Tags {
		ref.Groups = append(ref.Groups, apiGroup{Name: t.Name, Description: inline(t.Description)})
	}
	for i := range ref.Groups {
		groups[ref.Groups[i].Name] = &ref.Groups[i]
	}
	paths := make([]string, 0, len(d.Paths))
	for p := range d.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		item := d.Paths[p]
		for _, m := range methods {
			raw, ok := item[m]
			if !ok {
				continue
			}
			var op openAPIOp
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("openapi.yaml %s %s: %w", m, p, err)
			}
			o := apiOperation{Method: strings.ToUpper(m), Path: p, Summary: op.Summary, Description: paragraphs(op.Description),
				Anchor: strings.ToLower(m) + strings.NewReplacer("/", "-", "{", "", "}", "").Replace(p), Access: "công khai"}
			if len(op.Security) > 0 {
				o.Access = "cần mã truy cập (Cognito)"
				if op.Role != "" {
					o.Access += ", vai trò " + op.Role
				}
			}
			for _, prm := range op.Parameters {
				if prm.Ref != "" {
					prm = d.Components.Parameters[strings.TrimPrefix(prm.Ref, "#/components/parameters/")]
				}
				o.Params = append(o.Params, apiParam{Name: prm.Name, In: prm.In, Description: inline(prm.Description)})
			}
			codes := make([]string, 0, len(op.Responses))
			for c := range op.Responses {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			for _, c := range codes {
				r := op.Responses[c]
				if r.Ref != "" {
					r = d.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
				}
				o.Responses = append(o.Responses, apiResponse{Status: c, Description: inline(r.Description)})
			}
			tag := "khác"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			g := groups[tag]
			if g == nil {
				ref.Groups = append(ref.Groups, apiGroup{Name: tag})
				for i := range ref.Groups { // the slice may have moved
					groups[ref.Groups[i].Name] = &ref.Groups[i]
				}
				g = groups[tag]
			}
			g.Ops = append(g.Ops, o)
		}
	}
	return ref, nil
}

// paragraphs splits the document's Markdown text at blank lines, each
// paragraph on one line, with inline's formatting.
func paragraphs(s string) []template.HTML {
	var out []template.HTML
	for _, p := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, inline(p))
		}
	}
	return out
}

var (
	codeSpan = regexp.MustCompile("`([^`]+)`")
	strong   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

// inline renders the two pieces of Markdown the document's descriptions use,
// `code` and **strong**, on text escaped first: the only tags in the result
// are these.
func inline(s string) template.HTML {
	s = html.EscapeString(strings.Join(strings.Fields(s), " "))
	s = codeSpan.ReplaceAllString(s, "<code>$1</code>")
	s = strong.ReplaceAllString(s, "<strong>$1</strong>")
	return template.HTML(s) //nolint:gosec // escaped above; only <code> and <strong> added
}
