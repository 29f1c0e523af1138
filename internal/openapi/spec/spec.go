// Package spec holds eportal's OpenAPI document, openapi.yaml, as bytes and
// nothing else: what only serves the document (the site function's
// /openapi.yaml and /docs) imports this, not package openapi, whose parser
// and validator would weigh on a Lambda binary.
package spec

import _ "embed"

//go:embed openapi.yaml
var document []byte

// YAML returns the OpenAPI document as embedded. Callers must not modify it.
func YAML() []byte { return document }
