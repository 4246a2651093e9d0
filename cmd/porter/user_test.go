package main

import (
	"context"
	"strings"
	"testing"

	"porter"
)

func TestUserCreate(t *testing.T) {
	for engine, db := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			env := map[string]string{"PORTER_DB": db}
			out, errs, code := runPorter(t, env, "org", "create", "--name", "Acme")
			if code != 0 {
				t.Fatalf("org create: %s", errs)
			}
			org := lastLine(out)
			// Generated: printed once, on the last line.
			out, errs, code = runPorter(t, env, "user", "create", "--org", org, "--email", "Ann@Example.com", "--role", "manager")
			if code != 0 || !strings.Contains(out, "ann@example.com (manager)") {
				t.Fatalf("user create: %d %s %s", code, out, errs)
			}
			generated := lastLine(out)
			// From standard input.
			old := stdin
			stdin = strings.NewReader("a password from stdin\n")
			t.Cleanup(func() { stdin = old })
			out, errs, code = runPorter(t, env, "user", "create", "--org", org, "--email", "bob@example.com", "--password-stdin")
			if code != 0 || strings.Contains(out, "password") || !strings.Contains(out, "(viewer)") {
				t.Fatalf("user create --password-stdin: %d %s %s", code, out, errs)
			}
			for _, tc := range []struct{ args, want string }{
				{"--org " + org + " --email ann@example.com", "already exists"},
				{"--org " + org + " --email x@example.com --role owner", "--role"},
				{"--org 999 --email x@example.com", "not found"},
				{"--email x@example.com", "--org and --email are required"},
			} {
				if _, errs, code := runPorter(t, env, append([]string{"user", "create"}, strings.Fields(tc.args)...)...); code == 0 || !strings.Contains(errs, tc.want) {
					t.Errorf("user create %s: %d %s", tc.args, code, errs)
				}
			}
			st, err := openStore(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			svc := porter.NewService(st, "", nil)
			for email, pw := range map[string]string{"ann@example.com": generated, "bob@example.com": "a password from stdin"} {
				if _, err := svc.Authenticate(context.Background(), email, pw); err != nil {
					t.Errorf("%s cannot sign in: %v", email, err)
				}
			}
		})
	}
}
