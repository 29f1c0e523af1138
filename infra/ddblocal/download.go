package ddblocal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// download fetches rawURL into a new temporary file in dir and returns its
// path once its sha256 equals wantSHA256. On any failure, including a
// checksum mismatch, the file is removed. size is the expected length, used
// for progress when the server sends none.
func download(ctx context.Context, rawURL, dir, wantSHA256 string, size int64, progress io.Writer) (path string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return "", fmt.Errorf("download %s: %w", rawURL, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("download %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("download %s: %s", rawURL, resp.Status)
	}
	if resp.ContentLength > 0 {
		size = resp.ContentLength
	}

	f, err := os.CreateTemp(dir, ".download-*.tgz")
	if err != nil {
		return "", fmt.Errorf("create download file: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("write download file: %w", cerr)
		}
		if err != nil {
			os.Remove(f.Name())
		}
	}()

	h := sha256.New()
	var w io.Writer = io.MultiWriter(f, h)
	if progress != nil {
		p := &meter{out: progress, total: size}
		defer p.finish()
		w = io.MultiWriter(w, p)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return "", fmt.Errorf("download %s: %w", rawURL, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != wantSHA256 {
		return "", fmt.Errorf("download %s: sha256 mismatch: expected %s, got %s", rawURL, wantSHA256, got)
	}
	return f.Name(), nil
}

// meter is an io.Writer that counts bytes and redraws a one-line progress
// report, at most five times a second.
type meter struct {
	out   io.Writer
	total int64
	done  int64
	last  time.Time
}

// Write counts p and redraws the report if the last one is old enough.
func (m *meter) Write(p []byte) (int, error) {
	m.done += int64(len(p))
	if now := time.Now(); now.Sub(m.last) >= 200*time.Millisecond {
		m.last = now
		m.draw()
	}
	return len(p), nil
}

// finish draws the final count and ends the line.
func (m *meter) finish() {
	m.draw()
	fmt.Fprintln(m.out)
}

// draw writes the report over the current line. Write errors are ignored:
// progress is cosmetic and must not fail the download.
func (m *meter) draw() {
	if m.total <= 0 {
		fmt.Fprintf(m.out, "\rDynamoDB Local: %.1f MB", float64(m.done)/1e6)
		return
	}
	fmt.Fprintf(m.out, "\rDynamoDB Local: %.1f / %.1f MB (%d%%)", float64(m.done)/1e6, float64(m.total)/1e6, m.done*100/m.total)
}
