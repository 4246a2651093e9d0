package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"porter"
)

var _ porter.EventFeed = (*DB)(nil)

// The stream reads through the primary-key and (org_id, seq) indexes: a
// read costs the events it returns, however long the outbox. The numbers
// still awaited are a second arm of a UNION ALL, not an OR: with the OR
// SQLite scanned the whole table on every read.
const (
	feedColumns = `seq, org_id, type, fired_at, resource_type, resource_id, data, previous_attributes, integration_id, first_sync`
	qFeedAll    = `SELECT ` + feedColumns + ` FROM events WHERE seq > ?1
UNION ALL SELECT ` + feedColumns + ` FROM events WHERE seq <= ?1 AND seq IN (SELECT value FROM json_each(?2))
ORDER BY seq LIMIT ?3`
	qFeedOrg = `SELECT ` + feedColumns + ` FROM events WHERE org_id = ?4 AND seq > ?1
UNION ALL SELECT ` + feedColumns + ` FROM events WHERE org_id = ?4 AND seq <= ?1 AND seq IN (SELECT value FROM json_each(?2))
ORDER BY seq LIMIT ?3`
	qLastEventSeq = `SELECT coalesce(max(seq), 0) FROM events`
)

// EventsAfter reads committed events for the live stream.
func (d *DB) EventsAfter(ctx context.Context, orgID, after int64, also []int64, limit int) ([]*porter.Event, error) {
	if also == nil {
		also = []int64{}
	}
	gaps, err := json.Marshal(also)
	if err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	var rows *sql.Rows
	if orgID == 0 {
		rows, err = d.read.QueryContext(ctx, qFeedAll, after, string(gaps), limit)
	} else {
		rows, err = d.read.QueryContext(ctx, qFeedOrg, after, string(gaps), limit, orgID)
	}
	if err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	out, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	return out, nil
}

// LastEventSeq is the newest event's sequence number.
func (d *DB) LastEventSeq(ctx context.Context) (int64, error) {
	var n int64
	if err := d.read.QueryRowContext(ctx, qLastEventSeq).Scan(&n); err != nil {
		return 0, fmt.Errorf("last event: %w", err)
	}
	return n, nil
}
