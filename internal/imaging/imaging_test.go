package imaging_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"testing"

	"eportal/internal/imaging"
	"eportal/internal/portal"
)

// solid returns a w×h image of c.
func solid(w, h int, c color.Color) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, c)
		}
	}
	return img
}

func mustJPEG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func mustPNG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

var gray = color.NRGBA{R: 120, G: 130, B: 140, A: 255}

func TestSniff(t *testing.T) {
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, solid(4, 4, gray), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want imaging.Format // "" for refused
	}{
		{"jpeg", mustJPEG(t, solid(8, 8, gray)), imaging.JPEG},
		{"png", mustPNG(t, solid(8, 8, gray)), imaging.PNG},
		{"webp lossy", mustRead(t, "testdata/blue-purple-pink.lossy.webp"), imaging.WebP},
		{"webp lossless", mustRead(t, "testdata/gopher-doc.with-alpha.lossless.webp"), imaging.WebP},
		{"gif", gifBuf.Bytes(), ""},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ""},
		{"svg with xml prolog", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), ""},
		{"html", []byte("<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>"), ""},
		{"html before png magic", append([]byte("<html>"), mustPNG(t, solid(2, 2, gray))...), ""},
		{"riff but not webp", []byte("RIFF\x10\x00\x00\x00WAVEfmt \x00\x00\x00\x00"), ""},
		{"text", []byte("hello"), ""},
		{"empty", nil, ""},
		{"jpeg magic cut short", []byte{0xFF, 0xD8}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := imaging.Sniff(tc.data)
			if tc.want == "" {
				if code := portal.ErrorCode(err); code != portal.EMEDIATYPE {
					t.Fatalf("Sniff = %q, %v; want refusal %s", got, err, portal.EMEDIATYPE)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Sniff = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestFormatOf(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want imaging.Format
		ok   bool
	}{
		{"image/jpeg", imaging.JPEG, true},
		{"IMAGE/PNG", imaging.PNG, true},
		{"image/webp; q=1", imaging.WebP, true},
		{"image/svg+xml", "", false},
		{"image/gif", "", false},
		{"text/html", "", false},
		{"image/jpg", "", false},
		{"", "", false},
	} {
		got, ok := imaging.FormatOf(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("FormatOf(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

type size struct{ w, h int }

func TestProcessVariants(t *testing.T) {
	translucent := solid(900, 300, color.NRGBA{R: 200, A: 128})
	for _, tc := range []struct {
		name   string
		data   []byte
		format imaging.Format
		ext    string
		want   []size
	}{
		{"wide jpeg", mustJPEG(t, solid(2000, 1000, gray)), imaging.JPEG, "jpg",
			[]size{{320, 160}, {768, 384}, {1280, 640}}},
		{"exactly 1280", mustJPEG(t, solid(1280, 720, gray)), imaging.JPEG, "jpg",
			[]size{{320, 180}, {768, 432}, {1280, 720}}},
		{"between widths, never upscaled", mustJPEG(t, solid(1000, 500, gray)), imaging.JPEG, "jpg",
			[]size{{320, 160}, {768, 384}, {1000, 500}}},
		{"smaller than the smallest width", mustJPEG(t, solid(200, 100, gray)), imaging.JPEG, "jpg",
			[]size{{200, 100}}},
		{"tall", mustJPEG(t, solid(400, 3000, gray)), imaging.JPEG, "jpg",
			[]size{{320, 2400}, {400, 3000}}},
		{"opaque png becomes jpeg", mustPNG(t, solid(800, 400, gray)), imaging.PNG, "jpg",
			[]size{{320, 160}, {768, 384}, {800, 400}}},
		{"transparent png stays png", mustPNG(t, translucent), imaging.PNG, "png",
			[]size{{320, 107}, {768, 256}, {900, 300}}},
		{"opaque webp", mustRead(t, "testdata/blue-purple-pink.lossy.webp"), imaging.WebP, "jpg", nil},
		{"transparent webp", mustRead(t, "testdata/gopher-doc.with-alpha.lossless.webp"), imaging.WebP, "png", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := imaging.Process(tc.data)
			if err != nil {
				t.Fatalf("Process: %v", err)
			}
			if img.Format != tc.format {
				t.Errorf("format = %q; want %q", img.Format, tc.format)
			}
			if len(img.Variants) == 0 {
				t.Fatal("no variants")
			}
			var got []size
			for _, v := range img.Variants {
				got = append(got, size{v.Width, v.Height})
				if v.Ext != tc.ext {
					t.Errorf("variant %s: ext %q; want %q", v.Name(), v.Ext, tc.ext)
				}
				cfg, format, err := image.DecodeConfig(bytes.NewReader(v.Data))
				if err != nil {
					t.Fatalf("variant %s does not decode: %v", v.Name(), err)
				}
				if wantFormat := map[string]string{"jpg": "jpeg", "png": "png"}[v.Ext]; format != wantFormat ||
					v.ContentType != "image/"+wantFormat {
					t.Errorf("variant %s is %s, content type %q", v.Name(), format, v.ContentType)
				}
				if cfg.Width != v.Width || cfg.Height != v.Height {
					t.Errorf("variant %s decodes as %d×%d; says %d×%d", v.Name(), cfg.Width, cfg.Height, v.Width, v.Height)
				}
				if v.Width > img.Width || v.Width > 1280 {
					t.Errorf("variant %s wider than the image (%d) or 1280", v.Name(), img.Width)
				}
			}
			if last := img.Variants[len(img.Variants)-1]; last.Width != min(img.Width, 1280) {
				t.Errorf("largest variant %d px; want %d", last.Width, min(img.Width, 1280))
			}
			if tc.want != nil && !equalSizes(got, tc.want) {
				t.Errorf("variants %v; want %v", got, tc.want)
			}
		})
	}
}

func equalSizes(a, b []size) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestProcessRefusals(t *testing.T) {
	wide := mustJPEG(t, solid(64, 64, gray))
	for _, tc := range []struct {
		name string
		data []byte
		code string
	}{
		{"over 10 MB", append(mustJPEG(t, solid(8, 8, gray)), make([]byte, imaging.MaxBytes)...), portal.ETOOLARGE},
		{"pixel bomb", pngClaiming(t, 10000, 10000), portal.ETOOLARGE},
		{"svg named png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), portal.EMEDIATYPE},
		{"truncated jpeg", wide[:len(wide)/2], portal.EUNPROCESS},
		{"jpeg header only", wide[:20], portal.EUNPROCESS},
		{"png signature only", []byte("\x89PNG\r\n\x1a\n"), portal.EUNPROCESS},
		{"webp header only", []byte("RIFF\x10\x00\x00\x00WEBPVP8 \x00\x00\x00\x00"), portal.EUNPROCESS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := imaging.Process(tc.data)
			if code := portal.ErrorCode(err); code != tc.code {
				t.Fatalf("Process = %v, %v; want code %s", img, err, tc.code)
			}
			if portal.ErrorMessage(err) == "" {
				t.Error("refusal without a message")
			}
		})
	}
}

// pngClaiming returns a 1×1 PNG whose header claims w×h pixels.
func pngClaiming(tb testing.TB, w, h uint32) []byte {
	b := mustPNG(tb, solid(1, 1, gray))
	// Signature (8), IHDR length (4), "IHDR" (4), width, height, ….
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// exifJPEG returns a JPEG of img carrying an EXIF APP1 segment with
// orientation o and a GPS position (21°2'34.56" N, the latitude of Hà Nội).
func exifJPEG(tb testing.TB, img image.Image, o uint16) []byte {
	le := binary.LittleEndian
	t := []byte("II*\x00\x08\x00\x00\x00")
	entry := func(tag, typ uint16, count, value uint32) {
		t = le.AppendUint16(t, tag)
		t = le.AppendUint16(t, typ)
		t = le.AppendUint32(t, count)
		t = le.AppendUint32(t, value)
	}
	// IFD0 at 8: orientation and the GPS IFD pointer; 2+2×12+4 = 30 bytes.
	t = le.AppendUint16(t, 2)
	entry(0x0112, 3, 1, uint32(o))
	entry(0x8825, 4, 1, 38)
	t = le.AppendUint32(t, 0)
	// GPS IFD at 38: latitude ref and latitude; its rationals at 68.
	t = le.AppendUint16(t, 2)
	entry(0x0001, 2, 2, uint32('N'))
	entry(0x0002, 5, 3, 68)
	t = le.AppendUint32(t, 0)
	for _, r := range [][2]uint32{{21, 1}, {2, 1}, {3456, 100}} {
		t = le.AppendUint32(t, r[0])
		t = le.AppendUint32(t, r[1])
	}
	seg := append([]byte("Exif\x00\x00"), t...)
	app1 := append([]byte{0xFF, 0xE1, 0, 0}, seg...)
	binary.BigEndian.PutUint16(app1[2:], uint16(2+len(seg)))
	j := mustJPEG(tb, img)
	return append(append(append([]byte{}, j[:2]...), app1...), j[2:]...)
}

// appSegments returns the APPn markers (0xE0–0xEF) of a JPEG before its
// first scan.
func appSegments(tb testing.TB, j []byte) []byte {
	tb.Helper()
	var out []byte
	for i := 2; i+4 <= len(j) && j[i] == 0xFF && j[i+1] != 0xDA; {
		if j[i+1] >= 0xE0 && j[i+1] <= 0xEF {
			out = append(out, j[i+1])
		}
		i += 2 + int(binary.BigEndian.Uint16(j[i+2:]))
	}
	return out
}

// TestProcessStripsEXIF feeds a camera-like JPEG, turned on its side with
// EXIF orientation 6 and carrying a GPS position: the variants stand
// upright and carry no metadata at all.
func TestProcessStripsEXIF(t *testing.T) {
	red, blue := color.NRGBA{R: 255, A: 255}, color.NRGBA{B: 255, A: 255}
	// As stored: 400×200, left half red, right half blue. Viewed with
	// orientation 6 (turn 90° clockwise): 200×400, red on top.
	stored := image.NewNRGBA(image.Rect(0, 0, 400, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 400; x++ {
			stored.Set(x, y, map[bool]color.Color{true: red, false: blue}[x < 200])
		}
	}
	src := exifJPEG(t, stored, 6)
	if got := appSegments(t, src); !bytes.Equal(got, []byte{0xE1}) || !bytes.Contains(src, []byte("Exif")) {
		t.Fatalf("fixture APP segments %x; want the EXIF APP1", got)
	}
	if _, err := jpeg.Decode(bytes.NewReader(src)); err != nil {
		t.Fatalf("fixture does not decode: %v", err)
	}

	img, err := imaging.Process(src)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	if img.Width != 200 || img.Height != 400 {
		t.Errorf("image %d×%d; want 200×400 (upright)", img.Width, img.Height)
	}
	if len(img.Variants) != 1 {
		t.Fatalf("%d variants; want 1", len(img.Variants))
	}
	v := img.Variants[0]
	if got := appSegments(t, v.Data); len(got) != 0 {
		t.Errorf("variant has APP segments %x; want none", got)
	}
	for _, s := range []string{"Exif", "II*\x00"} {
		if bytes.Contains(v.Data, []byte(s)) {
			t.Errorf("variant still contains %q", s)
		}
	}
	out, err := jpeg.Decode(bytes.NewReader(v.Data))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		x, y int
		want string
	}{{100, 50, "red"}, {100, 350, "blue"}} {
		r, _, b, _ := out.At(p.x, p.y).RGBA()
		got := "blue"
		if r > b {
			got = "red"
		}
		if got != p.want {
			t.Errorf("pixel (%d,%d) is %s; want %s", p.x, p.y, got, p.want)
		}
	}
}

// FuzzProcess feeds arbitrary bytes to the sniffer, the EXIF reader and the
// decoders: nothing may panic, and whatever is accepted has variants no
// wider than the image or 1280 px.
func FuzzProcess(f *testing.F) {
	small := solid(40, 30, gray)
	f.Add(mustJPEG(f, small))
	f.Add(exifJPEG(f, small, 6))
	f.Add(exifJPEG(f, small, 8))
	f.Add(mustPNG(f, small))
	f.Add(mustPNG(f, solid(20, 20, color.NRGBA{A: 10})))
	f.Add(mustRead(f, "testdata/blue-purple-pink.lossy.webp"))
	f.Add(mustRead(f, "testdata/gopher-doc.with-alpha.lossless.webp"))
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8})
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := imaging.Process(data)
		if err != nil {
			if portal.ErrorMessage(err) == "" {
				t.Fatalf("refusal without a message: %v", err)
			}
			return
		}
		if len(img.Variants) == 0 {
			t.Fatal("accepted with no variants")
		}
		for _, v := range img.Variants {
			if v.Width > img.Width || v.Width > 1280 || v.Height < 1 || len(v.Data) == 0 {
				t.Fatalf("variant %s %d×%d of a %d×%d image", v.Name(), v.Width, v.Height, img.Width, img.Height)
			}
		}
	})
}
