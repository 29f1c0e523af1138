package imaging_test

import (
	"image"
	"image/color"
	"testing"

	"eportal/internal/imaging"
)

// BenchmarkProcess makes the variants of a 12-megapixel photo-like JPEG
// (4000×3000, a gradient with texture, so the encoder and decoder work as
// on a photo): the processor's cost per upload.
func BenchmarkProcess(b *testing.B) {
	img := image.NewNRGBA(image.Rect(0, 0, 4000, 3000))
	for y := 0; y < 3000; y++ {
		for x := 0; x < 4000; x++ {
			n := uint8((x*7 + y*13) ^ (x * y >> 5))
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x / 16), G: uint8(y / 12), B: n, A: 255})
		}
	}
	data := mustJPEG(b, img)
	b.Logf("source: %d bytes", len(data))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out, err := imaging.Process(data)
		if err != nil || len(out.Variants) != 3 {
			b.Fatalf("Process = %v, %v", out, err)
		}
	}
}
