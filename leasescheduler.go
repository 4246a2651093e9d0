package porter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// leaseSchedulerLock names the lock that lets one node at a time run a pass.
const leaseSchedulerLock = "lease-scheduler"

// ExpiringLease is lease.expiring_soon's data: the lease, the days left
// until its end date and the alert threshold it crossed.
type ExpiringLease struct {
	*Lease
	DaysRemaining int `json:"days_remaining"`
	ThresholdDays int `json:"threshold_days"`
}

// RunLeasePass runs the lease scheduler once for every organization, as of
// now: it sends lease.expiring_soon as active leases cross their
// organization's alert thresholds and expires active leases whose end date
// has passed. Each alert is remembered in the store, so a pass run twice,
// after a restart or on two nodes at once sends it once. When another node
// holds the scheduler lock the pass is skipped.
func (s *Service) RunLeasePass(ctx context.Context, now time.Time) error {
	release, ok, err := s.Store.TryLock(ctx, leaseSchedulerLock)
	if err != nil {
		return fmt.Errorf("lease pass: %w", err)
	}
	if !ok {
		return nil
	}
	defer release()
	orgs, err := s.Store.Organizations(ctx)
	if err != nil {
		return fmt.Errorf("lease pass: %w", err)
	}
	now = now.UTC().Truncate(time.Microsecond)
	var errs []error
	for _, org := range orgs {
		// One organization's failure must not starve the others.
		if err := s.leasePass(ctx, org, now); err != nil {
			errs = append(errs, fmt.Errorf("lease pass for organization %d: %w", org.ID, err))
		}
	}
	return errors.Join(errs...)
}

// leasePass runs the scheduler for one organization, one transaction per
// lease, so that one bad lease does not hold back the rest.
func (s *Service) leasePass(ctx context.Context, org *Organization, now time.Time) error {
	thresholds := slices.Clone(org.LeaseAlertDays)
	slices.Sort(thresholds)
	today := dateOf(now)
	horizon := today
	if len(thresholds) > 0 {
		horizon = dateOf(now.AddDate(0, 0, thresholds[len(thresholds)-1]))
	}
	var due []*Lease
	err := s.Store.View(ctx, org.ID, func(tx Tx) error {
		var err error
		due, err = tx.ActiveLeasesEndingBy(ctx, horizon)
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, l := range due {
		err := s.Store.Update(ctx, org.ID, func(tx Tx) error {
			return leaseDue(ctx, tx, now, l.ID, thresholds)
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("lease %d: %w", l.ID, err))
		}
	}
	return errors.Join(errs...)
}

// leaseDue expires lease id or sends its expiry alert, as of now.
func leaseDue(ctx context.Context, tx Tx, now time.Time, id int64, thresholds []int) error {
	// Read again under the lock: another pass or a renewal may have
	// changed the lease since it was listed.
	l, err := tx.LeaseForUpdate(ctx, id)
	if err != nil {
		return err
	}
	if l.Status != LeaseActive {
		return nil
	}
	today := dateOf(now)
	if l.EndDate < today {
		before := *l
		l.Status, l.UpdatedAt = LeaseExpired, now
		if err := tx.UpdateLease(ctx, l); err != nil {
			return fmt.Errorf("expire lease: %w", err)
		}
		if err := releaseUnit(ctx, tx, now, l); err != nil {
			return err
		}
		return record(ctx, tx, now, "lease.expired", "lease", l.ID, l, &before)
	}
	days := daysBetween(today, l.EndDate)
	// thresholds is sorted: the first one crossed is the tightest, the one
	// a person wants to hear about; the looser ones crossed with it are
	// recorded as passed so that they never fire late.
	sent := false
	for _, t := range thresholds {
		if days > t {
			continue
		}
		status := LeaseAlertPassed
		if !sent {
			status = LeaseAlertSent
		}
		inserted, err := tx.InsertLeaseAlert(ctx, &LeaseAlert{LeaseID: l.ID, ThresholdDays: t, EndDate: l.EndDate, Status: status, CreatedAt: now})
		if err != nil {
			return fmt.Errorf("record lease alert: %w", err)
		}
		if !sent && inserted {
			data := ExpiringLease{Lease: l, DaysRemaining: days, ThresholdDays: t}
			if err := record(ctx, tx, now, "lease.expiring_soon", "lease", l.ID, data, nil); err != nil {
				return err
			}
		}
		sent = true
	}
	return nil
}

// daysBetween counts the days from one YYYY-MM-DD date to a later one.
func daysBetween(from, to string) int {
	a, _ := time.Parse(DateLayout, from)
	b, _ := time.Parse(DateLayout, to)
	return int(b.Sub(a).Hours() / 24)
}

// RunLeaseScheduler runs a lease pass at once and then every interval
// until ctx ends. A failed pass is logged and the next one runs anyway.
func (s *Service) RunLeaseScheduler(ctx context.Context, every time.Duration, logger *slog.Logger) {
	if logger == nil {
		logger = s.Logger
	}
	pass := func() {
		if err := s.RunLeasePass(ctx, s.now()); err != nil && ctx.Err() == nil {
			logger.Error("lease scheduler pass failed", "err", err)
		}
	}
	runEvery(ctx, every, pass)
}

// runEvery runs pass at once and then every interval until ctx ends: the
// loop of every scheduler.
func runEvery(ctx context.Context, every time.Duration, pass func()) {
	pass()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pass()
		}
	}
}
