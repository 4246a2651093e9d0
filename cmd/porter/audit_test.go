package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"porter"
)

// The CLI's writes are audited as the cli actor, labelled with the
// command and never its arguments; creating and revoking a key fire
// audit.critical_event.
func TestCLIWritesAreAudited(t *testing.T) {
	for engine, db := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			env := map[string]string{"PORTER_DB": db}
			if _, errs, code := runPorter(t, env, "migrate"); code != 0 {
				t.Fatal(errs)
			}
			out, errs, code := runPorter(t, env, "org", "create", "--name", "Acme")
			if code != 0 {
				t.Fatal(errs)
			}
			org := lastLine(out)
			out, errs, code = runPorter(t, env, "key", "create", "--org", org, "--name", "Splunk", "--scope", "audit:read")
			if code != 0 {
				t.Fatal(errs)
			}
			key := lastLine(out)
			ctx := context.Background()
			st, err := openStore(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			svc := porter.NewService(st, "", nil)
			orgID, _ := strconv.ParseInt(org, 10, 64)
			keys, err := svc.APIKeys(ctx, orgID)
			if err != nil || len(keys) != 1 {
				t.Fatalf("keys %v (%v)", keys, err)
			}
			if _, errs, code := runPorter(t, env, "key", "revoke", "--org", org, strconv.FormatInt(keys[0].ID, 10)); code != 0 {
				t.Fatal(errs)
			}
			l, err := svc.AuditLog(ctx, orgID, porter.AuditFilter{})
			if err != nil || len(l.Items) != 2 {
				t.Fatalf("audit log %v (%v)", l.Items, err)
			}
			for i, want := range []struct{ action, label string }{{"api_key.revoke", "porter key revoke"}, {"api_key.create", "porter key create"}} {
				e := l.Items[i]
				if e.Action != want.action || e.Actor.Type != porter.ActorCLI || e.Actor.Label != want.label ||
					strings.Contains(string(e.After), key) {
					t.Fatalf("entry %d: %s by %+v after=%s", i, e.Action, e.Actor, e.After)
				}
			}
			evs, err := svc.Events(ctx, orgID, porter.EventFilter{ListParams: porter.ListParams{PerPage: 10}, Types: []string{"audit.critical_event"}})
			if err != nil || len(evs.Items) != 2 {
				t.Fatalf("critical events %d (%v)", len(evs.Items), err)
			}
		})
	}
}
