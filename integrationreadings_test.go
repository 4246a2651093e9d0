package porter_test

import (
	"fmt"
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// BMS readings through the receiver take the batched path: a batch is
// stored once, the same batch again adds nothing and reports success, a
// reading naming an unknown meter is that record's error naming the gap,
// and once value_maps.meter maps it Retry Failed stores it.
func TestIntegrationMeterReadings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newIntegrationFixture(t, s)
		meter, err := f.svc.CreateMeter(f.ctx, f.org, porter.MeterInput{PropertyID: &f.prop.ID, Name: ptr("Main"),
			Kind: ptr("electricity"), UnitOfMeasure: ptr("kWh"), ExternalRef: ptr("EM-1")})
		if err != nil {
			t.Fatal(err)
		}
		m := f.it.Mapping
		m.Entities["reading"] = &porter.IntegrationEntityMapping{Target: "meter_reading",
			Fields: map[string]string{"meter": "device", "value": "kwh", "read_at": "at"}}
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, f.it.ID, porter.IntegrationInput{Mapping: &m}); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i := range 5 {
			fmt.Fprintf(&b, `{"entity": "reading", "id": "R-%d", "data": {"device": "EM-1", "kwh": %d.5, "at": "2025-05-0%dT10:00:00Z"}}`+"\n", i, i, i+1)
		}
		fmt.Fprintf(&b, `{"entity": "reading", "id": "R-x", "data": {"device": "Floor 3 sub-meter", "kwh": 7, "at": "2025-05-08T10:00:00Z"}}`+"\n")
		fmt.Fprintf(&b, `{"entity": "defect", "id": "D-1", "metadata": {"building": "B-7"}, "data": {"summary": "Leak"}}`+"\n")
		readings := func() []*porter.MeterReading {
			l, err := f.svc.MeterReadings(f.ctx, f.org, porter.ReadingFilter{MeterID: meter.ID})
			if err != nil {
				t.Fatal(err)
			}
			return l.Items
		}
		var last *porter.IntegrationReceipt
		for round := range 2 {
			rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(b.String(), true))
			last = rc
			if err != nil {
				t.Fatal(err)
			}
			want := "meter 'Floor 3 sub-meter' has no mapping (add it to value_maps.meter, or set a meter's external_ref to 'Floor 3 sub-meter')"
			if rc.Received != 7 || rc.Succeeded != 5 || rc.Failed != 2 || rc.Results[5].Error != want ||
				!strings.Contains(rc.Results[6].Error, "building 'B-7'") {
				t.Fatalf("round %d: receipt = %+v", round, rc.Results)
			}
			for i := 1; i < 6; i++ { // the batched rows' ids follow the records' order
				if rc.Results[i].LogID <= rc.Results[i-1].LogID {
					t.Fatalf("round %d: log ids %+v", round, rc.Results)
				}
			}
			for i, r := range rc.Results[:5] {
				if r.Index != i || r.SourceID != fmt.Sprint("R-", i) || r.Status != porter.LogSuccess || r.LogID == 0 ||
					r.Target == nil || *r.Target != (porter.IntegrationRef{Type: "meter", ID: meter.ID}) {
					t.Fatalf("round %d: result %d = %+v", round, i, r)
				}
			}
			if rs := readings(); len(rs) != 5 || rs[0].Value != 4.5 || rs[0].Source != fmt.Sprintf("integration:%d", f.it.ID) ||
				*rs[0].SourceID != "R-4" {
				t.Fatalf("round %d: %d readings, latest %+v", round, len(rs), rs[0])
			}
		}
		log, err := f.svc.IntegrationLog(f.ctx, f.org, porter.IntegrationLogFilter{IntegrationID: f.it.ID, SourceID: "R-3"})
		if err != nil || len(log.Items) != 2 || log.Items[0].Status != porter.LogSuccess || log.Items[0].Entity != "reading" ||
			!strings.Contains(log.Items[0].Raw, `"R-3"`) || log.Items[0].ID != last.Results[3].LogID {
			t.Fatalf("log of R-3 = %+v, %v", log.Items, err)
		}
		it, _ := f.svc.Integration(f.ctx, f.org, f.it.ID)
		if it.Status != porter.IntegrationError || it.OpenErrors != 2 {
			t.Fatalf("integration = %+v", it)
		}
		// The sub-meter is mapped to the main meter by id; Retry Failed
		// stores its reading once (the defect still lacks its building). The
		// first send's error row was superseded by the second's, which the
		// retry turned to success.
		m = it.Mapping
		m.ValueMaps["meter"] = map[string]any{"Floor 3 sub-meter": float64(meter.ID)}
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, it.ID, porter.IntegrationInput{Mapping: &m}); err != nil {
			t.Fatal(err)
		}
		res, err := f.svc.RetryFailedIntegration(f.ctx, f.org, it.ID)
		if err != nil || res.Retried != 2 || res.Succeeded != 1 || res.Failed != 1 {
			t.Fatalf("retry = %+v, %v", res, err)
		}
		if rs := readings(); len(rs) != 6 || rs[0].Value != 7 || *rs[0].SourceID != "R-x" {
			t.Fatalf("%d readings, latest %+v", len(rs), rs[0])
		}
		if log, _ := f.svc.IntegrationLog(f.ctx, f.org, porter.IntegrationLogFilter{IntegrationID: f.it.ID, Status: porter.LogError,
			Entity: "reading"}); len(log.Items) != 1 || log.Items[0].SupersededBy == nil {
			t.Fatalf("error rows of R-x = %+v", log.Items)
		}
		// Sent again through the batch path, the mapped reading is a
		// duplicate: success, no new reading, nothing left to retry.
		rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(b.String(), true))
		if err != nil || rc.Succeeded != 6 || rc.Failed != 1 || len(readings()) != 6 {
			t.Fatalf("third send = %+v, %v", rc, err)
		}
		if it, _ := f.svc.Integration(f.ctx, f.org, f.it.ID); it.OpenErrors != 1 {
			t.Fatalf("open errors = %d, want the defect's 1", it.OpenErrors)
		}
	})
}

