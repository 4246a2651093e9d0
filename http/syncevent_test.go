package http_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Seed 001's per-model sync events end to end, on both engines, with a
// real delivery engine and real loopback receivers: an integration's first
// sync of 1,000 records makes no DATA_NEW delivery; once it is completed,
// one new record makes exactly one; a DATA_UPDATE subscription gets the
// changed fields. A record nobody imported is not held back meanwhile.
func TestSyncEventsFirstSyncGate(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		a.deliver()
		rcNew, rcUpd := newReceiver(t), newReceiver(t)
		hNew := a.do("POST", "/v1/webhooks", map[string]any{"url": rcNew.srv.URL + "/new", "events": []string{"properties.DATA_NEW"}}).must(t, 201).obj("data")
		a.do("POST", "/v1/webhooks", map[string]any{"url": rcUpd.srv.URL + "/upd", "events": []string{"*.DATA_UPDATE"}}).must(t, 201)

		created := a.do("POST", "/v1/integrations", map[string]any{"name": "PMS import", "type": "custom",
			"mapping": map[string]any{"entities": map[string]any{"building": map[string]any{"target": "property", "fields": map[string]any{"name": "name"}}}}}).must(t, 201).obj("data")
		secret, receiver, id := created["secret"].(string), created["receiver_url"].(string), created["id"].(float64)
		path := fmt.Sprintf("/v1/integrations/%d", int(id))
		firstSync := func() map[string]any {
			return a.do("GET", path, nil).must(t, 200).obj("data")["first_sync"].(map[string]any)
		}
		if fs := firstSync(); fs["state"] != "pending" || fs["records"] != 0.0 || fs["completed_at"] != nil {
			t.Fatalf("first_sync before any record = %v", fs)
		}

		var batch strings.Builder
		for i := range 1000 {
			fmt.Fprintf(&batch, `{"entity": "building", "id": "B-%d", "data": {"name": "Building %d"}}`+"\n", i, i)
		}
		if rc := a.hook(receiver, secret, "application/x-ndjson", batch.String(), 0).must(t, 200).obj("data"); rc["succeeded"] != 1000.0 {
			t.Fatalf("first sync receipt: succeeded %v, failed %v", rc["succeeded"], rc["failed"])
		}
		if fs := firstSync(); fs["state"] != "running" || fs["records"] != 1000.0 {
			t.Fatalf("first_sync after 1,000 records = %v", fs)
		}

		// Made by hand during the first sync: not imported, so not held back.
		a.do("POST", "/v1/properties", map[string]any{"name": "Hand-made"}).must(t, 201)
		got := rcNew.next(t)
		if d := got.body["data"].(map[string]any); got.header.Get("X-PM-Event") != "properties.DATA_NEW" || d["integration_id"] != nil ||
			d["record"].(map[string]any)["name"] != "Hand-made" {
			t.Fatalf("hand-made record's DATA_NEW: %v %v", got.header, got.body)
		}

		done := a.do("POST", path+"/first_sync/complete", nil).must(t, 200).obj("data")["first_sync"].(map[string]any)
		if done["state"] != "completed" || done["records"] != 1000.0 || done["completed_at"] == nil {
			t.Fatalf("first_sync completed = %v", done)
		}
		again := a.do("POST", path+"/first_sync/complete", nil).must(t, 200).obj("data")["first_sync"].(map[string]any)
		if again["completed_at"] != done["completed_at"] {
			t.Fatalf("completing again moved completed_at: %v then %v", done, again)
		}

		// One new record after the first sync: exactly one DATA_NEW, with
		// the id of the property.created event it derives from.
		a.hook(receiver, secret, "application/json", `{"entity": "building", "id": "B-1000", "data": {"name": "Building 1000"}}`, 0).must(t, 200)
		got = rcNew.next(t)
		latest := items(a.do("GET", "/v1/events?type=property.created&per_page=1", nil).must(t, 200))[0]
		want := map[string]any{"event_type": "DATA_NEW", "model": "properties", "integration_id": id, "record_id": latest["data"].(map[string]any)["id"],
			"source_event": "property.created"}
		d := got.body["data"].(map[string]any)
		for k, v := range want {
			if d[k] != v {
				t.Errorf("data.%s = %v, want %v", k, d[k], v)
			}
		}
		if got.body["event"] != "properties.DATA_NEW" || got.body["id"] != latest["id"] || got.header.Get("X-PM-Event") != "properties.DATA_NEW" ||
			d["record"].(map[string]any)["name"] != "Building 1000" || d["changed_fields"] != nil {
			t.Fatalf("DATA_NEW after the first sync: %v %v", got.header, got.body)
		}

		// An imported record changes: DATA_UPDATE names the changed fields.
		a.hook(receiver, secret, "application/json", `{"entity": "building", "id": "B-7", "data": {"name": "Building Seven"}}`, 0).must(t, 200)
		up := rcUpd.next(t)
		ud := up.body["data"].(map[string]any)
		if up.body["event"] != "properties.DATA_UPDATE" || ud["integration_id"] != id || ud["source_event"] != "property.updated" ||
			!reflect.DeepEqual(ud["changed_fields"], []any{"name"}) || ud["record"].(map[string]any)["name"] != "Building Seven" ||
			up.body["previous_attributes"].(map[string]any)["name"] != "Building 7" {
			t.Fatalf("DATA_UPDATE: %v", up.body)
		}

		// The 1,000 first-sync records fanned out before B-1000's event
		// (the outbox goes in order), none as DATA_NEW.
		hook := fmt.Sprintf("/v1/webhooks/%d", int(idOf(hNew)))
		if n := a.do("GET", hook+"/deliveries", nil).must(t, 200).obj("meta")["total"]; n != 2.0 {
			t.Fatalf("%v DATA_NEW deliveries, want 2 (the hand-made record and B-1000)", n)
		}
		select {
		case r := <-rcNew.got:
			t.Fatalf("an unexpected DATA_NEW delivery: %v", r.body)
		case <-time.After(100 * time.Millisecond):
		}
		if l := items(a.do("GET", hook+"/deliveries?event=properties.DATA_NEW", nil).must(t, 200)); len(l) != 2 {
			t.Fatalf("deliveries filtered by the sync event: %v", l)
		}

		// A test delivery samples the latest source event, reshaped.
		a.do("POST", hook+"/test", nil).must(t, 202)
		sample := rcNew.next(t)
		if sd := sample.body["data"].(map[string]any); sample.body["event"] != "properties.DATA_NEW" || sample.body["test"] != true ||
			sd["model"] != "properties" || sd["record"].(map[string]any)["name"] != "Building 1000" {
			t.Fatalf("test delivery: %v", sample.body)
		}
	})
}

