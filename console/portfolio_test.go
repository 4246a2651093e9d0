package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"porter"
	"porter/storetest"
)

// addManager adds manager@acme.test to the site's organization.
func (s *site) addManager(t *testing.T) {
	t.Helper()
	_, err := s.svc.CreateUser(context.Background(), s.org, porter.UserInput{Email: "manager@acme.test", Role: porter.RoleManager, Password: password})
	must(t, err)
}

// session signs email in without a browser and returns its cookie.
func (s *site) session(t *testing.T, email string) *http.Cookie {
	t.Helper()
	ctx := context.Background()
	u, err := s.svc.Authenticate(ctx, email, password)
	must(t, err)
	token, err := s.svc.StartSession(ctx, u)
	must(t, err)
	return &http.Cookie{Name: "porter_session", Value: token}
}

// post sends a form as a browser on the same site would.
func post(t *testing.T, rawURL string, ck *http.Cookie, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", rawURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(ck)
	return do(t, req)
}

// A manager runs the portfolio in the browser, from an empty organization
// to a payment applied to a charge: every step through the console's
// forms, each recording what the API records.
func TestPortfolioFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		s.addManager(t)
		ctx := tab(t)
		var dialogs, confirms atomic.Int32 // counted on chromedp's event goroutine
		chromedp.ListenTarget(ctx, func(ev any) {
			if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
				dialogs.Add(1)
			}
		})
		s.signIn(t, ctx, "manager@acme.test", password)
		q := chromedp.ByQuery

		// Property, then a unit from the property's "Add a unit" link.
		run(t, ctx, chromedp.Navigate(s.URL+"/properties"), chromedp.WaitVisible("#new-property", q),
			chromedp.SendKeys("#property-name", "Maple Court", q),
			chromedp.SendKeys("#property-city", "Springfield", q),
			loads(chromedp.Submit("#property-name", q)))
		if h1 := text(t, ctx, "h1"); h1 != "Maple Court" {
			t.Fatalf("property page: %q", h1)
		}
		run(t, ctx, loads(chromedp.Click(`a[href*="#new-unit"]`, q)), chromedp.WaitVisible("#unit-name", q),
			chromedp.SendKeys("#unit-name", "12B", q),
			chromedp.SendKeys("#unit-rent", "1800.00", q),
			loads(chromedp.Submit("#unit-name", q)))
		if h1 := text(t, ctx, "h1"); h1 != "Unit 12B" {
			t.Fatalf("unit page: %q", h1)
		}

		// Invite the tenant.
		run(t, ctx, chromedp.Navigate(s.URL+"/tenants"), chromedp.WaitVisible("#invite-tenant", q),
			chromedp.SendKeys("#tenant-email", "jane@example.com", q),
			chromedp.SendKeys("#tenant-first", "Jane", q),
			chromedp.SendKeys("#tenant-last", "Smith", q),
			loads(chromedp.Submit("#tenant-email", q)))
		if h1, notice := text(t, ctx, "h1"), text(t, ctx, "#notice"); h1 != "Jane Smith" || !strings.Contains(notice, "Invitation sent") {
			t.Fatalf("tenant page: %q, %q", h1, notice)
		}
		var tenantURL string
		run(t, ctx, chromedp.Location(&tenantURL))

		// Draft a lease from the tenant's page (the tenant is picked), then
		// activate it.
		list, err := s.svc.Units(context.Background(), s.org, porter.UnitFilter{})
		must(t, err)
		run(t, ctx, loads(chromedp.Click(`a[href*="#new-lease"]`, q)), chromedp.WaitVisible("#lease-unit", q),
			chromedp.SetValue("#lease-unit", itoa(list.Items[0].ID), q),
			chromedp.SetValue("#lease-start", "2026-05-01", q),
			chromedp.SetValue("#lease-end", "2027-04-30", q),
			chromedp.SendKeys("#lease-rent", "1800.00", q),
			loads(chromedp.Submit("#lease-rent", q)))
		if status := text(t, ctx, "#lease-status"); status != "draft" {
			t.Fatalf("new lease: %q", status)
		}
		run(t, ctx, loads(chromedp.Click("#activate-lease button", q)), chromedp.WaitVisible("#lease-status", q))
		if status := text(t, ctx, "#lease-status"); status != "active" {
			t.Fatalf("activated lease: %q", status)
		}
		var buttons int
		run(t, ctx, chromedp.Evaluate(`document.querySelectorAll('#activate-lease').length`, &buttons))
		if buttons != 0 || text(t, ctx, "#renew-lease h2") != "Renew" || text(t, ctx, "#terminate-lease h2") != "Terminate" {
			t.Fatal("an active lease offers the wrong transitions")
		}

		// A charge from the tenant's page, then the payment through the
		// record-payment form, prefilled with the tenant.
		run(t, ctx, chromedp.Navigate(tenantURL), loads(chromedp.Click(`a[href*="#new-charge"]`, q)), chromedp.WaitVisible("#charge-amount", q),
			chromedp.SendKeys("#charge-amount", "25.00", q),
			chromedp.SendKeys("#charge-description", "Parking May", q),
			chromedp.SetValue("#charge-due", "2026-05-05", q),
			loads(chromedp.Submit("#charge-amount", q)))
		if status := text(t, ctx, "#charge-status"); status != "open" {
			t.Fatalf("new charge: %q", status)
		}
		run(t, ctx, chromedp.Navigate(tenantURL), loads(chromedp.Click("#record-payment-link", q)), chromedp.WaitVisible("#record-payment", q))
		var picked string
		run(t, ctx, chromedp.Evaluate(`document.querySelector('#tenant').selectedOptions[0].textContent`, &picked))
		if picked != "Jane Smith <jane@example.com>" {
			t.Fatalf("prefilled tenant: %q", picked)
		}
		run(t, ctx, chromedp.SendKeys("#amount", "25.00", q),
			chromedp.SendKeys("#reference", "chk-1001", q),
			loads(chromedp.Click(`#record-payment button[type="submit"]`, q)))
		var loc string
		run(t, ctx, chromedp.Location(&loc))
		if h1 := text(t, ctx, "h1"); !strings.Contains(loc, "/payments/") || !strings.Contains(h1, "Payment") || !strings.Contains(h1, "25.00") {
			t.Fatalf("payment page %s: %q", loc, h1)
		}
		if alloc := text(t, ctx, "#allocations tbody"); !strings.Contains(alloc, "Parking May") || !strings.Contains(alloc, "25.00") {
			t.Fatalf("allocations: %q", alloc)
		}
		if ev := text(t, ctx, ".events"); !strings.Contains(ev, "payment.succeeded") {
			t.Fatalf("payment events: %q", ev)
		}

		// The tenant's page: the lease, the paid charge, the payment and
		// the tenant's own events.
		run(t, ctx, chromedp.Navigate(tenantURL), chromedp.WaitVisible(".events", q))
		if ev := text(t, ctx, ".events"); !strings.Contains(ev, "tenant.created") {
			t.Fatalf("tenant events: %q", ev)
		}
		if body := text(t, ctx, "main"); !strings.Contains(body, "paid") || !strings.Contains(body, "Payment ") || !strings.Contains(body, "active") {
			t.Fatalf("tenant page: %q", body)
		}

		// Terminate asks to confirm first (htmx), then ends the lease.
		chromedp.ListenTarget(ctx, func(ev any) {
			if d, ok := ev.(*page.EventJavascriptDialogOpening); ok && d.Type == page.DialogTypeConfirm {
				confirms.Add(1)
				go chromedp.Run(ctx, page.HandleJavaScriptDialog(true))
			}
		})
		leases, err := s.svc.Leases(context.Background(), s.org, porter.LeaseFilter{})
		must(t, err)
		run(t, ctx, chromedp.Navigate(s.URL+"/leases/"+itoa(leases.Items[0].ID)), chromedp.WaitVisible("#terminate-reason", q),
			chromedp.SendKeys("#terminate-reason", "moved abroad", q),
			chromedp.Click("#terminate-lease button", q),
			chromedp.WaitVisible("#lease-status.status-terminated", q))
		if n := confirms.Load(); n != 1 {
			t.Fatalf("terminate asked %d times", n)
		}

		// What the console did, the API's event log holds.
		evs, err := s.svc.Events(context.Background(), s.org, porter.EventFilter{ListParams: porter.ListParams{PerPage: porter.MaxPerPage}})
		must(t, err)
		seen := map[string]bool{}
		for _, e := range evs.Items {
			seen[e.Type] = true
		}
		for _, typ := range []string{"property.created", "unit.created", "tenant.created", "lease.created", "lease.activated", "unit.updated",
			"charge.created", "charge.updated", "payment.succeeded", "lease.terminated"} {
			if !seen[typ] {
				t.Errorf("no %s event", typ)
			}
		}
		if d, c := dialogs.Load(), confirms.Load(); d != c {
			t.Fatalf("%d dialogs opened, %d of them terminate's confirmation", d, c)
		}
	})
}

