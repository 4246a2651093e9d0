package console_test

import (
	"context"
	"fmt"
	"testing"

	"porter"
)

// seedRentals2 adds to the screenshots' holiday villas (seedRentals) what
// issue 10's second pages show: an April stay, its owner's April statement
// and tourist tax report, the cleaning team with a task assigned, a
// message to a guest and an imported calendar. It returns the unit whose
// iCal page the screenshots show.
func seedRentals2(t *testing.T, s *site) int64 {
	t.Helper()
	ctx := context.Background()
	svc, org := s.svc, s.org
	props, err := svc.Properties(ctx, org, porter.PropertyFilter{ListParams: pickAllTest})
	must(t, err)
	var villas *porter.Property
	for _, p := range props.Items {
		if p.Name == "Seaside Villas" {
			villas = p
		}
	}
	if villas == nil {
		t.Fatal("seedRentals2: no Seaside Villas")
	}
	units, err := svc.Units(ctx, org, porter.UnitFilter{ListParams: pickAllTest, PropertyID: villas.ID})
	must(t, err)
	unit := units.Items[len(units.Items)-1].ID // the first made: Villa Azur
	price := porter.Money(16000)
	b, err := svc.CreateBooking(ctx, org, porter.BookingInput{UnitID: &unit, GuestName: ptr("Hannah Becker"), GuestPhone: ptr("+49 151 2345678"),
		GuestsCount: ptr(int64(3)), CheckIn: ptr("2026-04-20"), CheckOut: ptr("2026-04-25"), Source: ptr("airbnb"), NightlyRate: &price,
		Currency: ptr("USD"), Status: ptr(porter.BookingConfirmed)})
	must(t, err)
	for _, step := range []func(context.Context, int64, int64) (*porter.Booking, error){svc.CheckInBooking, svc.CheckOutBooking} {
		_, err = step(ctx, org, b.ID)
		must(t, err)
	}
	o, err := svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr("Claire Dubois"), Email: ptr("claire@example.com")})
	must(t, err)
	rate, fee := porter.Percent(1800), porter.Money(4500)
	_, err = svc.LinkProperty(ctx, org, o.ID, porter.OwnershipInput{PropertyID: &villas.ID, CommissionRate: &rate, CleaningFee: &fee, StartDate: ptr("2026-01-01")})
	must(t, err)
	_, _, err = svc.GenerateStatements(ctx, org, o.ID, porter.StatementInput{Month: ptr("2026-04")})
	must(t, err)
	tax := porter.Money(250)
	_, err = svc.SetTaxRule(ctx, org, porter.TaxRuleInput{PerGuestNight: &tax, MaxNights: ptr(int64(7))})
	must(t, err)
	_, _, err = svc.GenerateTaxReports(ctx, org, porter.TaxReportInput{Month: ptr("2026-04")})
	must(t, err)
	sam, err := svc.CreateStaff(ctx, org, porter.StaffInput{Name: ptr("Samira Haddad"), Email: ptr("samira@example.com")})
	must(t, err)
	_, err = svc.CreateVendor(ctx, org, porter.VendorInput{Name: ptr("Sparkle Cleaning Co"), Trade: ptr("cleaning")})
	must(t, err)
	open, err := svc.CleaningTasks(ctx, org, porter.CleaningFilter{Status: porter.CleaningPending})
	must(t, err)
	if len(open.Items) > 0 {
		_, err = svc.AssignCleaningTask(ctx, org, open.Items[0].ID, porter.CleaningAssignInput{StaffID: &sam.ID})
		must(t, err)
	}
	tpl, err := svc.CreateWhatsAppTemplate(ctx, org, porter.WhatsAppTemplateInput{Name: ptr("Check-in details"),
		Body: ptr("Hi {{guest_first_name}}, welcome to {{property_name}}! Check-in from 3 pm on {{check_in}}. Your reference: {{reference}}.")})
	must(t, err)
	_, err = svc.PrepareGuestMessage(ctx, org, porter.GuestMessageInput{BookingID: &b.ID, TemplateID: &tpl.ID})
	must(t, err)
	_, err = svc.CreateICalSource(ctx, org, porter.ICalSourceInput{UnitID: &unit, Name: ptr("Airbnb"),
		URL: ptr(fmt.Sprintf("http://127.0.0.1:9/calendar/ical/%d.ics", unit))})
	must(t, err)
	return unit
}

var pickAllTest = porter.ListParams{Page: 1, PerPage: porter.MaxPerPage}

