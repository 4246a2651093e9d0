package porter

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SecretBox seals the secrets Porter must read back (webhook signing
// secrets) with AES-256-GCM, so that a copy of the database alone does not
// give them away. API keys are hashed instead: Porter never needs them back.
type SecretBox struct {
	aead cipher.AEAD
}

// sealVersion prefixes every sealed value, so that a later key or cipher
// can be told apart from this one.
const sealVersion = 1

// SecretKeySize is the key length: AES-256.
const SecretKeySize = 32

// NewSecretBox returns a box sealing with a 32-byte key.
func NewSecretBox(key []byte) (*SecretBox, error) {
	if len(key) != SecretKeySize {
		return nil, fmt.Errorf("secret key: %d bytes, want %d", len(key), SecretKeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return &SecretBox{aead: aead}, nil
}

// Seal encrypts plaintext under a fresh random nonce: version, nonce,
// ciphertext and tag.
func (b *SecretBox) Seal(plaintext string) ([]byte, error) {
	if b == nil {
		return nil, errors.New("seal secret: no secret key configured")
	}
	n := b.aead.NonceSize()
	out := make([]byte, 1+n, 1+n+len(plaintext)+b.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("seal secret: %w", err)
	}
	return b.aead.Seal(out, out[1:1+n], []byte(plaintext), out[:1]), nil
}

// Open decrypts what Seal produced. A value sealed under another key, or
// altered in any way, is an error.
func (b *SecretBox) Open(sealed []byte) (string, error) {
	if b == nil {
		return "", errors.New("open secret: no secret key configured")
	}
	n := b.aead.NonceSize()
	if len(sealed) < 1+n+b.aead.Overhead() || sealed[0] != sealVersion {
		return "", errors.New("open secret: not a sealed value")
	}
	plain, err := b.aead.Open(nil, sealed[1:1+n], sealed[1+n:], sealed[:1])
	if err != nil {
		return "", errors.New("open secret: wrong key or altered value")
	}
	return string(plain), nil
}

// SecretKeyFile is the key file's name inside the data directory.
const SecretKeyFile = "secret.key"

// LoadOrCreateSecretKey returns the key that seals secrets: envValue
// (PORTER_SECRET_KEY, base64 of 32 bytes) when set, else the key in
// <dataDir>/secret.key, which is created with mode 0600 on first start.
// Losing the key loses every webhook secret, so it is never replaced: a
// key file that cannot be read is an error, not a reason to make another.
func LoadOrCreateSecretKey(dataDir, envValue string) ([]byte, error) {
	if envValue != "" {
		key, err := decodeKey(envValue)
		if err != nil {
			return nil, fmt.Errorf("PORTER_SECRET_KEY: %w", err)
		}
		return key, nil
	}
	path := filepath.Join(dataDir, SecretKeyFile)
	if b, err := os.ReadFile(path); err == nil {
		return keyFromFile(path, b)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read secret key: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create secret key: %w", err)
	}
	key := make([]byte, SecretKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("create secret key: %w", err)
	}
	// O_EXCL: two processes starting on one data directory agree on the
	// first key written.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read secret key: %w", err)
		}
		return keyFromFile(path, b)
	} else if err != nil {
		return nil, fmt.Errorf("create secret key: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("write secret key: %w", err)
	}
	return key, nil
}

func keyFromFile(path string, b []byte) ([]byte, error) {
	key, err := decodeKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("secret key %s: %w", path, err)
	}
	return key, nil
}

func decodeKey(s string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, errors.New("not base64")
	}
	if len(key) != SecretKeySize {
		return nil, fmt.Errorf("%d bytes, want %d (base64 of 32 random bytes, e.g. openssl rand -base64 32)", len(key), SecretKeySize)
	}
	return key, nil
}
