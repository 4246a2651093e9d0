package http_test

import (
	"strings"
	"testing"
)

func TestResendInvitationHTTP(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		tn := a.do("POST", "/v1/tenants", map[string]any{"email": "jane@example.com", "first_name": "Jane", "last_name": "Smith"}).must(t, 201).obj("data")
		path := "/v1/tenants/" + itoa(int(tn["id"].(float64))) + "/resend-invitation"
		again := a.do("POST", path, nil).must(t, 200).obj("data")
		url, _ := again["accept_url"].(string)
		if again["status"] != "invited" || !strings.Contains(url, "token=") || url == tn["accept_url"] {
			t.Fatalf("resent = %v", again)
		}
		token := url[strings.Index(url, "token=")+6:]
		if _, err := a.svc.AcceptInvite(t.Context(), token, "correct horse"); err != nil {
			t.Fatal(err)
		}
		a.do("POST", path, nil).must(t, 409)
		a.do("POST", "/v1/tenants/999999/resend-invitation", nil).must(t, 404)
		// A read-only key may not send mail.
		key := a.scopedKey("tenants:read")
		a.doKey(key, "POST", path, nil, nil).must(t, 403)
	})
}

// GET /v1/tenants?search= and GET /v1/charges?overdue_on= are the
// console's filters, in the API too.
func TestTenantSearchAndOverdueHTTP(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		tn := a.do("POST", "/v1/tenants", map[string]any{"email": "jane@example.com", "first_name": "Jane", "last_name": "Smith"}).must(t, 201).obj("data")
		a.do("POST", "/v1/tenants", map[string]any{"email": "bob@example.com", "first_name": "Bob", "last_name": "Jones"}).must(t, 201)
		if list := a.do("GET", "/v1/tenants?search=jane+smi", nil).must(t, 200); len(list.JSON["data"].([]any)) != 1 {
			t.Fatalf("search: %s", list.Body)
		}
		a.do("POST", "/v1/charges", map[string]any{"tenant_id": tn["id"], "amount": 25, "description": "Late", "due_date": "2025-05-01"}).must(t, 201)
		a.do("POST", "/v1/charges", map[string]any{"tenant_id": tn["id"], "amount": 25, "description": "Later", "due_date": "2025-06-01"}).must(t, 201)
		if list := a.do("GET", "/v1/charges?overdue_on=2025-05-09", nil).must(t, 200); len(list.JSON["data"].([]any)) != 1 {
			t.Fatalf("overdue: %s", list.Body)
		}
		a.do("GET", "/v1/charges?overdue_on=soon", nil).must(t, 400)
	})
}
