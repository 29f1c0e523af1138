package portal

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Legal documents ("Văn bản"): the reports, resolutions and decisions a
// provincial portal publishes (issue 14; docs/documents.md). This file is
// the pure part of the model: the managed list of types, the number's
// identity, the derived state and the checks on dates and links. Storage
// and routes build on it.

// DocumentType is a loại văn bản, by its id.
type DocumentType struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// DocumentTypes is the managed list of types, in the order forms offer them.
var DocumentTypes = []DocumentType{
	{"bao-cao", "Báo cáo"},
	{"nghi-quyet", "Nghị quyết"},
	{"quyet-dinh", "Quyết định"},
	{"chi-thi", "Chỉ thị"},
	{"ket-luan", "Kết luận"},
	{"huong-dan", "Hướng dẫn"},
	{"ke-hoach", "Kế hoạch"},
	{"quy-dinh", "Quy định"},
	{"thong-bao", "Thông báo"},
	{"cong-van", "Công văn"},
}

// DocumentTypeByID returns the type with id, if it is on the list.
func DocumentTypeByID(id string) (DocumentType, bool) {
	for _, t := range DocumentTypes {
		if t.ID == id {
			return t, true
		}
	}
	return DocumentType{}, false
}

// DocumentState is a document's legal state, derived, never stored as
// typed: from its dates (in Vietnam) and from whether a published document
// replaces it.
type DocumentState string

const (
	DocumentNotYetInForce DocumentState = "chua-co-hieu-luc" // chưa có hiệu lực
	DocumentInForce       DocumentState = "con-hieu-luc"     // còn hiệu lực
	DocumentExpired       DocumentState = "het-hieu-luc"     // hết hiệu lực
	DocumentReplaced      DocumentState = "bi-thay-the"      // bị thay thế
)

// Label is the state as readers read it.
func (s DocumentState) Label() string {
	switch s {
	case DocumentNotYetInForce:
		return "Chưa có hiệu lực"
	case DocumentInForce:
		return "Còn hiệu lực"
	case DocumentExpired:
		return "Hết hiệu lực"
	case DocumentReplaced:
		return "Bị thay thế"
	}
	return ""
}

// Date is a calendar date in Vietnam, "2006-01-02"; empty when not set.
type Date string

// DateLayout is how a Date is written.
const DateLayout = "2006-01-02"

// ParseDate checks s as a calendar date (empty is allowed: no date).
func ParseDate(field, s string) (Date, error) {
	if s == "" {
		return "", nil
	}
	if _, err := time.ParseInLocation(DateLayout, s, Vietnam); err != nil {
		return "", Errorf(EINVALID, "%s must be a date such as 2020-10-30.", field)
	}
	return Date(s), nil
}

// Today is now's calendar date in Vietnam.
func Today(now time.Time) Date { return Date(now.In(Vietnam).Format(DateLayout)) }

// StateOf derives a document's state on today: replaced when a published
// document replaces it, whatever its dates; else expired from its expiry
// date on; else not yet in force before its effective date; else in force.
func StateOf(effective, expires Date, replaced bool, today Date) DocumentState {
	switch {
	case replaced:
		return DocumentReplaced
	case expires != "" && today >= expires:
		return DocumentExpired
	case effective != "" && today < effective:
		return DocumentNotYetInForce
	}
	return DocumentInForce
}

// CheckDocumentDates refuses dates that cannot all be true: in force
// before it was issued, or expiring on or before it took effect.
func CheckDocumentDates(issued, effective, expires Date) error {
	if issued == "" {
		return Errorf(EINVALID, "issuedOn (ngày ban hành) is required.")
	}
	if effective != "" && effective < issued {
		return Errorf(EINVALID, "effectiveOn (ngày có hiệu lực) %s is before issuedOn (ngày ban hành) %s.", effective, issued)
	}
	start := effective
	if start == "" {
		start = issued
	}
	if expires != "" && expires <= start {
		return Errorf(EINVALID, "expiresOn (ngày hết hiệu lực) %s is not after the document takes effect (%s).", expires, start)
	}
	return nil
}

