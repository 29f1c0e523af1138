package slug_test

import (
	"strings"
	"testing"

	"eportal/internal/slug"
)

func TestMake(t *testing.T) {
	tests := []struct {
		name  string
		title string
		want  string
	}{
		{"sample article", "Đẩy mạnh thực hiện cung cấp thông tin phục vụ công tác tuyên truyền miệng của Đảng",
			"day-manh-thuc-hien-cung-cap-thong-tin-phuc-vu-cong-tac-tuyen-truyen-mieng-cua-dang"},
		{"category", "Khóa XIX", "khoa-xix"},
		{"parent category", "Đảng Cộng sản Việt Nam", "dang-cong-san-viet-nam"},
		{"hyphen between words", "Tin tức - Sự kiện", "tin-tuc-su-kien"},
		{"all tones on a", "à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ", "a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-a"},
		{"horned letters", "Ơn Ưu ơi ưa", "on-uu-oi-ua"},
		{"upper-case Đ alone", "ĐĐ đđ", "dd-dd"},
		{"decomposed input (NFD)", "Kho\u0301a", "khoa"},
		{"digits and slashes", "Quyết định số 340-QĐ/TW", "quyet-dinh-so-340-qd-tw"},
		{"punctuation at both ends", "  «Tiếp tục đổi mới»!  ", "tiep-tuc-doi-moi"},
		{"emoji between words", "Hội nghị 🎉 thành công", "hoi-nghi-thanh-cong"},
		{"empty", "", ""},
		{"only spaces", "   ", ""},
		{"only punctuation", "?!… — «»", ""},
		{"only emoji", "🎉🇻🇳", ""},
		{"other scripts are dropped", "北京 Hà Nội", "ha-noi"},
		{"invalid UTF-8 is a separator", "Hà\xffNội", "ha-noi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slug.Make(tt.title); got != tt.want {
				t.Errorf("Make(%q) = %q; want %q", tt.title, got, tt.want)
			}
		})
	}
}

func TestMakeTruncatesAtWordBoundary(t *testing.T) {
	title := strings.Repeat("thông tin ", 30)
	got := slug.Make(title)
	if len(got) > slug.MaxLen {
		t.Fatalf("len(Make) = %d; want ≤ %d", len(got), slug.MaxLen)
	}
	if strings.HasSuffix(got, "-") || !strings.HasSuffix(got, "thong-tin") && !strings.HasSuffix(got, "thong") {
		t.Errorf("Make(long) = %q; want it cut at a word boundary", got)
	}
	if !slug.Valid(got) {
		t.Errorf("Valid(Make(long)) = false for %q", got)
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"khoa-xix", true},
		{"a", true},
		{"2020", true},
		{"", false},
		{"-khoa", false},
		{"khoa-", false},
		{"khoa--xix", false},
		{"Khoa", false},
		{"khóa", false},
		{"khoa_xix", false},
		{"../etc", false},
		{"khoa%20xix", false},
		{strings.Repeat("a", slug.MaxLen), true},
		{strings.Repeat("a", slug.MaxLen+1), false},
	}
	for _, tt := range tests {
		if got := slug.Valid(tt.in); got != tt.want {
			t.Errorf("Valid(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestReserved(t *testing.T) {
	if !slug.Reserved("popular") {
		t.Error(`Reserved("popular") = false; want true`)
	}
	if slug.Reserved("khoa-xix") {
		t.Error(`Reserved("khoa-xix") = true; want false`)
	}
}
