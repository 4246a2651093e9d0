package main

import (
	"context"
	"log/slog"
	"sync"

	"porter"
)

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
	_ = ctx
	return w
}
