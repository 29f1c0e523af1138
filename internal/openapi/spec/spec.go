// Package spec holds eportal's OpenAPI document, openapi.yaml, as bytes and
// nothing else: what only serves the document (the site function's
// /openapi.yaml and /docs) imports this, not package openapi, whose parser
// and validator would weigh on a Lambda binary. openapi.json is the same
// document as JSON, generated from the YAML (go generate; TestJSONIsTheYAML
// holds them equal), for /docs to read without a YAML parser.
package spec

import _ "embed"

//go:generate go run ./tojson

//go:embed openapi.yaml
var document []byte

//go:embed openapi.json
var documentJSON []byte

// YAML returns the OpenAPI document as embedded. Callers must not modify it.
func YAML() []byte { return document }

// JSON returns the same document as JSON. Callers must not modify it.
func JSON() []byte { return documentJSON }
