package ddblocal

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEnsureCached checks that a second Ensure uses the cache alone: with no
// npm on PATH it still succeeds, and quickly.
func TestEnsureCached(t *testing.T) {
	ctx := context.Background()
	want, err := Ensure(ctx, CacheDir(), os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	start := time.Now()
	got, err := Ensure(ctx, CacheDir(), os.Stderr)
	if err != nil {
		t.Fatalf("cached Ensure: %v", err)
	}
	if got != want {
		t.Errorf("cached Ensure: got %q; want %q", got, want)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("cached Ensure took %v; want well under a second", d)
	}
	if _, err := os.Stat(filepath.Join(got, "DynamoDBLocal_lib")); err != nil {
		t.Errorf("extraction lacks DynamoDBLocal_lib: %v", err)
	}
}

func TestEnsureWithoutNpm(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	cache := t.TempDir()
	_, err := Ensure(context.Background(), cache, nil)
	if err == nil || !strings.Contains(err.Error(), "npm is needed") {
		t.Errorf("Ensure without npm: got %v; want an error saying npm is needed", err)
	}
}

func TestLockExcludes(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".lock")
	unlock, err := lock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := lock(ctx, path); err == nil {
		t.Fatal("second lock while held: got nil error; want a timeout")
	}
	unlock()
	unlock2, err := lock(context.Background(), path)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	unlock2()
}

func TestCacheDir(t *testing.T) {
	tests := []struct {
		name, cache, xdg, home, want string
	}{
		{"explicit", "/c", "/x", "/h", "/c"},
		{"xdg", "", "/x", "/h", "/x/eportal"},
		{"relative xdg ignored", "", "x", "/h", "/h/.cache/eportal"},
		{"home", "", "", "/h", "/h/.cache/eportal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("EPORTAL_CACHE", tt.cache)
			t.Setenv("XDG_CACHE_HOME", tt.xdg)
			t.Setenv("HOME", tt.home)
			if got := CacheDir(); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}
