package console_test

import (
	"context"
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// An integration's page shows its first sync's progress (seed 001), and
// an admin ends it there, once.
func TestIntegrationConsoleFirstSync(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := integrationSite(t, st)
		bg := context.Background()
		it, err := s.svc.CreateIntegration(bg, s.org, porter.IntegrationInput{Name: ptr("Arkan Handover"), Type: ptr("handover")})
		must(t, err)
		admin := s.session(t, "admin@acme.test")
		ip := s.URL + "/settings/integrations/" + itoa(it.ID)
		if code, body := get(t, ip, admin); code != 200 || !strings.Contains(body, `id="complete-first-sync"`) || !strings.Contains(body, "pending, 0 record(s)") {
			t.Fatalf("the page before: %d %s", code, body)
		}
		code, body := post(t, ip+"/first-sync-complete", admin, nil)
		if code != 200 || !strings.Contains(body, "First sync completed") || strings.Contains(body, `id="complete-first-sync"`) {
			t.Fatalf("complete: %d %s", code, body)
		}
		got, err := s.svc.Integration(bg, s.org, it.ID)
		must(t, err)
		if got.FirstSync.State != porter.FirstSyncCompleted || got.FirstSyncCompletedAt == nil {
			t.Fatalf("first sync = %+v", got.FirstSync)
		}
		// Again (a stale page): nothing changes, the completion stays.
		if code, _ := post(t, ip+"/first-sync-complete", admin, nil); code != 200 {
			t.Fatalf("complete again: %d", code)
		}
		again, err := s.svc.Integration(bg, s.org, it.ID)
		must(t, err)
		if !again.FirstSyncCompletedAt.Equal(*got.FirstSyncCompletedAt) {
			t.Fatalf("completed at moved: %v → %v", got.FirstSyncCompletedAt, again.FirstSyncCompletedAt)
		}
	})
}
