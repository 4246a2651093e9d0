package http_test

import (
	"testing"
)

func TestSeedRecordPayment(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		tn := a.tenant("jane@example.com")
		// Created out of due-date order: payments go oldest due first.
		march := a.charge(tn, 100, "2025-03-01")
		jan := a.charge(tn, 200, "2025-01-01")
		feb := a.charge(tn, 300, "2025-02-01")
		janTwin := a.charge(tn, 10, "2025-01-01") // same due date: lower id first

		// A partial payment: January in full, its twin, then part of February.
		r := a.do("POST", "/api/action_record_payment.php", map[string]any{"tenant_id": itoa(tn), "amount": 250.00}).must(t, 200)
		if len(r.JSON) != 1 {
			t.Fatalf("body has more than the payment key: %s", r.Body)
		}
		p := r.obj("payment")
		if p["id"] == nil || p["tenant_id"] != float64(tn) || p["amount"] != 250.0 || p["method"] != "manual" || p["status"] != "succeeded" ||
			p["reference"] != "" || p["notes"] != "" || p["charge_id"] != nil || p["error"] != nil || p["unapplied_amount"] != 0.0 || p["created_at"] != "2025-05-09T14:30:00Z" {
			t.Fatalf("payment = %v", p)
		}
		sameJSON(t, "allocations", allocations(p), [][2]float64{{float64(jan), 200}, {float64(janTwin), 10}, {float64(feb), 40}})
		if c := a.getCharge(jan); c["status"] != "paid" || c["balance"] != 0.0 || c["paid_at"] == nil {
			t.Fatalf("january = %v", c)
		}
		if c := a.getCharge(feb); c["status"] != "partially_paid" || c["balance"] != 260.0 || c["paid_at"] != nil {
			t.Fatalf("february = %v", c)
		}
		if c := a.getCharge(march); c["status"] != "open" || c["balance"] != 100.0 {
			t.Fatalf("march = %v", c)
		}
		// Events: the payment with its allocations, and each charge's change.
		ps := a.events("payment.succeeded")
		if len(ps) != 1 || ps[0]["data"].(map[string]any)["id"] != p["id"] {
			t.Fatalf("payment events: %v", ps)
		}
		sameJSON(t, "event allocations", allocations(ps[0]["data"].(map[string]any)), allocations(p))
		up := a.events("charge.updated")
		if len(up) != 3 {
			t.Fatalf("charge.updated events: %d", len(up))
		}
		sameJSON(t, "january previous_attributes", up[0]["previous_attributes"], map[string]any{"balance": 200, "paid_at": nil, "status": "open"})
		sameJSON(t, "february previous_attributes", up[2]["previous_attributes"], map[string]any{"balance": 300, "status": "open"})
		if d := up[2]["data"].(map[string]any); d["id"] != float64(feb) || d["balance"] != 260.0 || d["status"] != "partially_paid" {
			t.Fatalf("february event data = %v", d)
		}

		// An overpayment: the rest of February, March, then credit.
		p = a.do("POST", "/api/action_record_payment.php", map[string]any{
			"tenant_id": tn, "amount": "400.00", "method": "bank_transfer", "reference": "TXN-99812", "notes": "May", "charge_id": "",
		}).must(t, 200).obj("payment")
		if p["method"] != "bank_transfer" || p["reference"] != "TXN-99812" || p["notes"] != "May" || p["unapplied_amount"] != 40.0 {
			t.Fatalf("overpayment = %v", p)
		}
		sameJSON(t, "allocations", allocations(p), [][2]float64{{float64(feb), 260}, {float64(march), 100}})
		up = a.events("charge.updated")
		sameJSON(t, "february previous_attributes", up[3]["previous_attributes"], map[string]any{"balance": 260, "paid_at": nil, "status": "partially_paid"})
		// Nothing owed: all credit.
		p = a.do("POST", "/api/action_record_payment.php", map[string]any{"tenant_id": tn, "amount": 5}).must(t, 200).obj("payment")
		if len(allocations(p)) != 0 || p["unapplied_amount"] != 5.0 {
			t.Fatalf("credit payment = %v", p)
		}
		// Zapier's polling trigger offers them.
		poll := a.do("GET", "/api/trigger_poll.php?event=payment.succeeded&since=2025-05-09T14:00:00Z", nil).must(t, 200)
		if poll.JSON["count"] != 3.0 || poll.JSON["results"].([]any)[0].(map[string]any)["method"] != "manual" {
			t.Fatalf("poll: %s", poll.Body)
		}
		// GET returns the stored allocations.
		got := a.do("GET", "/v1/payments/"+itoa(int(ps[0]["data"].(map[string]any)["id"].(float64))), nil).must(t, 200).obj("data")
		sameJSON(t, "stored payment", got, ps[0]["data"])
	})
}

