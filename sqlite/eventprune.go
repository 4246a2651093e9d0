package sqlite

import (
	"context"
	"fmt"
	"time"

	"porter"
)

// Events past retention are deleted oldest first in sequence order, a
// batch at a time so that no write waits long behind the pruner. Events
// are stamped with the time of the write that inserts them, so sequence
// order is time order but for a few milliseconds of commit order (and
// clock skew between nodes): the batch is looked for among the oldest
// pruneWindow batches of events, and an event a little younger than an
// older one in them stays for the next pass.
const qPruneEvents = `DELETE FROM events WHERE seq IN (
    SELECT seq FROM (SELECT seq, fired_at FROM events ORDER BY seq LIMIT ?3) oldest
    WHERE fired_at < ?1 LIMIT ?2)`

// pruneWindow is how many times its batch a prune reads from the oldest
// rows to find the batch.
const pruneWindow = 10

// PruneEvents deletes up to limit events fired before before.
func (d *DB) PruneEvents(ctx context.Context, before time.Time, limit int) (int, error) {
	var n int64
	err := d.Update(ctx, 0, func(t porter.Tx) error {
		res, err := t.(*tx).sql.ExecContext(ctx, qPruneEvents, ts(before), limit, pruneWindow*limit)
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
