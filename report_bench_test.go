package porter_test

import (
	"context"
	"fmt"
	"testing"

	"porter"
	"porter/storetest"
)

// BenchmarkReport: a year of daily revenue (then occupancy) over 200
// units in 10 properties, 50,000 bookings (one night each, so that they
// all fall in the year; one in ten cancelled), a block per unit and an
// owner per property, on each engine. The bookings are written with one
// INSERT … SELECT: through the service they would take minutes.
func BenchmarkReport(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			s, org := benchReportStore(b, engine)
			svc := porter.NewService(s, "", nil)
			q := porter.ReportQuery{From: "2026-01-01", To: "2026-12-31", Granularity: "day"}
			check, err := svc.RevenueReport(ctx, org, q)
			if err != nil {
				b.Fatal(err)
			}
			// 45,000 confirmed nights; of the 600 blocked unit-nights, stays hold 360.
			if g := check.Data.Global; g.NightsBooked != 45000 || len(check.Data.Series) != 365 || len(check.Data.PerProperty) != 10 {
				b.Fatalf("global %+v, %d periods", g, len(check.Data.Series))
			}
			b.Run("revenue", func(b *testing.B) {
				cpu := cpuTime()
				for b.Loop() {
					if _, err := svc.RevenueReport(ctx, org, q); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
			})
			b.Run("occupancy", func(b *testing.B) {
				cpu := cpuTime()
				for b.Loop() {
					r, err := svc.OccupancyReport(ctx, org, q)
					if err != nil || r.Data.Global.NightsBlocked != 240 {
						b.Fatal(err, r.Data.Global)
					}
				}
				b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
			})
		})
	}
}

// benchReportStore seeds BenchmarkReport's organization on engine.
func benchReportStore(b *testing.B, engine string) (porter.Store, int64) {
	b.Helper()
	ctx := context.Background()
	s := storetest.Open(b, engine)
	svc := porter.NewService(s, "", nil)
	org := &porter.Organization{Name: "Bench", LeaseAlertDays: []int{60}}
	if err := s.CreateOrganization(ctx, org); err != nil {
		b.Fatal(err)
	}
	owner, err := svc.CreateOwner(ctx, org.ID, porter.OwnerInput{Name: ptr("Owner")})
	if err != nil {
		b.Fatal(err)
	}
	var units []int64
	for p := range 10 {
		prop, err := svc.CreateProperty(ctx, org.ID, porter.PropertyInput{Name: ptr(fmt.Sprint("P", p))})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.LinkProperty(ctx, org.ID, owner.ID, porter.OwnershipInput{PropertyID: &prop.ID, CommissionRate: pct("15"), StartDate: ptr("2025-01-01")}); err != nil {
			b.Fatal(err)
		}
		for u := range 20 {
			unit, err := svc.CreateUnit(ctx, org.ID, porter.UnitInput{PropertyID: &prop.ID, Name: ptr(fmt.Sprint(u))})
			if err != nil {
				b.Fatal(err)
			}
			units = append(units, unit.ID)
			if _, err := svc.CreateBlock(ctx, org.ID, porter.BlockInput{UnitID: &unit.ID, Kind: ptr("maintenance"), StartDate: ptr("2026-12-29"), EndDate: ptr("2026-12-31")}); err != nil {
				b.Fatal(err)
			}
		}
	}
	for i, id := range units {
		if id != units[0]+int64(i) {
			b.Fatalf("unit ids are not consecutive: %v", units)
		}
	}
	// Booking i (0…49,999) is on unit i mod 200, its k = i / 200th
	// stay (0…249) starting k × 365 / 250 days into 2026.
	var checkIn, checkOut, created string
	if engine == "sqlite" {
		checkIn, checkOut = "date('2026-01-01', '+' || ((i / 200) * 365 / 250) || ' days')", "date('2026-01-01', '+' || ((i / 200) * 365 / 250 + 1) || ' days')"
		created = "'2025-12-01T00:00:00.000000Z'"
	} else {
		checkIn, checkOut = "to_char(date '2026-01-01' + (i / 200) * 365 / 250, 'YYYY-MM-DD')", "to_char(date '2026-01-01' + (i / 200) * 365 / 250 + 1, 'YYYY-MM-DD')"
		created = "timestamptz '2025-12-01T00:00:00Z'"
	}
	series := fmt.Sprintf("(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < %d) SELECT i FROM s) AS n", 49999)
	storetest.Exec(b, s, fmt.Sprintf(`INSERT INTO bookings (org_id, reference, property_id, unit_id, status, source, guest_name, guests_count,
    check_in, check_out, nights, nightly_prices, accommodation, fees, taxes, total, currency, created_at, updated_at)
SELECT %d, 'BKG-' || i, u.property_id, u.id, CASE WHEN i %% 10 = 0 THEN 'cancelled' ELSE 'confirmed' END, 'direct', 'G', 2,
    %s, %s, 1, '[{"date":"' || %s || '","price":' || (700 + i %% 7 * 50) || '.00}]', (700 + i %% 7 * 50) * 100, 0, 0, (700 + i %% 7 * 50) * 100,
    'MAD', %s, %s
FROM %s JOIN units u ON u.id = %d + i %% 200`, org.ID, checkIn, checkOut, checkIn, created, created, series, units[0]))
	if engine == "postgres" {
		storetest.Exec(b, s, "ANALYZE")
	}
	return s, org.ID
}
