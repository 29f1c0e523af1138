package site

import (
	"fmt"
	"regexp"
	"strings"

	"eportal/internal/portal"
)

// Images of the media library (MEDIA_BASE_URL/<id>/<slot>) are served in
// three widths, every slot holding an image (a slot wider than the image
// holds it at its own size: internal/mediaapi), so a cover or body image
// whose src is a media path gets a srcset of the three slots, with no read
// of the library entry.

// mediaSlots are the variant slots (imaging.Widths, which the site does not
// import: the image codecs would weigh on its bootstrap; TestMediaSlots
// holds the two equal).
var mediaSlots = []int{320, 768, 1280}

// mainSizes is the sizes of an image in the main column: the full width of
// a phone, at most the column of a wide screen (site.css's .wrap).
const mainSizes = "(max-width: 860px) 100vw, 860px"

// srcset returns the srcset of the image at src when src is a media library
// path, else "".
func srcset(src string) string {
	id, ok := portal.MediaIDFromPath(src)
	if !ok {
		return ""
	}
	base := src[:strings.Index(src, "/"+id+"/")]
	parts := make([]string, len(mediaSlots))
	for i, w := range mediaSlots {
		parts[i] = fmt.Sprintf("%s/%s/%d %dw", base, id, w, w)
	}
	return strings.Join(parts, ", ")
}

// bodyImage is an img element's src in a sanitized body (double-quoted
// attributes, as the sanitizer writes them).
var bodyImage = regexp.MustCompile(`<img\b[^>]*?\ssrc="([^"]*)"`)

// withSrcsets returns the sanitized body with a srcset and sizes after the
// src of each image that is a media library path. What it adds is made of
// the src, which the sanitizer held to portal.MediaPathPattern.
func withSrcsets(body string) string {
	return bodyImage.ReplaceAllStringFunc(body, func(tag string) string {
		src := bodyImage.FindStringSubmatch(tag)[1]
		set := srcset(src)
		if set == "" {
			return tag
		}
		return tag + ` srcset="` + set + `" sizes="` + mainSizes + `"`
	})
}
