package porter_test

import (
	"errors"
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// alarmFixture is an iot integration with an alarm entity whose asset is
// the record's sensor, translated by value_maps.asset.
func alarmFixture(t *testing.T, s porter.Store) (*integrationFixture, *porter.Asset) {
	t.Helper()
	f := newIntegrationFixture(t, s)
	unit, err := f.svc.CreateUnit(f.ctx, f.org, porter.UnitInput{PropertyID: &f.prop.ID, Name: ptr("Plant room")})
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.svc.CreateAsset(f.ctx, f.org, porter.AssetInput{PropertyID: &f.prop.ID, UnitID: &unit.ID, Name: ptr("Boiler 2")})
	if err != nil {
		t.Fatal(err)
	}
	m := &porter.IntegrationMapping{Entities: map[string]*porter.IntegrationEntityMapping{
		"alarm": {Target: "alarm", Fields: map[string]string{"asset": "sensor", "title": "message"}},
		"asset": {Target: "asset"},
	}, ValueMaps: map[string]map[string]any{"asset": {"S-17": float64(a.ID)}, "alarm_kind": {"WATER": "leak"}}}
	if _, err := f.svc.UpdateIntegration(f.ctx, f.org, f.it.ID, porter.IntegrationInput{Mapping: m}); err != nil {
		t.Fatal(err)
	}
	return f, a
}

func (f *integrationFixture) receive(t *testing.T, body string) *porter.IntegrationReceipt {
	t.Helper()
	rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(body, true))
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// An alarm opens one emergency work order on its asset's property and
// unit; repeats while it is open are counted on it, a cleared state opens
// nothing, an unknown kind is an error naming the gap, and once the work
// order is completed the next alarm opens a new one.
func TestAlarmTarget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f, asset := alarmFixture(t, s)
		rc := f.receive(t, `{"entity": "alarm", "id": "A-1", "data": {"sensor": "S-17", "kind": "leak", "state": "active", "message": "Water under boiler 2"}}`)
		if rc.Succeeded != 1 || rc.Results[0].Target == nil || rc.Results[0].Target.Type != "work_order" {
			t.Fatalf("receipt = %+v", rc.Results)
		}
		wos := f.workOrders(t)
		if len(wos) != 1 {
			t.Fatalf("%d work orders", len(wos))
		}
		w := wos[0]
		if w.ID != rc.Results[0].Target.ID || w.Priority != porter.PriorityEmergency || w.PropertyID != asset.PropertyID ||
			w.UnitID == nil || *w.UnitID != *asset.UnitID || w.Title != "Water under boiler 2" || w.Category != "leak" {
			t.Fatalf("work order = %+v", w)
		}
		// The same alarm again (a new record), in the source's own words
		// for the kind, and a cleared state: no second work order.
		rc = f.receive(t, `{"entity": "alarm", "id": "A-2", "data": {"sensor": "S-17", "kind": "WATER"}}
{"entity": "alarm", "id": "A-3", "data": {"sensor": "S-17", "kind": "leak", "state": "cleared"}}
{"entity": "alarm", "id": "A-4", "data": {"sensor": "S-17", "kind": "smoke"}}
{"entity": "alarm", "id": "A-5", "data": {"sensor": "S-99", "kind": "leak"}}
{"entity": "alarm", "id": "A-6", "data": {"sensor": "S-17", "kind": "fire", "state": "normal"}}
{"entity": "alarm", "id": "A-7", "data": {"sensor": "S-17", "kind": "leak", "state": "wobbly"}}`)
		r := rc.Results
		if r[0].Status != "success" || r[0].Target.ID != w.ID || r[1].Status != "success" || r[1].Target.ID != w.ID {
			t.Fatalf("repeat and cleared = %+v", r[:2])
		}
		if r[2].Status != "error" || r[2].Error != "alarm kind 'smoke' has no mapping (add it to value_maps.alarm_kind)" {
			t.Fatalf("unknown kind = %+v", r[2])
		}
		if r[3].Status != "error" || !strings.Contains(r[3].Error, "asset 'S-99' has no mapping") {
			t.Fatalf("unknown sensor = %+v", r[3])
		}
		if r[4].Status != "success" || r[4].Target != nil {
			t.Fatalf("cleared with nothing open = %+v", r[4])
		}
		if r[5].Status != "error" || !strings.Contains(r[5].Error, "value_maps.alarm_state") {
			t.Fatalf("bad state = %+v", r[5])
		}
		if n := len(f.workOrders(t)); n != 1 {
			t.Fatalf("%d work orders after repeats", n)
		}
		// Completed: the next alarm opens a new work order, titled for
		// the asset when the alarm carries no message.
		if _, err := f.svc.AssignWorkOrder(f.ctx, f.org, w.ID, porter.WorkOrderAssignment{AssignedTo: ptr("Facilities")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.StartWorkOrder(f.ctx, f.org, w.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CompleteWorkOrder(f.ctx, f.org, w.ID, porter.WorkOrderCompletion{}); err != nil {
			t.Fatal(err)
		}
		rc = f.receive(t, `{"entity": "alarm", "id": "A-8", "data": {"sensor": "S-17", "kind": "leak"}}`)
		if rc.Results[0].Target == nil || rc.Results[0].Target.ID == w.ID {
			t.Fatalf("after completion = %+v", rc.Results)
		}
		next, err := f.svc.WorkOrder(f.ctx, f.org, rc.Results[0].Target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if next.Title != "Leak alarm: Boiler 2" || next.Priority != porter.PriorityEmergency {
			t.Fatalf("second work order = %+v", next)
		}
		// The gap closed: Retry Failed applies the smoke alarm as fire,
		// which opens its own work order (another kind).
		it, err := f.svc.Integration(f.ctx, f.org, f.it.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := it.Mapping
		m.ValueMaps["alarm_kind"]["smoke"] = "fire"
		m.ValueMaps["alarm_state"] = map[string]any{"wobbly": "active"}
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, it.ID, porter.IntegrationInput{Mapping: &m}); err != nil {
			t.Fatal(err)
		}
		res, err := f.svc.RetryFailedIntegration(f.ctx, f.org, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		// smoke → fire opens one; wobbly → active is a repeat of the open
		// leak; S-99 is still unmapped.
		if res.Retried != 3 || res.Succeeded != 2 || res.Failed != 1 {
			t.Fatalf("retry = %+v", res)
		}
		if n := len(f.workOrders(t)); n != 3 {
			t.Fatalf("%d work orders after retry, want 3", n)
		}
	})
}

// An alarm's asset may be the source id of an asset the integration
// imported, or a Porter asset_id; another organization's asset is not found.
func TestAlarmAssetByImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f, _ := alarmFixture(t, s)
		rc := f.receive(t, `{"entity": "asset", "id": "AHU-1", "data": {"name": "Air handler 1", "property_id": `+itoa(f.prop.ID)+`}}
{"entity": "alarm", "id": "A-1", "data": {"sensor": "AHU-1", "kind": "hvac"}}
{"entity": "alarm", "id": "A-2", "data": {"asset_id": 999999, "kind": "hvac"}}`)
		r := rc.Results
		if r[0].Status != "success" || r[1].Status != "success" || r[1].Target == nil {
			t.Fatalf("receipt = %+v", r)
		}
		if r[2].Status != "error" || r[2].Error != "asset 999999 is not an asset of this organization" {
			t.Fatalf("unknown asset = %+v", r[2])
		}
		w, err := f.svc.WorkOrder(f.ctx, f.org, r[1].Target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if w.Title != "HVAC alarm: Air handler 1" || w.UnitID != nil {
			t.Fatalf("work order = %+v", w)
		}
	})
}

// Alarms on one asset arriving at once, from several calls in parallel,
// open one work order: the asset is locked while its alarm is applied.
func TestAlarmConcurrentRepeatsOpenOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f, _ := alarmFixture(t, s)
		const n = 6
		errs := make(chan error, n)
		for i := range n {
			go func() {
				body := `{"entity": "alarm", "id": "C-` + itoa(int64(i)) + `", "data": {"sensor": "S-17", "kind": "leak"}}`
				rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(body, true))
				if err == nil && rc.Succeeded != 1 {
					err = errors.New(rc.Results[0].Error)
				}
				errs <- err
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if got := len(f.workOrders(t)); got != 1 {
			t.Fatalf("%d work orders from %d simultaneous alarms", got, n)
		}
	})
}
