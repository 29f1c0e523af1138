package sanitize

import "testing"

func TestText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Đẩy mạnh công tác tuyên truyền miệng của Đảng", "Đẩy mạnh công tác tuyên truyền miệng của Đảng"},
		{"bare ampersand", "Tom & Jerry", "Tom & Jerry"},
		{"escaped ampersand", "Tom &amp; Jerry", "Tom & Jerry"},
		{"less-than", "1 < 2 > 0", "1 < 2 > 0"},
		{"non-breaking space entity", "a&nbsp;b", "a\u00a0b"},
		{"escaped tag stays text", "&lt;b&gt;", "<b>"},
		{"tag", "<b>x</b>", "x"},
		{"tags between blocks", "<p>Đoạn 1</p><p>Đoạn 2</p>", "Đoạn 1Đoạn 2"},
		{"script", "<script>alert(1)</script>", ""},
		{"script before text", "<script>alert(1)</script>Tiêu đề", "Tiêu đề"},
		{"style", "<style>p{}</style>Tiêu đề", "Tiêu đề"},
		{"img onerror", "<img src=x onerror=alert(1)>Ảnh", "Ảnh"},
		{"link", `<a href="javascript:alert(1)">Bấm</a>`, "Bấm"},
		{"surrounding spaces", " \t Đảng \n ", "Đảng"},
		{"newlines and tabs kept", "a\nb\tc", "a\nb\tc"},
		{"CRLF", "a\r\nb", "a\nb"},
		{"control characters", "a\x00b\x07c\x1bd\x7fe\u0085f", "abcdef"},
		{"control character reference", "a&#1;b", "ab"},
		{"bidi override", "abc\u202egnp.exe", "abcgnp.exe"},
		{"decomposed to NFC", "Đa\u0309ng", "Đảng"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}
