package porter_test

import (
	"context"
	"testing"

	"porter"
	"porter/storetest"
)

func TestDefectLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newMeterFixture(t, s)
		ctx := context.Background()
		bad := int64(999999)
		for _, c := range []struct {
			in    porter.DefectInput
			field string
		}{
			{porter.DefectInput{PropertyID: &f.property}, "title"},
			{porter.DefectInput{Title: ptr("Crack")}, "property_id"},
			{porter.DefectInput{PropertyID: &f.property, Title: ptr("Crack"), Severity: ptr("meh")}, "severity"},
			{porter.DefectInput{PropertyID: &f.property, Title: ptr("Crack"), WorkOrderID: &bad}, "work_order_id"},
			{porter.DefectInput{PropertyID: &f.property, Title: ptr("Crack"), AssetID: &f.otherAsset}, "asset_id"},
			{porter.DefectInput{PropertyID: &f.property, Title: ptr("Crack"), ExternalRef: ptr("D-1")}, "source"},
		} {
			if _, _, err := f.svc.RecordDefect(ctx, f.org, c.in); fieldsOf(err) != c.field {
				t.Errorf("%+v: %v, want %s", c.in, err, c.field)
			}
		}
		in := porter.DefectInput{UnitID: &f.unit, Title: ptr("Cracked tile"), Severity: ptr("high"), Source: ptr("arkan_handover"), ExternalRef: ptr("D-1")}
		d, created, err := f.svc.RecordDefect(ctx, f.org, in)
		if err != nil || !created || d.PropertyID != f.property || d.Status != porter.DefectOpen {
			t.Fatalf("record = %+v %v %v", d, created, err)
		}
		// The same item again: no second defect; a change updates it.
		again, created, err := f.svc.RecordDefect(ctx, f.org, in)
		if err != nil || created || again.ID != d.ID {
			t.Fatalf("replay = %+v %v %v", again, created, err)
		}
		in.Severity = ptr("critical")
		if again, _, err = f.svc.RecordDefect(ctx, f.org, in); err != nil || again.ID != d.ID || again.Severity != "critical" {
			t.Fatalf("re-import = %+v %v", again, err)
		}
		if _, err := f.svc.ResolveDefect(ctx, f.org, d.ID, porter.DefectResolution{}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.StartDefect(ctx, f.org, d.ID, porter.DefectResolution{}); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("start a resolved defect: %v", err)
		}
		if _, err := f.svc.UpdateDefect(ctx, f.org, d.ID, porter.DefectInput{Title: ptr("x")}); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("edit a resolved defect: %v", err)
		}
		d2, _, err := f.svc.RecordDefect(ctx, f.org, porter.DefectInput{PropertyID: &f.property, Title: ptr("Paint")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RejectDefect(ctx, f.org, d2.ID, porter.DefectResolution{}); fieldsOf(err) != "resolution" {
			t.Fatalf("reject without reason: %v", err)
		}
		if r, err := f.svc.RejectDefect(ctx, f.org, d2.ID, porter.DefectResolution{Resolution: ptr("cosmetic, tenant's own")}); err != nil || r.Status != porter.DefectRejected {
			t.Fatalf("reject = %+v, %v", r, err)
		}
		evs, err := f.svc.Events(ctx, f.org, porter.EventFilter{Types: []string{"defect.created", "defect.updated", "defect.resolved"}})
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, e := range evs.Items {
			types = append(types, e.Type)
		}
		want := "defect.updated defect.created defect.resolved defect.updated defect.created"
		if got := join(types); got != want {
			t.Fatalf("events %s, want %s", got, want)
		}
		if _, err := f.svc.Defect(ctx, f.otherOrg, d.ID); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("other org: %v", err)
		}
		// The organization's setting for handover defects.
		org, err := f.svc.UpdateOrganization(ctx, f.org, porter.OrganizationInput{DefectsAsWorkOrders: ptr(true)})
		if err != nil || !org.DefectsAsWorkOrders {
			t.Fatalf("setting = %+v, %v", org, err)
		}
		if org, _ = f.svc.Organization(ctx, f.org); !org.DefectsAsWorkOrders {
			t.Fatal("setting not stored")
		}
	})
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
