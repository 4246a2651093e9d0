package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An allow list reaching addresses that are never a webhook target is
// refused at start, with a message naming the range, before anything is
// opened or written.
func TestServeRefusesNeverAllowedCIDRs(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PORTER_DB": "sqlite:" + filepath.Join(dir, "porter.db"), "PORTER_DATA_DIR": filepath.Join(dir, "data")}
	tests := []struct {
		env, flag, want string
	}{
		{"169.254.0.0/16", "", "PORTER_WEBHOOK_ALLOW_CIDRS: 169.254.0.0/16 overlaps 169.254.0.0/16, a link-local address, which can never be a webhook target"},
		{"10.0.0.0/8, 169.254.169.254", "", "PORTER_WEBHOOK_ALLOW_CIDRS: 169.254.169.254 overlaps 169.254.169.254/32, a cloud metadata address, which can never be a webhook target"},
		{"", "0.0.0.0/0", "PORTER_WEBHOOK_ALLOW_CIDRS: 0.0.0.0/0 overlaps 0.0.0.0/8, an unspecified address, which can never be a webhook target"},
		{"", "fe80::/10", "PORTER_WEBHOOK_ALLOW_CIDRS: fe80::/10 overlaps fe80::/10, a link-local address, which can never be a webhook target"},
		{"10.0.0.0/8", "10.0.0.0/99", `PORTER_WEBHOOK_ALLOW_CIDRS: "10.0.0.0/99" is not an address or CIDR range such as 10.1.0.0/16`},
	}
	for _, tt := range tests {
		env["PORTER_WEBHOOK_ALLOW_CIDRS"] = tt.env
		args := []string{"serve", "--addr", "127.0.0.1:0"}
		if tt.flag != "" {
			args = append(args, "--webhook-allow-cidrs", tt.flag)
		}
		_, errs, code := runPorter(t, env, args...)
		if code != 2 || strings.TrimSpace(errs) != tt.want {
			t.Errorf("%q %q: exit %d, stderr %q; want 2, %q", tt.env, tt.flag, code, errs, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "porter.db")); err == nil {
		t.Error("a refused configuration opened the database")
	}
	out, _, _ := runPorter(t, env, "--help")
	if !strings.Contains(out, "PORTER_WEBHOOK_ALLOW_CIDRS") {
		t.Error("--help does not list PORTER_WEBHOOK_ALLOW_CIDRS")
	}
}
