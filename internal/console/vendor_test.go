package console_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestVendoredSquire: each vendored editor file is byte for byte the one
// its README records (from the npm tarball it names), and the README, the
// licence and the file are all there.
func TestVendoredSquire(t *testing.T) {
	dir := filepath.Join("static", "vendor", "squire-rte-2.4.8")
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if lic, err := os.ReadFile(filepath.Join(dir, "LICENSE")); err != nil || !strings.Contains(string(lic), "The MIT License") {
		t.Errorf("LICENSE: %v; want Squire's MIT licence next to it", err)
	}
	// "| file | `package/dist/squire.js` → `squire.js` |" then
	// "| file sha256 | `<hex>` |".
	rows := regexp.MustCompile("\\| file \\| `[^`]+` → `([^`]+)` \\|\n(?:\\| file sha256 \\| `([0-9a-f]{64})` \\|)?").FindAllStringSubmatch(string(readme), -1)
	checked := 0
	for _, m := range rows {
		if m[2] == "" {
			continue // the licence: its text is checked above
		}
		b, err := os.ReadFile(filepath.Join(dir, m[1]))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != m[2] {
			t.Errorf("%s: sha256 %s; README records %s (a changed vendored file must come from the npm tarball the README names)", m[1], got, m[2])
		}
		checked++
	}
	if checked != 1 {
		t.Errorf("checked %d vendored files' sums; want squire.js's (README rows %q)", checked, rows)
	}
}
