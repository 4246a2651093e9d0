package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"porter"
	"porter/storetest"
)

// strFixture is one organization's short-term-rental records, made
// through the Service: a property with two units, a July rate, a confirmed
// booking, an owner and a draft invoice.
type strFixture struct {
	property, unit, unit2, rate, booking, owner, invoice int64
	reference                                            string
}

func newSTRFixture(t *testing.T, svc *porter.Service, org int64, guest string) strFixture {
	t.Helper()
	ctx := context.Background()
	var f strFixture
	p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Sea Villas")})
	must(t, err)
	u1, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("Villa 1")})
	must(t, err)
	u2, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("Villa 2")})
	must(t, err)
	price := porter.Money(15000)
	rt, err := svc.CreateRate(ctx, org, porter.RateInput{PropertyID: &p.ID, Name: ptr("July"), StartDate: ptr("2026-07-01"),
		EndDate: ptr("2026-07-31"), NightlyPrice: &price, Currency: ptr("EUR")})
	must(t, err)
	b, err := svc.CreateBooking(ctx, org, porter.BookingInput{UnitID: &u1.ID, GuestName: ptr(guest), CheckIn: ptr("2026-07-10"),
		CheckOut: ptr("2026-07-13"), Status: ptr(porter.BookingConfirmed)})
	must(t, err)
	o, err := svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr("Ada Owner")})
	must(t, err)
	unitPrice := porter.Money(5000)
	inv, err := svc.CreateInvoice(ctx, org, porter.InvoiceInput{BillToName: ptr(guest), Currency: ptr("EUR"),
		Lines: &[]porter.InvoiceLineInput{{Description: "Cleaning", UnitPrice: &unitPrice}}})
	must(t, err)
	f.property, f.unit, f.unit2, f.rate, f.booking, f.owner, f.invoice, f.reference = p.ID, u1.ID, u2.ID, rt.ID, b.ID, o.ID, inv.ID, b.Reference
	return f
}

// strWritten sums what an organization has written: every write leaves an
// audit entry and most an event; and the records the pages create.
func strWritten(t *testing.T, svc *porter.Service, org int64) string {
	t.Helper()
	ctx := context.Background()
	ev, err := svc.Events(ctx, org, porter.EventFilter{})
	must(t, err)
	au, err := svc.AuditLog(ctx, org, porter.AuditFilter{})
	must(t, err)
	bk, err := svc.Bookings(ctx, org, porter.BookingFilter{})
	must(t, err)
	bl, err := svc.Blocks(ctx, org, porter.BlockFilter{})
	must(t, err)
	rt, err := svc.Rates(ctx, org, porter.RateFilter{})
	must(t, err)
	inv, err := svc.Invoices(ctx, org, porter.InvoiceFilter{})
	must(t, err)
	return fmt.Sprintf("events=%d audit=%d bookings=%d blocks=%d rates=%d invoices=%d", ev.Total, au.Total, bk.Total, bl.Total, rt.Total, inv.Total)
}

