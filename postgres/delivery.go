package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"porter"
	"porter/postgres/internal/db"
)

// The delivery queue's SQL is written by hand, not by sqlc: its batches
// travel as one JSON array parameter each (jsonb_to_recordset), as on
// SQLite, so one statement serves any batch size.

// queueChannel carries the engine's wake-ups between nodes: "e:<node>"
// after commits that recorded events (notify.go), "d" after one that made
// deliveries due.
const queueChannel = "porter_queue"

// fanOutLock is the transaction advisory lock one fan-out holds, so that
// two nodes never fan out the same event twice.
const fanOutLock = 0x706f72746572 // "porter"

const deliveryColumns = `id, webhook_id, event_type, event_id, status, attempts, next_attempt_at, response_status,
       error, test, created_at, updated_at, completed_at, lease_token`

const (
	qWebhookConfigVersion = `SELECT version FROM webhook_config WHERE id = 1`
	qEnabledWebhooks      = `SELECT w.id, w.org_id, w.url, w.events, w.description, w.retry_schedule, w.timeout_seconds, w.headers, w.ordered,
       w.enabled, w.disabled_reason, w.source, w.secret, w.previous_secret, w.previous_secret_expires_at, w.secret_rotated_at,
       w.created_at, w.updated_at, w.signature, w.public_key, w.payload_format, w.signature_header, o.public_id
FROM webhooks w JOIN organizations o ON o.id = w.org_id WHERE w.enabled ORDER BY w.id`
	qOutboxEvents = `SELECT e.seq, e.org_id, e.type, e.fired_at, e.resource_type, e.resource_id, e.data, e.previous_attributes, e.integration_id, e.first_sync
FROM outbox_pending p JOIN events e ON e.seq = p.seq ORDER BY p.seq LIMIT $1`
	qMarkFannedOut    = `DELETE FROM outbox_pending WHERE seq = ANY($1)`
	qPendingResources = `SELECT DISTINCT resource_key FROM webhook_deliveries
WHERE webhook_id = $1 AND status = 'pending' AND resource_key <> '' AND resource_key = ANY($2)`
	qInsertDeliveries = `INSERT INTO webhook_deliveries (org_id, webhook_id, event_seq, event_id, event_type, resource_key, test,
       payload, status, attempts, next_attempt_at, lease_owner, lease_token, created_at, updated_at)
SELECT j.o, j.w, j.s, j.e, j.t, j.k, j.x, decode(j.p, 'base64'), 'pending', j.a, j.n, j.l, j.lt, j.c, j.c
FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS r(v, ord),
     jsonb_to_record(r.v) AS j(o bigint, w bigint, s bigint, e text, t text, k text, x boolean, p text, a integer,
          n timestamptz, l text, lt text, c timestamptz)
ORDER BY r.ord
RETURNING id`
	// Each want takes the oldest due deliveries of its webhook that no
	// other node holds. A delivery of an ordered webhook waits while an
	// earlier one about its resource is pending.
	qClaimCandidates = `SELECT c.id, w.until
FROM jsonb_to_recordset($2::jsonb) AS w(w bigint, n integer, until timestamptz)
CROSS JOIN LATERAL (
    SELECT d.id FROM webhook_deliveries d
    WHERE d.webhook_id = w.w AND d.status = 'pending' AND d.next_attempt_at <= $1
      AND (d.resource_key = '' OR NOT EXISTS (
            SELECT 1 FROM webhook_deliveries p
            WHERE p.webhook_id = d.webhook_id AND p.resource_key = d.resource_key AND p.status = 'pending'
              AND p.resource_key <> '' AND p.event_seq < d.event_seq))
    ORDER BY d.next_attempt_at
    LIMIT w.n
    FOR UPDATE OF d SKIP LOCKED) c`
	qLeaseDeliveries = `UPDATE webhook_deliveries d
SET attempts = d.attempts + 1, next_attempt_at = j.u, lease_owner = $1, lease_token = j.t, updated_at = $2
FROM jsonb_to_recordset($3::jsonb) AS j(i bigint, u timestamptz, t text)
WHERE d.id = j.i AND d.id = ANY($4::bigint[])
RETURNING d.id, d.org_id, d.webhook_id, d.event_seq, d.event_id, d.event_type, d.resource_key, d.test, d.payload,
          d.attempts, d.retry_from, d.next_attempt_at, d.lease_token, d.created_at`
	qEventsBySeq = `SELECT seq, org_id, type, fired_at, resource_type, resource_id, data, previous_attributes, integration_id, first_sync
FROM events WHERE seq = ANY($1)`
	qInsertAttempts = `INSERT INTO webhook_attempts (delivery_id, attempt_id, number, started_at, duration_ms, url, request_headers,
       response_status, response_headers, response_body, error)
SELECT j.d, j.i, j.n, j.s, j.ms, j.u, j.rq, j.r, j.rh, j.rb, j.e
FROM jsonb_to_recordset($1::jsonb) AS j(d bigint, i text, n integer, s timestamptz, ms bigint, u text, rq text, r integer,
     rh text, rb text, e text)
WHERE EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.id = j.d AND d.id = ANY($2::bigint[]))`
	// A delivery holding a lease token is pending: every change out of
	// pending clears the token. Finishing and releasing therefore match on
	// the token alone, not also on status = 'pending', which let the
	// planner read every pending delivery through the partial due index
	// (its statistics, from a quiet moment, say there are few) and hash
	// them against the batch: under a backlog each batch read the whole
	// backlog, and recording fell further behind the more it had to do.
	// Matched by id, the batch walks the primary key.
	qFinishAttempts = `UPDATE webhook_deliveries d
SET status = j.s, next_attempt_at = j.n, lease_owner = '', lease_token = '',
    response_status = j.r, error = j.e, updated_at = $1::timestamptz,
    completed_at = CASE WHEN j.s = 'pending' THEN NULL ELSE $1::timestamptz END
FROM jsonb_to_recordset($2::jsonb) AS j(i bigint, t text, s text, n timestamptz, r integer, e text)
WHERE d.id = j.i AND d.id = ANY($3::bigint[]) AND d.lease_token = j.t AND j.t <> ''
RETURNING d.id`
	qReleaseDeliveries = `UPDATE webhook_deliveries d
SET attempts = d.attempts - 1, next_attempt_at = $1::timestamptz, lease_owner = '', lease_token = '', updated_at = $1::timestamptz
FROM jsonb_to_recordset($2::jsonb) AS j(i bigint, t text)
WHERE d.id = j.i AND d.id = ANY($3::bigint[]) AND d.lease_token = j.t AND j.t <> ''`
	// Health rows are made to exist and then locked, in id order, so that
	// two nodes recording failures of one webhook count every one of them.
	qEnsureHealth = `INSERT INTO webhook_health (webhook_id, consecutive_failures)
SELECT id, 0 FROM webhooks WHERE id = ANY($1) ORDER BY id
ON CONFLICT (webhook_id) DO NOTHING`
	healthColumns = `webhook_id, consecutive_failures, failing_since, circuit_state, circuit_failures, circuit_opens,
       circuit_opened_at, circuit_probe_at, circuit_probe_token`
	qWebhookHealth = `SELECT ` + healthColumns + ` FROM webhook_health
WHERE webhook_id = ANY($1) ORDER BY webhook_id FOR UPDATE`
	qSetWebhookHealth = `INSERT INTO webhook_health (` + healthColumns + `)
SELECT j.w, j.f, j.s, j.cs, j.cf, j.co, j.ca, j.cp, j.ct
FROM jsonb_to_recordset($1::jsonb) AS j(w bigint, f integer, s timestamptz, cs text, cf integer, co integer,
     ca timestamptz, cp timestamptz, ct text)
WHERE EXISTS (SELECT 1 FROM webhooks w WHERE w.id = j.w)
ON CONFLICT (webhook_id) DO UPDATE SET consecutive_failures = excluded.consecutive_failures, failing_since = excluded.failing_since,
    circuit_state = excluded.circuit_state, circuit_failures = excluded.circuit_failures, circuit_opens = excluded.circuit_opens,
    circuit_opened_at = excluded.circuit_opened_at, circuit_probe_at = excluded.circuit_probe_at,
    circuit_probe_token = excluded.circuit_probe_token`
	// Circuits being claimed are locked, in id order as the health rows
	// always are, so that two nodes never both send a probe.
	qOpenCircuitsLocked = `SELECT ` + healthColumns + ` FROM webhook_health
WHERE circuit_state <> 'closed' AND webhook_id = ANY($1) ORDER BY webhook_id FOR UPDATE`
	qOpenCircuits = `SELECT ` + healthColumns + ` FROM webhook_health WHERE circuit_state <> 'closed'`
	// Only deliveries no node holds wait: a leased one's next_attempt_at
	// is its lease.
	qHoldDeliveries = `UPDATE webhook_deliveries SET next_attempt_at = $2
WHERE webhook_id = $1 AND status = 'pending' AND lease_token = '' AND next_attempt_at < $2`
	qReleaseHeld = `UPDATE webhook_deliveries SET next_attempt_at = $3
WHERE webhook_id = $1 AND status = 'pending' AND lease_token = '' AND next_attempt_at > $3 AND next_attempt_at <= $2`
	qWebhookHealthOf = `SELECT h.webhook_id, h.consecutive_failures, h.failing_since, h.circuit_state, h.circuit_failures,
       h.circuit_opens, h.circuit_opened_at, h.circuit_probe_at, h.circuit_probe_token
FROM webhook_health h JOIN webhooks w ON w.id = h.webhook_id
WHERE w.org_id = $1 AND h.webhook_id = ANY($2)`
	qCircuitStats = `SELECT count(*) FILTER (WHERE circuit_state = 'open'), count(*) FILTER (WHERE circuit_state = 'half_open')
FROM webhook_health WHERE circuit_state <> 'closed'`
	// Rows are pruned oldest first, looking at no more than the oldest
	// limit rows: ids grow with time, so old rows lead.
	qPruneAttempts = `DELETE FROM webhook_attempts WHERE id IN (
    SELECT id FROM (SELECT id, started_at FROM webhook_attempts ORDER BY id LIMIT $2) o WHERE started_at < $1)`
	qPruneDeliveries = `DELETE FROM webhook_deliveries WHERE id IN (
    SELECT id FROM (SELECT id, status, completed_at FROM webhook_deliveries ORDER BY id LIMIT $2) o
    WHERE status <> 'pending' AND completed_at < $1)`
	qNotifyDue = `SELECT pg_notify('` + queueChannel + `', 'd')`

	// The total is counted up to porter.TotalCap+1 rows, so that a page
	// costs the same however many deliveries match.
	qDeliveries = `SELECT ` + deliveryColumns + `, (SELECT count(*) FROM (SELECT 1 FROM webhook_deliveries
    WHERE org_id = $1 AND ($2::bigint = 0 OR webhook_id = $2) AND ($3::text = '' OR status = $3)
      AND ($4::text = '' OR event_type = $4) AND updated_at >= $5 LIMIT 10001) capped) AS total FROM webhook_deliveries
WHERE org_id = $1 AND ($2::bigint = 0 OR webhook_id = $2) AND ($3::text = '' OR status = $3)
  AND ($4::text = '' OR event_type = $4) AND updated_at >= $5 AND id < $8
ORDER BY id DESC LIMIT $6 OFFSET $7`
	qDelivery         = `SELECT ` + deliveryColumns + ` FROM webhook_deliveries WHERE org_id = $1 AND id = $2`
	qDeliveryPayload  = `SELECT payload FROM webhook_deliveries WHERE org_id = $1 AND id = $2`
	qDeliveryAttempts = `SELECT a.attempt_id, a.delivery_id, a.number, a.started_at, a.duration_ms, a.url, a.request_headers,
       a.response_status, a.response_headers, a.response_body, a.error
FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
WHERE d.org_id = $1 AND a.delivery_id = $2 ORDER BY a.id`
	qRequeueDelivery = `UPDATE webhook_deliveries
SET status = 'pending', next_attempt_at = $3::timestamptz, retry_from = attempts, lease_owner = '', lease_token = '',
    completed_at = NULL, updated_at = $3::timestamptz
WHERE org_id = $1 AND id = $2 AND NOT (status = 'pending' AND lease_token <> '' AND next_attempt_at > $3::timestamptz)`
	qRequeueFailed = `UPDATE webhook_deliveries
SET status = 'pending', next_attempt_at = $4::timestamptz, retry_from = attempts, completed_at = NULL, updated_at = $4::timestamptz
WHERE org_id = $1 AND webhook_id = $2 AND status = 'failed' AND created_at >= $3`
	qFailPending = `UPDATE webhook_deliveries
SET status = 'failed', error = $3, next_attempt_at = NULL, lease_owner = '', lease_token = '', completed_at = $4::timestamptz, updated_at = $4::timestamptz
WHERE org_id = $1 AND webhook_id = $2 AND status = 'pending'`
	qDeliveryStats = `SELECT count(*), min(id) FROM webhook_deliveries WHERE status = 'pending'`
	qDueWebhooks   = `SELECT webhook_id, count(*), min(next_attempt_at) AS oldest FROM (
    SELECT webhook_id, next_attempt_at FROM webhook_deliveries
    WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2) d
GROUP BY webhook_id ORDER BY oldest`
)

