package imaging

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"eportal/internal/portal"
)

// Widths are the variant widths in pixels, smallest first: a phone, a
// tablet or the article column, a wide screen.
var Widths = []int{320, 768, 1280}

// JPEGQuality is the quality opaque variants are encoded with.
const JPEGQuality = 82

// MaxPixels bounds width×height before decoding, so a small file claiming
// a huge canvas (a decompression bomb) is refused instead of exhausting the
// function's memory: 40 megapixels take 160 MB as RGBA.
const MaxPixels = 40_000_000

// Variant is one re-encoded size of an image, free of metadata.
type Variant struct {
	Width, Height int
	ContentType   string // "image/jpeg" or "image/png"
	Ext           string // "jpg" or "png"
	Data          []byte
}

// Name returns the variant's file name, e.g. "768.jpg".
func (v Variant) Name() string { return fmt.Sprintf("%d.%s", v.Width, v.Ext) }

// Image is a checked image and its variants.
type Image struct {
	Format        Format // as sniffed from the bytes
	Width, Height int    // upright, after the EXIF orientation
	Variants      []Variant
}

// Process checks data and makes its variants: one per width in Widths
// narrower than the image, and one at the image's own width when that is no
// wider than the largest of Widths (images are never upscaled). Variants are
// JPEG, or PNG when the image has transparency.
//
// Refusals: ETOOLARGE for more than MaxBytes or MaxPixels, EMEDIATYPE for
// anything Sniff refuses, EUNPROCESS for bytes that do not decode.
func Process(data []byte) (*Image, error) {
	if len(data) > MaxBytes {
		return nil, portal.Errorf(portal.ETOOLARGE, "The file is larger than %d MB.", MaxBytes>>20)
	}
	format, err := Sniff(data)
	if err != nil {
		return nil, err
	}
	src, err := decode(format, data)
	if err != nil {
		return nil, err
	}
	opaque := isOpaque(src)

	// One RGBA copy: the fast path of the resampler, and what orient turns.
	b := src.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Rect, src, b.Min, draw.Src)
	if format == JPEG {
		rgba = orient(rgba, jpegOrientation(data))
	}

	img := &Image{Format: format, Width: rgba.Rect.Dx(), Height: rgba.Rect.Dy()}
	widths := targetWidths(img.Width)
	// Largest first, each from the one before: the kernel of a big
	// downscale is wide and slow, and a chain of smaller steps looks the
	// same.
	from := rgba
	for i := len(widths) - 1; i >= 0; i-- {
		w := widths[i]
		h := max(1, (img.Height*w+img.Width/2)/img.Width)
		scaled := from
		if w != from.Rect.Dx() {
			scaled = image.NewRGBA(image.Rect(0, 0, w, h))
			draw.CatmullRom.Scale(scaled, scaled.Rect, from, from.Rect, draw.Src, nil)
		}
		v, err := encode(scaled, opaque)
		if err != nil {
			return nil, err
		}
		img.Variants = append([]Variant{v}, img.Variants...)
		from = scaled
	}
	return img, nil
}

// targetWidths returns the variant widths for an image w pixels wide.
func targetWidths(w int) []int {
	var out []int
	for _, t := range Widths {
		if t >= w {
			return append(out, w)
		}
		out = append(out, t)
	}
	return out
}

// decode checks the canvas size from the header, then decodes.
func decode(f Format, data []byte) (image.Image, error) {
	var (
		config func([]byte) (image.Config, error)
		full   func([]byte) (image.Image, error)
	)
	switch f {
	case JPEG:
		config = func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
		full = func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
	case PNG:
		config = func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
		full = func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
	case WebP:
		config = func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) }
		full = func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }
	}
	unreadable := func(err error) error {
		return &portal.Error{Code: portal.EUNPROCESS, Op: "imaging.decode", Err: err,
			Message: fmt.Sprintf("The file is not a readable %s image.", upper(f))}
	}
	cfg, err := config(data)
	if err != nil {
		return nil, unreadable(err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, unreadable(fmt.Errorf("canvas %d×%d", cfg.Width, cfg.Height))
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, portal.Errorf(portal.ETOOLARGE, "The image is %d×%d pixels; at most %d megapixels are accepted.",
			cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	img, err := full(data)
	if err != nil {
		return nil, unreadable(err)
	}
	return img, nil
}

func upper(f Format) string {
	switch f {
	case JPEG:
		return "JPEG"
	case PNG:
		return "PNG"
	}
	return "WebP"
}

// isOpaque reports whether every pixel of img is fully opaque. The image
// types of the decoders all answer Opaque; anything else is checked pixel
// by pixel.
func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xffff {
				return false
			}
		}
	}
	return true
}

// encode writes img as JPEG, or as PNG when the source had transparency.
// Neither encoder writes metadata.
func encode(img *image.RGBA, opaque bool) (Variant, error) {
	v := Variant{Width: img.Rect.Dx(), Height: img.Rect.Dy()}
	var buf bytes.Buffer
	var err error
	if opaque {
		v.ContentType, v.Ext = "image/jpeg", "jpg"
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: JPEGQuality})
	} else {
		v.ContentType, v.Ext = "image/png", "png"
		err = png.Encode(&buf, img)
	}
	if err != nil {
		return Variant{}, fmt.Errorf("encode %s variant %d px: %w", v.Ext, v.Width, err)
	}
	v.Data = buf.Bytes()
	return v, nil
}