// TestSTRFlow: a manager, in Chromium, adds a seasonal rate, books a stay
// priced from it, confirms it, finds it on the calendar, checks the guest
// in and out, and invoices the guest: drafted, sent, downloaded as PDF.
func TestSTRFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		s.addManager(t)
		bg := context.Background()
		p, err := s.svc.CreateProperty(bg, s.org, porter.PropertyInput{Name: ptr("Sea Villas")})
		must(t, err)
		un, err := s.svc.CreateUnit(bg, s.org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("Villa 1")})
		must(t, err)
		ctx := tab(t)
		q := chromedp.ByQuery
		if h1 := s.signIn(t, ctx, "manager@acme.test", password); h1 == "" {
			t.Fatal("no page after sign-in")
		}

		run(t, ctx, chromedp.Navigate(s.URL+"/rates"), chromedp.WaitVisible("#new-rate", q),
			chromedp.SetValue("#rate-property", itoa(p.ID), q),
			chromedp.SendKeys("#rate-name", "Summer", q),
			chromedp.SetValue("#rate-start", "2026-07-01", q),
			chromedp.SetValue("#rate-end", "2026-08-31", q),
			chromedp.SendKeys("#rate-price", "120.00", q),
			chromedp.SendKeys("#rate-currency", "EUR", q),
			loads(chromedp.Submit("#rate-price", q)))
		if got := text(t, ctx, "main table tbody"); !strings.Contains(got, "Summer") || !strings.Contains(got, "120.00 EUR") {
			t.Fatalf("rates list: %q", got)
		}

		run(t, ctx, chromedp.Navigate(s.URL+"/bookings"), chromedp.WaitVisible("#new-booking", q),
			chromedp.SetValue("#booking-unit", itoa(un.ID), q),
			chromedp.SendKeys("#booking-guest", "Grace Guest", q),
			chromedp.SetValue("#booking-in", "2026-07-10", q),
			chromedp.SetValue("#booking-out", "2026-07-13", q),
			loads(chromedp.Submit("#booking-guest", q)), chromedp.WaitVisible("#booking-status", q))
		if got := text(t, ctx, "#booking-total"); got != "360.00 EUR" {
			t.Fatalf("total priced from the rate: %q, want 360.00 EUR", got)
		}
		if got := text(t, ctx, "#price-breakdown tbody"); !strings.Contains(got, "2026-07-12") {
			t.Fatalf("breakdown: %q", got)
		}
		ref := strings.TrimPrefix(text(t, ctx, "#booking-title"), "Booking ")
		bookingURL := ""
		run(t, ctx, chromedp.Location(&bookingURL))

		run(t, ctx, loads(chromedp.Click("#confirm-booking", q)), chromedp.WaitVisible("#booking-status", q))
		if got := text(t, ctx, "#booking-status"); got != "confirmed" {
			t.Fatalf("after confirm: %q", got)
		}
		run(t, ctx, chromedp.Navigate(s.URL+"/calendar?month=2026-07"), chromedp.WaitVisible("#calendar", q))
		if got := text(t, ctx, "#calendar tbody"); strings.Count(got, ref) != 1 || !strings.Contains(got, "Grace Guest") || !strings.Contains(got, "120.00") {
			t.Fatalf("calendar: want %s (Grace Guest) once, and 120.00 on the free nights: %q", ref, got)
		}
		var span string
		run(t, ctx, chromedp.AttributeValue(`#calendar td.cal-booked`, "colspan", &span, nil, q))
		if span != "3" {
			t.Fatalf("the stay spans %s nights on the calendar, want 3", span)
		}
		run(t, ctx, loads(chromedp.Click(`#calendar a[href^="/bookings/"]`, q)), chromedp.WaitVisible("#check-in", q),
			loads(chromedp.Click("#check-in", q)), chromedp.WaitVisible("#check-out", q),
			loads(chromedp.Click("#check-out", q)), chromedp.WaitVisible("#booking-status", q))
		if got := text(t, ctx, "#booking-status"); got != "checked_out" {
			t.Fatalf("after check-out: %q", got)
		}

		run(t, ctx, loads(chromedp.Click(`a[href^="/invoices?"]`, q)), chromedp.WaitVisible("#new-invoice", q))
		var billTo string
		run(t, ctx, chromedp.Value("#inv-name", &billTo, q))
		if billTo != "Grace Guest" {
			t.Fatalf("invoice prefilled for %q", billTo)
		}
		run(t, ctx, chromedp.SendKeys("#inv-currency", "EUR", q),
			chromedp.SendKeys("#line-desc-0", "Stay "+ref, q),
			chromedp.SendKeys("#line-price-0", "360.00", q),
			loads(chromedp.Submit("#line-price-0", q)), chromedp.WaitVisible("#send-invoice", q),
			loads(chromedp.Click("#send-invoice", q)), chromedp.WaitVisible("#invoice-status", q))
		if got := text(t, ctx, "#invoice-status"); got != "sent" {
			t.Fatalf("invoice after send: %q (%s)", got, text(t, ctx, "main"))
		}
		if got := text(t, ctx, "#invoice-total"); got != "360.00 EUR" {
			t.Fatalf("invoice total: %q", got)
		}
		var pdfHref string
		var found bool
		run(t, ctx, chromedp.AttributeValue("#invoice-pdf", "href", &pdfHref, &found, q))
		req, _ := http.NewRequest("GET", s.URL+pdfHref, nil)
		req.AddCookie(sessionCookie(t, ctx))
		res, err := http.DefaultClient.Do(req)
		must(t, err)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("PDF: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !strings.Contains(bookingURL, "/bookings/") {
			t.Fatalf("booking page at %q", bookingURL)
		}
	})
}