// seedSTR2 adds to the perf site what issue 10's second pages list: a
// property owned since January with an April stay (so an April statement
// and tax report), n messages to its guest, and an iCal source; seedSTR's
// confirmed bookings gave the cleaning tasks.
func seedSTR2(tb testing.TB, p *perfSite, n int) {
	tb.Helper()
	ctx := context.Background()
	svc, org := p.svc, p.org
	if svc.Secrets == nil {
		box, err := porter.NewSecretBox([]byte("0123456789abcdef0123456789abcdef"))
		mustTB(tb, err)
		svc.Secrets = box
	}
	prop, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("April Villas")})
	mustTB(tb, err)
	un, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &prop.ID, Name: ptr("Villa A")})
	mustTB(tb, err)
	price := porter.Money(12000)
	b, err := svc.CreateBooking(ctx, org, porter.BookingInput{UnitID: &un.ID, GuestName: ptr("April Guest"), GuestPhone: ptr("+212600000001"),
		CheckIn: ptr("2026-04-10"), CheckOut: ptr("2026-04-13"), NightlyRate: &price, Currency: ptr("EUR"), Status: ptr(porter.BookingConfirmed)})
	mustTB(tb, err)
	o, err := svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr("April Owner")})
	mustTB(tb, err)
	rate := porter.Percent(2000)
	_, err = svc.LinkProperty(ctx, org, o.ID, porter.OwnershipInput{PropertyID: &prop.ID, CommissionRate: &rate, StartDate: ptr("2026-01-01")})
	mustTB(tb, err)
	sts, _, err := svc.GenerateStatements(ctx, org, o.ID, porter.StatementInput{Month: ptr("2026-04")})
	mustTB(tb, err)
	tax := porter.Money(250)
	_, err = svc.SetTaxRule(ctx, org, porter.TaxRuleInput{PerGuestNight: &tax})
	mustTB(tb, err)
	_, _, err = svc.GenerateTaxReports(ctx, org, porter.TaxReportInput{Month: ptr("2026-04"), PropertyID: &prop.ID})
	mustTB(tb, err)
	tpl, err := svc.CreateWhatsAppTemplate(ctx, org, porter.WhatsAppTemplateInput{Name: ptr("Welcome"), Body: ptr("Hi {{guest_name}}")})
	mustTB(tb, err)
	for range n {
		_, err = svc.PrepareGuestMessage(ctx, org, porter.GuestMessageInput{BookingID: &b.ID, TemplateID: &tpl.ID})
		mustTB(tb, err)
	}
	_, err = svc.CreateICalSource(ctx, org, porter.ICalSourceInput{UnitID: &un.ID, Name: ptr("Airbnb"), URL: ptr("http://127.0.0.1:9/a.ics")})
	mustTB(tb, err)
	_, err = svc.ICalExportURL(ctx, org, un.ID)
	mustTB(tb, err)
	if len(sts) != 1 {
		tb.Fatalf("seedSTR2: %d April statements", len(sts))
	}
}

// str2PerfPaths are the pages seedSTR2 fills, for strPerfPaths.
func str2PerfPaths(tb testing.TB, p *perfSite) []string {
	tb.Helper()
	ctx := context.Background()
	lp := porter.ListParams{Page: 1, PerPage: 1}
	ct, err := p.svc.CleaningTasks(ctx, p.org, porter.CleaningFilter{ListParams: lp})
	mustTB(tb, err)
	gm, err := p.svc.GuestMessages(ctx, p.org, porter.GuestMessageFilter{ListParams: lp})
	mustTB(tb, err)
	sts, err := p.svc.Statements(ctx, p.org, porter.StatementFilter{ListParams: lp})
	mustTB(tb, err)
	trs, err := p.svc.TaxReports(ctx, p.org, porter.TaxReportFilter{ListParams: lp})
	mustTB(tb, err)
	srcs, err := p.svc.ICalSources(ctx, p.org, porter.ICalSourceFilter{ListParams: lp})
	mustTB(tb, err)
	if len(ct.Items) == 0 || len(gm.Items) == 0 || len(sts.Items) == 0 || len(trs.Items) == 0 || len(srcs.Items) == 0 {
		tb.Fatal("seedSTR2 seeded nothing")
	}
	id := func(n int64) string { return fmt.Sprint(n) }
	return []string{"/cleaning", "/cleaning/" + id(ct.Items[0].ID), "/guest-messages", "/guest-messages/" + id(gm.Items[0].ID),
		"/statements", "/statements/" + id(sts.Items[0].ID), "/tax-reports", fmt.Sprintf("/tax-reports/%d/%s", trs.Items[0].PropertyID, trs.Items[0].Month),
		"/ical-sources", "/units/" + id(srcs.Items[0].UnitID) + "/ical"}
}
