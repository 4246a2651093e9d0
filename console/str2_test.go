package console_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/storetest"
	"porter/webhook"
)

// The short-term-rental pages of issue 10's second round: cleaning tasks,
// messages to guests, owner statements, tax reports and iCal calendars.

// str2Site is a site with a manager, a secret box (iCal export tokens) and
// the real webhook guard for iCal imports, allowed to reach loopback as
// PORTER_ALLOW_PRIVATE_WEBHOOKS does: every fetch goes to a test server on
// 127.0.0.1; the refusals are of addresses the guard refuses before
// dialing.
func str2Site(t *testing.T, st porter.Store) *site {
	t.Helper()
	s := newSite(t, st)
	s.addManager(t)
	box, err := porter.NewSecretBox(bytes.Repeat([]byte{7}, 32))
	must(t, err)
	s.svc.Secrets = box
	guard := &webhook.Guard{AllowPrivate: true}
	s.svc.CheckWebhookURL = guard.CheckURL
	s.svc.ICalClient = guard.Client(5 * time.Second)
	t.Cleanup(s.svc.ICalClient.CloseIdleConnections)
	return s
}

// str2Fixture is one organization's records for these pages, made through
// the Service.
type str2Fixture struct {
	property, unit, unit2, staff, vendor, booking, booking2, task, task2 int64
	owner, statement, template, message, source                          int64
	reference                                                            string
}

// newSTR2Fixture: an April stay (3 nights at 100.00 EUR, 2 guests, a
// phone) and a June one on the same unit, each with its cleaning task; an
// owner at 20 % with April's statement; a 2.50 tourist tax and April's
// report; a template and a message from it; an iCal source (never
// fetched) and the unit's export token. name is the guest's, the owner's
// and the source's name.
func newSTR2Fixture(t *testing.T, svc *porter.Service, org int64, name string) str2Fixture {
	t.Helper()
	ctx := context.Background()
	var f str2Fixture
	p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Sea Villas")})
	must(t, err)
	u1, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("Villa 1")})
	must(t, err)
	u2, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("Villa 2")})
	must(t, err)
	sm, err := svc.CreateStaff(ctx, org, porter.StaffInput{Name: ptr("Sam Cleaner"), Email: ptr("sam@example.test")})
	must(t, err)
	v, err := svc.CreateVendor(ctx, org, porter.VendorInput{Name: ptr("Spark Co")})
	must(t, err)
	price := porter.Money(10000)
	stay := func(in, out string) *porter.Booking {
		b, err := svc.CreateBooking(ctx, org, porter.BookingInput{UnitID: &u1.ID, GuestName: ptr(name), GuestPhone: ptr("+212 600-000-001"),
			GuestsCount: ptr(int64(2)), CheckIn: ptr(in), CheckOut: ptr(out), NightlyRate: &price, Currency: ptr("EUR"), Status: ptr(porter.BookingConfirmed)})
		must(t, err)
		return b
	}
	b1, b2 := stay("2026-04-10", "2026-04-13"), stay("2026-06-01", "2026-06-05")
	tasks, err := svc.CleaningTasks(ctx, org, porter.CleaningFilter{UnitID: u1.ID})
	must(t, err)
	if len(tasks.Items) != 2 {
		t.Fatalf("%d cleaning tasks for two confirmed stays", len(tasks.Items))
	}
	o, err := svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr(name)})
	must(t, err)
	rate := porter.Percent(2000)
	_, err = svc.LinkProperty(ctx, org, o.ID, porter.OwnershipInput{PropertyID: &p.ID, CommissionRate: &rate, StartDate: ptr("2026-01-01")})
	must(t, err)
	sts, _, err := svc.GenerateStatements(ctx, org, o.ID, porter.StatementInput{Month: ptr("2026-04")})
	must(t, err)
	if len(sts) != 1 {
		t.Fatalf("%d statements for April", len(sts))
	}
	tax := porter.Money(250)
	_, err = svc.SetTaxRule(ctx, org, porter.TaxRuleInput{PerGuestNight: &tax})
	must(t, err)
	_, _, err = svc.GenerateTaxReports(ctx, org, porter.TaxReportInput{Month: ptr("2026-04")})
	must(t, err)
	tpl, err := svc.CreateWhatsAppTemplate(ctx, org, porter.WhatsAppTemplateInput{Name: ptr("Welcome"), Body: ptr("Hi {{guest_name}}, see you on {{check_in}}")})
	must(t, err)
	m, err := svc.PrepareGuestMessage(ctx, org, porter.GuestMessageInput{BookingID: &b1.ID, TemplateID: &tpl.ID})
	must(t, err)
	for _, u := range []int64{u1.ID, u2.ID} { // made on first view: made here, the pages' views write nothing
		_, err = svc.ICalExportURL(ctx, org, u)
		must(t, err)
	}
	src, err := svc.CreateICalSource(ctx, org, porter.ICalSourceInput{UnitID: &u2.ID, Name: ptr(name), URL: ptr("http://127.0.0.1:9/never.ics")})
	must(t, err)
	f.property, f.unit, f.unit2, f.staff, f.vendor, f.booking, f.booking2 = p.ID, u1.ID, u2.ID, sm.ID, v.ID, b1.ID, b2.ID
	f.task, f.task2 = tasks.Items[1].ID, tasks.Items[0].ID // newest first
	f.owner, f.statement, f.template, f.message, f.source, f.reference = o.ID, sts[0].ID, tpl.ID, m.ID, src.ID, b1.Reference
	return f
}

