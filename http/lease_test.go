package http_test

import (
	"context"
	"strings"
	"testing"

	"porter"
)

// leaseSetup makes a property, a unit and a tenant in the default
// organization and returns their ids.
func leaseSetup(t *testing.T, a *api) (prop, unit, tenant float64) {
	t.Helper()
	p := a.do("POST", "/v1/properties", map[string]any{"name": "Maple Court"}).must(t, 201).obj("data")
	u := a.do("POST", "/v1/units", map[string]any{"property_id": p["id"], "name": "12B"}).must(t, 201).obj("data")
	tn := a.do("POST", "/v1/tenants", map[string]any{"email": "jane@example.com", "first_name": "Jane", "last_name": "Smith"}).must(t, 201).obj("data")
	return p["id"].(float64), u["id"].(float64), tn["id"].(float64)
}

// actionBodies are valid bodies for each lease action.
var actionBodies = map[string]any{
	"/activate":  nil,
	"/terminate": map[string]any{"reason": "moved"},
	"/renew":     map[string]any{"end_date": "2030-05-31"},
}

func TestLeasesHTTP(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		prop, unit, tenant := leaseSetup(t, a)
		body := map[string]any{"unit_id": unit, "tenant_id": tenant, "start_date": "2025-06-01", "end_date": "2026-05-31", "monthly_rent": 1800.00}
		l := a.do("POST", "/v1/leases", body).must(t, 201).obj("data")
		if l["status"] != "draft" || l["tenant_id"] != tenant || l["monthly_rent"] != 1800.0 || l["deposit"] != 0.0 {
			t.Fatalf("lease = %v", l)
		}
		if ids, _ := l["tenant_ids"].([]any); len(ids) != 1 || ids[0] != tenant {
			t.Fatalf("tenant_ids = %v", l["tenant_ids"])
		}
		id := itoa(int(l["id"].(float64)))
		path := "/v1/leases/" + id

		a.do("PATCH", path, map[string]any{"deposit": 1800.00}).must(t, 200)
		a.do("POST", path+"/terminate", nil).must(t, 409)
		a.do("POST", path+"/renew", map[string]any{"end_date": "2027-05-31"}).must(t, 409)
		l = a.do("POST", path+"/activate", nil).must(t, 200).obj("data")
		if l["status"] != "active" || l["activated_at"] == nil || l["deposit"] != 1800.0 {
			t.Fatalf("activated = %v", l)
		}
		u := a.do("GET", "/v1/units/"+itoa(int(unit)), nil).must(t, 200).obj("data")
		if u["status"] != "occupied" {
			t.Fatalf("unit = %v", u)
		}
		r := a.do("PATCH", path, map[string]any{"deposit": 1.00}).must(t, 409)
		if !strings.Contains(r.JSON["detail"].(string), "is active") || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("409: %s", r.Body)
		}
		a.do("POST", path+"/activate", nil).must(t, 409)

		// Renewal needs a later end date; its body is checked field by field.
		a.do("POST", path+"/renew", nil).must(t, 400)
		a.do("POST", path+"/renew", map[string]any{"end_date": "2026-05-31"}).must(t, 400)
		a.do("POST", path+"/renew", map[string]any{"end_date": "2027-05-31", "colour": "red"}).must(t, 400)
		l = a.do("POST", path+"/renew", map[string]any{"end_date": "2027-05-31", "monthly_rent": 1900}).must(t, 200).obj("data")
		if l["end_date"] != "2027-05-31" || l["monthly_rent"] != 1900.0 {
			t.Fatalf("renewed = %v", l)
		}

		// A second lease overlapping the first cannot be activated.
		other := a.do("POST", "/v1/leases", map[string]any{"unit_id": unit, "tenant_ids": []any{tenant}, "start_date": "2027-01-01", "end_date": "2027-12-31", "monthly_rent": 1500}).must(t, 201).obj("data")
		a.do("POST", "/v1/leases/"+itoa(int(other["id"].(float64)))+"/activate", nil).must(t, 409)

		// Lists and filters.
		for q, want := range map[string]float64{
			"": 2, "?status=active": 1, "?status=draft": 1, "?unit_id=" + itoa(int(unit)): 2,
			"?tenant_id=" + itoa(int(tenant)): 2, "?property_id=" + itoa(int(prop)): 2, "?property_id=999999": 0,
		} {
			res := a.do("GET", "/v1/leases"+q, nil).must(t, 200)
			if res.obj("meta")["total"] != want {
				t.Fatalf("GET /v1/leases%s: %s", q, res.Body)
			}
		}
		a.do("GET", "/v1/leases?status=haunted", nil).must(t, 400)
		a.do("GET", "/v1/leases?unit_id=x", nil).must(t, 400)

		l = a.do("POST", path+"/terminate", map[string]any{"reason": "moved abroad"}).must(t, 200).obj("data")
		if l["status"] != "terminated" || l["termination_reason"] != "moved abroad" || l["terminated_at"] == nil {
			t.Fatalf("terminated = %v", l)
		}
		u = a.do("GET", "/v1/units/"+itoa(int(unit)), nil).must(t, 200).obj("data")
		if u["status"] != "vacant" {
			t.Fatalf("unit = %v", u)
		}
		for action, body := range actionBodies {
			a.do("POST", path+action, body).must(t, 409)
		}
		a.do("GET", path, nil).must(t, 200)

		// The lease events, in order, on the event log.
		ev := a.do("GET", "/v1/events?type=lease.*&per_page=100", nil).must(t, 200)
		var types []string
		for _, e := range ev.JSON["data"].([]any) {
			types = append([]string{e.(map[string]any)["event"].(string)}, types...)
		}
		if got := strings.Join(types, " "); got != "lease.created lease.updated lease.activated lease.renewed lease.created lease.terminated" {
			t.Fatalf("lease events: %s", got)
		}
		signed := a.do("GET", "/v1/events?type=lease.signed", nil).must(t, 200)
		if signed.obj("meta")["total"] != 1.0 {
			t.Fatalf("lease.signed alias: %s", signed.Body)
		}
	})
}