// TestSTRRefusals: what the server refuses on the short-term-rental pages
// whatever the page offered: a viewer's writes (403), another
// organization's records (404), bad input (400/409/422 naming the field),
// each writing nothing; a guest's name is text, not HTML; the audit log is
// for admins.
func TestSTRRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		s.addManager(t)
		const xss = "<script>alert(1)</script>"
		mine, theirs := newSTRFixture(t, s.svc, s.org, xss), newSTRFixture(t, s.svc, s.otherOrg, "Theirs Guest")
		manager, viewer, admin := s.opsSignIn(t, "manager@acme.test"), s.opsSignIn(t, "viewer@acme.test"), s.opsSignIn(t, "admin@acme.test")
		id := itoa

		t.Run("viewer writes nothing", func(t *testing.T) {
			for _, path := range []string{"/bookings", "/bookings/" + id(mine.booking) + "/check-in", "/bookings/" + id(mine.booking) + "/cancel",
				"/bookings/" + id(mine.booking) + "/payments", "/calendar/blocks", "/rates", "/rates/" + id(mine.rate), "/rates/" + id(mine.rate) + "/delete",
				"/owners", "/owners/" + id(mine.owner) + "/properties", "/invoices", "/invoices/" + id(mine.invoice) + "/send", "/invoices/" + id(mine.invoice) + "/void"} {
				before := strWritten(t, s.svc, s.org)
				code, _ := opsPost(t, s.URL+path, viewer, url.Values{"unit_id": {id(mine.unit2)}, "guest_name": {"V"}, "check_in": {"2026-08-01"},
					"check_out": {"2026-08-03"}, "nightly_rate": {"10.00"}, "currency": {"EUR"}, "amount": {"1.00"}, "reason": {"x"}, "name": {"x"},
					"property_id": {id(mine.property)}, "start_date": {"2026-09-01"}, "end_date": {"2026-09-02"}, "nightly_price": {"1.00"},
					"bill_to_name": {"x"}, "line_description_0": {"x"}, "line_unit_price_0": {"1.00"}})
				if code != http.StatusForbidden {
					t.Errorf("viewer POST %s: %d, want 403", path, code)
				}
				if after := strWritten(t, s.svc, s.org); after != before {
					t.Errorf("viewer POST %s wrote: %s -> %s", path, before, after)
				}
			}
			for _, path := range []string{"/bookings", "/bookings/" + id(mine.booking), "/calendar", "/rates", "/rates/" + id(mine.rate), "/owners",
				"/owners/" + id(mine.owner), "/invoices", "/invoices/" + id(mine.invoice), "/invoices/" + id(mine.invoice) + "/pdf", "/reviews"} {
				if code, body := get(t, s.URL+path, viewer); code != http.StatusOK {
					t.Errorf("viewer GET %s: %d %s", path, code, body)
				}
			}
		})

		t.Run("another organization's records are not found", func(t *testing.T) {
			before := strWritten(t, s.svc, s.otherOrg)
			for _, path := range []string{"/bookings/" + id(theirs.booking), "/rates/" + id(theirs.rate), "/owners/" + id(theirs.owner),
				"/invoices/" + id(theirs.invoice), "/invoices/" + id(theirs.invoice) + "/pdf"} {
				if code, body := get(t, s.URL+path, manager); code != http.StatusNotFound || strings.Contains(body, "Theirs Guest") {
					t.Errorf("GET %s: %d, want a 404 page", path, code)
				}
			}
			for _, c := range []struct{ path, field, value string }{
				{"/bookings/" + id(theirs.booking) + "/check-in", "", ""},
				{"/bookings/" + id(theirs.booking) + "/cancel", "reason", "mine"},
				{"/bookings/" + id(theirs.booking) + "/payments", "amount", "10.00"},
				{"/rates/" + id(theirs.rate), "nightly_price", "1.00"},
				{"/rates/" + id(theirs.rate) + "/delete", "", ""},
				{"/owners/" + id(theirs.owner) + "/properties", "property_id", id(mine.property)},
				{"/invoices/" + id(theirs.invoice) + "/send", "", ""},
				{"/invoices/" + id(theirs.invoice) + "/void", "reason", "x"},
			} {
				if code, _ := opsPost(t, s.URL+c.path, manager, url.Values{c.field: {c.value}}); code != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", c.path, code)
				}
			}
			// Their unit is no reference for a booking or a block of mine.
			if code, body := opsPost(t, s.URL+"/bookings", manager, url.Values{"unit_id": {id(theirs.unit2)}, "guest_name": {"G"},
				"check_in": {"2026-08-01"}, "check_out": {"2026-08-03"}}); code/100 != 4 || !strings.Contains(body, "Unit") {
				t.Errorf("booking on their unit: %d", code)
			}
			if after := strWritten(t, s.svc, s.otherOrg); after != before {
				t.Errorf("their organization changed: %s -> %s", before, after)
			}
		})

		t.Run("bad input names the field and writes nothing", func(t *testing.T) {
			booking := func(kv ...string) url.Values {
				v := url.Values{"unit_id": {id(mine.unit)}, "guest_name": {"Bea"}, "check_in": {"2026-08-10"}, "check_out": {"2026-08-12"},
					"nightly_rate": {"90.00"}, "currency": {"EUR"}, "status": {"confirmed"}}
				for i := 0; i < len(kv); i += 2 {
					v.Set(kv[i], kv[i+1])
				}
				return v
			}
			for _, c := range []struct {
				name, path string
				form       url.Values
				code       int
				want       []string
			}{
				{"check-out before check-in", "/bookings", booking("check_out", "2026-08-09"), 400, []string{"Check-out"}},
				{"overlapping stay", "/bookings", booking("check_in", "2026-07-11", "check_out", "2026-07-14"), 409, []string{mine.reference}},
				{"negative price", "/bookings", booking("nightly_rate", "-5.00"), 400, []string{"Nightly rate"}},
				{"unknown currency", "/bookings", booking("currency", "XYZ"), 400, []string{"Currency"}},
				{"not priced by any rate", "/bookings", booking("check_in", "2026-10-01", "check_out", "2026-10-03", "nightly_rate", "", "currency", ""), 422, []string{"Nightly prices", "no rate covers 2026-10-01"}},
				{"no unit", "/bookings", booking("unit_id", ""), 400, []string{"Unit is required"}},
				{"block over a stay", "/calendar/blocks", url.Values{"unit_id": {id(mine.unit)}, "start_date": {"2026-07-11"}, "end_date": {"2026-07-11"}, "kind": {"maintenance"}}, 409, []string{mine.reference}},
				{"block bad kind", "/calendar/blocks", url.Values{"unit_id": {id(mine.unit2)}, "start_date": {"2026-07-11"}, "end_date": {"2026-07-11"}, "kind": {"party"}}, 400, []string{"Kind"}},
				{"rate ends before it starts", "/rates", url.Values{"property_id": {id(mine.property)}, "start_date": {"2026-09-10"}, "end_date": {"2026-09-01"}, "nightly_price": {"10.00"}, "currency": {"EUR"}}, 400, []string{"Last night"}},
				{"rate bad adjustment", "/rates", url.Values{"property_id": {id(mine.property)}, "start_date": {"2026-09-01"}, "end_date": {"2026-09-10"}, "nightly_price": {"10.00"}, "currency": {"EUR"}, "weekday_adjustments": {"friday"}}, 400, []string{"Day-of-week adjustments"}},
				{"rate edit bad price", "/rates/" + id(mine.rate), url.Values{"start_date": {"2026-07-01"}, "end_date": {"2026-07-31"}, "nightly_price": {"ten"}}, 400, []string{"Nightly price"}},
				{"invoice without lines", "/invoices", url.Values{"bill_to_name": {"Bea"}, "currency": {"EUR"}}, 400, []string{"Lines"}},
				{"invoice bad line price", "/invoices", url.Values{"bill_to_name": {"Bea"}, "currency": {"EUR"}, "line_description_0": {"x"}, "line_unit_price_0": {"abc"}}, 400, []string{"Line 1 price"}},
				{"cancel without reason", "/bookings/" + id(mine.booking) + "/cancel", url.Values{}, 400, []string{"Reason"}},
				{"check out before check in", "/bookings/" + id(mine.booking) + "/check-out", url.Values{}, 409, []string{"check out"}},
				{"payment above the balance", "/bookings/" + id(mine.booking) + "/payments", url.Values{"amount": {"100000.00"}}, 0, []string{"mount"}},
				{"link without a property", "/owners/" + id(mine.owner) + "/properties", url.Values{"commission_rate": {"20"}}, 400, []string{"Property"}},
				{"owner without a name", "/owners", url.Values{"email": {"a@b.test"}}, 400, []string{"Name"}},
				{"paying a draft", "/invoices/" + id(mine.invoice) + "/pay", url.Values{}, 409, []string{"draft"}},
			} {
				before := strWritten(t, s.svc, s.org)
				code, body := opsPost(t, s.URL+c.path, manager, c.form)
				if (c.code != 0 && code != c.code) || (c.code == 0 && code/100 != 4) {
					t.Errorf("%s: %d, want %d", c.name, code, c.code)
				}
				msg := regexp.MustCompile(`(?s)id="form-error">(.*?)</p>`).FindStringSubmatch(body)
				if msg == nil {
					t.Errorf("%s: no form error shown (%d)", c.name, code)
					continue
				}
				for _, w := range c.want {
					if !strings.Contains(msg[1], w) {
						t.Errorf("%s: message %q does not name %q", c.name, msg[1], w)
					}
				}
				if after := strWritten(t, s.svc, s.org); after != before {
					t.Errorf("%s wrote: %s -> %s", c.name, before, after)
				}
			}
		})

		t.Run("a guest's name is text", func(t *testing.T) {
			for _, path := range []string{"/bookings", "/bookings/" + id(mine.booking), "/invoices", "/invoices/" + id(mine.invoice)} {
				code, body := get(t, s.URL+path, manager)
				if code != http.StatusOK || strings.Contains(body, xss) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
					t.Errorf("GET %s: %d, the name is not escaped", path, code)
				}
			}
			// The calendar shows the stay's reference, and its guest in the title.
			code, body := get(t, s.URL+"/calendar?month=2026-07", manager)
			if code != http.StatusOK || strings.Contains(body, xss) || !strings.Contains(body, mine.reference) || !strings.Contains(body, "booked by &lt;script&gt;") {
				t.Errorf("calendar: %d", code)
			}
		})

		t.Run("filters", func(t *testing.T) {
			for _, c := range []struct {
				path string
				want bool
			}{
				{"/bookings?reference=" + mine.reference, true},
				{"/bookings?status=pending", false},
				{"/bookings?source=airbnb", false},
				{"/bookings?unit_id=" + id(mine.unit) + "&from=2026-07-12&to=2026-07-20", true},
				{"/bookings?from=2026-07-13&to=2026-07-20", false},
				{"/calendar?month=2026-07&property_id=" + id(mine.property), true},
			} {
				code, body := get(t, s.URL+c.path, manager)
				if code != http.StatusOK || strings.Contains(body, mine.reference) != c.want {
					t.Errorf("GET %s: %d, lists %s: %v, want %v", c.path, code, mine.reference, !c.want, c.want)
				}
			}
			for _, path := range []string{"/bookings?status=nope", "/bookings?source=fax", "/bookings?from=July", "/bookings?unit_id=x", "/calendar?month=July", "/reviews?rating=9", "/settings/audit-log?from=yesterday"} {
				cookie := manager
				if strings.HasPrefix(path, "/settings") {
					cookie = admin
				}
				if code, _ := get(t, s.URL+path, cookie); code != http.StatusBadRequest {
					t.Errorf("GET %s: %d, want 400", path, code)
				}
			}
		})

		t.Run("audit log is for admins", func(t *testing.T) {
			if code, _ := get(t, s.URL+"/settings/audit-log", manager); code != http.StatusForbidden {
				t.Errorf("manager: %d, want 403", code)
			}
			// A manager's write in the console is audited under their name.
			if code, body := opsPost(t, s.URL+"/owners", manager, url.Values{"name": {"Olga Owner"}}); code != http.StatusSeeOther {
				t.Fatalf("manager adds an owner: %d %s", code, body)
			}
			_, all := get(t, s.URL+"/settings/audit-log", admin)
			t.Log(regexp.MustCompile(`(?s)<tbody>.*</tbody>`).FindString(all))
			code, body := get(t, s.URL+"/settings/audit-log?actor_type=user&resource=owner", admin)
			if code != http.StatusOK || !strings.Contains(body, "owner.create") || !strings.Contains(body, "manager@acme.test") || !strings.Contains(body, "Olga Owner") {
				t.Errorf("admin's audit log: %d %s", code, body)
			}
			if code, body := get(t, s.URL+"/settings/audit-log?actor_type=api_key", admin); code != http.StatusOK || strings.Contains(body, "owner.create") {
				t.Errorf("filtered by API keys: %d", code)
			}
		})
	})
}
