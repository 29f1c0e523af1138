// Package hashed names embedded static files by their content
// ("site.3f2a9c1e.css" for site.css), so that each name can be cached for a
// year and never revalidated: a changed file gets a new name. The reader
// site and the editors' console serve their files this way.
package hashed

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
)

// File is one static file.
type File struct {
	Body        []byte
	ContentType string
}

// Files are the files of one directory.
type Files struct {
	ByHash map[string]File   // hashed name → file
	Names  map[string]string // plain name → hashed name
}

// Load reads every file under dir of fsys (embedded files: an error is a
// build mistake, so it panics). A file's hashed name is its name with the
// first 10 hex digits of its SHA-256 before the extension; its content
// type comes from the extension.
func Load(fsys fs.FS, dir string) Files {
	out := Files{ByHash: map[string]File{}, Names: map[string]string{}}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := path.Base(p)
		ext := path.Ext(name)
		h := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		out.ByHash[h] = File{Body: b, ContentType: ct}
		out.Names[name] = h
		return nil
	})
	if err != nil {
		panic(err)
	}
	return out
}
