package porter_test

import (
	"context"
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// The test clock is 2025-05-09T14:30:00Z (newService).

func TestVisitorPassLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newMeterFixture(t, s)
		ctx := context.Background()
		ten, err := f.svc.CreateTenant(ctx, f.org, porter.TenantInput{Email: ptr("host@example.com"), FirstName: ptr("Lina"), LastName: ptr("K")})
		if err != nil {
			t.Fatal(err)
		}
		bad := int64(999999)
		for _, c := range []struct {
			in    porter.VisitorPassInput
			field string
		}{
			{porter.VisitorPassInput{VisitorName: ptr("Sam"), ExpectedFrom: ptr("2025-05-09T18:00:00Z")}, "unit_id"},
			{porter.VisitorPassInput{UnitID: &f.unit, ExpectedFrom: ptr("2025-05-09T18:00:00Z")}, "visitor_name"},
			{porter.VisitorPassInput{UnitID: &f.unit, VisitorName: ptr("Sam")}, "expected_from"},
			{porter.VisitorPassInput{UnitID: &f.unit, VisitorName: ptr("Sam"), ExpectedFrom: ptr("tonight")}, "expected_from"},
			{porter.VisitorPassInput{UnitID: &f.unit, VisitorName: ptr("Sam"), ExpectedFrom: ptr("2025-05-09T18:00:00Z"), ExpectedUntil: ptr("2025-05-09T17:00:00Z")}, "expected_until"},
			{porter.VisitorPassInput{UnitID: &f.unit, VisitorName: ptr("Sam"), ExpectedFrom: ptr("2025-05-09T18:00:00Z"), TenantID: &bad}, "tenant_id"},
		} {
			if _, err := f.svc.IssueVisitorPass(ctx, f.org, c.in); fieldsOf(err) != c.field {
				t.Errorf("%+v: %v, want %s", c.in, err, c.field)
			}
		}
		p, err := f.svc.IssueVisitorPass(ctx, f.org, porter.VisitorPassInput{UnitID: &f.unit, TenantID: &ten.ID, VisitorName: ptr("Sam"),
			ExpectedFrom: ptr("2025-05-09T14:00:00Z")})
		if err != nil || p.Status != porter.PassIssued || len(p.Code) != 6 || p.ExpectedUntil.Sub(p.ExpectedFrom) != porter.DefaultVisitWindow || p.PropertyID != f.property {
			t.Fatalf("pass = %+v, %v", p, err)
		}
		if _, err := f.svc.CheckOutVisitor(ctx, f.org, p.ID); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("check out before in: %v", err)
		}
		if p, err = f.svc.CheckInVisitor(ctx, f.org, p.ID); err != nil || p.CheckedInAt == nil {
			t.Fatalf("check in = %+v, %v", p, err)
		}
		if _, err := f.svc.UpdateVisitorPass(ctx, f.org, p.ID, porter.VisitorPassInput{Notes: ptr("late")}); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("edit checked-in pass: %v", err)
		}
		if p, err = f.svc.CheckOutVisitor(ctx, f.org, p.ID); err != nil || p.Status != porter.PassCheckedOut {
			t.Fatalf("check out = %+v, %v", p, err)
		}
		// An expired pass cannot be used; an issued one can be cancelled.
		old, err := f.svc.IssueVisitorPass(ctx, f.org, porter.VisitorPassInput{UnitID: &f.unit, VisitorName: ptr("Jo"),
			ExpectedFrom: ptr("2025-05-08T10:00:00Z"), ExpectedUntil: ptr("2025-05-08T12:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CheckInVisitor(ctx, f.org, old.ID); porter.ErrorCode(err) != porter.ECONFLICT || !strings.Contains(err.Error(), "expired") {
			t.Fatalf("expired pass: %v", err)
		}
		if c, err := f.svc.CancelVisitorPass(ctx, f.org, old.ID); err != nil || c.Status != porter.PassCancelled {
			t.Fatalf("cancel = %+v, %v", c, err)
		}
		evs, _ := f.svc.Events(ctx, f.org, porter.EventFilter{Types: []string{"visitor_pass.created", "visitor_pass.checked_in", "visitor_pass.checked_out"}})
		var types []string
		for _, e := range evs.Items {
			types = append(types, e.Type)
		}
		if got := join(types); got != "visitor_pass.created visitor_pass.checked_out visitor_pass.checked_in visitor_pass.created" {
			t.Fatalf("events %s", got)
		}
		if _, err := f.svc.CheckInVisitor(ctx, f.otherOrg, p.ID); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("other org: %v", err)
		}
	})
}

