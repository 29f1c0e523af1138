package articleinput_test

import (
	"fmt"
	"strings"
	"testing"

	"eportal/internal/articleinput"
	"eportal/internal/portal"
)

// TestMediaImages: a cover and body images from the media library (paths,
// MEDIA_BASE_URL/<id>/<slot>) are kept as they are; another relative cover
// is refused; more library images than portal.MaxArticleImages is refused.
func TestMediaImages(t *testing.T) {
	const id = "k3mzq4xta7b2c5d6"
	in := articleinput.Input{Title: "Ảnh", Body: `<p><img src="/media/` + id + `/768" alt="a"></p>`,
		CoverImage: &articleinput.Image{URL: "/media/" + id + "/1280", Caption: "Chú thích"}}
	e, err := in.Edit()
	if err != nil {
		t.Fatal(err)
	}
	if e.CoverImage == nil || e.CoverImage.URL != "/media/"+id+"/1280" || !strings.Contains(e.Body, `src="/media/`+id+`/768"`) {
		t.Errorf("Edit() = cover %+v, body %q; want the media paths kept", e.CoverImage, e.Body)
	}
	in.CoverImage.URL = "/anh/bia.jpg"
	if _, err := in.Edit(); portal.ErrorCode(err) != portal.EINVALID || !strings.Contains(portal.ErrorMessage(err), "coverImage.url") {
		t.Errorf("a relative cover that is no media path: %v; want invalid coverImage.url", err)
	}
	in.CoverImage = nil
	var body strings.Builder
	for i := range portal.MaxArticleImages + 1 {
		fmt.Fprintf(&body, `<img src="/media/%s%c/320">`, strings.Repeat("b", 15), 'a'+i)
	}
	in.Body = body.String()
	if _, err := in.Edit(); portal.ErrorCode(err) != portal.EINVALID || !strings.Contains(portal.ErrorMessage(err), "at most") {
		t.Errorf("%d library images: %v; want invalid", portal.MaxArticleImages+1, err)
	}
}
