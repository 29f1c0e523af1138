// Package yamljson turns the OpenAPI document's YAML into the JSON the
// site embeds (openapi.json). It is apart from package spec so that
// nothing but the generator and the tests links the YAML parser.
package yamljson

import (
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Convert returns doc, a YAML document, as compact JSON with its mapping
// keys sorted (encoding/json's order), ending in a newline.
func Convert(doc []byte) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		return nil, fmt.Errorf("parse YAML: %w", err)
	}
	out, err := json.Marshal(normalise(v))
	if err != nil {
		return nil, fmt.Errorf("write JSON: %w", err)
	}
	return append(out, '\n'), nil
}

// normalise makes every mapping a map with string keys (YAML allows
// others, such as an unquoted status code), recursively.
func normalise(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalise(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalise(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = normalise(e)
		}
		return x
	}
	return v
}
