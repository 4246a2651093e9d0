package http_test

import (
	"testing"
)

func TestSeedCreateCharge(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		tn := a.tenant("jane@example.com")
		// Seed 000's example, with the id as a string as no-code tools send it.
		r := a.do("POST", "/api/action_create_charge.php", map[string]any{
			"tenant_id": itoa(tn), "amount": 75.00, "description": "Late fee — May rent", "due_date": "2025-06-01", "category": "late_fee",
		}).must(t, 200)
		if len(r.JSON) != 1 {
			t.Fatalf("body has more than the charge key: %s", r.Body)
		}
		c := r.obj("charge")
		if c["id"] == nil || c["tenant_id"] != float64(tn) || c["amount"] != 75.0 || c["balance"] != 75.0 || c["status"] != "open" ||
			c["category"] != "late_fee" || c["due_date"] != "2025-06-01" || c["description"] != "Late fee — May rent" ||
			c["lease_id"] != nil || c["paid_at"] != nil || c["voided_at"] != nil {
			t.Fatalf("charge = %v", c)
		}
		// Defaults: category other; the amount may be a numeric string.
		c = a.do("POST", "/api/action_create_charge.php", map[string]any{
			"tenant_id": tn, "amount": "1800.00", "description": "June rent", "due_date": "2025-06-01", "category": "", "extra": "ignored",
		}).must(t, 200).obj("charge")
		if c["category"] != "other" || c["amount"] != 1800.0 || c["balance"] != 1800.0 {
			t.Fatalf("defaults: %v", c)
		}
		ev := a.events("charge.created")
		if len(ev) != 2 || ev[0]["data"].(map[string]any)["category"] != "late_fee" {
			t.Fatalf("events: %v", ev)
		}

		_, otherTenant := a.otherTenant()
		ok := func(k string, v any) map[string]any {
			m := map[string]any{"tenant_id": tn, "amount": 75.00, "description": "Fee", "due_date": "2025-06-01"}
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
			return m
		}
		a.badRequests(t, "/api/action_create_charge.php", []badCase{
			{"missing amount", ok("amount", nil), "amount is required"},
			{"zero amount", ok("amount", 0), "amount must be greater than 0"},
			{"negative amount", ok("amount", -5), "amount must be greater than 0"},
			{"three decimals", ok("amount", 10.001), "amount must have at most two decimals"},
			{"three decimals in a string", ok("amount", "10.001"), "amount must have at most two decimals"},
			{"amount not a number", ok("amount", "ten"), "amount must be a number"},
			{"amount a hex string", ok("amount", "0x1p4"), "amount must be a number"},
			{"amount a bool", ok("amount", true), "amount must be a number"},
			{"missing description", ok("description", nil), "description is required"},
			{"description a number", ok("description", 7), "description must be a string"},
			{"missing due_date", ok("due_date", nil), "due_date is required"},
			{"bad due_date", ok("due_date", "2025-13-01"), "due_date must be an ISO date"},
			{"US due_date", ok("due_date", "06/01/2025"), "due_date must be an ISO date"},
			{"bad category", ok("category", "fine"), "category must be one of rent, utility, late_fee, other"},
			{"missing tenant_id", ok("tenant_id", nil), "tenant_id is required"},
			{"unknown tenant_id", ok("tenant_id", 999999), "tenant_id 999999 does not exist"},
			{"another org's tenant_id", ok("tenant_id", otherTenant), "tenant_id " + itoa(otherTenant) + " does not exist"},
			{"tenant_id not a number", ok("tenant_id", "seven"), "tenant_id must be an integer"},
			{"unknown lease_id", ok("lease_id", 999999), "lease_id 999999 does not exist"},
			{"lease_id a bool", ok("lease_id", true), "lease_id must be an integer"},
			{"not an object", `[1]`, "must be a JSON object"},
			{"every problem at once", `{"category": "fine"}`, "tenant_id is required; amount is required; description is required; due_date is required; category must be one of"},
		})
		l := a.do("GET", "/v1/charges", nil).must(t, 200)
		if l.obj("meta")["total"] != 2.0 {
			t.Fatalf("bad requests wrote charges: %s", l.Body)
		}
		// The scope is charges:write.
		a.doKey(a.scopedKey("charges:read"), "POST", "/api/action_create_charge.php", ok("amount", 1), nil).must(t, 403)
	})
}

