package hashed_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"eportal/internal/hashed"
)

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"static/site.css":  {Data: []byte("body{}")},
		"static/a/app.js":  {Data: []byte("x=1")},
		"static/blob.xyz1": {Data: []byte{0xff}},
		"other/skip.css":   {Data: []byte("no")},
	}
	f := hashed.Load(fsys, "static")
	if len(f.Names) != 3 || len(f.ByHash) != 3 {
		t.Fatalf("loaded %v", f.Names)
	}
	css := f.Names["site.css"]
	if !strings.HasPrefix(css, "site.") || !strings.HasSuffix(css, ".css") || len(css) != len("site.0123456789.css") {
		t.Errorf("hashed name %q", css)
	}
	if got := f.ByHash[css]; string(got.Body) != "body{}" || got.ContentType != "text/css; charset=utf-8" {
		t.Errorf("site.css: %+v", got)
	}
	if got := f.ByHash[f.Names["blob.xyz1"]]; got.ContentType != "application/octet-stream" {
		t.Errorf("unknown extension: %q", got.ContentType)
	}
	changed := hashed.Load(fstest.MapFS{"static/site.css": {Data: []byte("body{color:red}")}}, "static")
	if changed.Names["site.css"] == css {
		t.Error("a changed file keeps its hashed name")
	}
}
