package console_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"porter"
)

// seedResidents adds n defects (the first linked to an asset and to a
// work order seedBulk made), n visitor passes with a host, n amenities (the first with n
// bookings by n tenants) and an announcement the n tenants acknowledged,
// to the perf site's organization.
func seedResidents(tb testing.TB, p *perfSite, n int) {
	tb.Helper()
	ctx := context.Background()
	svc, org := p.svc, p.org
	un, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.property, Name: ptr("Lobby")})
	mustTB(tb, err)
	as, err := svc.CreateAsset(ctx, org, porter.AssetInput{PropertyID: &p.property, Name: ptr("AHU-1")})
	mustTB(tb, err)
	// A work order seedBulk made: one more would change the dashboard's
	// counts, which the benchmark checks.
	wos, err := svc.WorkOrders(ctx, org, porter.WorkOrderFilter{ListParams: porter.ListParams{Page: 1, PerPage: 1}})
	mustTB(tb, err)
	if len(wos.Items) == 0 {
		tb.Fatal("seedResidents needs a work order: call it after seedBulk")
	}
	wo := wos.Items[0]
	ann, err := svc.SendBroadcast(ctx, org, porter.BroadcastInput{Subject: ptr("Lift service"), Body: ptr("Tuesday"), Audience: ptr("all_tenants")})
	mustTB(tb, err)
	var first *porter.Amenity
	for i := range n {
		in := porter.DefectInput{UnitID: &un.ID, Title: ptr(fmt.Sprintf("Defect %d", i))}
		if i == 0 {
			in.AssetID, in.WorkOrderID = &as.ID, &wo.ID
		}
		_, _, err := svc.RecordDefect(ctx, org, in)
		mustTB(tb, err)
		_, err = svc.IssueVisitorPass(ctx, org, porter.VisitorPassInput{UnitID: &un.ID, TenantID: &p.tenant,
			VisitorName: ptr(fmt.Sprintf("Visitor %d", i)), ExpectedFrom: ptr(p.now.Add(time.Duration(i) * time.Hour).Format(time.RFC3339))})
		mustTB(tb, err)
		a, err := svc.CreateAmenity(ctx, org, porter.AmenityInput{PropertyID: &p.property, Name: ptr(fmt.Sprintf("Room %d", i))})
		mustTB(tb, err)
		if first == nil {
			first = a
		}
		tn, err := svc.CreateTenant(ctx, org, porter.TenantInput{Email: ptr(fmt.Sprintf("resident%d@example.com", i)), FirstName: ptr("Res"), LastName: ptr(strconv.Itoa(i))})
		mustTB(tb, err)
		from := p.now.Add(time.Duration(i+1) * time.Hour)
		_, err = svc.BookAmenity(ctx, org, porter.AmenityBookingInput{AmenityID: &first.ID, TenantID: &tn.ID,
			StartsAt: ptr(from.Format(time.RFC3339)), EndsAt: ptr(from.Add(time.Hour).Format(time.RFC3339))})
		mustTB(tb, err)
		_, _, err = svc.AcknowledgeBroadcast(ctx, org, ann.ID, porter.AcknowledgementInput{TenantID: &tn.ID})
		mustTB(tb, err)
	}
}

// residentPerfPaths are the defect, visitor pass and amenity pages and an
// announcement's page, for perfPaths: the record pages once seeded.
func residentPerfPaths(tb testing.TB, p *perfSite) []string {
	tb.Helper()
	ctx := context.Background()
	paths := []string{"/defects", "/defects?severity=medium&status=open", "/visitor-passes", "/visitor-passes?date=2026-05-09", "/amenities"}
	lp := porter.ListParams{Page: 1, PerPage: porter.MaxPerPage}
	df, err := p.svc.Defects(ctx, p.org, porter.DefectFilter{ListParams: lp})
	mustTB(tb, err)
	vp, err := p.svc.VisitorPasses(ctx, p.org, porter.VisitorPassFilter{ListParams: lp})
	mustTB(tb, err)
	am, err := p.svc.Amenities(ctx, p.org, porter.AmenityFilter{ListParams: lp})
	mustTB(tb, err)
	bc, err := p.svc.Broadcasts(ctx, p.org, porter.BroadcastFilter{ListParams: porter.ListParams{Page: 1, PerPage: 1}, Audience: "all_tenants"})
	mustTB(tb, err)
	if len(df.Items) == 0 || len(vp.Items) == 0 || len(am.Items) == 0 || len(bc.Items) == 0 {
		return paths
	}
	// The oldest of each: the defect with its asset and work order, the
	// amenity with the bookings.
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return append(paths, "/defects/"+id(df.Items[len(df.Items)-1].ID), "/visitor-passes/"+id(vp.Items[0].ID),
		"/amenities/"+id(am.Items[len(am.Items)-1].ID), "/broadcasts/"+id(bc.Items[0].ID), "/broadcasts/"+id(bc.Items[0].ID)+"/acknowledgements")
}
