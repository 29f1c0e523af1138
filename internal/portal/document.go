package portal

import (
	"regexp"
	"slices"
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

// The document kind of article (docs/documents.md): an Article with Kind
// KindDocument and its Document part. Title is the trích yếu.
const KindDocument = "document"

// IsDocument reports whether a is a document rather than a news article.
func (a *Article) IsDocument() bool { return a != nil && a.Kind == KindDocument }

// DocumentField is a lĩnh vực, by its id.
type DocumentField = DocumentType

// DocumentFields is the managed list of fields (lĩnh vực).
var DocumentFields = []DocumentField{
	{"xay-dung-dang", "Xây dựng Đảng"},
	{"chinh-quyen", "Chính quyền"},
	{"kinh-te", "Kinh tế"},
	{"tai-chinh", "Tài chính - Ngân sách"},
	{"nong-nghiep", "Nông nghiệp - Nông thôn"},
	{"tai-nguyen-moi-truong", "Tài nguyên - Môi trường"},
	{"van-hoa-xa-hoi", "Văn hóa - Xã hội"},
	{"giao-duc", "Giáo dục - Đào tạo"},
	{"y-te", "Y tế"},
	{"quoc-phong-an-ninh", "Quốc phòng - An ninh"},
}

// DocumentFieldByID returns the field with id, if it is on the list.
func DocumentFieldByID(id string) (DocumentField, bool) {
	for _, f := range DocumentFields {
		if f.ID == id {
			return f, true
		}
	}
	return DocumentField{}, false
}

// Limits of a document's parts.
const (
	MaxDocumentFields      = 3
	MaxDocumentAttachments = 10
	MaxDocumentReplaces    = 5 // each replaced document's items join the publishing transaction
)

// DocumentMeta is what makes an article a document.
type DocumentMeta struct {
	Number      string       `json:"number"`    // số ký hiệu as typed
	NumberKey   string       `json:"numberKey"` // NumberKey(Number)
	Type        string       `json:"type"`      // a DocumentTypes id
	Issuer      string       `json:"issuer"`    // cơ quan ban hành
	IssuerKey   string       `json:"issuerKey"` // the issuer's slug: its list
	Signer      string       `json:"signer,omitempty"`
	IssuedOn    Date         `json:"issuedOn"`
	EffectiveOn Date         `json:"effectiveOn,omitempty"`
	ExpiresOn   Date         `json:"expiresOn,omitempty"`
	Fields      []string     `json:"fields,omitempty"` // DocumentFields ids
	Attachments []Attachment `json:"attachments,omitempty"`
	// Links to other documents, as they were when this one was saved.
	Replaces []DocumentRef `json:"replaces,omitempty"`
	Amends   []DocumentRef `json:"amends,omitempty"`
	Related  []DocumentRef `json:"related,omitempty"`
	// ReplacedBy are the published documents that replace this one: kept
	// by the store on the published copy and list entries, never edited.
	ReplacedBy []DocumentRef `json:"replacedBy,omitempty"`
}

// Attachment is a file of the media library attached to a document.
type Attachment struct {
	ID          string `json:"id"`
	Name        string `json:"name"` // the file's name as the editor uploaded it
	URL         string `json:"url"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// DocumentRef names another document: its id, and its number, title and
// published slug (empty when it was not published) as read at the save.
type DocumentRef struct {
	ID     string `json:"id"`
	Number string `json:"number"`
	Title  string `json:"title"`
	Slug   string `json:"slug,omitempty"`
}

// Year is the year of issue: numbering starts again each year.
func (d *DocumentMeta) Year() string {
	if len(d.IssuedOn) < 4 {
		return ""
	}
	return string(d.IssuedOn[:4])
}

// Claim names the number's claim: the number key and the year of issue.
// No two documents hold the same claim.
func (d *DocumentMeta) Claim() string { return d.NumberKey + "#" + d.Year() }

// ParseClaim splits a Claim into the number key and the year.
func ParseClaim(c string) (numberKey, year string) {
	i := strings.LastIndexByte(c, '#')
	if i < 0 {
		return c, ""
	}
	return c[:i], c[i+1:]
}

// State is the document's state on today.
func (d *DocumentMeta) State(today Date) DocumentState {
	return StateOf(d.EffectiveOn, d.ExpiresOn, len(d.ReplacedBy) > 0, today)
}

// TypeName is the name of the document's type.
func (d *DocumentMeta) TypeName() string {
	t, _ := DocumentTypeByID(d.Type)
	return t.Name
}

// ReplaceIDs returns the ids of the documents d replaces.
func (d *DocumentMeta) ReplaceIDs() []string {
	var out []string
	for _, r := range d.Replaces {
		out = append(out, r.ID)
	}
	return out
}

// clone returns a deep copy of d (nil for nil).
func (d *DocumentMeta) clone() *DocumentMeta {
	if d == nil {
		return nil
	}
	c := *d
	c.Fields = slices.Clone(d.Fields)
	c.Attachments = slices.Clone(d.Attachments)
	c.Replaces, c.Amends, c.Related = slices.Clone(d.Replaces), slices.Clone(d.Amends), slices.Clone(d.Related)
	c.ReplacedBy = slices.Clone(d.ReplacedBy)
	return &c
}

// Document list names: a published document has an entry in each list its
// published version belongs to. They are never category ids (those have no
// '#'), so one namespace of list names serves articles and documents.
const (
	DocumentListAll          = "DOCLIST#ALL"
	documentListTypePrefix   = "DOCLIST#TYPE#"
	documentListIssuerPrefix = "DOCLIST#ISSUER#"
	documentListFieldPrefix  = "DOCLIST#FIELD#"
	documentListNumberPrefix = "DOCLIST#NUMBER#"
)

// DocumentListOfType, …OfIssuer, …OfField and …OfNumber name one list.
func DocumentListOfType(t string) string     { return documentListTypePrefix + t }
func DocumentListOfIssuer(key string) string { return documentListIssuerPrefix + key }
func DocumentListOfField(f string) string    { return documentListFieldPrefix + f }
func DocumentListOfNumber(key string) string { return documentListNumberPrefix + key }
func IsDocumentList(name string) bool        { return strings.HasPrefix(name, "DOCLIST#") }

// Lists returns the lists a document published as d appears in: all
// documents, its type, its issuer, each field and its number.
func (d *DocumentMeta) Lists() []string {
	out := []string{DocumentListAll, DocumentListOfType(d.Type), DocumentListOfIssuer(d.IssuerKey)}
	for _, f := range d.Fields {
		out = append(out, DocumentListOfField(f))
	}
	return append(out, DocumentListOfNumber(d.NumberKey))
}

// PublishedDocument is the editorial state of a published document, on the
// working copy: what its published version holds that later edits may not.
type PublishedDocument struct {
	Lists    []string `json:"lists"`              // the lists its entries are in
	Claim    string   `json:"claim"`              // its number's claim
	Replaces []string `json:"replaces,omitempty"` // ids of the documents it replaces
}

// Published is the PublishedDocument of d when it is published as it is.
func (d *DocumentMeta) Published() *PublishedDocument {
	return &PublishedDocument{Lists: d.Lists(), Claim: d.Claim(), Replaces: d.ReplaceIDs()}
}

// Claims returns the number claims a holds: its working number's and, while
// published, the published one's, each once.
func (a *Article) Claims() []string {
	var out []string
	if a.IsDocument() && a.Document != nil {
		out = append(out, a.Document.Claim())
	}
	if p := a.PublishedDocument; p != nil && p.Claim != "" && !slices.Contains(out, p.Claim) {
		out = append(out, p.Claim)
	}
	return out
}

// sourceNumber finds "số <number>" in an article's source, and
// sourceYear the year of a date after it ("ngày 30/10/2020", "năm 2020").
var (
	sourceNumber = regexp.MustCompile(`(?i)\bs[ốo]\s*(?:k[ýy]\s*hi[ệe]u\s*)?:?\s*([0-9A-Za-zĐđ][0-9A-Za-zĐđ./\-–]*[0-9A-Za-zĐđ])`)
	sourceYear   = regexp.MustCompile(`\b(?:[0-3]?[0-9][/.-][01]?[0-9][/.-]|n[ăa]m\s+)((?:19|20)[0-9]{2})\b`)
)

// SourceDocument reads the document an article's source names, such as
// "Báo cáo số 04-BC/TU, ngày 30/10/2020 của Tỉnh ủy Quảng Nam": the number's
// key and the year of issue (empty when the source gives none). ok is false
// when the source names no number.
func SourceDocument(source string) (numberKey, year string, ok bool) {
	m := sourceNumber.FindStringSubmatchIndex(source)
	if m == nil || !strings.ContainsAny(source[m[2]:m[3]], "0123456789") {
		return "", "", false // "số liệu" is no number
	}
	key, err := NumberKey(source[m[2]:m[3]])
	if err != nil {
		return "", "", false
	}
	if y := sourceYear.FindStringSubmatch(source[m[1]:]); y != nil {
		year = y[1]
	}
	return key, year, true
}

// DocumentRef is a reference to document a whose page is at slug (its
// published slug; empty when it has none): what links to it store.
func (a *Article) DocumentRef(slug string) DocumentRef {
	r := DocumentRef{ID: a.ID, Title: a.Title, Slug: slug}
	if a.Document != nil {
		r.Number = a.Document.Number
	}
	return r
}
