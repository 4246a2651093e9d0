package porter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// auditFixture is a service with a fixed clock, one organization and an
// API key acting in ctx.
type auditFixture struct {
	svc *porter.Service
	org *porter.Organization
	ctx context.Context
	now time.Time
}

func newAuditFixture(t *testing.T, s porter.Store) *auditFixture {
	t.Helper()
	f := &auditFixture{now: time.Date(2026, 7, 15, 10, 0, 0, 0, time.UTC)}
	f.svc = porter.NewService(s, "http://127.0.0.1", nil)
	f.svc.Now = func() time.Time { return f.now }
	var err error
	if f.org, err = f.svc.CreateOrganization(context.Background(), "Acme"); err != nil {
		t.Fatal(err)
	}
	f.ctx = porter.WithActor(context.Background(), porter.Actor{Type: porter.ActorAPIKey, ID: 7, Label: "pm_AbCd1234",
		IP: "127.0.0.1", UserAgent: "zapier/1.0", RequestID: "req_1"})
	return f
}

func (f *auditFixture) log(t *testing.T, filter porter.AuditFilter) []*porter.AuditEntry {
	t.Helper()
	l, err := f.svc.AuditLog(context.Background(), f.org.ID, filter)
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

func (f *auditFixture) events(t *testing.T, typ string) []*porter.Event {
	t.Helper()
	l, err := f.svc.Events(context.Background(), f.org.ID, porter.EventFilter{ListParams: porter.ListParams{PerPage: 100}, Types: []string{typ}})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

// One write leaves one entry, in its transaction: who, what, the diff; a
// write that fails leaves none, and neither does one that changes nothing.
func TestAuditOneEntryPerWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newAuditFixture(t, s)
		p, err := f.svc.CreateProperty(f.ctx, f.org.ID, porter.PropertyInput{Name: ptr("Dar Atlas"), Address: ptr("1 rue Tarik"), City: ptr("Rabat"), Country: ptr("MA")})
		if err != nil {
			t.Fatal(err)
		}
		got := f.log(t, porter.AuditFilter{})
		if len(got) != 1 {
			t.Fatalf("%d entries after one write, want 1", len(got))
		}
		e := got[0]
		if e.Action != "property.create" || e.ResourceType != "property" || e.ResourceID != p.ID ||
			e.Actor.Type != porter.ActorAPIKey || e.Actor.ID != 7 || e.Actor.Label != "pm_AbCd1234" ||
			e.Actor.IP != "127.0.0.1" || e.Actor.UserAgent != "zapier/1.0" || e.Actor.RequestID != "req_1" || !e.CreatedAt.Equal(f.now) {
			t.Fatalf("entry %+v", e)
		}
		if e.Before != nil || !strings.Contains(string(e.After), `"name":"Dar Atlas"`) {
			t.Fatalf("creation diff before=%s after=%s", e.Before, e.After)
		}

		if _, err := f.svc.UpdateProperty(f.ctx, f.org.ID, p.ID, porter.PropertyInput{Name: ptr("Dar Atlas II")}); err != nil {
			t.Fatal(err)
		}
		e = f.log(t, porter.AuditFilter{})[0]
		if e.Action != "property.update" || string(e.Before) != `{"name":"Dar Atlas"}` || string(e.After) != `{"name":"Dar Atlas II"}` {
			t.Fatalf("update entry %s before=%s after=%s", e.Action, e.Before, e.After)
		}

		// Failing writes and a no-op write leave nothing.
		if _, err := f.svc.UpdateProperty(f.ctx, f.org.ID, p.ID+100, porter.PropertyInput{Name: ptr("x")}); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("update of a missing property: %v", err)
		}
		if _, err := f.svc.CreateProperty(f.ctx, f.org.ID, porter.PropertyInput{}); porter.ErrorCode(err) != porter.EINVALID {
			t.Fatalf("invalid create: %v", err)
		}
		if _, err := f.svc.UpdateProperty(f.ctx, f.org.ID, p.ID, porter.PropertyInput{Name: ptr("Dar Atlas II")}); err != nil {
			t.Fatal(err)
		}
		if n := len(f.log(t, porter.AuditFilter{})); n != 2 {
			t.Fatalf("%d entries, want 2: failed and no-op writes are not audited", n)
		}

		// With no actor in the context the system is the author.
		if _, err := f.svc.ArchiveProperty(context.Background(), f.org.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		if e := f.log(t, porter.AuditFilter{})[0]; e.Action != "property.archive" || e.Actor.Type != porter.ActorSystem {
			t.Fatalf("archive entry %s by %+v", e.Action, e.Actor)
		}
	})
}

