package mediaapi_test

import (
	"fmt"
	"image"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"eportal/internal/mediaapi"
	"eportal/internal/portal"
)

// draft returns a new draft article that uses body and, when cover is not
// "", the cover image at cover.
func draft(id, title, body, cover string) *portal.Article {
	a := &portal.Article{ID: id, Slug: id, Title: title, Body: body, Status: portal.StatusDraft, Version: 1,
		CreatedAt: start, UpdatedAt: start, CreatedBy: "tester", UpdatedBy: "tester"}
	if cover != "" {
		a.CoverImage = &portal.Image{URL: cover}
	}
	return a
}

// edit saves a's next version with body and cover changed by change.
func (e *env) edit(t *testing.T, a *portal.Article, change func(*portal.Article)) (*portal.Article, error) {
	t.Helper()
	next := *a
	change(&next)
	next.Version = a.Version + 1
	next.UpdatedAt = a.UpdatedAt.Add(time.Second)
	err := e.store.SaveArticle(t.Context(), portal.ArticleChange{Before: a, After: &next, Action: "update", Actor: "tester", Now: next.UpdatedAt})
	return &next, err
}

func (e *env) deleteMedia(t *testing.T, id string) (int, map[string]any) {
	t.Helper()
	resp, body := e.do(t, call{role: "editor", method: "DELETE", route: "/admin/media/{id}", params: map[string]string{"id": id}})
	return resp.StatusCode, body
}

