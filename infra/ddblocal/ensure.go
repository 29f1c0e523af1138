package ddblocal

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"eportal/infra/cachedir"
)

// The npm package that ships DynamoDB Local 1.25.1, pinned by version and
// checksum (see AWS-NOTES.md).
const (
	// Package is the npm package holding DynamoDB Local.
	Package = "amplify-dynamodb-simulator"
	// Version is the pinned version of Package.
	Version = "2.9.30"
	// SHA256 is the hex sha256 of Package's tarball at Version.
	SHA256 = "3503ffac19f183407909fecdacf4db51ab1fdad1da7b2f177016670b2d80e4b9"
	// Size is the size in bytes of Package's tarball at Version.
	Size = 56_573_501
)

const (
	// emulatorPrefix is the folder inside the tarball that Ensure unpacks.
	emulatorPrefix = "package/emulator/"
	// jarName is the file Start runs; Ensure checks the extraction holds it.
	jarName = "DynamoDBLocal.jar"
	// markerName is written last, after a complete extraction, so its
	// presence alone proves the directory is usable.
	markerName = ".complete"
)

// CacheDir returns the directory where Ensure keeps DynamoDB Local: the
// project's cache directory (cachedir.Dir).
func CacheDir() string { return cachedir.Dir() }

// Ensure makes sure DynamoDB Local is unpacked under cacheDir and returns the
// directory holding DynamoDBLocal.jar and DynamoDBLocal_lib
// (<cacheDir>/dynamodb-local-<Version>).
//
// If a complete extraction is already there, Ensure returns at once without
// touching the network or npm. Otherwise it asks `npm view` for the tarball
// URL, downloads it into cacheDir (reporting progress to progress unless it is
// nil), checks it against SHA256 and unpacks package/emulator/. Callers in
// several processes may run it at once: the work is serialised by a flock on
// <cacheDir>/.lock. It fails if npm is missing, the download fails or the
// checksum does not match; nothing partial is left behind in any case.
func Ensure(ctx context.Context, cacheDir string, progress io.Writer) (string, error) {
	dir := filepath.Join(cacheDir, "dynamodb-local-"+Version)
	if complete(dir) {
		return dir, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", fmt.Errorf("create cache dir: %w", err)
	}
	unlock, err := cachedir.Lock(ctx, filepath.Join(cacheDir, ".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	// Another process may have finished the work while this one waited.
	if complete(dir) {
		return dir, nil
	}
	// A directory without its marker is a crashed earlier attempt.
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("remove incomplete %s: %w", dir, err)
	}

	tarballURL, err := resolveURL(ctx)
	if err != nil {
		return "", err
	}
	tarball, err := download(ctx, tarballURL, cacheDir, SHA256, Size, progress)
	if err != nil {
		return "", err
	}
	defer os.Remove(tarball)
	if err := install(tarball, dir); err != nil {
		return "", err
	}
	return dir, nil
}

// complete reports whether dir holds a finished extraction.
func complete(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, markerName))
	return err == nil
}

// install unpacks the verified tarball into a temporary sibling of dir,
// renames it into place and writes the marker.
func install(tarball, dir string) error {
	f, err := os.Open(tarball)
	if err != nil {
		return fmt.Errorf("open downloaded tarball: %w", err)
	}
	defer f.Close()
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".dynamodb-local-tmp-*")
	if err != nil {
		return fmt.Errorf("create extraction dir: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	if err := extract(f, emulatorPrefix, tmp); err != nil {
		return fmt.Errorf("unpack %s: %w", Package, err)
	}
	if _, err := os.Stat(filepath.Join(tmp, jarName)); err != nil {
		return fmt.Errorf("unpack %s: %s missing from %s: %w", Package, jarName, emulatorPrefix, err)
	}
	// MkdirTemp made it private; the result is an ordinary shared cache.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("unpack %s: %w", Package, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("move extraction into place: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, markerName), []byte(SHA256+"\n"), 0o644); err != nil {
		return fmt.Errorf("write marker: %w", err)
	}
	return nil
}

// resolveURL asks npm for the tarball URL, so that the user's registry or
// mirror configuration applies.
func resolveURL(ctx context.Context) (string, error) {
	spec := Package + "@" + Version
	if _, err := exec.LookPath("npm"); err != nil {
		return "", fmt.Errorf("npm is needed to locate %s (DynamoDB Local) for the first download: %w", spec, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "npm", "view", spec, "dist.tarball")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("npm is needed to locate %s: `npm view %s dist.tarball` failed: %w: %s",
			spec, spec, err, strings.TrimSpace(stderr.String()))
	}
	raw := strings.TrimSpace(stdout.String())
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("npm view %s dist.tarball: unexpected output %q", spec, raw)
	}
	return raw, nil
}
