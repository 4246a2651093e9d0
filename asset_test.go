package porter_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// facilityFixture is the lease fixture (a movable clock, an organization,
// a property and a unit) plus a second property and another organization.
type facilityFixture struct {
	*leaseFixture
	prop2    int64
	unit2    int64 // a unit of prop2
	otherOrg int64
	otherPro int64 // a property of otherOrg
}

func newFacilityFixture(t *testing.T, s porter.Store) *facilityFixture {
	t.Helper()
	f := &facilityFixture{leaseFixture: newLeaseFixture(t, s)}
	p, err := f.svc.CreateProperty(f.ctx, f.org, porter.PropertyInput{Name: ptr("Oak House")})
	if err != nil {
		t.Fatal(err)
	}
	f.prop2 = p.ID
	u, err := f.svc.CreateUnit(f.ctx, f.org, porter.UnitInput{PropertyID: &f.prop2, Name: ptr("1A")})
	if err != nil {
		t.Fatal(err)
	}
	f.unit2 = u.ID
	other, err := f.svc.CreateOrganization(f.ctx, "Other")
	if err != nil {
		t.Fatal(err)
	}
	f.otherOrg = other.ID
	op, err := f.svc.CreateProperty(f.ctx, other.ID, porter.PropertyInput{Name: ptr("Elsewhere")})
	if err != nil {
		t.Fatal(err)
	}
	f.otherPro = op.ID
	return f
}

