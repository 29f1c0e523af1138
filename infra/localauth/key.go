package localauth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// KeyFile is where `make run` and `make token` keep the development key,
// relative to the repository root (the directory of template.yaml).
const KeyFile = ".local/dev-jwt-key.pem"

// keyBits is the size of the development key, as Cognito's signing keys.
const keyBits = 2048

// Issuer mints and verifies local tokens with one RSA key.
type Issuer struct {
	key *rsa.PrivateKey
	kid string
	// Now is the clock for minting and verifying; LoadOrCreate and New set
	// it to time.Now.
	Now func() time.Time
}

// New returns an Issuer for key, whose key id is derived from its public key.
func New(key *rsa.PrivateKey) (*Issuer, error) {
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("new issuer: %w", err)
	}
	sum := sha256.Sum256(der)
	return &Issuer{key: key, kid: base64.RawURLEncoding.EncodeToString(sum[:16]), Now: time.Now}, nil
}

// KeyID returns the kid every token of i carries in its header.
func (i *Issuer) KeyID() string { return i.kid }

// LoadOrCreate returns the Issuer for the PEM key at path, creating the key
// (mode 0600, directory 0700) when the file does not exist. Concurrent first
// calls, from several processes too, agree on one key: each writes a
// complete temporary file and hard-links it into place, which fails rather
// than overwrites when another call got there first; all then read the file.
func LoadOrCreate(path string) (*Issuer, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := create(path); err != nil {
			return nil, err
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load development key: %w", err)
	}
	key, err := parseKey(data)
	if err != nil {
		return nil, fmt.Errorf("load development key %s (delete it to make a new one): %w", path, err)
	}
	return New(key)
}

// create writes a new key to path unless a file is already there.
func create(path string) error {
	key, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return fmt.Errorf("generate development key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("encode development key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create development key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".dev-jwt-key-*.pem") // mode 0600
	if err != nil {
		return fmt.Errorf("create development key: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = pem.Encode(tmp, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write development key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create development key: %w", err)
	}
	return nil
}

// parseKey reads an RSA private key from PKCS#8 PEM.
func parseKey(data []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("no PEM PRIVATE KEY block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	key, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("want an RSA key, got %T", k)
	}
	return key, nil
}
