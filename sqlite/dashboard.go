package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"porter"
)

var _ porter.DashboardStore = (*DB)(nil)

// The dashboard's queries: each an aggregate over one range of an index
// of migration 00017, so that a page costs the same for 10 or 10,000
// records. Times are stored as fixed-width UTC text, so that a prefix is
// the day or the hour.
const (
	qDashWorkOrders = `SELECT count(*),
    coalesce(sum(due_at < ?2), 0),
    coalesce(sum(sla_breached_at IS NOT NULL), 0)
FROM work_orders WHERE org_id = ?1 AND status IN ('open', 'assigned', 'in_progress', 'on_hold')`
	qDashCharges = `SELECT
    coalesce(sum(due_date >= ?2), 0), coalesce(sum(CASE WHEN due_date >= ?2 THEN balance END), 0),
    coalesce(sum(due_date < ?2), 0), coalesce(sum(CASE WHEN due_date < ?2 THEN balance END), 0)
FROM charges WHERE org_id = ?1 AND status IN ('open', 'partially_paid')`
	qDashLeases = `SELECT coalesce(sum(end_date <= ?3), 0), coalesce(sum(end_date <= ?4), 0), count(*)
FROM leases WHERE org_id = ?1 AND status = 'active' AND end_date >= ?2 AND end_date <= ?5`
	qDashFailed = `SELECT count(*) FROM webhook_deliveries
WHERE org_id = ?1 AND completed_at IS NOT NULL AND completed_at >= ?2 AND status = 'failed'`
	qDashDeliveries = `SELECT substr(completed_at, 1, 13), status, count(*) FROM webhook_deliveries
WHERE org_id = ?1 AND completed_at IS NOT NULL AND completed_at >= ?2 AND status IN ('succeeded', 'failed')
GROUP BY 1, 2`
	qDashPayments = `SELECT substr(created_at, 1, 10), sum(amount) FROM payments
WHERE org_id = ?1 AND status = 'succeeded' AND created_at >= ?2
GROUP BY 1`
)

// DashboardCounts computes the dashboard in one read transaction (one
// snapshot), six statements.
func (d *DB) DashboardCounts(ctx context.Context, orgID int64, w porter.DashboardWindow) (*porter.DashboardCounts, error) {
	t, err := d.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer t.Rollback()
	c := &porter.DashboardCounts{PaymentsByDay: map[string]porter.Money{}, DeliveriesByHour: map[string][2]int{}}
	now := ts(w.Now)
	if err := t.QueryRowContext(ctx, qDashWorkOrders, orgID, now).Scan(&c.OpenWorkOrders, &c.OverdueWorkOrders, &c.SLABreaches); err != nil {
		return nil, fmt.Errorf("work orders: %w", err)
	}
	if err := t.QueryRowContext(ctx, qDashCharges, orgID, w.Today).Scan(&c.ChargesDue, &c.DueBalance, &c.ChargesOverdue, &c.OverdueBalance); err != nil {
		return nil, fmt.Errorf("charges: %w", err)
	}
	if err := t.QueryRowContext(ctx, qDashLeases, orgID, w.Today, w.Expiry[0], w.Expiry[1], w.Expiry[2]).Scan(&c.Expiring[0], &c.Expiring[1], &c.Expiring[2]); err != nil {
		return nil, fmt.Errorf("leases: %w", err)
	}
	if err := t.QueryRowContext(ctx, qDashFailed, orgID, ts(w.Now.Add(-24*time.Hour))).Scan(&c.FailedDeliveries); err != nil {
		return nil, fmt.Errorf("failed deliveries: %w", err)
	}
	if err := eachRow(ctx, t, qDashDeliveries, []any{orgID, ts(w.DeliveriesFrom)}, func(rows *sql.Rows) error {
		var hour, status string
		var n int
		if err := rows.Scan(&hour, &status, &n); err != nil {
			return err
		}
		v := c.DeliveriesByHour[hour]
		if status == porter.DeliverySucceeded {
			v[0] = n
		} else {
			v[1] = n
		}
		c.DeliveriesByHour[hour] = v
		return nil
	}); err != nil {
		return nil, fmt.Errorf("deliveries per hour: %w", err)
	}
	if err := eachRow(ctx, t, qDashPayments, []any{orgID, ts(w.PaymentsFrom)}, func(rows *sql.Rows) error {
		var day string
		var sum porter.Money
		if err := rows.Scan(&day, &sum); err != nil {
			return err
		}
		c.PaymentsByDay[day] = sum
		return nil
	}); err != nil {
		return nil, fmt.Errorf("payments per day: %w", err)
	}
	return c, t.Commit()
}

func eachRow(ctx context.Context, t *sql.Tx, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := t.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
