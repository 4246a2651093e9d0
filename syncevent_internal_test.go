package porter

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// Sync events are subscribed to by name, "<model>.*" or "*.<kind>"; "*"
// keeps meaning the named events, so that a catch-all webhook made before
// them does not start getting every change twice.
func TestSyncEventPatterns(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		want    []string // exactly these; nil: see has/lacks
		has     []string
		lacks   []string
		ok      bool
	}{
		{pattern: "leases.DATA_NEW", want: []string{"leases.DATA_NEW"}, ok: true},
		{pattern: "leases.*", want: []string{"leases.DATA_NEW", "leases.DATA_UPDATE"}, ok: true},
		{pattern: "lease.*", has: []string{"lease.created", "lease.updated"}, lacks: []string{"leases.DATA_NEW"}, ok: true},
		{pattern: "*.DATA_NEW", has: []string{"leases.DATA_NEW", "work_orders.DATA_NEW", "payments.DATA_NEW"}, lacks: []string{"leases.DATA_UPDATE"}, ok: true},
		{pattern: "*.DATA_UPDATE", has: []string{"properties.DATA_UPDATE", "defects.DATA_UPDATE"}, lacks: []string{"payments.DATA_UPDATE", "leases.DATA_NEW"}, ok: true},
		{pattern: "*", has: []string{"lease.created"}, lacks: []string{"leases.DATA_NEW", "assets.DATA_UPDATE"}, ok: true},
		{pattern: "leases.DATA_DELETE"},
		{pattern: "*.DATA_GONE"},
	} {
		got, ok := ExpandEventPattern(tc.pattern)
		if ok != tc.ok {
			t.Errorf("%s: ok = %v, want %v", tc.pattern, ok, tc.ok)
			continue
		}
		if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s = %v, want %v", tc.pattern, got, tc.want)
		}
		for _, n := range tc.has {
			if !slices.Contains(got, n) {
				t.Errorf("%s lacks %s", tc.pattern, n)
			}
		}
		for _, n := range tc.lacks {
			if slices.Contains(got, n) {
				t.Errorf("%s covers %s", tc.pattern, n)
			}
		}
	}
}

// Each sync event needs the scope its sources need, and names a kind seed
// 001 knows.
func TestSyncCatalog(t *testing.T) {
	n := 0
	for _, e := range Catalog {
		if len(e.From) == 0 {
			if IsSyncEvent(e.Name) {
				t.Errorf("%s looks like a sync event but derives from nothing", e.Name)
			}
			continue
		}
		n++
		if !IsSyncEvent(e.Name) {
			t.Errorf("%s derives from %v but is not <model>.DATA_NEW or DATA_UPDATE", e.Name, e.From)
		}
		for _, src := range e.From {
			if s, _ := LookupEvent(src); s.Scope != e.Scope {
				t.Errorf("%s needs %s, its source %s needs %s", e.Name, e.Scope, src, s.Scope)
			}
		}
		if _, err := ExamplePayload(e, time.Date(2025, 5, 9, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Errorf("%s example: %v", e.Name, err)
		}
	}
	if n < 20 {
		t.Errorf("%d sync events in the catalog", n)
	}
}

// The body of a sync delivery: the same id and time, the record (taken out
// of {"defect": {…}}), the integration, and for updates the changed fields;
// DATA_NEW stays silent for a first-sync import, DATA_UPDATE does not.
func TestSyncEventBody(t *testing.T) {
	it := int64(7)
	at := time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		e      Event
		target string
		data   string
		prev   string
	}{
		{name: "new, imported during the first sync", e: Event{Type: "lease.created", ResourceType: "lease", ResourceID: 3,
			Data: json.RawMessage(`{"id":3}`), IntegrationID: &it, FirstSync: true}},
		{name: "new, imported after it", target: "leases.DATA_NEW", e: Event{Type: "lease.created", ResourceType: "lease", ResourceID: 3,
			Data: json.RawMessage(`{"id":3}`), IntegrationID: &it},
			data: `{"event_type":"DATA_NEW","model":"leases","record_id":3,"integration_id":7,"record":{"id":3},"source_event":"lease.created"}`},
		{name: "update during the first sync, unwrapped", target: "defects.DATA_UPDATE", e: Event{Type: "defect.updated", ResourceType: "defect", ResourceID: 4,
			Data: json.RawMessage(`{"defect":{"id":4,"title":"b","status":"open"}}`), PreviousAttributes: json.RawMessage(`{"title":"a","status":"new"}`),
			IntegrationID: &it, FirstSync: true},
			data: `{"event_type":"DATA_UPDATE","model":"defects","record_id":4,"integration_id":7,"record":{"id":4,"title":"b","status":"open"},"changed_fields":["status","title"],"source_event":"defect.updated"}`,
			prev: `{"title":"a","status":"new"}`},
		{name: "update by hand", target: "leases.DATA_UPDATE", e: Event{Type: "lease.activated", ResourceType: "lease", ResourceID: 3,
			Data: json.RawMessage(`{"id":3,"status":"active"}`)},
			data: `{"event_type":"DATA_UPDATE","model":"leases","record_id":3,"integration_id":null,"record":{"id":3,"status":"active"},"changed_fields":[],"source_event":"lease.activated"}`},
		{name: "no model", e: Event{Type: "webhook.created", ResourceType: "webhook", ResourceID: 1, Data: json.RawMessage(`{}`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.e.Seq, tc.e.FiredAt = 42, at
			if got := syncTarget(&tc.e); got != tc.target {
				t.Fatalf("target = %q, want %q", got, tc.target)
			}
			if tc.target == "" {
				return
			}
			b, err := EventBody(&tc.e, tc.target)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if string(m["event"]) != `"`+tc.target+`"` || string(m["id"]) != `"`+tc.e.ID()+`"` || string(m["fired_at"]) != `"2025-05-09T14:30:00Z"` ||
				string(m["data"]) != tc.data || string(m["previous_attributes"]) != tc.prev {
				t.Fatalf("body = %s", b)
			}
		})
	}
	if _, err := EventBody(&Event{Type: "lease.created"}, "units.DATA_NEW"); err == nil || !strings.Contains(err.Error(), "units.DATA_NEW") {
		t.Fatalf("a body for a sync event the event does not feed: %v", err)
	}
}

// Other payload formats reshape the envelope as usual but keep a sync
// event's data as it is: it names its model and holds its record.
func TestSyncEventFormats(t *testing.T) {
	e := &Event{Seq: 9, FiredAt: time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC), Type: "lease.updated", ResourceType: "lease", ResourceID: 3,
		Data: json.RawMessage(`{"id":3,"status":"active"}`), PreviousAttributes: json.RawMessage(`{"status":"draft"}`)}
	body, err := EventBody(e, "leases.DATA_UPDATE")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{PayloadStandard, PayloadArkanPM, PayloadConcierge} {
		out, err := FormatBody(format, 1, "org_1", body)
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Data map[string]json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatal(err)
		}
		if string(m.Data["model"]) != `"leases"` || string(m.Data["record"]) != `{"id":3,"status":"active"}` {
			t.Errorf("%s: %s", format, out)
		}
	}
}