func (f *facilityFixture) asset(name string, in porter.AssetInput) *porter.Asset {
	f.t.Helper()
	in.Name = &name
	if in.PropertyID == nil {
		in.PropertyID = &f.prop
	}
	a, err := f.svc.CreateAsset(f.ctx, f.org, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// facilityPass runs the facility scheduler at 09:00 on day at, once as
// this node and once as a restarted one.
func (f *facilityFixture) facilityPass(at string) {
	f.t.Helper()
	now, err := time.Parse(time.RFC3339, at+"T09:00:00Z")
	if err != nil {
		f.t.Fatal(err)
	}
	f.now = now
	for _, svc := range []*porter.Service{f.svc, f.newService()} {
		if err := svc.RunFacilityPass(f.ctx, now); err != nil {
			f.t.Fatal(err)
		}
	}
}

func dataOf(t *testing.T, e *porter.Event) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(e.Data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAssetCategories(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newFacilityFixture(t, s)
		ctx := f.ctx
		hvac, err := f.svc.CreateAssetCategory(ctx, f.org, porter.AssetCategoryInput{Name: ptr("  HVAC Equipment ")})
		if err != nil {
			t.Fatal(err)
		}
		if hvac.Name != "HVAC Equipment" {
			t.Fatalf("name %q", hvac.Name)
		}
		_, err = f.svc.CreateAssetCategory(ctx, f.org, porter.AssetCategoryInput{Name: ptr("hvac equipment")})
		wantCode(t, err, porter.ECONFLICT, "unique ignoring case")
		_, err = f.svc.CreateAssetCategory(ctx, f.org, porter.AssetCategoryInput{Name: ptr(" ")})
		wantCode(t, err, porter.EINVALID, "name is required")
		// Another organization may use the same name.
		if _, err := f.svc.CreateAssetCategory(ctx, f.otherOrg, porter.AssetCategoryInput{Name: ptr("HVAC equipment")}); err != nil {
			t.Fatal(err)
		}
		lifts, err := f.svc.CreateAssetCategory(ctx, f.org, porter.AssetCategoryInput{Name: ptr("Lifts")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.UpdateAssetCategory(ctx, f.org, lifts.ID, porter.AssetCategoryInput{Name: ptr("HVAC EQUIPMENT")})
		wantCode(t, err, porter.ECONFLICT, "exists")
		if lifts, err = f.svc.UpdateAssetCategory(ctx, f.org, lifts.ID, porter.AssetCategoryInput{Name: ptr("Elevators")}); err != nil || lifts.Name != "Elevators" {
			t.Fatalf("rename: %v %v", lifts, err)
		}
		// A rename to another case of its own name is allowed.
		if lifts, err = f.svc.UpdateAssetCategory(ctx, f.org, lifts.ID, porter.AssetCategoryInput{Name: ptr("ELEVATORS")}); err != nil || lifts.Name != "ELEVATORS" {
			t.Fatalf("recase: %v %v", lifts, err)
		}
		cats, err := f.svc.AssetCategories(ctx, f.org)
		if err != nil || len(cats) != 2 || cats[0].Name != "ELEVATORS" {
			t.Fatalf("categories %v %v", cats, err)
		}
		a := f.asset("AHU-1", porter.AssetInput{Category: ptr("hvac EQUIPMENT")})
		if a.CategoryID == nil || *a.CategoryID != hvac.ID || a.Category != "HVAC Equipment" {
			t.Fatalf("category resolved to %v %q", a.CategoryID, a.Category)
		}
		err = f.svc.DeleteAssetCategory(ctx, f.org, hvac.ID)
		wantCode(t, err, porter.ECONFLICT, "holds 1 assets")
		if err := f.svc.DeleteAssetCategory(ctx, f.org, lifts.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.AssetCategory(ctx, f.org, lifts.ID)
		wantCode(t, err, porter.ENOTFOUND, "")
		// Another organization's category is not found, nor usable.
		_, err = f.svc.UpdateAssetCategory(ctx, f.otherOrg, hvac.ID, porter.AssetCategoryInput{Name: ptr("X")})
		wantCode(t, err, porter.ENOTFOUND, "")
		_, err = f.svc.CreateAsset(ctx, f.otherOrg, porter.AssetInput{PropertyID: &f.otherPro, Name: ptr("X"), CategoryID: &hvac.ID})
		wantCode(t, err, porter.EINVALID, "category_id")
		// Renamed categories show on their assets.
		if _, err := f.svc.UpdateAssetCategory(ctx, f.org, hvac.ID, porter.AssetCategoryInput{Name: ptr("Heating")}); err != nil {
			t.Fatal(err)
		}
		if a, _ = f.svc.Asset(ctx, f.org, a.ID); a.Category != "Heating" {
			t.Fatalf("category %q after rename", a.Category)
		}
	})
}

func TestAssetLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newFacilityFixture(t, s)
		ctx := f.ctx
		a := f.asset("Boiler", porter.AssetInput{UnitID: &f.unit, Make: ptr("Vaillant"), Serial: ptr("SN-123"), InstallDate: ptr("2020-03-01")})
		if a.Status != porter.AssetActive || a.Condition != porter.ConditionGood || *a.UnitID != f.unit {
			t.Fatalf("new asset %+v", a)
		}
		if n := len(f.events("asset.created")); n != 1 {
			t.Fatalf("%d asset.created", n)
		}
		// Bad input: 400 naming the field, nothing written.
		before := f.eventCount()
		for _, c := range []struct {
			in    porter.AssetInput
			field string
		}{
			{porter.AssetInput{Name: ptr("X"), PropertyID: &f.prop, Condition: ptr("broken")}, "condition"},
			{porter.AssetInput{Name: ptr("X"), PropertyID: &f.prop, InstallDate: ptr("2020-13-01")}, "install_date"},
			{porter.AssetInput{Name: ptr("X")}, "property_id"},
			{porter.AssetInput{PropertyID: &f.prop}, "name"},
			{porter.AssetInput{Name: ptr("X"), PropertyID: &f.otherPro}, "property_id"},
			{porter.AssetInput{Name: ptr("X"), PropertyID: &f.prop, UnitID: &f.unit2}, "unit_id"},
			{porter.AssetInput{Name: ptr("X"), PropertyID: &f.prop, Category: ptr("Nope")}, "category"},
			{porter.AssetInput{Name: ptr("X"), PropertyID: &f.prop, Category: ptr("Nope"), CategoryID: ptr(int64(1))}, "category"},
			{porter.AssetInput{Name: ptr(strings.Repeat("x", 201)), PropertyID: &f.prop}, "name"},
		} {
			_, err := f.svc.CreateAsset(ctx, f.org, c.in)
			wantCode(t, err, porter.EINVALID, c.field)
		}
		_, err := f.svc.UpdateAsset(ctx, f.org, a.ID, porter.AssetInput{Condition: ptr("meh")})
		wantCode(t, err, porter.EINVALID, "condition")
		if f.eventCount() != before {
			t.Fatal("a refused request wrote events")
		}

		// An edit that changes the condition: asset.updated, and
		// asset.condition_changed with the old condition.
		a, err = f.svc.UpdateAsset(ctx, f.org, a.ID, porter.AssetInput{Condition: ptr("poor"), Location: ptr("Basement")})
		if err != nil {
			t.Fatal(err)
		}
		changed := f.events("asset.condition_changed")
		if len(changed) != 1 || dataOf(t, changed[0])["previous_condition"] != "good" || dataOf(t, changed[0])["condition"] != "poor" {
			t.Fatalf("condition_changed %v", changed)
		}
		if n := len(f.events("asset.updated")); n != 1 {
			t.Fatalf("%d asset.updated", n)
		}
		// The same values again write nothing.
		before = f.eventCount()
		if _, err := f.svc.UpdateAsset(ctx, f.org, a.ID, porter.AssetInput{Condition: ptr("poor")}); err != nil || f.eventCount() != before {
			t.Fatalf("empty edit: %v, %d events", err, f.eventCount()-before)
		}

		// Transfer: to the other property's unit.
		_, err = f.svc.TransferAsset(ctx, f.org, a.ID, porter.TransferInput{UnitID: &f.unit})
		wantCode(t, err, porter.EINVALID, "already")
		_, err = f.svc.TransferAsset(ctx, f.org, a.ID, porter.TransferInput{PropertyID: &f.otherPro})
		wantCode(t, err, porter.EINVALID, "property_id")
		_, err = f.svc.TransferAsset(ctx, f.org, a.ID, porter.TransferInput{UnitID: &f.unit2})
		wantCode(t, err, porter.EINVALID, "unit_id")
		a, err = f.svc.TransferAsset(ctx, f.org, a.ID, porter.TransferInput{PropertyID: &f.prop2, UnitID: &f.unit2})
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != porter.AssetTransferred || a.PropertyID != f.prop2 || *a.UnitID != f.unit2 {
			t.Fatalf("transferred %+v", a)
		}
		tr := f.events("asset.transferred")
		if len(tr) != 1 {
			t.Fatalf("%d asset.transferred", len(tr))
		}
		d := dataOf(t, tr[0])
		from, to := d["from"].(map[string]any), d["to"].(map[string]any)
		if from["property_id"] != float64(f.prop) || from["unit_id"] != float64(f.unit) || to["property_id"] != float64(f.prop2) || to["unit_id"] != float64(f.unit2) {
			t.Fatalf("transfer from %v to %v", from, to)
		}

		// Dispose: a reason is required; then nothing changes.
		_, err = f.svc.DisposeAsset(ctx, f.org, a.ID, porter.DisposeInput{})
		wantCode(t, err, porter.EINVALID, "reason")
		a, err = f.svc.DisposeAsset(ctx, f.org, a.ID, porter.DisposeInput{Reason: ptr("Replaced")})
		if err != nil || a.Status != porter.AssetDisposed || a.DisposedAt == nil || a.DisposalReason != "Replaced" {
			t.Fatalf("dispose: %+v %v", a, err)
		}
		_, err = f.svc.UpdateAsset(ctx, f.org, a.ID, porter.AssetInput{Notes: ptr("x")})
		wantCode(t, err, porter.ECONFLICT, "disposed")
		_, err = f.svc.TransferAsset(ctx, f.org, a.ID, porter.TransferInput{PropertyID: &f.prop})
		wantCode(t, err, porter.ECONFLICT, "disposed")
		_, err = f.svc.DisposeAsset(ctx, f.org, a.ID, porter.DisposeInput{Reason: ptr("again")})
		wantCode(t, err, porter.ECONFLICT, "disposed")
		_, err = f.svc.CreateWarranty(ctx, f.org, a.ID, porter.WarrantyInput{Provider: ptr("X"), StartDate: ptr("2025-01-01"), EndDate: ptr("2026-01-01")})
		wantCode(t, err, porter.ECONFLICT, "disposed")
		if n := len(f.events("asset.disposed")); n != 1 {
			t.Fatalf("%d asset.disposed", n)
		}

		// Isolation: another organization sees none of it.
		_, err = f.svc.Asset(ctx, f.otherOrg, a.ID)
		wantCode(t, err, porter.ENOTFOUND, "")
		_, err = f.svc.UpdateAsset(ctx, f.otherOrg, a.ID, porter.AssetInput{Notes: ptr("x")})
		wantCode(t, err, porter.ENOTFOUND, "")
		_, err = f.svc.TransferAsset(ctx, f.otherOrg, a.ID, porter.TransferInput{PropertyID: &f.otherPro})
		wantCode(t, err, porter.ENOTFOUND, "")
	})
}

func TestAssetList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newFacilityFixture(t, s)
		ctx := f.ctx
		cat, err := f.svc.CreateAssetCategory(ctx, f.org, porter.AssetCategoryInput{Name: ptr("Pumps")})
		if err != nil {
			t.Fatal(err)
		}
		pump := f.asset("Booster pump", porter.AssetInput{CategoryID: &cat.ID, Serial: ptr("PX-9_1"), Condition: ptr("fair")})
		lift := f.asset("Lift car", porter.AssetInput{PropertyID: &f.prop2, UnitID: &f.unit2})
		boiler := f.asset("Boiler", porter.AssetInput{UnitID: &f.unit, Condition: ptr("failed")})
		if _, err := f.svc.CreateAsset(ctx, f.otherOrg, porter.AssetInput{PropertyID: &f.otherPro, Name: ptr("Booster pump")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.DisposeAsset(ctx, f.org, boiler.ID, porter.DisposeInput{Reason: ptr("dead")}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name   string
			filter porter.AssetFilter
			want   []int64
		}{
			{"all", porter.AssetFilter{}, []int64{boiler.ID, lift.ID, pump.ID}},
			{"property", porter.AssetFilter{PropertyID: f.prop2}, []int64{lift.ID}},
			{"unit", porter.AssetFilter{UnitID: f.unit}, []int64{boiler.ID}},
			{"category", porter.AssetFilter{CategoryID: cat.ID}, []int64{pump.ID}},
			{"condition", porter.AssetFilter{Condition: "fair"}, []int64{pump.ID}},
			{"status", porter.AssetFilter{Status: "disposed"}, []int64{boiler.ID}},
			{"search name", porter.AssetFilter{Search: "PUMP"}, []int64{pump.ID}},
			{"search serial", porter.AssetFilter{Search: "px-9_"}, []int64{pump.ID}},
			{"page", porter.AssetFilter{ListParams: porter.ListParams{PerPage: 1, Page: 2}}, []int64{lift.ID}},
		} {
			l, err := f.svc.Assets(ctx, f.org, c.filter)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var got []int64
			for _, a := range l.Items {
				got = append(got, a.ID)
			}
			if !slicesEqual(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
			if c.name == "category" && l.Items[0].Category != "Pumps" {
				t.Errorf("listed category %q", l.Items[0].Category)
			}
		}
		_, err = f.svc.Assets(ctx, f.org, porter.AssetFilter{Condition: "meh"})
		wantCode(t, err, porter.EINVALID, "condition")
	})
}

func slicesEqual(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// An integration importing the same records twice updates them: one asset,
// one warranty.
func TestUpsertByExternalRef(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newFacilityFixture(t, s)
		ctx := f.ctx
		if _, err := f.svc.CreateAssetCategory(ctx, f.org, porter.AssetCategoryInput{Name: ptr("HVAC Equipment")}); err != nil {
			t.Fatal(err)
		}
		in := porter.AssetInput{PropertyID: &f.prop, Name: ptr("AHU-1"), Category: ptr("HVAC Equipment"), Serial: ptr("S1")}
		a, created, err := f.svc.UpsertAssetByExternalRef(ctx, f.org, "arkan:asset:77", in)
		if err != nil || !created || a.ExternalRef != "arkan:asset:77" {
			t.Fatalf("first upsert: %+v %v %v", a, created, err)
		}
		in.Serial, in.Condition = ptr("S2"), ptr("fair")
		b, created, err := f.svc.UpsertAssetByExternalRef(ctx, f.org, "arkan:asset:77", in)
		if err != nil || created || b.ID != a.ID || b.Serial != "S2" || b.Condition != "fair" {
			t.Fatalf("second upsert: %+v %v %v", b, created, err)
		}
		// The same again: nothing changes, no event.
		n := f.eventCount()
		if _, created, err := f.svc.UpsertAssetByExternalRef(ctx, f.org, "arkan:asset:77", in); err != nil || created || f.eventCount() != n {
			t.Fatalf("third upsert: %v %v, %d events", created, err, f.eventCount()-n)
		}
		if l, _ := f.svc.Assets(ctx, f.org, porter.AssetFilter{ExternalRef: "arkan:asset:77"}); l.Total != 1 {
			t.Fatalf("%d assets with the ref", l.Total)
		}
		if got, err := f.svc.AssetByExternalRef(ctx, f.org, "arkan:asset:77"); err != nil || got.ID != a.ID {
			t.Fatalf("lookup: %v %v", got, err)
		}
		if len(f.events("asset.created")) != 1 || len(f.events("asset.updated")) != 1 {
			t.Fatal("want one asset.created and one asset.updated")
		}
		// Another organization's same ref is its own record.
		if _, created, err := f.svc.UpsertAssetByExternalRef(ctx, f.otherOrg, "arkan:asset:77", porter.AssetInput{PropertyID: &f.otherPro, Name: ptr("X")}); err != nil || !created {
			t.Fatalf("other org: %v %v", created, err)
		}
		_, _, err = f.svc.UpsertAssetByExternalRef(ctx, f.org, " ", in)
		wantCode(t, err, porter.EINVALID, "external_ref")
		in.ExternalRef = ptr("other")
		_, _, err = f.svc.UpsertAssetByExternalRef(ctx, f.org, "arkan:asset:77", in)
		wantCode(t, err, porter.EINVALID, "external_ref")
		in.ExternalRef = nil
		// A mapping gap names the category.
		_, _, err = f.svc.UpsertAssetByExternalRef(ctx, f.org, "arkan:asset:78", porter.AssetInput{PropertyID: &f.prop, Name: ptr("FCU"), Category: ptr("Construction HVAC unit")})
		wantCode(t, err, porter.EINVALID, `"Construction HVAC unit" is not one of the organization's asset categories`)
		// external_ref is unique through the plain API too.
		_, err = f.svc.CreateAsset(ctx, f.org, porter.AssetInput{PropertyID: &f.prop, Name: ptr("Y"), ExternalRef: ptr("arkan:asset:77")})
		wantCode(t, err, porter.ECONFLICT, "external_ref")

		wi := porter.WarrantyInput{Provider: ptr("Carrier"), StartDate: ptr("2025-01-01"), EndDate: ptr("2030-01-01")}
		w, created, err := f.svc.UpsertWarrantyByExternalRef(ctx, f.org, a.ID, "arkan:warranty:5", wi)
		if err != nil || !created {
			t.Fatalf("warranty upsert: %v %v", created, err)
		}
		wi.PolicyNumber = ptr("P-9")
		w2, created, err := f.svc.UpsertWarrantyByExternalRef(ctx, f.org, a.ID, "arkan:warranty:5", wi)
		if err != nil || created || w2.ID != w.ID || w2.PolicyNumber != "P-9" {
			t.Fatalf("warranty upsert again: %+v %v %v", w2, created, err)
		}
		if got, err := f.svc.WarrantyByExternalRef(ctx, f.org, "arkan:warranty:5"); err != nil || got.ID != w.ID {
			t.Fatalf("warranty lookup: %v %v", got, err)
		}
		_, err = f.svc.WarrantyByExternalRef(ctx, f.otherOrg, "arkan:warranty:5")
		wantCode(t, err, porter.ENOTFOUND, "")
		ws, err := f.svc.Warranties(ctx, f.org, a.ID)
		if err != nil || len(ws) != 1 {
			t.Fatalf("warranties %v %v", ws, err)
		}
		_, _, err = f.svc.UpsertWarrantyByExternalRef(ctx, f.otherOrg, a.ID, "arkan:warranty:6", wi)
		wantCode(t, err, porter.ENOTFOUND, "")
	})
}

func TestWarrantyClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newFacilityFixture(t, s)
		ctx := f.ctx
		a := f.asset("Chiller", porter.AssetInput{})
		_, err := f.svc.CreateWarranty(ctx, f.org, a.ID, porter.WarrantyInput{Provider: ptr("Trane"), StartDate: ptr("2025-06-01"), EndDate: ptr("2025-06-01")})
		wantCode(t, err, porter.EINVALID, "end_date must be after start_date")
		_, err = f.svc.CreateWarranty(ctx, f.org, a.ID, porter.WarrantyInput{Provider: ptr("Trane"), StartDate: ptr("2025-02-30"), EndDate: ptr("2026-06-01")})
		wantCode(t, err, porter.EINVALID, "start_date")
		_, err = f.svc.CreateWarranty(ctx, f.otherOrg, a.ID, porter.WarrantyInput{Provider: ptr("Trane"), StartDate: ptr("2025-01-01"), EndDate: ptr("2026-06-01")})
		wantCode(t, err, porter.ENOTFOUND, "")
		w, err := f.svc.CreateWarranty(ctx, f.org, a.ID, porter.WarrantyInput{Provider: ptr("Trane"), StartDate: ptr("2025-01-01"), EndDate: ptr("2026-06-01")})
		if err != nil {
			t.Fatal(err)
		}
		wo, err := f.svc.CreateWorkOrder(ctx, f.org, porter.WorkOrderInput{PropertyID: &f.prop, Title: ptr("Chiller down"), Description: ptr("No cooling")})
		if err != nil {
			t.Fatal(err)
		}
		otherWO, err := f.svc.CreateWorkOrder(ctx, f.otherOrg, porter.WorkOrderInput{PropertyID: &f.otherPro, Title: ptr("X"), Description: ptr("Y")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.OpenWarrantyClaim(ctx, f.org, w.ID, porter.WarrantyClaimInput{Description: ptr("Compressor"), WorkOrderID: &otherWO.ID})
		wantCode(t, err, porter.EINVALID, "work_order_id")
		_, err = f.svc.OpenWarrantyClaim(ctx, f.org, w.ID, porter.WarrantyClaimInput{})
		wantCode(t, err, porter.EINVALID, "description")
		c, err := f.svc.OpenWarrantyClaim(ctx, f.org, w.ID, porter.WarrantyClaimInput{Description: ptr("Compressor failed"), WorkOrderID: &wo.ID})
		if err != nil || c.Status != porter.ClaimOpen || *c.WorkOrderID != wo.ID {
			t.Fatalf("open: %+v %v", c, err)
		}
		move := func(status string) (*porter.WarrantyClaim, error) {
			return f.svc.UpdateWarrantyClaim(ctx, f.org, c.ID, porter.WarrantyClaimInput{Status: &status})
		}
		_, err = move("approved")
		wantCode(t, err, porter.ECONFLICT, "can move to submitted or closed")
		_, err = move("lost")
		wantCode(t, err, porter.EINVALID, "status")
		if c, err = move("submitted"); err != nil || c.SubmittedAt == nil {
			t.Fatalf("submit: %+v %v", c, err)
		}
		if c, err = move("rejected"); err != nil || c.DecidedAt == nil {
			t.Fatalf("reject: %+v %v", c, err)
		}
		_, err = move("approved")
		wantCode(t, err, porter.ECONFLICT, "rejected")
		if c, err = f.svc.UpdateWarrantyClaim(ctx, f.org, c.ID, porter.WarrantyClaimInput{Status: ptr("closed"), Notes: ptr("Appealed by phone"), WorkOrderID: ptr(int64(0))}); err != nil || c.ClosedAt == nil || c.WorkOrderID != nil {
			t.Fatalf("close: %+v %v", c, err)
		}
		_, err = f.svc.UpdateWarrantyClaim(ctx, f.org, c.ID, porter.WarrantyClaimInput{Notes: ptr("x")})
		wantCode(t, err, porter.ECONFLICT, "closed")
		if n, m := len(f.events("warranty.claim_opened")), len(f.events("warranty.claim_updated")); n != 1 || m != 3 {
			t.Fatalf("%d claim_opened, %d claim_updated", n, m)
		}
		claims, err := f.svc.WarrantyClaims(ctx, f.org, w.ID)
		if err != nil || len(claims) != 1 {
			t.Fatalf("claims %v %v", claims, err)
		}
		_, err = f.svc.WarrantyClaim(ctx, f.otherOrg, c.ID)
		wantCode(t, err, porter.ENOTFOUND, "")
		_, err = f.svc.WarrantyClaims(ctx, f.otherOrg, w.ID)
		wantCode(t, err, porter.ENOTFOUND, "")
	})
}

