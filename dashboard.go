package porter

import (
	"context"
	"fmt"
	"time"
)

// DashboardWindow is what a dashboard counts against: now, today, and the
// starts of its charts' first bucket.
type DashboardWindow struct {
	Now            time.Time
	Today          string    // DateLayout
	Expiry         [3]string // lease end dates 30, 60 and 90 days from today (DateLayout)
	PaymentsFrom   time.Time // midnight UTC, PaymentDays-1 days ago
	DeliveriesFrom time.Time // the start of the hour, DeliveryHours-1 hours ago
}

// DashboardCounts are an organization's numbers at a glance, as one store
// call computes them with a handful of aggregate queries, whatever the
// portfolio's size.
type DashboardCounts struct {
	OpenWorkOrders    int   // not yet completed or cancelled
	OverdueWorkOrders int   // open and past due_at
	SLABreaches       int   // open and marked breached by the SLA scheduler
	ChargesDue        int   // open or partially paid, due today or later
	ChargesOverdue    int   // open or partially paid, due before today
	DueBalance        Money // their balances
	OverdueBalance    Money
	Expiring          [3]int // active leases ending within 30, 60, 90 days
	FailedDeliveries  int    // deliveries that failed for good in the last 24 hours
	// PaymentsByDay sums succeeded payments by UTC day (DateLayout), from
	// PaymentsFrom; DeliveriesByHour counts finished deliveries by UTC hour
	// ("2006-01-02T15") from DeliveriesFrom: [0] succeeded, [1] failed.
	PaymentsByDay    map[string]Money
	DeliveriesByHour map[string][2]int
}

// DashboardStore computes the dashboard's counts of one organization.
type DashboardStore interface {
	DashboardCounts(ctx context.Context, orgID int64, w DashboardWindow) (*DashboardCounts, error)
}

// The dashboard's charts: payments per day, deliveries per hour.
const (
	PaymentDays   = 14
	DeliveryHours = 24
)

// Dashboard is the console's first page, charts bucketed.
type Dashboard struct {
	DashboardCounts
	Days     []DayAmount    // PaymentDays, oldest first
	Hours    []HourDelivery // DeliveryHours, oldest first
	Computed time.Time
}

// DayAmount is one day's succeeded payments.
type DayAmount struct {
	Day    time.Time
	Amount Money
}

// HourDelivery is one hour's finished deliveries.
type HourDelivery struct {
	Hour              time.Time
	Succeeded, Failed int
}

// Dashboard counts an organization's work orders, charges, leases,
// payments and deliveries for the console's dashboard.
func (s *Service) Dashboard(ctx context.Context, orgID int64) (*Dashboard, error) {
	ds, ok := s.Store.(DashboardStore)
	if !ok {
		return nil, Errorf(EINTERNAL, "this storage engine computes no dashboard")
	}
	now := s.now()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	w := DashboardWindow{
		Now:            now,
		Today:          day.Format(DateLayout),
		PaymentsFrom:   day.AddDate(0, 0, -(PaymentDays - 1)),
		DeliveriesFrom: now.Truncate(time.Hour).Add(-(DeliveryHours - 1) * time.Hour),
	}
	for i, n := range []int{30, 60, 90} {
		w.Expiry[i] = day.AddDate(0, 0, n).Format(DateLayout)
	}
	c, err := ds.DashboardCounts(ctx, orgID, w)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	d := &Dashboard{DashboardCounts: *c, Computed: now}
	for i := range PaymentDays {
		t := w.PaymentsFrom.AddDate(0, 0, i)
		d.Days = append(d.Days, DayAmount{Day: t, Amount: c.PaymentsByDay[t.Format(DateLayout)]})
	}
	for i := range DeliveryHours {
		t := w.DeliveriesFrom.Add(time.Duration(i) * time.Hour)
		n := c.DeliveriesByHour[t.Format(HourLayout)]
		d.Hours = append(d.Hours, HourDelivery{Hour: t, Succeeded: n[0], Failed: n[1]})
	}
	return d, nil
}

// HourLayout keys DashboardCounts.DeliveriesByHour.
const HourLayout = "2006-01-02T15"
