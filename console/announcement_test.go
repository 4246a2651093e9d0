package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// TestBroadcastAcknowledgements: an announcement's page lists, read-only,
// the tenants who acknowledged it (names as text); a broadcast to staff
// has no such list.
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
		code, body := get(t, s.URL+"/broadcasts/"+itoa(ann.ID), viewer)
		i := strings.Index(body, `id="acknowledgements"`)
		if code != http.StatusOK || i < 0 {
			t.Fatalf("announcement page: %d, no acknowledgements", code)
		}
		acks := body[i:]
		acks = acks[:strings.Index(acks, "</table>")]
		if !strings.Contains(acks, "2 tenants acknowledged") || !strings.Contains(acks, "Omar Haddad") ||
			!strings.Contains(acks, "&lt;script&gt;alert(1)&lt;/script&gt; Smith") || strings.Contains(acks, "Lee Park") || strings.Contains(body, "<script>alert") {
			t.Errorf("acknowledgements: %s", acks)
		}
		if strings.Contains(acks, "<form") || strings.Contains(acks, "<button") {
			t.Error("acknowledgements are read-only, yet the table has a form")
		}
		if _, body := get(t, s.URL+"/broadcasts/"+itoa(staff.ID), viewer); strings.Contains(body, `id="acknowledgements"`) {
			t.Error("a broadcast to staff lists acknowledgements")
		}
	})
}