// TestDeleteGuard: an image an article uses, as its cover or in its body,
// cannot be deleted: 409 names the article; once no article uses it, it
// can. Deleting an article releases its images.
func TestDeleteGuard(t *testing.T) {
	e := mustEnv(t)
	cover := e.upload(t, "bia.png", "image/png", mustPNG(t, solid(800, 400, image.Black)))
	inBody := e.upload(t, "than.png", "image/png", mustPNG(t, solid(500, 400, image.White)))
	spare := e.upload(t, "du.png", "image/png", mustPNG(t, solid(400, 400, image.White)))

	a := draft("bai-mot", "Hội nghị Tỉnh ủy", `<p>Nội dung</p><p><img src="/media/`+inBody.ID+`/768" alt="Ảnh"></p>`,
		"/media/"+cover.ID+"/1280")
	if err := e.store.CreateArticle(t.Context(), a, "tester", start); err != nil {
		t.Fatal(err)
	}
	b := draft("bai-hai", "Bài thứ hai", `<img src="/tin-tuc/media/`+inBody.ID+`/320">`, "")
	if err := e.store.CreateArticle(t.Context(), b, "tester", start); err != nil {
		t.Fatal(err)
	}
	if m, _ := e.store.Media(t.Context(), inBody.ID); m.Uses != 2 {
		t.Errorf("uses of the body image = %d; want 2", m.Uses)
	}

	status, body := e.deleteMedia(t, cover.ID)
	articles, _ := body["articles"].([]any)
	if status != http.StatusConflict || errorCode(body) != portal.ECONFLICT || len(articles) != 1 ||
		fmt.Sprint(articles[0]) != "map[id:bai-mot title:Hội nghị Tỉnh ủy]" {
		t.Fatalf("DELETE of a cover in use: %d %v; want 409 naming bai-mot", status, body)
	}
	status, body = e.deleteMedia(t, inBody.ID)
	if articles, _ := body["articles"].([]any); status != http.StatusConflict || len(articles) != 2 ||
		!strings.Contains(fmt.Sprint(body["error"]), "used by 2 articles") {
		t.Fatalf("DELETE of a body image in use: %d %v; want 409 naming both articles", status, body)
	}
	for _, id := range []string{cover.ID, inBody.ID} {
		m, err := e.store.Media(t.Context(), id)
		if err != nil || m.Status != portal.MediaReady {
			t.Errorf("entry %s after the refused delete: %+v %v; want it ready", id, m, err)
		}
		if e.object(t, mediaapi.VariantKey(id, 1280)) == nil {
			t.Errorf("a refused delete took %s's variant", id)
		}
	}

	// Swap the cover for the spare image, drop the body image: the old
	// cover can go, the spare cannot.
	a, err := e.edit(t, a, func(n *portal.Article) {
		n.CoverImage = &portal.Image{URL: "/media/" + spare.ID + "/768"}
		n.Body = "<p>Không còn ảnh</p>"
	})
	if err != nil {
		t.Fatal(err)
	}
	if status, body := e.deleteMedia(t, cover.ID); status != http.StatusNoContent {
		t.Errorf("DELETE of a cover no longer used: %d %v; want 204", status, body)
	}
	if status, _ := e.deleteMedia(t, spare.ID); status != http.StatusConflict {
		t.Errorf("DELETE of the new cover: %d; want 409", status)
	}
	// bai-hai still uses the body image; deleting the article releases it.
	if status, _ := e.deleteMedia(t, inBody.ID); status != http.StatusConflict {
		t.Errorf("DELETE of the image bai-hai uses: %d; want 409", status)
	}
	if err := e.store.DeleteArticle(t.Context(), b, "tester", start.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if status, body := e.deleteMedia(t, inBody.ID); status != http.StatusNoContent {
		t.Errorf("DELETE after its article was deleted: %d %v; want 204", status, body)
	}

	// A save that starts using a deleted image, or one not ready, is
	// refused, and changes nothing.
	pending, _, _ := e.presign(t, "cho.png", "image/png", 100)
	for ref, want := range map[string]string{
		cover.ID:           "not in the media library",
		pending:            "still being processed",
		"zzzzzzzzzzzzzzzz": "not in the media library",
	} {
		_, err := e.edit(t, a, func(n *portal.Article) { n.Body = `<img src="/media/` + ref + `/320">` })
		if portal.ErrorCode(err) != portal.EINVALID || !strings.Contains(portal.ErrorMessage(err), want) {
			t.Errorf("save using %s: %v; want invalid, %q", ref, err, want)
		}
	}
	if got, _ := e.store.ArticleByID(t.Context(), a.ID); got.Version != a.Version {
		t.Errorf("a refused save changed the article to version %d", got.Version)
	}

	// More images than a save transaction can hold: 400.
	var many strings.Builder
	for i := range portal.MaxArticleImages + 1 {
		fmt.Fprintf(&many, `<img src="/media/%s%c/320">`, strings.Repeat("a", 15), 'a'+i)
	}
	_, err = e.edit(t, a, func(n *portal.Article) { n.Body = many.String() })
	if portal.ErrorCode(err) != portal.EINVALID || !strings.Contains(portal.ErrorMessage(err), fmt.Sprintf("at most %d images", portal.MaxArticleImages)) {
		t.Errorf("save with %d images: %v; want invalid", portal.MaxArticleImages+1, err)
	}
}

// TestDeleteGuardConcurrent: an article save that starts using an image
// and a DELETE of that image, at the same moment, never both succeed; when
// the save wins the image and its variants stay, when the delete wins the
// article does not use it.
func TestDeleteGuardConcurrent(t *testing.T) {
	e := mustEnv(t)
	const rounds = 12
	saves, deletes := 0, 0
	for i := range rounds {
		m := e.upload(t, fmt.Sprintf("anh-%d.png", i), "image/png", mustPNG(t, solid(330, 200, image.Black)))
		a := draft(fmt.Sprintf("bai-%d", i), "Bài đua", "<p>Chưa có ảnh</p>", "")
		if err := e.store.CreateArticle(t.Context(), a, "tester", start); err != nil {
			t.Fatal(err)
		}
		var (
			wg      sync.WaitGroup
			saveErr error
			status  int
		)
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, saveErr = e.edit(t, a, func(n *portal.Article) { n.CoverImage = &portal.Image{URL: "/media/" + m.ID + "/1280"} })
		}()
		go func() {
			defer wg.Done()
			status, _ = e.deleteMedia(t, m.ID)
		}()
		wg.Wait()
		saved, deleted := saveErr == nil, status == http.StatusNoContent
		switch {
		case saved && deleted:
			t.Fatalf("round %d: the save and the delete both succeeded", i)
		case saved:
			saves++
			if status != http.StatusConflict {
				t.Errorf("round %d: the save won; delete answered %d, want 409", i, status)
			}
			if got, err := e.store.Media(t.Context(), m.ID); err != nil || got.Uses != 1 || e.object(t, mediaapi.VariantKey(m.ID, 1280)) == nil {
				t.Errorf("round %d: the save won, but the image is %+v, %v", i, got, err)
			}
		case deleted:
			deletes++
			if got, _ := e.store.ArticleByID(t.Context(), a.ID); got.CoverImage != nil {
				t.Errorf("round %d: the delete won, but the article uses the image", i)
			}
		default:
			t.Errorf("round %d: neither succeeded (save %v, delete %d)", i, saveErr, status)
		}
	}
	t.Logf("%d rounds: the save won %d, the delete %d", rounds, saves, deletes)
}
