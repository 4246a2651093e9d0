package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// A console user's writes are audited as theirs, and failed sign-ins that
// trip an account's limit fire audit.critical_event (naming the account
// and address, never the password).
func TestConsoleAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		ctx := context.Background()
		u, err := s.svc.Authenticate(ctx, "admin@acme.test", password)
		must(t, err)
		token, err := s.svc.StartSession(ctx, u)
		must(t, err)
		req, _ := http.NewRequest("POST", s.URL+"/settings/api-keys", strings.NewReader("name=Metabase&scope=reports:read"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", "Firefox/140")
		req.AddCookie(&http.Cookie{Name: "porter_session", Value: token})
		if code, body := do(t, req); code >= 400 {
			t.Fatalf("create key: %d %s", code, body)
		}
		l, err := s.svc.AuditLog(ctx, s.org, porter.AuditFilter{ActorType: porter.ActorUser})
		must(t, err)
		if len(l.Items) != 1 {
			t.Fatalf("%d entries by users, want 1", len(l.Items))
		}
		if e := l.Items[0]; e.Action != "api_key.create" || e.Actor.ID != u.ID || e.Actor.Label != "admin@acme.test" ||
			e.Actor.IP != "127.0.0.1" || e.Actor.UserAgent != "Firefox/140" {
			t.Fatalf("entry %+v", e)
		}

		const wrong = "hunter2-not-the-password"
		for range 5 {
			req, _ := http.NewRequest("POST", s.URL+"/login", strings.NewReader(url.Values{"email": {"viewer@acme.test"}, "password": {wrong}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			do(t, req)
		}
		evs, err := s.svc.Events(ctx, s.org, porter.EventFilter{ListParams: porter.ListParams{PerPage: 10}, Types: []string{"audit.critical_event"}})
		must(t, err)
		var burst []string
		for _, e := range evs.Items {
			if strings.Contains(string(e.Data), "user.sign_in_burst") {
				burst = append(burst, string(e.Data))
			}
		}
		if len(burst) != 1 || !strings.Contains(burst[0], "viewer@acme.test") || !strings.Contains(burst[0], `"ip":"127.0.0.1"`) || strings.Contains(burst[0], wrong) {
			t.Fatalf("sign-in burst events: %v", burst)
		}
	})
}
