package docfile

import (
	"path"
	"strings"

	"eportal/internal/slug"
)

// maxStem is the longest slug SafeName keeps of a name.
const maxStem = 80

// SafeName returns the ASCII name a document of format f is stored and
// served under: the slug of the editor's file name without its extension
// (Vietnamese letters folded, at most 80 characters), then f's extension,
// which the bytes decided. A name with nothing left is "tai-lieu".
func SafeName(name string, f Format) string {
	stem := strings.TrimSuffix(name, path.Ext(name))
	s := slug.Make(stem)
	if len(s) > maxStem {
		s = strings.Trim(s[:maxStem], "-")
	}
	if s == "" {
		s = "tai-lieu"
	}
	return s + "." + f.Ext()
}

// Disposition returns the Content-Disposition a document named name (the
// editor's own name, in any script) is served with: an attachment, its
// ASCII safe name as filename for old clients and the original name as
// filename* (RFC 6266, RFC 8187), percent-encoded UTF-8.
func Disposition(name, safeName string) string {
	return `attachment; filename="` + safeName + `"; filename*=UTF-8''` + pctEncode(name)
}

// pctEncode percent-encodes every byte of s but RFC 8187's attr-char.
func pctEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
