package mediaapi_test

import (
	"bytes"
	"fmt"
	"image"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"eportal/internal/bucket/buckettest"
	"eportal/internal/docfile"
	"eportal/internal/docfile/docfiletest"
	"eportal/internal/mediaapi"
	"eportal/internal/portal"
)

// stored is an object as S3 answers a GET of it.
type stored struct {
	data                              []byte
	contentType, disposition, caching string
}

func (e *env) stored(t *testing.T, key string) *stored {
	t.Helper()
	out, err := e.s3.Client.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(buckettest.Name), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GET %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &stored{b, aws.ToString(out.ContentType), aws.ToString(out.ContentDisposition), aws.ToString(out.CacheControl)}
}

// TestUploadFiles follows a real PDF, DOC and DOCX from the presigned URL
// to the stored attachment: the bytes as they were, the declared type, a
// Content-Disposition with the editor's name, the upload gone, kind "file"
// in the entry and the list; deleting one deletes its object.
func TestUploadFiles(t *testing.T) {
	e := mustEnv(t)
	img := e.upload(t, "anh.png", "image/png", mustPNG(t, solid(400, 300, image.Black)))
	if img.Kind != portal.MediaImage {
		t.Errorf("image entry kind %q; want %q", img.Kind, portal.MediaImage)
	}
	files := []struct {
		fileName, contentType, safeName, disposition string
		data                                         []byte
	}{
		{"Quyết định 12.pdf", "application/pdf", "quyet-dinh-12.pdf",
			`attachment; filename="quyet-dinh-12.pdf"; filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012.pdf`, docfiletest.PDF()},
		{"Tờ trình.doc", "application/msword", "to-trinh.doc",
			`attachment; filename="to-trinh.doc"; filename*=UTF-8''T%E1%BB%9D%20tr%C3%ACnh.doc`, docfiletest.DOC()},
		{"Báo cáo quý III.docx", docfile.DOCX.ContentType(), "bao-cao-quy-iii.docx",
			`attachment; filename="bao-cao-quy-iii.docx"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20qu%C3%BD%20III.docx`, docfiletest.DOCX()},
	}
	var ids []string
	for _, f := range files {
		t.Run(f.safeName, func(t *testing.T) {
			id, u, url := e.presign(t, f.fileName, f.contentType, len(f.data))
			if want := baseURL + "/" + id + "/file/" + f.safeName; url != want {
				t.Errorf("url = %q; want %q", url, want)
			}
			put(t, u, f.contentType, f.data)
			e.notify(t, mediaapi.UploadKey(id))
			m, err := e.store.Media(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if m.Status != portal.MediaReady || m.Kind != portal.MediaFile || m.FileName != f.fileName || m.URL != url ||
				m.ContentType != f.contentType || len(m.Variants) != 0 || m.Width != 0 {
				t.Fatalf("entry after processing: %+v", m)
			}
			obj := e.stored(t, mediaapi.FileKey(id, f.safeName))
			if !bytes.Equal(obj.data, f.data) || obj.contentType != f.contentType || obj.disposition != f.disposition {
				t.Errorf("stored %d bytes of %q, disposition %q; want %d bytes of %q, %q",
					len(obj.data), obj.contentType, obj.disposition, len(f.data), f.contentType, f.disposition)
			}
			if e.object(t, mediaapi.UploadKey(id)) != nil || e.object(t, mediaapi.VariantKey(id, 1280)) != nil {
				t.Error("the upload was not deleted, or a variant was written")
			}
			ids = append(ids, id)
		})
	}
	if len(ids) != len(files) {
		t.FailNow()
	}

	_, page := e.do(t, call{role: "editor", method: "GET", route: "/admin/media"})
	items, _ := page["items"].([]any)
	kinds := map[string]any{}
	for _, it := range items {
		m, _ := it.(map[string]any)
		kinds[m["id"].(string)] = m["kind"]
	}
	want := map[string]any{img.ID: "image", ids[0]: "file", ids[1]: "file", ids[2]: "file"}
	for id, k := range want {
		if kinds[id] != k {
			t.Errorf("list: %s has kind %v; want %v (%v)", id, kinds[id], k, page)
		}
	}

	del := call{role: "editor", method: "DELETE", route: "/admin/media/{id}", params: map[string]string{"id": ids[0]}}
	if resp, body := e.do(t, del); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: %d %v", resp.StatusCode, body)
	}
	if e.object(t, mediaapi.FileKey(ids[0], files[0].safeName)) != nil {
		t.Error("the file survived its delete")
	}
	if e.object(t, mediaapi.FileKey(ids[1], files[1].safeName)) == nil {
		t.Error("another file was deleted")
	}
	if _, err := e.store.Media(t.Context(), ids[0]); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("entry after delete: %v", err)
	}
}

