package porter

import (
	"context"
	"log/slog"
	"time"
)

// DefaultAuditRetention is how long the audit log is kept
// (PORTER_AUDIT_RETENTION): three years, as Moroccan law 09-08 asks of
// agencies subject to audit.
const DefaultAuditRetention = 3 * 365 * 24 * time.Hour

// auditPruneBatch is how many entries one delete removes: small enough
// that a write never waits long behind the pruner.
const auditPruneBatch = 1000

// PruneAuditLog deletes every audit entry older than retention, in
// batches, and returns how many it deleted.
func (s *Service) PruneAuditLog(ctx context.Context, retention time.Duration) (int, error) {
	before := s.Now().Add(-retention)
	total := 0
	for {
		n, err := s.Store.PruneAuditLog(ctx, before, auditPruneBatch)
		total += n
		if err != nil || n < auditPruneBatch {
			return total, err
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// RunAuditPruner prunes the audit log past retention every interval until
// ctx ends. A retention of 0 or less keeps it forever.
func (s *Service) RunAuditPruner(ctx context.Context, retention, interval time.Duration, logger *slog.Logger) {
	if retention <= 0 {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if n, err := s.PruneAuditLog(ctx, retention); err != nil && ctx.Err() == nil {
			logger.Warn("prune audit log", "err", err)
		} else if n > 0 {
			logger.Info("pruned audit log past retention", "deleted", n, "retention", retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
