package http_test

import (
	"fmt"
	"strings"
	"testing"
)

// An integration's MQTT subscription over the API: shown without its
// password, validated field by field (422 naming the field, nothing
// written), the broker's host through the webhook guard (a refusal is
// decided at registration, before any connection), edited and removed.
func TestIntegrationMQTTSettings(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		icalAPI(t, a) // the guard, allowing loopback as PORTER_ALLOW_PRIVATE_WEBHOOKS does
		mapping := map[string]any{"entities": map[string]any{"alarm": map[string]any{"target": "alarm"},
			"reading": map[string]any{"target": "meter_reading"}}}
		good := map[string]any{"broker_url": "mqtt://127.0.0.1:1883", "username": "porter", "password": "s3cret-pass",
			"topics": []any{map[string]any{"filter": "bms/+/alarm", "entity": "alarm"}, map[string]any{"filter": "bms/+/temp", "entity": "reading", "qos": 0}}}
		created := a.do("POST", "/v1/integrations", map[string]any{"name": "BMS", "type": "bms", "mapping": mapping, "mqtt": good}).must(t, 201).obj("data")
		m := created["mqtt"].(map[string]any)
		topics := m["topics"].([]any)
		if m["broker_url"] != "mqtt://127.0.0.1:1883" || m["has_password"] != true || strings.Contains(fmt.Sprint(created), "s3cret-pass") ||
			topics[0].(map[string]any)["qos"].(float64) != 1 || topics[1].(map[string]any)["qos"].(float64) != 0 {
			t.Fatalf("created = %v", created)
		}
		id := int(created["id"].(float64))
		path := fmt.Sprintf("/v1/integrations/%d", id)
		before := a.do("GET", path, nil).must(t, 200).obj("data")

		bad := []struct {
			name  string
			mqtt  map[string]any
			typ   string
			field string
		}{
			{"scheme", map[string]any{"broker_url": "http://127.0.0.1:1883", "topics": good["topics"]}, "", "mqtt.broker_url"},
			{"credentials in the URL", map[string]any{"broker_url": "mqtt://u:p@127.0.0.1", "topics": good["topics"]}, "", "mqtt.broker_url"},
			{"path", map[string]any{"broker_url": "mqtt://127.0.0.1/x", "topics": good["topics"]}, "", "mqtt.broker_url"},
			{"port", map[string]any{"broker_url": "mqtt://127.0.0.1:70000", "topics": good["topics"]}, "", "mqtt.broker_url"},
			{"metadata address", map[string]any{"broker_url": "mqtt://169.254.169.254:1883", "topics": good["topics"]}, "", "mqtt.broker_url"},
			{"no topics", map[string]any{"broker_url": "mqtt://127.0.0.1"}, "", "mqtt.topics"},
			{"# not last", map[string]any{"broker_url": "mqtt://127.0.0.1", "topics": []any{map[string]any{"filter": "bms/#/x", "entity": "alarm"}}}, "", "mqtt.topics[0].filter"},
			{"+ in a level", map[string]any{"broker_url": "mqtt://127.0.0.1", "topics": []any{map[string]any{"filter": "bms/a+", "entity": "alarm"}}}, "", "mqtt.topics[0].filter"},
			{"shared subscription", map[string]any{"broker_url": "mqtt://127.0.0.1", "topics": []any{map[string]any{"filter": "$share/g/bms", "entity": "alarm"}}}, "", "mqtt.topics[0].filter"},
			{"unmapped entity", map[string]any{"broker_url": "mqtt://127.0.0.1", "topics": []any{map[string]any{"filter": "bms/x", "entity": "door"}}}, "", "mqtt.topics[0].entity"},
			{"qos 2", map[string]any{"broker_url": "mqtt://127.0.0.1", "topics": []any{map[string]any{"filter": "bms/x", "entity": "alarm", "qos": 2}}}, "", "mqtt.topics[0].qos"},
			{"not bms or iot", good, "custom", "mqtt"},
		}
		for _, c := range bad {
			typ := "iot"
			if c.typ != "" {
				typ = c.typ
			}
			r := a.do("POST", "/v1/integrations", map[string]any{"name": "X", "type": typ, "mapping": mapping, "mqtt": c.mqtt}).must(t, 422)
			if !strings.Contains(fmt.Sprint(r.JSON["errors"]), "field:"+c.field+" ") {
				t.Errorf("%s: errors = %v", c.name, r.JSON["errors"])
			}
			if c.typ == "" {
				a.do("PATCH", path, map[string]any{"mqtt": c.mqtt}).must(t, 422)
			}
		}
		// A mapping edit that leaves a topic's entity unmapped is refused too.
		a.do("PATCH", path, map[string]any{"mapping": map[string]any{"entities": map[string]any{"alarm": map[string]any{"target": "alarm"}}}}).must(t, 422)
		if after := a.do("GET", path, nil).must(t, 200).obj("data"); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("a refused edit wrote:\n%v\n%v", before, after)
		}
		list := a.do("GET", "/v1/integrations?type=bms", nil).must(t, 200)
		if fmt.Sprint(list.JSON["data"].([]any)[0].(map[string]any)["mqtt"]) != fmt.Sprint(before["mqtt"]) {
			t.Fatalf("list = %s", list.Body)
		}

		// A password left out is kept; "" removes it; broker_url "" removes
		// the subscription.
		edited := a.do("PATCH", path, map[string]any{"mqtt": map[string]any{"broker_url": "mqtts://127.0.0.1", "topics": good["topics"]}}).must(t, 200).obj("data")
		if e := edited["mqtt"].(map[string]any); e["broker_url"] != "mqtts://127.0.0.1" || e["has_password"] != true || e["username"] != "" {
			t.Fatalf("edited = %v", e)
		}
		edited = a.do("PATCH", path, map[string]any{"mqtt": map[string]any{"broker_url": "mqtts://127.0.0.1", "password": "", "topics": good["topics"]}}).must(t, 200).obj("data")
		if edited["mqtt"].(map[string]any)["has_password"] != false {
			t.Fatalf("edited = %v", edited)
		}
		removed := a.do("PATCH", path, map[string]any{"mqtt": map[string]any{"broker_url": ""}}).must(t, 200).obj("data")
		if removed["mqtt"] != nil {
			t.Fatalf("removed = %v", removed)
		}
		// Another organization's integration is not found.
		a.doKey(a.otherKey, "PATCH", path, map[string]any{"mqtt": good}, nil).must(t, 404)
	})
}
