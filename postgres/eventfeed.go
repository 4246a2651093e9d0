package postgres

import (
	"context"
	"fmt"

	"porter"
)

var _ porter.EventFeed = (*DB)(nil)

// The stream reads through the primary-key and (org_id, seq) indexes: a
// read costs the events it returns, however long the outbox.
const (
	qFeedAll = `SELECT seq, org_id, type, fired_at, resource_type, resource_id, data, previous_attributes, integration_id, first_sync
FROM events WHERE seq > $1 OR seq = ANY($2) ORDER BY seq LIMIT $3`
	qFeedOrg = `SELECT seq, org_id, type, fired_at, resource_type, resource_id, data, previous_attributes, integration_id, first_sync
FROM events WHERE org_id = $4 AND (seq > $1 OR seq = ANY($2)) ORDER BY seq LIMIT $3`
	qLastEventSeq = `SELECT coalesce(max(seq), 0) FROM events`
)

// EventsAfter reads committed events for the live stream. A sequence
// number is taken before its transaction commits, so a later number can
// commit first: the caller passes the numbers it saw skipped as also.
func (d *DB) EventsAfter(ctx context.Context, orgID, after int64, also []int64, limit int) ([]*porter.Event, error) {
	if also == nil {
		also = []int64{}
	}
	q, args := qFeedAll, []any{after, also, limit}
	if orgID != 0 {
		q, args = qFeedOrg, append(args, orgID)
	}
	rows, err := d.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	return evs, nil
}

// LastEventSeq is the newest committed event's sequence number.
func (d *DB) LastEventSeq(ctx context.Context) (int64, error) {
	var n int64
	if err := d.pool.QueryRow(ctx, qLastEventSeq).Scan(&n); err != nil {
		return 0, fmt.Errorf("last event: %w", err)
	}
	return n, nil
}