// MaxDocumentNumber bounds a số ký hiệu, in characters as typed.
const MaxDocumentNumber = 60

// NumberKey is the identity of a số ký hiệu as typed: two numbers with the
// same key name the same document (within a year of issue). The key is
// the NFC text with spaces removed, every dash and slash variant made "-"
// or "/", letters in upper case (Đ stays Đ: "QĐ" and "QD" are different
// abbreviations in writing, though search folds them), and leading zeros
// of each run of digits dropped ("04-BC/TU" and "4-BC/TU" are one). An
// error is EINVALID: empty, too long, or characters a number never has.
func NumberKey(number string) (string, error) {
	s := norm.NFC.String(strings.TrimSpace(number))
	if s == "" {
		return "", Errorf(EINVALID, "number (số ký hiệu) is required.")
	}
	if n := len([]rune(s)); n > MaxDocumentNumber {
		return "", Errorf(EINVALID, "number (số ký hiệu) is %d characters; the limit is %d.", n, MaxDocumentNumber)
	}
	var b strings.Builder
	var run []rune // the digits read since the last other character
	flush := func() {
		if len(run) > 0 {
			trimmed := strings.TrimLeft(string(run), "0")
			if trimmed == "" {
				trimmed = "0"
			}
			b.WriteString(trimmed)
			run = run[:0]
		}
	}
	alnum := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case r >= '0' && r <= '9':
			run = append(run, r)
			alnum = true
			continue
		}
		flush()
		switch {
		case strings.ContainsRune("/⁄∕／", r):
			b.WriteByte('/')
		case strings.ContainsRune("-‐‑‒–—−－", r):
			b.WriteByte('-')
		case unicode.IsLetter(r):
			b.WriteRune(unicode.ToUpper(r))
			alnum = true
		case r == '.':
			b.WriteByte('.')
		default:
			return "", Errorf(EINVALID, "number (số ký hiệu) %q has %q, which a number such as 04-BC/TU never has.", number, r)
		}
	}
	flush()
	if !alnum {
		return "", Errorf(EINVALID, "number (số ký hiệu) %q has no letter or digit.", number)
	}
	return b.String(), nil
}

// DocumentLinks are a document's links to others, by id.
type DocumentLinks struct {
	Replaces []string `json:"replaces,omitempty"` // thay thế
	Amends   []string `json:"amends,omitempty"`   // sửa đổi, bổ sung
	Related  []string `json:"related,omitempty"`  // văn bản liên quan
}

// MaxDocumentLinks bounds each kind of link (the save's transaction holds
// a condition check per linked document).
const MaxDocumentLinks = 10

// maxReplaceChain bounds how far CheckReplaces follows "replaces" links.
const maxReplaceChain = 64

// CheckReplaces refuses a "replaces" link that would make id replace
// itself, directly or through a chain: replaces are id's new links, and
// replacesOf returns what another document replaces (as stored). A chain
// longer than maxReplaceChain is refused too (EINVALID), so that a check
// never runs unbounded.
func CheckReplaces(id string, replaces []string, replacesOf func(id string) ([]string, error)) error {
	seen := map[string]bool{}
	frontier := []string{}
	for _, r := range replaces {
		if r == id {
			return Errorf(EINVALID, "A document cannot replace itself.")
		}
		if !seen[r] {
			seen[r] = true
			frontier = append(frontier, r)
		}
	}
	for depth := 0; len(frontier) > 0; depth++ {
		if depth >= maxReplaceChain {
			return Errorf(EINVALID, "The chain of replaced documents is longer than %d.", maxReplaceChain)
		}
		var next []string
		for _, d := range frontier {
			more, err := replacesOf(d)
			if err != nil {
				return err
			}
			for _, r := range more {
				if r == id {
					return Errorf(EINVALID, "Replacing %s would make this document replace itself through a chain of replacements.", d)
				}
				if !seen[r] {
					seen[r] = true
					next = append(next, r)
				}
			}
		}
		frontier = next
	}
	return nil
}