// portfolio is one record of each kind in an organization.
type portfolio struct {
	property, unit, tenant, lease, charge, payment int64
}

func (s *site) seedPortfolio(t *testing.T, org int64, tenantName string) portfolio {
	t.Helper()
	ctx := context.Background()
	svc := s.svc
	p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Elm House")})
	must(t, err)
	u, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("1A")})
	must(t, err)
	tn, err := svc.CreateTenant(ctx, org, porter.TenantInput{Email: ptr("tenant@example.com"), FirstName: ptr(tenantName), LastName: ptr("Doe")})
	must(t, err)
	l, err := svc.CreateLease(ctx, org, porter.LeaseInput{UnitID: &u.ID, TenantID: &tn.ID, StartDate: ptr("2026-05-01"),
		EndDate: ptr("2027-04-30"), MonthlyRent: ptr(porter.Money(180000))})
	must(t, err)
	ch, err := svc.CreateCharge(ctx, org, porter.ChargeInput{TenantID: &tn.ID, Amount: ptr(porter.Money(2500)), Description: ptr("Fee"), DueDate: ptr("2026-05-01")})
	must(t, err)
	pay, err := svc.RecordPayment(ctx, org, porter.PaymentInput{TenantID: &tn.ID, Amount: ptr(porter.Money(1000))})
	must(t, err)
	return portfolio{p.ID, u.ID, tn.ID, l.ID, ch.ID, pay.ID}
}

