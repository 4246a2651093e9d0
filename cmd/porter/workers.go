package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"porter"
	"porter/mail"
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

func (w *workers) go_(fn func()) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		fn()
	}()
}

// startWorkers starts the schedulers and the mail sender. The sender was
// built (and its SMTP URL checked) before the server started.
func startWorkers(ctx context.Context, svc *porter.Service, sender *mail.Sender, logger *slog.Logger) *workers {
	ctx, cancel := context.WithCancel(ctx)
	w := &workers{cancel: cancel}
	w.go_(func() { svc.RunSLAScheduler(ctx, time.Minute, logger) })
	w.go_(func() {
		if err := sender.Run(ctx); err != nil && ctx.Err() == nil {
			logger.Error("mail sender stopped", "err", err)
		}
	})
	return w
}
