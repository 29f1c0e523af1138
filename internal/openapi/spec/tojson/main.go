// Command tojson writes openapi.json, the JSON form of openapi.yaml, which
// the site's /docs page reads so that the site's bootstrap does not link a
// YAML parser. Run it after changing openapi.yaml:
//
//	go generate ./internal/openapi/spec/
//
// TestJSONIsTheYAML fails until it has been run.
package main

import (
	"log"
	"os"

	"eportal/internal/openapi/spec/yamljson"
)

func main() {
	in, err := os.ReadFile("openapi.yaml")
	if err != nil {
		log.Fatal(err)
	}
	out, err := yamljson.Convert(in)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("openapi.json", out, 0o644); err != nil {
		log.Fatal(err)
	}
}
