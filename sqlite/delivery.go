package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"porter"
	"porter/sqlite/internal/db"
)

// The delivery queue's SQL is written by hand, not by sqlc: its batches
// travel as one JSON array parameter each (json_each), so one prepared
// statement serves any batch size.

const deliveryColumns = `id, webhook_id, event_type, event_id, status, attempts, next_attempt_at, response_status,
       error, test, created_at, updated_at, completed_at, lease_token`

const (
	qWebhookConfigVersion = `SELECT version FROM webhook_config WHERE id = 1`
	qEnabledWebhooks      = `SELECT w.id, w.org_id, w.url, w.events, w.description, w.retry_schedule, w.timeout_seconds, w.headers, w.ordered,
       w.enabled, w.disabled_reason, w.source, w.secret, w.previous_secret, w.previous_secret_expires_at, w.secret_rotated_at,
       w.created_at, w.updated_at, w.signature, w.public_key, w.payload_format, w.signature_header, o.public_id
FROM webhooks w JOIN organizations o ON o.id = w.org_id WHERE w.enabled ORDER BY w.id`
	qOutboxEvents = `SELECT seq, org_id, type, fired_at, resource_type, resource_id, data, previous_attributes, integration_id, first_sync
FROM events WHERE seq > (SELECT seq FROM outbox_cursor WHERE id = 1) ORDER BY seq LIMIT ?`
	qMarkFannedOut    = `UPDATE outbox_cursor SET seq = max(seq, ?) WHERE id = 1`
	qPendingResources = `SELECT DISTINCT resource_key FROM webhook_deliveries
WHERE webhook_id = ? AND status = 'pending' AND resource_key <> ''
  AND resource_key IN (SELECT value FROM json_each(?))`
	// A delivery of an ordered webhook waits while an earlier one about
	// its resource is pending.
	qClaimCandidates = `SELECT d.id FROM webhook_deliveries d
WHERE d.webhook_id = ?1 AND d.status = 'pending' AND d.next_attempt_at <= ?2
  AND (d.resource_key = '' OR NOT EXISTS (
        SELECT 1 FROM webhook_deliveries p
        WHERE p.webhook_id = d.webhook_id AND p.resource_key = d.resource_key AND p.status = 'pending'
          AND p.resource_key <> '' AND p.event_seq < d.event_seq))
ORDER BY d.next_attempt_at
LIMIT ?3`
	qEventsBySeq = `SELECT seq, org_id, type, fired_at, resource_type, resource_id, data, previous_attributes, integration_id, first_sync
FROM events WHERE seq IN (SELECT value FROM json_each(?))`
	qReleaseDeliveries = `UPDATE webhook_deliveries
SET attempts = attempts - 1, next_attempt_at = ?1, lease_owner = '', lease_token = '', updated_at = ?1
FROM json_each(?2) j
WHERE webhook_deliveries.id = j.value ->> 'i' AND webhook_deliveries.lease_token = j.value ->> 't'
  AND webhook_deliveries.status = 'pending'`
	healthColumns = `webhook_id, consecutive_failures, failing_since, circuit_state, circuit_failures, circuit_opens,
       circuit_opened_at, circuit_probe_at, circuit_probe_token`
	qWebhookHealth = `SELECT ` + healthColumns + ` FROM webhook_health
WHERE webhook_id IN (SELECT value FROM json_each(?))`
	qSetWebhookHealth = `INSERT INTO webhook_health (` + healthColumns + `)
SELECT j.value ->> 'w', j.value ->> 'f', j.value ->> 's', j.value ->> 'cs', j.value ->> 'cf', j.value ->> 'co',
       j.value ->> 'ca', j.value ->> 'cp', j.value ->> 'ct'
FROM json_each(?) j
WHERE EXISTS (SELECT 1 FROM webhooks w WHERE w.id = j.value ->> 'w')
ON CONFLICT (webhook_id) DO UPDATE SET consecutive_failures = excluded.consecutive_failures, failing_since = excluded.failing_since,
    circuit_state = excluded.circuit_state, circuit_failures = excluded.circuit_failures, circuit_opens = excluded.circuit_opens,
    circuit_opened_at = excluded.circuit_opened_at, circuit_probe_at = excluded.circuit_probe_at,
    circuit_probe_token = excluded.circuit_probe_token`
	qOpenCircuits = `SELECT ` + healthColumns + ` FROM webhook_health WHERE circuit_state <> 'closed'
  AND (?1 IS NULL OR webhook_id IN (SELECT value FROM json_each(?1)))`
	// Only deliveries no node holds wait: a leased one's next_attempt_at
	// is its lease.
	qHoldDeliveries = `UPDATE webhook_deliveries SET next_attempt_at = ?2
WHERE webhook_id = ?1 AND status = 'pending' AND lease_token = '' AND next_attempt_at < ?2`
	qReleaseHeld = `UPDATE webhook_deliveries SET next_attempt_at = ?3
WHERE webhook_id = ?1 AND status = 'pending' AND lease_token = '' AND next_attempt_at > ?3 AND next_attempt_at <= ?2`
	qWebhookHealthOf = `SELECT h.webhook_id, h.consecutive_failures, h.failing_since, h.circuit_state, h.circuit_failures,
       h.circuit_opens, h.circuit_opened_at, h.circuit_probe_at, h.circuit_probe_token
FROM webhook_health h JOIN webhooks w ON w.id = h.webhook_id
WHERE w.org_id = ?1 AND h.webhook_id IN (SELECT value FROM json_each(?2))`
	qCircuitStats = `SELECT count(*) FILTER (WHERE circuit_state = 'open'), count(*) FILTER (WHERE circuit_state = 'half_open')
FROM webhook_health WHERE circuit_state <> 'closed'`
	// Rows are pruned oldest first, looking at no more than the oldest
	// limit rows: ids grow with time, so old rows lead.
	qPruneAttempts = `DELETE FROM webhook_attempts WHERE id IN (
    SELECT id FROM (SELECT id, started_at FROM webhook_attempts ORDER BY id LIMIT ?2) WHERE started_at < ?1)`
	qPruneDeliveries = `DELETE FROM webhook_deliveries WHERE id IN (
    SELECT id FROM (SELECT id, status, completed_at FROM webhook_deliveries ORDER BY id LIMIT ?2)
    WHERE status <> 'pending' AND completed_at < ?1)`

	// The total is counted up to porter.TotalCap+1 rows, so that a page
	// costs the same however many deliveries match.
	qDeliveries = `SELECT ` + deliveryColumns + `, (SELECT count(*) FROM (SELECT 1 FROM webhook_deliveries
    WHERE org_id = ?1 AND (?2 = 0 OR webhook_id = ?2) AND (?3 = '' OR status = ?3) AND (?4 = '' OR event_type = ?4)
      AND updated_at >= ?5 LIMIT 10001)) AS total FROM webhook_deliveries
WHERE org_id = ?1 AND (?2 = 0 OR webhook_id = ?2) AND (?3 = '' OR status = ?3) AND (?4 = '' OR event_type = ?4)
  AND updated_at >= ?5 AND id < ?8
ORDER BY id DESC LIMIT ?6 OFFSET ?7`
	qDelivery         = `SELECT ` + deliveryColumns + ` FROM webhook_deliveries WHERE org_id = ? AND id = ?`
	qDeliveryPayload  = `SELECT payload FROM webhook_deliveries WHERE org_id = ? AND id = ?`
	qDeliveryAttempts = `SELECT a.attempt_id, a.delivery_id, a.number, a.started_at, a.duration_ms, a.url, a.request_headers,
       a.response_status, a.response_headers, a.response_body, a.error
FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
WHERE d.org_id = ? AND a.delivery_id = ? ORDER BY a.id`
	qRequeueDelivery = `UPDATE webhook_deliveries
SET status = 'pending', next_attempt_at = ?3, retry_from = attempts, lease_owner = '', lease_token = '',
    completed_at = NULL, updated_at = ?3
WHERE org_id = ?1 AND id = ?2 AND NOT (status = 'pending' AND lease_token <> '' AND next_attempt_at > ?3)`
	qRequeueFailed = `UPDATE webhook_deliveries
SET status = 'pending', next_attempt_at = ?4, retry_from = attempts, completed_at = NULL, updated_at = ?4
WHERE org_id = ?1 AND webhook_id = ?2 AND status = 'failed' AND created_at >= ?3`
	qFailPending = `UPDATE webhook_deliveries
SET status = 'failed', error = ?3, next_attempt_at = NULL, lease_owner = '', lease_token = '', completed_at = ?4, updated_at = ?4
WHERE org_id = ?1 AND webhook_id = ?2 AND status = 'pending'`
	qDeliveryStats   = `SELECT count(*), min(id) FROM webhook_deliveries WHERE status = 'pending'`
	qDeliveryCreated = `SELECT created_at FROM webhook_deliveries WHERE id = ?`
	qDueWebhooks     = `SELECT webhook_id, count(*), min(next_attempt_at) AS oldest FROM (
    SELECT webhook_id, next_attempt_at FROM webhook_deliveries INDEXED BY webhook_deliveries_due_time
    WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?)
GROUP BY webhook_id ORDER BY oldest`
)