// UpdateQueue runs fn in one read-write transaction across organizations.
func (d *DB) UpdateQueue(ctx context.Context, fn func(porter.QueueTx) error) error {
	return d.update(ctx, asyncCommit, 0, func(t porter.Tx) error { return fn(&queueTx{t.(*tx)}) })
}

// DeliveryStats counts pending deliveries through the due index.
func (d *DB) DeliveryStats(ctx context.Context) (porter.DeliveryStats, error) {
	var st porter.DeliveryStats
	var minID *int64
	if err := d.pool.QueryRow(ctx, qDeliveryStats).Scan(&st.Pending, &minID); err != nil {
		return st, fmt.Errorf("delivery stats: %w", err)
	}
	if minID != nil {
		var created time.Time
		err := d.pool.QueryRow(ctx, `SELECT created_at FROM webhook_deliveries WHERE id = $1`, *minID).Scan(&created)
		if err == nil {
			st.OldestPendingAt = &created
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return st, fmt.Errorf("delivery stats: %w", err)
		}
	}
	if err := d.pool.QueryRow(ctx, qCircuitStats).Scan(&st.OpenCircuits, &st.HalfOpenCircuits); err != nil {
		return st, fmt.Errorf("delivery stats: circuits: %w", err)
	}
	return st, nil
}