func TestLeasesHTTPValidation(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		_, unit, tenant := leaseSetup(t, a)
		before := a.eventCount()
		good := func() map[string]any {
			return map[string]any{"unit_id": unit, "tenant_ids": []any{tenant}, "start_date": "2025-06-01", "end_date": "2026-05-31", "monthly_rent": 1800}
		}
		for _, c := range []struct {
			field string
			value any // nil deletes the field
		}{
			{"unit_id", nil}, {"unit_id", 999999}, {"unit_id", "12"},
			{"tenant_ids", nil}, {"tenant_ids", []any{}}, {"tenant_ids", []any{999999}}, {"tenant_ids", "x"},
			{"start_date", "2025-02-30"}, {"end_date", "2025-05-01"}, {"end_date", nil},
			{"monthly_rent", 0}, {"monthly_rent", -1}, {"monthly_rent", 10.001},
			{"deposit", -1}, {"status", "active"},
		} {
			b := good()
			if c.value == nil {
				delete(b, c.field)
			} else {
				b[c.field] = c.value
			}
			r := a.do("POST", "/v1/leases", b).must(t, 400)
			errs, _ := r.JSON["errors"].([]any)
			if len(errs) == 0 || errs[0].(map[string]any)["field"] != c.field {
				t.Fatalf("%s=%v: %s", c.field, c.value, r.Body)
			}
		}
		a.do("POST", "/v1/leases", "{").must(t, 400)
		a.do("POST", "/v1/leases", "").must(t, 400)
		// Another organization's unit is not one this key can name.
		b := good()
		a.doKey(a.otherKey, "POST", "/v1/leases", b, nil).must(t, 400)
		if n := a.eventCount(); n != before {
			t.Fatalf("%d events written by bad requests", n-before)
		}
		if total := a.do("GET", "/v1/leases", nil).must(t, 200).obj("meta")["total"]; total != 0.0 {
			t.Fatalf("%v leases written by bad requests", total)
		}
	})
}

