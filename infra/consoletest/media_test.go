package consoletest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"eportal/infra/browser"
)

// testPNG returns a w×h PNG with a gradient, so that it is a real picture
// the processor decodes and resizes.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 160, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const testSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`

// fileJS is a JavaScript expression for a DataTransfer holding one file of
// data named name with type typ, as the file picker or a drop gives it.
func fileJS(name, typ string, data []byte) string {
	return fmt.Sprintf(`(() => { const dt = new DataTransfer(); dt.items.add(new File([Uint8Array.from(atob(%q), c => c.charCodeAt(0))], %q, {type: %q})); return dt; })()`,
		base64.StdEncoding.EncodeToString(data), name, typ)
}

// chooseFile puts a file in the page's file input, as the file picker does.
func chooseFile(t *testing.T, p *browser.Page, scope, name, typ string, data []byte) {
	t.Helper()
	// The page empties the input once it has the file: the count is read
	// before.
	js := fmt.Sprintf(`(i => { i.files = %s.files; const n = i.files.length; i.dispatchEvent(new Event("change", {bubbles: true})); return n; })(document.querySelector(%q))`,
		fileJS(name, typ, data), scope+` input[type=file]`)
	var n int
	if err := p.Eval(t.Context(), js, &n); err != nil || n != 1 {
		t.Fatalf("choose %s: %d, %v", name, n, err)
	}
}

// dropFile drops a file on the upload zone, as dragging one from the
// desktop does.
func dropFile(t *testing.T, p *browser.Page, name, typ string, data []byte) {
	t.Helper()
	js := fmt.Sprintf(`(z => { const dt = %s; z.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true})); z.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true})); return true; })(document.querySelector("main .dropzone"))`,
		fileJS(name, typ, data))
	if err := p.Eval(t.Context(), js, nil); err != nil {
		t.Fatalf("drop %s: %v", name, err)
	}
}

