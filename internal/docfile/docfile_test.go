package docfile_test

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"eportal/internal/docfile"
	"eportal/internal/docfile/docfiletest"
	"eportal/internal/portal"
)

var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

// lieAboutCount returns zip with its end of central directory record
// declaring n entries.
func lieAboutCount(zip []byte, n uint16) []byte {
	out := bytes.Clone(zip)
	end := bytes.LastIndex(out, []byte("PK\x05\x06"))
	binary.LittleEndian.PutUint16(out[end+8:], n)
	binary.LittleEndian.PutUint16(out[end+10:], n)
	return out
}

func TestSniffAndCheck(t *testing.T) {
	many := docfiletest.ManyEntries(docfile.MaxEntries + 1)
	for _, tc := range []struct {
		name     string
		declared docfile.Format
		data     []byte
		reason   string // "" when accepted
	}{
		{"pdf", docfile.PDF, docfiletest.PDF(), ""},
		{"doc", docfile.DOC, docfiletest.DOC(), ""},
		{"docx", docfile.DOCX, docfiletest.DOCX(), ""},
		{"docx declared as pdf", docfile.PDF, docfiletest.DOCX(), "declared as a PDF but is a Word document (.docx)"},
		{"pdf declared as doc", docfile.DOC, docfiletest.PDF(), "declared as a Word 97-2003 document (.doc) but is a PDF"},
		{"png", docfile.PDF, png, "not a PDF or a Word document"},
		{"html", docfile.PDF, []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "not a PDF or a Word document"},
		{"svg", docfile.PDF, []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), "not a PDF or a Word document"},
		{"exe", docfile.DOCX, append([]byte("MZ\x90\x00"), make([]byte, 60)...), "not a PDF or a Word document"},
		{"pdf not at the start", docfile.PDF, append([]byte("<html>"), docfiletest.PDF()...), "not a PDF or a Word document"},
		{"plain zip", docfile.DOCX, docfiletest.ZIP(map[string]string{"a.txt": "xin chào"}), "ZIP archive but not a Word document"},
		{"zip without content types", docfile.DOCX, docfiletest.ZIP(map[string]string{"word/document.xml": "<w/>"}), "not a Word document"},
		{"xlsx", docfile.DOCX, docfiletest.ZIP(map[string]string{"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"}), "not a Word document"},
		{"truncated docx", docfile.DOCX, docfiletest.DOCX()[:200], "not a readable ZIP"},
		{"too many entries", docfile.DOCX, many, "more than 5000 entries"},
		{"too many entries, fewer declared", docfile.DOCX, lieAboutCount(many, 3), "more than 5000 entries"},
		{"fewer entries than declared", docfile.DOCX, lieAboutCount(docfiletest.DOCX(), 4), "not a readable ZIP"},
		{"empty", docfile.PDF, nil, "not a PDF or a Word document"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := docfile.Check(tc.declared, tc.data)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("Check: %v; want nil", err)
				}
				return
			}
			if portal.ErrorCode(err) != portal.EMEDIATYPE || !strings.Contains(portal.ErrorMessage(err), tc.reason) {
				t.Errorf("Check: %v (%s); want %s with %q", err, portal.ErrorCode(err), portal.EMEDIATYPE, tc.reason)
			}
		})
	}
}

// TestZipBombDirectory: 100,000 entries are refused from the directory's
// end record (the writer switches to ZIP64 past 65,534), unread.
func TestZipBombDirectory(t *testing.T) {
	bomb := docfiletest.ManyEntries(100_000)
	if len(bomb) > docfile.MaxBytes {
		t.Fatalf("the fixture is %d bytes, over MaxBytes", len(bomb))
	}
	allocs := testing.AllocsPerRun(3, func() {
		if _, err := docfile.Sniff(bomb); portal.ErrorCode(err) != portal.EMEDIATYPE || !strings.Contains(err.Error(), "more than 5000 entries") {
			t.Errorf("Sniff: %v; want too many entries", err)
		}
	})
	if allocs > 10 {
		t.Errorf("refusing the directory made %.0f allocations; want it refused unread", allocs)
	}
}

func TestFormatOf(t *testing.T) {
	for in, want := range map[string]docfile.Format{
		"application/pdf":    docfile.PDF,
		"Application/PDF; x": docfile.PDF,
		"application/msword": docfile.DOC,
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document": docfile.DOCX,
		"application/zip": "",
		"text/html":       "",
		"image/png":       "",
		"":                "",
	} {
		got, ok := docfile.FormatOf(in)
		if got != want || ok != (want != "") {
			t.Errorf("FormatOf(%q) = %q, %v; want %q", in, got, ok, want)
		}
		if ok && got.ContentType() != strings.ToLower(strings.Split(in, ";")[0]) {
			t.Errorf("%q.ContentType() = %q", got, got.ContentType())
		}
	}
}

func TestSafeName(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    docfile.Format
		want string
	}{
		{"Quyết định số 12-QĐ/UBND.pdf", docfile.PDF, "quyet-dinh-so-12-qd-ubnd.pdf"},
		{"Báo cáo.DOCX", docfile.DOCX, "bao-cao.docx"},
		{"bao-cao.pdf", docfile.DOCX, "bao-cao.docx"}, // the bytes decide the extension
		{"../../etc/passwd", docfile.DOC, "etc-passwd.doc"},
		{"Đơn.", docfile.DOC, "don.doc"},
		{"工作报告.pdf", docfile.PDF, "tai-lieu.pdf"},
		{".pdf", docfile.PDF, "tai-lieu.pdf"},
		{strings.Repeat("tờ trình ", 40) + ".doc", docfile.DOC, ""},
	} {
		got := docfile.SafeName(tc.name, tc.f)
		if tc.want == "" {
			if len(got) > 84 || strings.HasSuffix(strings.TrimSuffix(got, ".doc"), "-") {
				t.Errorf("SafeName(long) = %q; want at most 80 characters before .doc", got)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("SafeName(%q) = %q; want %q", tc.name, got, tc.want)
		}
	}
}

func TestDisposition(t *testing.T) {
	got := docfile.Disposition("Quyết định 12 \"mới\";.pdf", "quyet-dinh-12-moi.pdf")
	want := `attachment; filename="quyet-dinh-12-moi.pdf"; filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012%20%22m%E1%BB%9Bi%22%3B.pdf`
	if got != want {
		t.Errorf("Disposition = %s\nwant %s", got, want)
	}
}

// FuzzSniff: any bytes get a format or EMEDIATYPE, never a panic, and a
// format only with its signature at the start.
func FuzzSniff(f *testing.F) {
	for _, seed := range [][]byte{docfiletest.PDF(), docfiletest.DOC(), docfiletest.DOCX(), lieAboutCount(docfiletest.DOCX(), 1), png, nil} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := docfile.Sniff(data)
		if err != nil {
			if portal.ErrorCode(err) != portal.EMEDIATYPE {
				t.Fatalf("Sniff: %v; want %s", err, portal.EMEDIATYPE)
			}
			return
		}
		if prefix := map[docfile.Format]string{docfile.PDF: "%PDF-", docfile.DOC: "\xD0\xCF\x11\xE0", docfile.DOCX: "PK\x03\x04"}[got]; !bytes.HasPrefix(data, []byte(prefix)) {
			t.Fatalf("Sniff = %s for % x", got, data[:min(len(data), 8)])
		}
	})
}
