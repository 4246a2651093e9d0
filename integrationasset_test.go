package porter_test

import (
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// Seed 002's handover story: assets arrive with a category the mapping
// does not know; the log names the gap; the category mapping is added;
// Retry Failed creates the assets, and their warranties, once.
func TestIntegrationHandoverAssetStory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newIntegrationFixture(t, s)
		if _, err := f.svc.CreateAssetCategory(f.ctx, f.org, porter.AssetCategoryInput{Name: ptr("HVAC Equipment")}); err != nil {
			t.Fatal(err)
		}
		m := f.it.Mapping
		m.Entities["asset"] = &porter.IntegrationEntityMapping{Target: "asset",
			Fields: map[string]string{"name": "label", "category": "category", "serial": "serial", "building": "$.metadata.building"}}
		m.Entities["warranty"] = &porter.IntegrationEntityMapping{Target: "warranty",
			Fields: map[string]string{"asset": "asset", "provider": "provider", "start_date": "from", "end_date": "to"}}
		m.ValueMaps["building"] = map[string]any{"B-7": float64(f.prop.ID)}
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, f.it.ID, porter.IntegrationInput{Mapping: &m}); err != nil {
			t.Fatal(err)
		}
		batch := `{"entity": "asset", "id": "AST-1", "metadata": {"building": "B-7"}, "data": {"label": "AHU-1", "category": "Construction HVAC unit", "serial": "SN-1"}}
{"entity": "asset", "id": "AST-2", "metadata": {"building": "B-7"}, "data": {"label": "AHU-2", "category": "Construction HVAC unit"}}
{"entity": "warranty", "id": "WAR-1", "data": {"asset": "AST-1", "provider": "Carrier", "from": "2026-01-01", "to": "2031-01-01"}}
{"entity": "defect", "id": "DEF-1", "metadata": {"building": "B-7"}, "data": {"summary": "Noisy fan on AHU-1"}}`
		rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(batch, true))
		if err != nil {
			t.Fatal(err)
		}
		want := "asset category 'Construction HVAC unit' has no mapping (add it to value_maps.asset_category)"
		if rc.Failed != 3 || rc.Succeeded != 1 || rc.Results[0].Error != want || !strings.Contains(rc.Results[2].Error, "'AST-1' has not been imported") {
			t.Fatalf("receipt = %+v", rc.Results)
		}
		assets := func() []*porter.Asset {
			l, err := f.svc.Assets(f.ctx, f.org, porter.AssetFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return l.Items
		}
		if len(assets()) != 0 {
			t.Fatal("an unmapped asset was written")
		}
		// The category mapping is added; Retry Failed replays the three in
		// the order they came, so the warranty finds its asset.
		it, _ := f.svc.Integration(f.ctx, f.org, f.it.ID)
		m = it.Mapping
		m.ValueMaps["asset_category"] = map[string]any{"Construction HVAC unit": "HVAC Equipment"}
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, it.ID, porter.IntegrationInput{Mapping: &m}); err != nil {
			t.Fatal(err)
		}
		res, err := f.svc.RetryFailedIntegration(f.ctx, f.org, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Succeeded != 3 || res.Failed != 0 || res.Integration.Status != porter.IntegrationEnabled {
			t.Fatalf("retry = %+v", res)
		}
		as := assets()
		if len(as) != 2 {
			t.Fatalf("%d assets, want 2", len(as))
		}
		var ahu1 *porter.Asset
		for _, a := range as {
			if a.PropertyID != f.prop.ID || a.Category != "HVAC Equipment" {
				t.Fatalf("asset %+v", a)
			}
			if a.Name == "AHU-1" {
				ahu1 = a
			}
		}
		ws, err := f.svc.Warranties(f.ctx, f.org, ahu1.ID)
		if err != nil || len(ws) != 1 || ws[0].Provider != "Carrier" {
			t.Fatalf("warranties of AHU-1: %+v %v", ws, err)
		}
		// A work order an integration opens carries seed 002's object too.
		evs, err := f.svc.Events(f.ctx, f.org, porter.EventFilter{ListParams: porter.ListParams{Page: 1, PerPage: 1}, Types: []string{"work_order.created"}})
		if err != nil || len(evs.Items) != 1 || !strings.Contains(string(evs.Items[0].Data), `"number":"WO-`) {
			t.Fatalf("work_order.created from the integration: %v %v", evs.Items, err)
		}
		// The whole batch again: updates, never duplicates.
		if rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(batch, true)); err != nil || rc.Succeeded != 4 {
			t.Fatalf("again = %+v, %v", rc, err)
		}
		if n := len(assets()); n != 2 || len(f.workOrders(t)) != 1 {
			t.Fatalf("%d assets and %d work orders after the batch again", n, len(f.workOrders(t)))
		}
	})
}
