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

// The MQTT fields of Settings → Integrations, over plain HTTP: a bms
// integration created with a subscription, its password never shown,
// bad fields refused naming them with nothing written, the subscription
// removed by emptying the broker; a viewer may not post.
func TestIntegrationConsoleMQTT(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := integrationSite(t, st)
		s.addManager(t)
		bg := context.Background()
		admin, viewer := s.session(t, "admin@acme.test"), s.session(t, "viewer@acme.test")
		form := url.Values{"name": {"Tower BMS"}, "type": {"bms"}, "sync_mode": {"realtime"}, "credential_type": {"shared_secret"},
			"mapping":         {`{"entities": {"alarm": {"target": "alarm"}}}`},
			"mqtt_broker_url": {"mqtt://127.0.0.1:1883"}, "mqtt_username": {"porter"}, "mqtt_password": {"hunter2-secret"},
			"mqtt_topics": {`[{"filter": "bms/+/alarm", "entity": "alarm"}]`}}
		for _, c := range []struct{ name, key, val, want string }{
			{"bad broker", "mqtt_broker_url", "http://127.0.0.1", "mqtt.broker_url"},
			{"topics not JSON", "mqtt_topics", "[{", "MQTT topics"},
			{"bad filter", "mqtt_topics", `[{"filter": "bms/#/x", "entity": "alarm"}]`, "mqtt.topics[0].filter"},
		} {
			if code, body := post(t, s.URL+"/settings/integrations", admin, with(form, c.key, c.val)); code != http.StatusBadRequest && code != http.StatusUnprocessableEntity ||
				!strings.Contains(body, c.want) {
				t.Errorf("%s: %d, want a refusal naming %q", c.name, code, c.want)
			}
		}
		if code, _ := post(t, s.URL+"/settings/integrations", viewer, form); code != http.StatusForbidden {
			t.Errorf("viewer: %d", code)
		}
		if l, err := s.svc.Integrations(bg, s.org, porter.IntegrationFilter{}); err != nil || l.Total != 0 {
			t.Fatalf("a refused form wrote: %v %v", l.Total, err)
		}
		if code, body := post(t, s.URL+"/settings/integrations", admin, form); code != http.StatusOK || strings.Contains(body, "hunter2-secret") {
			t.Fatalf("create: %d", code)
		}
		l, err := s.svc.Integrations(bg, s.org, porter.IntegrationFilter{})
		must(t, err)
		it := l.Items[0]
		if it.MQTT == nil || it.MQTT.BrokerURL != "mqtt://127.0.0.1:1883" || !it.MQTT.HasPassword || it.MQTT.Topics[0].QoS != 1 {
			t.Fatalf("created = %+v", it.MQTT)
		}
		ip := "/settings/integrations/" + itoa(it.ID)
		if code, body := get(t, s.URL+ip, admin); code != 200 || !strings.Contains(body, "mqtt://127.0.0.1:1883") || strings.Contains(body, "hunter2-secret") ||
			!strings.Contains(body, "stored; leave empty to keep it") {
			t.Fatalf("page: %d", code)
		}
		// Saved without typing the password: kept. An empty broker removes it.
		edit := with(form, "mqtt_password", "")
		if code, _ := post(t, s.URL+ip, admin, edit); code != http.StatusSeeOther {
			t.Fatalf("edit: %d", code)
		}
		if got, err := s.svc.Integration(bg, s.org, it.ID); err != nil || got.MQTT == nil || !got.MQTT.HasPassword {
			t.Fatalf("after the edit: %+v %v", got, err)
		}
		if code, _ := post(t, s.URL+ip, admin, with(edit, "mqtt_broker_url", "")); code != http.StatusSeeOther {
			t.Fatalf("remove: %d", code)
		}
		if got, err := s.svc.Integration(bg, s.org, it.ID); err != nil || got.MQTT != nil {
			t.Fatalf("after removing: %+v %v", got, err)
		}
	})
}