func TestAmenityCapacity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newMeterFixture(t, s)
		ctx := context.Background()
		ten, err := f.svc.CreateTenant(ctx, f.org, porter.TenantInput{Email: ptr("t@example.com"), FirstName: ptr("T"), LastName: ptr("X")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateAmenity(ctx, f.org, porter.AmenityInput{PropertyID: &f.property, Name: ptr("Gym"), Capacity: ptr(int64(0))}); fieldsOf(err) != "capacity" {
			t.Fatalf("capacity 0: %v", err)
		}
		gym, err := f.svc.CreateAmenity(ctx, f.org, porter.AmenityInput{PropertyID: &f.property, Name: ptr("Gym"), Capacity: ptr(int64(2))})
		if err != nil {
			t.Fatal(err)
		}
		book := func(from, to string) (*porter.AmenityBooking, error) {
			return f.svc.BookAmenity(ctx, f.org, porter.AmenityBookingInput{AmenityID: &gym.ID, TenantID: &ten.ID, StartsAt: &from, EndsAt: &to})
		}
		a, err := book("2025-05-10T09:00:00Z", "2025-05-10T10:00:00Z")
		if err != nil || a.Kind != "amenity" {
			t.Fatalf("book = %+v, %v", a, err)
		}
		if _, err := book("2025-05-10T11:00:00Z", "2025-05-10T12:00:00Z"); err != nil {
			t.Fatal(err)
		}
		// 9 to 12 overlaps both, but they never overlap each other: at
		// most two at once, within capacity 2.
		if _, err := book("2025-05-10T09:00:00Z", "2025-05-10T12:00:00Z"); err != nil {
			t.Fatalf("within capacity: %v", err)
		}
		_, err = book("2025-05-10T09:30:00Z", "2025-05-10T09:45:00Z")
		if porter.ErrorCode(err) != porter.ECONFLICT || !strings.Contains(err.Error(), "fully booked") || !strings.Contains(err.Error(), "capacity 2") {
			t.Fatalf("over capacity: %v", err)
		}
		// Touching ends do not overlap.
		if _, err := book("2025-05-10T12:00:00Z", "2025-05-10T13:00:00Z"); err != nil {
			t.Fatalf("back to back: %v", err)
		}
		if _, err := f.svc.CancelAmenityBooking(ctx, f.org, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := book("2025-05-10T09:30:00Z", "2025-05-10T09:45:00Z"); err != nil {
			t.Fatalf("after a cancellation: %v", err)
		}
		for _, c := range []struct{ from, to, field string }{
			{"2025-05-10T10:00:00Z", "2025-05-10T09:00:00Z", "ends_at"},
			{"2025-05-10T10:00:00Z", "2025-05-20T09:00:00Z", "ends_at"},
			{"2025-05-01T10:00:00Z", "2025-05-01T11:00:00Z", "ends_at"},
			{"soon", "2025-05-10T09:00:00Z", "starts_at"},
		} {
			if _, err := book(c.from, c.to); fieldsOf(err) != c.field {
				t.Errorf("%s..%s: %v, want %s", c.from, c.to, err, c.field)
			}
		}
		if _, err := f.svc.DeleteAmenity(ctx, f.org, gym.ID); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("delete booked amenity: %v", err)
		}
		if _, err := f.svc.UpdateAmenity(ctx, f.org, gym.ID, porter.AmenityInput{Status: ptr("inactive")}); err != nil {
			t.Fatal(err)
		}
		if _, err := book("2025-05-11T09:00:00Z", "2025-05-11T10:00:00Z"); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("inactive amenity: %v", err)
		}
		evs, _ := f.svc.Events(ctx, f.org, porter.EventFilter{Types: []string{"booking.created", "booking.cancelled"}})
		if evs.Total != 6 || evs.Items[1].Type != "booking.cancelled" || !strings.Contains(string(evs.Items[0].Data), `"kind":"amenity"`) {
			t.Fatalf("events: %d, %s %s", evs.Total, evs.Items[1].Type, evs.Items[0].Data)
		}
	})
}

func TestAnnouncementAcknowledged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newMeterFixture(t, s)
		ctx := context.Background()
		ten, err := f.svc.CreateTenant(ctx, f.org, porter.TenantInput{Email: ptr("t@example.com"), FirstName: ptr("T"), LastName: ptr("X")})
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.svc.SendBroadcast(ctx, f.org, porter.BroadcastInput{Subject: ptr("Water off"), Body: ptr("Tuesday 9-12")})
		if err != nil {
			t.Fatal(err)
		}
		staff, err := f.svc.SendBroadcast(ctx, f.org, porter.BroadcastInput{Subject: ptr("Rota"), Body: ptr("..."), Audience: ptr("staff")})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.AcknowledgeBroadcast(ctx, f.org, b.ID, porter.AcknowledgementInput{}); fieldsOf(err) != "tenant_id" {
			t.Fatalf("no tenant: %v", err)
		}
		if _, _, err := f.svc.AcknowledgeBroadcast(ctx, f.org, staff.ID, porter.AcknowledgementInput{TenantID: &ten.ID}); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("staff broadcast: %v", err)
		}
		a, created, err := f.svc.AcknowledgeBroadcast(ctx, f.org, b.ID, porter.AcknowledgementInput{TenantID: &ten.ID})
		if err != nil || !created {
			t.Fatalf("ack = %+v %v %v", a, created, err)
		}
		again, created, err := f.svc.AcknowledgeBroadcast(ctx, f.org, b.ID, porter.AcknowledgementInput{TenantID: &ten.ID})
		if err != nil || created || again.ID != a.ID {
			t.Fatalf("again = %+v %v %v", again, created, err)
		}
		l, err := f.svc.Acknowledgements(ctx, f.org, b.ID, porter.ListParams{})
		if err != nil || l.Total != 1 || l.Items[0].TenantID != ten.ID {
			t.Fatalf("acks = %+v, %v", l, err)
		}
		evs, _ := f.svc.Events(ctx, f.org, porter.EventFilter{Types: []string{"announcement.acknowledged"}})
		if evs.Total != 1 || !strings.Contains(string(evs.Items[0].Data), `"subject":"Water off"`) {
			t.Fatalf("events = %+v", evs)
		}
		if _, err := f.svc.Acknowledgements(ctx, f.otherOrg, b.ID, porter.ListParams{}); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("other org: %v", err)
		}
	})
}
