package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"porter"
	"porter/delivery"
	"porter/mail"
)

// workers are the background loops that run beside the API.
type workers struct {
	ctx    context.Context // ends when the workers stop
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (w *workers) stop() {
	w.cancel()
	w.wg.Wait()
}

func (w *workers) run(fn func()) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		fn()
	}()
}

// startWorkers starts the schedulers, the mail sender and the webhook
// delivery engine (nil on an API-only node). The sender was built (and its
// SMTP URL checked) before the server started.
func startWorkers(ctx context.Context, svc *porter.Service, sender *mail.Sender, guests *mail.GuestRelay, engine *delivery.Engine, eventRetention, auditRetention time.Duration, logger *slog.Logger) *workers {
	ctx, cancel := context.WithCancel(ctx)
	w := &workers{ctx: ctx, cancel: cancel}
	// Lease alerts are whole days apart: hourly is prompt enough, and the
	// pass is idempotent, so several nodes or restarts send nothing twice.
	w.run(func() { svc.RunLeaseScheduler(ctx, time.Hour, logger.With("worker", "lease-scheduler")) })
	w.run(func() { svc.RunSLAScheduler(ctx, time.Minute, logger.With("worker", "sla-scheduler")) })
	w.run(func() { svc.RunEventPruner(ctx, eventRetention, time.Minute, logger.With("worker", "event-pruner")) })
	w.run(func() { svc.RunSessionPruner(ctx, time.Hour, logger.With("worker", "session-pruner")) })
	w.run(func() { svc.RunAuditPruner(ctx, auditRetention, time.Hour, logger.With("worker", "audit-pruner")) })
	// Short-term rentals: owner statements of the month just ended, on every
	// node (idempotent by owner, month and currency).
	w.run(func() { svc.RunStatementScheduler(ctx, time.Hour, logger.With("worker", "statement-scheduler")) })
	// Facility records: warranty and certificate expiry alerts, whole days
	// apart like lease alerts; idempotent per record, threshold and date.
	w.run(func() { svc.RunFacilityScheduler(ctx, time.Hour, logger.With("worker", "facility-scheduler")) })
	// ERP / accounting: month-end postings of the month just ended, on
	// every node (idempotent by integration, month and property).
	w.run(func() { svc.RunPostingScheduler(ctx, time.Hour, logger.With("worker", "posting-scheduler")) })
	w.run(func() {
		if err := sender.Run(ctx); err != nil && ctx.Err() == nil {
			logger.Error("mail sender stopped", "err", err)
		}
	})
	if guests != nil { // messages to guests, when a sender is configured
		w.run(func() {
			if err := guests.Run(ctx); err != nil && ctx.Err() == nil {
				logger.Error("guest message relay stopped", "err", err)
			}
		})
	}
	if engine != nil {
		w.run(func() {
			if err := engine.Run(ctx); err != nil {
				logger.Error("delivery engine stopped", "err", err)
			}
		})
	}
	return w
}
