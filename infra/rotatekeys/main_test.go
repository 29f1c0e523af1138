package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"eportal/internal/keyset"
)

// fakeStore is Secrets Manager in memory: the current value of each secret.
type fakeStore struct {
	values map[string]string
	puts   int
}

func (f *fakeStore) Get(_ context.Context, id string) (string, error) {
	v, ok := f.values[id]
	if !ok {
		return "", errors.New("ResourceNotFoundException")
	}
	return v, nil
}

func (f *fakeStore) Put(_ context.Context, id, value string) (string, error) {
	f.values[id] = value
	f.puts++
	return "v" + string(rune('0'+f.puts)), nil
}

const (
	seed      = "SeedGeneratedByCloudFormation0123456789abcdefgh"
	appSecret = "TheOldAppSecretOf48AlphanumericCharacters0123456"
)

func newSecrets() func() string {
	n := 0
	return func() string { n++; return strings.Repeat(string(rune('a'+n)), 43) }
}

// TestDryRun: a dry run prints the key set the rotation would write, every
// secret replaced by its length, and writes nothing.
func TestDryRun(t *testing.T) {
	st := &fakeStore{values: map[string]string{"voter-keys": `{"purpose":"voter","seed":"` + seed + `"}`, "app-secret": appSecret}}
	var out bytes.Buffer
	r := rotation{secret: "voter-keys", purpose: keyset.Voter, legacy: "app-secret", dryRun: true, now: time.Now(), newSecret: newSecrets()}
	if err := rotate(context.Background(), st, r, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{`current k1, next k2, legacy "k0", keys [k0 k1 k2]`, `"secret": "(48 bytes)"`, `"secret": "(43 bytes)"`} {
		if !strings.Contains(got, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, got)
		}
	}
	for _, secret := range []string{seed, appSecret, strings.Repeat("b", 43)} {
		if strings.Contains(got, secret) {
			t.Errorf("dry run output shows a secret:\n%s", got)
		}
	}
	if st.puts != 0 || !strings.Contains(st.values["voter-keys"], `"seed"`) {
		t.Errorf("a dry run wrote the secret (%d puts)", st.puts)
	}
}

// TestRotateSecret: the first rotation turns the seed into a key set with
// the seed as k1 and the AppSecret as the legacy key; a second one within
// keyset.MinPromoteAge is refused and writes nothing; a later one promotes
// k2 and keeps the legacy key.
func TestRotateSecret(t *testing.T) {
	st := &fakeStore{values: map[string]string{"voter-keys": `{"purpose":"voter","seed":"` + seed + `"}`, "app-secret": appSecret}}
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	r := rotation{secret: "voter-keys", purpose: keyset.Voter, legacy: "app-secret", now: now, newSecret: newSecrets()}
	var out bytes.Buffer
	if err := rotate(context.Background(), st, r, &out); err != nil {
		t.Fatal(err)
	}
	set, err := keyset.Parse(keyset.Voter, []byte(st.values["voter-keys"]))
	if err != nil {
		t.Fatalf("the written value does not parse: %v", err)
	}
	if set.Current != "k1" || set.Keys["k1"].Secret != seed || set.Keys["k0"].Secret != appSecret || set.Legacy != "k0" {
		t.Errorf("after the first rotation: %+v", set)
	}

	r.now = now.Add(keyset.MinPromoteAge / 2)
	if err := rotate(context.Background(), st, r, &out); !errors.Is(err, keyset.ErrTooSoon) || st.puts != 1 {
		t.Errorf("a second rotation right away = %v, %d puts; want ErrTooSoon and nothing written", err, st.puts)
	}
	delete(st.values, "app-secret") // no longer read
	r.now = now.Add(30 * 24 * time.Hour)
	if err := rotate(context.Background(), st, r, &out); err != nil {
		t.Fatal(err)
	}
	set, _ = keyset.Parse(keyset.Voter, []byte(st.values["voter-keys"]))
	if set.Current != "k2" || set.Next != "k3" || set.Legacy != "k0" || set.Keys["k1"].Retired == nil {
		t.Errorf("after the second rotation: current %s next %s legacy %s", set.Current, set.Next, set.Legacy)
	}
}
