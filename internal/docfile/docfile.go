package docfile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"strings"

	"eportal/internal/portal"
)

// MaxBytes is the largest document accepted, declared or actual: 20 MiB.
const MaxBytes = 20 << 20

// MaxEntries is the most entries a DOCX's ZIP directory may have. A Word
// document has a few dozen (one per embedded picture besides); a directory
// of thousands is not one.
const MaxEntries = 5000

// Format is an accepted document format.
type Format string

// The accepted formats.
const (
	PDF  Format = "pdf"
	DOC  Format = "doc"
	DOCX Format = "docx"
)

var contentTypes = map[Format]string{
	PDF:  "application/pdf",
	DOC:  "application/msword",
	DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

// ContentType returns the media type of f, e.g. "application/pdf".
func (f Format) ContentType() string { return contentTypes[f] }

// Ext returns the file name extension of f, without the dot.
func (f Format) Ext() string { return string(f) }

// Label returns how a reason names f.
func (f Format) Label() string {
	switch f {
	case PDF:
		return "a PDF"
	case DOC:
		return "a Word 97-2003 document (.doc)"
	}
	return "a Word document (.docx)"
}

// FormatOf returns the format a declared Content-Type names, and false for
// any other type. Parameters and case are ignored.
func FormatOf(contentType string) (Format, bool) {
	t, _, _ := strings.Cut(contentType, ";")
	t = strings.ToLower(strings.TrimSpace(t))
	for f, ct := range contentTypes {
		if ct == t {
			return f, true
		}
	}
	return "", false
}

var (
	pdfMagic = []byte("%PDF-")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipMagic = []byte("PK\x03\x04")
)

// Sniff returns the format of data judged by its bytes alone. Anything but
// a PDF, an OLE2 compound file or a ZIP holding a Word document is refused
// with EMEDIATYPE; so is a DOCX whose directory is malformed or has more
// than MaxEntries entries.
func Sniff(data []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(data, pdfMagic):
		return PDF, nil
	case bytes.HasPrefix(data, oleMagic):
		return DOC, nil
	case bytes.HasPrefix(data, zipMagic):
		if err := wordZIP(data); err != nil {
			return "", err
		}
		return DOCX, nil
	}
	return "", portal.Errorf(portal.EMEDIATYPE, "The file is not a PDF or a Word document.")
}

// Check returns nil when data is a document of the declared format, and
// otherwise EMEDIATYPE with the reason: what the bytes are not, and what
// they are when they are another accepted format.
func Check(declared Format, data []byte) error {
	got, err := Sniff(data)
	if err != nil {
		return err
	}
	if got != declared {
		return portal.Errorf(portal.EMEDIATYPE, "The file was declared as %s but is %s.", declared.Label(), got.Label())
	}
	return nil
}

const (
	endLen       = 22 // end of central directory record, without its comment
	endSig       = 0x06054b50
	dirHeaderLen = 46 // central directory file header, without its names
	dirSig       = 0x02014b50
)

// wordZIP checks that data is a ZIP whose central directory holds
// [Content_Types].xml and a word/ entry. Before archive/zip reads the
// directory, countEntries walks it without allocating, so that a directory
// with more than MaxEntries entries is refused unread; no entry is ever
// opened.
func wordZIP(data []byte) error {
	notWord := portal.Errorf(portal.EMEDIATYPE, "The file is a ZIP archive but not a Word document.")
	if err := countEntries(data); err != nil {
		return err
	}
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return portal.Errorf(portal.EMEDIATYPE, "The file is not a readable ZIP archive.")
	}
	var types, word bool
	for _, f := range r.File {
		types = types || f.Name == "[Content_Types].xml"
		word = word || strings.HasPrefix(f.Name, "word/")
	}
	if !types || !word {
		return notWord
	}
	return nil
}

// countEntries finds the end of central directory record and walks the
// directory it points at, refusing more than MaxEntries entries whether
// declared or present (archive/zip reads headers past a declared count that
// is wrong by a multiple of 65,536), and ZIP64, which no document of at most
// MaxBytes needs.
func countEntries(data []byte) error {
	unreadable := portal.Errorf(portal.EMEDIATYPE, "The file is not a readable ZIP archive.")
	tooMany := portal.Errorf(portal.EMEDIATYPE, "The ZIP archive has more than %d entries; it is not a Word document.", MaxEntries)
	le := binary.LittleEndian
	end := -1
	for i := len(data) - endLen; i >= 0 && i >= len(data)-endLen-0xFFFF; i-- {
		if le.Uint32(data[i:]) == endSig {
			end = i
			break
		}
	}
	if end < 0 {
		return unreadable
	}
	records := int(le.Uint16(data[end+10:]))
	offset := int64(le.Uint32(data[end+16:]))
	if records == 0xFFFF || le.Uint32(data[end+16:]) == 0xFFFFFFFF {
		return tooMany // ZIP64: more than 65,534 entries, or 4 GB
	}
	if records > MaxEntries {
		return tooMany
	}
	p := offset
	for n := 0; ; n++ {
		if p+4 > int64(len(data)) || le.Uint32(data[p:]) != dirSig {
			if n != records {
				return unreadable
			}
			return nil
		}
		if n == MaxEntries {
			return tooMany
		}
		if p+dirHeaderLen > int64(len(data)) {
			return unreadable
		}
		p += dirHeaderLen + int64(le.Uint16(data[p+28:])) + int64(le.Uint16(data[p+30:])) + int64(le.Uint16(data[p+32:]))
	}
}
