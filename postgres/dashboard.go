package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"porter"
)

var _ porter.DashboardStore = (*DB)(nil)

// The dashboard's queries: each an aggregate over one range of an index
// of migration 00017, so that a page costs the same for 10 or 10,000
// records. Buckets are whole hours and days since the Unix epoch (UTC):
// integer arithmetic, where to_char took 15 µs a row.
const (
	qDashWorkOrders = `SELECT count(*),
    count(*) FILTER (WHERE due_at < $2),
    count(*) FILTER (WHERE sla_breached_at IS NOT NULL)
FROM work_orders WHERE org_id = $1 AND status IN ('open', 'assigned', 'in_progress', 'on_hold')`
	qDashCharges = `SELECT
    count(*) FILTER (WHERE due_date >= $2), coalesce(sum(balance) FILTER (WHERE due_date >= $2), 0)::bigint,
    count(*) FILTER (WHERE due_date < $2), coalesce(sum(balance) FILTER (WHERE due_date < $2), 0)::bigint
FROM charges WHERE org_id = $1 AND status IN ('open', 'partially_paid')`
	qDashLeases = `SELECT count(*) FILTER (WHERE end_date <= $3), count(*) FILTER (WHERE end_date <= $4), count(*)
FROM leases WHERE org_id = $1 AND status = 'active' AND end_date >= $2 AND end_date <= $5`
	qDashFailed = `SELECT count(*) FROM webhook_deliveries
WHERE org_id = $1 AND completed_at IS NOT NULL AND completed_at >= $2 AND status = 'failed'`
	qDashDeliveries = `SELECT extract(epoch FROM completed_at)::bigint / 3600, status, count(*) FROM webhook_deliveries
WHERE org_id = $1 AND completed_at IS NOT NULL AND completed_at >= $2 AND status IN ('succeeded', 'failed')
GROUP BY 1, 2`
	qDashPayments = `SELECT extract(epoch FROM created_at)::bigint / 86400, sum(amount)::bigint FROM payments
WHERE org_id = $1 AND status = 'succeeded' AND created_at >= $2
GROUP BY 1`
)

// DashboardCounts computes the dashboard with six statements sent as one
// batch: one round trip, one implicit transaction (one snapshot).
func (d *DB) DashboardCounts(ctx context.Context, orgID int64, w porter.DashboardWindow) (*porter.DashboardCounts, error) {
	c := &porter.DashboardCounts{PaymentsByDay: map[string]porter.Money{}, DeliveriesByHour: map[string][2]int{}}
	b := &pgx.Batch{}
	b.Queue(qDashWorkOrders, orgID, micro(w.Now)).QueryRow(func(r pgx.Row) error {
		return r.Scan(&c.OpenWorkOrders, &c.OverdueWorkOrders, &c.SLABreaches)
	})
	b.Queue(qDashCharges, orgID, w.Today).QueryRow(func(r pgx.Row) error {
		return r.Scan(&c.ChargesDue, &c.DueBalance, &c.ChargesOverdue, &c.OverdueBalance)
	})
	b.Queue(qDashLeases, orgID, w.Today, w.Expiry[0], w.Expiry[1], w.Expiry[2]).QueryRow(func(r pgx.Row) error {
		return r.Scan(&c.Expiring[0], &c.Expiring[1], &c.Expiring[2])
	})
	b.Queue(qDashFailed, orgID, micro(w.Now.Add(-24*time.Hour))).QueryRow(func(r pgx.Row) error {
		return r.Scan(&c.FailedDeliveries)
	})
	b.Queue(qDashDeliveries, orgID, micro(w.DeliveriesFrom)).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var bucket int64
			var status string
			var n int
			if err := rows.Scan(&bucket, &status, &n); err != nil {
				return err
			}
			hour := time.Unix(bucket*3600, 0).UTC().Format(porter.HourLayout)
			v := c.DeliveriesByHour[hour]
			if status == porter.DeliverySucceeded {
				v[0] = n
			} else {
				v[1] = n
			}
			c.DeliveriesByHour[hour] = v
		}
		return rows.Err()
	})
	b.Queue(qDashPayments, orgID, micro(w.PaymentsFrom)).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var bucket int64
			var sum porter.Money
			if err := rows.Scan(&bucket, &sum); err != nil {
				return err
			}
			day := time.Unix(bucket*86400, 0).UTC().Format(porter.DateLayout)
			c.PaymentsByDay[day] = sum
		}
		return rows.Err()
	})
	if err := d.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("dashboard counts: %w", err)
	}
	return c, nil
}
