package porter_test

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// An admin lists, promotes, demotes, deactivates and reactivates users;
// deactivation ends sessions and refuses sign-in with the usual error; the
// last active admin can be neither demoted nor deactivated; another
// organization's user is not found.
func TestUserAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		other, err := svc.CreateOrganization(ctx, "Other")
		if err != nil {
			t.Fatal(err)
		}
		const pw = "a long enough password"
		mk := func(org int64, email, role string) *porter.User {
			u, err := svc.CreateUser(ctx, org, porter.UserInput{Email: email, Role: role, Password: pw})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		ann := mk(org, "ann@example.com", porter.RoleAdmin)
		bob := mk(org, "bob@example.com", porter.RoleViewer)
		eve := mk(other.ID, "eve@example.com", porter.RoleAdmin)

		users, err := svc.Users(ctx, org)
		if err != nil || len(users) != 2 || users[0].ID != ann.ID || users[1].ID != bob.ID {
			t.Fatalf("users: %v %v", users, err)
		}
		if users[0].LastSignInAt != nil || !users[0].Active() {
			t.Fatalf("new user: %+v", users[0])
		}
		if _, err := svc.StartSession(ctx, ann); err != nil {
			t.Fatal(err)
		}
		if u, _ := svc.OrgUser(ctx, org, ann.ID); u.LastSignInAt == nil || !u.LastSignInAt.Equal(svc.Now().UTC().Truncate(time.Second)) {
			t.Fatalf("last sign-in: %v", u.LastSignInAt)
		}

		// The last active admin stays one.
		if _, err := svc.SetUserRole(ctx, org, ann.ID, porter.RoleManager); err != porter.ErrLastAdmin {
			t.Fatalf("demote last admin: %v", err)
		}
		if _, err := svc.DeactivateUser(ctx, org, ann.ID); err != porter.ErrLastAdmin {
			t.Fatalf("deactivate last admin: %v", err)
		}
		if u, _ := svc.OrgUser(ctx, org, ann.ID); u.Role != porter.RoleAdmin || !u.Active() {
			t.Fatalf("refused change was written: %+v", u)
		}
		if _, err := svc.SetUserRole(ctx, org, bob.ID, "owner"); !isCode(err, porter.EINVALID) {
			t.Fatalf("bad role: %v", err)
		}
		// Another organization's user, or none, is not found, and unchanged.
		for _, id := range []int64{eve.ID, 999999} {
			if _, err := svc.SetUserRole(ctx, org, id, porter.RoleViewer); !isCode(err, porter.ENOTFOUND) {
				t.Fatalf("role of user %d: %v", id, err)
			}
			if _, err := svc.DeactivateUser(ctx, org, id); !isCode(err, porter.ENOTFOUND) {
				t.Fatalf("deactivate user %d: %v", id, err)
			}
		}
		if u, _ := svc.OrgUser(ctx, other.ID, eve.ID); u.Role != porter.RoleAdmin || !u.Active() {
			t.Fatalf("other org's user changed: %+v", u)
		}

		// With a second admin, the first may step down.
		if u, err := svc.SetUserRole(ctx, org, bob.ID, porter.RoleAdmin); err != nil || u.Role != porter.RoleAdmin {
			t.Fatalf("promote: %v %v", u, err)
		}
		if _, err := svc.SetUserRole(ctx, org, ann.ID, porter.RoleViewer); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetUserRole(ctx, org, ann.ID, porter.RoleAdmin); err != nil {
			t.Fatal(err)
		}

		// Deactivating bob ends his sessions at once and refuses his sign-in.
		token, err := svc.StartSession(ctx, bob)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SessionUser(ctx, token); err != nil {
			t.Fatal(err)
		}
		u, err := svc.DeactivateUser(ctx, org, bob.ID)
		if err != nil || u.Active() {
			t.Fatalf("deactivate: %v %v", u, err)
		}
		if _, err := svc.SessionUser(ctx, token); !isCode(err, porter.EUNAUTHORIZED) {
			t.Fatalf("session after deactivation: %v", err)
		}
		_, wrong := svc.Authenticate(ctx, "bob@example.com", "not his password")
		_, deact := svc.Authenticate(ctx, "bob@example.com", pw)
		if !isCode(deact, porter.EUNAUTHORIZED) || deact.Error() != wrong.Error() {
			t.Fatalf("sign-in when deactivated: %v (wrong password: %v)", deact, wrong)
		}
		// Now ann is the last active admin again.
		if _, err := svc.DeactivateUser(ctx, org, ann.ID); err != porter.ErrLastAdmin {
			t.Fatalf("deactivate last active admin: %v", err)
		}
		if _, err := svc.ReactivateUser(ctx, org, bob.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := svc.Authenticate(ctx, "bob@example.com", pw); err != nil || got.ID != bob.ID {
			t.Fatalf("sign-in after reactivation: %v %v", got, err)
		}
	})
}