// DueWebhooks reads without locking: rows another node holds are counted
// too, and simply not claimed.
func (d *DB) DueWebhooks(ctx context.Context, now time.Time, limit int) ([]porter.DueCount, error) {
	rows, err := d.pool.Query(ctx, qDueWebhooks, now, limit)
	if err != nil {
		return nil, fmt.Errorf("due webhooks: %w", err)
	}
	defer rows.Close()
	var out []porter.DueCount
	for rows.Next() {
		var c porter.DueCount
		var n int64
		var oldest time.Time
		if err := rows.Scan(&c.WebhookID, &n, &oldest); err != nil {
			return nil, fmt.Errorf("due webhooks: %w", err)
		}
		c.N = int(n)
		out = append(out, c)
	}
	return out, rows.Err()
}

// WatchQueue wakes the engine on NOTIFY from any node. One connection
// listens for the whole DB, started by the first watcher.
func (d *DB) WatchQueue(ctx context.Context) porter.QueueWatch {
	d.listenOnce.Do(func() {
		lctx, cancel := context.WithCancel(context.Background())
		d.stopListen = cancel
		d.listenDone = make(chan struct{})
		go d.listen(lctx)
	})
	return d.signals.Watch(ctx)
}

// listen relays notifications to watchers until ctx ends, reconnecting
// with backoff. After each (re)connect it wakes everything: a
// notification sent while no one listened is lost, and a pass finds
// whatever it announced.
func (d *DB) listen(ctx context.Context) {
	defer close(d.listenDone)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := d.listenOnceConn(ctx, func() { backoff = 100 * time.Millisecond })
		if ctx.Err() != nil {
			return
		}
		slog.Warn("delivery queue: listen for notifications", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

func (d *DB) listenOnceConn(ctx context.Context, connected func()) error {
	conn, err := d.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection is LISTENing: it must not go back to the pool.
	pc := conn.Hijack()
	defer pc.Close(context.Background())
	if _, err := pc.Exec(ctx, "LISTEN "+queueChannel); err != nil {
		return err
	}
	connected()
	d.signals.Signal(true, true)
	for {
		n, err := pc.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if n.Payload == "e:"+d.notifyToken {
			continue // this node's own commit, which woke its watchers already
		}
		d.signals.Signal(strings.HasPrefix(n.Payload, "e"), n.Payload == "d")
	}
}

// queueTx is a write transaction of the delivery engine, across organizations.
type queueTx struct{ *tx }

func (q *queueTx) For(orgID int64) porter.Tx {
	t := *q.tx
	t.orgID = orgID
	return &t
}

func (t *tx) notifyDue(ctx context.Context) error {
	if _, err := t.pg.Exec(ctx, qNotifyDue); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

func (q *queueTx) NotifyDue(ctx context.Context) error { return q.notifyDue(ctx) }

// planned runs a statement that joins a batch to webhook_deliveries with
// a plan made for this call, which also names the batch's ids in an
// array. The planner takes a JSON batch for 100 rows, and 100 index
// lookups cost it more than reading up to ~20,000 deliveries: it read
// the whole table for every batch of a few. An array it can see has as
// many rows as it has, so the batch walks the primary key. Prepared, the
// statement would settle on a generic plan after five calls that cannot
// see the array.
const planned = pgx.QueryExecModeExec

// ids are the deliveries' ids, for the arrays the batch statements take.
func ids[T any](rows []T, id func(T) int64) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}

func jsonArg(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("postgres: encode batch: %v", err)) // only plain values are encoded
	}
	return string(b)
}