func TestCertificates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newFacilityFixture(t, s)
		ctx := f.ctx
		lift := f.asset("Lift", porter.AssetInput{PropertyID: &f.prop2})
		doc, err := f.svc.CreateDocument(ctx, f.org, porter.Document{Title: "Cert", Scope: "property", ScopeID: f.prop, FileName: "c.pdf",
			ContentType: "application/pdf", Size: 3, StorageKey: "k1", SHA256: strings.Repeat("a", 64)}, func(*porter.Document) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		otherDoc, err := f.svc.CreateDocument(ctx, f.otherOrg, porter.Document{Title: "Cert", Scope: "property", ScopeID: f.otherPro, FileName: "c.pdf",
			ContentType: "application/pdf", Size: 3, StorageKey: "k2", SHA256: strings.Repeat("b", 64)}, func(*porter.Document) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		base := func() porter.CertificateInput {
			return porter.CertificateInput{Type: ptr("fire_safety"), PropertyID: &f.prop, IssueDate: ptr("2025-01-01"), ExpiryDate: ptr("2026-01-01")}
		}
		before := f.eventCount()
		for _, c := range []struct {
			edit  func(*porter.CertificateInput)
			field string
		}{
			{func(in *porter.CertificateInput) { in.Type = ptr("asbestos") }, "type"},
			{func(in *porter.CertificateInput) { in.ExpiryDate = ptr("2024-12-31") }, "expiry_date must be after issue_date"},
			{func(in *porter.CertificateInput) { in.IssueDate = nil }, "issue_date"},
			{func(in *porter.CertificateInput) { in.PropertyID = nil }, "property_id"},
			{func(in *porter.CertificateInput) { in.PropertyID = &f.otherPro }, "property_id"},
			{func(in *porter.CertificateInput) { in.DocumentID = &otherDoc.ID }, "document_id"},
			{func(in *porter.CertificateInput) { in.AssetID = &lift.ID }, "asset_id"}, // the lift is at prop2
		} {
			in := base()
			c.edit(&in)
			_, err := f.svc.AddCertificate(ctx, f.org, in)
			wantCode(t, err, porter.EINVALID, c.field)
		}
		if f.eventCount() != before {
			t.Fatal("a refused certificate wrote events")
		}
		in := base()
		in.DocumentID = &doc.ID
		fire, err := f.svc.AddCertificate(ctx, f.org, in)
		if err != nil || *fire.DocumentID != doc.ID {
			t.Fatalf("add: %+v %v", fire, err)
		}
		// Without property_id, the asset's property is taken.
		elevator, err := f.svc.AddCertificate(ctx, f.org, porter.CertificateInput{Type: ptr("elevator"), AssetID: &lift.ID,
			IssueDate: ptr("2024-06-01"), ExpiryDate: ptr("2025-06-01"), Issuer: ptr("LiftCheck")})
		if err != nil || elevator.PropertyID != f.prop2 {
			t.Fatalf("asset certificate: %+v %v", elevator, err)
		}
		if n := len(f.events("certificate.added")); n != 2 {
			t.Fatalf("%d certificate.added", n)
		}
		if fire, err = f.svc.UpdateCertificate(ctx, f.org, fire.ID, porter.CertificateInput{Reference: ptr("FS-1")}); err != nil || fire.Reference != "FS-1" {
			t.Fatalf("update: %v", err)
		}
		_, err = f.svc.UpdateCertificate(ctx, f.org, fire.ID, porter.CertificateInput{ExpiryDate: ptr("2020-01-01")})
		wantCode(t, err, porter.EINVALID, "expiry_date")
		_, err = f.svc.UpdateCertificate(ctx, f.otherOrg, fire.ID, porter.CertificateInput{Reference: ptr("x")})
		wantCode(t, err, porter.ENOTFOUND, "")

		// Today is 2025-05-09: the elevator certificate expires within 30 days.
		list := func(filter porter.CertificateFilter) []int64 {
			t.Helper()
			l, err := f.svc.Certificates(ctx, f.org, filter)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range l.Items {
				ids = append(ids, c.ID)
			}
			return ids
		}
		if got := list(porter.CertificateFilter{Expiry: "expiring"}); !slicesEqual(got, []int64{elevator.ID}) {
			t.Fatalf("expiring %v", got)
		}
		if got := list(porter.CertificateFilter{Expiry: "valid"}); !slicesEqual(got, []int64{fire.ID}) {
			t.Fatalf("valid %v", got)
		}
		if got := list(porter.CertificateFilter{Expiry: "expiring", WithinDays: 400}); len(got) != 2 {
			t.Fatalf("expiring within 400 days %v", got)
		}
		f.now = time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
		if got := list(porter.CertificateFilter{Expiry: "expired"}); !slicesEqual(got, []int64{elevator.ID}) {
			t.Fatalf("expired %v", got)
		}
		if got := list(porter.CertificateFilter{AssetID: lift.ID}); !slicesEqual(got, []int64{elevator.ID}) {
			t.Fatalf("by asset %v", got)
		}
		if got := list(porter.CertificateFilter{Type: "fire_safety"}); !slicesEqual(got, []int64{fire.ID}) {
			t.Fatalf("by type %v", got)
		}
		_, err = f.svc.Certificates(ctx, f.org, porter.CertificateFilter{Expiry: "soon"})
		wantCode(t, err, porter.EINVALID, "expiry")
	})
}