// The hottest statements take their rows as VALUES lists, prepared for a
// few list lengths: SQLite binds parameters far faster than it parses
// JSON, and these run for every delivery and every attempt.
var (
	vInsertDeliveries = newValuesQuery(`INSERT INTO webhook_deliveries (org_id, webhook_id, event_seq, event_id, event_type, resource_key, test,
       payload, status, attempts, next_attempt_at, lease_owner, lease_token, created_at, updated_at) VALUES `,
		`(?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)`, ` RETURNING id`)
	vLeaseDeliveries = newValuesQuery(`UPDATE webhook_deliveries
SET attempts = attempts + 1, next_attempt_at = v.column2, lease_owner = ?1, lease_token = v.column3, updated_at = ?2
FROM (VALUES `, `(?, ?, ?)`, `) v
WHERE webhook_deliveries.id = v.column1
RETURNING webhook_deliveries.id, org_id, webhook_id, event_seq, event_id, event_type, resource_key, test, payload,
          attempts, retry_from, next_attempt_at, lease_token, created_at`)
	// An attempt of a delivery deleted meanwhile (its webhook was) is dropped.
	vInsertAttempts = newValuesQuery(`INSERT INTO webhook_attempts (delivery_id, attempt_id, number, started_at, duration_ms, url, request_headers,
       response_status, response_headers, response_body, error)
SELECT * FROM (VALUES `, `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `) v
WHERE EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.id = v.column1)`)
	vFinishAttempts = newValuesQuery(`UPDATE webhook_deliveries