func (q *queueTx) WebhookConfigVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := q.pg.QueryRow(ctx, qWebhookConfigVersion).Scan(&v); err != nil {
		return 0, fmt.Errorf("webhook config version: %w", err)
	}
	return v, nil
}

func (q *queueTx) EnabledWebhooks(ctx context.Context) ([]*porter.QueueWebhook, error) {
	rows, err := q.pg.Query(ctx, qEnabledWebhooks)
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
			Current: r.Secret, Previous: r.PreviousSecret, PreviousExpiresAt: r.PreviousSecretExpiresAt}})
	}
	return out, rows.Err()
}

func scanEvents(rows pgx.Rows) ([]*porter.Event, error) {
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

// OutboxEvents waits while another node fans out: the lock is held to
// the end of the transaction, so two never take one event, and the wait
// ends with the other's fan-out committed, so this one sees what is left.
func (q *queueTx) OutboxEvents(ctx context.Context, limit int) ([]*porter.Event, error) {
	if _, err := q.pg.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(fanOutLock)); err != nil {
		return nil, fmt.Errorf("outbox events: %w", err)
	}
	rows, err := q.pg.Query(ctx, qOutboxEvents, limit)
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
	seqs := make([]int64, len(events))
	for i, e := range events {
		seqs[i] = e.Seq
	}
	if _, err := q.pg.Exec(ctx, qMarkFannedOut, seqs); err != nil {
		return fmt.Errorf("mark fanned out: %w", err)
	}
	return nil
}

