package ddblocal

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// extract reads a gzip-compressed tar from r and writes the entries under
// prefix (a slash-separated folder ending in "/") into dst, with prefix
// stripped. Other entries are skipped. It fails on any entry whose name is
// absolute or contains a ".." element, wherever it lies in the archive, and
// on links or special files under prefix, so nothing can be written outside
// dst.
func extract(r io.Reader, prefix, dst string) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("read gzip: %w", err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read tar: %w", err)
		}
		if unsafeName(hdr.Name) {
			return fmt.Errorf("unsafe path %q in archive", hdr.Name)
		}
		rel, ok := strings.CutPrefix(path.Clean(hdr.Name)+"/", prefix)
		if !ok {
			continue
		}
		rel = strings.TrimSuffix(rel, "/")
		if rel == "" {
			continue // the prefix folder itself
		}
		if err := writeEntry(tr, hdr, filepath.Join(dst, filepath.FromSlash(rel))); err != nil {
			return fmt.Errorf("extract %s: %w", hdr.Name, err)
		}
	}
}

// unsafeName reports whether a tar entry name could escape the destination.
func unsafeName(name string) bool {
	if name == "" || path.IsAbs(name) || filepath.IsAbs(name) || strings.HasPrefix(name, `\`) {
		return true
	}
	for _, elem := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if elem == ".." {
			return true
		}
	}
	return false
}

// writeEntry creates the directory or regular file that hdr describes at
// target, copying a file's content from r.
func writeEntry(r io.Reader, hdr *tar.Header, target string) error {
	switch hdr.Typeflag {
	case tar.TypeDir:
		return os.MkdirAll(target, 0o755)
	case tar.TypeReg:
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		// Keep the archive's permission bits but always let the owner read
		// and write, so the cache can be cleaned up.
		mode := hdr.FileInfo().Mode().Perm() | 0o600
		f, err := os.OpenFile(target, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, r); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	default:
		return fmt.Errorf("unsupported entry type %q", hdr.Typeflag)
	}
}
