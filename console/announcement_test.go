package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// TestBroadcastAcknowledgements: an announcement's page links to the
// tenants who acknowledged it, listed read-only (names as text); a
// broadcast to staff has no such list, another organization's is a 404.
func TestBroadcastAcknowledgements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		bg := context.Background()
		jane, err := s.svc.CreateTenant(bg, s.org, porter.TenantInput{Email: ptr("jane@example.com"), FirstName: ptr("<script>alert(1)</script>"), LastName: ptr("Smith")})
		must(t, err)
		omar, err := s.svc.CreateTenant(bg, s.org, porter.TenantInput{Email: ptr("omar@example.com"), FirstName: ptr("Omar"), LastName: ptr("Haddad")})
		must(t, err)
		_, err = s.svc.CreateTenant(bg, s.org, porter.TenantInput{Email: ptr("lee@example.com"), FirstName: ptr("Lee"), LastName: ptr("Park")})
		must(t, err)
		ann, err := s.svc.SendBroadcast(bg, s.org, porter.BroadcastInput{Subject: ptr("Lift service"), Body: ptr("Tuesday"), Audience: ptr("all_tenants")})
		must(t, err)
		for _, tn := range []int64{jane.ID, omar.ID} {
			_, _, err := s.svc.AcknowledgeBroadcast(bg, s.org, ann.ID, porter.AcknowledgementInput{TenantID: &tn})
			must(t, err)
		}
		staff, err := s.svc.SendBroadcast(bg, s.org, porter.BroadcastInput{Subject: ptr("Rota"), Body: ptr("Monday"), Audience: ptr("staff")})
		must(t, err)

		viewer := s.opsSignIn(t, "viewer@acme.test")
		page := "/broadcasts/" + itoa(ann.ID)
		if _, body := get(t, s.URL+page, viewer); !strings.Contains(body, `href="`+page+`/acknowledgements"`) {
			t.Error("the announcement's page does not link to its acknowledgements")
		}
		code, body := get(t, s.URL+page+"/acknowledgements", viewer)
		i := strings.Index(body, `id="acknowledgements"`)
		if code != http.StatusOK || i < 0 {
			t.Fatalf("acknowledgements page: %d, no table", code)
		}
		acks := body[i:]
		acks = acks[:strings.Index(acks, "</table>")]
		if !strings.Contains(acks, "2 tenants acknowledged") || !strings.Contains(acks, "Omar Haddad") ||
			!strings.Contains(acks, "&lt;script&gt;alert(1)&lt;/script&gt; Smith") || strings.Contains(acks, "Lee Park") || strings.Contains(body, "<script>alert") {
			t.Errorf("acknowledgements: %s", acks)
		}
		if strings.Contains(body, `method="post" action="/broadcasts`) {
			t.Error("acknowledgements are read-only, yet the page has a form")
		}
		// A broadcast to staff has none; another organization's is not found.
		if _, body := get(t, s.URL+"/broadcasts/"+itoa(staff.ID), viewer); strings.Contains(body, "acknowledgements-link") {
			t.Error("a broadcast to staff links to acknowledgements")
		}
		theirs, err := s.svc.SendBroadcast(bg, s.otherOrg, porter.BroadcastInput{Subject: ptr("Theirs"), Body: ptr("x"), Audience: ptr("all_tenants")})
		must(t, err)
		for _, path := range []string{"/broadcasts/" + itoa(staff.ID) + "/acknowledgements", "/broadcasts/" + itoa(theirs.ID) + "/acknowledgements", "/broadcasts/x/acknowledgements"} {
			if code, body := get(t, s.URL+path, viewer); code != http.StatusNotFound || strings.Contains(body, "Theirs") {
				t.Errorf("GET %s: %d, want a 404 page", path, code)
			}
		}
	})
}