// eventCount is how many events the organization has recorded: a refused
// request adds none.
func (s *site) eventCount(t *testing.T, org int64) int {
	t.Helper()
	evs, err := s.svc.Events(context.Background(), org, porter.EventFilter{})
	must(t, err)
	return evs.Total
}

// The server refuses what the pages do not offer: a viewer's posts (403),
// another organization's records (404), bad input (400 naming the field);
// none of them writes anything.
func TestPortfolioRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		mine := s.seedPortfolio(t, s.org, "Jane")
		theirs := s.seedPortfolio(t, s.otherOrg, "Olga")
		admin, viewer := s.session(t, "admin@acme.test"), s.session(t, "viewer@acme.test")
		before := s.eventCount(t, s.org)

		// A viewer reads every page but may change nothing.
		for _, path := range []string{"/units", "/units/" + itoa(mine.unit), "/tenants", "/tenants/" + itoa(mine.tenant), "/leases",
			"/leases/" + itoa(mine.lease), "/charges", "/charges/" + itoa(mine.charge), "/payments", "/payments/" + itoa(mine.payment)} {
			code, body := get(t, s.URL+path, viewer)
			if code != http.StatusOK {
				t.Fatalf("viewer GET %s: %d", path, code)
			}
			if strings.Contains(body, `method="post" action="/`+strings.Split(path, "/")[1]) {
				t.Errorf("viewer GET %s shows a form that changes things", path)
			}
		}
		valid := url.Values{"name": {"X"}, "email": {"x@example.com"}, "first_name": {"X"}, "last_name": {"Y"},
			"property_id": {itoa(mine.property)}, "tenant_id": {itoa(mine.tenant)}, "unit_id": {itoa(mine.unit)},
			"amount": {"25.00"}, "description": {"Fee"}, "due_date": {"2026-06-01"}, "start_date": {"2027-05-01"},
			"end_date": {"2028-04-30"}, "monthly_rent": {"1800.00"}, "reason": {"moved"}}
		writes := []string{"/properties", "/properties/%d", "/properties/%d/archive", "/units", "/units/%d", "/tenants", "/tenants/%d",
			"/tenants/%d/resend-invitation", "/leases", "/leases/%d", "/leases/%d/activate", "/leases/%d/renew", "/leases/%d/terminate",
			"/charges", "/charges/%d", "/charges/%d/void", "/payments"}
		ids := func(p portfolio, path string) string {
			var id int64
			switch strings.Split(path, "/")[1] {
			case "properties":
				id = p.property
			case "units":
				id = p.unit
			case "tenants":
				id = p.tenant
			case "leases":
				id = p.lease
			case "charges":
				id = p.charge
			}
			return strings.Replace(path, "%d", itoa(id), 1)
		}
		for _, path := range writes {
			if code, _ := post(t, s.URL+ids(mine, path), viewer, valid); code != http.StatusForbidden {
				t.Errorf("viewer POST %s: %d, want 403", path, code)
			}
		}

		// Another organization's records are not found, to read or to change.
		for _, path := range []string{"/units/%d", "/tenants/%d", "/leases/%d", "/charges/%d"} {
			if code, _ := get(t, s.URL+ids(theirs, path), admin); code != http.StatusNotFound {
				t.Errorf("GET other org %s: %d", path, code)
			}
		}
		if code, _ := get(t, s.URL+"/payments/"+itoa(theirs.payment), admin); code != http.StatusNotFound {
			t.Errorf("GET other org payment: %d", code)
		}
		for _, path := range writes {
			if !strings.Contains(path, "%d") {
				continue
			}
			if code, _ := post(t, s.URL+ids(theirs, path), admin, valid); code != http.StatusNotFound {
				t.Errorf("POST other org %s: %d, want 404", path, code)
			}
		}
		// Nor may their ids be named in a form: a 400 naming the field.
		for _, tc := range []struct {
			path, field, value, want string
		}{
			{"/units", "property_id", itoa(theirs.property), "Property"},
			{"/leases", "tenant_id", itoa(theirs.tenant), "Tenant"},
			{"/leases", "unit_id", itoa(theirs.unit), "Unit"},
			{"/charges", "tenant_id", itoa(theirs.tenant), "Tenant"},
			{"/payments", "tenant_id", itoa(theirs.tenant), "Tenant"},
		} {
			form := url.Values{}
			for k, v := range valid {
				form[k] = v
			}
			form.Set(tc.field, tc.value)
			code, body := post(t, s.URL+tc.path, admin, form)
			if code != http.StatusBadRequest || !strings.Contains(body, tc.want+" ") {
				t.Errorf("POST %s with their %s: %d %s", tc.path, tc.field, code, errorLine(body))
			}
		}

		// Bad input: 400, the field named, the form kept.
		for _, tc := range []struct {
			path   string
			form   url.Values
			want   string
			status int
		}{
			{"/properties", url.Values{"name": {"Maple\x00Court"}}, "name must be valid UTF-8 text without NUL characters", 400},
			{"/payments", url.Values{"tenant_id": {itoa(mine.tenant)}, "amount": {"abc"}}, "Amount must be a number", 400},
			{"/payments", url.Values{"tenant_id": {itoa(mine.tenant)}, "amount": {"0"}}, "Amount must be greater than 0", 400},
			{"/payments", url.Values{"tenant_id": {itoa(mine.tenant)}, "amount": {"1.234"}}, "Amount must have at most two decimals", 400},
			{"/payments", url.Values{"amount": {"25.00"}}, "Tenant is required", 400},
			{"/payments", url.Values{"tenant_id": {"abc"}, "amount": {"25.00"}}, "Tenant is not a valid choice", 400},
			{"/charges", url.Values{"amount": {"25.00"}, "description": {"Fee"}, "due_date": {"2026-06-01"}}, "Tenant is required", 400},
			{"/charges", url.Values{"tenant_id": {itoa(mine.tenant)}, "amount": {"abc"}, "description": {"Fee"}, "due_date": {"2026-06-01"}}, "Amount must be a number", 400},
			{"/charges", url.Values{"tenant_id": {itoa(mine.tenant)}, "amount": {"5"}, "description": {"Fee"}, "due_date": {"June"}}, "Due date", 400},
			{"/charges", url.Values{"tenant_id": {itoa(mine.tenant)}, "amount": {"5"}, "description": {"Fee"}, "due_date": {"2026-06-01"}, "category": {"bogus"}}, "Category must be one of", 400},
			{"/leases", url.Values{"unit_id": {itoa(mine.unit)}, "tenant_id": {itoa(mine.tenant)}, "start_date": {"2027-05-01"}, "end_date": {"2027-01-01"}, "monthly_rent": {"1800"}}, "End date must be after start date", 400},
			{"/leases", url.Values{"unit_id": {itoa(mine.unit)}, "start_date": {"2027-05-01"}, "end_date": {"2028-01-01"}, "monthly_rent": {"1800"}}, "Tenant must name at least one tenant", 400},
			{"/leases/" + itoa(mine.lease) + "/renew", url.Values{"end_date": {"2030-01-01"}, "monthly_rent": {"abc"}}, "New monthly rent must be a number", 400},
			{"/leases/" + itoa(mine.lease) + "/terminate", url.Values{}, "only an active lease can be terminated", 409},
			{"/leases/" + itoa(mine.lease) + "/renew", url.Values{"end_date": {"2030-01-01"}}, "can be renewed", 409},
			{"/units", url.Values{"property_id": {itoa(mine.property)}, "name": {""}}, "Name is required", 400},
			{"/units", url.Values{"property_id": {itoa(mine.property)}, "name": {"2B"}, "bedrooms": {"two"}}, "Bedrooms must be a whole number", 400},
			{"/units", url.Values{"name": {"2B"}}, "Property is required", 400},
			{"/units/" + itoa(mine.unit), url.Values{"name": {"1A"}, "market_rent": {"-5"}}, "Market rent must not be negative", 400},
			{"/tenants", url.Values{"email": {"not-an-email"}, "first_name": {"A"}, "last_name": {"B"}}, "Email must be an email address", 400},
			{"/tenants", url.Values{"email": {"tenant@example.com"}, "first_name": {"A"}, "last_name": {"B"}}, "already exists", 409},
			{"/tenants/" + itoa(mine.tenant), url.Values{"email": {"jane@"}, "first_name": {"Jane"}, "last_name": {"Doe"}}, "Email must be an email address", 400},
			{"/properties", url.Values{"name": {" "}}, "Name is required", 400},
			{"/properties/" + itoa(mine.property), url.Values{"name": {""}}, "Name is required", 400},
			{"/charges/" + itoa(mine.charge) + "/void", nil, "only a charge with no payments applied can be voided", 409},
			{"/charges/" + itoa(mine.charge), url.Values{"description": {"Fee"}, "due_date": {"2026-05-01"}}, "only an open charge can be edited", 409},
			{"/leases/" + itoa(mine.lease), url.Values{"start_date": {"2026-05-01"}, "end_date": {"2026-04-01"}, "monthly_rent": {"1800"}}, "End date must be after start date", 400},
			{"/leases/" + itoa(mine.lease), url.Values{"start_date": {"2026-05-01"}, "end_date": {"2027-04-30"}, "monthly_rent": {"lots"}}, "Monthly rent must be a number", 400},
		} {
			code, body := post(t, s.URL+tc.path, admin, tc.form)
			if code != tc.status || !strings.Contains(errorLine(body), tc.want) {
				t.Errorf("POST %s %v: %d %q, want %d %q", tc.path, tc.form, code, errorLine(body), tc.status, tc.want)
			}
		}
		// The refused form keeps what was typed.
		if _, body := post(t, s.URL+"/payments", admin, url.Values{"tenant_id": {itoa(mine.tenant)}, "amount": {"abc"}, "reference": {"chk-9"}}); !strings.Contains(body, `value="chk-9"`) || !strings.Contains(body, `value="abc"`) {
			t.Error("the refused payment form lost what was typed")
		}
		if after := s.eventCount(t, s.org); after != before {
			t.Fatalf("refused requests wrote %d events", after-before)
		}
		// Bad filters are a 400 page too.
		for _, path := range []string{"/units?status=gone", "/units?property_id=x", "/tenants?status=gone", "/leases?status=gone",
			"/charges?status=gone", "/charges?tenant_id=-1", "/payments?tenant_id=x"} {
			if code, _ := get(t, s.URL+path, admin); code != http.StatusBadRequest {
				t.Errorf("GET %s: %d", path, code)
			}
		}
	})
}

