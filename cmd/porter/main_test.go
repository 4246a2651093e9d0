package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"porter/storetest"
)

func TestMain(m *testing.M) {
	if os.Getenv("PORTER_TEST_RUN_MAIN") == "1" {
		// A subprocess of a test (see startNode): be porter itself.
		main()
		os.Exit(0)
	}
	os.Exit(storetest.Main(m))
}

// porter runs the command in-process and returns stdout, stderr and the
// exit status main would use.
func runPorter(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	code := 0
	if err != nil {
		code = exitCode(err)
		if !errors.Is(err, flag.ErrHelp) {
			errb.WriteString(err.Error())
		}
	}
	return out.String(), errb.String(), code
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// databases are the --db values the command tests run against.
func databases(t *testing.T) map[string]string {
	return map[string]string{
		storetest.SQLite:   "sqlite:" + filepath.Join(t.TempDir(), "porter.db"),
		storetest.Postgres: storetest.PostgresURL(t),
	}
}

func TestOrgAndKeyCommands(t *testing.T) {
	for engine, db := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			env := map[string]string{"PORTER_DB": db}
			out, errs, code := runPorter(t, env, "migrate")
			if code != 0 || lastLine(out) != "migrations applied" {
				t.Fatalf("migrate: %d %q %s", code, out, errs)
			}
			out, errs, code = runPorter(t, env, "org", "create", "--name", "Acme")
			if code != 0 {
				t.Fatalf("org create: %d %s", code, errs)
			}
			org := lastLine(out)
			if !regexp.MustCompile(`^\d+$`).MatchString(org) {
				t.Fatalf("org id line %q", org)
			}
			out, errs, code = runPorter(t, env, "key", "create", "--org", org, "--name", "Zapier", "--scope", "tenants:read", "--scope", "payments:read", "--expires", "30d", "--rate-limit", "120/m")
			if code != 0 {
				t.Fatalf("key create: %d %s", code, errs)
			}
			key := lastLine(out)
			if !regexp.MustCompile(`^pm_[0-9A-Za-z]{49}$`).MatchString(key) {
				t.Fatalf("key line %q", key)
			}
			out, _, code = runPorter(t, env, "key", "list", "--org", org, "--json")
			var keys []map[string]any
			if err := json.Unmarshal([]byte(out), &keys); err != nil || code != 0 || len(keys) != 1 {
				t.Fatalf("key list: %d %s", code, out)
			}
			k := keys[0]
			for _, f := range []string{"id", "name", "prefix", "scopes", "created_at", "last_used_at", "expires_at", "revoked_at"} {
				if _, ok := k[f]; !ok {
					t.Errorf("key list lacks %s: %v", f, k)
				}
			}
			if strings.Contains(out, key) || !strings.HasPrefix(key, k["prefix"].(string)) || k["expires_at"] == nil {
				t.Fatalf("key list: %v", k)
			}
			id := strings.TrimSuffix(strings.TrimPrefix(strings.Split(out, `"id": `)[1], ""), "")
			id = regexp.MustCompile(`^\d+`).FindString(id)
			if _, errs, code = runPorter(t, env, "key", "revoke", "--org", org, id); code != 0 {
				t.Fatalf("revoke: %s", errs)
			}
			if _, errs, code = runPorter(t, env, "key", "revoke", "--org", org, id); code == 0 || !strings.Contains(errs, "already revoked") {
				t.Fatalf("second revoke: %d %s", code, errs)
			}
			if _, errs, code = runPorter(t, env, "key", "revoke", "--org", "999", id); code == 0 || !strings.Contains(errs, "not found") {
				t.Fatalf("revoke in another org: %d %s", code, errs)
			}
			out, _, _ = runPorter(t, env, "key", "list", "--org", org)
			if !strings.Contains(out, "REVOKED") || !strings.Contains(out, "Zapier") {
				t.Fatalf("table: %s", out)
			}
		})
	}
}