func TestLeasesHTTPIsolation(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		_, unit, tenant := leaseSetup(t, a)
		l := a.do("POST", "/v1/leases", map[string]any{"unit_id": unit, "tenant_id": tenant, "start_date": "2025-06-01", "end_date": "2026-05-31", "monthly_rent": 1800}).must(t, 201).obj("data")
		path := "/v1/leases/" + itoa(int(l["id"].(float64)))
		before := a.eventCount()
		a.doKey(a.otherKey, "GET", path, nil, nil).must(t, 404)
		a.doKey(a.otherKey, "PATCH", path, map[string]any{"deposit": 1}, nil).must(t, 404)
		for action, body := range actionBodies {
			a.doKey(a.otherKey, "POST", path+action, body, nil).must(t, 404)
		}
		if total := a.doKey(a.otherKey, "GET", "/v1/leases", nil, nil).must(t, 200).obj("meta")["total"]; total != 0.0 {
			t.Fatalf("other org lists %v leases", total)
		}
		for _, p := range []string{"/v1/leases/999999", "/v1/leases/abc", "/v1/leases/0/activate"} {
			a.do("GET", strings.TrimSuffix(p, "/activate"), nil).must(t, 404)
			a.do("POST", strings.TrimSuffix(p, "/activate")+"/activate", nil).must(t, 404)
		}
		if a.eventCount() != before {
			t.Fatal("refused requests recorded events")
		}
		got := a.do("GET", path, nil).must(t, 200).obj("data")
		if got["status"] != "draft" || got["deposit"] != 0.0 {
			t.Fatalf("lease changed by another org: %v", got)
		}

		// Scopes: a read-only key reads but cannot write.
		ro, _, err := a.svc.CreateAPIKey(context.Background(), a.org, porter.APIKeyInput{Name: "ro", Scopes: []string{"leases:read"}})
		if err != nil {
			t.Fatal(err)
		}
		a.doKey(ro, "GET", path, nil, nil).must(t, 200)
		a.doKey(ro, "POST", path+"/activate", nil, nil).must(t, 403)
		a.doKey(ro, "GET", "/v1/organization", nil, nil).must(t, 403)
	})
}

func TestOrganizationHTTP(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		org := a.do("GET", "/v1/organization", nil).must(t, 200).obj("data")
		if org["name"] != "Acme" || org["id"] != float64(a.org) {
			t.Fatalf("org = %v", org)
		}
		if days, _ := org["lease_alert_days"].([]any); len(days) != 1 || days[0] != 60.0 {
			t.Fatalf("default lease_alert_days = %v", org["lease_alert_days"])
		}
		other := a.doKey(a.otherKey, "GET", "/v1/organization", nil, nil).must(t, 200).obj("data")
		if other["name"] != "Other" || other["id"] != float64(a.otherOrg) {
			t.Fatalf("other org = %v", other)
		}
		before := a.eventCount()
		for _, bad := range []any{[]any{0}, []any{366}, []any{30, 30}, []any{1, 2, 3, 4, 5, 6}, []any{1.5}, "60", []any{"60"}} {
			r := a.do("PATCH", "/v1/organization", map[string]any{"lease_alert_days": bad}).must(t, 400)
			if errs, _ := r.JSON["errors"].([]any); len(errs) == 0 || errs[0].(map[string]any)["field"] != "lease_alert_days" {
				t.Fatalf("%v: %s", bad, r.Body)
			}
		}
		a.do("PATCH", "/v1/organization", map[string]any{"name": ""}).must(t, 400)
		a.do("PATCH", "/v1/organization", map[string]any{"id": 5}).must(t, 400)
		if a.eventCount() != before {
			t.Fatal("invalid settings recorded events")
		}
		org = a.do("PATCH", "/v1/organization", map[string]any{"name": "Acme Homes", "lease_alert_days": []any{90, 30, 60}}).must(t, 200).obj("data")
		if days, _ := org["lease_alert_days"].([]any); org["name"] != "Acme Homes" || len(days) != 3 || days[0] != 30.0 || days[2] != 90.0 {
			t.Fatalf("updated = %v", org)
		}
		// The other organization is untouched.
		other = a.doKey(a.otherKey, "GET", "/v1/organization", nil, nil).must(t, 200).obj("data")
		if other["name"] != "Other" {
			t.Fatalf("other org = %v", other)
		}
		if days, _ := other["lease_alert_days"].([]any); len(days) != 1 || days[0] != 60.0 {
			t.Fatalf("other org lease_alert_days = %v", other["lease_alert_days"])
		}
		ev := a.do("GET", "/v1/events?type=organization.updated", nil).must(t, 200)
		if ev.obj("meta")["total"] != 1.0 {
			t.Fatalf("organization.updated: %s", ev.Body)
		}
		if ev := a.doKey(a.otherKey, "GET", "/v1/events?type=organization.updated", nil, nil).must(t, 200); ev.obj("meta")["total"] != 0.0 {
			t.Fatalf("other org sees organization.updated: %s", ev.Body)
		}
	})
}
