package postgres

import (
	"context"
	"fmt"
	"time"
)

// Events past retention are deleted oldest first in sequence order, a
// batch at a time so that no write waits long behind the pruner. Events
// are stamped with the time of the write that inserts them, so sequence
// order is time order but for a few milliseconds of commit order (and
// clock skew between nodes): the batch is looked for among the oldest
// pruneWindow batches of events, and an event a little younger than an
// older one in them stays for the next pass.
const qPruneEvents = `DELETE FROM events WHERE seq IN (
    SELECT seq FROM (SELECT seq, fired_at FROM events ORDER BY seq LIMIT $3) oldest
    WHERE fired_at < $1 LIMIT $2)`

// pruneWindow is how many times its batch a prune reads from the oldest
// rows to find the batch.
const pruneWindow = 10

// PruneEvents deletes up to limit events fired before before.
func (d *DB) PruneEvents(ctx context.Context, before time.Time, limit int) (int, error) {
	tag, err := d.pool.Exec(ctx, qPruneEvents, before, limit, pruneWindow*limit)
	if err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
