package spec_test

import (
	"bytes"
	"testing"

	"eportal/internal/openapi/spec"
	"eportal/internal/openapi/spec/yamljson"
)

// TestJSONIsTheYAML: openapi.json is openapi.yaml converted, byte for byte;
// after a change of the YAML, `go generate ./internal/openapi/spec/`.
func TestJSONIsTheYAML(t *testing.T) {
	want, err := yamljson.Convert(spec.YAML())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(spec.JSON(), want) {
		t.Errorf("openapi.json (%d bytes) is not openapi.yaml converted (%d bytes): run go generate ./internal/openapi/spec/", len(spec.JSON()), len(want))
	}
}
