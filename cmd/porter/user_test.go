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
			// list, set-role, deactivate, reactivate; the last admin stays.
			out, errs, code = runPorter(t, env, "user", "list", "--org", org)
			if code != 0 || !strings.Contains(out, "ann@example.com\tmanager\tactive") || !strings.Contains(out, "bob@example.com\tviewer\tactive") {
				t.Fatalf("user list: %d %q %s", code, out, errs)
			}
			ann := strings.Fields(out)[0]
			for _, tc := range []struct {
				args []string
				code int
				want string
			}{
				{[]string{"set-role", "--org", org, "--id", ann, "--role", "admin"}, 0, "admin, active"},
				{[]string{"deactivate", "--org", org, "--id", ann}, 1, "last active admin"},
				{[]string{"set-role", "--org", org, "--id", ann, "--role", "owner"}, 1, "want admin, manager or viewer"},
				{[]string{"deactivate", "--org", "999", "--id", ann}, 1, "not found"},
				{[]string{"deactivate", "--org", org}, 2, "--org and --id are required"},
				{[]string{"set-role", "--org", org, "--id", ann, "--role", "manager"}, 1, "last active admin"},
			} {
				out, errs, code := runPorter(t, env, append([]string{"user"}, tc.args...)...)
				if code != tc.code || !strings.Contains(out+errs, tc.want) {
					t.Errorf("user %v: %d %q %q", tc.args, code, out, errs)
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
