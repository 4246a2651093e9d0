package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"porter"
)

// leaseSchedulerEvery is how often the lease scheduler runs a pass.
const leaseSchedulerEvery = time.Hour

// workers are the background loops that run beside the API.
type workers struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (w *workers) stop() {
	w.cancel()
	w.wg.Wait()
}

// startWorkers starts the schedulers and senders.
func startWorkers(ctx context.Context, svc *porter.Service, c config, logger *slog.Logger) *workers {
	ctx, cancel := context.WithCancel(ctx)
	w := &workers{cancel: cancel}
	// Lease alerts are whole days apart: hourly is prompt enough, and the
	// pass is idempotent, so several nodes or restarts send nothing twice.
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		svc.RunLeaseScheduler(ctx, leaseSchedulerEvery, logger.With("worker", "lease-scheduler"))
	}()
	return w
}
