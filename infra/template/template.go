package template

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"go.yaml.in/yaml/v3"
)

// FileName is the template's file name at the module root.
const FileName = "template.yaml"

// Resource types this package reads.
const (
	TypeFunction = "AWS::Serverless::Function"
	TypeTable    = "AWS::DynamoDB::Table"
)

// Template is a parsed SAM template. It is read-only after Load or Parse and
// safe for concurrent use.
type Template struct {
	// Path is the file the template was loaded from ("" after Parse).
	Path string

	root      *yaml.Node
	resources map[string]*yaml.Node // logical ID -> resource mapping
	routes    []Route
}

// Find returns the path of template.yaml in the working directory or the
// nearest parent that has one, so tests running in package directories find
// the module's template.
func Find() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find %s: %w", FileName, err)
	}
	for dir := wd; ; {
		p := filepath.Join(dir, FileName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("find %s: %w", FileName, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("find %s: not in %s or any parent directory", FileName, wd)
		}
		dir = parent
	}
}

// Load reads and parses the template at path. See Parse for what it checks.
func Load(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load template: %w", err)
	}
	t, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("load template %s: %w", path, err)
	}
	t.Path = path
	return t, nil
}

// Parse parses a template from YAML (or JSON) text. It fails when the text
// is not YAML, has no Resources mapping, a resource has no Type, or an
// HttpApi event is malformed (a Method or Path that is not a plain string).
// Rules such as "paths start with /" are left to Validate.
func Parse(data []byte) (*Template, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse template: %w", err)
	}
	t := &Template{root: deref(&doc), resources: map[string]*yaml.Node{}}
	res := child(t.root, "Resources")
	if res == nil || res.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("parse template: Resources: want a mapping, got %s", describe(res))
	}
	for i := 0; i+1 < len(res.Content); i += 2 {
		id, r := res.Content[i].Value, deref(res.Content[i+1])
		if _, ok := str(child(r, "Type")); !ok {
			return nil, fmt.Errorf("parse template: resource %s: Type: want a string, got %s", id, describe(child(r, "Type")))
		}
		t.resources[id] = r
	}
	routes, err := t.parseRoutes()
	if err != nil {
		return nil, fmt.Errorf("parse template: %w", err)
	}
	t.routes = routes
	return t, nil
}

// Lookup returns the value at the given chain of mapping keys from the top of
// the template, for example Lookup("Resources", "Table", "Properties",
// "BillingMode"). Intrinsics come back as Intrinsic; other values as string,
// bool, int, float64, []any or map[string]any. ok is false when a key is
// missing or the value cannot be decoded.
func (t *Template) Lookup(keys ...string) (v any, ok bool) {
	n := at(t.root, keys...)
	if n == nil {
		return nil, false
	}
	v, err := decode(n)
	return v, err == nil
}

// ResourceType returns the Type of the resource with the given logical ID,
// or "" when there is none.
func (t *Template) ResourceType(id string) string {
	typ, _ := str(child(t.resources[id], "Type"))
	return typ
}

// Functions returns the logical IDs of the AWS::Serverless::Function
// resources, sorted.
func (t *Template) Functions() []string {
	return t.resourcesOfType(TypeFunction)
}

// ResourcesOfType returns the logical IDs of the resources of type typ
// ("AWS::CloudWatch::Alarm"), sorted.
func (t *Template) ResourcesOfType(typ string) []string { return t.resourcesOfType(typ) }

// resourcesOfType returns the sorted logical IDs of resources of type typ.
func (t *Template) resourcesOfType(typ string) []string {
	var ids []string
	for id := range t.resources {
		if t.ResourceType(id) == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}
