package http_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Charge categories are the organization's own list: seed 000's four by
// default (README: "Charges"), changed with PATCH /v1/organization; an
// unknown category is 400 listing the allowed ones.
func TestChargeCategoriesAreOrganizationSettings(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		cats := func(key string) []string {
			t.Helper()
			var out []string
			for _, c := range a.doKey(key, "GET", "/v1/organization", nil, nil).must(t, 200).obj("data")["charge_categories"].([]any) {
				out = append(out, c.(string))
			}
			return out
		}
		if got := cats(a.key); !slices.Equal(got, []string{"rent", "utility", "late_fee", "other"}) {
			t.Fatalf("default charge_categories %q", got)
		}
		tn := a.tenant("cat@example.com")
		charge := func(category any) map[string]any {
			m := map[string]any{"tenant_id": tn, "amount": 40, "description": "Fee", "due_date": "2025-06-01"}
			if category != nil {
				m["category"] = category
			}
			return m
		}
		detail := func(r *response) string { d, _ := r.JSON["detail"].(string); return d }

		r := a.do("POST", "/v1/charges", charge("parking")).must(t, 400)
		if want := "category must be one of rent, utility, late_fee, other: the organization's charge_categories, which PATCH /v1/organization changes"; detail(r) != want {
			t.Fatalf("unknown category: %q\nwant %q", detail(r), want)
		}
		utility := a.do("POST", "/v1/charges", charge("utility")).must(t, 201).obj("data")

		// A new list: in the order given; an event says what changed.
		org := a.do("PATCH", "/v1/organization", map[string]any{"charge_categories": []string{"rent", "parking", "pet-fee", "other"}}).must(t, 200).obj("data")
		if fmt.Sprint(org["charge_categories"]) != "[rent parking pet-fee other]" {
			t.Fatalf("patched: %v", org)
		}
		ev := a.events("organization.updated")
		if len(ev) != 1 || fmt.Sprint(ev[0]["data"].(map[string]any)["charge_categories"]) != "[rent parking pet-fee other]" ||
			fmt.Sprint(ev[0]["previous_attributes"].(map[string]any)["charge_categories"]) != "[rent utility late_fee other]" {
			t.Fatalf("organization.updated: %v", ev)
		}
		if c := a.do("POST", "/v1/charges", charge("parking")).must(t, 201).obj("data"); c["category"] != "parking" {
			t.Fatalf("parking: %v", c)
		}
		if c := a.do("POST", "/v1/charges", charge(nil)).must(t, 201).obj("data"); c["category"] != "other" {
			t.Fatalf("default: %v", c)
		}
		r = a.do("POST", "/v1/charges", charge("utility")).must(t, 400)
		if want := "category must be one of rent, parking, pet-fee, other: the organization's charge_categories, which PATCH /v1/organization changes"; detail(r) != want {
			t.Fatalf("dropped category: %q", detail(r))
		}
		// Seed 000's endpoint answers {"error"} with the same list.
		r = a.do("POST", "/api/action_create_charge.php", charge("fine")).must(t, 400)
		if e, _ := r.JSON["error"].(string); !strings.HasPrefix(e, "category must be one of rent, parking, pet-fee, other") {
			t.Fatalf("seed: %s", r.Body)
		}

		// A charge keeps a category since dropped: it can still be edited
		// and found, but not set to it again.
		uid := id(utility)
		a.do("PATCH", "/v1/charges/"+uid, map[string]any{"description": "Water"}).must(t, 200)
		a.do("PATCH", "/v1/charges/"+uid, map[string]any{"category": "utility"}).must(t, 400)
		if l := a.do("GET", "/v1/charges?category=utility", nil).must(t, 200).JSON["data"].([]any); len(l) != 1 {
			t.Fatalf("filter by a dropped category: %v", l)
		}
		a.do("GET", "/v1/charges?category=Not%20One", nil).must(t, 400)

		// Without "other" the default is the list's first.
		a.do("PATCH", "/v1/organization", map[string]any{"charge_categories": []string{"rent", "parking"}}).must(t, 200)
		if c := a.do("POST", "/v1/charges", charge(nil)).must(t, 201).obj("data"); c["category"] != "rent" {
			t.Fatalf("default without other: %v", c)
		}

		// Bad lists: 400 naming the problem, nothing written.
		before := a.eventCount()
		many := make([]string, 51)
		for i := range many {
			many[i] = fmt.Sprintf("c%d", i)
		}
		for _, c := range []struct {
			list any
			want string
		}{
			{[]string{}, `charge_categories must hold at least one category, e.g. ["rent", "utility", "late_fee", "other"]`},
			{[]string{"Rent"}, `charge_categories "Rent" is not a category: use 1 to 40 lower-case letters, digits, _ or -, such as parking_fee`},
			{[]string{"late fee"}, `charge_categories "late fee" is not a category: use 1 to 40 lower-case letters, digits, _ or -, such as parking_fee`},
			{[]string{""}, `charge_categories "" is not a category: use 1 to 40 lower-case letters, digits, _ or -, such as parking_fee`},
			{[]string{strings.Repeat("x", 41)}, `charge_categories "` + strings.Repeat("x", 41) + `" is not a category: use 1 to 40 lower-case letters, digits, _ or -, such as parking_fee`},
			{[]string{"rent", "rent"}, `charge_categories holds "rent" twice`},
			{many, "charge_categories must hold at most 50 categories"},
		} {
			r := a.do("PATCH", "/v1/organization", map[string]any{"charge_categories": c.list}).must(t, 400)
			if detail(r) != c.want {
				t.Errorf("%v: %q\nwant %q", c.list, detail(r), c.want)
			}
		}
		a.do("PATCH", "/v1/organization", map[string]any{"charge_categories": "rent"}).must(t, 400)
		a.do("PATCH", "/v1/organization", map[string]any{"charge_categories": nil}).must(t, 200)
		if a.eventCount() != before {
			t.Error("a refused settings change wrote an event")
		}
		if got := cats(a.key); !slices.Equal(got, []string{"rent", "parking"}) {
			t.Fatalf("after refused changes: %q", got)
		}

		// Another organization keeps the defaults.
		if got := cats(a.otherKey); !slices.Equal(got, []string{"rent", "utility", "late_fee", "other"}) {
			t.Fatalf("other organization: %q", got)
		}
	})
}
