package localserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"eportal/infra/localserver"
	"eportal/infra/tables"
	"eportal/internal/apigw"
	"eportal/internal/docfile/docfiletest"
	"eportal/internal/mediaapi"
)

// mediaServer is a local server with the media store mounted, as make run
// serves it, on a fresh table.
type mediaServer struct {
	url    string
	editor string // "Bearer <token>"
	media  *localserver.MediaStore
}

func newMediaServer(t *testing.T) *mediaServer {
	t.Helper()
	st := tables.MustStore(t)
	issuer := mustLoad(t, filepath.Join(t.TempDir(), "dev-jwt-key.pem"))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	ms, err := localserver.NewMediaStore(s3mem.New(), ts.URL, log)
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range localserver.BucketFunctions(st.Store, ms.Bucket, ms.BaseURL, log) {
		ms.OnUpload(fn)
	}
	srv, err := localserver.New(mustTemplate(t).Routes(),
		localserver.Functions(st.Store, time.Now, apigw.DefaultBudget, localserver.WithMediaBucket(ms.Bucket, ms.BaseURL)),
		nil, log, localserver.WithAuthorizer(issuer.Verify), localserver.WithMedia(ms))
	if err != nil {
		t.Fatal(err)
	}
	h = validated(t, srv)
	t.Cleanup(ts.Close)
	t.Cleanup(ms.Wait)
	return &mediaServer{url: ts.URL, editor: "Bearer " + mustToken(t, issuer, "editor"), media: ms}
}

