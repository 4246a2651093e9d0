package porter_test

import (
	"context"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// The dashboard's counts, computed by aggregate queries, bucket payments
// by day and finished deliveries by hour, and see only their organization.
func TestDashboardCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		other, err := svc.CreateOrganization(ctx, "Other")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 5, 13, 14, 30, 0, 0, time.UTC)
		svc.Now = func() time.Time { return now }
		ts := func(d time.Duration) string { return now.Add(d).UTC().Format("2006-01-02T15:04:05.000000Z") }
		for _, o := range []int64{org, other.ID} {
			storetest.Exec(t, s, `INSERT INTO webhooks (org_id, url, events, retry_schedule, timeout_seconds, source, secret, previous_secret, created_at, updated_at)
VALUES (?, 'http://127.0.0.1:1/hook', '["*"]', '[]', 10, 'api', ?, ?, ?, ?)`, o, []byte{}, []byte{}, storetest.TS, storetest.TS)
		}
		// Per organization: webhook 1 is org's, 2 the other's.
		for i, d := range []struct {
			webhook   int64
			status    string
			completed *time.Duration
		}{
			{1, porter.DeliverySucceeded, ptr(-10 * time.Minute)}, // this hour
			{1, porter.DeliverySucceeded, ptr(-20 * time.Minute)}, // this hour
			{1, porter.DeliveryFailed, ptr(-25 * time.Minute)},    // this hour
			{1, porter.DeliveryFailed, ptr(-3 * time.Hour)},       // 11:xx
			{1, porter.DeliveryFailed, ptr(-25 * time.Hour)},      // before the window
			{1, porter.DeliveryPending, nil},
			{2, porter.DeliveryFailed, ptr(-time.Minute)}, // the other organization's
		} {
			o := org
			if d.webhook == 2 {
				o = other.ID
			}
			var completed any
			if d.completed != nil {
				completed = ts(*d.completed)
			}
			storetest.Exec(t, s, `INSERT INTO webhook_deliveries (org_id, webhook_id, event_id, event_type, status, created_at, updated_at, completed_at)
VALUES (?, ?, ?, 'payment.succeeded', ?, ?, ?, ?)`, o, d.webhook, "evt_"+itoa(int64(i)), d.status, ts(-48*time.Hour), ts(-48*time.Hour), completed)
		}
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Maple Court")})
		if err != nil {
			t.Fatal(err)
		}
		tn, err := svc.CreateTenant(ctx, org, porter.TenantInput{Email: ptr("jane@example.com"), FirstName: ptr("Jane"), LastName: ptr("Smith")})
		if err != nil {
			t.Fatal(err)
		}
		for _, amount := range []porter.Money{2500, 1000} {
			if _, err := svc.RecordPayment(ctx, org, porter.PaymentInput{TenantID: &tn.ID, Amount: &amount}); err != nil {
				t.Fatal(err)
			}
		}
		now = now.Add(-48 * time.Hour)
		for _, title := range []string{"Leaky tap", "Broken window"} {
			if _, err := svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr(title), Description: ptr(title)}); err != nil {
				t.Fatal(err)
			}
		}
		amount := porter.Money(700)
		if _, err := svc.RecordPayment(ctx, org, porter.PaymentInput{TenantID: &tn.ID, Amount: &amount}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(48 * time.Hour)
		if _, err := svc.RunSLAPass(ctx, now.Add(24*time.Hour)); err != nil { // normal priority: 72 h
			t.Fatal(err)
		}
		if _, err := svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr("Squeaky door"), Description: ptr("Squeaky door")}); err != nil {
			t.Fatal(err)
		}

		d, err := svc.Dashboard(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		if d.OpenWorkOrders != 3 || d.OverdueWorkOrders != 0 || d.SLABreaches != 2 {
			t.Errorf("work orders: open %d overdue %d breached %d", d.OpenWorkOrders, d.OverdueWorkOrders, d.SLABreaches)
		}
		if d.FailedDeliveries != 2 {
			t.Errorf("failed deliveries in 24 h = %d, want 2", d.FailedDeliveries)
		}
		if len(d.Hours) != porter.DeliveryHours || len(d.Days) != porter.PaymentDays {
			t.Fatalf("%d hours, %d days", len(d.Hours), len(d.Days))
		}
		if h := d.Hours[23]; !h.Hour.Equal(time.Date(2026, 5, 13, 14, 0, 0, 0, time.UTC)) || h.Succeeded != 2 || h.Failed != 1 {
			t.Errorf("this hour: %+v", h)
		}
		if h := d.Hours[20]; h.Succeeded != 0 || h.Failed != 1 {
			t.Errorf("11:00: %+v", h)
		}
		if d.Days[13].Amount != 3500 || d.Days[11].Amount != 700 || d.Days[12].Amount != 0 {
			t.Errorf("payments per day: %+v", d.Days[11:])
		}
		if od, err := svc.Dashboard(ctx, other.ID); err != nil || od.FailedDeliveries != 1 || od.OpenWorkOrders != 0 {
			t.Errorf("other organization: %+v %v", od, err)
		}
	})
}
