package sanitize

import (
	"strings"
	"testing"
)

// TestHTMLMediaImages: an img src that is exactly a media library path
// (MEDIA_BASE_URL/<id>/<slot>) is kept; every other relative,
// protocol-relative, traversing or scripted src is dropped, and links stay
// absolute.
func TestHTMLMediaImages(t *testing.T) {
	const id = "k3mzq4xta7b2c5d6"
	for _, src := range []string{
		"/media/" + id + "/320",
		"/media/" + id + "/768",
		"/media/" + id + "/1280",
		"/tin-tuc/media/" + id + "/1280",
		"https://example.vn/anh.jpg",
	} {
		in := `<p><img src="` + src + `" alt="Ảnh"></p>`
		if got := HTML(in); got != in {
			t.Errorf("HTML(%q) = %q; want it kept", in, got)
		}
	}
	for _, src := range []string{
		"media/" + id + "/320",
		"./media/" + id + "/320",
		"../media/" + id + "/320",
		"/media/../media/" + id + "/320",
		"/x/../media/" + id + "/320",
		"/media/" + id + "/320/../../../admin",
		"//evil.example/media/" + id + "/320",
		"&#47;&#47;evil.example/media/" + id + "/320",
		"/\\evil.example/media/" + id + "/320",
		" /media/" + id + "/320",
		"/media/" + id + "/320?x=1",
		"/media/" + id + "/320#x",
		"/media/" + id + "/999",
		"/media/" + strings.ToUpper(id) + "/320",
		"/media/" + id[:15] + "/320",
		"/anh.jpg",
		"anh.jpg",
		"javascript:/media/" + id + "/320",
		"data:image/png;base64,iVBORw0KGgo=",
	} {
		got := HTML(`<p><img src="` + src + `" alt="Ảnh"></p>`)
		if strings.Contains(got, "src=") || strings.Contains(strings.ToLower(got), "onerror") {
			t.Errorf("img src %q: HTML kept %q; want no src", src, got)
		}
	}
	// A handler attribute after a media src goes; the src stays.
	if got, want := HTML(`<img src="/media/`+id+`/320" onerror="alert(1)">`), `<img src="/media/`+id+`/320">`; got != want {
		t.Errorf("media img with onerror: %q; want %q", got, want)
	}
	// Links stay absolute: a relative href, a media path among them, goes.
	for _, href := range []string{"/media/" + id + "/320", "/bai-viet/x", "bai-viet", "//evil.example/", "#top"} {
		if got := HTML(`<a href="` + href + `">x</a>`); got != "x" {
			t.Errorf("href %q: HTML = %q; want the text alone", href, got)
		}
	}
	if got, want := HTML(`<a href="https://chinhphu.vn">x</a>`), `<a href="https://chinhphu.vn" rel="nofollow noopener" target="_blank">x</a>`; got != want {
		t.Errorf("absolute link: %q; want %q", got, want)
	}
}

// TestImageURL: a cover image is a media library path, kept as it is, or
// an absolute http(s) URL as URL normalises it; anything else is refused.
func TestImageURL(t *testing.T) {
	const id = "k3mzq4xta7b2c5d6"
	for in, want := range map[string]string{
		"/media/" + id + "/1280":          "/media/" + id + "/1280",
		" /tin-tuc/media/" + id + "/768 ": "/tin-tuc/media/" + id + "/768",
		"HTTPS://Example.VN/a.jpg":        "https://example.vn/a.jpg",
	} {
		if got, err := ImageURL(in); err != nil || got != want {
			t.Errorf("ImageURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "/anh.jpg", "//evil.example/media/" + id + "/1280", "/media/../" + id + "/1280",
		"/media/" + id + "/1024", "javascript:alert(1)", "media/" + id + "/1280"} {
		if got, err := ImageURL(in); err == nil {
			t.Errorf("ImageURL(%q) = %q; want an error", in, got)
		} else if !strings.Contains(err.Error(), "media library") {
			t.Errorf("ImageURL(%q): %v; want the message to mention media library images", in, err)
		}
	}
}
