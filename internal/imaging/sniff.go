package imaging

import (
	"bytes"
	"strings"

	"eportal/internal/portal"
)

// MaxBytes is the largest upload accepted, declared or actual: 10 MiB.
const MaxBytes = 10 << 20

// Format is an accepted image format.
type Format string

// The accepted formats.
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	WebP Format = "webp"
)

// ContentType returns the media type of f, e.g. "image/jpeg".
func (f Format) ContentType() string { return "image/" + string(f) }

// FormatOf returns the format a declared Content-Type names, and false for
// any type other than image/jpeg, image/png and image/webp. Parameters and
// case are ignored. A declared type only screens the request early; the
// bytes decide (Sniff).
func FormatOf(contentType string) (Format, bool) {
	t, _, _ := strings.Cut(contentType, ";")
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "image/jpeg":
		return JPEG, true
	case "image/png":
		return PNG, true
	case "image/webp":
		return WebP, true
	}
	return "", false
}

var (
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
)

// Sniff returns the format of data judged by its leading bytes alone; the
// file's name and declared type play no part. Anything but JPEG, PNG or WebP
// is refused with EMEDIATYPE.
func Sniff(data []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(data, jpegMagic):
		return JPEG, nil
	case bytes.HasPrefix(data, pngMagic):
		return PNG, nil
	case len(data) >= 16 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP" &&
		string(data[12:15]) == "VP8":
		// "VP8 ", "VP8L" or "VP8X": the three WebP chunk kinds.
		return WebP, nil
	}
	return "", portal.Errorf(portal.EMEDIATYPE, "The file is not a JPEG, PNG or WebP image.")
}