// The defect target: a defect record, or a work order when the
// organization's defects_as_work_orders says so; either way the same
// source record again updates what it became.
func TestIntegrationDefectTarget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newIntegrationFixture(t, s)
		m := f.it.Mapping
		m.Entities["snag"] = &porter.IntegrationEntityMapping{Target: "defect",
			Fields:   map[string]string{"title": "summary", "severity": "grade", "building": "$.metadata.building"},
			Defaults: map[string]any{"priority": "high"}}
		m.ValueMaps["building"] = map[string]any{"B-7": float64(f.prop.ID)}
		m.ValueMaps["severity"] = map[string]any{"A": "critical"}
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, f.it.ID, porter.IntegrationInput{Mapping: &m}); err != nil {
			t.Fatal(err)
		}
		snag := func(id, title, grade string) string {
			return fmt.Sprintf(`{"entity": "snag", "id": %q, "metadata": {"building": "B-7"}, "data": {"summary": %q, "grade": %q}}`, id, title, grade)
		}
		receive := func(body string) *porter.IntegrationReceipt {
			t.Helper()
			rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(body, false))
			if err != nil {
				t.Fatal(err)
			}
			return rc
		}
		rc := receive(snag("S-1", "Chipped door frame", "A"))
		if rc.Succeeded != 1 || rc.Results[0].Target.Type != "defect" {
			t.Fatalf("receipt = %+v", rc.Results)
		}
		rc = receive(snag("S-1", "Chipped door frame, unit 4", "A"))
		d, err := f.svc.Defect(f.ctx, f.org, rc.Results[0].Target.ID)
		if err != nil || d.Title != "Chipped door frame, unit 4" || d.Severity != "critical" || d.PropertyID != f.prop.ID ||
			d.Source != fmt.Sprintf("integration:%d", f.it.ID) || *d.ExternalRef != "S-1" {
			t.Fatalf("defect = %+v, %v", d, err)
		}
		if l, _ := f.svc.Defects(f.ctx, f.org, porter.DefectFilter{}); l.Total != 1 {
			t.Fatalf("%d defects, want 1", l.Total)
		}
		if rc := receive(snag("S-bad", "Scratch", "Z")); rc.Failed != 1 || !strings.Contains(rc.Results[0].Error, "severity 'Z' is not one of") {
			t.Fatalf("bad severity = %+v", rc.Results)
		}
		// With defects_as_work_orders, new defects become work orders;
		// S-1 stays the defect it became.
		if _, err := f.svc.UpdateOrganization(f.ctx, f.org, porter.OrganizationInput{DefectsAsWorkOrders: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		rc = receive(`[` + snag("S-2", "Leaking tap", "A") + `,` + snag("S-1", "Chipped door frame, unit 4", "A") + `]`)
		if rc.Succeeded != 2 || rc.Results[0].Target.Type != "work_order" || rc.Results[1].Target.Type != "defect" {
			t.Fatalf("receipt = %+v", rc.Results)
		}
		receive(snag("S-2", "Leaking tap, kitchen", "A"))
		wos := f.workOrders(t)
		if len(wos) != 1 || wos[0].Title != "Leaking tap, kitchen" || wos[0].Priority != porter.PriorityHigh {
			t.Fatalf("work orders = %+v", wos)
		}
		if l, _ := f.svc.Defects(f.ctx, f.org, porter.DefectFilter{}); l.Total != 1 {
			t.Fatalf("%d defects, want 1", l.Total)
		}
	})
}