SET status = v.column3, next_attempt_at = v.column4, lease_owner = '', lease_token = '',
    response_status = v.column5, error = v.column6, updated_at = ?1,
    completed_at = CASE WHEN v.column3 = 'pending' THEN NULL ELSE ?1 END
FROM (VALUES `, `(?, ?, ?, ?, ?, ?)`, `) v
WHERE webhook_deliveries.id = v.column1 AND webhook_deliveries.lease_token = v.column2
  AND webhook_deliveries.status = 'pending'
RETURNING webhook_deliveries.id`)
)

// valuesChunks are the VALUES list lengths prepared; a batch is cut into
// them, longest first.
var valuesChunks = []int{64, 16, 4, 1}

// valuesQuery is a statement around a VALUES list, one text per chunk length.
type valuesQuery struct{ texts map[int]string }

func newValuesQuery(head, row, tail string) *valuesQuery {
	v := &valuesQuery{texts: map[int]string{}}
	for _, n := range valuesChunks {
		v.texts[n] = head + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + tail
	}
	return v
}

// each calls fn with the text and rows of each chunk of rows.
func (v *valuesQuery) each(rows [][]any, fn func(query string, args []any) error, fixed ...any) error {
	for len(rows) > 0 {
		n := valuesChunks[len(valuesChunks)-1]
		for _, c := range valuesChunks {
			if c <= len(rows) {
				n = c
				break
			}
		}
		args := append([]any{}, fixed...)
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if err := fn(v.texts[n], args); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func (v *valuesQuery) all() []string {
	out := make([]string, 0, len(v.texts))
	for _, n := range valuesChunks {
		out = append(out, v.texts[n])
	}
	return out
}

// Every hand-written query is prepared on the write connection; the read
// pool prepares the ones read transactions use.
var (
	readQueries = []string{qDeliveries, qDelivery, qDeliveryAttempts, qDeliveryStats, qDeliveryCreated, qDueWebhooks, qCircuitStats,
		qWebhookHealthOf}
	writeQueries = slices.Concat([]string{qWebhookConfigVersion, qEnabledWebhooks, qOutboxEvents, qMarkFannedOut, qPendingResources,
		qClaimCandidates, qEventsBySeq, qReleaseDeliveries, qWebhookHealth, qSetWebhookHealth, qPruneAttempts, qPruneDeliveries,
		qRequeueDelivery, qRequeueFailed, qFailPending, qOpenCircuits, qHoldDeliveries, qReleaseHeld},
		vInsertDeliveries.all(), vLeaseDeliveries.all(), vInsertAttempts.all(), vFinishAttempts.all(), readQueries)
)

// UpdateQueue runs fn through the one writer, like every other write.
func (d *DB) UpdateQueue(ctx context.Context, fn func(porter.QueueTx) error) error {
	return d.Update(ctx, 0, func(t porter.Tx) error { return fn(&queueTx{t.(*tx)}) })
}

// WatchQueue wakes the engine in-process: SQLite serves one node.
func (d *DB) WatchQueue(ctx context.Context) porter.QueueWatch { return d.signals.Watch(ctx) }

// DeliveryStats counts pending deliveries through the due index.
func (d *DB) DeliveryStats(ctx context.Context) (porter.DeliveryStats, error) {
	var st porter.DeliveryStats
	var minID sql.NullInt64
	if err := d.read.QueryRowContext(ctx, qDeliveryStats).Scan(&st.Pending, &minID); err != nil {
		return st, fmt.Errorf("delivery stats: %w", err)
	}
	if minID.Valid {
		var created string
		err := d.read.QueryRowContext(ctx, qDeliveryCreated, minID.Int64).Scan(&created)
		if err == nil {
			t := pts(created)
			st.OldestPendingAt = &t
		} else if !errors.Is(err, sql.ErrNoRows) {
			return st, fmt.Errorf("delivery stats: %w", err)
		}
	}
	if err := d.read.QueryRowContext(ctx, qCircuitStats).Scan(&st.OpenCircuits, &st.HalfOpenCircuits); err != nil {
		return st, fmt.Errorf("delivery stats: circuits: %w", err)
	}
	return st, nil
}

// DueWebhooks reads through the read pool: a sweep never waits for the writer.
func (d *DB) DueWebhooks(ctx context.Context, now time.Time, limit int) ([]porter.DueCount, error) {
	rows, err := d.read.QueryContext(ctx, qDueWebhooks, ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due webhooks: %w", err)
	}
	defer rows.Close()
	var out []porter.DueCount
	for rows.Next() {
		var c porter.DueCount
		var oldest string
		if err := rows.Scan(&c.WebhookID, &c.N, &oldest); err != nil {
			return nil, fmt.Errorf("due webhooks: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// queueTx is a write transaction of the delivery engine, across organizations.
type queueTx struct{ *tx }

func (q *queueTx) For(orgID int64) porter.Tx {
	t := *q.tx
	t.orgID = orgID
	return &t
}

func (q *queueTx) NotifyDue(context.Context) error {
	q.wake.deliveries = true
	return nil
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (int64, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return 0, err
	}
	res, err := s.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func jsonArg(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("sqlite: encode batch: %v", err)) // only plain values are encoded
	}
	return string(b)
}

func (q *queueTx) WebhookConfigVersion(ctx context.Context) (int64, error) {
	rows, err := q.query(ctx, qWebhookConfigVersion)
	if err != nil {
		return 0, fmt.Errorf("webhook config version: %w", err)
	}
	defer rows.Close()
	var v int64
	if rows.Next() {
		err = rows.Scan(&v)
	}
	return v, errors.Join(err, rows.Err())
}

func (q *queueTx) EnabledWebhooks(ctx context.Context) ([]*porter.QueueWebhook, error) {
	rows, err := q.query(ctx, qEnabledWebhooks)
	if err != nil {
		return nil, fmt.Errorf("enabled webhooks: %w", err)
	}
	defer rows.Close()
	var out []*porter.QueueWebhook
	for rows.Next() {
		var r db.Webhook
		var publicID string
		if err := rows.Scan(&r.ID, &r.OrgID, &r.Url, &r.Events, &r.Description, &r.RetrySchedule, &r.TimeoutSeconds, &r.Headers,
			&r.Ordered, &r.Enabled, &r.DisabledReason, &r.Source, &r.Secret, &r.PreviousSecret, &r.PreviousSecretExpiresAt,
			&r.SecretRotatedAt, &r.CreatedAt, &r.UpdatedAt, &r.Signature, &r.PublicKey, &r.PayloadFormat, &r.SignatureHeader,
			&publicID); err != nil {
			return nil, fmt.Errorf("enabled webhooks: %w", err)
		}
		out = append(out, &porter.QueueWebhook{OrgID: r.OrgID, OrgPublicID: publicID, Webhook: webhook(r), Sealed: porter.WebhookSealedSecrets{
			Current: r.Secret, Previous: r.PreviousSecret, PreviousExpiresAt: pnts(r.PreviousSecretExpiresAt)}})
	}
	return out, rows.Err()
}

func scanEvents(rows *sql.Rows) ([]*porter.Event, error) {
	defer rows.Close()
	var out []*porter.Event
	for rows.Next() {
		var r db.Event
		if err := rows.Scan(&r.Seq, &r.OrgID, &r.Type, &r.FiredAt, &r.ResourceType, &r.ResourceID, &r.Data, &r.PreviousAttributes,
			&r.IntegrationID, &r.FirstSync); err != nil {
			return nil, err
		}
		out = append(out, event(r))
	}
	return out, rows.Err()
}

func (q *queueTx) OutboxEvents(ctx context.Context, limit int) ([]*porter.Event, error) {
	rows, err := q.query(ctx, qOutboxEvents, limit)
	if err != nil {
		return nil, fmt.Errorf("outbox events: %w", err)
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("outbox events: %w", err)
	}
	return evs, nil
}

func (q *queueTx) MarkFannedOut(ctx context.Context, events []*porter.Event) error {
	var last int64
	for _, e := range events {
		last = max(last, e.Seq)
	}
	if _, err := q.exec(ctx, qMarkFannedOut, last); err != nil {
		return fmt.Errorf("mark fanned out: %w", err)
	}
	return nil
}

func (q *queueTx) PendingResources(ctx context.Context, webhookID int64, keys []string) (map[string]bool, error) {
	rows, err := q.query(ctx, qPendingResources, webhookID, jsonArg(keys))
	if err != nil {
		return nil, fmt.Errorf("pending resources: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("pending resources: %w", err)
		}
		out[k] = true
	}
	return out, rows.Err()
}

func (t *tx) insertDeliveries(ctx context.Context, owner string, ds []*porter.QueuedDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	rows := make([][]any, len(ds))
	for i, d := range ds {
		var payload []byte
		if d.Test {
			payload = d.Body
		}
		attempts, next, lowner := 0, ts(d.CreatedAt), ""
		if !d.DueAt.IsZero() {
			next = ts(d.DueAt)
		}
		if d.LeaseToken != "" {
			attempts, next, lowner = 1, ts(d.LeaseUntil), owner
		}
		created := ts(d.CreatedAt)
		rows[i] = []any{d.OrgID, d.WebhookID, d.EventSeq, d.EventID, d.EventType, d.ResourceKey, d.Test, payload,
			attempts, next, lowner, d.LeaseToken, created, created}
	}
	ids := make([]int64, 0, len(ds))
	err := vInsertDeliveries.each(rows, func(query string, args []any) error {
		res, err := t.query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer res.Close()
		for res.Next() {
			var id int64
			if err := res.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return res.Err()
	})
	if err != nil {
		return fmt.Errorf("insert deliveries: %w", err)
	}
	if len(ids) != len(ds) {
		return fmt.Errorf("insert deliveries: %d ids for %d rows", len(ids), len(ds))
	}
	// Rows are numbered in the order inserted; RETURNING promises no order.
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for i, d := range ds {
		d.ID = ids[i]
		if d.LeaseToken == "" && d.DueAt.IsZero() {
			t.wake.deliveries = true // due at once for any worker
		}
	}
	return nil
}

func (q *queueTx) InsertDeliveries(ctx context.Context, owner string, ds []*porter.QueuedDelivery) error {
	return q.insertDeliveries(ctx, owner, ds)
}

type leaseRow struct {
	ID    int64  `json:"i"`
	Until string `json:"u"`
	Token string `json:"t"`
}

func (q *queueTx) ClaimDeliveries(ctx context.Context, owner string, now time.Time, wants []porter.ClaimWant, token func() string) ([]*porter.QueuedDelivery, error) {
	cand, err := q.stmt(ctx, qClaimCandidates)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	var leases []leaseRow
	for _, w := range wants {
		rows, err := cand.QueryContext(ctx, w.WebhookID, ts(now), w.N)
		if err != nil {
			return nil, fmt.Errorf("claim deliveries: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("claim deliveries: %w", err)
			}
			leases = append(leases, leaseRow{ID: id, Until: ts(w.LeaseUntil), Token: token()})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("claim deliveries: %w", err)
		}
	}
	if len(leases) == 0 {
		return nil, nil
	}
	rows := make([][]any, len(leases))
	for i, l := range leases {
		rows[i] = []any{l.ID, l.Until, l.Token}
	}
	var ds []*porter.QueuedDelivery
	err = vLeaseDeliveries.each(rows, func(query string, args []any) error {
		res, err := q.query(ctx, query, args...)
		if err != nil {
			return err
		}
		got, err := scanQueued(res)
		ds = append(ds, got...)
		return err
	}, owner, ts(now))
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].ID < ds[j].ID })
	if err := q.loadBodies(ctx, ds); err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return ds, nil
}

func scanQueued(rows *sql.Rows) ([]*porter.QueuedDelivery, error) {
	defer rows.Close()
	var out []*porter.QueuedDelivery
	for rows.Next() {
		d := &porter.QueuedDelivery{}
		var payload []byte
		var next sql.NullString
		var created string
		if err := rows.Scan(&d.ID, &d.OrgID, &d.WebhookID, &d.EventSeq, &d.EventID, &d.EventType, &d.ResourceKey, &d.Test, &payload,
			&d.Attempt, &d.RetryFrom, &next, &d.LeaseToken, &created); err != nil {
			return nil, err
		}
		if next.Valid {
			d.LeaseUntil = pts(next.String)
		}
		d.CreatedAt = pts(created)
		d.Body = payload
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// loadBodies sets the body of every delivery of an event: its envelope.
func (t *tx) loadBodies(ctx context.Context, ds []*porter.QueuedDelivery) error {
	var seqs []int64
	for _, d := range ds {
		if !d.Test {
			seqs = append(seqs, d.EventSeq)
		}
	}
	if len(seqs) == 0 {
		return nil
	}
	rows, err := t.query(ctx, qEventsBySeq, jsonArg(seqs))
	if err != nil {
		return err
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return err
	}
	bodies := make(map[int64][]byte, len(evs))
	bySeq := make(map[int64]*porter.Event, len(evs))
	for _, e := range evs {
		if bodies[e.Seq], err = json.Marshal(e); err != nil {
			return err
		}
		bySeq[e.Seq] = e
	}
	for _, d := range ds {
		if !d.Test {
			d.Body = bodies[d.EventSeq]
			// A per-model sync delivery (seed 001) carries its event reshaped.
			if e := bySeq[d.EventSeq]; e != nil && d.EventType != e.Type {
				if d.Body, err = porter.EventBody(e, d.EventType); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (q *queueTx) RecordAttempts(ctx context.Context, now time.Time, rs []*porter.AttemptRecord) ([]bool, error) {
	attempts := make([][]any, len(rs))
	finish := make([][]any, len(rs))
	for i, r := range rs {
		a := r.Attempt
		var code any
		if a.ResponseStatus != nil {
			code = *a.ResponseStatus
		}
		attempts[i] = []any{r.Delivery.ID, a.ID, a.Number, ts(a.StartedAt), a.DurationMS, a.URL, encodeHeaders(a.RequestHeaders),
			code, encodeHeaders(a.ResponseHeaders), a.ResponseBody, a.Error}
		var next any
		if r.NextAttemptAt != nil {
			next = ts(*r.NextAttemptAt)
		}
		finish[i] = []any{r.Delivery.ID, r.Delivery.LeaseToken, r.Status, next, code, a.Error}
	}
	err := vInsertAttempts.each(attempts, func(query string, args []any) error {
		_, err := q.exec(ctx, query, args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("insert attempts: %w", err)
	}
	moved := map[int64]bool{}
	err = vFinishAttempts.each(finish, func(query string, args []any) error {
		rows, err := q.query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			moved[id] = true
		}
		return rows.Err()
	}, ts(now))
	if err != nil {
		return nil, fmt.Errorf("finish attempts: %w", err)
	}
	applied := make([]bool, len(rs))
	for i, r := range rs {
		applied[i] = moved[r.Delivery.ID]
		if applied[i] && r.Status == porter.DeliveryPending {
			q.wake.deliveries = true
		}
	}
	return applied, nil
}

func (q *queueTx) ReleaseDeliveries(ctx context.Context, now time.Time, ds []*porter.QueuedDelivery) error {
	rows := make([]leaseRow, len(ds))
	for i, d := range ds {
		rows[i] = leaseRow{ID: d.ID, Token: d.LeaseToken}
	}
	if _, err := q.exec(ctx, qReleaseDeliveries, ts(now), jsonArg(rows)); err != nil {
		return fmt.Errorf("release deliveries: %w", err)
	}
	q.wake.deliveries = true
	return nil
}

func (q *queueTx) WebhookHealth(ctx context.Context, ids []int64) (map[int64]*porter.WebhookHealth, error) {
	rows, err := q.query(ctx, qWebhookHealth, jsonArg(ids))
	if err != nil {
		return nil, fmt.Errorf("webhook health: %w", err)
	}
	out, err := scanHealth(rows)
	if err != nil {
		return nil, fmt.Errorf("webhook health: %w", err)
	}
	return out, nil
}

func scanHealth(rows *sql.Rows) (map[int64]*porter.WebhookHealth, error) {
	defer rows.Close()
	out := map[int64]*porter.WebhookHealth{}
	for rows.Next() {
		h := &porter.WebhookHealth{}
		c := &h.Circuit
		var since, opened, probe sql.NullString
		if err := rows.Scan(&h.WebhookID, &h.ConsecutiveFailures, &since, &c.State, &c.Failures, &c.Opens, &opened, &probe,
			&c.ProbeToken); err != nil {
			return nil, err
		}
		h.FailingSince, c.OpenedAt, c.ProbeAt = pnts(since), pnts(opened), pnts(probe)
		out[h.WebhookID] = h
	}
	return out, rows.Err()
}

func (q *queueTx) OpenCircuits(ctx context.Context, ids []int64) (map[int64]*porter.WebhookHealth, error) {
	var arg any
	if ids != nil {
		arg = jsonArg(ids)
	}
	rows, err := q.query(ctx, qOpenCircuits, arg)
	if err != nil {
		return nil, fmt.Errorf("open circuits: %w", err)
	}
	out, err := scanHealth(rows)
	if err != nil {
		return nil, fmt.Errorf("open circuits: %w", err)
	}
	return out, nil
}

func (q *queueTx) HoldDeliveries(ctx context.Context, webhookID int64, until time.Time) error {
	if _, err := q.exec(ctx, qHoldDeliveries, webhookID, ts(until)); err != nil {
		return fmt.Errorf("hold deliveries of webhook %d: %w", webhookID, err)
	}
	return nil
}

func (q *queueTx) ReleaseHeld(ctx context.Context, webhookID int64, until, now time.Time) error {
	n, err := q.exec(ctx, qReleaseHeld, webhookID, ts(until), ts(now))
	if err != nil {
		return fmt.Errorf("release held deliveries of webhook %d: %w", webhookID, err)
	}
	if n > 0 {
		q.wake.deliveries = true
	}
	return nil
}

func (t *tx) CloseWebhookCircuit(ctx context.Context, id int64, now time.Time) error {
	q := &queueTx{t}
	open, err := q.OpenCircuits(ctx, []int64{id})
	if err != nil {
		return fmt.Errorf("close circuit of webhook %d: %w", id, err)
	}
	h := open[id]
	if h == nil {
		return nil
	}
	until, held := h.Circuit.HoldUntil()
	h.Circuit = porter.Circuit{State: porter.CircuitClosed}
	if err := q.SetWebhookHealth(ctx, []*porter.WebhookHealth{h}); err != nil {
		return err
	}
	if held {
		return q.ReleaseHeld(ctx, id, until, now)
	}
	return nil
}

func (t *tx) WebhookHealthOf(ctx context.Context, ids []int64) (map[int64]*porter.WebhookHealth, error) {
	rows, err := t.query(ctx, qWebhookHealthOf, t.orgID, jsonArg(ids))
	if err != nil {
		return nil, fmt.Errorf("webhook health: %w", err)
	}
	out, err := scanHealth(rows)
	if err != nil {
		return nil, fmt.Errorf("webhook health: %w", err)
	}
	return out, nil
}

type healthRow struct {
	Webhook  int64   `json:"w"`
	Failures int     `json:"f"`
	Since    *string `json:"s"`
	State    string  `json:"cs"`
	CFail    int     `json:"cf"`
	Opens    int     `json:"co"`
	Opened   *string `json:"ca"`
	Probe    *string `json:"cp"`
	Token    string  `json:"ct"`
}

func nsts(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := ts(*t)
	return &s
}

func (q *queueTx) SetWebhookHealth(ctx context.Context, hs []*porter.WebhookHealth) error {
	if len(hs) == 0 {
		return nil
	}
	rows := make([]healthRow, len(hs))
	for i, h := range hs {
		c := h.Circuit
		if c.State == "" {
			c.State = porter.CircuitClosed
		}
		rows[i] = healthRow{Webhook: h.WebhookID, Failures: h.ConsecutiveFailures, Since: nsts(h.FailingSince),
			State: c.State, CFail: c.Failures, Opens: c.Opens, Opened: nsts(c.OpenedAt), Probe: nsts(c.ProbeAt), Token: c.ProbeToken}
	}
	if _, err := q.exec(ctx, qSetWebhookHealth, jsonArg(rows)); err != nil {
		return fmt.Errorf("set webhook health: %w", err)
	}
	return nil
}

func (q *queueTx) PruneDeliveries(ctx context.Context, before time.Time, limit int) (int, error) {
	a, err := q.exec(ctx, qPruneAttempts, ts(before), limit)
	if err != nil {
		return 0, fmt.Errorf("prune attempts: %w", err)
	}
	d, err := q.exec(ctx, qPruneDeliveries, ts(before), limit)
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", err)
	}
	return int(a + d), nil
}

// The delivery log of one organization.

func scanDelivery(sc interface{ Scan(...any) error }, extra ...any) (*porter.Delivery, error) {
	d := &porter.Delivery{}
	var next, completed sql.NullString
	var status sql.NullInt64
	var created, updated, token string
	dest := append([]any{&d.ID, &d.WebhookID, &d.Event, &d.EventID, &d.Status, &d.AttemptCount, &next, &status,
		&d.Error, &d.Test, &created, &updated, &completed, &token}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	if d.Status == porter.DeliveryPending {
		d.NextAttemptAt = pnts(next)
	}
	if status.Valid {
		s := int(status.Int64)
		d.ResponseStatus = &s
	}
	d.CreatedAt, d.UpdatedAt, d.CompletedAt = pts(created), pts(updated), pnts(completed)
	return d, nil
}

func (t *tx) Deliveries(ctx context.Context, f porter.DeliveryFilter) (porter.List[*porter.Delivery], error) {
	var out porter.List[*porter.Delivery]
	rows, err := t.query(ctx, qDeliveries, t.orgID, f.WebhookID, f.Status, f.Event, since(f.UpdatedSince), f.Limit(), f.Offset(), f.Below())
	if err != nil {
		return out, fmt.Errorf("list deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var total int
		d, err := scanDelivery(rows, &total)
		if err != nil {
			return out, fmt.Errorf("list deliveries: %w", err)
		}
		out.Items, out.Total = append(out.Items, d), total
	}
	return out, rows.Err()
}

func (t *tx) Delivery(ctx context.Context, id int64) (*porter.Delivery, error) {
	rows, err := t.query(ctx, qDelivery, t.orgID, id)
	if err != nil {
		return nil, fmt.Errorf("get delivery %d: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("get delivery %d: %w", id, err)
		}
		return nil, porter.NotFound("delivery", id)
	}
	d, err := scanDelivery(rows)
	if err != nil {
		return nil, fmt.Errorf("get delivery %d: %w", id, err)
	}
	return d, nil
}

func (t *tx) DeliveryPayload(ctx context.Context, id int64) ([]byte, error) {
	rows, err := t.query(ctx, qDeliveryPayload, t.orgID, id)
	if err != nil {
		return nil, fmt.Errorf("delivery %d payload: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("delivery %d payload: %w", id, err)
		}
		return nil, porter.NotFound("delivery", id)
	}
	var payload []byte
	if err := rows.Scan(&payload); err != nil {
		return nil, fmt.Errorf("delivery %d payload: %w", id, err)
	}
	return payload, rows.Err()
}

func (t *tx) DeliveryAttempts(ctx context.Context, deliveryID int64) ([]*porter.DeliveryAttempt, error) {
	rows, err := t.query(ctx, qDeliveryAttempts, t.orgID, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("delivery %d attempts: %w", deliveryID, err)
	}
	defer rows.Close()
	out := []*porter.DeliveryAttempt{}
	for rows.Next() {
		a := &porter.DeliveryAttempt{}
		var started, req, res string
		var status sql.NullInt64
		if err := rows.Scan(&a.ID, &a.DeliveryID, &a.Number, &started, &a.DurationMS, &a.URL, &req, &status, &res, &a.ResponseBody, &a.Error); err != nil {
			return nil, fmt.Errorf("delivery %d attempts: %w", deliveryID, err)
		}
		a.StartedAt, a.RequestHeaders, a.ResponseHeaders = pts(started), decodeHeaders(req), decodeHeaders(res)
		if status.Valid {
			s := int(status.Int64)
			a.ResponseStatus = &s
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (t *tx) RequeueDelivery(ctx context.Context, id int64, now time.Time) error {
	n, err := t.exec(ctx, qRequeueDelivery, t.orgID, id, ts(now))
	if err != nil {
		return fmt.Errorf("requeue delivery %d: %w", id, err)
	}
	if n == 0 {
		if _, err := t.Delivery(ctx, id); err != nil {
			return err
		}
		return porter.Errorf(porter.ECONFLICT, "delivery %d is being attempted now; replay it once the attempt ends", id)
	}
	t.wake.deliveries = true
	return nil
}

func (t *tx) RequeueFailedDeliveries(ctx context.Context, webhookID int64, since, now time.Time) (int, error) {
	n, err := t.exec(ctx, qRequeueFailed, t.orgID, webhookID, ts(since), ts(now))
	if err != nil {
		return 0, err
	}
	if n > 0 {
		t.wake.deliveries = true
	}
	return int(n), nil
}

func (t *tx) InsertDelivery(ctx context.Context, d *porter.QueuedDelivery) error {
	d.OrgID = t.orgID
	return t.insertDeliveries(ctx, "", []*porter.QueuedDelivery{d})
}

func (t *tx) FailPendingDeliveries(ctx context.Context, webhookID int64, reason string, now time.Time) (int, error) {
	n, err := t.exec(ctx, qFailPending, t.orgID, webhookID, reason, ts(now))
	if err != nil {
		return 0, fmt.Errorf("fail pending deliveries: %w", err)
	}
	return int(n), nil
}