// str2Written sums what an organization has written: every write leaves
// an audit entry and most an event; and the records the pages create.
func str2Written(t *testing.T, svc *porter.Service, org int64) string {
	t.Helper()
	ctx := context.Background()
	ev, err := svc.Events(ctx, org, porter.EventFilter{})
	must(t, err)
	au, err := svc.AuditLog(ctx, org, porter.AuditFilter{})
	must(t, err)
	ct, err := svc.CleaningTasks(ctx, org, porter.CleaningFilter{})
	must(t, err)
	msgs, err := svc.GuestMessages(ctx, org, porter.GuestMessageFilter{})
	must(t, err)
	tpls, err := svc.WhatsAppTemplates(ctx, org)
	must(t, err)
	sts, err := svc.Statements(ctx, org, porter.StatementFilter{})
	must(t, err)
	trs, err := svc.TaxReports(ctx, org, porter.TaxReportFilter{})
	must(t, err)
	rules, err := svc.TaxRules(ctx, org)
	must(t, err)
	srcs, err := svc.ICalSources(ctx, org, porter.ICalSourceFilter{})
	must(t, err)
	var states []string
	for _, c := range ct.Items {
		states = append(states, c.Status+"/"+c.AssigneeType)
	}
	for _, s := range srcs.Items {
		states = append(states, s.Name+"/"+s.URL+"/"+s.Status)
	}
	return fmt.Sprintf("events=%d audit=%d cleaning=%d messages=%d templates=%d statements=%d tax=%d rules=%d sources=%d %v",
		ev.Total, au.Total, ct.Total, msgs.Total, len(tpls), sts.Total, trs.Total, len(rules), srcs.Total, states)
}