// uploadLine waits until the upload of name has finished, ready or
// refused, and returns its line's text.
func uploadLine(t *testing.T, p *browser.Page, name string) string {
	t.Helper()
	line := fmt.Sprintf(`[...document.querySelectorAll(".uploads li")].find(li => li.querySelector(".file").innerText.startsWith(%q + " ("))`, name)
	waitFor(t, p, line+` && /ready|failed/.test(`+line+`.className)`, "the end of the upload of "+name)
	var s string
	if err := p.Eval(t.Context(), line+`.innerText`, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// mediaItem returns the library's entry named fileName, or nil.
func mediaItem(t *testing.T, s *localStack, fileName string) map[string]any {
	t.Helper()
	status, body := s.call(t, "editor", http.MethodGet, "/admin/media?limit=100", "", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /admin/media: %d %v", status, body)
	}
	for _, x := range body["items"].([]any) {
		if m := x.(map[string]any); m["fileName"] == fileName {
			return m
		}
	}
	return nil
}

func TestMediaLibrary(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	openPage(t, p, "thu-vien-anh", "Thư viện ảnh")
	waitFor(t, p, `!document.querySelector("main [role=status].hint").innerText.includes("Đang tải")`, "the library loaded")
	checkAxe(t, p, "media library")

	// A PNG through the file picker: progress, then processed, then shown
	// with its 320 px thumbnail.
	const pngName = "hoi-nghi-tinh-uy-2026.png"
	chooseFile(t, p, "main", pngName, "image/png", testPNG(t, 900, 600))
	if got := uploadLine(t, p, pngName); !strings.Contains(got, "ảnh đã sẵn sàng") {
		t.Fatalf("the PNG's upload ended with %q", got)
	}
	m := mediaItem(t, s, pngName)
	if m == nil || m["status"] != "ready" {
		t.Fatalf("the library holds %v; want the PNG ready", m)
	}
	id := m["id"].(string)
	img := fmt.Sprintf(`document.querySelector('main .media-grid [data-id="%s"] img')`, id)
	waitFor(t, p, img+` && `+img+`.complete && `+img+`.naturalWidth === 320`, "the thumbnail, loaded, 320 px wide")
	var src, alt string
	_ = p.Eval(t.Context(), img+`.getAttribute("src")`, &src)
	_ = p.Eval(t.Context(), img+`.alt`, &alt)
	if !strings.HasSuffix(src, "/"+id+"/320") || alt != pngName {
		t.Errorf("thumbnail src %q alt %q; want the 320 slot and the file name", src, alt)
	}

	// An SVG dropped on the zone: refused at the request, with the reason.
	dropFile(t, p, "bieu-do.svg", "image/svg+xml", []byte(testSVG))
	if got := uploadLine(t, p, "bieu-do.svg"); !strings.Contains(got, "Chỉ nhận ảnh JPEG, PNG hoặc WebP") || !strings.Contains(got, "415") {
		t.Errorf("the SVG's upload ended with %q; want the refusal and its reason", got)
	}
	// An SVG named .png gets past the request; the processor, which reads
	// the bytes, rejects it and the page says why.
	chooseFile(t, p, "main", "gia-mao.png", "image/png", []byte(testSVG))
	if got := uploadLine(t, p, "gia-mao.png"); !strings.Contains(got, "Máy chủ từ chối ảnh") || !strings.Contains(got, "not a JPEG, PNG or WebP") {
		t.Errorf("the disguised SVG's upload ended with %q; want the processor's reason", got)
	}
	// Over 10 MB: refused at the request, before any byte is sent.
	big := `(i => { const dt = new DataTransfer(); dt.items.add(new File([new Uint8Array(11 << 20)], "anh-qua-lon.png", {type: "image/png"})); i.files = dt.files; i.dispatchEvent(new Event("change", {bubbles: true})); return true; })(document.querySelector("main input[type=file]"))`
	if err := p.Eval(t.Context(), big, nil); err != nil {
		t.Fatal(err)
	}
	if got := uploadLine(t, p, "anh-qua-lon.png"); !strings.Contains(got, "Ảnh lớn hơn 10 MB") || !strings.Contains(got, "413") {
		t.Errorf("the oversize upload ended with %q; want the refusal and its reason", got)
	}
	if n, _ := p.Count(t.Context(), `main .uploads li.failed [role=alert]`); n != 3 {
		t.Errorf("%d refusals announced as alerts; want 3", n)
	}
	waitFor(t, p, `[...document.querySelectorAll("main .media-grid li.rejected")].some(li => li.innerText.includes("gia-mao.png") && li.innerText.includes("Bị từ chối"))`,
		"the rejected entry in the library")
	checkAxe(t, p, "media library after uploads")

	// Find by file name among the loaded images.
	search := fieldID(t, p, "main", "Tìm theo tên tệp")
	fill(t, p, search, "TỈNH-ủy")
	waitFor(t, p, fmt.Sprintf(`document.querySelectorAll("main .media-grid li").length === 1 && document.querySelector('main .media-grid li[data-id="%s"]')`, id), "only the PNG found")
	fill(t, p, search, "khong-co-anh-nay")
	waitText(t, p, "Không có ảnh nào có tên chứa “khong-co-anh-nay”", "nothing found")
	setValue(t, p, search, "")
	waitFor(t, p, fmt.Sprintf(`document.querySelector('main .media-grid li[data-id="%s"]') && document.querySelectorAll("main .media-grid li").length > 1`, id), "every image again")

	// The article editor's picker: the ready image is offered, picking it
	// resolves to its id, URL and variants; closing resolves to null.
	if err := p.Eval(t.Context(), `window.picked = undefined, eportalConsole.pickImage({title: "Chọn ảnh thử"}).then(x => window.picked = x), true`, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, fmt.Sprintf(`document.querySelector('dialog.picker[open] [data-id="%s"] button.pick')`, id), "the image in the picker")
	if n, _ := p.Count(t.Context(), `dialog.picker li.rejected`); n != 0 {
		t.Errorf("the picker offers rejected images")
	}
	checkAxe(t, p, "image picker")
	if err := p.Click(t.Context(), fmt.Sprintf(`dialog.picker [data-id="%s"] button.pick`, id)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `window.picked !== undefined && !document.querySelector("dialog.picker")`, "the picked image")
	var picked struct {
		ID       string
		URL      string
		Variants []struct {
			Width int
			URL   string
		}
	}
	if err := p.Eval(t.Context(), `window.picked`, &picked); err != nil {
		t.Fatal(err)
	}
	if picked.ID != id || picked.URL != m["url"] || len(picked.Variants) == 0 || picked.Variants[0].Width != 320 {
		t.Errorf("pickImage resolved to %+v; want the PNG's id, url and variants", picked)
	}
	if err := p.Eval(t.Context(), `window.picked = undefined, eportalConsole.pickImage().then(x => window.picked = x), true`, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("dialog.picker[open]")`, "the picker again")
	clickButton(t, p, "dialog.picker .dialog-head", "Đóng")
	waitFor(t, p, `window.picked === null && !document.querySelector("dialog.picker")`, "null after closing the picker")
	// Uploading in the picker, then picking what was uploaded.
	if err := p.Eval(t.Context(), `window.picked = undefined, eportalConsole.pickImage().then(x => window.picked = x), true`, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("dialog.picker[open] input[type=file]")`, "the picker's upload")
	chooseFile(t, p, "dialog.picker", "anh-bia-moi.png", "image/png", testPNG(t, 400, 300))
	waitFor(t, p, `[...document.querySelectorAll("dialog.picker .uploads li.ready")].some(li => li.innerText.includes("anh-bia-moi.png"))`, "the upload in the picker ready")
	if err := p.Click(t.Context(), "dialog.picker .media-grid li:first-child button.pick"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `window.picked && window.picked.fileName === "anh-bia-moi.png" && window.picked.variants[0].width === 320 && !document.querySelector("dialog.picker")`, "the uploaded image picked")

	// An article uses it as its cover: the delete is refused, naming the
	// article with a link to it, and the image stays.
	const title = "Bài viết dùng ảnh hội nghị"
	status, art := s.call(t, "editor", http.MethodPost, "/admin/articles",
		`{"title":"`+title+`","summary":"Tóm tắt","body":"<p>Nội dung</p>","categories":["tin-tuc-su-kien"],"coverImage":{"url":"`+m["url"].(string)+`"}}`, nil)
	if status != http.StatusCreated {
		t.Fatalf("create an article with the image as its cover: %d %v", status, art)
	}
	articleID := art["id"].(string)
	clickButton(t, p, fmt.Sprintf(`main .media-grid [data-id="%s"]`, id), "Xóa ảnh "+pngName)
	clickButton(t, p, fmt.Sprintf(`main .media-grid [data-id="%s"] .confirm`, id), "Xóa")
	if got := alertText(t, p, "main >"); !strings.Contains(got, "Không xóa được ảnh “"+pngName+"”: ảnh đang được dùng trong 1 bài viết") || !strings.Contains(got, title) {
		t.Errorf("refused delete: alert %q; want the article named", got)
	}
	if n, _ := p.Count(t.Context(), `main > [role=alert] a[href="/quan-tri/bai-viet/`+articleID+`"]`); n != 1 {
		t.Errorf("the refusal has no link to the article's editor")
	}
	if status, _ := s.call(t, "editor", http.MethodGet, "/admin/media/"+id, "", nil); status != http.StatusOK {
		t.Fatalf("GET the image after a refused delete: %d", status)
	}
	if status, body := s.call(t, "admin", http.MethodDelete, "/admin/articles/"+articleID, "", nil); status != http.StatusNoContent {
		t.Fatalf("delete the article: %d %v", status, body)
	}

	// Now unused: deleted after confirmation, gone from the page, the API
	// and the edge.
	clickButton(t, p, fmt.Sprintf(`main .media-grid [data-id="%s"]`, id), "Xóa ảnh "+pngName)
	clickButton(t, p, fmt.Sprintf(`main .media-grid [data-id="%s"] .confirm`, id), "Xóa")
	waitText(t, p, "Đã xóa ảnh “"+pngName+"”.", "the deleted notice")
	if n, _ := p.Count(t.Context(), fmt.Sprintf(`main .media-grid [data-id="%s"]`, id)); n != 0 {
		t.Errorf("the deleted image is still shown")
	}
	if status, _ := s.call(t, "editor", http.MethodGet, "/admin/media/"+id, "", nil); status != http.StatusNotFound {
		t.Errorf("GET the deleted image: %d; want 404", status)
	}
	if status, _ := s.call(t, "", http.MethodGet, "/media/"+id+"/320", "", nil); status != http.StatusNotFound {
		t.Errorf("the deleted image's thumbnail is still served: %d", status)
	}
	noScriptErrors(t, p)
}

// TestMediaPendingFromElsewhere: an image listed while still pending (its
// upload made from another tab) turns ready on the page without a reload.
func TestMediaPendingFromElsewhere(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	data := testPNG(t, 500, 400)
	const name = "tai-tu-tab-khac.png"
	status, up := s.call(t, "editor", http.MethodPost, "/admin/media", fmt.Sprintf(`{"fileName":%q,"contentType":"image/png","size":%d}`, name, len(data)), nil)
	if status != http.StatusCreated {
		t.Fatalf("POST /admin/media: %d %v", status, up)
	}
	id := up["id"].(string)
	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	openPage(t, p, "thu-vien-anh", "Thư viện ảnh")
	card := fmt.Sprintf(`document.querySelector('main .media-grid li[data-id="%s"]')`, id)
	waitFor(t, p, card+` && `+card+`.classList.contains("pending") && `+card+`.innerText.includes("Đang xử lý")`, "the pending entry")

	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, up["uploadUrl"].(string), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "image/png")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT to the presigned URL: %d", resp.StatusCode)
	}
	waitFor(t, p, card+` && `+card+`.classList.contains("ready") && `+card+`.querySelector("img") && `+card+`.querySelector("img").complete`, "the entry ready, with its thumbnail")
}
