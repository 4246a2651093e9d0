package http_test

import (
	"strings"
	"testing"
)

func TestOwnersAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		o := a.do("POST", "/v1/owners", map[string]any{"name": "Amina El Fassi", "email": "Amina@Example.com", "phone": "+212600000000",
			"company": "Riads SARL", "payout_details": "RIB 011 780 0000123456789012 34", "notes": "Prefers WhatsApp"}).must(t, 201).obj("data")
		if o["email"] != "amina@example.com" || o["payout_details"] != "RIB 011 780 0000123456789012 34" {
			t.Fatalf("owner = %v", o)
		}
		path := "/v1/owners/" + itoa(int(o["id"].(float64)))
		for _, bad := range []map[string]any{{"email": "a@b.c"}, {"name": "X", "email": "nope"}, {"name": " "}, {"name": "X", "colour": "red"}} {
			a.do("POST", "/v1/owners", bad).must(t, 400)
		}
		if l := a.do("GET", "/v1/owners", nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("bad input wrote an owner: %s", l.Body)
		}
		if u := a.do("PATCH", path, map[string]any{"phone": "+212611111111"}).must(t, 200).obj("data"); u["phone"] != "+212611111111" || u["name"] != "Amina El Fassi" {
			t.Fatalf("patched = %v", u)
		}
		a.do("GET", "/v1/owners?email=AMINA@example.com", nil).must(t, 200)

		prop := a.do("POST", "/v1/properties", map[string]any{"name": "Riad Yasmine"}).must(t, 201).obj("data")["id"].(float64)
		link := a.do("POST", path+"/properties", map[string]any{"property_id": prop, "commission_rate": "20.00", "management_fee": 500,
			"cleaning_fee": 150, "start_date": "2025-01-01"}).must(t, 201).obj("data")
		if link["commission_rate"] != 20.0 || link["end_date"] != nil || link["management_fee"] != 500.0 {
			t.Fatalf("link = %v", link)
		}
		linkPath := path + "/properties/" + itoa(int(link["id"].(float64)))
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"property_id": prop, "commission_rate": 100.5}, "commission_rate"},
			{map[string]any{"property_id": prop, "commission_rate": 10.001}, "commission_rate"},
			{map[string]any{"property_id": prop}, "commission_rate"},
			{map[string]any{"commission_rate": 10}, "property_id"},
			{map[string]any{"property_id": prop, "commission_rate": 10, "start_date": "01/02/2025"}, "start_date"},
		} {
			r := a.do("POST", path+"/properties", c.body).must(t, 400)
			if !strings.Contains(string(r.Body), c.field) {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		other := a.do("POST", "/v1/owners", map[string]any{"name": "Yves"}).must(t, 201).obj("data")["id"].(float64)
		r := a.do("POST", "/v1/owners/"+itoa(int(other))+"/properties", map[string]any{"property_id": prop, "commission_rate": 15, "start_date": "2025-03-01"}).must(t, 409)
		if !strings.Contains(string(r.Body), "ownership "+itoa(int(link["id"].(float64)))) {
			t.Fatalf("the 409 does not name the ownership: %s", r.Body)
		}
		a.do("PATCH", linkPath, map[string]any{"end_date": "2025-02-28", "commission_rate": 18}).must(t, 200)
		a.do("POST", "/v1/owners/"+itoa(int(other))+"/properties", map[string]any{"property_id": prop, "commission_rate": 15, "start_date": "2025-03-01"}).must(t, 201)
		cur := a.do("GET", "/v1/properties/"+itoa(int(prop))+"/owner", nil).must(t, 200).obj("data")
		if cur["owner"].(map[string]any)["name"] != "Yves" {
			t.Fatalf("today's owner = %v", cur)
		}
		past := a.do("GET", "/v1/properties/"+itoa(int(prop))+"/owner?date=2025-02-01", nil).must(t, 200).obj("data")
		if past["owner"].(map[string]any)["name"] != "Amina El Fassi" || past["ownership"].(map[string]any)["commission_rate"] != 18.0 {
			t.Fatalf("owner on 2025-02-01 = %v", past)
		}
		a.do("GET", "/v1/properties/"+itoa(int(prop))+"/owner?date=2024-12-31", nil).must(t, 404)
		a.do("GET", "/v1/properties/"+itoa(int(prop))+"/owner?date=yesterday", nil).must(t, 400)
		if l := a.do("GET", path+"/properties", nil).must(t, 200); len(l.JSON["data"].([]any)) != 1 {
			t.Fatalf("amina's properties: %s", l.Body)
		}
		a.do("DELETE", path, nil).must(t, 409)

		// Scopes: owners:read reads; writing takes owners:write.
		reader := a.scopedKey("owners:read")
		a.doKey(reader, "GET", path, nil, nil).must(t, 200)
		a.doKey(reader, "GET", path+"/properties", nil, nil).must(t, 200)
		a.doKey(reader, "POST", "/v1/owners", map[string]any{"name": "X"}, nil).must(t, 403)
		a.doKey(reader, "PATCH", linkPath, map[string]any{"commission_rate": 1}, nil).must(t, 403)
		a.doKey(a.scopedKey("owners:write"), "POST", "/v1/owners", map[string]any{"name": "Writer"}, nil).must(t, 201)
		a.doKey(a.scopedKey("invoices:read"), "GET", "/v1/owners", nil, nil).must(t, 403)

		// Another organization sees none of it.
		a.doKey(a.otherKey, "GET", path, nil, nil).must(t, 404)
		a.doKey(a.otherKey, "PATCH", path, map[string]any{"name": "stolen"}, nil).must(t, 404)
		a.doKey(a.otherKey, "DELETE", path, nil, nil).must(t, 404)
		a.doKey(a.otherKey, "GET", path+"/properties", nil, nil).must(t, 404)
		a.doKey(a.otherKey, "PATCH", linkPath, map[string]any{"commission_rate": 1}, nil).must(t, 404)
		a.doKey(a.otherKey, "GET", "/v1/properties/"+itoa(int(prop))+"/owner", nil, nil).must(t, 404)
		otherOwner := a.doKey(a.otherKey, "POST", "/v1/owners", map[string]any{"name": "Theirs"}, nil).must(t, 201).obj("data")["id"].(float64)
		a.doKey(a.otherKey, "POST", "/v1/owners/"+itoa(int(otherOwner))+"/properties", map[string]any{"property_id": prop, "commission_rate": 10}, nil).must(t, 400)
		a.do("PATCH", "/v1/owners/"+itoa(int(other))+"/properties/"+itoa(int(link["id"].(float64))), map[string]any{"commission_rate": 1}).must(t, 404) // not Yves's

		// An owner with no history can be deleted.
		typo := "/v1/owners/" + itoa(int(a.do("POST", "/v1/owners", map[string]any{"name": "Typo"}).must(t, 201).obj("data")["id"].(float64)))
		a.do("DELETE", typo, nil).must(t, 204)
		a.do("GET", typo, nil).must(t, 404)

		// An invoice to an owner takes their name and email.
		inv := a.do("POST", "/v1/invoices", map[string]any{"owner_id": o["id"], "currency": "MAD",
			"lines": []any{map[string]any{"description": "Management fee, May", "unit_price": 500}}}).must(t, 201).obj("data")
		if inv["bill_to_name"] != "Riads SARL (Amina El Fassi)" || inv["bill_to_email"] != "amina@example.com" || inv["owner_id"] != o["id"] {
			t.Fatalf("owner invoice = %v", inv)
		}
		if l := a.do("GET", "/v1/invoices?owner_id="+itoa(int(o["id"].(float64))), nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("owner's invoices: %s", l.Body)
		}
	})
}