// TestUploadFilesRefused: the bytes must be the declared document type;
// anything else is rejected with the reason, and nothing is stored.
func TestUploadFilesRefused(t *testing.T) {
	e := mustEnv(t)
	html := []byte(`<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>`)
	for _, tc := range []struct {
		name, fileName, contentType string
		data                        []byte
		reason                      string
	}{
		{"png declared as pdf", "anh.pdf", "application/pdf", mustPNG(t, solid(10, 10, image.Black)), "not a PDF or a Word document"},
		{"html named pdf", "thong-bao.pdf", "application/pdf", html, "not a PDF or a Word document"},
		{"svg named pdf", "bieu-do.pdf", "application/pdf", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "not a PDF or a Word document"},
		{"exe named doc", "setup.doc", "application/msword", append([]byte("MZ\x90\x00\x03"), make([]byte, 100)...), "not a PDF or a Word document"},
		{"plain zip named docx", "ho-so.docx", docfile.DOCX.ContentType(), docfiletest.ZIP(map[string]string{"ho-so.txt": "xin chào"}), "ZIP archive but not a Word document"},
		{"docx declared as pdf", "bao-cao.pdf", "application/pdf", docfiletest.DOCX(), "declared as a PDF but is a Word document (.docx)"},
		// 100,000 entries (ZIP64) are refused from the directory's end
		// record; no entry is read or decompressed.
		{"zip bomb directory", "bom.docx", docfile.DOCX.ContentType(), docfiletest.ManyEntries(100_000), "more than 5000 entries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := e.upload(t, tc.fileName, tc.contentType, tc.data)
			if m.Status != portal.MediaRejected || m.Kind != portal.MediaFile || !strings.Contains(m.Reason, tc.reason) {
				t.Fatalf("entry %+v; want a rejected file with a reason with %q", m, tc.reason)
			}
			if e.object(t, mediaapi.UploadKey(m.ID)) != nil {
				t.Error("the upload was not deleted")
			}
			if name := m.URL[strings.LastIndex(m.URL, "/")+1:]; e.object(t, mediaapi.FileKey(m.ID, name)) != nil {
				t.Error("a refused file was stored")
			}
		})
	}
}

// TestFileSizes: documents may be 20 MB where images may be 10; a file
// larger than declared is refused at processing, unread.
func TestFileSizes(t *testing.T) {
	e := mustEnv(t)
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"pdf over 20 MB", `{"fileName":"a.pdf","contentType":"application/pdf","size":20971521}`, http.StatusRequestEntityTooLarge, portal.ETOOLARGE},
		{"docx over 20 MB", `{"fileName":"a.docx","contentType":"application/vnd.openxmlformats-officedocument.wordprocessingml.document","size":20971521}`, http.StatusRequestEntityTooLarge, portal.ETOOLARGE},
		{"pdf of exactly 20 MB", `{"fileName":"a.pdf","contentType":"application/pdf","size":20971520}`, http.StatusCreated, ""},
		{"image of 20 MB", `{"fileName":"a.jpg","contentType":"image/jpeg","size":20971520}`, http.StatusRequestEntityTooLarge, portal.ETOOLARGE},
		{"zip", `{"fileName":"a.zip","contentType":"application/zip","size":100}`, http.StatusUnsupportedMediaType, portal.EMEDIATYPE},
		{"html", `{"fileName":"a.pdf","contentType":"text/html","size":100}`, http.StatusUnsupportedMediaType, portal.EMEDIATYPE},
		{"xlsx", `{"fileName":"a.xlsx","contentType":"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet","size":100}`, http.StatusUnsupportedMediaType, portal.EMEDIATYPE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.do(t, call{role: "editor", method: "POST", route: "/admin/media", body: tc.body})
			if resp.StatusCode != tc.status || errorCode(body) != tc.code {
				t.Errorf("%d %v; want %d %s", resp.StatusCode, body, tc.status, tc.code)
			}
			if tc.code == portal.ETOOLARGE && !strings.Contains(body["error"].(map[string]any)["message"].(string), "MB") {
				t.Errorf("message %v names no limit", body)
			}
		})
	}

	id, _, _ := e.presign(t, "lon.pdf", "application/pdf", 1000)
	big := append(docfiletest.PDF(), make([]byte, docfile.MaxBytes)...)
	if err := e.s3.Bucket.Put(t.Context(), mediaapi.UploadKey(id), "application/pdf", "", big); err != nil {
		t.Fatal(err)
	}
	e.notify(t, mediaapi.UploadKey(id))
	m, err := e.store.Media(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != portal.MediaRejected || !strings.Contains(m.Reason, "larger than 20 MB") {
		t.Errorf("entry %+v; want rejected as larger than 20 MB", m)
	}
	if e.object(t, mediaapi.UploadKey(id)) != nil {
		t.Error("the upload was not deleted")
	}
}