// Writes without an event (API keys, delivery replays) are audited too,
// secrets never reach the log, and critical actions fire
// audit.critical_event.
func TestAuditKeysWebhooksAndCriticalEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newAuditFixture(t, s)
		f.svc.Secrets = secretBox(t)
		text, key, err := f.svc.CreateAPIKey(f.ctx, f.org.ID, porter.APIKeyInput{Name: "Zapier", Scopes: []string{"audit:read"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RevokeAPIKey(f.ctx, f.org.ID, key.ID); err != nil {
			t.Fatal(err)
		}
		secret := "whsec_" + strings.Repeat("s", 32)
		w, err := f.svc.CreateWebhook(f.ctx, f.org.ID, porter.WebhookInput{URL: "http://127.0.0.1:9/hook", Events: []string{"property.*"}, Secret: &secret})
		if err != nil {
			t.Fatal(err)
		}
		rotated := "whsec_" + strings.Repeat("r", 32)
		if _, err := f.svc.RotateWebhookSecret(f.ctx, f.org.ID, w.ID, porter.RotateSecretInput{Secret: &rotated}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.DeleteWebhook(f.ctx, f.org.ID, w.ID); err != nil {
			t.Fatal(err)
		}
		entries := f.log(t, porter.AuditFilter{})
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
			for _, b := range [][]byte{e.Before, e.After} {
				for _, leak := range []string{secret, rotated, text, "whsec_"} {
					if strings.Contains(string(b), leak) {
						t.Fatalf("%s leaks a secret: %s", e.Action, b)
					}
				}
			}
		}
		want := "webhook.delete webhook.rotate_secret webhook.create api_key.revoke api_key.create"
		if strings.Join(actions, " ") != want {
			t.Fatalf("actions %q, want %q", strings.Join(actions, " "), want)
		}
		if !strings.Contains(string(entries[1].After), "secret_rotated_at") {
			t.Fatalf("rotation diff %s", entries[1].After)
		}
		if !strings.Contains(string(entries[4].After), `"prefix":"pm_`) {
			t.Fatalf("key creation diff %s", entries[4].After)
		}
		critical := f.events(t, "audit.critical_event")
		var got []string
		for _, ev := range critical {
			var d struct {
				ID       int64  `json:"id"`
				Action   string `json:"action"`
				Reason   string `json:"reason"`
				Actor    struct{ Type, Label, IP string }
				Resource struct {
					Type string
					ID   int64
				}
			}
			if err := json.Unmarshal(ev.Data, &d); err != nil {
				t.Fatal(err)
			}
			if d.Reason == "" || d.Actor.Type != "api_key" || d.Actor.Label != "pm_AbCd1234" || d.Actor.IP != "127.0.0.1" || d.Resource.Type == "" {
				t.Fatalf("critical event data %s", ev.Data)
			}
			got = append(got, d.Action)
		}
		if strings.Join(got, " ") != "webhook.delete webhook.rotate_secret api_key.revoke api_key.create" {
			t.Fatalf("critical events %v", got)
		}
	})
}