// errorLine is the form's error message on a refused page, or the error
// page's message.
func errorLine(body string) string {
	for _, marker := range []string{`id="form-error">`, `<main id="main">`} {
		if i := strings.Index(body, marker); i >= 0 {
			rest := body[i+len(marker):]
			if j := strings.Index(rest, "</p>"); j >= 0 {
				return rest[:j]
			}
			return rest
		}
	}
	return body
}

// Resend, activate, renew, terminate, void and the filters, through the
// forms' plain posts: each lands on the record's page with what changed.
func TestPortfolioActions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		s.addManager(t)
		mine := s.seedPortfolio(t, s.org, "Jane")
		ck := s.session(t, "manager@acme.test")
		ctx := context.Background()
		must1 := func(path string, form url.Values, wantLoc string) {
			t.Helper()
			req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(ck)
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			res, err := client.Do(req)
			must(t, err)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != wantLoc {
				t.Fatalf("POST %s: %d to %q, want 303 to %q", path, res.StatusCode, res.Header.Get("Location"), wantLoc)
			}
		}
		tenant, lease := itoa(mine.tenant), itoa(mine.lease)

		must1("/tenants/"+tenant+"/resend-invitation", nil, "/tenants/"+tenant+"?notice=resent")
		if _, body := get(t, s.URL+"/tenants/"+tenant+"?notice=resent", ck); !strings.Contains(body, "A new invitation was sent") || !strings.Contains(body, "tenant.invitation_resent") {
			t.Fatal("the tenant page does not show the resent invitation")
		}
		must1("/tenants/"+tenant, url.Values{"email": {"jane.doe@example.com"}, "first_name": {"Jane"}, "last_name": {"Doe"}, "phone": {"+1 555 0100"}}, "/tenants/"+tenant)
		if tn, err := s.svc.Tenant(ctx, s.org, mine.tenant); err != nil || tn.Email != "jane.doe@example.com" || tn.Phone != "+1 555 0100" {
			t.Fatalf("edited tenant = %+v, %v", tn, err)
		}
		must1("/leases/"+lease, url.Values{"start_date": {"2026-05-01"}, "end_date": {"2027-04-30"}, "monthly_rent": {"1850.00"}, "deposit": {"1850.00"}}, "/leases/"+lease)
		if l, err := s.svc.Lease(ctx, s.org, mine.lease); err != nil || l.MonthlyRent != 185000 || l.Deposit != 185000 {
			t.Fatalf("edited draft = %+v, %v", l, err)
		}
		must1("/leases/"+lease+"/activate", nil, "/leases/"+lease)
		if code, body := get(t, s.URL+"/units/"+itoa(mine.unit), ck); code != 200 || !strings.Contains(body, `<a href="/leases/`+lease+`">Lease `+lease+`</a>`) || !strings.Contains(body, "Jane Doe") {
			t.Fatalf("the unit page does not show its current lease: %d", code)
		}
		must1("/leases/"+lease+"/renew", url.Values{"end_date": {"2028-04-30"}, "monthly_rent": {"1900.00"}}, "/leases/"+lease)
		l, err := s.svc.Lease(ctx, s.org, mine.lease)
		must(t, err)
		if l.EndDate != "2028-04-30" || l.MonthlyRent != 190000 {
			t.Fatalf("renewed lease = %+v", l)
		}
		must1("/leases/"+lease+"/terminate", url.Values{"reason": {"moved abroad"}}, "/leases/"+lease)
		_, body := get(t, s.URL+"/leases/"+lease, ck)
		if !strings.Contains(body, "moved abroad") || strings.Contains(body, `id="terminate-lease"`) || strings.Contains(body, `id="activate-lease"`) {
			t.Fatal("a terminated lease page offers a transition or lost its reason")
		}
		// Terminate asks first (htmx confirm), and works without htmx.
		if !strings.Contains(body, "lease.terminated") {
			t.Fatal("no lease.terminated event on the page")
		}

		// A new charge, voided; the overdue filter keeps the late one.
		form := url.Values{"tenant_id": {tenant}, "amount": {"12.50"}, "description": {"Key copy"}, "due_date": {"2026-06-01"}, "category": {"other"}}
		req, _ := http.NewRequest("POST", s.URL+"/charges", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(ck)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Do(req)
		must(t, err)
		res.Body.Close()
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/charges/") {
			t.Fatalf("add charge: %d %s", res.StatusCode, loc)
		}
		must1(loc, url.Values{"description": {"Two key copies"}, "due_date": {"2026-06-02"}, "category": {"other"}}, loc)
		if _, body := get(t, s.URL+loc, ck); !strings.Contains(body, "Two key copies") || !strings.Contains(body, "2026-06-02") {
			t.Fatal("edited charge page")
		}
		must1(loc+"/void", nil, loc)
		if _, body := get(t, s.URL+loc, ck); !strings.Contains(body, `id="charge-status">void`) {
			t.Fatal("voided charge page")
		}
		_, body = get(t, s.URL+"/charges?overdue=1", ck)
		if !strings.Contains(body, "1 charges") || !strings.Contains(body, ">Fee<") {
			t.Fatalf("overdue charges: %s", errorLine(body))
		}
		// Search and status filters on tenants.
		if _, body := get(t, s.URL+"/tenants?q=JANE&status=invited", ck); !strings.Contains(body, "1 tenants") {
			t.Fatal("tenant search")
		}
		if _, body := get(t, s.URL+"/tenants?q=nobody", ck); !strings.Contains(body, "0 tenants") {
			t.Fatal("tenant search for nobody")
		}
		// Edit the property and the unit.
		must1("/properties/"+itoa(mine.property), url.Values{"name": {"Elm Court"}, "city": {"Springfield"}}, "/properties/"+itoa(mine.property))
		must1("/units/"+itoa(mine.unit), url.Values{"name": {"1B"}, "bedrooms": {"2"}, "market_rent": {"950.50"}, "status": {"unavailable"}}, "/units/"+itoa(mine.unit))
		if p, err := s.svc.Property(ctx, s.org, mine.property); err != nil || p.Name != "Elm Court" || p.City != "Springfield" {
			t.Fatalf("edited property = %+v, %v", p, err)
		}
		if u, err := s.svc.Unit(ctx, s.org, mine.unit); err != nil || u.Name != "1B" || u.Bedrooms != 2 || u.MarketRent != 95050 || u.Status != "unavailable" {
			t.Fatalf("edited unit = %+v, %v", u, err)
		}
		if _, body := get(t, s.URL+"/units?property_id="+itoa(mine.property)+"&status=unavailable", ck); !strings.Contains(body, "1 units") || !strings.Contains(body, ">1B<") {
			t.Fatal("units filtered by property and status")
		}
		// Archive the property; it cannot be archived twice (409, said on the page).
		must1("/properties/"+itoa(mine.property)+"/archive", nil, "/properties/"+itoa(mine.property))
		if code, body := post(t, s.URL+"/properties/"+itoa(mine.property)+"/archive", ck, nil); code != http.StatusConflict || !strings.Contains(body, "already archived") {
			t.Fatalf("archive twice: %d", code)
		}
	})
}

// A tenant named like a script is shown as text on every page that names
// it, never run.
func TestPortfolioTenantNameIsText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		const evil = `<script>alert(1)</script>`
		mine := s.seedPortfolio(t, s.org, evil)
		ck := s.session(t, "admin@acme.test")
		for _, path := range []string{"/tenants", "/tenants/" + itoa(mine.tenant), "/leases", "/leases/" + itoa(mine.lease),
			"/charges", "/charges/" + itoa(mine.charge), "/payments", "/payments/" + itoa(mine.payment), "/units/" + itoa(mine.unit)} {
			code, body := get(t, s.URL+path, ck)
			if code != http.StatusOK {
				t.Fatalf("GET %s: %d", path, code)
			}
			if strings.Contains(body, evil) {
				t.Errorf("GET %s: the name is markup", path)
			}
			if path != "/units/"+itoa(mine.unit) && !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("GET %s: the name is not shown", path)
			}
		}
	})
}
