package delivery_test

import (
	"testing"
	"time"

	"porter/storetest"
)

// BenchmarkFairness: a healthy endpoint's commit→delivery latency at 20
// events a second for 5 s (100 events, as issue 8 measured), alone and
// next to 8 or 64 endpoints that accept connections and never answer
// (default 64 workers, 8 per endpoint, 10 s timeout), in its own
// organization and in another that commits as many events. An event that
// never arrives fails the run; none counts as 0 ms. The figures are
// latencies, not time per op: set-up is outside them.
func BenchmarkFairness(b *testing.B) {
	const rate, d = 20, 5 * time.Second
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			s := storetest.Open(b, engine)
			for _, sc := range fairScenarios {
				b.Run(sc.name, func(b *testing.B) {
					for range b.N {
						lat, _ := fairRun(b, s, sc, rate, d)
						ms := func(q float64) float64 { return float64(quantile(lat, q).Microseconds()) / 1000 }
						b.ReportMetric(ms(0.50), "p50-ms")
						b.ReportMetric(ms(0.99), "p99-ms")
						b.ReportMetric(ms(1), "max-ms")
						b.ReportMetric(0, "ns/op")
					}
				})
			}
		})
	}
}
