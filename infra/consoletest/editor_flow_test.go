package consoletest

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"eportal/infra/browser"
)

// TestWriteSubmitPublish: the editor writes an article with a heading, a
// bold word, a link, a list and an image uploaded through the media
// library (also its cover), previews, saves and submits it; the publisher
// publishes it; the reader site shows it with its image.
func TestWriteSubmitPublish(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
	s.signIn(t, p, "editor")
	if err := p.Click(t.Context(), `nav#dieu-huong a[href="/quan-tri/bai-viet/moi"]`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("#tieu-de") && document.querySelector(".flow button")`, "the new article's editor")
	const title = "Hội An đón khách dịp lễ hội đèn lồng"
	for sel, text := range map[string]string{"#tieu-de": title, "#tom-tat": "Phố cổ sáng đèn suốt đêm rằm.", "#tu-khoa": "Hội An, lễ hội", "#tac-gia": "Minh Anh"} {
		if err := p.Type(t.Context(), sel, text); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Click(t.Context(), `#cm-tin-tuc-su-kien`); err != nil {
		t.Fatal(err)
	}
	// The body, typed and formatted with the toolbar's buttons.
	typeBody := func(text string) {
		t.Helper()
		if err := p.Type(t.Context(), "#noi-dung-bai", text); err != nil {
			t.Fatal(err)
		}
	}
	tool := func(label string) {
		t.Helper()
		if err := p.Click(t.Context(), fmt.Sprintf(`.toolbar button[aria-label=%q]`, label)); err != nil {
			t.Fatal(err)
		}
	}
	typeBody("Chương trình lễ hội\rĐêm rằm có thả đèn hoa đăng trên sông Hoài, xem lịch.\rPhố đi bộ\rChợ đêm\rẢnh minh họa")
	selectText(t, p, "Chương trình", "")
	tool("H2: tiêu đề mục")
	selectText(t, p, "thả đèn hoa đăng", "thả đèn hoa đăng")
	tool("Chữ đậm")
	selectText(t, p, "lịch", "lịch")
	tool("Chèn liên kết")
	answer(t, p, map[string]string{"href": "https://hoian.gov.vn/le-hoi"})
	waitFor(t, p, `[...document.querySelectorAll("#noi-dung-bai a")].some(a => a.textContent === "lịch")`, "the link on lịch")
	selectText(t, p, "Phố đi bộ", "Chợ đêm")
	tool("Danh sách dấu chấm")

	// An image: uploaded in the media library's picker, processed, picked,
	// described, and inserted as a figure with its caption; the same image
	// as the cover.
	const imageName = "den-long-hoi-an.png"
	selectText(t, p, "Ảnh minh họa", "Ảnh minh họa") // replaced by the image
	tool("Chèn ảnh")
	waitFor(t, p, `document.querySelector("dialog.picker[open] input[type=file]")`, "the media picker")
	chooseFile(t, p, "dialog.picker[open]", imageName, "image/png", testPNG(t, 900, 600))
	imageID := readyMedia(t, s, imageName)
	pick := fmt.Sprintf(`dialog.picker[open] [data-id="%s"] button.pick`, imageID)
	waitFor(t, p, `document.querySelector('`+pick+`')`, "the uploaded image in the picker")
	if err := p.Click(t.Context(), pick); err != nil {
		t.Fatal(err)
	}
	answer(t, p, map[string]string{"alt": "Đèn lồng trên phố cổ", "caption": "Phố cổ Hội An về đêm"})
	statusSays(t, p, "Đã chèn ảnh")
	if err := p.Click(t.Context(), `fieldset.cover button`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector('`+pick+`')`, "the image in the cover's picker")
	if err := p.Click(t.Context(), pick); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, `document.querySelector("#anh-dai-dien").value.endsWith("/`+imageID+`/1280")`, "the cover's address")
	if err := p.Type(t.Context(), "#chu-thich-anh", "Đèn lồng"); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(t.Context(), `#luu`); err != nil {
		t.Fatal(err)
	}
	statusSays(t, p, "Đã lưu")
	id := articleID(t, p)
	status, _, a := s.apiCall(t, "editor", http.MethodGet, "/admin/articles/"+id, "", nil)
	if status != http.StatusOK {
		t.Fatalf("GET the saved article: %d", status)
	}
	body, _ := a["body"].(string)
	figure := `<figure><img src="/media/` + imageID + `/1280" alt="Đèn lồng trên phố cổ"><figcaption>Phố cổ Hội An về đêm</figcaption></figure>`
	for _, want := range []string{"<h2>Chương trình lễ hội</h2>", "thả đèn hoa đăng</b>", `<a href="https://hoian.gov.vn/le-hoi" rel="nofollow noopener" target="_blank">lịch</a>`, "<ul><li>Phố đi bộ</li><li>Chợ đêm</li></ul>", figure} {
		if !strings.Contains(body, want) {
			t.Errorf("saved body %q; want it to contain %q", body, want)
		}
	}
	if a["title"] != title || a["author"] != "Minh Anh" || fmt.Sprint(a["tags"]) != "[Hội An lễ hội]" || fmt.Sprint(a["categories"]) != "[tin-tuc-su-kien]" ||
		fmt.Sprint(a["coverImage"]) != "map[caption:Đèn lồng url:/media/"+imageID+"/1280]" {
		t.Errorf("saved %v; want the title, author, tags and category typed", a)
	}
	checkAxe(t, p, "editor")

	// The preview: the reader site's page of the form's fields, in a frame
	// that runs no script.
	press(t, p, "Xem trước")
	waitFor(t, p, `document.querySelector("iframe.preview-frame")`, "the preview")
	var frame struct {
		Sandbox string
		Doc     string
	}
	if err := p.Eval(t.Context(), `(() => { const f = document.querySelector("iframe.preview-frame"); return { sandbox: f.getAttribute("sandbox"), doc: f.srcdoc }; })()`, &frame); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h1", title, "<h2>Chương trình lễ hội</h2>", "thả đèn hoa đăng</b>", "noindex", "Minh Anh"} {
		if !strings.Contains(frame.Doc, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if frame.Sandbox != "" || strings.Contains(frame.Doc, "<script") {
		t.Errorf("preview frame sandbox=%q, scripts in it: %v; want a sandbox allowing nothing and no script", frame.Sandbox, strings.Contains(frame.Doc, "<script"))
	}

	press(t, p, "Gửi duyệt")
	statusSays(t, p, "Đã gửi duyệt")
	waitFor(t, p, `document.querySelector(".flow .badge").innerText.startsWith("Chờ duyệt")`, "the in-review badge")

	// The publisher finds it in "Chờ duyệt" and publishes it.
	pub := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
	s.signIn(t, pub, "publisher")
	if err := pub.Click(t.Context(), `nav#dieu-huong a[href="/quan-tri/?trang-thai=cho-duyet"]`); err != nil {
		t.Fatal(err)
	}
	link := `main tbody a[href="/quan-tri/bai-viet/` + id + `"]`
	waitFor(t, pub, `document.querySelector('`+link+`')`, "the article in the review list")
	if err := pub.Click(t.Context(), link); err != nil {
		t.Fatal(err)
	}
	waitFor(t, pub, `document.querySelector("#tieu-de") && document.querySelector("#tieu-de").value === `+fmt.Sprintf("%q", title), "the publisher's editor")
	press(t, pub, "Đăng ngay")
	statusSays(t, pub, "Đã đăng")
	checkAxe(t, pub, "editor (publisher)")

	_, _, a = s.apiCall(t, "editor", http.MethodGet, "/admin/articles/"+id, "", nil)
	resp, err := http.Get(s.URL + "/bai-viet/" + a["slug"].(string))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), title) || !strings.Contains(string(page), "<h2>Chương trình lễ hội</h2>") ||
		!strings.Contains(string(page), "/media/"+imageID+"/") || !strings.Contains(string(page), "Phố cổ Hội An về đêm") {
		t.Errorf("reader page: %d; want the article with its heading and its image", resp.StatusCode)
	}
	// The image the page names is served.
	if img, err := http.Get(s.URL + "/media/" + imageID + "/1280"); err != nil || img.StatusCode != http.StatusOK || !strings.HasPrefix(img.Header.Get("Content-Type"), "image/") {
		t.Errorf("GET the article's image: %v, %v", img, err)
	} else {
		img.Body.Close()
	}
	for _, pg := range []*browser.Page{p, pub} {
		if errs := pg.ConsoleErrors(); len(errs) != 0 {
			t.Errorf("console errors: %v", errs)
		}
	}
}