func (q *queueTx) PendingResources(ctx context.Context, webhookID int64, keys []string) (map[string]bool, error) {
	rows, err := q.pg.Query(ctx, qPendingResources, webhookID, keys)
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

// newDelivery is one row of an insert batch.
type newDelivery struct {
	Org        int64     `json:"o"`
	Webhook    int64     `json:"w"`
	Seq        int64     `json:"s"`
	EventID    string    `json:"e"`
	Type       string    `json:"t"`
	Key        string    `json:"k"`
	Test       bool      `json:"x"`
	Payload    []byte    `json:"p"` // base64, as encoding/json writes bytes
	Attempts   int       `json:"a"`
	Next       time.Time `json:"n"`
	Owner      string    `json:"l"`
	LeaseToken string    `json:"lt"`
	Created    time.Time `json:"c"`
}

func (t *tx) insertDeliveries(ctx context.Context, owner string, ds []*porter.QueuedDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	rows := make([]newDelivery, len(ds))
	for i, d := range ds {
		r := newDelivery{Org: d.OrgID, Webhook: d.WebhookID, Seq: d.EventSeq, EventID: d.EventID, Type: d.EventType, Key: d.ResourceKey,
			Test: d.Test, Next: d.CreatedAt, Created: d.CreatedAt}
		if d.Test {
			r.Payload = d.Body
		}
		if !d.DueAt.IsZero() {
			r.Next = d.DueAt
		}
		if d.LeaseToken != "" {
			r.Attempts, r.Next, r.Owner, r.LeaseToken = 1, d.LeaseUntil, owner, d.LeaseToken
		}
		rows[i] = r
	}
	res, err := t.pg.Query(ctx, qInsertDeliveries, jsonArg(rows))
	if err != nil {
		return fmt.Errorf("insert deliveries: %w", err)
	}
	defer res.Close()
	ids := make([]int64, 0, len(ds))
	for res.Next() {
		var id int64
		if err := res.Scan(&id); err != nil {
			return fmt.Errorf("insert deliveries: %w", err)
		}
		ids = append(ids, id)
	}
	if err := res.Err(); err != nil {
		return fmt.Errorf("insert deliveries: %w", err)
	}
	if len(ids) != len(ds) {
		return fmt.Errorf("insert deliveries: %d ids for %d rows", len(ids), len(ds))
	}
	// Identities are drawn in the order rows are inserted, which the
	// ORDER BY fixes; RETURNING promises no order.
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for i, d := range ds {
		d.ID = ids[i]
	}
	for _, d := range ds {
		if d.LeaseToken == "" && d.DueAt.IsZero() {
			return t.notifyDue(ctx) // due at once for any node
		}
	}
	return nil
}

func (q *queueTx) InsertDeliveries(ctx context.Context, owner string, ds []*porter.QueuedDelivery) error {
	return q.insertDeliveries(ctx, owner, ds)
}

type claimWant struct {
	Webhook int64     `json:"w"`
	N       int       `json:"n"`
	Until   time.Time `json:"until"`
}

type leaseRow struct {
	ID    int64     `json:"i"`
	Until time.Time `json:"u"`
	Token string    `json:"t"`
}

func (q *queueTx) ClaimDeliveries(ctx context.Context, owner string, now time.Time, wants []porter.ClaimWant, token func() string) ([]*porter.QueuedDelivery, error) {
	if len(wants) == 0 {
		return nil, nil
	}
	ws := make([]claimWant, len(wants))
	for i, w := range wants {
		ws[i] = claimWant{Webhook: w.WebhookID, N: w.N, Until: w.LeaseUntil}
	}
	rows, err := q.pg.Query(ctx, qClaimCandidates, now, jsonArg(ws))
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	var leases []leaseRow
	for rows.Next() {
		var l leaseRow
		if err := rows.Scan(&l.ID, &l.Until); err != nil {
			rows.Close()
			return nil, fmt.Errorf("claim deliveries: %w", err)
		}
		l.Token = token()
		leases = append(leases, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	if len(leases) == 0 {
		return nil, nil
	}
	rows, err = q.pg.Query(ctx, qLeaseDeliveries, planned, owner, now, jsonArg(leases), ids(leases, func(l leaseRow) int64 { return l.ID }))
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	ds, err := scanQueued(rows)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	if err := q.loadBodies(ctx, ds); err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return ds, nil
}

func scanQueued(rows pgx.Rows) ([]*porter.QueuedDelivery, error) {
	defer rows.Close()
	var out []*porter.QueuedDelivery
	for rows.Next() {
		d := &porter.QueuedDelivery{}
		var next *time.Time
		if err := rows.Scan(&d.ID, &d.OrgID, &d.WebhookID, &d.EventSeq, &d.EventID, &d.EventType, &d.ResourceKey, &d.Test, &d.Body,
			&d.Attempt, &d.RetryFrom, &next, &d.LeaseToken, &d.CreatedAt); err != nil {
			return nil, err
		}
		if next != nil {
			d.LeaseUntil = *next
		}
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
	rows, err := t.pg.Query(ctx, qEventsBySeq, seqs)
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

type attemptRow struct {
	Delivery int64     `json:"d"`
	ID       string    `json:"i"`
	Number   int       `json:"n"`
	Started  time.Time `json:"s"`
	MS       int64     `json:"ms"`
	URL      string    `json:"u"`
	Request  string    `json:"rq"`
	Status   *int      `json:"r"`
	Response string    `json:"rh"`
	Body     string    `json:"rb"`
	Error    string    `json:"e"`
}

type finishRow struct {
	ID     int64      `json:"i"`
	Token  string     `json:"t"`
	Status string     `json:"s"`
	Next   *time.Time `json:"n"`
	Code   *int       `json:"r"`
	Error  string     `json:"e"`
}

func (q *queueTx) RecordAttempts(ctx context.Context, now time.Time, rs []*porter.AttemptRecord) ([]bool, error) {
	attempts := make([]attemptRow, len(rs))
	finish := make([]finishRow, len(rs))
	for i, r := range rs {
		a := r.Attempt
		attempts[i] = attemptRow{Delivery: r.Delivery.ID, ID: a.ID, Number: a.Number, Started: a.StartedAt, MS: a.DurationMS,
			URL: a.URL, Request: encodeHeaders(a.RequestHeaders), Status: a.ResponseStatus, Response: encodeHeaders(a.ResponseHeaders),
			Body: a.ResponseBody, Error: a.Error}
		finish[i] = finishRow{ID: r.Delivery.ID, Token: r.Delivery.LeaseToken, Status: r.Status, Next: r.NextAttemptAt,
			Code: a.ResponseStatus, Error: a.Error}
	}
	// Rows are locked in id order, as every other writer of them does.
	sort.Slice(finish, func(i, j int) bool { return finish[i].ID < finish[j].ID })
	if _, err := q.pg.Exec(ctx, qInsertAttempts, planned, jsonArg(attempts), ids(attempts, func(a attemptRow) int64 { return a.Delivery })); err != nil {
		return nil, fmt.Errorf("insert attempts: %w", err)
	}
	rows, err := q.pg.Query(ctx, qFinishAttempts, planned, now, jsonArg(finish), ids(finish, func(f finishRow) int64 { return f.ID }))
	if err != nil {
		return nil, fmt.Errorf("finish attempts: %w", err)
	}
	defer rows.Close()
	moved := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("finish attempts: %w", err)
		}
		moved[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("finish attempts: %w", err)
	}
	applied := make([]bool, len(rs))
	retry := false
	for i, r := range rs {
		applied[i] = moved[r.Delivery.ID]
		retry = retry || (applied[i] && r.Status == porter.DeliveryPending)
	}
	if retry {
		if err := q.notifyDue(ctx); err != nil {
			return nil, err
		}
	}
	return applied, nil
}

func (q *queueTx) ReleaseDeliveries(ctx context.Context, now time.Time, ds []*porter.QueuedDelivery) error {
	rows := make([]leaseRow, len(ds))
	for i, d := range ds {
		rows[i] = leaseRow{ID: d.ID, Token: d.LeaseToken}
	}
	if _, err := q.pg.Exec(ctx, qReleaseDeliveries, planned, now, jsonArg(rows), ids(rows, func(l leaseRow) int64 { return l.ID })); err != nil {
		return fmt.Errorf("release deliveries: %w", err)
	}
	return q.notifyDue(ctx)
}

func (q *queueTx) WebhookHealth(ctx context.Context, ids []int64) (map[int64]*porter.WebhookHealth, error) {
	if _, err := q.pg.Exec(ctx, qEnsureHealth, ids); err != nil {
		return nil, fmt.Errorf("webhook health: %w", err)
	}
	rows, err := q.pg.Query(ctx, qWebhookHealth, ids)
	if err != nil {
		return nil, fmt.Errorf("webhook health: %w", err)
	}
	out, err := scanHealth(rows)
	if err != nil {
		return nil, fmt.Errorf("webhook health: %w", err)
	}
	return out, nil
}

// scanHealth reads health rows; one that says nothing (made to exist to
// be locked) is left out: the webhook is healthy.
func scanHealth(rows pgx.Rows) (map[int64]*porter.WebhookHealth, error) {
	defer rows.Close()
	out := map[int64]*porter.WebhookHealth{}
	for rows.Next() {
		h := &porter.WebhookHealth{}
		c := &h.Circuit
		if err := rows.Scan(&h.WebhookID, &h.ConsecutiveFailures, &h.FailingSince, &c.State, &c.Failures, &c.Opens, &c.OpenedAt,
			&c.ProbeAt, &c.ProbeToken); err != nil {
			return nil, err
		}
		if h.ConsecutiveFailures > 0 || h.FailingSince != nil || c.Failures > 0 || !c.Closed() {
			out[h.WebhookID] = h
		}
	}
	return out, rows.Err()
}

func (q *queueTx) OpenCircuits(ctx context.Context, ids []int64) (map[int64]*porter.WebhookHealth, error) {
	var rows pgx.Rows
	var err error
	if ids == nil {
		rows, err = q.pg.Query(ctx, qOpenCircuits)
	} else {
		rows, err = q.pg.Query(ctx, qOpenCircuitsLocked, ids)
	}
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
	if _, err := q.pg.Exec(ctx, qHoldDeliveries, webhookID, until); err != nil {
		return fmt.Errorf("hold deliveries of webhook %d: %w", webhookID, err)
	}
	return nil
}

func (q *queueTx) ReleaseHeld(ctx context.Context, webhookID int64, until, now time.Time) error {
	res, err := q.pg.Exec(ctx, qReleaseHeld, webhookID, until, now)
	if err != nil {
		return fmt.Errorf("release held deliveries of webhook %d: %w", webhookID, err)
	}
	if res.RowsAffected() > 0 {
		return q.notifyDue(ctx)
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
	rows, err := t.pg.Query(ctx, qWebhookHealthOf, t.orgID, ids)
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
	Webhook  int64      `json:"w"`
	Failures int        `json:"f"`
	Since    *time.Time `json:"s"`
	State    string     `json:"cs"`
	CFail    int        `json:"cf"`
	Opens    int        `json:"co"`
	Opened   *time.Time `json:"ca"`
	Probe    *time.Time `json:"cp"`
	Token    string     `json:"ct"`
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
		rows[i] = healthRow{Webhook: h.WebhookID, Failures: h.ConsecutiveFailures, Since: h.FailingSince,
			State: c.State, CFail: c.Failures, Opens: c.Opens, Opened: c.OpenedAt, Probe: c.ProbeAt, Token: c.ProbeToken}
	}
	if _, err := q.pg.Exec(ctx, qSetWebhookHealth, jsonArg(rows)); err != nil {
		return fmt.Errorf("set webhook health: %w", err)
	}
	return nil
}

func (q *queueTx) PruneDeliveries(ctx context.Context, before time.Time, limit int) (int, error) {
	a, err := q.pg.Exec(ctx, qPruneAttempts, before, limit)
	if err != nil {
		return 0, fmt.Errorf("prune attempts: %w", err)
	}
	d, err := q.pg.Exec(ctx, qPruneDeliveries, before, limit)
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", err)
	}
	return int(a.RowsAffected() + d.RowsAffected()), nil
}

// The delivery log of one organization.

func scanDelivery(sc pgx.Row, extra ...any) (*porter.Delivery, error) {
	d := &porter.Delivery{}
	var next *time.Time
	var status *int32
	var token string
	dest := append([]any{&d.ID, &d.WebhookID, &d.Event, &d.EventID, &d.Status, &d.AttemptCount, &next, &status,
		&d.Error, &d.Test, &d.CreatedAt, &d.UpdatedAt, &d.CompletedAt, &token}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	if d.Status == porter.DeliveryPending {
		d.NextAttemptAt = next
	}
	if status != nil {
		s := int(*status)
		d.ResponseStatus = &s
	}
	return d, nil
}

func (t *tx) Deliveries(ctx context.Context, f porter.DeliveryFilter) (porter.List[*porter.Delivery], error) {
	var out porter.List[*porter.Delivery]
	rows, err := t.pg.Query(ctx, qDeliveries, t.orgID, f.WebhookID, f.Status, f.Event, since(f.UpdatedSince), f.Limit(), f.Offset(), f.Below())
	if err != nil {
		return out, fmt.Errorf("list deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var total int64
		d, err := scanDelivery(rows, &total)
		if err != nil {
			return out, fmt.Errorf("list deliveries: %w", err)
		}
		out.Items, out.Total = append(out.Items, d), int(total)
	}
	return out, rows.Err()
}

func (t *tx) Delivery(ctx context.Context, id int64) (*porter.Delivery, error) {
	d, err := scanDelivery(t.pg.QueryRow(ctx, qDelivery, t.orgID, id))
	if err != nil {
		return nil, notFound(err, "delivery", id)
	}
	return d, nil
}

func (t *tx) DeliveryPayload(ctx context.Context, id int64) ([]byte, error) {
	var payload []byte
	if err := t.pg.QueryRow(ctx, qDeliveryPayload, t.orgID, id).Scan(&payload); err != nil {
		return nil, notFound(err, "delivery", id)
	}
	return payload, nil
}

func (t *tx) DeliveryAttempts(ctx context.Context, deliveryID int64) ([]*porter.DeliveryAttempt, error) {
	rows, err := t.pg.Query(ctx, qDeliveryAttempts, t.orgID, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("delivery %d attempts: %w", deliveryID, err)
	}
	defer rows.Close()
	out := []*porter.DeliveryAttempt{}
	for rows.Next() {
		a := &porter.DeliveryAttempt{}
		var req, res string
		var status *int32
		if err := rows.Scan(&a.ID, &a.DeliveryID, &a.Number, &a.StartedAt, &a.DurationMS, &a.URL, &req, &status, &res, &a.ResponseBody, &a.Error); err != nil {
			return nil, fmt.Errorf("delivery %d attempts: %w", deliveryID, err)
		}
		a.RequestHeaders, a.ResponseHeaders = decodeHeaders(req), decodeHeaders(res)
		if status != nil {
			s := int(*status)
			a.ResponseStatus = &s
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (t *tx) RequeueDelivery(ctx context.Context, id int64, now time.Time) error {
	tag, err := t.pg.Exec(ctx, qRequeueDelivery, t.orgID, id, now)
	if err != nil {
		return fmt.Errorf("requeue delivery %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		if _, err := t.Delivery(ctx, id); err != nil {
			return err
		}
		return porter.Errorf(porter.ECONFLICT, "delivery %d is being attempted now; replay it once the attempt ends", id)
	}
	return t.notifyDue(ctx)
}

func (t *tx) RequeueFailedDeliveries(ctx context.Context, webhookID int64, since, now time.Time) (int, error) {
	tag, err := t.pg.Exec(ctx, qRequeueFailed, t.orgID, webhookID, since, now)
	if err != nil {
		return 0, fmt.Errorf("requeue failed deliveries: %w", err)
	}
	if tag.RowsAffected() > 0 {
		if err := t.notifyDue(ctx); err != nil {
			return 0, err
		}
	}
	return int(tag.RowsAffected()), nil
}

func (t *tx) InsertDelivery(ctx context.Context, d *porter.QueuedDelivery) error {
	d.OrgID = t.orgID
	return t.insertDeliveries(ctx, "", []*porter.QueuedDelivery{d})
}

func (t *tx) FailPendingDeliveries(ctx context.Context, webhookID int64, reason string, now time.Time) (int, error) {
	tag, err := t.pg.Exec(ctx, qFailPending, t.orgID, webhookID, reason, now)
	if err != nil {
		return 0, fmt.Errorf("fail pending deliveries: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
