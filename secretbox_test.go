package porter_test

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"porter"
)

func TestSecretBox(t *testing.T) {
	key := bytes.Repeat([]byte{1}, 32)
	box, err := porter.NewSecretBox(key)
	if err != nil {
		t.Fatal(err)
	}
	a, err := box.Seal("whsec_hello")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := box.Seal("whsec_hello")
	if bytes.Equal(a, b) {
		t.Fatal("two seals of one secret are equal: the nonce is not fresh")
	}
	if bytes.Contains(a, []byte("hello")) {
		t.Fatal("sealed value contains the plaintext")
	}
	if got, err := box.Open(a); err != nil || got != "whsec_hello" {
		t.Fatalf("open = %q, %v", got, err)
	}
	// Every byte matters: version, nonce, ciphertext and tag.
	for i := range a {
		c := bytes.Clone(a)
		c[i] ^= 0x01
		if _, err := box.Open(c); err == nil {
			t.Fatalf("tampered byte %d opened", i)
		}
	}
	for _, short := range [][]byte{nil, {}, a[:1], a[:20]} {
		if _, err := box.Open(short); err == nil {
			t.Fatalf("short value %x opened", short)
		}
	}
	other, _ := porter.NewSecretBox(bytes.Repeat([]byte{2}, 32))
	if _, err := other.Open(a); err == nil {
		t.Fatal("opened with the wrong key")
	}
	for _, n := range []int{0, 16, 31, 33} {
		if _, err := porter.NewSecretBox(make([]byte, n)); err == nil {
			t.Fatalf("%d-byte key accepted", n)
		}
	}
	var none *porter.SecretBox
	if _, err := none.Seal("x"); err == nil {
		t.Fatal("nil box sealed")
	}
}

func TestLoadOrCreateSecretKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	key, err := porter.LoadOrCreateSecretKey(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != 32 {
		t.Fatalf("key of %d bytes", len(key))
	}
	path := filepath.Join(dir, "secret.key")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	again, err := porter.LoadOrCreateSecretKey(dir, "")
	if err != nil || !bytes.Equal(again, key) {
		t.Fatalf("second start: %x, %v; want the same key", again, err)
	}
	// The environment wins over the file.
	env := bytes.Repeat([]byte{9}, 32)
	got, err := porter.LoadOrCreateSecretKey(dir, base64.StdEncoding.EncodeToString(env))
	if err != nil || !bytes.Equal(got, env) {
		t.Fatalf("env key: %x, %v", got, err)
	}
	for _, bad := range []string{"not base64!", base64.StdEncoding.EncodeToString(make([]byte, 16))} {
		if _, err := porter.LoadOrCreateSecretKey(dir, bad); err == nil || !strings.Contains(err.Error(), "PORTER_SECRET_KEY") {
			t.Fatalf("bad env %q: %v", bad, err)
		}
	}
	// A damaged key file is an error, never silently replaced.
	if err := os.WriteFile(path, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := porter.LoadOrCreateSecretKey(dir, ""); err == nil {
		t.Fatal("damaged key file accepted")
	}
	if b, _ := os.ReadFile(path); string(b) != "garbage" {
		t.Fatal("damaged key file was overwritten")
	}
}
