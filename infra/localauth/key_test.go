package localauth_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"eportal/infra/localauth"
)

func TestLoadOrCreatePersistsKey(t *testing.T) {
	iss, path := mustIssuer(t)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("key file mode = %v; want 0600", mode)
	}
	if dir, err := os.Stat(filepath.Dir(path)); err != nil {
		t.Error(err)
	} else if mode := dir.Mode().Perm(); mode != 0o700 {
		t.Errorf("key directory mode = %v; want 0700", mode)
	}
	again, err := localauth.LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	if again.KeyID() != iss.KeyID() {
		t.Errorf("second load has kid %q; want %q", again.KeyID(), iss.KeyID())
	}
	tok, err := iss.Token("s", "u", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	again.Now = iss.Now
	if _, err := again.Verify(tok); err != nil {
		t.Errorf("second load rejects the first's token: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("key directory holds %d entries; want only the key", len(entries))
	}
}

func TestLoadOrCreateConcurrentFirstUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev-jwt-key.pem")
	const n = 8
	kids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			iss, err := localauth.LoadOrCreate(path)
			if err == nil {
				kids[i] = iss.KeyID()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if kids[i] != kids[0] {
			t.Errorf("call %d got kid %q; call 0 got %q", i, kids[i], kids[0])
		}
	}
}

func TestLoadOrCreateRejectsGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev-jwt-key.pem")
	if err := os.WriteFile(path, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := localauth.LoadOrCreate(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("LoadOrCreate on garbage: err = %v; want an error naming the file", err)
	}
}

func TestDevUser(t *testing.T) {
	for _, role := range []string{"editor", "publisher", "admin"} {
		u, err := localauth.DevUser(role)
		if err != nil || u.Subject == "" || u.Username == "" || len(u.Groups) != 1 || u.Groups[0] != role {
			t.Errorf("DevUser(%q) = %+v, %v", role, u, err)
		}
	}
	for _, role := range []string{"", "root", "Admin", "admin "} {
		if _, err := localauth.DevUser(role); err == nil {
			t.Errorf("DevUser(%q): no error", role)
		}
	}
}
