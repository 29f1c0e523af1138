package sitetest

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"eportal/infra/browser"
)

// screenshotsEnv names the environment variable that makes TestScreenshots
// write its PNGs into a directory (relative to the module's root) rather
// than a temporary one: `make screenshots` sets it to docs/screenshots.
const screenshotsEnv = "EPORTAL_SCREENSHOTS"

// maxShotHeight caps a screenshot's height, in pixels, so that a long page
// does not make a large file: the top of the page is what shows the design.
const maxShotHeight = 2400

// TestScreenshots takes a full-page PNG of the home, article, poll and search
// results pages at a desktop's width and a phone's, with JavaScript, as
// <page>-<desktop|phone>.png, and of the documents' list and the report's
// page as site-documents.png and site-document.png (site-…-phone.png at a
// phone's width), and checks
// that each decodes to the width of its viewport. With screenshotsEnv set,
// the files are cut to maxShotHeight and compressed for the repository.
func TestScreenshots(t *testing.T) {
	t.Parallel()
	s := mustSite(t)
	dir, keep := os.Getenv(screenshotsEnv), true
	switch {
	case dir == "":
		dir, keep = t.TempDir(), false
	case !filepath.IsAbs(dir):
		root, err := moduleRoot()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Results with votes in them show their bars.
	for _, choice := range []string{"o1", "o1", "o1", "o2", "o2", "o3"} {
		s.vote(t, pollID, choice)
	}
	for _, v := range []struct {
		name  string
		width int
	}{{"desktop", desktopWidth}, {"phone", phoneWidth}} {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			p := browser.MustPage(t, browser.PageOptions{Width: v.width, JavaScript: true})
			for _, pg := range []sitePage{home, article, poll, results} {
				s.load(t, p, pg.path)
				if pg == article {
					waitBeacon(t, p) // and the count it shows
				}
				shoot(t, p, filepath.Join(dir, fmt.Sprintf("%s-%s.png", pg.name, v.name)), v.width, keep)
			}
			// The Văn bản pages: site-documents.png and site-document.png
			// at a desktop's width, site-…-phone.png at a phone's.
			for _, pg := range []sitePage{documents, document} {
				s.load(t, p, pg.path)
				name := fmt.Sprintf("site-%s.png", pg.name)
				if v.name == "phone" {
					name = fmt.Sprintf("site-%s-phone.png", pg.name)
				}
				shoot(t, p, filepath.Join(dir, name), v.width, keep)
			}
		})
	}
}

// shoot takes a full-page PNG of p at path and checks that it decodes to
// width; with keep, the file is cut to maxShotHeight and compressed for the
// repository.
func shoot(t *testing.T, p *browser.Page, path string, width int, keep bool) {
	t.Helper()
	// A desktop browser's scroll bar takes 15 px of the page's width; the
	// picture is of the page. Reading clientWidth lays the page out again
	// before the capture.
	var client int
	if err := p.Eval(t.Context(), `document.documentElement.style.scrollbarWidth = "none", document.documentElement.clientWidth`, &client); err != nil {
		t.Fatal(err)
	}
	if err := p.Screenshot(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	img, err := decodePNG(path)
	if err != nil {
		t.Fatal(err)
	}
	if w := img.Bounds().Dx(); w != width || client != width {
		t.Errorf("%s: %d px wide, the page %d; want %d", path, w, client, width)
	}
	if !keep {
		return
	}
	if err := writePNG(path, img, maxShotHeight); err != nil {
		t.Fatal(err)
	}
}

// decodePNG decodes the PNG file at path.
func decodePNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s is not a PNG: %w", path, err)
	}
	return img, nil
}

// writePNG writes the top maxHeight pixels of img to path as a PNG of at
// most 256 colours, compressed as well as Go can: a page is flat colours and
// anti-aliased text, a thousand or so colours in all, and the most frequent
// 256 keep it readable at a third of the size.
func writePNG(path string, img image.Image, maxHeight int) error {
	r := img.Bounds()
	if r.Dy() > maxHeight {
		r.Max.Y = r.Min.Y + maxHeight
	}
	counts := map[color.Color]int{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			counts[img.At(x, y)]++
		}
	}
	colors := slices.Collect(maps.Keys(counts))
	slices.SortFunc(colors, func(a, b color.Color) int {
		if n := counts[b] - counts[a]; n != 0 {
			return n
		}
		return cmp.Compare(rgba(a), rgba(b)) // the same picture, the same file
	})
	palette := color.Palette(colors[:min(256, len(colors))])
	out := image.NewPaletted(image.Rect(0, 0, r.Dx(), r.Dy()), palette)
	index := make(map[color.Color]uint8, len(colors))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.At(x, y)
			i, ok := index[c]
			if !ok {
				i = uint8(palette.Index(c))
				index[c] = i
			}
			out.SetColorIndex(x-r.Min.X, y-r.Min.Y, i)
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, out); err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// rgba packs c's 16-bit components into one number, to order colours.
func rgba(c color.Color) uint64 {
	r, g, b, a := c.RGBA()
	return uint64(r)<<48 | uint64(g)<<32 | uint64(b)<<16 | uint64(a)
}

// moduleRoot returns the nearest directory above the working directory (a
// package's, under go test) that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}
