package cachedir

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestLockExcludes(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".lock")
	unlock, err := Lock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := Lock(ctx, path); err == nil {
		t.Fatal("second lock while held: got nil error; want a timeout")
	}
	unlock()
	unlock2, err := Lock(context.Background(), path)
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
			if got := Dir(); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}