func TestCharges(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		tn, other := a.tenant("jane@example.com"), a.tenant("john@example.com")
		r := a.do("POST", "/v1/charges", map[string]any{"tenant_id": tn, "amount": 1800, "description": "May rent", "due_date": "2025-05-01", "category": "rent"}).must(t, 201)
		c := r.obj("data")
		id := itoa(int(c["id"].(float64)))
		if c["status"] != "open" || c["balance"] != 1800.0 || c["category"] != "rent" {
			t.Fatalf("charge = %v", c)
		}
		a.charge(other, 50, "2025-05-01")

		// PATCH edits description, due date and category while open.
		c = a.do("PATCH", "/v1/charges/"+id, map[string]any{"description": "May rent (12B)", "due_date": "2025-05-03"}).must(t, 200).obj("data")
		if c["description"] != "May rent (12B)" || c["due_date"] != "2025-05-03" {
			t.Fatalf("patched = %v", c)
		}
		up := a.events("charge.updated")
		sameJSON(t, "previous_attributes", up[len(up)-1]["previous_attributes"], map[string]any{"description": "May rent", "due_date": "2025-05-01"})
		// Amount and tenant are not editable; bad values are 400.
		a.do("PATCH", "/v1/charges/"+id, map[string]any{"amount": 5}).must(t, 400)
		a.do("PATCH", "/v1/charges/"+id, map[string]any{"tenant_id": other}).must(t, 400)
		a.do("PATCH", "/v1/charges/"+id, map[string]any{"due_date": "tomorrow"}).must(t, 400)
		a.do("PATCH", "/v1/charges/"+id, map[string]any{"description": " "}).must(t, 400)
		a.do("PATCH", "/v1/charges/"+id, map[string]any{"category": "bribe"}).must(t, 400)
		// v1 is strict about unknown fields and types.
		a.do("POST", "/v1/charges", map[string]any{"tenant_id": tn, "amount": 1, "description": "x", "due_date": "2025-05-01", "colour": "red"}).must(t, 400)
		a.do("POST", "/v1/charges", map[string]any{"tenant_id": itoa(tn), "amount": 1, "description": "x", "due_date": "2025-05-01"}).must(t, 400)

		// Filters.
		count := func(q string) float64 {
			t.Helper()
			return a.do("GET", "/v1/charges?"+q, nil).must(t, 200).obj("meta")["total"].(float64)
		}
		if count("tenant_id="+itoa(tn)) != 1 || count("category=rent") != 1 || count("category=other") != 1 ||
			count("status=open") != 2 || count("status=paid") != 0 || count("lease_id=1") != 0 {
			t.Fatal("filters")
		}
		a.do("GET", "/v1/charges?status=overdue", nil).must(t, 400)
		a.do("GET", "/v1/charges?tenant_id=x", nil).must(t, 400)

		// Void: only with nothing paid; then it owes nothing and is final.
		v := a.do("POST", "/v1/charges/"+id+"/void", nil).must(t, 200).obj("data")
		if v["status"] != "void" || v["balance"] != 0.0 || v["voided_at"] == nil {
			t.Fatalf("void = %v", v)
		}
		up = a.events("charge.updated")
		prev := up[len(up)-1]["previous_attributes"].(map[string]any)
		if prev["status"] != "open" || prev["balance"] != 1800.0 || prev["voided_at"] != nil {
			t.Fatalf("void previous_attributes = %v", prev)
		}
		events := a.eventCount()
		r = a.do("POST", "/v1/charges/"+id+"/void", nil).must(t, 409)
		if r.JSON["detail"] != "charge "+id+" is already void" {
			t.Fatalf("detail: %s", r.Body)
		}
		a.do("PATCH", "/v1/charges/"+id, map[string]any{"description": "x"}).must(t, 409)
		if n := a.eventCount(); n != events {
			t.Fatalf("refused changes to a void charge recorded %d events", n-events)
		}
		partly := a.charge(tn, 100, "2025-06-01")
		a.do("POST", "/v1/payments", map[string]any{"tenant_id": tn, "amount": 40}).must(t, 201)
		events = a.eventCount()
		r = a.do("POST", "/v1/charges/"+itoa(partly)+"/void", nil).must(t, 409)
		if r.JSON["detail"] != "charge "+itoa(partly)+" is partially_paid: only a charge with no payments applied can be voided" {
			t.Fatalf("detail: %s", r.Body)
		}
		a.do("PATCH", "/v1/charges/"+itoa(partly), map[string]any{"description": "x"}).must(t, 409)
		if a.eventCount() != events {
			t.Fatal("refused changes recorded events")
		}

		// Another organization sees none of it.
		for _, path := range []string{"/v1/charges/" + id, "/v1/charges/" + itoa(partly)} {
			a.doKey(a.otherKey, "GET", path, nil, nil).must(t, 404)
			a.doKey(a.otherKey, "PATCH", path, map[string]any{"description": "stolen"}, nil).must(t, 404)
			a.doKey(a.otherKey, "POST", path+"/void", nil, nil).must(t, 404)
		}
		if n := a.doKey(a.otherKey, "GET", "/v1/charges", nil, nil).must(t, 200).obj("meta")["total"]; n != 0.0 {
			t.Fatalf("other org lists %v charges", n)
		}
		a.do("GET", "/v1/charges/999999", nil).must(t, 404)
		a.do("POST", "/v1/charges/abc/void", nil).must(t, 404)
		a.do("GET", "/api/action_create_charge", nil).must(t, 404)
	})
}
