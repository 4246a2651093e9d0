package postgres

import (
	"context"
	"fmt"
	"time"
)

// Events past retention are deleted oldest first through the fired_at
// index, a batch per transaction so that no lock is held long.
const qPruneEvents = `DELETE FROM events WHERE seq IN (
    SELECT seq FROM events WHERE fired_at < $1 ORDER BY fired_at LIMIT $2)`

// PruneEvents deletes up to limit events fired before before.
func (d *DB) PruneEvents(ctx context.Context, before time.Time, limit int) (int, error) {
	tag, err := d.pool.Exec(ctx, qPruneEvents, before, limit)
	if err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
