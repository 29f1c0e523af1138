package browser

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"eportal/infra/cachedir"
)

// The npm package axe-core, pinned by version and checksum like DynamoDB
// Local (infra/ddblocal): a new version changes what the site's tests
// report, so it is a deliberate change with its own commit.
const (
	// AxeVersion is the pinned version of axe-core.
	AxeVersion = "4.14.1"
	// AxeSHA256 is the hex sha256 of axe-core's npm tarball at AxeVersion
	// (the registry's sha512 integrity matches it).
	AxeSHA256 = "e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745"
)

const (
	axePackage = "axe-core"
	// axeEntry is the one file EnsureAxe takes from the tarball.
	axeEntry = "package/axe.min.js"
	// packTimeout bounds `npm pack`.
	packTimeout = 2 * time.Minute
)

// CacheDir returns the project's cache directory (cachedir.Dir), where
// EnsureAxe keeps axe-core.
func CacheDir() string { return cachedir.Dir() }

// EnsureAxe makes sure axe-core's axe.min.js is in cacheDir and returns its
// path, <cacheDir>/axe-core-<AxeVersion>/axe.min.js.
//
// If the file is there it returns at once, without npm or the network.
// Otherwise it runs `npm pack axe-core@<AxeVersion>` (so the user's registry
// or mirror configuration applies), checks the tarball against AxeSHA256
// and writes axe.min.js, renamed into place only when complete. Test
// binaries that run at once are serialised by a flock on
// <cacheDir>/.axe-core.lock. It fails if npm is missing, the pack fails or
// the checksum does not match, and leaves nothing partial behind.
func EnsureAxe(ctx context.Context, cacheDir string) (string, error) {
	path := filepath.Join(cacheDir, axePackage+"-"+AxeVersion, "axe.min.js")
	if fileExists(path) {
		return path, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", fmt.Errorf("create cache dir: %w", err)
	}
	unlock, err := cachedir.Lock(ctx, filepath.Join(cacheDir, ".axe-core.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	// Another process may have finished while this one waited.
	if fileExists(path) {
		return path, nil
	}

	tmp, err := os.MkdirTemp(cacheDir, ".axe-core-pack-*")
	if err != nil {
		return "", fmt.Errorf("create axe-core pack dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	tarball, err := npmPack(ctx, axePackage+"@"+AxeVersion, tmp)
	if err != nil {
		return "", err
	}
	data, err := os.ReadFile(tarball)
	if err != nil {
		return "", fmt.Errorf("read axe-core tarball: %w", err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != AxeSHA256 {
		return "", fmt.Errorf("axe-core %s tarball: sha256 mismatch: expected %s, got %s", AxeVersion, AxeSHA256, hex.EncodeToString(sum[:]))
	}
	js, err := tarFile(bytes.NewReader(data), axeEntry)
	if err != nil {
		return "", fmt.Errorf("unpack axe-core %s: %w", AxeVersion, err)
	}
	staged := filepath.Join(tmp, "axe.min.js")
	if err := os.WriteFile(staged, js, 0o644); err != nil {
		return "", fmt.Errorf("write axe.min.js: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("create axe-core cache dir: %w", err)
	}
	// tmp is in cacheDir, so the rename is atomic: the file is complete or
	// absent.
	if err := os.Rename(staged, path); err != nil {
		return "", fmt.Errorf("move axe.min.js into place: %w", err)
	}
	return path, nil
}

// axeSource caches axe.min.js's text for the process. A mutex rather than
// a sync.Once, so that a failure (a cancelled ctx) is retried on the next
// call.
var axeSource struct {
	mu  sync.Mutex
	src string
}

// loadAxe returns the text of axe.min.js, fetching it into CacheDir the
// first time.
func loadAxe(ctx context.Context) (string, error) {
	axeSource.mu.Lock()
	defer axeSource.mu.Unlock()
	if axeSource.src != "" {
		return axeSource.src, nil
	}
	path, err := EnsureAxe(ctx, CacheDir())
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read axe-core: %w", err)
	}
	axeSource.src = string(b)
	return axeSource.src, nil
}

// npmPack runs `npm pack spec` into dir and returns the tarball's path.
func npmPack(ctx context.Context, spec, dir string) (string, error) {
	if _, err := exec.LookPath("npm"); err != nil {
		return "", fmt.Errorf("npm is needed to fetch %s the first time: %w", spec, err)
	}
	ctx, cancel := context.WithTimeout(ctx, packTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "npm", "pack", spec, "--json", "--pack-destination", dir)
	cmd.Dir = dir // no package.json here: npm must not pick up the repository's
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false", "npm_config_fund=false", "npm_config_audit=false")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("`npm pack %s` failed: %w: %s", spec, err, strings.TrimSpace(stderr.String()))
	}
	var packed []struct {
		Filename string `json:"filename"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &packed); err != nil || len(packed) != 1 || packed[0].Filename == "" {
		return "", fmt.Errorf("npm pack %s: unexpected output %q", spec, stdout.String())
	}
	return filepath.Join(dir, filepath.Base(packed[0].Filename)), nil
}

// tarFile returns the content of the regular file name in the
// gzip-compressed tar r. Nothing is written to disk, so entry names need no
// sanitising.
func tarFile(r io.Reader, name string) ([]byte, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("read gzip: %w", err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s not in archive", name)
		}
		if err != nil {
			return nil, fmt.Errorf("read tar: %w", err)
		}
		if hdr.Name == name && hdr.Typeflag == tar.TypeReg {
			return io.ReadAll(tr)
		}
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