func TestSeedRecordPaymentToCharge(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		tn, other := a.tenant("jane@example.com"), a.tenant("john@example.com")
		oldest := a.charge(tn, 500, "2024-12-01")
		target := a.charge(tn, 80, "2025-04-01")
		// charge_id applies to that charge only, even with an older one open.
		p := a.do("POST", "/api/action_record_payment.php", map[string]any{"tenant_id": tn, "amount": 50, "charge_id": itoa(target)}).must(t, 200).obj("payment")
		if p["charge_id"] != float64(target) || p["unapplied_amount"] != 0.0 {
			t.Fatalf("payment = %v", p)
		}
		sameJSON(t, "allocations", allocations(p), [][2]float64{{float64(target), 50}})
		// What exceeds its balance stays unapplied rather than spilling over.
		p = a.do("POST", "/api/action_record_payment.php", map[string]any{"tenant_id": tn, "amount": 100, "charge_id": target}).must(t, 200).obj("payment")
		sameJSON(t, "allocations", allocations(p), [][2]float64{{float64(target), 30}})
		if p["unapplied_amount"] != 70.0 || a.getCharge(target)["status"] != "paid" || a.getCharge(oldest)["balance"] != 500.0 {
			t.Fatalf("overpaid charge: %v", p)
		}
		// A paid charge can still be named: all of it is credit.
		p = a.do("POST", "/api/action_record_payment.php", map[string]any{"tenant_id": tn, "amount": 1, "charge_id": target}).must(t, 200).obj("payment")
		if len(allocations(p)) != 0 || p["unapplied_amount"] != 1.0 {
			t.Fatalf("paid charge payment = %v", p)
		}

		othersCharge := a.charge(other, 10, "2025-01-01")
		void := a.charge(tn, 10, "2025-01-01")
		a.do("POST", "/v1/charges/"+itoa(void)+"/void", nil).must(t, 200)
		_, otherOrgTenantID := a.otherTenant()
		otherOrgCharge := a.doKey(a.otherKey, "POST", "/v1/charges", map[string]any{"tenant_id": otherOrgTenantID, "amount": 10, "description": "x", "due_date": "2025-01-01"}, nil).must(t, 201).obj("data")
		ocid := int(otherOrgCharge["id"].(float64))

		ok := func(k string, v any) map[string]any {
			m := map[string]any{"tenant_id": tn, "amount": 75.00}
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
			return m
		}
		payments := a.do("GET", "/v1/payments", nil).must(t, 200).obj("meta")["total"]
		a.badRequests(t, "/api/action_record_payment.php", []badCase{
			{"missing amount", ok("amount", nil), "amount is required"},
			{"null amount", `{"tenant_id": ` + itoa(tn) + `, "amount": null}`, "amount is required"},
			{"zero amount", ok("amount", 0), "amount must be greater than 0"},
			{"zero amount string", ok("amount", "0.00"), "amount must be greater than 0"},
			{"negative amount", ok("amount", -1800), "amount must be greater than 0"},
			{"three decimals", ok("amount", 1800.001), "amount must have at most two decimals"},
			{"amount an object", ok("amount", map[string]any{}), "amount must be a number"},
			{"amount empty string", ok("amount", ""), "amount must be a number"},
			{"missing tenant_id", ok("tenant_id", nil), "tenant_id is required"},
			{"unknown tenant_id", ok("tenant_id", 999999), "tenant_id 999999 does not exist"},
			{"another org's tenant_id", ok("tenant_id", otherOrgTenantID), "tenant_id " + itoa(otherOrgTenantID) + " does not exist"},
			{"tenant_id a float", ok("tenant_id", 7.5), "tenant_id must be an integer"},
			{"method a number", ok("method", 5), "method must be a string"},
			{"unknown charge_id", ok("charge_id", 999999), "charge_id 999999 does not exist"},
			{"another org's charge_id", ok("charge_id", ocid), "charge_id " + itoa(ocid) + " does not exist"},
			{"another tenant's charge_id", ok("charge_id", othersCharge), "charge_id " + itoa(othersCharge) + " belongs to another tenant"},
			{"void charge_id", ok("charge_id", void), "charge_id " + itoa(void) + " is void"},
			{"charge_id not a number", ok("charge_id", "abc"), "charge_id must be an integer"},
			{"malformed", `{"tenant_id":`, "not valid JSON"},
			{"empty", ``, "request body is required"},
		})
		if n := a.do("GET", "/v1/payments", nil).must(t, 200).obj("meta")["total"]; n != payments {
			t.Fatalf("bad requests wrote payments: %v, had %v", n, payments)
		}
		if c := a.getCharge(oldest); c["balance"] != 500.0 || c["status"] != "open" {
			t.Fatalf("bad requests touched charges: %v", c)
		}
		a.doKey(a.scopedKey("payments:read"), "POST", "/api/action_record_payment.php", ok("amount", 1), nil).must(t, 403)
		a.do("POST", "/api/action_record_payment", ok("amount", 1)).must(t, 404)
	})
}

