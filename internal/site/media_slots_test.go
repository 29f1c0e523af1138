package site

import (
	"slices"
	"testing"

	"eportal/internal/imaging"
)

// TestMediaSlots: the slots the site lists in srcset are the widths the
// processor writes.
func TestMediaSlots(t *testing.T) {
	if !slices.Equal(mediaSlots, imaging.Widths) {
		t.Errorf("mediaSlots = %v; imaging.Widths = %v", mediaSlots, imaging.Widths)
	}
}
