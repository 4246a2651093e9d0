package http_test

import (
	"strings"
	"testing"
)

// A charge or document may name a lease or work order: it must exist in the
// organization, and a charge's lease must be the tenant's.
func TestReferencesToLeasesAndWorkOrders(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		p := a.do("POST", "/v1/properties", map[string]any{"name": "P"}).must(t, 201).obj("data")
		u := a.do("POST", "/v1/units", map[string]any{"property_id": p["id"], "name": "1A"}).must(t, 201).obj("data")
		t1 := a.do("POST", "/v1/tenants", map[string]any{"email": "a@example.com", "first_name": "A", "last_name": "X"}).must(t, 201).obj("data")
		t2 := a.do("POST", "/v1/tenants", map[string]any{"email": "b@example.com", "first_name": "B", "last_name": "X"}).must(t, 201).obj("data")
		l := a.do("POST", "/v1/leases", map[string]any{"unit_id": u["id"], "tenant_ids": []any{t1["id"]},
			"start_date": "2025-01-01", "end_date": "2025-12-31", "monthly_rent": 1800}).must(t, 201).obj("data")

		a.do("POST", "/api/action_create_charge.php", map[string]any{"tenant_id": t1["id"], "lease_id": l["id"], "amount": 1800,
			"description": "Rent", "due_date": "2025-02-01", "category": "rent"}).must(t, 200)
		r := a.do("POST", "/api/action_create_charge.php", map[string]any{"tenant_id": t2["id"], "lease_id": l["id"], "amount": 1800,
			"description": "Rent", "due_date": "2025-02-01"}).must(t, 400)
		if !strings.Contains(string(r.Body), "is not a lease of tenant") {
			t.Fatalf("other tenant's lease: %s", r.Body)
		}
		a.do("POST", "/api/action_create_charge.php", map[string]any{"tenant_id": t1["id"], "lease_id": 999999, "amount": 1,
			"description": "Rent", "due_date": "2025-02-01"}).must(t, 400)

		wo := a.do("POST", "/v1/work_orders", map[string]any{"property_id": p["id"], "title": "Tap", "description": "Drips"}).must(t, 201).obj("data")
		for scope, id := range map[string]any{"lease": l["id"], "work_order": wo["id"]} {
			body, h := form(t, map[string]string{"scope": scope, "scope_id": itoa(int(id.(float64)))}, "file", "x.txt", []byte("hello"))
			a.doKey(a.key, "POST", "/v1/documents", body, h).must(t, 201)
			body, h = form(t, map[string]string{"scope": scope, "scope_id": "999999"}, "file", "x.txt", []byte("hello"))
			a.doKey(a.key, "POST", "/v1/documents", body, h).must(t, 400)
			body, h = form(t, map[string]string{"scope": scope, "scope_id": itoa(int(id.(float64)))}, "file", "x.txt", []byte("hello"))
			a.doKey(a.otherKey, "POST", "/v1/documents", body, h).must(t, 400)
		}
	})
}