// Subscriptions name sync events as they name events: unknown kinds and
// models are 400 naming them. Completing a first sync is the
// integration's own: another organization's is 404.
func TestSyncEventSubscriptions(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		rc := newReceiver(t)
		for _, events := range [][]string{{"leases.DATA_NEW"}, {"leases.*"}, {"*.DATA_NEW", "work_orders.DATA_UPDATE"}} {
			a.do("POST", "/v1/webhooks", map[string]any{"url": rc.srv.URL + "/hook", "events": events}).must(t, 201)
		}
		for _, bad := range []string{"leases.DATA_DELETE", "payments.DATA_UPDATE", "*.DATA_GONE", "lease.DATA_NEW"} {
			r := a.do("POST", "/v1/webhooks", map[string]any{"url": rc.srv.URL + "/hook", "events": []string{bad}}).must(t, 400)
			if !strings.Contains(string(r.Body), bad) {
				t.Errorf("%s: the refusal does not name it: %s", bad, r.Body)
			}
		}
		created := a.do("POST", "/v1/integrations", map[string]any{"name": "PMS import", "type": "custom"}).must(t, 201).obj("data")
		path := fmt.Sprintf("/v1/integrations/%d/first_sync/complete", int(created["id"].(float64)))
		a.doKey(a.otherKey, "POST", path, nil, nil).must(t, 404)
		a.do("POST", "/v1/integrations/999999/first_sync/complete", nil).must(t, 404)
		if got := a.do("GET", fmt.Sprintf("/v1/integrations/%d", int(created["id"].(float64))), nil).must(t, 200).obj("data")["first_sync"]; got.(map[string]any)["state"] != "pending" {
			t.Fatalf("first_sync after refused completions = %v", got)
		}
	})
}
