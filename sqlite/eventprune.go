package sqlite

import (
	"context"
	"fmt"
	"time"

	"porter"
)

// Events past retention are deleted oldest first through the fired_at
// index, a batch per write so that the one writer is never held long.
const qPruneEvents = `DELETE FROM events WHERE seq IN (
    SELECT seq FROM events WHERE fired_at < ?1 ORDER BY fired_at LIMIT ?2)`

// PruneEvents deletes up to limit events fired before before.
func (d *DB) PruneEvents(ctx context.Context, before time.Time, limit int) (int, error) {
	var n int64
	err := d.Update(ctx, 0, func(t porter.Tx) error {
		res, err := t.(*tx).sql.ExecContext(ctx, qPruneEvents, ts(before), limit)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	return int(n), nil
}
