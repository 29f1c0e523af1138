package visitor_test

import (
	"bytes"
	"testing"

	"eportal/internal/visitor"
)

func TestHash(t *testing.T) {
	k1 := bytes.Repeat([]byte{1}, visitor.KeySize)
	k2 := bytes.Repeat([]byte{2}, visitor.KeySize)
	const ua = "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36"
	base := visitor.Hash(k1, "a1", "113.161.72.15", ua)
	if len(base) != 22 {
		t.Fatalf("len(Hash) = %d; want 22", len(base))
	}
	if got := visitor.Hash(k1, "a1", " 113.161.72.15 ", ua); got != base {
		t.Errorf("surrounding spaces in the IP change the hash: %s != %s", got, base)
	}
	tests := []struct {
		name               string
		key                []byte
		article, ip, agent string
	}{
		{"another day's key", k2, "a1", "113.161.72.15", ua},
		{"another article", k1, "a2", "113.161.72.15", ua},
		{"another IP", k1, "a1", "113.161.72.16", ua},
		{"another User-Agent", k1, "a1", "113.161.72.15", ua + "x"},
		{"field boundary moved", k1, "a11", "13.161.72.15", ua},
		{"empty User-Agent", k1, "a1", "113.161.72.15", ""},
	}
	seen := map[string]string{base: "base"}
	for _, tt := range tests {
		got := visitor.Hash(tt.key, tt.article, tt.ip, tt.agent)
		if prev, dup := seen[got]; dup {
			t.Errorf("%s: hash %s equals that of %s", tt.name, got, prev)
		}
		seen[got] = tt.name
		if bytes.Contains([]byte(got), []byte("113")) {
			t.Errorf("%s: hash %s shows the IP", tt.name, got)
		}
	}
}
