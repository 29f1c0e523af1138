// Package cachedir is where the local tooling keeps what it downloads
// (DynamoDB Local, axe-core), and the lock that lets several processes fill
// it at once. It imports nothing of eportal, so a test harness can use it
// without the AWS SDK.
package cachedir

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Dir returns the project's cache directory: $EPORTAL_CACHE if set, else
// $XDG_CACHE_HOME/eportal, else $HOME/.cache/eportal. It lies outside the
// repository so that a fresh clone or `git clean` does not repeat the
// downloads.
func Dir() string {
	if dir := os.Getenv("EPORTAL_CACHE"); dir != "" {
		return dir
	}
	// The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
	if dir := os.Getenv("XDG_CACHE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "eportal")
	}
	if home := os.Getenv("HOME"); home != "" {
		return filepath.Join(home, ".cache", "eportal")
	}
	return filepath.Join(os.TempDir(), "eportal-cache")
}

// Lock takes an exclusive flock on path (creating the file), polling so that
// ctx can cancel the wait, and returns the function that releases it.
func Lock(ctx context.Context, path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil // closing releases the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("wait for lock %s: %w", path, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