// More than MassDeletionLimit deletions by one actor within a minute fire
// one audit.critical_event; another actor's deletions count apart.
func TestAuditMassDeletion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newAuditFixture(t, s)
		f.svc.Secrets = secretBox(t)
		var ids []int64
		for i := 0; i < porter.MassDeletionLimit+2; i++ {
			w, err := f.svc.CreateWebhook(f.ctx, f.org.ID, porter.WebhookInput{URL: fmt.Sprintf("http://127.0.0.1:9/h%d", i), Events: []string{"property.*"}})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, w.ID)
		}
		for _, id := range ids {
			if _, err := f.svc.DeleteWebhook(f.ctx, f.org.ID, id); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		for _, ev := range f.events(t, "audit.critical_event") {
			if strings.Contains(string(ev.Data), "mass deletion") {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d mass-deletion events, want 1", n)
		}
	})
}

// The log filters by actor, resource, action (exact or family) and time,
// and never shows another organization's entries.
func TestAuditFiltersAndIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newAuditFixture(t, s)
		p, err := f.svc.CreateProperty(f.ctx, f.org.ID, porter.PropertyInput{Name: ptr("A"), Address: ptr("1 rue"), City: ptr("Rabat"), Country: ptr("MA")})
		if err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(time.Hour)
		cli := porter.WithActor(context.Background(), porter.Actor{Type: porter.ActorCLI, Label: "porter apikey create"})
		if _, err := f.svc.UpdateProperty(cli, f.org.ID, p.ID, porter.PropertyInput{Name: ptr("B")}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.CreateAPIKey(cli, f.org.ID, porter.APIKeyInput{Name: "k"}); err != nil {
			t.Fatal(err)
		}
		other, err := f.svc.CreateOrganization(context.Background(), "Other")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateProperty(f.ctx, other.ID, porter.PropertyInput{Name: ptr("C"), Address: ptr("2 rue"), City: ptr("Fes"), Country: ptr("MA")}); err != nil {
			t.Fatal(err)
		}
		from := f.now
		for _, tc := range []struct {
			name   string
			filter porter.AuditFilter
			want   string
		}{
			{"all", porter.AuditFilter{}, "api_key.create property.update property.create"},
			{"actor type", porter.AuditFilter{ActorType: "cli"}, "api_key.create property.update"},
			{"actor id", porter.AuditFilter{ActorType: "api_key", ActorID: 7}, "property.create"},
			{"other actor id", porter.AuditFilter{ActorType: "api_key", ActorID: 8}, ""},
			{"resource", porter.AuditFilter{ResourceType: "property", ResourceID: p.ID}, "property.update property.create"},
			{"action", porter.AuditFilter{Action: "property.update"}, "property.update"},
			{"family", porter.AuditFilter{Action: "property.*"}, "property.update property.create"},
			{"from", porter.AuditFilter{From: &from}, "api_key.create property.update"},
			{"to", porter.AuditFilter{To: ptr(from.Add(-time.Second))}, "property.create"},
			{"page", porter.AuditFilter{ListParams: porter.ListParams{PerPage: 1, Page: 2}}, "property.update"},
		} {
			var got []string
			for _, e := range f.log(t, tc.filter) {
				got = append(got, e.Action)
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("%s: %q, want %q", tc.name, strings.Join(got, " "), tc.want)
			}
		}
		if _, err := f.svc.AuditLog(context.Background(), f.org.ID, porter.AuditFilter{ActorType: "robot"}); porter.ErrorCode(err) != porter.EINVALID {
			t.Fatalf("unknown actor type: %v", err)
		}
	})
}

