package consoletest

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"eportal/infra/browser"
)

// adminPage is one of the admins' pages or the media library, with what
// shows that it has loaded.
type adminPage struct {
	file, path, role, ready string
}

// adminPages are the pages TestAdminScreenshots takes and TestAdminPagesAtTablet
// reads at a tablet's width. The poll's page is the demo poll's, with
// votes cast for it.
var adminPages = []adminPage{
	{"console-categories.png", "chuyen-muc", "admin", `document.querySelector('main .tree [data-id="khoa-xix"]')`},
	{"console-links.png", "lien-ket", "admin", `document.querySelector("main table.links tbody tr")`},
	{"console-polls.png", "binh-chon", "admin", `document.querySelector("main table.polls tbody tr")`},
	{"console-poll.png", "", "admin", `document.querySelector("main table.results tbody tr")`},
	{"console-audit.png", "nhat-ky", "admin", `document.querySelector("main table.audit tbody tr")`},
	{"console-media.png", "thu-vien-anh", "editor", `document.querySelector("main .media-grid li.ready img") && document.querySelector("main .media-grid li.ready img").complete`},
}

// demoPoll is the demo content's poll, whose page is shown: a poll other
// tests create may be newer.
const demoPoll = "danh-gia-cong-thong-tin"

// openAdminPage opens pg signed in as its role, the library holding one
// image, and waits until it has loaded.
func openAdminPage(t *testing.T, s *localStack, p *browser.Page, pg adminPage) {
	t.Helper()
	s.signIn(t, p, pg.role)
	path := pg.path
	if path == "" {
		path = "binh-chon?id=" + demoPoll
		// Three readers vote, so that the page shows counts.
		id := demoPoll
		_, poll := s.call(t, "admin", http.MethodGet, "/admin/polls/"+id, "", nil)
		opts, _ := poll["options"].([]any)
		for i := range 3 {
			if len(opts) < 2 {
				break
			}
			choice := opts[i%2].(map[string]any)["id"].(string)
			if status, body := s.call(t, "", http.MethodPost, "/polls/"+id+"/votes", `{"choices":["`+choice+`"]}`, nil); status >= 300 {
				t.Fatalf("vote: %d %v", status, body)
			}
		}
	}
	if pg.path == "thu-vien-anh" {
		openPage(t, p, "thu-vien-anh", "Thư viện ảnh")
		chooseFile(t, p, "main", "anh-minh-hoa-hoi-an.png", "image/png", testPNG(t, 1200, 800))
		uploadLine(t, p, "anh-minh-hoa-hoi-an.png")
	} else if _, err := p.Navigate(t.Context(), s.URL+"/quan-tri/"+path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p, pg.ready, pg.file+"'s page loaded")
}

// TestAdminScreenshots takes the admins' pages and the media library at a
// desktop's width, as TestScreenshots takes the desk (`make screenshots`).
func TestAdminScreenshots(t *testing.T) {
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
	for _, pg := range adminPages {
		t.Run(pg.file, func(t *testing.T) {
			t.Parallel()
			p := browser.MustPage(t, browser.PageOptions{Width: desktopWidth, JavaScript: true})
			openAdminPage(t, s, p, pg)
			var client int
			if err := p.Eval(t.Context(), `document.documentElement.style.scrollbarWidth = "none", document.documentElement.clientWidth`, &client); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, pg.file)
			if err := p.Screenshot(t.Context(), path); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() < 10000 || client != desktopWidth {
				t.Errorf("%s: %v, %v, page %d px wide; want a picture %d px wide", path, fi, err, client, desktopWidth)
			}
		})
	}
}

// TestAdminPagesAtTablet: each page fits a 768 px tablet without sideways
// scrolling, and axe finds no serious or critical violation there.
func TestAdminPagesAtTablet(t *testing.T) {
	t.Parallel()
	s := mustStack(t)
	for _, pg := range adminPages {
		t.Run(pg.file, func(t *testing.T) {
			t.Parallel()
			p := browser.MustPage(t, browser.PageOptions{Width: tabletWidth, JavaScript: true})
			openAdminPage(t, s, p, pg)
			scroll, err1 := p.ScrollWidth(t.Context())
			client, err2 := p.ClientWidth(t.Context())
			if err1 != nil || err2 != nil || scroll > client {
				t.Errorf("%s at %d px: content %d px wide in %d (%v, %v)", pg.file, tabletWidth, scroll, client, err1, err2)
			}
			checkAxe(t, p, fmt.Sprintf("%s's page", pg.file))
		})
	}
}
