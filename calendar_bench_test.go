package porter_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// BenchmarkCalendar: a year of every unit of an organization with 50
// units over 5 properties, 10 rates per property and 2,000 stays, on
// SQLite.
func BenchmarkCalendar(b *testing.B) {
	ctx := context.Background()
	s := storetest.Open(b, "sqlite")
	svc := porter.NewService(s, "", nil)
	org := &porter.Organization{Name: "Bench", LeaseAlertDays: []int{60}}
	if err := s.CreateOrganization(ctx, org); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var units []*porter.Unit
	for p := range 5 {
		prop, err := svc.CreateProperty(ctx, org.ID, porter.PropertyInput{Name: ptr(fmt.Sprint("P", p))})
		if err != nil {
			b.Fatal(err)
		}
		for m := range 10 {
			start := fmt.Sprintf("2025-%02d-01", m+1)
			if _, err := svc.CreateRate(ctx, org.ID, porter.RateInput{PropertyID: &prop.ID, StartDate: &start, EndDate: ptr(fmt.Sprintf("2025-%02d-28", m+1)),
				NightlyPrice: ptr(porter.Money(10000 + m*500)), Currency: ptr("EUR"), WeekdayAdjustments: &map[string]int64{"fri": 20, "sat": 20}}); err != nil {
				b.Fatal(err)
			}
		}
		for u := range 10 {
			unit, err := svc.CreateUnit(ctx, org.ID, porter.UnitInput{PropertyID: &prop.ID, Name: ptr(fmt.Sprint(u))})
			if err != nil {
				b.Fatal(err)
			}
			units = append(units, unit)
		}
	}
	err := s.Update(ctx, org.ID, func(tx porter.Tx) error {
		for i := range 2000 {
			u := units[i%len(units)]
			in := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i/len(units))*9)
			bk := &porter.Booking{Reference: fmt.Sprintf("BKG-%06d", i), PropertyID: u.PropertyID, UnitID: u.ID, Status: porter.BookingConfirmed,
				Source: "direct", GuestName: "G", GuestsCount: 1, CheckIn: in.Format(porter.DateLayout), CheckOut: in.AddDate(0, 0, 7).Format(porter.DateLayout),
				Nights: 7, Currency: "EUR", CreatedAt: now, UpdatedAt: now}
			if err := tx.InsertBooking(ctx, bk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		c, err := svc.Calendar(ctx, org.ID, porter.CalendarQuery{From: "2025-01-01", To: "2026-01-01"})
		if err != nil || len(c.Units) != 50 {
			b.Fatal(err)
		}
	}
}
