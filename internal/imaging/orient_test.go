package imaging

import (
	"image"
	"image/color"
	"testing"
)

// TestOrient turns a 3×2 image with a marked corner every EXIF way: the
// size swaps for 5–8, and the pixel that lands top-left is the one the
// EXIF specification says.
func TestOrient(t *testing.T) {
	const w, h = 3, 2
	src := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			src.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), A: 255})
		}
	}
	for o, want := range map[int]image.Point{
		1: {0, 0}, 2: {w - 1, 0}, 3: {w - 1, h - 1}, 4: {0, h - 1},
		5: {0, 0}, 6: {0, h - 1}, 7: {w - 1, h - 1}, 8: {w - 1, 0},
	} {
		dst := orient(src, o)
		dw, dh := w, h
		if o >= 5 {
			dw, dh = h, w
		}
		if dst.Rect.Dx() != dw || dst.Rect.Dy() != dh {
			t.Errorf("orientation %d: %v; want %d×%d", o, dst.Rect, dw, dh)
			continue
		}
		c := dst.RGBAAt(0, 0)
		if got := (image.Point{int(c.R), int(c.G)}); got != want {
			t.Errorf("orientation %d: top-left from %v; want %v", o, got, want)
		}
	}
}

func TestJPEGOrientation(t *testing.T) {
	exif := func(order string, tag, typ, value uint16) []byte {
		tiff := []byte(order)
		put16 := func(v uint16) {
			if order == "II" {
				tiff = append(tiff, byte(v), byte(v>>8))
			} else {
				tiff = append(tiff, byte(v>>8), byte(v))
			}
		}
		put32 := func(v uint32) { put16(uint16(v)); put16(uint16(v >> 16)) }
		if order == "MM" {
			put32 = func(v uint32) { put16(uint16(v >> 16)); put16(uint16(v)) }
		}
		put16(42)
		put32(8)
		put16(1)
		put16(tag)
		put16(typ)
		put32(1)
		put16(value)
		put16(0)
		put32(0)
		seg := append([]byte("Exif\x00\x00"), tiff...)
		n := len(seg) + 2
		return append([]byte{0xFF, 0xD8, 0xFF, 0xE1, byte(n >> 8), byte(n)}, append(seg, 0xFF, 0xDA)...)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want int
	}{
		{"little endian 6", exif("II", 0x0112, 3, 6), 6},
		{"big endian 8", exif("MM", 0x0112, 3, 8), 8},
		{"out of range", exif("II", 0x0112, 3, 9), 1},
		{"wrong type", exif("II", 0x0112, 4, 6), 1},
		{"other tag", exif("II", 0x0110, 3, 6), 1},
		{"bad byte order", exif("XX", 0x0112, 3, 6), 1},
		{"cut in the segment", exif("II", 0x0112, 3, 6)[:20], 1},
		{"no exif", []byte{0xFF, 0xD8, 0xFF, 0xDA}, 1},
	} {
		if got := jpegOrientation(tc.data); got != tc.want {
			t.Errorf("%s: jpegOrientation = %d; want %d", tc.name, got, tc.want)
		}
	}
}
