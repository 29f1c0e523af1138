package site_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"eportal/internal/portal"
)

// TestMediaSrcset holds that a cover and a body image from the media
// library (MEDIA_BASE_URL/<id>/<slot>) get a srcset of the three slots and
// sizes, on the article page and in the lists' cards, while other images
// keep their src alone.
func TestMediaSrcset(t *testing.T) {
	e := mustEnv(t, 0)
	ctx := context.Background()
	const cover, inBody = "k3mzq4xta7b2c5d6", "aaaabbbbccccdddd"
	for _, id := range []string{cover, inBody} {
		m := &portal.Media{ID: id, FileName: id + ".jpg", ContentType: "image/jpeg", Size: 1, Status: portal.MediaPending,
			URL: "/media/" + id + "/1280", CreatedBy: "tester", CreatedAt: now, UpdatedAt: now}
		if err := e.store.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
		m.Status = portal.MediaReady
		if err := e.store.UpdateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	at := now.Add(-time.Hour)
	a := &portal.Article{ID: "v-media", Slug: "bai-co-anh-thu-vien", Title: "Bài có ảnh thư viện", Categories: []string{demoCat},
		Body:       `<p>Trước</p><p><img alt="Ảnh trong bài" src="/media/` + inBody + `/768"></p><p><img src="https://example.vn/ngoai.jpg" alt="Ảnh ngoài"></p>`,
		CoverImage: &portal.Image{URL: "/media/" + cover + "/1280", Caption: "Ảnh bìa"},
		Status:     portal.StatusPublished, PublishAt: &at, CreatedAt: at, UpdatedAt: at, Version: 1}
	if err := e.store.CreateArticle(ctx, a, "tester", at); err != nil {
		t.Fatal(err)
	}
	set := func(id string) string {
		return "/media/" + id + "/320 320w, /media/" + id + "/768 768w, /media/" + id + "/1280 1280w"
	}

	p := parsePage(t, e.get(t, "/bai-viet/"+a.Slug).Body)
	fig := p.one(t, "cover figure", el("figure", "class", "cover"))
	img := all(fig, el("img"))[0]
	if attr(img, "src") != "/media/"+cover+"/1280" || attr(img, "srcset") != set(cover) || attr(img, "sizes") == "" {
		t.Errorf("cover img src %q srcset %q sizes %q; want the three slots", attr(img, "src"), attr(img, "srcset"), attr(img, "sizes"))
	}
	body := p.one(t, "article body", el("div", "class", "body"))
	imgs := all(body, el("img"))
	if len(imgs) != 2 {
		t.Fatalf("%d images in the body; want 2", len(imgs))
	}
	if attr(imgs[0], "src") != "/media/"+inBody+"/768" || attr(imgs[0], "srcset") != set(inBody) ||
		attr(imgs[0], "sizes") != attr(img, "sizes") || attr(imgs[0], "alt") != "Ảnh trong bài" {
		t.Errorf("body media img: src %q srcset %q sizes %q alt %q", attr(imgs[0], "src"), attr(imgs[0], "srcset"), attr(imgs[0], "sizes"), attr(imgs[0], "alt"))
	}
	if _, ok := attrOf(imgs[1], "srcset"); ok || attr(imgs[1], "src") != "https://example.vn/ngoai.jpg" {
		t.Errorf("external body img: src %q, srcset %q; want no srcset", attr(imgs[1], "src"), attr(imgs[1], "srcset"))
	}

	// The category's list shows it as a card with its cover.
	list := parsePage(t, e.get(t, "/chuyen-muc/"+demoCat).Body)
	var found bool
	for _, n := range all(list.root, el("img")) {
		if attr(n, "src") == "/media/"+cover+"/1280" {
			found = true
			if attr(n, "srcset") != set(cover) || !strings.HasSuffix(attr(n, "sizes"), "px") {
				t.Errorf("card img srcset %q sizes %q", attr(n, "srcset"), attr(n, "sizes"))
			}
		}
	}
	if !found {
		t.Error("the category list shows no card with the cover")
	}
}
