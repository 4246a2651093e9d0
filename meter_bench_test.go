package porter_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// BenchmarkIngestReadings: 100,000 readings of 10 meters, named by
// external_ref, in batches of 1,000 through Service.IngestReadings (the
// path an integration's receiver takes), on each engine. Reports
// readings/s. Run with -benchtime 1x.
func BenchmarkIngestReadings(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			s := storetest.Open(b, engine)
			svc := porter.NewService(s, "", nil)
			org := &porter.Organization{Name: "Bench", LeaseAlertDays: []int{60}}
			if err := s.CreateOrganization(ctx, org); err != nil {
				b.Fatal(err)
			}
			p, err := svc.CreateProperty(ctx, org.ID, porter.PropertyInput{Name: ptr("Tower A")})
			if err != nil {
				b.Fatal(err)
			}
			const meters, total, batch = 10, 100_000, 1_000
			for m := range meters {
				if _, err := svc.CreateMeter(ctx, org.ID, porter.MeterInput{PropertyID: &p.ID, Name: ptr(fmt.Sprint("M", m)),
					Kind: ptr("electricity"), UnitOfMeasure: ptr("kWh"), ExternalRef: ptr(fmt.Sprint("em-", m))}); err != nil {
					b.Fatal(err)
				}
			}
			start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			batches := make([][]porter.ReadingInput, total/batch)
			for i := range total {
				v := float64(i) / 10
				in := porter.ReadingInput{MeterRef: ptr(fmt.Sprint("em-", i%meters)), Value: &v,
					ReadAt: ptr(start.Add(time.Duration(i/meters) * time.Minute).Format(time.RFC3339)), Source: ptr("bms"),
					SourceID: ptr(fmt.Sprint("r-", i))}
				batches[i/batch] = append(batches[i/batch], in)
			}
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				for _, in := range batches {
					res, err := svc.IngestReadings(ctx, org.ID, in)
					if err != nil {
						b.Fatal(err)
					}
					if n == 0 && res.Created != batch {
						b.Fatalf("created %d of %d", res.Created, batch)
					}
				}
			}
			b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "readings/s")
		})
	}
}
