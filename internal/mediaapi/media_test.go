package mediaapi_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"strings"
	"testing"

	"eportal/internal/imaging"
	"eportal/internal/mediaapi"
	"eportal/internal/portal"
)

// TestUploadPhoto follows a phone photo with its location in EXIF from the
// presigned URL to its variants: three sizes, no metadata, the upload gone.
func TestUploadPhoto(t *testing.T) {
	e := mustEnv(t)
	src := gpsJPEG(t, 2000, 1000)
	if !hasGPS(src) {
		t.Fatal("the fixture carries no GPS EXIF")
	}
	id, uploadURL, url := e.presign(t, "Ảnh hội nghị.jpg", "image/jpeg", len(src))
	if want := baseURL + "/" + id + "/1280"; url != want {
		t.Errorf("url = %q; want %q", url, want)
	}
	if !strings.Contains(uploadURL, "/uploads/"+id+"?") {
		t.Errorf("uploadUrl %q is not for uploads/%s", uploadURL, id)
	}
	pending, err := e.store.Media(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if pending.Status != portal.MediaPending || pending.FileName != "Ảnh hội nghị.jpg" || pending.Size != int64(len(src)) ||
		pending.CreatedBy == "" || pending.URL != url {
		t.Errorf("entry before the upload: %+v", pending)
	}
	put(t, uploadURL, "image/jpeg", src)
	e.notify(t, "uploads/"+id)

	m, err := e.store.Media(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != portal.MediaReady || m.Width != 2000 || m.Height != 1000 || m.Reason != "" {
		t.Fatalf("entry after processing: %+v", m)
	}
	want := []struct{ w, h, slot int }{{320, 160, 320}, {768, 384, 768}, {1280, 640, 1280}}
	if len(m.Variants) != len(want) {
		t.Fatalf("variants %+v; want %d", m.Variants, len(want))
	}
	for i, w := range want {
		v := m.Variants[i]
		if v.Width != w.w || v.Height != w.h || v.ContentType != "image/jpeg" || v.URL != fmt.Sprintf("%s/%s/%d", baseURL, id, w.slot) {
			t.Errorf("variant %d: %+v; want %d×%d in slot %d", i, v, w.w, w.h, w.slot)
		}
		b := e.object(t, mediaapi.VariantKey(id, w.slot))
		if b == nil {
			t.Errorf("no object in slot %d", w.slot)
			continue
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil || format != "jpeg" || cfg.Width != w.w || cfg.Height != w.h {
			t.Errorf("slot %d holds a %s %d×%d (%v); want jpeg %d×%d", w.slot, format, cfg.Width, cfg.Height, err, w.w, w.h)
		}
		if hasGPS(b) {
			t.Errorf("slot %d still carries the EXIF location", w.slot)
		}
	}
	if e.object(t, mediaapi.UploadKey(id)) != nil {
		t.Error("the upload was not deleted")
	}

	// A second delivery of the same event changes nothing.
	e.notify(t, "uploads/"+id)
	again, err := e.store.Media(t.Context(), id)
	if err != nil || again.Status != portal.MediaReady || len(again.Variants) != 3 {
		t.Errorf("after a second delivery: %+v, %v", again, err)
	}
}

// TestUploadSniffed: the bytes decide, whatever the name and the declared
// type say.
func TestUploadSniffed(t *testing.T) {
	e := mustEnv(t)
	translucent := mustPNG(t, solid(500, 250, image.Transparent.C))
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>`)
	html := []byte(`<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>`)
	for _, tc := range []struct {
		name, fileName, contentType string
		data                        []byte
		status                      string
		variantType                 string // of a ready image
		reason                      string // in a rejected one's reason
	}{
		{"png named jpg", "logo.jpg", "image/jpeg", translucent, portal.MediaReady, "image/png", ""},
		{"svg named png", "bieu-do.png", "image/png", svg, portal.MediaRejected, "", "not a JPEG, PNG or WebP"},
		{"html named png", "anh.png", "image/png", html, portal.MediaRejected, "", "not a JPEG, PNG or WebP"},
		{"truncated png", "cat.png", "image/png", translucent[:60], portal.MediaRejected, "", "not a readable PNG"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := e.upload(t, tc.fileName, tc.contentType, tc.data)
			if m.Status != tc.status {
				t.Fatalf("status %q (%s); want %q", m.Status, m.Reason, tc.status)
			}
			if e.object(t, mediaapi.UploadKey(m.ID)) != nil {
				t.Error("the upload was not deleted")
			}
			if tc.status == portal.MediaRejected {
				if !strings.Contains(m.Reason, tc.reason) || len(m.Variants) != 0 {
					t.Errorf("rejected with %q, variants %v; want a reason with %q and none", m.Reason, m.Variants, tc.reason)
				}
				if e.object(t, mediaapi.VariantKey(m.ID, 1280)) != nil {
					t.Error("a refused upload has a variant")
				}
				return
			}
			for _, v := range m.Variants {
				if v.ContentType != tc.variantType {
					t.Errorf("variant %+v; want %s", v, tc.variantType)
				}
			}
			if _, format, err := image.DecodeConfig(bytes.NewReader(e.object(t, mediaapi.VariantKey(m.ID, 1280)))); err != nil || format != "png" {
				t.Errorf("slot 1280 is %q (%v); want png", format, err)
			}
		})
	}
}

// TestUploadTooLarge: the declared size is refused at presign; an upload
// larger than it says (S3 enforces the signed length; here it is put
// directly) is refused at processing without being read.
func TestUploadTooLarge(t *testing.T) {
	e := mustEnv(t)
	id, _, _ := e.presign(t, "big.jpg", "image/jpeg", 1000)
	big := append(gpsJPEG(t, 16, 16), make([]byte, imaging.MaxBytes)...)
	if err := e.s3.Bucket.Put(t.Context(), mediaapi.UploadKey(id), "image/jpeg", "", big); err != nil {
		t.Fatal(err)
	}
	e.notify(t, mediaapi.UploadKey(id))
	m, err := e.store.Media(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != portal.MediaRejected || !strings.Contains(m.Reason, "larger than 10 MB") {
		t.Errorf("entry %+v; want rejected as larger than 10 MB", m)
	}
	if e.object(t, mediaapi.UploadKey(id)) != nil {
		t.Error("the upload was not deleted")
	}
}

func TestCreateMediaRefusals(t *testing.T) {
	e := mustEnv(t)
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"over 10 MB", `{"fileName":"a.jpg","contentType":"image/jpeg","size":10485761}`, http.StatusRequestEntityTooLarge, portal.ETOOLARGE},
		{"exactly 10 MB", `{"fileName":"a.jpg","contentType":"image/jpeg","size":10485760}`, http.StatusCreated, ""},
		{"svg", `{"fileName":"a.svg","contentType":"image/svg+xml","size":100}`, http.StatusUnsupportedMediaType, portal.EMEDIATYPE},
		{"gif", `{"fileName":"a.gif","contentType":"image/gif","size":100}`, http.StatusUnsupportedMediaType, portal.EMEDIATYPE},
		{"no type", `{"fileName":"a.jpg","size":100}`, http.StatusUnsupportedMediaType, portal.EMEDIATYPE},
		{"no name", `{"contentType":"image/png","size":100}`, http.StatusBadRequest, portal.EINVALID},
		{"name of controls", `{"fileName":"\u0000\u0007","contentType":"image/png","size":100}`, http.StatusBadRequest, portal.EINVALID},
		{"long name", `{"fileName":"` + strings.Repeat("ả", 200) + `.png","contentType":"image/png","size":100}`, http.StatusBadRequest, portal.EINVALID},
		{"no size", `{"fileName":"a.png","contentType":"image/png"}`, http.StatusBadRequest, portal.EINVALID},
		{"negative size", `{"fileName":"a.png","contentType":"image/png","size":-1}`, http.StatusBadRequest, portal.EINVALID},
		{"unknown field", `{"fileName":"a.png","contentType":"image/png","size":1,"acl":"public-read"}`, http.StatusBadRequest, portal.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.do(t, call{role: "editor", method: "POST", route: "/admin/media", body: tc.body})
			if resp.StatusCode != tc.status || errorCode(body) != tc.code {
				t.Errorf("%d %v; want %d %s", resp.StatusCode, body, tc.status, tc.code)
			}
		})
	}
}

// TestLibrary lists newest first in pages, and deletes an image with its
// objects.
func TestLibrary(t *testing.T) {
	e := mustEnv(t)
	var ids []string
	for i := range 3 {
		m := e.upload(t, fmt.Sprintf("anh-%d.png", i), "image/png", mustPNG(t, solid(400+i, 300, image.Black)))
		ids = append(ids, m.ID)
	}
	resp, page := e.do(t, call{role: "editor", method: "GET", route: "/admin/media", query: map[string]string{"limit": "2"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /admin/media: %d %v", resp.StatusCode, page)
	}
	items, _ := page["items"].([]any)
	next, _ := page["nextCursor"].(string)
	if len(items) != 2 || next == "" || id(items[0]) != ids[2] || id(items[1]) != ids[1] {
		t.Fatalf("first page %v; want %s, %s and a cursor", page, ids[2], ids[1])
	}
	first, _ := items[0].(map[string]any)
	if first["status"] != portal.MediaReady || first["fileName"] != "anh-2.png" || first["width"] != float64(402) {
		t.Errorf("first item %v", first)
	}
	// Every slot holds an image: 768, wider than the image, holds it at
	// its own width, as 1280 does.
	for slot, want := range map[int]int{320: 320, 768: 402, 1280: 402} {
		b := e.object(t, mediaapi.VariantKey(ids[2], slot))
		cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width != want {
			t.Errorf("slot %d of a 402-pixel image: %d wide (%v); want %d", slot, cfg.Width, err, want)
		}
	}
	_, page = e.do(t, call{role: "editor", method: "GET", route: "/admin/media", query: map[string]string{"limit": "2", "cursor": next}})
	items, _ = page["items"].([]any)
	if len(items) != 1 || id(items[0]) != ids[0] || page["nextCursor"] != nil {
		t.Fatalf("second page %v; want %s alone", page, ids[0])
	}
	resp, body := e.do(t, call{role: "editor", method: "GET", route: "/admin/media", query: map[string]string{"cursor": "bm90IGEgY3Vyc29y"}})
	if resp.StatusCode != http.StatusBadRequest || errorCode(body) != portal.EINVALID {
		t.Errorf("bad cursor: %d %v", resp.StatusCode, body)
	}

	get := call{role: "editor", method: "GET", route: "/admin/media/{id}", params: map[string]string{"id": ids[1]}}
	resp, one := e.do(t, get)
	if resp.StatusCode != http.StatusOK || one["id"] != ids[1] || one["status"] != portal.MediaReady || len(one["variants"].([]any)) != 2 {
		t.Errorf("GET /admin/media/%s: %d %v", ids[1], resp.StatusCode, one)
	}
	del := call{role: "editor", method: "DELETE", route: "/admin/media/{id}", params: map[string]string{"id": ids[1]}}
	if resp, body := e.do(t, del); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: %d %v", resp.StatusCode, body)
	}
	for _, slot := range []int{320, 1280} {
		if e.object(t, mediaapi.VariantKey(ids[1], slot)) != nil {
			t.Errorf("slot %d survived the delete", slot)
		}
	}
	if e.object(t, mediaapi.VariantKey(ids[0], 1280)) == nil {
		t.Error("another image's variant was deleted")
	}
	if _, err := e.store.Media(t.Context(), ids[1]); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("entry after delete: %v", err)
	}
	if resp, body := e.do(t, del); resp.StatusCode != http.StatusNotFound {
		t.Errorf("DELETE again: %d %v; want 404", resp.StatusCode, body)
	}
	if resp, body := e.do(t, get); resp.StatusCode != http.StatusNotFound || errorCode(body) != portal.ENOTFOUND {
		t.Errorf("GET after delete: %d %v; want 404", resp.StatusCode, body)
	}
	get.params["id"] = "../../etc"
	if resp, body := e.do(t, get); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET of a malformed id: %d %v; want 404", resp.StatusCode, body)
	}
	del.params["id"] = "../../etc"
	if resp, body := e.do(t, del); resp.StatusCode != http.StatusNotFound {
		t.Errorf("DELETE of a malformed id: %d %v; want 404", resp.StatusCode, body)
	}
	_, page = e.do(t, call{role: "editor", method: "GET", route: "/admin/media"})
	if items, _ := page["items"].([]any); len(items) != 2 {
		t.Errorf("library after delete: %v; want 2 items", page)
	}
}

func id(item any) string {
	m, _ := item.(map[string]any)
	s, _ := m["id"].(string)
	return s
}

// TestRoles: no token is 401, a token without an eportal role 403, before
// anything is read or written.
func TestRoles(t *testing.T) {
	e := mustEnv(t)
	routes := []call{
		{method: "POST", route: "/admin/media", body: `{"fileName":"a.png","contentType":"image/png","size":1}`},
		{method: "GET", route: "/admin/media"},
		{method: "GET", route: "/admin/media/{id}", params: map[string]string{"id": "aaaaaaaaaaaaaaaa"}},
		{method: "DELETE", route: "/admin/media/{id}", params: map[string]string{"id": "aaaaaaaaaaaaaaaa"}},
	}
	for _, c := range routes {
		for role, want := range map[string]int{"": http.StatusUnauthorized, "reader": http.StatusForbidden} {
			c.role = role
			resp, body := e.do(t, c)
			if resp.StatusCode != want {
				t.Errorf("%s %s as %q: %d %v; want %d", c.method, c.route, role, resp.StatusCode, body, want)
			}
		}
	}
	_, page := e.do(t, call{role: "admin", method: "GET", route: "/admin/media"})
	if items, _ := page["items"].([]any); len(items) != 0 {
		t.Errorf("a refused POST left %v", page)
	}
	for _, role := range []string{"editor", "publisher", "admin"} {
		if resp, body := e.do(t, call{role: role, method: "GET", route: "/admin/media"}); resp.StatusCode != http.StatusOK {
			t.Errorf("GET as %s: %d %v", role, resp.StatusCode, body)
		}
	}
}

// failingDeletes is a bucket whose deletes fail while fail is set, as S3
// does when it is unavailable.
type failingDeletes struct {
	mediaapi.Bucket
	fail bool
}

func (b *failingDeletes) Delete(ctx context.Context, keys ...string) error {
	if b.fail {
		return portal.Errorf(portal.EUNAVAILABLE, "The bucket is unavailable.")
	}
	return b.Bucket.Delete(ctx, keys...)
}

// TestDeleteFinishesAfterBucketFailure: when the objects cannot be
// deleted, the entry stays (503), so a repeated DELETE finds it and
// finishes; no object is left that no entry names.
func TestDeleteFinishesAfterBucketFailure(t *testing.T) {
	e := mustEnv(t)
	m := e.upload(t, "anh.png", "image/png", mustPNG(t, solid(400, 300, image.Black)))
	flaky := &failingDeletes{Bucket: e.s3.Bucket, fail: true}
	e.h = mediaapi.New(e.store.Store, flaky, baseURL)
	del := call{role: "editor", method: "DELETE", route: "/admin/media/{id}", params: map[string]string{"id": m.ID}}
	if resp, body := e.do(t, del); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("DELETE with the bucket down: %d %v; want 503", resp.StatusCode, body)
	}
	if _, err := e.store.Media(t.Context(), m.ID); err != nil {
		t.Fatalf("entry after the failed delete: %v; want it kept", err)
	}
	flaky.fail = false
	if resp, body := e.do(t, del); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE again: %d %v; want 204", resp.StatusCode, body)
	}
	if e.object(t, mediaapi.VariantKey(m.ID, 1280)) != nil {
		t.Error("the variant survived")
	}
}
