package portal_test

import (
	"slices"
	"testing"

	"eportal/internal/portal"
)

// TestMediaIDFromPath: exactly MEDIA_BASE_URL/<id>/<slot>, with or without
// a base path; nothing relative, protocol-relative, absolute, traversing
// or with a query counts.
func TestMediaIDFromPath(t *testing.T) {
	const id = "k3mzq4xta7b2c5d6"
	for src, want := range map[string]bool{
		"/media/" + id + "/320":                        true,
		"/media/" + id + "/768":                        true,
		"/media/" + id + "/1280":                       true,
		"/tin-tuc/media/" + id + "/1280":               true,
		"/a/b-c/media/" + id + "/1280":                 true,
		"media/" + id + "/1280":                        false,
		"//evil.example/media/" + id + "/1280":         false,
		"https://cdn.example.vn/media/" + id + "/1280": false,
		"/media/../media/" + id + "/1280":              false,
		"/media/" + id + "/1280?x=1":                   false,
		"/media/" + id + "/1024":                       false,
		"/media/" + id + "/1280/":                      false,
		"/media/K3MZQ4XTA7B2C5D6/1280":                 false,
		"/media/k3mzq4xta7b2c5d/1280":                  false,
		"/Media/" + id + "/1280":                       false,
		"/x/../media/" + id + "/1280":                  false,
		"javascript:/media/" + id + "/1280":            false,
	} {
		got, ok := portal.MediaIDFromPath(src)
		if ok != want || (ok && got != id) {
			t.Errorf("MediaIDFromPath(%q) = %q, %v; want %v", src, got, ok, want)
		}
	}
}

// TestMediaRefs: the cover and every body image that is a media path, each
// once, sorted; other images do not count.
func TestMediaRefs(t *testing.T) {
	a := &portal.Article{
		CoverImage: &portal.Image{URL: "/media/zzzzzzzzzzzzzzzz/1280"},
		Body: `<p>x</p><img src="/media/bbbbbbbbbbbbbbbb/768" alt="a"><img alt="b" src="/media/aaaaaaaaaaaaaaaa/320">` +
			`<img src="https://example.vn/a.jpg"><img src="/media/bbbbbbbbbbbbbbbb/1280"><p>/media/cccccccccccccccc/320</p>` +
			`<a href="/media/dddddddddddddddd/320">link</a>`,
	}
	want := []string{"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "zzzzzzzzzzzzzzzz"}
	if got := a.MediaRefs(); !slices.Equal(got, want) {
		t.Errorf("MediaRefs() = %v; want %v", got, want)
	}
	a.CoverImage = &portal.Image{URL: "https://example.vn/cover.jpg"}
	if got := a.MediaRefs(); !slices.Equal(got, want[:2]) {
		t.Errorf("MediaRefs() with an external cover = %v; want %v", got, want[:2])
	}
	var none *portal.Article
	if got := none.MediaRefs(); got != nil {
		t.Errorf("nil article: %v", got)
	}
}