func TestPayments(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		tn, other := a.tenant("jane@example.com"), a.tenant("john@example.com")
		ch := a.charge(tn, 100, "2025-05-01")
		// A failed attempt applies nothing and records payment.failed.
		p := a.do("POST", "/v1/payments", map[string]any{"tenant_id": tn, "amount": 100, "method": "stripe_card", "status": "failed", "error": "card_declined"}).must(t, 201).obj("data")
		if p["status"] != "failed" || p["error"] != "card_declined" || len(allocations(p)) != 0 || p["unapplied_amount"] != 0.0 {
			t.Fatalf("failed payment = %v", p)
		}
		if c := a.getCharge(ch); c["balance"] != 100.0 || c["status"] != "open" {
			t.Fatalf("failed payment touched the charge: %v", c)
		}
		if f := a.events("payment.failed"); len(f) != 1 || f[0]["data"].(map[string]any)["error"] != "card_declined" {
			t.Fatalf("payment.failed events: %v", f)
		}
		if len(a.events("payment.succeeded")) != 0 || len(a.events("charge.updated")) != 0 {
			t.Fatal("a failed payment recorded success")
		}
		failed := itoa(int(p["id"].(float64)))
		ok := a.do("POST", "/v1/payments", map[string]any{"tenant_id": tn, "amount": 60, "method": "cash"}).must(t, 201).obj("data")
		okID := itoa(int(ok["id"].(float64)))
		a.do("POST", "/v1/payments", map[string]any{"tenant_id": other, "amount": 60}).must(t, 201)

		a.badRequests(t, "/v1/payments", []badCase{
			{"failed without error", map[string]any{"tenant_id": tn, "amount": 1, "status": "failed"}, "error is required when status is failed"},
			{"error on success", map[string]any{"tenant_id": tn, "amount": 1, "error": "card_declined"}, "error is only for failed payments"},
			{"bad status", map[string]any{"tenant_id": tn, "amount": 1, "status": "pending"}, "status must be one of succeeded, failed"},
			{"unknown field", map[string]any{"tenant_id": tn, "amount": 1, "colour": "red"}, "colour is not a known field"},
			{"string id", map[string]any{"tenant_id": itoa(tn), "amount": 1}, "tenant_id must be an integer"},
			{"unknown charge", map[string]any{"tenant_id": tn, "amount": 1, "charge_id": 999999}, "charge_id 999999 does not exist"},
			{"zero", map[string]any{"tenant_id": tn, "amount": 0}, "amount must be greater than 0"},
		})

		// Filters.
		count := func(q string) float64 {
			t.Helper()
			return a.do("GET", "/v1/payments?"+q, nil).must(t, 200).obj("meta")["total"].(float64)
		}
		if count("") != 3 || count("tenant_id="+itoa(tn)) != 2 || count("status=failed") != 1 || count("status=succeeded") != 2 ||
			count("method=cash") != 1 || count("method=manual") != 1 || count("tenant_id="+itoa(tn)+"&status=succeeded") != 1 {
			t.Fatal("filters")
		}
		a.do("GET", "/v1/payments?status=refunded", nil).must(t, 400)
		l := a.do("GET", "/v1/payments?tenant_id="+itoa(tn), nil).must(t, 200)
		items := l.JSON["data"].([]any)
		if first := items[0].(map[string]any); first["id"] != ok["id"] || len(allocations(first)) != 1 || len(allocations(items[1].(map[string]any))) != 0 {
			t.Fatalf("list: %s", l.Body)
		}

		// Another organization sees none of it.
		for _, path := range []string{"/v1/payments/" + failed, "/v1/payments/" + okID} {
			a.doKey(a.otherKey, "GET", path, nil, nil).must(t, 404)
		}
		if n := a.doKey(a.otherKey, "GET", "/v1/payments", nil, nil).must(t, 200).obj("meta")["total"]; n != 0.0 {
			t.Fatalf("other org lists %v payments", n)
		}
		a.do("GET", "/v1/payments/999999", nil).must(t, 404)
		a.do("GET", "/v1/payments/x", nil).must(t, 404)
		a.doKey(a.scopedKey("charges:read"), "GET", "/v1/payments", nil, nil).must(t, 403)
	})
}