// api calls the API as an editor and decodes the JSON answer.
func (s *mediaServer) api(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", s.editor)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// upload asks for an upload URL and PUTs data to it as a browser does,
// returning the id and the PUT's status.
func (s *mediaServer) upload(t *testing.T, name, contentType string, data []byte) (id string, uploadURL string) {
	t.Helper()
	in, _ := json.Marshal(map[string]any{"fileName": name, "contentType": contentType, "size": len(data)})
	status, created := s.api(t, "POST", "/admin/media", string(in))
	if status != http.StatusCreated {
		t.Fatalf("POST /admin/media: %d %v", status, created)
	}
	id, _ = created["id"].(string)
	uploadURL, _ = created["uploadUrl"].(string)
	if !strings.HasPrefix(uploadURL, s.url+localserver.S3Prefix) {
		t.Fatalf("uploadUrl %q is not on the local server's own origin under %s", uploadURL, localserver.S3Prefix)
	}
	if want := localserver.MediaBaseURL + "/" + id + "/1280"; strings.HasPrefix(contentType, "image/") && created["url"] != want {
		t.Errorf("url = %v; want %s", created["url"], want)
	}
	if code := put(t, uploadURL, contentType, data); code != http.StatusOK {
		t.Fatalf("PUT to the presigned URL: %d", code)
	}
	return id, uploadURL
}

func put(t *testing.T, u, contentType string, data []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, u, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// settled polls GET /admin/media/{id}, as the console does, until the
// entry is no longer pending.
func (s *mediaServer) settled(t *testing.T, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, m := s.api(t, "GET", "/admin/media/"+id, "")
		if status != http.StatusOK {
			t.Fatalf("GET /admin/media/%s: %d %v", id, status, m)
		}
		if m["status"] != "pending" {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("media %s still pending after 20 s", id)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 90, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestLocalMediaUpload: make run's media store end to end over real HTTP.
// POST /admin/media presigns a PUT on the server's own origin; the PUT
// there makes the processor run in the background, as S3's event would;
// the entry becomes ready and its variants are served at MEDIA_BASE_URL
// with their type and a year's immutable caching, as the edge serves
// them; deleting the image takes them away.
func TestLocalMediaUpload(t *testing.T) {
	s := newMediaServer(t)
	id, _ := s.upload(t, "Hội nghị.png", "image/png", pngOf(t, 900, 600))
	m := s.settled(t, id)
	variants, _ := m["variants"].([]any)
	if m["status"] != "ready" || m["width"] != float64(900) || len(variants) != 3 {
		t.Fatalf("entry after processing: %v; want ready, 900 wide, 3 variants", m)
	}
	for i, want := range []struct{ slot, width int }{{320, 320}, {768, 768}, {1280, 900}} {
		v, _ := variants[i].(map[string]any)
		path := fmt.Sprintf("%s/%s/%d", localserver.MediaBaseURL, id, want.slot)
		if v["url"] != path {
			t.Errorf("variant %d url = %v; want %s", i, v["url"], path)
		}
		resp, err := http.Get(s.url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
			continue
		}
		if ct := resp.Header.Get("Content-Type"); ct != v["contentType"] {
			t.Errorf("GET %s: Content-Type %q; want %v", path, ct, v["contentType"])
		}
		if cc := resp.Header.Get("Cache-Control"); cc != mediaapi.CacheControl {
			t.Errorf("GET %s: Cache-Control %q; want %q", path, cc, mediaapi.CacheControl)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", path)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(body))
		if err != nil || cfg.Width != want.width {
			t.Errorf("GET %s: %d px wide (%v); want %d", path, cfg.Width, err, want.width)
		}
		// Conditional GET, as the edge and browsers revalidate.
		req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		again, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		again.Body.Close()
		if resp.Header.Get("ETag") == "" || again.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its ETag %q: %d; want 304", path, resp.Header.Get("ETag"), again.StatusCode)
		}
	}
	for _, path := range []string{"/" + id + "/1024", "/" + id + "/0320", "/" + id, "/AAAAAAAAAAAAAAAA/320", "/" + id + "/320/x",
		"/aaaaaaaaaaaaaaaa/320"} {
		resp, err := http.Get(s.url + localserver.MediaBaseURL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s%s: %d; want 404", localserver.MediaBaseURL, path, resp.StatusCode)
		}
	}
	if status, body := s.api(t, "DELETE", "/admin/media/"+id, ""); status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %v", status, body)
	}
	resp, err := http.Get(s.url + localserver.MediaBaseURL + "/" + id + "/320")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("variant after DELETE: %d; want 404", resp.StatusCode)
	}
}

// TestLocalMediaRefused: an HTML file declared as a PNG is uploaded (the
// store does not look), then refused by the processor with the reason; a
// presigned URL past its expiry is refused before anything is stored.
func TestLocalMediaRefused(t *testing.T) {
	s := newMediaServer(t)
	id, _ := s.upload(t, "anh.png", "image/png", []byte(`<!DOCTYPE html><script>alert(1)</script>`))
	m := s.settled(t, id)
	if m["status"] != "rejected" || !strings.Contains(fmt.Sprint(m["reason"]), "not a JPEG, PNG or WebP") {
		t.Errorf("entry after processing: %v; want rejected, not an image", m)
	}

	data := pngOf(t, 50, 50)
	in, _ := json.Marshal(map[string]any{"fileName": "cu.png", "contentType": "image/png", "size": len(data)})
	_, created := s.api(t, "POST", "/admin/media", string(in))
	u, err := url.Parse(fmt.Sprint(created["uploadUrl"]))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("X-Amz-Date", time.Now().Add(-time.Hour).UTC().Format("20060102T150405Z"))
	u.RawQuery = q.Encode()
	if code := put(t, u.String(), "image/png", data); code != http.StatusForbidden {
		t.Errorf("PUT to an expired URL: %d; want 403", code)
	}
	s.media.Wait()
	if _, m := s.api(t, "GET", "/admin/media/"+fmt.Sprint(created["id"]), ""); m["status"] != "pending" {
		t.Errorf("entry after the refused PUT: %v; want it still pending", m)
	}
}

// TestLocalMediaFile: a document attachment end to end over real HTTP. The
// DOCX is served at its url as it was uploaded, with its type and
// Content-Disposition: attachment naming the editor's file, as the edge
// serves it from the object; an HTML file declared as a PDF is refused;
// deleting the file takes it away.
func TestLocalMediaFile(t *testing.T) {
	s := newMediaServer(t)
	const docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	data := docfiletest.DOCX()
	id, _ := s.upload(t, "Báo cáo tháng 11.docx", docx, data)
	m := s.settled(t, id)
	path := localserver.MediaBaseURL + "/" + id + "/file/bao-cao-thang-11.docx"
	if m["status"] != "ready" || m["kind"] != "file" || m["url"] != path {
		t.Fatalf("entry after processing: %v; want a ready file at %s", m, path)
	}
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		req, _ := http.NewRequest(method, s.url+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || (method == http.MethodGet && !bytes.Equal(body, data)) {
			t.Errorf("%s %s: %d, %d bytes; want 200 and the %d bytes uploaded", method, path, resp.StatusCode, len(body), len(data))
		}
		want := map[string]string{
			"Content-Type":           docx,
			"Content-Disposition":    `attachment; filename="bao-cao-thang-11.docx"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A1ng%2011.docx`,
			"Cache-Control":          mediaapi.CacheControl,
			"X-Content-Type-Options": "nosniff",
		}
		for h, v := range want {
			if got := resp.Header.Get(h); got != v {
				t.Errorf("%s %s: %s %q; want %q", method, path, h, got, v)
			}
		}
	}
	for _, p := range []string{"/file/bao-cao-thang-11.pdf", "/file/", "/file/BAO.docx", "/file/a.b.docx", "/file/..", "/file/x/y.docx"} {
		resp, err := http.Get(s.url + localserver.MediaBaseURL + "/" + id + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s/%s%s: %d; want 404", localserver.MediaBaseURL, id, p, resp.StatusCode)
		}
	}

	bad, _ := s.upload(t, "thong-bao.pdf", "application/pdf", []byte(`<!DOCTYPE html><script>alert(1)</script>`))
	if m := s.settled(t, bad); m["status"] != "rejected" || !strings.Contains(fmt.Sprint(m["reason"]), "not a PDF or a Word document") {
		t.Errorf("HTML declared as a PDF: %v; want rejected with the reason", m)
	}

	if status, body := s.api(t, "DELETE", "/admin/media/"+id, ""); status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %v", status, body)
	}
	resp, err := http.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("file after DELETE: %d; want 404", resp.StatusCode)
	}
}
