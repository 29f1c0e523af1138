package ddblocal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDownload(t *testing.T) {
	body := bytes.Repeat([]byte("dynamodb"), 100_000)
	sum := sha256.Sum256(body)
	good := hex.EncodeToString(sum[:])
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/pkg.tgz" {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	ctx := context.Background()

	t.Run("verified", func(t *testing.T) {
		dir := t.TempDir()
		var progress bytes.Buffer
		path, err := download(ctx, srv.URL+"/pkg.tgz", dir, good, int64(len(body)), &progress)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, body) {
			t.Errorf("downloaded %d bytes; want %d", len(got), len(body))
		}
		if got, want := progress.String(), "\rDynamoDB Local: 0.8 / 0.8 MB (100%)\n"; !strings.HasSuffix(got, want) {
			t.Errorf("progress: got %q; want it to end with %q", got, want)
		}
	})

	t.Run("sha256 mismatch", func(t *testing.T) {
		dir := t.TempDir()
		bad := strings.Repeat("0", 64)
		_, err := download(ctx, srv.URL+"/pkg.tgz", dir, bad, 0, nil)
		if err == nil || !strings.Contains(err.Error(), "expected "+bad) || !strings.Contains(err.Error(), "got "+good) {
			t.Errorf("got %v; want a mismatch error naming both sums", err)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) > 0 {
			t.Errorf("mismatched download left %v behind", left)
		}
	})

	t.Run("not found", func(t *testing.T) {
		dir := t.TempDir()
		_, err := download(ctx, srv.URL+"/missing.tgz", dir, good, 0, nil)
		if err == nil || !strings.Contains(err.Error(), "404") {
			t.Errorf("got %v; want a 404 error", err)
		}
	})
}
