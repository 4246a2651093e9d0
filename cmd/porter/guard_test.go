package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// serve wires the guard as configured: with PORTER_ALLOW_PRIVATE_WEBHOOKS=1
// a loopback receiver is accepted and a metadata address is still 400, on
// both engines. Nothing is sent anywhere but loopback.
func TestServeGuardsWebhookTargets(t *testing.T) {
	for engine, db := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			env := map[string]string{"PORTER_DB": db, "PORTER_ADDR": addr, "PORTER_DATA_DIR": t.TempDir(),
				"PORTER_ALLOW_PRIVATE_WEBHOOKS": "1", "PORTER_WEBHOOK_ALLOW_CIDRS": "100.64.0.0/10", "PORTER_DELIVER": "false"}
			if _, errs, code := runPorter(t, env, "migrate"); code != 0 {
				t.Fatal(errs)
			}
			out, errs, code := runPorter(t, env, "org", "create", "--name", "Acme")
			if code != 0 {
				t.Fatal(errs)
			}
			out, errs, code = runPorter(t, env, "key", "create", "--org", lastLine(out), "--name", "guard")
			if code != 0 {
				t.Fatal(errs)
			}
			key := lastLine(out)

			ctx, cancel := context.WithCancel(context.Background())
			var sout, serr syncBuffer
			done := make(chan error, 1)
			go func() { done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, &sout, &serr) }()
			defer func() {
				cancel()
				select {
				case <-done:
				case <-time.After(20 * time.Second):
					t.Error("serve did not stop")
				}
			}()
			post := func(url string) (int, string) {
				t.Helper()
				body, _ := json.Marshal(map[string]any{"url": url, "events": []string{"tenant.created"}})
				deadline := time.Now().Add(20 * time.Second)
				for {
					req, _ := http.NewRequest("POST", "http://"+addr+"/v1/webhooks", bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+key)
					req.Header.Set("Content-Type", "application/json")
					res, err := http.DefaultClient.Do(req)
					if err == nil {
						b, _ := io.ReadAll(res.Body)
						res.Body.Close()
						return res.StatusCode, string(b)
					}
					if time.Now().After(deadline) {
						t.Fatalf("serve never answered: %v\n%s", err, serr.String())
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			for _, target := range []string{"http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://100.100.100.200/", "http://[::ffff:169.254.169.254]/"} {
				if code, body := post(target); code != 400 || !strings.Contains(body, "and can never be a webhook target") {
					t.Errorf("%s: %d %s", target, code, body)
				}
			}
			if code, body := post("http://127.0.0.1:9/hook"); code != 201 {
				t.Errorf("loopback with PORTER_ALLOW_PRIVATE_WEBHOOKS=1: %d %s", code, body)
			}
		})
	}
}
