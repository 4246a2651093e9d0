package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/storetest"
	"porter/webhook"
)

// Settings → Integrations keeps a poll URL, and Sync now polls it (a
// loopback endpoint, through the guard) and reports what it fetched.
func TestIntegrationConsoleSyncNow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := integrationSite(t, st)
		guard := &webhook.Guard{AllowPrivate: true}
		s.svc.ICalClient = guard.Client(5 * time.Second)
		t.Cleanup(s.svc.ICalClient.CloseIdleConnections)
		src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `[{"entity": "defect", "id": "D-1", "data": {"summary": "Cracked tile"}}]`)
		}))
		defer src.Close()
		bg := context.Background()
		p, err := s.svc.CreateProperty(bg, s.org, porter.PropertyInput{Name: ptr("Tower A")})
		must(t, err)
		admin := s.session(t, "admin@acme.test")
		form := url.Values{"name": {"Snags"}, "type": {"handover"}, "sync_mode": {"scheduled"}, "sync_interval_seconds": {"300"},
			"poll_url": {src.URL + "/snags"}, "credential_type": {"shared_secret"},
			"mapping": {fmt.Sprintf(`{"entities": {"defect": {"target": "work_order", "fields": {"title": "summary"}, "defaults": {"property_id": %d}}}}`, p.ID)}}
		// Scheduled without a poll URL is refused, naming it.
		if code, body := post(t, s.URL+"/settings/integrations", admin, with(form, "poll_url", "")); code != http.StatusBadRequest || !strings.Contains(body, "poll_url") {
			t.Fatalf("no poll_url: %d", code)
		}
		if code, _ := post(t, s.URL+"/settings/integrations", admin, form); code != http.StatusOK && code != http.StatusSeeOther {
			t.Fatalf("create: %d", code)
		}
		l, err := s.svc.Integrations(bg, s.org, porter.IntegrationFilter{})
		must(t, err)
		if len(l.Items) != 1 || l.Items[0].PollURL != src.URL+"/snags" {
			t.Fatalf("integrations = %+v", l.Items)
		}
		ip := "/settings/integrations/" + itoa(l.Items[0].ID)
		if code, body := get(t, s.URL+ip, admin); code != 200 || !strings.Contains(body, `id="sync-integration"`) || !strings.Contains(body, `value="`+src.URL+`/snags"`) {
			t.Fatalf("the page: %d", code)
		}
		code, body := post(t, s.URL+ip+"/sync", admin, nil)
		if code != 200 || !strings.Contains(body, "Sync: 1 page(s), 1 record(s): 1 succeeded, 0 mapped, 0 failed.") {
			t.Fatalf("sync now: %d %s", code, body)
		}
		wos, err := s.svc.WorkOrders(bg, s.org, porter.WorkOrderFilter{})
		if err != nil || len(wos.Items) != 1 {
			t.Fatalf("work orders: %+v %v", wos.Items, err)
		}
	})
}