// TestSTR2Pages: what the pages show, and what the HTTP forms do, without
// a browser: statements drawn up with hand-checked figures and downloaded
// as attachments, a tax report, a message composed from a template with
// the sender's absence said, a task skipped and rescheduled.
func TestSTR2Pages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := str2Site(t, st)
		f := newSTR2Fixture(t, s.svc, s.org, "Karim Benali")
		manager := s.opsSignIn(t, "manager@acme.test")
		id := itoa

		t.Run("statement", func(t *testing.T) {
			code, body := get(t, s.URL+"/statements?owner_id="+id(f.owner)+"&month=2026-04", manager)
			if code != http.StatusOK || !strings.Contains(body, "/statements/"+id(f.statement)) || !strings.Contains(body, "240.00 EUR") {
				t.Fatalf("statements list: %d %s", code, body)
			}
			if _, body := get(t, s.URL+"/statements?month=2026-03", manager); strings.Contains(body, "/statements/"+id(f.statement)+"\"") {
				t.Error("March lists April's statement")
			}
			// 3 nights × 100.00 = 300.00; 20 % commission 60.00; net 240.00.
			code, body = get(t, s.URL+"/statements/"+id(f.statement), manager)
			for _, want := range []string{`id="statement-gross">300.00`, `id="statement-commission">−60.00`, `id="statement-fees">−0.00`,
				`id="statement-expenses">−0.00`, `<strong>240.00 EUR</strong>`, "Sea Villas", "2026-04-01 to 2026-04-30", "owner.statement_ready"} {
				if !strings.Contains(body, want) {
					t.Errorf("statement page (%d) lacks %q", code, want)
				}
			}
			for _, c := range []struct{ path, ctype, start string }{{"/csv", "text/csv; charset=utf-8", "statement_id,month"}, {"/pdf", "application/pdf", "%PDF"}} {
				req, _ := http.NewRequest("GET", s.URL+"/statements/"+id(f.statement)+c.path, nil)
				req.AddCookie(manager)
				res, err := http.DefaultClient.Do(req)
				must(t, err)
				var b bytes.Buffer
				b.ReadFrom(res.Body)
				res.Body.Close()
				want := fmt.Sprintf(`attachment; filename="statement-%d-2026-04-EUR.%s"`, f.statement, c.path[1:])
				if res.StatusCode != 200 || res.Header.Get("Content-Type") != c.ctype || res.Header.Get("Content-Disposition") != want || !strings.HasPrefix(b.String(), c.start) {
					t.Errorf("GET %s: %d %s %q", c.path, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
				}
			}
			// Drawing April up again shows the same statement: nothing new.
			before := str2Written(t, s.svc, s.org)
			if loc := postLoc(t, s.URL+"/statements", manager, url.Values{"owner_id": {id(f.owner)}, "month": {"2026-04"}}); loc != "/statements/"+id(f.statement) {
				t.Errorf("draw up April again: to %q", loc)
			}
			if after := str2Written(t, s.svc, s.org); after != before {
				t.Errorf("draw up again wrote: %s -> %s", before, after)
			}
			// An owner with nothing in a month gets no statement, and is told so.
			o, err := s.svc.CreateOwner(context.Background(), s.org, porter.OwnerInput{Name: ptr("Idle Owner")})
			must(t, err)
			loc := postLoc(t, s.URL+"/statements", manager, url.Values{"owner_id": {id(o.ID)}, "month": {"2026-03"}})
			if _, body := get(t, s.URL+loc, manager); !strings.Contains(body, "nothing to show") {
				t.Errorf("an empty month: to %q, not said", loc)
			}
		})

		t.Run("tax report", func(t *testing.T) {
			code, body := get(t, s.URL+"/tax-reports?month=2026-04", manager)
			if code != http.StatusOK || !strings.Contains(body, fmt.Sprintf("/tax-reports/%d/2026-04", f.property)) || !strings.Contains(body, "15.00 EUR") {
				t.Fatalf("tax reports: %d %s", code, body)
			}
			// 3 nights × 2 guests × 2.50 = 15.00.
			code, body = get(t, s.URL+fmt.Sprintf("/tax-reports/%d/2026-04", f.property), manager)
			for _, want := range []string{`class="tax-nights">3<`, `class="tax-guests">6<`, `<strong>15.00 EUR</strong>`, "the organization's default: 2.50 per guest per night"} {
				if !strings.Contains(body, want) {
					t.Errorf("tax report (%d) lacks %q", code, want)
				}
			}
			if code, _ := get(t, s.URL+fmt.Sprintf("/tax-reports/%d/2026-03", f.property), manager); code != http.StatusNotFound {
				t.Errorf("a month without a report: %d", code)
			}
			code, body = opsPost(t, s.URL+"/tax-reports/rules", manager, url.Values{"property_id": {id(f.property)}, "percent": {"5"}, "max_nights": {"2"}})
			if code != http.StatusSeeOther {
				t.Fatalf("set a property's rule: %d %s", code, body)
			}
			if _, body := get(t, s.URL+"/tax-reports", manager); !strings.Contains(body, "5.00 %") {
				t.Error("the property's rule is not listed")
			}
		})

		t.Run("message to a guest", func(t *testing.T) {
			code, body := get(t, s.URL+"/guest-messages", manager)
			if code != http.StatusOK || !strings.Contains(body, `id="sender-status"`) || !strings.Contains(body, "No sender is configured") {
				t.Fatalf("messages page: %d, the sender's absence is not said", code)
			}
			loc := postLoc(t, s.URL+"/guest-messages", manager, url.Values{"booking_id": {id(f.booking)}, "template_id": {id(f.template)}})
			if !regexp.MustCompile(`^/guest-messages/\d+$`).MatchString(loc) {
				t.Fatalf("compose: to %q", loc)
			}
			code, body = get(t, s.URL+loc, manager)
			for _, want := range []string{"Hi Karim Benali, see you on 2026-04-10", "&#43;212600000001", `id="message-status">queued`, "stays queued", f.reference, "Welcome"} {
				if !strings.Contains(body, want) {
					t.Errorf("message page (%d) lacks %q", code, want)
				}
			}
			for _, c := range []struct {
				q    string
				want bool
			}{{"?status=queued", true}, {"?status=sent", false}, {"?booking_id=" + id(f.booking2), false}, {"?booking_id=" + id(f.booking), true}} {
				if _, body := get(t, s.URL+"/guest-messages"+c.q, manager); strings.Contains(body, loc+"\"") != c.want {
					t.Errorf("messages%s lists %s: %v", c.q, loc, !c.want)
				}
			}
		})

		t.Run("skip and reschedule a cleaning task", func(t *testing.T) {
			code, body := opsPost(t, s.URL+"/cleaning/"+id(f.task2)+"/skip", manager, url.Values{"reason": {"Guest extended"}, "reschedule_to": {"2026-06-06"}})
			if code != http.StatusSeeOther {
				t.Fatalf("skip: %d %s", code, body)
			}
			_, body = get(t, s.URL+"/cleaning/"+id(f.task2), manager)
			next := regexp.MustCompile(`Rescheduled as</dt><dd><a href="/cleaning/(\d+)"`).FindStringSubmatch(body)
			if !strings.Contains(body, `id="cleaning-status">skipped`) || !strings.Contains(body, "Guest extended") || next == nil || !strings.Contains(body, "cleaning.skipped") {
				t.Fatalf("skipped task's page: %s", body)
			}
			if _, body := get(t, s.URL+"/cleaning?status=pending&from=2026-06-06&to=2026-06-06", manager); !strings.Contains(body, `href="/cleaning/`+next[1]+`"`) {
				t.Errorf("the rescheduled task is not listed on 2026-06-06")
			}
			// A task by hand, assigned at once to the vendor.
			loc := postLoc(t, s.URL+"/cleaning", manager, url.Values{"unit_id": {id(f.unit2)}, "due_from": {"2026-05-20"}, "priority": {"low"},
				"assignee": {"vendor:" + id(f.vendor)}, "checklist": {"Windows\r\nBalcony"}})
			if !regexp.MustCompile(`^/cleaning/\d+$`).MatchString(loc) {
				t.Fatalf("create by hand: to %q", loc)
			}
			_, body = get(t, s.URL+loc, manager)
			if !strings.Contains(body, `id="cleaning-status">assigned`) || !strings.Contains(body, "Spark Co (vendor)") || !strings.Contains(body, "Balcony") {
				t.Errorf("task by hand: %s", body)
			}
			if _, body := get(t, s.URL+"/cleaning?booking_id="+id(f.booking), manager); !strings.Contains(body, `href="/cleaning/`+id(f.task)+`"`) || strings.Contains(body, `href="/cleaning/`+id(f.task2)+`"`) {
				t.Errorf("filter by booking")
			}
			if _, body := get(t, s.URL+"/bookings/"+id(f.booking), manager); !strings.Contains(body, "/guest-messages?booking_id="+id(f.booking)) {
				t.Errorf("the booking's page does not link to messaging its guest")
			}
			if _, body := get(t, s.URL+"/cleaning?assignee=vendor:"+id(f.vendor), manager); !strings.Contains(body, `href="`+loc+`"`) || strings.Contains(body, `href="/cleaning/`+id(f.task)+`"`) {
				t.Errorf("filter by the vendor")
			}
		})
	})
}