// The pruner deletes sessions past idle or absolute expiry and keeps the
// live ones.
func TestPruneSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		start := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		now := start
		svc.Now = func() time.Time { return now }
		u, err := svc.CreateUser(ctx, org, porter.UserInput{Email: "ann@example.com", Password: "a long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		busy, _ := svc.StartSession(ctx, u) // used every 11 hours: lives until SessionMax
		idle, _ := svc.StartSession(ctx, u) // never used again
		for now.Add(11 * time.Hour).Before(start.Add(porter.SessionMax)) {
			now = now.Add(11 * time.Hour)
			if _, err := svc.SessionUser(ctx, busy); err != nil {
				t.Fatal(err)
			}
		}
		fresh, _ := svc.StartSession(ctx, u)
		if n, err := svc.PruneSessions(ctx); err != nil || n != 1 {
			t.Fatalf("prune the idle one: %d %v", n, err)
		}
		for _, tok := range []string{busy, fresh} {
			if _, err := svc.SessionUser(ctx, tok); err != nil {
				t.Fatalf("a live session was pruned: %v", err)
			}
		}
		now = start.Add(porter.SessionMax)
		if n, err := svc.PruneSessions(ctx); err != nil || n != 1 {
			t.Fatalf("prune the one past SessionMax: %d %v", n, err)
		}
		if _, err := svc.SessionUser(ctx, fresh); err != nil {
			t.Fatal(err)
		}
		_ = idle
		// The scheduler runs a pass at once and stops with its context.
		now = now.Add(porter.SessionMax)
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { svc.RunSessionPruner(runCtx, time.Hour, nil); close(done) }()
		h := sha256.Sum256([]byte(fresh))
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if _, err := s.(porter.UserStore).Session(ctx, h[:]); isCode(err, porter.ENOTFOUND) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the pruner did not run")
			}
		}
		cancel()
		<-done
	})
}

// Changing a user's role and deactivating them are audited, and each
// fires audit.critical_event; a change to nothing writes nothing.
func TestUserAdminAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		svc, org := newService(t, s)
		ctx := context.Background()
		admin, err := svc.CreateUser(ctx, org, porter.UserInput{Email: "admin@acme.test", Role: porter.RoleAdmin, Password: "a long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		ann, err := svc.CreateUser(ctx, org, porter.UserInput{Email: "ann@acme.test", Role: porter.RoleViewer, Password: "a long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		ctx = porter.WithActor(ctx, porter.Actor{Type: porter.ActorUser, ID: admin.ID, Label: admin.Email})
		if _, err := svc.SetUserRole(ctx, org, ann.ID, porter.RoleManager); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetUserRole(ctx, org, ann.ID, porter.RoleManager); err != nil { // no change
			t.Fatal(err)
		}
		if _, err := svc.DeactivateUser(ctx, org, ann.ID); err != nil {
			t.Fatal(err)
		}
		log, err := svc.AuditLog(ctx, org, porter.AuditFilter{ResourceType: "user", ResourceID: ann.ID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log.Items {
			actions = append(actions, e.Action)
		}
		if strings.Join(actions, " ") != "user.deactivate user.set_role user.create" {
			t.Fatalf("audit log of the user: %v", actions)
		}
		events, err := svc.Events(ctx, org, porter.EventFilter{Types: []string{"audit.critical_event"}})
		if err != nil {
			t.Fatal(err)
		}
		if events.Total != 2 {
			t.Fatalf("%d critical events, want 2 (role changed, deactivated)", events.Total)
		}
	})
}
