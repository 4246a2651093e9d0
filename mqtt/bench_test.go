package mqtt_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"porter"
	"porter/mqtt"
	"porter/storetest"
)

// BenchmarkMQTTReadings: readings published to mosquitto at QoS 1 until
// each has its log row and its meter reading, per engine. Run it with
// -benchtime 1x: each iteration publishes 1,000 readings (mosquitto queues at most 1,000 per subscriber by default).
//
//	go test ./mqtt -run '^$' -bench MQTTReadings -benchtime 1x
func BenchmarkMQTTReadings(b *testing.B) {
	const n = 1000
	for _, engine := range []string{storetest.SQLite, storetest.Postgres} {
		b.Run(engine, func(b *testing.B) {
			s := storetest.Open(b, engine)
			f := newFixture(b, s)
			it := f.integration(b)
			sub := mqtt.New(f.svc, mqtt.Config{Node: "bench", Guard: f.guard, Poll: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { sub.Run(ctx); close(done) }()
			defer func() { cancel(); <-done }()
			f.eventually(b, "the subscription", func() bool { return holds(sub, it.ID) })
			b.ResetTimer()
			total := 0
			for i := 0; i < b.N; i++ {
				payloads := make([]string, n)
				for k := range payloads {
					payloads[k] = fmt.Sprintf(`{"seq": "R-%d-%d", "value": %d}`, i, k, k)
				}
				start := time.Now()
				f.broker.PublishMany(b, "bms/tower-a/plant/temperature", payloads)
				total += n
				f.eventually(b, "every reading", func() bool {
					l, err := f.svc.IntegrationLog(f.ctx, f.org, porter.IntegrationLogFilter{IntegrationID: it.ID})
					return err == nil && l.Total >= total
				})
				b.ReportMetric(float64(n)/time.Since(start).Seconds(), "readings/s")
			}
		})
	}
}
