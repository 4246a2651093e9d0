package http_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSeedCreateTenant(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		r := a.do("POST", "/api/action_create_tenant.php", map[string]any{
			"email": "jane@example.com", "first_name": "Jane", "last_name": "Smith", "phone": "+1555000000",
		}).must(t, 200)
		tn := r.obj("tenant")
		if tn["role"] != "tenant" || tn["status"] != "invited" || tn["email"] != "jane@example.com" || tn["id"] == nil {
			t.Fatalf("tenant = %v", tn)
		}
		if len(r.JSON) != 1 {
			t.Fatalf("body has more than the tenant key: %s", r.Body)
		}
		acceptURL, _ := tn["accept_url"].(string)
		if !strings.Contains(acceptURL, "/accept-invite.php?token=") {
			t.Fatalf("accept_url = %q", acceptURL)
		}

		// The accept page shows a form; posting a password activates the tenant.
		res, err := http.Get(acceptURL)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(page), "Jane") {
			t.Fatalf("accept page %d: %s", res.StatusCode, page)
		}
		u, _ := url.Parse(acceptURL)
		token := u.Query().Get("token")
		res, err = http.PostForm(a.srv.URL+"/accept-invite.php", url.Values{"token": {token}, "password": {"short"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 400 {
			t.Fatalf("short password: %d", res.StatusCode)
		}
		res, err = http.PostForm(a.srv.URL+"/accept-invite.php", url.Values{"token": {token}, "password": {"long enough"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("accept: %d", res.StatusCode)
		}
		id := int(tn["id"].(float64))
		got := a.do("GET", "/v1/tenants/"+itoa(id), nil).must(t, 200).obj("data")
		if got["status"] != "active" || got["accept_url"] != nil {
			t.Fatalf("after accept: %v", got)
		}
		// Single use.
		res, _ = http.PostForm(a.srv.URL+"/accept-invite.php", url.Values{"token": {token}, "password": {"long enough"}})
		res.Body.Close()
		if res.StatusCode != 404 {
			t.Fatalf("second accept: %d", res.StatusCode)
		}
	})
}

func TestSeedCreateTenantBadInput(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		cases := []struct {
			name, body, want string
			status           int
		}{
			{"missing fields", `{"email":"jane@example.com"}`, "first_name is required", 400},
			{"bad email", `{"email":"nope","first_name":"J","last_name":"S"}`, "email must be an email address", 400},
			{"wrong type", `{"email":"j@example.com","first_name":7,"last_name":"S"}`, "first_name must be a string", 400},
			{"malformed", `{"email":`, "not valid JSON", 400},
			{"array", `[1,2]`, "must be a JSON object", 400},
			{"empty", ``, "request body is required", 400},
		}
		for _, c := range cases {
			r := a.do("POST", "/api/action_create_tenant.php", c.body)
			if r.Status != c.status || !strings.Contains(r.JSON["error"].(string), c.want) {
				t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
			}
		}
		// Forms are read as JSON is (TestSeedFormBodies): their errors too.
		r := a.doKey(a.key, "POST", "/api/action_create_tenant.php", "email=x", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		if r.Status != 400 || r.JSON["error"] != "email must be an email address; first_name is required; last_name is required" {
			t.Errorf("form body: %d %s", r.Status, r.Body)
		}
		if n := a.eventCount(); n != 0 {
			t.Fatalf("bad input wrote %d events", n)
		}
	})
}