// TestEditorScreenshots takes the editor with the demo article, signed in
// as the publisher, at a desktop's width (console-editor.png) and a
// tablet's (console-editor-tablet.png), where TestScreenshots puts the
// desk's; and the editor with a document (console-document.png).
func TestEditorScreenshots(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	dir := os.Getenv(screenshotsEnv)
	if dir == "" {
		dir = t.TempDir()
	} else if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", "..", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	_, _, list := s.apiCall(t, "editor", http.MethodGet, "/admin/articles?status=published&limit=100", "", nil)
	var id string
	for _, it := range list["items"].([]any) {
		if a := it.(map[string]any); a["title"] == demoTitle {
			id = a["id"].(string)
		}
	}
	if id == "" {
		t.Fatalf("the demo article is not in the published list %v", list)
	}
	for name, width := range map[string]int{"console-editor.png": desktopWidth, "console-editor-tablet.png": tabletWidth} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := browser.MustPage(t, browser.PageOptions{Width: width, JavaScript: true})
			s.signIn(t, p, "publisher")
			openEditor(t, p, "/quan-tri/bai-viet/"+id)
			waitFor(t, p, fmt.Sprintf(`document.querySelector("#tieu-de").value === %q && document.getElementById("noi-dung-bai").innerText.length > 200`, demoTitle), "the demo article in the editor")
			checkAxe(t, p, "editor with the demo article")
			if sw, _ := p.ScrollWidth(t.Context()); sw > width {
				t.Errorf("the editor is %d px wide at %d px; want no sideways scrolling", sw, width)
			}
			var client int
			if err := p.Eval(t.Context(), `document.documentElement.style.scrollbarWidth = "none", document.documentElement.clientWidth`, &client); err != nil {
				t.Fatal(err)
			}
			if client != width {
				t.Errorf("the page is %d px wide without its scrollbar; want %d", client, width)
			}
			path := filepath.Join(dir, name)
			if err := p.Screenshot(t.Context(), path); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() < 10000 {
				t.Errorf("%s: %v, %v; want a picture", path, fi, err)
			}
		})
	}
	t.Run("console-document.png", func(t *testing.T) {
		t.Parallel()
		documentScreenshot(t, s, dir)
	})
}

// readyMedia waits until the library's entry named fileName is ready and
// returns its id.
func readyMedia(t *testing.T, s *localStack, fileName string) string {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		m := mediaItem(t, s, fileName)
		if m != nil && m["status"] == "ready" {
			return m["id"].(string)
		}
		if m != nil && m["status"] == "rejected" || time.Now().After(deadline) {
			t.Fatalf("the upload of %s: %v; want it ready", fileName, m)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