func TestBadCommandLines(t *testing.T) {
	env := map[string]string{"PORTER_DB": "sqlite:" + filepath.Join(t.TempDir(), "p.db")}
	cases := [][]string{
		{},
		{"frobnicate"},
		{"serve", "--bogus"},
		{"org", "create"},
		{"org", "create", "--name", "x", "extra", "--nope"},
		{"key", "create", "--org", "1", "--name", "x", "--scope", "nope:read"},
		{"key", "create", "--org", "1", "--name", "x", "--expires", "soon"},
		{"key", "create", "--org", "1", "--name", "x", "--rate-limit", "fast"},
		{"key", "revoke", "--org", "1", "abc"},
		{"migrate", "--db", "mysql://x"},
		{"serve", "--rate-limit", "0/m"},
		{"serve", "--addr", "127.0.0.1:0", "--smtp-url", "ftp://mail.example.com"},
		{"serve", "--addr", "127.0.0.1:0", "--whatsapp-url", "ftp://gateway.example.com"},
		{"serve", "--addr", "127.0.0.1:0", "--webhook-per-endpoint", "257"},
		{"serve", "--addr", "127.0.0.1:0", "--webhook-workers", "0"},
		{"serve", "--addr", "127.0.0.1:0", "--webhook-retention", "forever"},
		{"serve", "--addr", "127.0.0.1:0", "--event-retention", "forever"},
		{"serve", "--addr", "127.0.0.1:0", "--event-retention", "-1d"},
	}
	for _, args := range cases {
		_, errs, code := runPorter(t, env, args...)
		if code != 2 || strings.Count(strings.TrimSpace(errs), "\n") > 0 && len(args) > 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	if _, err := os.Stat("data"); err == nil {
		t.Error("a rejected command line made ./data (a secret key file) before refusing")
	}
	if _, _, code := runPorter(t, map[string]string{"PORTER_ALLOW_PRIVATE_WEBHOOKS": "maybe"}, "serve"); code != 2 {
		t.Errorf("bad env bool: exit %d", code)
	}
	if _, _, code := runPorter(t, map[string]string{"PORTER_TRUST_FORWARDED_FOR": "maybe"}, "serve"); code != 2 {
		t.Errorf("bad PORTER_TRUST_FORWARDED_FOR: exit %d", code)
	}
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"migrate", "-h"}, {"key", "--help"}, {"org", "--help"}} {
		out, _, code := runPorter(t, env, args...)
		if code != 0 || !strings.Contains(out, "Usage") {
			t.Errorf("%v: exit %d, %q", args, code, out)
		}
	}
}

// syncBuffer is written by the server goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeDemo(t *testing.T) {
	for engine, db := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			var out, errb syncBuffer
			env := map[string]string{"PORTER_DB": db, "PORTER_ADDR": "127.0.0.1:0", "PORTER_DATA_DIR": t.TempDir()}
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"serve", "--demo"}, func(k string) string { return env[k] }, &out, &errb)
			}()
			var key, base string
			deadline := time.Now().Add(20 * time.Second)
			for key == "" && time.Now().Before(deadline) {
				sc := bufio.NewScanner(strings.NewReader(out.String()))
				for sc.Scan() {
					line := strings.TrimSpace(sc.Text())
					if strings.HasPrefix(line, "pm_") {
						key = line
					}
					if m := regexp.MustCompile(`(http://127\.0\.0\.1:\d+)/v1/tenants`).FindStringSubmatch(line); m != nil {
						base = m[1]
					}
				}
				time.Sleep(20 * time.Millisecond)
			}
			if key == "" || base == "" {
				cancel()
				t.Fatalf("no key printed: %s / %s", out.String(), errb.String())
			}
			// The server may still be starting after printing.
			var res *http.Response
			var err error
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest("GET", base+"/v1/tenants", nil)
				req.Header.Set("Authorization", "Bearer "+key)
				if res, err = http.DefaultClient.Do(req); err == nil {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.Contains(string(body), "jane@example.com") {
				t.Fatalf("demo tenants: %d %s", res.StatusCode, body)
			}
			// The console's demo admin signs in with the printed password.
			pw := regexp.MustCompile(`(?m)^\s*password: (\S+)$`).FindStringSubmatch(out.String())
			if pw == nil || !strings.Contains(out.String(), base+"/login") || !strings.Contains(out.String(), "admin@example.com") {
				t.Fatalf("no console sign-in printed: %s", out.String())
			}
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			res, err = client.PostForm(base+"/login", url.Values{"email": {"admin@example.com"}, "password": {pw[1]}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" || len(res.Cookies()) != 1 {
				t.Fatalf("console sign-in: %d %v", res.StatusCode, res.Header)
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not stop")
			}
		})
	}
}
