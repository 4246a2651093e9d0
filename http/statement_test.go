package http_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestStatementsAPI: a month-end statement through the API, its CSV and
// PDF, bad input, scopes and another organization.
func TestStatementsAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		ctx := context.Background()
		prop := a.do("POST", "/v1/properties", map[string]any{"name": "Riad Yasmine"}).must(t, 201).obj("data")["id"].(float64)
		unit := a.do("POST", "/v1/units", map[string]any{"property_id": prop, "name": "Suite"}).must(t, 201).obj("data")["id"].(float64)
		owner := itoa(int(a.do("POST", "/v1/owners", map[string]any{"name": "Amina El Fassi"}).must(t, 201).obj("data")["id"].(float64)))
		a.do("POST", "/v1/owners/"+owner+"/properties", map[string]any{"property_id": prop, "commission_rate": 20,
			"management_fee": 50, "cleaning_fee": 35, "start_date": "2025-01-01"}).must(t, 201)
		// 28 April to 2 May at 110.00 a night: 28, 29 and 30 April in
		// April (330.00), 1 May in May. Checked out on 2 May: no cleaning
		// fee in April.
		a.now = time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
		a.do("POST", "/v1/bookings", map[string]any{"property_id": prop, "unit_id": unit, "guest_name": "Karim B.",
			"check_in": "2025-04-28", "check_out": "2025-05-02", "nightly_rate": 110, "currency": "MAD", "status": "confirmed",
			"source": "airbnb"}).must(t, 201)
		a.now = time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)
		events := a.eventCount()

		// Bad input names the field and writes nothing.
		for body, field := range map[string]string{`{}`: "month", `{"month":"2025-04-01"}`: "month", `{"month":"2025-05"}`: "month", `{"month":7}`: "month"} {
			r := a.do("POST", "/v1/owners/"+owner+"/statements", body).must(t, 400)
			if !strings.Contains(string(r.Body), `"field":"`+field+`"`) {
				t.Errorf("%s: %s", body, r.Body)
			}
		}
		a.do("GET", "/v1/statements?month=May", nil).must(t, 400)
		a.do("POST", "/v1/owners/424242/statements", map[string]any{"month": "2025-04"}).must(t, 404)
		if a.eventCount() != events || a.do("GET", "/v1/statements", nil).must(t, 200).obj("meta")["total"] != 0.0 {
			t.Fatal("bad input wrote")
		}

		// 330.00 gross, 20 % = 66.00, management fee 50.00: net 214.00.
		sts := a.do("POST", "/v1/owners/"+owner+"/statements", map[string]any{"month": "2025-04"}).must(t, 201).JSON["data"].([]any)
		st := sts[0].(map[string]any)
		if len(sts) != 1 || st["gross_revenue"] != 330.0 || st["commission"] != 66.0 || st["fees"] != 50.0 || st["net_to_disburse"] != 214.0 ||
			st["currency"] != "MAD" || st["nights"] != 3.0 {
			t.Fatalf("statement = %v", st)
		}
		again := a.do("POST", "/v1/owners/"+owner+"/statements", map[string]any{"month": "2025-04"}).must(t, 200).JSON["data"].([]any)
		if len(again) != 1 || again[0].(map[string]any)["id"] != st["id"] {
			t.Fatalf("again = %v", again)
		}
		evs := a.allEvents(t)
		if evs[0].Type != "owner.statement_ready" || !strings.Contains(string(evs[0].Data), `"net_to_disburse":214`) || a.eventCount() != events+1 {
			t.Fatalf("events: %s %s", evs[0].Type, evs[0].Data)
		}
		// The scheduler's pass for May 9 (April) finds it there, and only
		// draws up the property's April tax report.
		if err := a.svc.RunStatementPass(ctx, a.now); err != nil || a.eventCount() != events+2 || a.allEvents(t)[0].Type != "tax_report.generated" {
			t.Fatalf("pass: %v, %d events", err, a.eventCount())
		}
		path := "/v1/statements/" + itoa(int(st["id"].(float64)))
		got := a.do("GET", path, nil).must(t, 200).obj("data")
		if lines := got["lines"].([]any); len(lines) != 1 || lines[0].(map[string]any)["property_name"] != "Riad Yasmine" {
			t.Fatalf("lines = %v", got["lines"])
		}
		if l := a.do("GET", "/v1/statements?owner_id="+owner+"&month=2025-04", nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("list %s", l.Body)
		}

		res := a.do("GET", path+"/csv", nil).must(t, 200)
		rows := strings.Split(strings.TrimSpace(string(res.Body)), "\n")
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || len(rows) != 3 ||
			!strings.HasPrefix(rows[0], "statement_id,month,owner_id,owner_name,currency,property_id") ||
			!strings.Contains(rows[1], "Amina El Fassi,MAD") || !strings.HasSuffix(rows[2], ",330.00,66.00,50.00,0,0.00,0.00,214.00") {
			t.Fatalf("csv %s:\n%s", res.Header.Get("Content-Type"), res.Body)
		}
		res = a.do("GET", path+"/pdf", nil).must(t, 200)
		if res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(res.Body, []byte("%PDF-")) {
			t.Fatalf("pdf %s", res.Header.Get("Content-Type"))
		}
		text := pdfText(t, res.Body)
		for _, want := range []string{"(Amina El Fassi)", "(2025-04)", "(214.00)", "(330.00)"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF's text lacks %s:\n%.2000s", want, text)
			}
		}

		// Scopes: statements:read reads; drawing up needs owners:write.
		reader := a.scopedKey("statements:read")
		for _, p := range []string{path, path + "/csv", path + "/pdf", "/v1/statements"} {
			a.doKey(reader, "GET", p, nil, nil).must(t, 200)
		}
		a.doKey(reader, "POST", "/v1/owners/"+owner+"/statements", map[string]any{"month": "2025-03"}, nil).must(t, 403)
		a.doKey(a.scopedKey("owners:read"), "GET", path, nil, nil).must(t, 403)
		a.doKey(a.scopedKey("owners:write"), "POST", "/v1/owners/"+owner+"/statements", map[string]any{"month": "2025-03"}, nil).must(t, 201)

		// Another organization sees none of it.
		for _, p := range []string{path, path + "/csv", path + "/pdf"} {
			a.doKey(a.otherKey, "GET", p, nil, nil).must(t, 404)
		}
		a.doKey(a.otherKey, "POST", "/v1/owners/"+owner+"/statements", map[string]any{"month": "2025-04"}, nil).must(t, 404)
		if l := a.doKey(a.otherKey, "GET", "/v1/statements", nil, nil).must(t, 200); l.obj("meta")["total"] != 0.0 {
			t.Fatalf("other org lists %s", l.Body)
		}
	})
}
