package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// The webhook form's event picker lists seed 001's per-model sync events
// from the catalog, grouped by model, and the catalog page shows their
// payload reshaped.
func TestSyncEventsInPicker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		u, err := s.svc.Authenticate(context.Background(), "admin@acme.test", password)
		must(t, err)
		token, err := s.svc.StartSession(context.Background(), u)
		must(t, err)
		cookie := &http.Cookie{Name: "porter_session", Value: token}
		code, body := get(t, s.URL+"/settings/webhooks", cookie)
		if code != 200 {
			t.Fatalf("webhooks: %d", code)
		}
		for _, want := range []string{`value="leases.DATA_NEW"`, `value="leases.DATA_UPDATE"`, `value="leases.*"`, `value="work_orders.DATA_UPDATE"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the picker lacks %s", want)
			}
		}
		code, body = get(t, s.URL+"/catalog", cookie)
		if code != 200 || !strings.Contains(body, `id="event-leases.DATA_UPDATE"`) || !strings.Contains(body, `&#34;changed_fields&#34;`) {
			t.Fatalf("catalog: %d, no leases.DATA_UPDATE with changed_fields", code)
		}
	})
}
