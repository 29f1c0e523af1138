package template

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Intrinsic is a CloudFormation intrinsic function call such as
// `!Ref HttpApi` or `!Sub "https://${HttpApi}..."`. Tag is the short-form tag
// ("!Ref", "!Sub", "!GetAtt", "!If", ...) whichever form the template used:
// the long form {"Fn::GetAtt": [...]} reads as Tag "!GetAtt". Value is the
// argument as written: a string, a []any or a map[string]any (so `!GetAtt
// Table.Arn` gives "Table.Arn" and `!GetAtt [Table, Arn]` a []any).
type Intrinsic struct {
	Tag   string
	Value any
}

// String returns the intrinsic in its short YAML form, for messages.
func (i Intrinsic) String() string { return fmt.Sprintf("%s %v", i.Tag, i.Value) }

// decode turns a node into plain Go values (string, bool, int, float64, nil,
// []any, map[string]any), with every intrinsic, short or long form, as an
// Intrinsic.
func decode(n *yaml.Node) (any, error) {
	n = deref(n)
	if n == nil {
		return nil, nil
	}
	var v any
	switch n.Kind {
	case yaml.ScalarNode:
		if isCustomTag(n.Tag) {
			v = n.Value
		} else if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			e, err := decode(c)
			if err != nil {
				return nil, err
			}
			list = append(list, e)
		}
		v = list
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			e, err := decode(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = e
		}
		if !isCustomTag(n.Tag) && len(m) == 1 {
			for k, arg := range m {
				if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
					return Intrinsic{Tag: "!" + strings.TrimPrefix(k, "Fn::"), Value: arg}, nil
				}
			}
		}
		v = m
	default:
		return nil, fmt.Errorf("line %d: unexpected YAML node kind %d", n.Line, n.Kind)
	}
	if isCustomTag(n.Tag) {
		return Intrinsic{Tag: n.Tag, Value: v}, nil
	}
	return v, nil
}

// isCustomTag reports whether tag is a local tag such as "!Ref", as opposed
// to YAML's own "!!str", "!!map", ... which yaml.v3 fills in.
func isCustomTag(tag string) bool {
	return strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!")
}

// deref follows documents and aliases to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil {
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		case yaml.AliasNode:
			n = n.Alias
		default:
			return n
		}
	}
	return nil
}

// child returns the value of key in mapping n, or nil when n is not a
// mapping or has no such key.
func child(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

// at follows keys from n through nested mappings.
func at(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = child(n, k)
	}
	return n
}

// str returns n's value when n is a plain (untagged) scalar.
func str(n *yaml.Node) (string, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || isCustomTag(n.Tag) {
		return "", false
	}
	return n.Value, true
}

// describe names what n is, for error messages.
func describe(n *yaml.Node) string {
	n = deref(n)
	switch {
	case n == nil:
		return "nothing"
	case isCustomTag(n.Tag):
		return fmt.Sprintf("%s at line %d", n.Tag, n.Line)
	case n.Kind == yaml.MappingNode:
		return fmt.Sprintf("a mapping at line %d", n.Line)
	case n.Kind == yaml.SequenceNode:
		return fmt.Sprintf("a list at line %d", n.Line)
	default:
		return fmt.Sprintf("%q at line %d", n.Value, n.Line)
	}
}