// TestSTR2Refusals: what the server refuses on these pages whatever the
// page offered: a viewer's writes (403), another organization's records
// (404), bad input (4xx naming the field), each writing nothing; names are
// text, not HTML.
func TestSTR2Refusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := str2Site(t, st)
		const xss = "<script>alert(1)</script>"
		mine, theirs := newSTR2Fixture(t, s.svc, s.org, xss), newSTR2Fixture(t, s.svc, s.otherOrg, "Theirs Guest")
		manager, viewer := s.opsSignIn(t, "manager@acme.test"), s.opsSignIn(t, "viewer@acme.test")
		id := itoa
		taxPage := func(f str2Fixture) string { return fmt.Sprintf("/tax-reports/%d/2026-04", f.property) }

		t.Run("viewer reads and writes nothing", func(t *testing.T) {
			for _, path := range []string{"/cleaning", "/cleaning/" + id(mine.task) + "/assign", "/cleaning/" + id(mine.task) + "/start",
				"/cleaning/" + id(mine.task) + "/complete", "/cleaning/" + id(mine.task) + "/skip", "/guest-messages", "/guest-messages/templates",
				"/statements", "/tax-reports", "/tax-reports/rules", "/units/" + id(mine.unit) + "/ical/rotate", "/units/" + id(mine.unit) + "/ical/sources",
				"/ical-sources/" + id(mine.source), "/ical-sources/" + id(mine.source) + "/delete", "/ical-sources/" + id(mine.source) + "/sync"} {
				before := str2Written(t, s.svc, s.org)
				code, _ := opsPost(t, s.URL+path, viewer, url.Values{"unit_id": {id(mine.unit2)}, "due_from": {"2026-05-20"}, "assignee": {"staff:" + id(mine.staff)},
					"reason": {"x"}, "booking_id": {id(mine.booking)}, "template_id": {id(mine.template)}, "name": {"x"}, "body": {"x"},
					"owner_id": {id(mine.owner)}, "month": {"2026-04"}, "percent": {"1"}, "url": {"http://127.0.0.1:9/x.ics"}})
				if code != http.StatusForbidden {
					t.Errorf("viewer POST %s: %d, want 403", path, code)
				}
				if after := str2Written(t, s.svc, s.org); after != before {
					t.Errorf("viewer POST %s wrote: %s -> %s", path, before, after)
				}
			}
			for _, path := range []string{"/cleaning", "/cleaning/" + id(mine.task), "/guest-messages", "/guest-messages/" + id(mine.message),
				"/statements", "/statements/" + id(mine.statement), "/statements/" + id(mine.statement) + "/csv", "/statements/" + id(mine.statement) + "/pdf",
				"/tax-reports", taxPage(mine), "/ical-sources", "/units/" + id(mine.unit) + "/ical"} {
				code, body := get(t, s.URL+path, viewer)
				if code != http.StatusOK {
					t.Errorf("viewer GET %s: %d %s", path, code, body)
				}
				if strings.Contains(body, `method="post" action="/cleaning`) || strings.Contains(body, `id="rotate-export"`) || strings.Contains(body, "Sync now") {
					t.Errorf("viewer GET %s offers a write", path)
				}
			}
		})

		t.Run("another organization's records are not found", func(t *testing.T) {
			before := str2Written(t, s.svc, s.otherOrg)
			for _, path := range []string{"/cleaning/" + id(theirs.task), "/guest-messages/" + id(theirs.message), "/statements/" + id(theirs.statement),
				"/statements/" + id(theirs.statement) + "/csv", "/statements/" + id(theirs.statement) + "/pdf", taxPage(theirs),
				"/units/" + id(theirs.unit) + "/ical", "/cleaning/x", "/tax-reports/1/April"} {
				if code, body := get(t, s.URL+path, manager); code != http.StatusNotFound || strings.Contains(body, "Theirs Guest") || strings.Contains(body, "/ical/") {
					t.Errorf("GET %s: %d, want a 404 page", path, code)
				}
			}
			for _, c := range []struct{ path, field, value string }{
				{"/cleaning/" + id(theirs.task) + "/assign", "assignee", "staff:" + id(mine.staff)},
				{"/cleaning/" + id(theirs.task) + "/start", "", ""},
				{"/cleaning/" + id(theirs.task) + "/skip", "reason", "mine"},
				{"/cleaning/" + id(theirs.task) + "/complete", "notes", "x"},
				{"/units/" + id(theirs.unit) + "/ical/rotate", "", ""},
				{"/units/" + id(theirs.unit) + "/ical/sources", "url", "http://127.0.0.1:9/x.ics"},
				{"/ical-sources/" + id(theirs.source), "name", "mine"},
				{"/ical-sources/" + id(theirs.source) + "/delete", "", ""},
				{"/ical-sources/" + id(theirs.source) + "/sync", "", ""},
			} {
				if code, _ := opsPost(t, s.URL+c.path, manager, url.Values{c.field: {c.value}, "name": {"x"}}); code != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", c.path, code)
				}
			}
			// Their records are no reference in my forms.
			for _, c := range []struct {
				path string
				form url.Values
			}{
				{"/cleaning", url.Values{"unit_id": {id(theirs.unit)}, "due_from": {"2026-05-20"}}},
				{"/cleaning/" + id(mine.task) + "/assign", url.Values{"assignee": {"staff:" + id(theirs.staff)}}},
				{"/guest-messages", url.Values{"booking_id": {id(theirs.booking)}, "body": {"Hello"}}},
				{"/guest-messages", url.Values{"booking_id": {id(mine.booking)}, "template_id": {id(theirs.template)}}},
				{"/statements", url.Values{"owner_id": {id(theirs.owner)}, "month": {"2026-04"}}},
				{"/tax-reports", url.Values{"property_id": {id(theirs.property)}, "month": {"2026-04"}}},
			} {
				mineBefore := str2Written(t, s.svc, s.org)
				if code, body := opsPost(t, s.URL+c.path, manager, c.form); code/100 != 4 || !strings.Contains(body, `id="form-error"`) {
					t.Errorf("POST %s with their record: %d", c.path, code)
				}
				if after := str2Written(t, s.svc, s.org); after != mineBefore {
					t.Errorf("POST %s with their record wrote: %s -> %s", c.path, mineBefore, after)
				}
			}
			if after := str2Written(t, s.svc, s.otherOrg); after != before {
				t.Errorf("their organization changed: %s -> %s", before, after)
			}
		})

		t.Run("bad input names the field and writes nothing", func(t *testing.T) {
			task := "/cleaning/" + id(mine.task)
			src := url.Values{"name": {"Booking.com"}, "url": {"http://127.0.0.1:9/x.ics"}}
			with := func(v url.Values, k, val string) url.Values {
				out := url.Values{}
				for kk, vv := range v {
					out[kk] = vv
				}
				out.Set(k, val)
				return out
			}
			for _, c := range []struct {
				name, path string
				form       url.Values
				code       int
				want       []string
			}{
				{"task without a unit", "/cleaning", url.Values{"due_from": {"2026-05-20"}}, 400, []string{"Unit is required"}},
				{"task without a date", "/cleaning", url.Values{"unit_id": {id(mine.unit)}}, 400, []string{"Due from"}},
				{"task due by before due from", "/cleaning", url.Values{"unit_id": {id(mine.unit)}, "due_from": {"2026-05-20"}, "due_by": {"2026-05-19"}}, 400, []string{"Due by"}},
				{"task bad priority", "/cleaning", url.Values{"unit_id": {id(mine.unit)}, "due_from": {"2026-05-20"}, "priority": {"urgent"}}, 400, []string{"Priority"}},
				{"task bad cleaner", "/cleaning", url.Values{"unit_id": {id(mine.unit)}, "due_from": {"2026-05-20"}, "assignee": {"robot:1"}}, 400, []string{"Cleaner"}},
				{"assign nobody", task + "/assign", url.Values{}, 400, []string{"Cleaner is required"}},
				{"assign an unknown staff member", task + "/assign", url.Values{"assignee": {"staff:999999"}}, 400, []string{"Staff member", "999999"}},
				{"start a pending task", task + "/start", url.Values{}, 409, []string{"pending"}},
				{"complete a pending task", task + "/complete", url.Values{"notes": {"done"}}, 409, []string{"pending"}},
				{"skip without a reason", task + "/skip", url.Values{}, 400, []string{"Reason"}},
				{"skip to a bad date", task + "/skip", url.Values{"reason": {"x"}, "reschedule_to": {"soon"}}, 400, []string{"Reschedule to"}},
				{"message without a booking", "/guest-messages", url.Values{"body": {"Hello"}}, 400, []string{"Booking is required"}},
				{"message without text", "/guest-messages", url.Values{"booking_id": {id(mine.booking)}}, 400, []string{"Template"}},
				{"message unknown placeholder", "/guest-messages", url.Values{"booking_id": {id(mine.booking)}, "body": {"Hi {{password}}"}}, 400, []string{"Message", "{{password}}"}},
				{"message bad number", "/guest-messages", url.Values{"booking_id": {id(mine.booking)}, "body": {"Hi"}, "to": {"0600"}}, 400, []string{"To", "international"}},
				{"template taken", "/guest-messages/templates", url.Values{"name": {"Welcome"}, "body": {"Hi"}}, 409, []string{"Welcome"}},
				{"template unknown placeholder", "/guest-messages/templates", url.Values{"name": {"T2"}, "body": {"{{nope}}"}}, 400, []string{"Message", "{{nope}}"}},
				{"statement without an owner", "/statements", url.Values{"month": {"2026-04"}}, 400, []string{"Owner is required"}},
				{"statement of a month not ended", "/statements", url.Values{"owner_id": {id(mine.owner)}, "month": {"2026-05"}}, 400, []string{"Month", "not ended"}},
				{"statement bad month", "/statements", url.Values{"owner_id": {id(mine.owner)}, "month": {"April"}}, 400, []string{"Month", "YYYY-MM"}},
				{"tax report bad month", "/tax-reports", url.Values{"month": {"2026-13"}}, 400, []string{"Month"}},
				{"tax rule negative", "/tax-reports/rules", url.Values{"per_guest_night": {"-1.00"}}, 400, []string{"Per guest per night"}},
				{"tax rule percent", "/tax-reports/rules", url.Values{"percent": {"101"}}, 400, []string{"Percent of accommodation"}},
				{"source without a name", "/units/" + id(mine.unit) + "/ical/sources", with(src, "name", ""), 400, []string{"Name"}},
				{"source not http", "/units/" + id(mine.unit) + "/ical/sources", with(src, "url", "ftp://example.test/x.ics"), 400, []string{"URL"}},
				{"source on a metadata address", "/units/" + id(mine.unit) + "/ical/sources", with(src, "url", "http://169.254.169.254/latest.ics"), 400, []string{"URL", "refused"}},
				{"source bad currency", "/units/" + id(mine.unit) + "/ical/sources", with(src, "currency", "XYZ"), 400, []string{"Currency"}},
				{"source edit to a metadata address", "/ical-sources/" + id(mine.source), with(src, "url", "http://169.254.169.254/x.ics"), 400, []string{"URL", "refused"}},
			} {
				before := str2Written(t, s.svc, s.org)
				code, body := opsPost(t, s.URL+c.path, manager, c.form)
				if code != c.code {
					t.Errorf("%s: %d, want %d", c.name, code, c.code)
				}
				msg := regexp.MustCompile(`(?s)id="form-error">(.*?)</p>`).FindStringSubmatch(body)
				if msg == nil {
					t.Errorf("%s: no form error shown (%d)", c.name, code)
					continue
				}
				for _, w := range c.want {
					if !strings.Contains(msg[1], strings.ReplaceAll(w, `"`, "&#34;")) {
						t.Errorf("%s: message %q does not name %q", c.name, msg[1], w)
					}
				}
				if after := str2Written(t, s.svc, s.org); after != before {
					t.Errorf("%s wrote: %s -> %s", c.name, before, after)
				}
			}
			for _, path := range []string{"/cleaning?status=done", "/cleaning?from=May", "/cleaning?unit_id=x", "/cleaning?assignee=staff", "/guest-messages?status=lost",
				"/statements?month=2026-4", "/statements?owner_id=-1", "/tax-reports?month=x", "/ical-sources?status=broken"} {
				if code, _ := get(t, s.URL+path, manager); code != http.StatusBadRequest {
					t.Errorf("GET %s: %d, want 400", path, code)
				}
			}
		})

		t.Run("names are text", func(t *testing.T) {
			for _, path := range []string{"/cleaning/" + id(mine.task), "/guest-messages", "/guest-messages/" + id(mine.message), "/statements",
				"/statements/" + id(mine.statement), "/ical-sources", "/units/" + id(mine.unit2) + "/ical"} {
				code, body := get(t, s.URL+path, manager)
				if code != http.StatusOK || strings.Contains(body, xss) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
					t.Errorf("GET %s: %d, the name is not escaped", path, code)
				}
			}
		})
	})
}

// postLoc posts a form that must answer 303 and returns where it leads.
func postLoc(t *testing.T, rawURL string, ck *http.Cookie, form url.Values) string {
	t.Helper()
	req, _ := http.NewRequest("POST", rawURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(ck)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	must(t, err)
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: %d, want 303: %s", rawURL, res.StatusCode, b.String())
	}
	return res.Header.Get("Location")
}
