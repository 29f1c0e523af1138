package slug_test

import (
	"testing"

	"eportal/internal/slug"
)

// FuzzMake folds arbitrary titles. Make must never panic; what it returns
// is "" or a slug Valid accepts, never longer than MaxLen; and folding a
// slug again changes nothing.
func FuzzMake(f *testing.F) {
	for _, title := range []string{
		"Đẩy mạnh thực hiện cung cấp thông tin phục vụ công tác tuyên truyền miệng của Đảng",
		"Khóa XIX", "Tin tức - Sự kiện", "ĐĐ đđ", "Kho\u0301a", "Quyết định số 340-QĐ/TW",
		"  «Tiếp tục đổi mới»!  ", "Hội nghị 🎉 thành công", "", "?!… — «»", "北京 Hà Nội", "Hà\xffNội",
		"popular", "A\u212b", "ﬁ", "İstanbul", "x-" + string(make([]byte, 200)),
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b",
		"a aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	} {
		f.Add(title)
	}
	f.Fuzz(func(t *testing.T, title string) {
		s := slug.Make(title)
		if s == "" {
			return
		}
		if !slug.Valid(s) || len(s) > slug.MaxLen {
			t.Fatalf("Make(%q) = %q; not a valid slug", title, s)
		}
		if again := slug.Make(s); again != s {
			t.Fatalf("Make(Make(%q)) = %q; want %q", title, again, s)
		}
	})
}
