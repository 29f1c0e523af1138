package search

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestFoldTableAgreesWithDecomposition: the fast path folds every letter
// as Unicode decomposition does.
func TestFoldTableAgreesWithDecomposition(t *testing.T) {
	for _, span := range [][2]rune{{0, 0x24F}, {0x1E00, 0x1EFF}} {
		for r := span[0]; r <= span[1]; r++ {
			s := string(r)
			if got, want := Fold(s), foldSlow(s); got != want {
				t.Errorf("Fold(%q) = %q; decomposition gives %q", s, got, want)
			}
		}
	}
	for _, w := range []string{"Đảng", "TUYÊN", norm.NFD.String("truyền"), "ﬁle", "Ｑuảng", "Quả\u200dng"} {
		if got, want := Fold(w), foldSlow(w); got != want {
			t.Errorf("Fold(%q) = %q; decomposition gives %q", w, got, want)
		}
	}
}
