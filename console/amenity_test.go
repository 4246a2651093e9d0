package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"porter"
	"porter/storetest"
)

// TestAmenitiesFlow: a manager, in Chromium, adds a gym with room for one,
// books it for a tenant, is refused an overlapping booking with the one in
// the way named on the form, cancels the first booking and books again.
func TestAmenitiesFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		s.addManager(t)
		bg := context.Background()
		p, err := s.svc.CreateProperty(bg, s.org, porter.PropertyInput{Name: ptr("Tower A")})
		must(t, err)
		tn, err := s.svc.CreateTenant(bg, s.org, porter.TenantInput{Email: ptr("jane@example.com"), FirstName: ptr("Jane"), LastName: ptr("Smith")})
		must(t, err)
		ctx := tab(t)
		q := chromedp.ByQuery
		s.signIn(t, ctx, "manager@acme.test", password)

		run(t, ctx, chromedp.Navigate(s.URL+"/amenities"), chromedp.WaitVisible("#new-amenity", q),
			chromedp.SetValue("#amenity-property", itoa(p.ID), q),
			chromedp.SendKeys("#amenity-name", "Gym", q),
			loads(chromedp.Submit("#amenity-name", q)), chromedp.WaitVisible("#book-amenity", q))
		if got := text(t, ctx, "#amenity-capacity"); got != "1" {
			t.Fatalf("new amenity's capacity: %q", got)
		}
		book := func(from, to string) {
			run(t, ctx, chromedp.SetValue("#book-tenant", itoa(tn.ID), q),
				chromedp.SetValue("#book-starts", from, q), chromedp.SetValue("#book-ends", to, q),
				loads(chromedp.Submit("#book-starts", q)), chromedp.WaitVisible("#amenity-bookings", q))
		}
		book("2026-05-10T18:00", "2026-05-10T19:00")
		first, err := s.svc.AmenityBookings(bg, s.org, porter.AmenityBookingFilter{})
		must(t, err)
		if first.Total != 1 || !strings.Contains(text(t, ctx, "#amenity-bookings tbody"), "Jane Smith") {
			t.Fatalf("after booking: %d bookings, table %q", first.Total, text(t, ctx, "#amenity-bookings tbody"))
		}
		book("2026-05-10T18:30", "2026-05-10T20:00")
		if msg := text(t, ctx, "#form-error"); !strings.Contains(msg, "fully booked") || !strings.Contains(msg, itoa(first.Items[0].ID)+" (") {
			t.Fatalf("overlapping booking: %q", msg)
		}
		var kept string
		run(t, ctx, chromedp.Value("#book-starts", &kept, q))
		if kept != "2026-05-10T18:30" {
			t.Fatalf("the refused form lost what was typed: %q", kept)
		}
		run(t, ctx, loads(chromedp.Click(".booking-cancel", q)), chromedp.WaitVisible("#amenity-bookings", q))
		if got := text(t, ctx, "#booking-"+itoa(first.Items[0].ID)); !strings.Contains(got, "cancelled") {
			t.Fatalf("after cancel: %q", got)
		}
		book("2026-05-10T18:30", "2026-05-10T20:00")
		if got := text(t, ctx, "#amenity-bookings caption"); got != "2 bookings" {
			t.Fatalf("after booking again: %q", got)
		}
	})
}

