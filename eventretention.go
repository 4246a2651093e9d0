package porter

import (
	"context"
	"log/slog"
	"time"
)

// DefaultEventRetention is how long events are kept (PORTER_EVENT_RETENTION).
// Deliveries keep their own retention (PORTER_WEBHOOK_RETENTION).
const DefaultEventRetention = 90 * 24 * time.Hour

// eventPruneBatch is how many events one delete removes: small enough that
// a write never waits long behind the pruner.
const eventPruneBatch = 1000

// PruneEvents deletes every event fired more than retention ago, in
// batches, and returns how many it deleted.
func (s *Service) PruneEvents(ctx context.Context, retention time.Duration) (int, error) {
	before := s.Now().Add(-retention)
	total := 0
	for {
		n, err := s.Store.PruneEvents(ctx, before, eventPruneBatch)
		total += n
		if err != nil || n < eventPruneBatch {
			return total, err
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// RunEventPruner prunes events past retention every interval until ctx
// ends. A retention of 0 or less keeps events forever.
func (s *Service) RunEventPruner(ctx context.Context, retention, interval time.Duration, logger *slog.Logger) {
	if retention <= 0 {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if n, err := s.PruneEvents(ctx, retention); err != nil && ctx.Err() == nil {
			logger.Warn("prune events", "err", err)
		} else if n > 0 {
			logger.Info("pruned events past retention", "deleted", n, "retention", retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
