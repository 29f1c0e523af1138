// Package imaging checks an uploaded image and makes the variants the sites
// serve. It trusts nothing a client declared: the type is sniffed from the
// bytes (JPEG, PNG and WebP are accepted; SVG, HTML, GIF and everything else
// are refused), the size and the pixel count are bounded before decoding, and
// every variant is re-encoded from pixels, which leaves EXIF, GPS and every
// other metadata behind. A JPEG's EXIF orientation is applied first, so a
// photo taken upright stays upright once its metadata is gone.
//
// The package is pure: bytes in, bytes out, no AWS and no I/O. Refusals are
// *portal.Error values with user-safe messages (ETOOLARGE, EMEDIATYPE,
// EUNPROCESS), so the caller can record the reason as it is.
package imaging
