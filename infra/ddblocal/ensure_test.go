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
