package http_test

import (
	"strings"
	"testing"
	"time"
)

// Facility records through the API: categories, assets (filters, transfer,
// dispose), warranties, claims and certificates; bad input is a 400 naming
// the field that writes nothing; scopes and other organizations refused.
func TestAssetsAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		prop := a.do("POST", "/v1/properties", map[string]any{"name": "Tower A"}).must(t, 201).obj("data")["id"].(float64)
		prop2 := a.do("POST", "/v1/properties", map[string]any{"name": "Tower B"}).must(t, 201).obj("data")["id"].(float64)
		unit2 := a.do("POST", "/v1/units", map[string]any{"property_id": prop2, "name": "1504"}).must(t, 201).obj("data")["id"].(float64)
		otherProp := a.doKey(a.otherKey, "POST", "/v1/properties", map[string]any{"name": "X"}, nil).must(t, 201).obj("data")["id"].(float64)

		cat := a.do("POST", "/v1/asset_categories", map[string]any{"name": "HVAC Equipment"}).must(t, 201).obj("data")
		if r := a.do("POST", "/v1/asset_categories", map[string]any{"name": "hvac equipment"}).must(t, 409); !strings.Contains(string(r.Body), "name") {
			t.Fatalf("duplicate category: %s", r.Body)
		}
		if l := a.do("GET", "/v1/asset_categories", nil).must(t, 200); len(l.JSON["data"].([]any)) != 1 {
			t.Fatalf("categories %s", l.Body)
		}

		// Bad input: 400 naming the field, nothing written.
		before := a.eventCount()
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"name": "AHU"}, "property_id"},
			{map[string]any{"property_id": prop}, "name"},
			{map[string]any{"property_id": prop, "name": "AHU", "condition": "broken"}, "condition"},
			{map[string]any{"property_id": prop, "name": "AHU", "install_date": "01/02/2020"}, "install_date"},
			{map[string]any{"property_id": otherProp, "name": "AHU"}, "property_id"},
			{map[string]any{"property_id": prop, "name": "AHU", "unit_id": unit2}, "unit_id"},
			{map[string]any{"property_id": prop, "name": "AHU", "category": "Construction HVAC unit"}, "category"},
			{map[string]any{"property_id": prop, "name": "AHU", "category_id": 999999}, "category_id"},
			{map[string]any{"property_id": prop, "name": 7}, "name"},
		} {
			r := a.do("POST", "/v1/assets", c.body).must(t, 400)
			if !strings.Contains(string(r.Body), c.field) {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if a.eventCount() != before {
			t.Fatal("bad input wrote events")
		}

		ahu := a.do("POST", "/v1/assets", map[string]any{"property_id": prop, "name": "AHU-1", "category": "HVAC EQUIPMENT",
			"make": "Carrier", "serial": "CX-100", "install_date": "2021-04-01"}).must(t, 201).obj("data")
		if ahu["category_id"] != cat["id"] || ahu["category"] != "HVAC Equipment" || ahu["status"] != "active" || ahu["condition"] != "good" {
			t.Fatalf("asset %v", ahu)
		}
		path := "/v1/assets/" + itoa(int(ahu["id"].(float64)))
		a.do("POST", "/v1/assets", map[string]any{"property_id": prop2, "unit_id": unit2, "name": "Lift car", "condition": "poor"}).must(t, 201)
		for q, want := range map[string]float64{
			"": 2, "?property_id=" + itoa(int(prop2)): 1, "?unit_id=" + itoa(int(unit2)): 1, "?category_id=" + itoa(int(cat["id"].(float64))): 1,
			"?condition=poor": 1, "?status=active": 2, "?search=cx-1": 1, "?search=lift": 1, "?per_page=1&page=2": 2,
		} {
			if l := a.do("GET", "/v1/assets"+q, nil).must(t, 200); l.obj("meta")["total"] != want {
				t.Errorf("GET /v1/assets%s: total %v, want %v", q, l.obj("meta")["total"], want)
			}
		}
		a.do("GET", "/v1/assets?condition=meh", nil).must(t, 400)
		a.do("DELETE", "/v1/asset_categories/"+itoa(int(cat["id"].(float64))), nil).must(t, 409)

		if p := a.do("PATCH", path, map[string]any{"condition": "failed", "location": "Roof"}).must(t, 200).obj("data"); p["condition"] != "failed" {
			t.Fatalf("patched %v", p)
		}
		evs := a.allEvents(t)
		if evs[0].Type != "asset.condition_changed" || !strings.Contains(string(evs[0].Data), `"previous_condition":"good"`) || evs[1].Type != "asset.updated" {
			t.Fatalf("events %s %s %s", evs[0].Type, evs[1].Type, evs[0].Data)
		}
		r := a.do("POST", path+"/transfer", map[string]any{"property_id": prop2, "unit_id": unit2}).must(t, 200).obj("data")
		if r["status"] != "transferred" || r["unit_id"] != unit2 {
			t.Fatalf("transferred %v", r)
		}
		if ev := a.allEvents(t)[0]; ev.Type != "asset.transferred" || !strings.Contains(string(ev.Data), `"from":{"property_id":`+itoa(int(prop))+`,"unit_id":null}`) {
			t.Fatalf("transfer event %s %s", ev.Type, ev.Data)
		}

		// Warranties and a claim linked to a work order.
		a.do("POST", path+"/warranties", map[string]any{"provider": "Carrier", "start_date": "2025-01-01", "end_date": "2024-01-01"}).must(t, 400)
		w := a.do("POST", path+"/warranties", map[string]any{"provider": "Carrier", "contact": "+971 4 000 0000", "policy_number": "PW-1",
			"start_date": "2025-01-01", "end_date": "2027-01-01", "coverage": "Parts and labour"}).must(t, 201).obj("data")
		wpath := "/v1/warranties/" + itoa(int(w["id"].(float64)))
		if l := a.do("GET", path+"/warranties", nil).must(t, 200); len(l.JSON["data"].([]any)) != 1 {
			t.Fatalf("warranties %s", l.Body)
		}
		a.do("PATCH", wpath, map[string]any{"end_date": "2028-01-01"}).must(t, 200)
		wo := a.do("POST", "/v1/work_orders", map[string]any{"property_id": prop2, "title": "AHU fan", "description": "Noisy"}).must(t, 201).obj("data")["id"].(float64)
		otherWO := a.doKey(a.otherKey, "POST", "/v1/work_orders", map[string]any{"property_id": otherProp, "title": "X", "description": "Y"}, nil).must(t, 201).obj("data")["id"].(float64)
		if r := a.do("POST", wpath+"/claims", map[string]any{"description": "Fan", "work_order_id": otherWO}).must(t, 400); !strings.Contains(string(r.Body), "work_order_id") {
			t.Fatalf("other org's work order: %s", r.Body)
		}
		claim := a.do("POST", wpath+"/claims", map[string]any{"description": "Fan bearing", "work_order_id": wo}).must(t, 201).obj("data")
		cpath := "/v1/warranty_claims/" + itoa(int(claim["id"].(float64)))
		a.do("PATCH", cpath, map[string]any{"status": "approved"}).must(t, 409)
		a.do("PATCH", cpath, map[string]any{"status": "submitted"}).must(t, 200)
		a.do("PATCH", cpath, map[string]any{"status": "approved", "notes": "Ref 88"}).must(t, 200)
		if c := a.do("PATCH", cpath, map[string]any{"status": "closed"}).must(t, 200).obj("data"); c["closed_at"] == nil {
			t.Fatalf("closed %v", c)
		}
		a.do("PATCH", cpath, map[string]any{"notes": "late"}).must(t, 409)
		if l := a.do("GET", wpath+"/claims", nil).must(t, 200); len(l.JSON["data"].([]any)) != 1 {
			t.Fatalf("claims %s", l.Body)
		}

		// Dispose: a reason is required; then 409 for every change.
		a.do("POST", path+"/dispose", map[string]any{}).must(t, 400)
		if d := a.do("POST", path+"/dispose", map[string]any{"reason": "Replaced by AHU-2"}).must(t, 200).obj("data"); d["status"] != "disposed" || d["disposed_at"] == nil {
			t.Fatalf("disposed %v", d)
		}
		a.do("PATCH", path, map[string]any{"notes": "x"}).must(t, 409)
		a.do("POST", path+"/transfer", map[string]any{"property_id": prop}).must(t, 409)
		a.do("POST", path+"/warranties", map[string]any{"provider": "X", "start_date": "2025-01-01", "end_date": "2026-01-01"}).must(t, 409)

		// Scopes.
		reader := a.scopedKey("assets:read")
		a.doKey(reader, "GET", path, nil, nil).must(t, 200)
		a.doKey(reader, "GET", wpath+"/claims", nil, nil).must(t, 200)
		a.doKey(reader, "POST", "/v1/assets", map[string]any{"property_id": prop, "name": "X"}, nil).must(t, 403)
		a.doKey(reader, "PATCH", cpath, map[string]any{"notes": "x"}, nil).must(t, 403)
		a.doKey(reader, "GET", "/v1/certificates", nil, nil).must(t, 403)
		a.doKey(a.scopedKey("properties:read"), "GET", "/v1/asset_categories", nil, nil).must(t, 403)
		// Another organization: 404, and an empty list.
		a.doKey(a.otherKey, "GET", path, nil, nil).must(t, 404)
		a.doKey(a.otherKey, "GET", wpath, nil, nil).must(t, 404)
		a.doKey(a.otherKey, "GET", cpath, nil, nil).must(t, 404)
		if l := a.doKey(a.otherKey, "GET", "/v1/assets", nil, nil).must(t, 200); l.obj("meta")["total"] != 0.0 {
			t.Fatalf("other org lists %s", l.Body)
		}
	})
}

func TestCertificatesAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		prop := a.do("POST", "/v1/properties", map[string]any{"name": "Tower A"}).must(t, 201).obj("data")["id"].(float64)
		lift := a.do("POST", "/v1/assets", map[string]any{"property_id": prop, "name": "Lift 1"}).must(t, 201).obj("data")["id"].(float64)
		otherProp := a.doKey(a.otherKey, "POST", "/v1/properties", map[string]any{"name": "X"}, nil).must(t, 201).obj("data")["id"].(float64)
		body, h := form(t, map[string]string{"scope": "property", "scope_id": itoa(int(otherProp))}, "file", "cert.pdf", []byte("%PDF-1.4 cert"))
		otherDoc := a.doKey(a.otherKey, "POST", "/v1/documents", body, h).must(t, 201).obj("data")["id"].(float64)
		body, h = form(t, map[string]string{"scope": "property", "scope_id": itoa(int(prop))}, "file", "cert.pdf", []byte("%PDF-1.4 cert"))
		doc := a.doKey(a.key, "POST", "/v1/documents", body, h).must(t, 201).obj("data")["id"].(float64)

		before := a.eventCount()
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"type": "asbestos", "property_id": prop, "issue_date": "2025-01-01", "expiry_date": "2026-01-01"}, "type"},
			{map[string]any{"type": "gas", "property_id": prop, "issue_date": "2025-01-01", "expiry_date": "2025-01-01"}, "expiry_date"},
			{map[string]any{"type": "gas", "property_id": prop, "issue_date": "2025-1-1", "expiry_date": "2026-01-01"}, "issue_date"},
			{map[string]any{"type": "gas", "issue_date": "2025-01-01", "expiry_date": "2026-01-01"}, "property_id"},
			{map[string]any{"type": "gas", "property_id": otherProp, "issue_date": "2025-01-01", "expiry_date": "2026-01-01"}, "property_id"},
			{map[string]any{"type": "gas", "property_id": prop, "document_id": otherDoc, "issue_date": "2025-01-01", "expiry_date": "2026-01-01"}, "document_id"},
			{map[string]any{"type": "gas", "property_id": prop, "asset_id": 999999, "issue_date": "2025-01-01", "expiry_date": "2026-01-01"}, "asset_id"},
		} {
			r := a.do("POST", "/v1/certificates", c.body).must(t, 400)
			if !strings.Contains(string(r.Body), c.field) {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if a.eventCount() != before {
			t.Fatal("bad input wrote events")
		}
		fire := a.do("POST", "/v1/certificates", map[string]any{"type": "fire_safety", "property_id": prop, "document_id": doc,
			"reference": "FS-2025-1", "issuer": "Civil Defence", "issue_date": "2025-01-01", "expiry_date": "2026-01-01"}).must(t, 201).obj("data")
		elevator := a.do("POST", "/v1/certificates", map[string]any{"type": "elevator", "asset_id": lift,
			"issue_date": "2024-06-01", "expiry_date": "2025-06-01"}).must(t, 201).obj("data")
		if elevator["property_id"] != prop || fire["document_id"] != doc {
			t.Fatalf("certificates %v %v", fire, elevator)
		}
		if ev := a.allEvents(t)[0]; ev.Type != "certificate.added" {
			t.Fatalf("event %s", ev.Type)
		}
		// Today is 2025-05-09 (the test clock): the elevator's expires within 60 days.
		for q, want := range map[string]float64{
			"": 2, "?expiry=expiring": 1, "?expiry=valid": 1, "?expiry=expired": 0, "?expiry=expiring&within_days=400": 2,
			"?type=elevator": 1, "?asset_id=" + itoa(int(lift)): 1, "?property_id=" + itoa(int(prop)): 2,
		} {
			if l := a.do("GET", "/v1/certificates"+q, nil).must(t, 200); l.obj("meta")["total"] != want {
				t.Errorf("GET /v1/certificates%s: total %v, want %v", q, l.obj("meta")["total"], want)
			}
		}
		a.do("GET", "/v1/certificates?expiry=soon", nil).must(t, 400)
		a.do("GET", "/v1/certificates?within_days=30", nil).must(t, 400)
		fpath := "/v1/certificates/" + itoa(int(fire["id"].(float64)))
		if p := a.do("PATCH", fpath, map[string]any{"expiry_date": "2027-01-01"}).must(t, 200).obj("data"); p["expiry_date"] != "2027-01-01" {
			t.Fatalf("renewed %v", p)
		}
		a.do("PATCH", fpath, map[string]any{"expiry_date": "2020-01-01"}).must(t, 400)

		// The scheduler's alerts, as a webhook receives them.
		a.now = time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
		if err := a.svc.RunFacilityPass(t.Context(), a.now); err != nil {
			t.Fatal(err)
		}
		if ev := a.allEvents(t)[0]; ev.Type != "certificate.expired" || !strings.Contains(string(ev.Data), `"days_remaining":-1`) {
			t.Fatalf("event %s %s", ev.Type, ev.Data)
		}
		// Organization setting.
		if o := a.do("PATCH", "/v1/organization", map[string]any{"certificate_alert_days": []int{90, 14}}).must(t, 200).obj("data"); len(o["certificate_alert_days"].([]any)) != 2 {
			t.Fatalf("organization %v", o)
		}
		a.do("PATCH", "/v1/organization", map[string]any{"certificate_alert_days": []int{400}}).must(t, 400)

		writer := a.scopedKey("certificates:write")
		a.doKey(writer, "PATCH", fpath, map[string]any{"notes": "Checked"}, nil).must(t, 200)
		reader := a.scopedKey("certificates:read")
		a.doKey(reader, "GET", fpath, nil, nil).must(t, 200)
		a.doKey(reader, "PATCH", fpath, map[string]any{"notes": "x"}, nil).must(t, 403)
		a.doKey(a.scopedKey("assets:write"), "POST", "/v1/certificates", map[string]any{"type": "gas"}, nil).must(t, 403)
		a.doKey(a.otherKey, "GET", fpath, nil, nil).must(t, 404)
		a.doKey(a.otherKey, "PATCH", fpath, map[string]any{"notes": "x"}, nil).must(t, 404)
	})
}
