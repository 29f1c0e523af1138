package sanitize

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"eportal/internal/portal"
)

// MaxURLLen is the longest URL, in bytes, that URL accepts.
const MaxURLLen = 2048

// URL returns s as a normalised absolute http or https URL (scheme and host
// in lower case, surrounding spaces trimmed), or an EINVALID *portal.Error
// when s is empty, longer than MaxURLLen bytes, holds a space, a control
// character or a backslash, is not http or https (javascript:, data:,
// mailto:, a relative or a scheme-relative //host URL), has no host, or
// carries a user name or password.
func URL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", urlError("URL is required.")
	}
	if len(s) > MaxURLLen {
		return "", urlError(tooLong)
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\\'
	}) {
		return "", urlError("URL must not contain spaces, control characters or backslashes.")
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", urlError("URL is not valid.")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" {
		return "", urlError("URL must start with http:// or https://.")
	}
	if u.User != nil {
		return "", urlError("URL must not contain a user name or password.")
	}
	if u.Hostname() == "" {
		return "", urlError("URL must have a host.")
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // an IPv6 literal
	} else if host, err = idna.Lookup.ToASCII(host); err != nil {
		return "", urlError("URL has an invalid host name.")
	}
	if port := u.Port(); port != "" {
		host += ":" + port
	}
	u.Host = host
	if out := u.String(); len(out) <= MaxURLLen {
		return out, nil
	}
	return "", urlError(tooLong)
}

// ImageURL returns s as an image's address: a media library path
// (MEDIA_BASE_URL/<id>/<slot>, portal.MediaPathPattern) as it is, or else
// what URL returns.
func ImageURL(s string) (string, error) {
	if p := strings.TrimSpace(s); mediaPath(p) {
		return p, nil
	}
	u, err := URL(s)
	if err != nil {
		return "", urlError(portal.ErrorMessage(err) + " Or a media library image, /media/<id>/<size>.")
	}
	return u, nil
}

func mediaPath(s string) bool {
	_, ok := portal.MediaIDFromPath(s)
	return ok
}

var tooLong = fmt.Sprintf("URL is longer than %d bytes.", MaxURLLen)

func urlError(msg string) error {
	return &portal.Error{Code: portal.EINVALID, Message: msg, Op: "sanitize.URL"}
}
