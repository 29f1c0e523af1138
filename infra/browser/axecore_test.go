package browser

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tgz returns a gzip-compressed tar holding files, by name.
func tgz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestTarFile(t *testing.T) {
	archive := tgz(t, map[string]string{"package/README.md": "readme", axeEntry: "window.axe = {}"})
	got, err := tarFile(bytes.NewReader(archive), axeEntry)
	if err != nil || string(got) != "window.axe = {}" {
		t.Errorf("got %q, %v; want the file's content", got, err)
	}
	if _, err := tarFile(bytes.NewReader(archive), "package/missing.js"); err == nil || !strings.Contains(err.Error(), "not in archive") {
		t.Errorf("missing entry: got %v; want a not-in-archive error", err)
	}
}

// TestEnsureAxeCached checks that a cached axe.min.js is used without npm.
func TestEnsureAxeCached(t *testing.T) {
	dir := t.TempDir()
	want := filepath.Join(dir, "axe-core-"+AxeVersion, "axe.min.js")
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, []byte("cached"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", "") // no npm to run
	got, err := EnsureAxe(context.Background(), dir)
	if err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

// TestEnsureAxeMismatch runs EnsureAxe against a fake npm whose tarball is
// not the pinned one: it must fail, naming both sums, and leave nothing.
func TestEnsureAxeMismatch(t *testing.T) {
	dir := t.TempDir()
	bin := t.TempDir()
	fake := filepath.Join(bin, "forged.tgz")
	if err := os.WriteFile(fake, tgz(t, map[string]string{axeEntry: "window.axe = 'forged'"}), 0o644); err != nil {
		t.Fatal(err)
	}
	// npm pack axe-core@<v> --json --pack-destination <dir>
	script := "#!/bin/sh\ncp " + fake + ` "$5/axe-core-` + AxeVersion + `.tgz" && echo '[{"filename":"axe-core-` + AxeVersion + `.tgz"}]'` + "\n"
	if err := os.WriteFile(filepath.Join(bin, "npm"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	_, err := EnsureAxe(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "sha256 mismatch: expected "+AxeSHA256+", got ") {
		t.Fatalf("got %v; want a sha256 mismatch naming the pinned sum", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != ".axe-core.lock" { // the lock file stays, empty
			t.Errorf("a failed fetch left %s behind", e.Name())
		}
	}
}

func TestCacheDir(t *testing.T) {
	tests := []struct {
		name, eportal, xdg, home, want string
	}{
		{"override", "/c", "/x", "/h", "/c"},
		{"xdg", "", "/x", "/h", "/x/eportal"},
		{"relative xdg ignored", "", "x", "/h", "/h/.cache/eportal"},
		{"home", "", "", "/h", "/h/.cache/eportal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("EPORTAL_CACHE", tt.eportal)
			t.Setenv("XDG_CACHE_HOME", tt.xdg)
			t.Setenv("HOME", tt.home)
			if got := CacheDir(); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}
