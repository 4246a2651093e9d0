package porter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// slaBatch bounds one SLA transaction, so that a backlog of overdue work
// orders does not hold the write lock for long.
const slaBatch = 200

// DefaultSLAInterval is how often the SLA scheduler runs unless told.
const DefaultSLAInterval = time.Minute

// RunSLAPass marks every unresolved work order whose due_at has passed by
// now, in every organization, as breached: it sets sla_breached_at and
// records work_order.sla_breached, once per work order. It runs under the
// "sla-scheduler" lock, so that of several nodes one does the pass; a node
// that does not get the lock returns 0 and no error. It returns how many
// work orders it marked.
func (s *Service) RunSLAPass(ctx context.Context, now time.Time) (int, error) {
	release, ok, err := s.Store.TryLock(ctx, "sla-scheduler")
	if err != nil {
		return 0, fmt.Errorf("sla pass: %w", err)
	}
	if !ok {
		return 0, nil
	}
	defer release()
	now = now.UTC().Truncate(time.Microsecond)
	orgs, err := s.Store.Organizations(ctx)
	if err != nil {
		return 0, fmt.Errorf("sla pass: %w", err)
	}
	total := 0
	var errs []error
	for _, org := range orgs {
		n, err := s.breachOverdue(ctx, org.ID, now)
		total += n
		if err != nil {
			// One organization's failure must not starve the others.
			errs = append(errs, fmt.Errorf("sla pass for organization %d: %w", org.ID, err))
		}
		if ctx.Err() != nil {
			break
		}
	}
	return total, errors.Join(errs...)
}

// breachOverdue marks one organization's overdue work orders, a batch per
// transaction.
func (s *Service) breachOverdue(ctx context.Context, orgID int64, now time.Time) (int, error) {
	total := 0
	for {
		var n int
		err := s.Store.Update(ctx, orgID, func(tx Tx) error {
			ws, err := tx.OverdueWorkOrders(ctx, now, slaBatch)
			if err != nil {
				return err
			}
			n = len(ws)
			for _, w := range ws {
				before := *w
				w.SLABreachedAt, w.UpdatedAt = &now, now
				if err := tx.UpdateWorkOrder(ctx, w); err != nil {
					return fmt.Errorf("mark work order %d breached: %w", w.ID, err)
				}
				if err := recordWorkOrder(ctx, tx, now, w, &before, "work_order.sla_breached"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < slaBatch {
			return total, nil
		}
	}
}

// RunSLAScheduler runs an SLA pass at once and then every interval
// (DefaultSLAInterval when every is not positive) until ctx ends.
func (s *Service) RunSLAScheduler(ctx context.Context, every time.Duration, logger *slog.Logger) {
	if every <= 0 {
		every = DefaultSLAInterval
	}
	if logger == nil {
		logger = s.Logger
	}
	pass := func() {
		n, err := s.RunSLAPass(ctx, s.now())
		if err != nil && ctx.Err() == nil {
			logger.Error("sla pass failed", "err", err)
		}
		if n > 0 {
			logger.Info("sla pass", "breached", n)
		}
	}
	runEvery(ctx, every, pass)
}
