package mediaapi_test

import (
	"bytes"
	"context"
	"embed"
	"encoding/binary"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"eportal/infra/ddblocal"
	"eportal/infra/tables"
	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/bucket/buckettest"
	"eportal/internal/mediaapi"
	"eportal/internal/portal"
)

func TestMain(m *testing.M) { os.Exit(ddblocal.RunTests(m)) }

//go:embed testdata/*.json
var testdata embed.FS

const baseURL = "https://cdn.example.vn/media"

var start = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// env is a fresh table and bucket with the handler and the processor on
// them; every reading of the clock is a second after the one before, so the
// library's order is the order of the uploads.
type env struct {
	h     *mediaapi.Handler
	proc  *mediaapi.Processor
	store *tables.TestStore
	s3    *buckettest.Store
}

func mustEnv(t *testing.T) *env {
	t.Helper()
	ts := tables.MustStore(t)
	st := buckettest.Must(t)
	clock := start
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	return &env{
		h:     mediaapi.New(ts.Store, st.Bucket, baseURL+"/", mediaapi.WithClock(now)),
		proc:  mediaapi.NewProcessor(ts.Store, st.Bucket, baseURL, mediaapi.WithClock(now)),
		store: ts, s3: st,
	}
}

// call is one request to the handler as role ("" for no token).
type call struct {
	role   string
	method string
	route  string
	params map[string]string
	query  map[string]string
	body   string
}

func (e *env) do(t *testing.T, c call) (apigw.Response, map[string]any) {
	t.Helper()
	ev := apigwtest.Call{Method: c.method, Route: c.route, Params: c.params, Query: c.query, Body: c.body}.
		Request(apigwtest.Event(t, testdata, "admin-event"))
	if c.role == "" {
		ev.RequestContext.Authorizer = nil
		delete(ev.Headers, "authorization")
	} else {
		ev.RequestContext.Authorizer.JWT.Claims["cognito:groups"] = "[" + c.role + "]"
	}
	resp, body := apigwtest.Serve(t, e.h, ev)
	if cc := resp.Headers["Cache-Control"]; cc != apigw.NoStore {
		t.Errorf("%s %s: Cache-Control %q; want %q", c.method, c.route, cc, apigw.NoStore)
	}
	return resp, body
}

// presign asks for an upload URL as an editor and returns the answer.
func (e *env) presign(t *testing.T, name, contentType string, size int) (id, uploadURL, url string) {
	t.Helper()
	in, _ := json.Marshal(map[string]any{"fileName": name, "contentType": contentType, "size": size})
	resp, body := e.do(t, call{role: "editor", method: "POST", route: "/admin/media", body: string(in)})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /admin/media: %d %v", resp.StatusCode, body)
	}
	id, _ = body["id"].(string)
	uploadURL, _ = body["uploadUrl"].(string)
	url, _ = body["url"].(string)
	if !mediaapi.ValidID(id) || uploadURL == "" {
		t.Fatalf("POST /admin/media answered %v", body)
	}
	return id, uploadURL, url
}

// put uploads data to a presigned URL with plain net/http, as a browser.
func put(t *testing.T, uploadURL, contentType string, data []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, uploadURL, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("PUT to the presigned URL: %s %s", resp.Status, b)
	}
}

// notify delivers testdata/s3-put-event.json for key to the processor.
func (e *env) notify(t *testing.T, key string) {
	t.Helper()
	raw, err := testdata.ReadFile("testdata/s3-put-event.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.S3Event
	if err := json.Unmarshal(bytes.Replace(raw, []byte("uploads/KEY"), []byte(key), 1), &ev); err != nil {
		t.Fatal(err)
	}
	if err := e.proc.HandleS3(t.Context(), ev); err != nil {
		t.Fatalf("HandleS3: %v", err)
	}
}

// upload is presign, PUT and the bucket's event: what a browser and S3 do.
func (e *env) upload(t *testing.T, name, contentType string, data []byte) *portal.Media {
	t.Helper()
	id, u, _ := e.presign(t, name, contentType, len(data))
	put(t, u, contentType, data)
	e.notify(t, "uploads/"+id)
	m, err := e.store.Media(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// object returns the object at key, or nil when there is none.
func (e *env) object(t *testing.T, key string) []byte {
	t.Helper()
	b, err := e.s3.Bucket.Get(context.Background(), key, 1<<30)
	if portal.ErrorCode(err) == portal.ENOTFOUND {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func solid(w, h int, c color.Color) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, c)
		}
	}
	return img
}

func mustPNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gpsJPEG returns a w×h JPEG carrying EXIF with a GPS latitude
// (21°2'34.56" N): a phone photo's location.
func gpsJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, solid(w, h, color.NRGBA{R: 30, G: 120, B: 60, A: 255}), nil); err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	tiff := []byte("II*\x00\x08\x00\x00\x00")
	entry := func(tag, typ uint16, count, value uint32) {
		tiff = le.AppendUint16(tiff, tag)
		tiff = le.AppendUint16(tiff, typ)
		tiff = le.AppendUint32(tiff, count)
		tiff = le.AppendUint32(tiff, value)
	}
	tiff = le.AppendUint16(tiff, 1) // IFD0 at 8: the GPS IFD pointer
	entry(0x8825, 4, 1, 26)
	tiff = le.AppendUint32(tiff, 0)
	tiff = le.AppendUint16(tiff, 2) // GPS IFD at 26; rationals at 56
	entry(0x0001, 2, 2, uint32('N'))
	entry(0x0002, 5, 3, 56)
	tiff = le.AppendUint32(tiff, 0)
	for _, r := range [][2]uint32{{21, 1}, {2, 1}, {3456, 100}} {
		tiff = le.AppendUint32(tiff, r[0])
		tiff = le.AppendUint32(tiff, r[1])
	}
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := append([]byte{0xFF, 0xE1, 0, 0}, seg...)
	binary.BigEndian.PutUint16(app1[2:], uint16(2+len(seg)))
	j := buf.Bytes()
	return append(append(append([]byte{}, j[:2]...), app1...), j[2:]...)
}

// hasGPS reports whether b still carries the EXIF block gpsJPEG wrote.
func hasGPS(b []byte) bool {
	return bytes.Contains(b, []byte("Exif\x00\x00")) || bytes.Contains(b, []byte{0x25, 0x88, 4, 0})
}

func errorCode(body map[string]any) string { return apigwtest.ErrorCode(body) }