// TestEntryWithoutKind: an entry recorded before kinds existed reads as an
// image.
func TestEntryWithoutKind(t *testing.T) {
	e := mustEnv(t)
	m := e.upload(t, "anh.png", "image/png", mustPNG(t, solid(400, 300, image.Black)))
	_, err := e.store.DB.UpdateItem(t.Context(), &dynamodb.UpdateItemInput{
		TableName: aws.String(e.store.Table),
		Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "MEDIA#" + m.ID}, "SK": &types.AttributeValueMemberS{Value: "MEDIA"},
		},
		UpdateExpression:    aws.String("REMOVE kind"),
		ConditionExpression: aws.String("attribute_exists(kind)"),
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, body := e.do(t, call{role: "editor", method: "GET", route: "/admin/media/{id}", params: map[string]string{"id": m.ID}})
	if resp.StatusCode != http.StatusOK || body["kind"] != portal.MediaImage {
		t.Errorf("GET: %d %v; want kind image", resp.StatusCode, body)
	}
}

// TestDeleteGuardFile: a file an article uses cannot be deleted, as an
// image cannot. Articles do not reference files yet, so the use is written
// as the article transactions write it (ADD usedBy).
func TestDeleteGuardFile(t *testing.T) {
	e := mustEnv(t)
	m := e.upload(t, "Quyết định.pdf", "application/pdf", docfiletest.PDF())
	if m.Status != portal.MediaReady {
		t.Fatalf("entry %+v; want ready", m)
	}
	use := func(expr string) {
		t.Helper()
		_, err := e.store.DB.UpdateItem(t.Context(), &dynamodb.UpdateItemInput{
			TableName: aws.String(e.store.Table),
			Key: map[string]types.AttributeValue{
				"PK": &types.AttributeValueMemberS{Value: "MEDIA#" + m.ID}, "SK": &types.AttributeValueMemberS{Value: "MEDIA"},
			},
			UpdateExpression:          aws.String(expr + " usedBy :a"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":a": &types.AttributeValueMemberSS{Value: []string{"bai-mot"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	use("ADD")
	key := mediaapi.FileKey(m.ID, "quyet-dinh.pdf")
	del := call{role: "editor", method: "DELETE", route: "/admin/media/{id}", params: map[string]string{"id": m.ID}}
	resp, body := e.do(t, del)
	if articles, _ := body["articles"].([]any); resp.StatusCode != http.StatusConflict || len(articles) != 1 ||
		!strings.Contains(fmt.Sprint(body["error"]), "The file is used by 1 article") {
		t.Fatalf("DELETE of a file in use: %d %v; want 409 naming the article", resp.StatusCode, body)
	}
	if e.object(t, key) == nil {
		t.Fatal("the refused delete deleted the file")
	}
	if after, err := e.store.Media(t.Context(), m.ID); err != nil || after.Status != portal.MediaReady {
		t.Errorf("entry after the refused delete: %+v, %v; want it ready", after, err)
	}
	use("DELETE")
	if resp, body := e.do(t, del); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE once unused: %d %v", resp.StatusCode, body)
	}
	if e.object(t, key) != nil {
		t.Error("the file survived its delete")
	}
}