// Entries older than the retention (three years by default) are pruned in
// batches; newer ones stay.
func TestPruneAuditLogPastRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newAuditFixture(t, s)
		insert := func(n int, at time.Time) {
			ts := at.UTC().Format("2006-01-02T15:04:05.000000Z")
			var rows []string
			for i := 0; i < n; i++ {
				rows = append(rows, fmt.Sprintf("(%d, 'tenant.create', 'system', 'tenant', %d, '%s')", f.org.ID, i+1, ts))
			}
			storetest.Exec(t, s, `INSERT INTO audit_log (org_id, action, actor_type, resource_type, resource_id, created_at) VALUES `+strings.Join(rows, ","))
		}
		const old = 1100 // more than one batch
		insert(old, f.now.Add(-porter.DefaultAuditRetention-time.Hour))
		insert(3, f.now.Add(-porter.DefaultAuditRetention+time.Hour))
		n, err := f.svc.PruneAuditLog(context.Background(), porter.DefaultAuditRetention)
		if err != nil || n != old {
			t.Fatalf("pruned %d (%v), want %d", n, err, old)
		}
		l, err := f.svc.AuditLog(context.Background(), f.org.ID, porter.AuditFilter{})
		if err != nil || l.Total != 3 {
			t.Fatalf("left %d (%v), want 3", l.Total, err)
		}
		if porter.DefaultAuditRetention != 3*365*24*time.Hour {
			t.Fatalf("default retention %v, README says 3 years", porter.DefaultAuditRetention)
		}
	})
}

// A console account whose failed sign-ins trip the limit gets an entry and
// audit.critical_event naming the account and address, never a password.
func TestAuditSignInBurst(t *testing.T) {
	porter.LightPasswordHashing()
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newAuditFixture(t, s)
		u, err := f.svc.CreateUser(f.ctx, f.org.ID, porter.UserInput{Email: "ops@example.com", Role: porter.RoleAdmin, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if e := f.log(t, porter.AuditFilter{})[0]; e.Action != "user.create" || strings.Contains(string(e.After), "argon2") || e.ResourceID != u.ID {
			t.Fatalf("user creation entry %s %s", e.Action, e.After)
		}
		if err := f.svc.SignInBurst(context.Background(), "ops@example.com", "192.0.2.1", 5, 15*time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SignInBurst(context.Background(), "nobody@example.com", "192.0.2.1", 5, 15*time.Minute); err != nil {
			t.Fatal(err)
		}
		ev := f.events(t, "audit.critical_event")
		if len(ev) != 1 || !strings.Contains(string(ev[0].Data), `"action":"user.sign_in_burst"`) || !strings.Contains(string(ev[0].Data), "192.0.2.1") {
			t.Fatalf("critical events %d: %s", len(ev), ev[0].Data)
		}
	})
}

func secretBox(t *testing.T) *porter.SecretBox {
	t.Helper()
	b, err := porter.NewSecretBox([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BenchmarkAuditOverhead: one write (a property and its event) with and
// without its audit entry, by an API key, on each engine.
func BenchmarkAuditOverhead(b *testing.B) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			s := storetest.Open(b, engine)
			svc := porter.NewService(s, "", nil)
			org, err := svc.CreateOrganization(context.Background(), "Bench")
			if err != nil {
				b.Fatal(err)
			}
			ctx := porter.WithActor(context.Background(), porter.Actor{Type: porter.ActorAPIKey, ID: 1, Label: "pm_AbCd1234", IP: "127.0.0.1", UserAgent: "bench"})
			in := porter.PropertyInput{Name: ptr("Dar Atlas"), Address: ptr("1 rue Tarik"), City: ptr("Rabat"), Country: ptr("MA")}
			for _, v := range []struct {
				name  string
				write func() error
			}{
				{"unaudited", func() error { _, err := svc.CreatePropertyUnaudited(ctx, org.ID, in); return err }},
				{"audited", func() error { _, err := svc.CreateProperty(ctx, org.ID, in); return err }},
			} {
				// Warm the engine first: whichever variant ran first paid for it.
				for range 200 {
					if err := v.write(); err != nil {
						b.Fatal(err)
					}
				}
				b.Run(v.name, func(b *testing.B) {
					for b.Loop() {
						if err := v.write(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
