package porter_test

import (
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// The certificate target: compliance records from a handover become
// certificates on the building or on an asset the same integration
// imported; an unmapped certificate type is an error naming the gap, and
// the same source record again updates its certificate.
func TestIntegrationCertificateTarget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newIntegrationFixture(t, s)
		if _, err := f.svc.CreateAssetCategory(f.ctx, f.org, porter.AssetCategoryInput{Name: ptr("Elevators")}); err != nil {
			t.Fatal(err)
		}
		m := f.it.Mapping
		m.Entities["asset"] = &porter.IntegrationEntityMapping{Target: "asset",
			Fields: map[string]string{"name": "label", "category": "category", "building": "$.metadata.building"}}
		m.Entities["compliance"] = &porter.IntegrationEntityMapping{Target: "certificate",
			Fields: map[string]string{"type": "kind", "reference": "number", "issuer": "body", "issue_date": "issued", "expiry_date": "expires",
				"building": "$.metadata.building", "asset": "asset"}}
		m.ValueMaps["building"] = map[string]any{"B-7": float64(f.prop.ID)}
		m.ValueMaps["certificate_type"] = map[string]any{"Lift inspection": "elevator"}
		m.ValueMaps["asset_category"] = map[string]any{"Elevators": "Elevators"}
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, f.it.ID, porter.IntegrationInput{Mapping: &m}); err != nil {
			t.Fatal(err)
		}
		batch := `{"entity": "asset", "id": "AST-9", "metadata": {"building": "B-7"}, "data": {"label": "Lift 1", "category": "Elevators"}}
{"entity": "compliance", "id": "CRT-1", "data": {"kind": "Lift inspection", "number": "EL-2026-7", "body": "Otis", "issued": "2026-01-10", "expires": "2027-01-09", "asset": "AST-9"}}
{"entity": "compliance", "id": "CRT-2", "metadata": {"building": "B-7"}, "data": {"kind": "Fire alarm test", "number": "FS-1", "issued": "2026-02-01", "expires": "2027-02-01"}}`
		rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(batch, true))
		if err != nil {
			t.Fatal(err)
		}
		want := "type 'Fire alarm test' is not one of fire_safety, elevator, gas, electrical, water, other (translate it with value_maps.certificate_type)"
		if rc.Succeeded != 2 || rc.Failed != 1 || rc.Results[1].Target == nil || rc.Results[1].Target.Type != "certificate" || rc.Results[2].Error != want {
			t.Fatalf("receipt = %+v", rc.Results)
		}
		certs := func() []*porter.Certificate {
			l, err := f.svc.Certificates(f.ctx, f.org, porter.CertificateFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return l.Items
		}
		cs := certs()
		if len(cs) != 1 || cs[0].Type != "elevator" || cs[0].AssetID == nil || cs[0].PropertyID != f.prop.ID || cs[0].Reference != "EL-2026-7" || cs[0].Issuer != "Otis" {
			t.Fatalf("certificates = %+v", cs)
		}
		// The type is mapped; Retry Failed adds the fire safety certificate.
		it, _ := f.svc.Integration(f.ctx, f.org, f.it.ID)
		m = it.Mapping
		m.ValueMaps["certificate_type"]["Fire alarm test"] = "fire_safety"
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, it.ID, porter.IntegrationInput{Mapping: &m}); err != nil {
			t.Fatal(err)
		}
		if res, err := f.svc.RetryFailedIntegration(f.ctx, f.org, it.ID); err != nil || res.Succeeded != 1 {
			t.Fatalf("retry = %+v, %v", res, err)
		}
		// A renewal of CRT-1 updates its certificate: two certificates,
		// two certificate.added and one certificate.updated.
		renewal := `{"entity": "compliance", "id": "CRT-1", "data": {"kind": "Lift inspection", "number": "EL-2027-1", "body": "Otis", "issued": "2027-01-05", "expires": "2028-01-04", "asset": "AST-9"}}`
		if rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(renewal, false)); err != nil || rc.Succeeded != 1 {
			t.Fatalf("renewal = %+v, %v", rc, err)
		}
		cs = certs()
		if len(cs) != 2 {
			t.Fatalf("%d certificates after the renewal, want 2", len(cs))
		}
		for _, c := range cs {
			if c.Type == "elevator" && (c.Reference != "EL-2027-1" || c.ExpiryDate != "2028-01-04") {
				t.Fatalf("renewed certificate = %+v", c)
			}
		}
		for typ, n := range map[string]int{"certificate.added": 2, "certificate.updated": 1} {
			evs, err := f.svc.Events(f.ctx, f.org, porter.EventFilter{ListParams: porter.ListParams{Page: 1, PerPage: 10}, Types: []string{typ}})
			if err != nil || len(evs.Items) != n {
				t.Fatalf("%s: %d events, want %d (%v)", typ, len(evs.Items), n, err)
			}
		}
		// A certificate with neither building nor asset names the gap.
		orphan := `{"entity": "compliance", "id": "CRT-3", "data": {"kind": "Lift inspection", "issued": "2026-01-01", "expires": "2027-01-01"}}`
		if rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(orphan, false)); err != nil || !strings.Contains(rc.Results[0].Error, "no property") {
			t.Fatalf("orphan = %+v, %v", rc, err)
		}
	})
}
