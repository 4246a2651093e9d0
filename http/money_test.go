package http_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// Helpers for the charge and payment tests.

func (a *api) tenant(email string) int {
	a.t.Helper()
	tn := a.do("POST", "/v1/tenants", map[string]any{"email": email, "first_name": "Jane", "last_name": "Smith"}).must(a.t, 201).obj("data")
	return int(tn["id"].(float64))
}

func (a *api) charge(tenant int, amount float64, due string) int {
	a.t.Helper()
	c := a.do("POST", "/v1/charges", map[string]any{"tenant_id": tenant, "amount": amount, "description": "Rent " + due, "due_date": due}).must(a.t, 201).obj("data")
	return int(c["id"].(float64))
}

func (a *api) getCharge(id int) map[string]any {
	a.t.Helper()
	return a.do("GET", "/v1/charges/"+itoa(id), nil).must(a.t, 200).obj("data")
}

// events returns the events of one type, oldest first.
func (a *api) events(typ string) []map[string]any {
	a.t.Helper()
	r := a.do("GET", "/v1/events?per_page=100&type="+typ, nil).must(a.t, 200)
	var out []map[string]any
	for _, e := range r.JSON["data"].([]any) {
		out = append([]map[string]any{e.(map[string]any)}, out...)
	}
	return out
}

// allocations reads a payment's allocations as charge id → amount, in order.
func allocations(p map[string]any) [][2]float64 {
	var out [][2]float64
	for _, x := range p["allocations"].([]any) {
		m := x.(map[string]any)
		out = append(out, [2]float64{m["charge_id"].(float64), m["amount"].(float64)})
	}
	return out
}

func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Fatalf("%s = %s, want %s", what, g, w)
	}
}

// badRequests sends each body to path and checks for a 400 whose error
// names the problem, then that nothing was written and no event recorded.
func (a *api) badRequests(t *testing.T, path string, cases []badCase) {
	t.Helper()
	events := a.eventCount()
	for _, c := range cases {
		r := a.do("POST", path, c.body)
		msg, _ := r.JSON["error"].(string)
		if strings.HasPrefix(path, "/v1/") {
			msg, _ = r.JSON["detail"].(string)
		}
		if r.Status != 400 || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %s, want 400 with %q", c.name, r.Status, r.Body, c.want)
		}
	}
	if n := a.eventCount(); n != events {
		t.Fatalf("bad requests recorded %d events", n-events)
	}
}

type badCase struct {
	name string
	body any
	want string
}

// otherTenant creates a tenant in the second organization.
func (a *api) otherTenant() (map[string]any, int) {
	a.t.Helper()
	tn := a.doKey(a.otherKey, "POST", "/v1/tenants", map[string]any{"email": "other@example.com", "first_name": "O", "last_name": "T"}, nil).must(a.t, 201).obj("data")
	return tn, int(tn["id"].(float64))
}
