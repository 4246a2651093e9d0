package console_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/postgres"
	"porter/sqlite"
	"porter/storetest"
)

// bulk is how many rows of each kind seedBulk writes.
type bulk struct {
	WorkOrders, Deliveries, Payments, Charges int
}

// seedBulk writes many rows fast, one INSERT … SELECT per table straight
// in the database (the service would take minutes for 100,000
// deliveries): work orders of every status and due time, deliveries over
// the last 30 days (mostly succeeded, some failed, some pending),
// payments over the last 30 days and open charges, all of org.
func seedBulk(tb testing.TB, st porter.Store, org, property, tenant int64, now time.Time, n bulk) {
	tb.Helper()
	var series func(n int) string    // a row source with column i from 1 to n
	var ago func(secs string) string // now minus secs seconds, as the engine stores times
	switch st.(type) {
	case *sqlite.DB:
		series = func(n int) string {
			return fmt.Sprintf("(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) SELECT i FROM s) AS n", n)
		}
		ago = func(secs string) string {
			return fmt.Sprintf("(strftime('%%Y-%%m-%%dT%%H:%%M:%%S', '%s', (-(%s)) || ' seconds') || '.000000Z')", now.UTC().Format("2006-01-02T15:04:05"), secs)
		}
	case *postgres.DB:
		series = func(n int) string { return fmt.Sprintf("generate_series(1, %d) AS n(i)", n) }
		ago = func(secs string) string {
			return fmt.Sprintf("(timestamptz '%s' - (%s) * interval '1 second')", now.UTC().Format(time.RFC3339), secs)
		}
	default:
		tb.Fatalf("seedBulk: unknown store %T", st)
	}
	statuses := "CASE i % 8 WHEN 0 THEN 'open' WHEN 1 THEN 'assigned' WHEN 2 THEN 'in_progress' WHEN 3 THEN 'on_hold' " +
		"WHEN 4 THEN 'completed' WHEN 5 THEN 'verified' WHEN 6 THEN 'closed' ELSE 'cancelled' END"
	exec := func(q string) {
		tb.Helper()
		if strings.Contains(q, "?") {
			tb.Fatalf("seedBulk: a placeholder in %s", q)
		}
		storetest.Exec(tb, st, q)
	}
	if n.WorkOrders > 0 {
		exec(fmt.Sprintf(`INSERT INTO work_orders (org_id, property_id, title, description, priority, status, due_at, sla_breached_at, created_at, updated_at)
SELECT %d, %d, 'Work order ' || i, 'Seeded', 'normal', %s, %s, CASE WHEN i %% 5 = 0 THEN %s END, %s, %s FROM %s`,
			org, property, statuses, ago("(i % 200 - 100) * 3600"), ago("0"), ago("i * 60"), ago("i * 60"), series(n.WorkOrders)))
	}
	if n.Deliveries > 0 {
		exec(fmt.Sprintf(`INSERT INTO webhooks (org_id, url, events, retry_schedule, timeout_seconds, source, secret, previous_secret, created_at, updated_at)
VALUES (%d, 'http://127.0.0.1:1/hook', '["*"]', '[]', 10, 'api', '', '', %s, %s)`, org, ago("86400 * 60"), ago("86400 * 60")))
		st := "CASE WHEN i % 20 = 0 THEN 'failed' WHEN i % 20 = 1 THEN 'pending' ELSE 'succeeded' END"
		exec(fmt.Sprintf(`INSERT INTO webhook_deliveries (org_id, webhook_id, event_id, event_type, status, attempts, created_at, updated_at, completed_at)
SELECT %d, (SELECT max(id) FROM webhooks WHERE org_id = %d), 'evt_seed_' || i, 'payment.succeeded', %s, 1, %s, %s,
    CASE WHEN i %% 20 = 1 THEN NULL ELSE %s END FROM %s`,
			org, org, st, ago(fmt.Sprintf("i * %d", 30*86400/n.Deliveries)), ago(fmt.Sprintf("i * %d", 30*86400/n.Deliveries)),
			ago(fmt.Sprintf("i * %d - 1", 30*86400/n.Deliveries)), series(n.Deliveries)))
	}
	if n.Payments > 0 {
		exec(fmt.Sprintf(`INSERT INTO payments (org_id, tenant_id, amount, method, status, created_at)
SELECT %d, %d, 1000 + i, 'ach', CASE WHEN i %% 10 = 0 THEN 'failed' ELSE 'succeeded' END, %s FROM %s`,
			org, tenant, ago(fmt.Sprintf("i * %d", 30*86400/n.Payments)), series(n.Payments)))
	}
	if n.Charges > 0 {
		due := now.AddDate(0, 0, -30)
		exec(fmt.Sprintf(`INSERT INTO charges (org_id, tenant_id, amount, balance, description, due_date, category, status, created_at, updated_at)
SELECT %d, %d, 5000, 5000, 'Rent', '%s', 'rent', 'open', %s, %s FROM %s`,
			org, tenant, due.Format(porter.DateLayout), ago("0"), ago("0"), series(n.Charges)))
	}
}