// The facility scheduler: warranty alerts at 90/60/30 days and
// certificate alerts at the organization's thresholds, each once, the
// tightest when passes were missed, expiry the day after.
func TestFacilityScheduler(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newFacilityFixture(t, s)
		ctx := f.ctx
		a := f.asset("Chiller", porter.AssetInput{})
		w, err := f.svc.CreateWarranty(ctx, f.org, a.ID, porter.WarrantyInput{Provider: ptr("Trane"), StartDate: ptr("2024-01-01"), EndDate: ptr("2025-12-31")})
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.AddCertificate(ctx, f.org, porter.CertificateInput{Type: ptr("gas"), PropertyID: &f.prop, IssueDate: ptr("2024-12-31"), ExpiryDate: ptr("2025-12-31")})
		if err != nil {
			t.Fatal(err)
		}
		type alert struct {
			warranty, cert int // the threshold alerted today; 0 none
			expired        bool
		}
		steps := []struct {
			at string
			alert
		}{
			{"2025-10-01", alert{}},             // 91 days left
			{"2025-10-02", alert{warranty: 90}}, // 90 days left
			{"2025-10-02", alert{}},             // same day again
			{"2025-11-01", alert{warranty: 60, cert: 60}},
			{"2025-12-05", alert{warranty: 30, cert: 30}}, // passes missed since: the tightest only
			{"2025-12-24", alert{cert: 7}},
			{"2025-12-31", alert{}}, // the last valid day
			{"2026-01-01", alert{expired: true}},
			{"2026-01-02", alert{}},
		}
		var seenW, seenC, seenE int
		for _, st := range steps {
			f.facilityPass(st.at)
			ws, cs, es := f.events("asset.warranty_expiring"), f.events("certificate.expiring_soon"), f.events("certificate.expired")
			check := func(name string, evs []*porter.Event, seen *int, threshold int) {
				t.Helper()
				want := *seen
				if threshold != 0 {
					want++
				}
				if len(evs) != want {
					t.Fatalf("%s: %d %s, want %d", st.at, len(evs), name, want)
				}
				if threshold != 0 {
					d := dataOf(t, evs[len(evs)-1])
					if d["threshold_days"] != float64(threshold) {
						t.Fatalf("%s: %s threshold %v, want %d", st.at, name, d["threshold_days"], threshold)
					}
				}
				*seen = want
			}
			check("asset.warranty_expiring", ws, &seenW, st.warranty)
			check("certificate.expiring_soon", cs, &seenC, st.cert)
			wantE := seenE
			if st.expired {
				wantE++
			}
			if len(es) != wantE {
				t.Fatalf("%s: %d certificate.expired, want %d", st.at, len(es), wantE)
			}
			seenE = wantE
		}
		ws := f.events("asset.warranty_expiring")
		d := dataOf(t, ws[0])
		if d["id"] != float64(w.ID) || d["asset"].(map[string]any)["id"] != float64(a.ID) || ws[0].ResourceID != a.ID {
			t.Fatalf("warranty_expiring data %s", ws[0].Data)
		}
		if d := dataOf(t, f.events("certificate.expired")[0]); d["id"] != float64(c.ID) || d["days_remaining"] != float64(-1) {
			t.Fatalf("expired data %v", d)
		}
		// A renewal (new expiry date) arms the alerts again.
		if _, err := f.svc.UpdateCertificate(ctx, f.org, c.ID, porter.CertificateInput{ExpiryDate: ptr("2026-01-20")}); err != nil {
			t.Fatal(err)
		}
		f.facilityPass("2026-01-05")
		if cs := f.events("certificate.expiring_soon"); len(cs) != seenC+1 || dataOf(t, cs[len(cs)-1])["threshold_days"] != float64(30) {
			t.Fatalf("after renewal: %d alerts", len(cs))
		}
		// An organization's own thresholds; [] turns the alert off.
		if _, err := f.svc.UpdateOrganization(ctx, f.org, porter.OrganizationInput{CertificateAlertDays: &[]int{}}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.UpdateOrganization(ctx, f.org, porter.OrganizationInput{CertificateAlertDays: &[]int{0}})
		wantCode(t, err, porter.EINVALID, "certificate_alert_days")
		n := len(f.events("certificate.expiring_soon"))
		f.facilityPass("2026-01-15")
		if got := len(f.events("certificate.expiring_soon")); got != n {
			t.Fatalf("alerts off, yet %d new", got-n)
		}
		// A disposed asset's warranty stays silent.
		b := f.asset("Pump", porter.AssetInput{})
		if _, err := f.svc.CreateWarranty(ctx, f.org, b.ID, porter.WarrantyInput{Provider: ptr("Grundfos"), StartDate: ptr("2025-01-01"), EndDate: ptr("2026-02-01")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.DisposeAsset(ctx, f.org, b.ID, porter.DisposeInput{Reason: ptr("Replaced")}); err != nil {
			t.Fatal(err)
		}
		n = len(f.events("asset.warranty_expiring"))
		f.facilityPass("2026-01-16")
		if got := len(f.events("asset.warranty_expiring")); got != n {
			t.Fatalf("a disposed asset's warranty alerted")
		}
	})
}

// Passes on several nodes at once send each alert once.
func TestFacilitySchedulerConcurrentPasses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newFacilityFixture(t, s)
		a := f.asset("Chiller", porter.AssetInput{})
		for _, end := range []string{"2025-06-01", "2025-07-01", "2025-08-01"} {
			if _, err := f.svc.CreateWarranty(f.ctx, f.org, a.ID, porter.WarrantyInput{Provider: ptr("T"), StartDate: ptr("2024-01-01"), EndDate: &end}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.AddCertificate(f.ctx, f.org, porter.CertificateInput{Type: ptr("water"), PropertyID: &f.prop, IssueDate: ptr("2024-01-01"), ExpiryDate: &end}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.svc.AddCertificate(f.ctx, f.org, porter.CertificateInput{Type: ptr("water"), PropertyID: &f.prop, IssueDate: ptr("2024-01-01"), ExpiryDate: ptr("2025-05-01")}); err != nil {
			t.Fatal(err)
		}
		for _, store := range []porter.Store{s, unlocked{s}} {
			var wg sync.WaitGroup
			errs := make(chan error, 6)
			for range 6 {
				svc := porter.NewService(store, "", nil)
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- svc.RunFacilityPass(f.ctx, f.now)
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		// 2025-05-09: 23, 53 and 84 days left.
		if n := len(f.events("asset.warranty_expiring")); n != 3 {
			t.Fatalf("%d warranty alerts, want 3", n)
		}
		if n := len(f.events("certificate.expiring_soon")); n != 2 { // 23 → 30, 53 → 60; 84 is outside
			t.Fatalf("%d certificate alerts, want 2", n)
		}
		if n := len(f.events("certificate.expired")); n != 1 {
			t.Fatalf("%d certificate.expired, want 1", n)
		}
	})
}