// TestAmenitiesRefusals: a viewer's writes (403), another organization's
// amenities and bookings (404), bad input (400 naming the field), over
// capacity or a booking already cancelled (409), each writing nothing; an
// amenity's name is text, not HTML.
func TestAmenitiesRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		s.addManager(t)
		bg := context.Background()
		const xss = "<script>alert(1)</script>"
		type records struct{ prop, tenant, amenity, inactive, booking, cancelled int64 }
		seed := func(org int64, name string) records {
			p, err := s.svc.CreateProperty(bg, org, porter.PropertyInput{Name: ptr("Tower")})
			must(t, err)
			tn, err := s.svc.CreateTenant(bg, org, porter.TenantInput{Email: ptr("t@example.com"), FirstName: ptr("Tia"), LastName: ptr("Ng")})
			must(t, err)
			a, err := s.svc.CreateAmenity(bg, org, porter.AmenityInput{PropertyID: &p.ID, Name: ptr(name)})
			must(t, err)
			off, err := s.svc.CreateAmenity(bg, org, porter.AmenityInput{PropertyID: &p.ID, Name: ptr("Pool"), Status: ptr("inactive")})
			must(t, err)
			b, err := s.svc.BookAmenity(bg, org, porter.AmenityBookingInput{AmenityID: &a.ID, TenantID: &tn.ID,
				StartsAt: ptr("2026-05-10T18:00:00Z"), EndsAt: ptr("2026-05-10T19:00:00Z")})
			must(t, err)
			c, err := s.svc.BookAmenity(bg, org, porter.AmenityBookingInput{AmenityID: &a.ID, TenantID: &tn.ID,
				StartsAt: ptr("2026-05-11T18:00:00Z"), EndsAt: ptr("2026-05-11T19:00:00Z")})
			must(t, err)
			_, err = s.svc.CancelAmenityBooking(bg, org, c.ID)
			must(t, err)
			return records{p.ID, tn.ID, a.ID, off.ID, b.ID, c.ID}
		}
		mine, theirs := seed(s.org, xss), seed(s.otherOrg, "Theirs")
		manager, viewer := s.opsSignIn(t, "manager@acme.test"), s.opsSignIn(t, "viewer@acme.test")
		id := itoa
		page := "/amenities/" + id(mine.amenity)
		booking := url.Values{"tenant_id": {id(mine.tenant)}, "starts_at": {"2026-05-12T10:00"}, "ends_at": {"2026-05-12T11:00"}}

		t.Run("viewer writes nothing", func(t *testing.T) {
			for _, path := range []string{"/amenities", page, page + "/bookings", page + "/bookings/" + id(mine.booking) + "/cancel"} {
				before := residentWritten(t, s.svc, s.org)
				form := url.Values{"property_id": {id(mine.prop)}, "name": {"x"}, "capacity": {"3"}}
				for k, v := range booking {
					form[k] = v
				}
				if code, _ := opsPost(t, s.URL+path, viewer, form); code != http.StatusForbidden {
					t.Errorf("viewer POST %s: %d, want 403", path, code)
				}
				if after := residentWritten(t, s.svc, s.org); after != before {
					t.Errorf("viewer POST %s wrote: %s -> %s", path, before, after)
				}
			}
			if code, body := get(t, s.URL+page, viewer); code != http.StatusOK || strings.Contains(body, "booking-cancel") || strings.Contains(body, "book-amenity") {
				t.Errorf("viewer GET %s: %d (or offered a form)", page, code)
			}
		})

		t.Run("another organization's amenities and bookings are not found", func(t *testing.T) {
			before := residentWritten(t, s.svc, s.otherOrg)
			their := "/amenities/" + id(theirs.amenity)
			if code, body := get(t, s.URL+their, manager); code != http.StatusNotFound || strings.Contains(body, "Theirs") {
				t.Errorf("GET %s: %d, want a 404 page", their, code)
			}
			for _, c := range []struct {
				path string
				form url.Values
			}{
				{their, url.Values{"name": {"mine"}, "capacity": {"9"}}},
				{their + "/bookings", booking},
				{their + "/bookings/" + id(theirs.booking) + "/cancel", nil},
				{page + "/bookings/" + id(theirs.booking) + "/cancel", nil},
			} {
				if code, _ := opsPost(t, s.URL+c.path, manager, c.form); code != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", c.path, code)
				}
			}
			if code, body := opsPost(t, s.URL+"/amenities", manager, url.Values{"property_id": {id(theirs.prop)}, "name": {"x"}}); code != http.StatusBadRequest || !strings.Contains(formError(body), "Property") {
				t.Errorf("amenity at their property: %d %q", code, formError(body))
			}
			if after := residentWritten(t, s.svc, s.otherOrg); after != before {
				t.Errorf("their organization changed: %s -> %s", before, after)
			}
		})

		t.Run("bad input and conflicts write nothing", func(t *testing.T) {
			with := func(k, v string) url.Values {
				f := url.Values{}
				for key, vs := range booking {
					f[key] = vs
				}
				f.Set(k, v)
				return f
			}
			for _, c := range []struct {
				name, path string
				form       url.Values
				code       int
				want       string
			}{
				{"amenity without a name", "/amenities", url.Values{"property_id": {id(mine.prop)}}, 400, "Name"},
				{"amenity capacity 0", "/amenities", url.Values{"property_id": {id(mine.prop)}, "name": {"x"}, "capacity": {"0"}}, 400, "Capacity"},
				{"amenity capacity in words", "/amenities", url.Values{"property_id": {id(mine.prop)}, "name": {"x"}, "capacity": {"lots"}}, 400, "Capacity"},
				{"edit capacity 0", page, url.Values{"name": {"Gym"}, "capacity": {"0"}}, 400, "Capacity"},
				{"edit bad status", page, url.Values{"name": {"Gym"}, "capacity": {"1"}, "status": {"closed"}}, 400, "Status"},
				{"book without a tenant", page + "/bookings", with("tenant_id", ""), 400, "Tenant"},
				{"book their tenant", page + "/bookings", with("tenant_id", id(theirs.tenant)), 400, "Tenant"},
				{"book ends before it starts", page + "/bookings", with("ends_at", "2026-05-12T09:00"), 400, "Ends"},
				{"book a bad time", page + "/bookings", with("starts_at", "noon"), 400, "Starts"},
				{"book over capacity", page + "/bookings", with("starts_at", "2026-05-10T18:30"), 409, id(mine.booking) + " ("},
				{"book an inactive amenity", "/amenities/" + id(mine.inactive) + "/bookings", booking, 409, "inactive"},
				{"cancel a cancelled booking", page + "/bookings/" + id(mine.cancelled) + "/cancel", nil, 409, "already cancelled"},
			} {
				before := residentWritten(t, s.svc, s.org)
				code, body := opsPost(t, s.URL+c.path, manager, c.form)
				if code != c.code || !strings.Contains(formError(body), c.want) {
					t.Errorf("%s: %d %q, want %d naming %q", c.name, code, formError(body), c.code, c.want)
				}
				if after := residentWritten(t, s.svc, s.org); after != before {
					t.Errorf("%s wrote: %s -> %s", c.name, before, after)
				}
			}
			for _, path := range []string{"/amenities?status=open", "/amenities?property_id=x"} {
				if code, _ := get(t, s.URL+path, manager); code != http.StatusBadRequest {
					t.Errorf("GET %s: %d, want 400", path, code)
				}
			}
		})

		t.Run("an amenity's name is text", func(t *testing.T) {
			for _, path := range []string{"/amenities", page} {
				code, body := get(t, s.URL+path, manager)
				if code != http.StatusOK || strings.Contains(body, xss) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
					t.Errorf("GET %s: %d, the name is not escaped", path, code)
				}
			}
		})
	})
}
