package postgres

import (
	"context"
	"fmt"
	"time"

	"porter"
	"porter/postgres/internal/db"
)

// Facilities: meters and their readings.

func (t *tx) InsertMeter(ctx context.Context, m *porter.Meter) error {
	id, err := t.q.InsertMeter(ctx, db.InsertMeterParams{
		OrgID: t.orgID, PropertyID: m.PropertyID, UnitID: m.UnitID, AssetID: m.AssetID, Name: m.Name,
		Kind: m.Kind, UnitOfMeasure: m.UnitOfMeasure, ExternalRef: m.ExternalRef, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
	})
	if err != nil {
		return conflict(fmt.Errorf("insert meter: %w", err))
	}
	m.ID = id
	return nil
}

func (t *tx) Meter(ctx context.Context, id int64) (*porter.Meter, error) {
	r, err := t.q.GetMeter(ctx, db.GetMeterParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "meter", id)
	}
	return meter(r), nil
}

func (t *tx) MeterByExternalRef(ctx context.Context, ref string) (*porter.Meter, error) {
	r, err := t.q.GetMeterByExternalRef(ctx, db.GetMeterByExternalRefParams{OrgID: t.orgID, ExternalRef: &ref})
	if err != nil {
		return nil, notFound(err, "meter", 0)
	}
	return meter(r), nil
}

func (t *tx) UpdateMeter(ctx context.Context, m *porter.Meter) error {
	n, err := t.q.UpdateMeter(ctx, db.UpdateMeterParams{
		OrgID: t.orgID, ID: m.ID, PropertyID: m.PropertyID, UnitID: m.UnitID, AssetID: m.AssetID, Name: m.Name,
		Kind: m.Kind, UnitOfMeasure: m.UnitOfMeasure, ExternalRef: m.ExternalRef, UpdatedAt: m.UpdatedAt,
	})
	return affected(n, err, "meter", m.ID)
}

func (t *tx) DeleteMeter(ctx context.Context, id int64) error {
	if err := t.q.DeleteMeterReadings(ctx, db.DeleteMeterReadingsParams{OrgID: t.orgID, MeterID: id}); err != nil {
		return fmt.Errorf("delete meter %d readings: %w", id, err)
	}
	n, err := t.q.DeleteMeter(ctx, db.DeleteMeterParams{OrgID: t.orgID, ID: id})
	return affected(n, err, "meter", id)
}

func (t *tx) Meters(ctx context.Context, f porter.MeterFilter) (porter.List[*porter.Meter], error) {
	rows, err := t.q.ListMeters(ctx, db.ListMetersParams{
		OrgID: t.orgID, PropertyID: f.PropertyID, UnitID: f.UnitID, AssetID: f.AssetID, Kind: f.Kind,
		UpdatedSince: since(f.UpdatedSince), Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Meter]{}, fmt.Errorf("list meters: %w", err)
	}
	var out porter.List[*porter.Meter]
	for _, r := range rows {
		out.Items = append(out.Items, meter(r.Meter))
		out.Total = int(r.Total)
	}
	return out, nil
}

func meter(r db.Meter) *porter.Meter {
	return &porter.Meter{ID: r.ID, PropertyID: r.PropertyID, UnitID: r.UnitID, AssetID: r.AssetID, Name: r.Name,
		Kind: r.Kind, UnitOfMeasure: r.UnitOfMeasure, ExternalRef: r.ExternalRef, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// qInsertReadings appends a batch given as one JSON array in one
// statement. COPY would be faster still but cannot skip the duplicates a
// resent batch holds (ON CONFLICT DO NOTHING), and one statement over a
// JSON array is one round trip whatever the batch's size.
const qInsertReadings = `INSERT INTO meter_readings (org_id, meter_id, value, read_at, source, source_id, created_at)
SELECT $1, r.m, r.v, r.t, r.s, r.i, $2
FROM jsonb_to_recordset($3::jsonb) AS r(m BIGINT, v DOUBLE PRECISION, t TIMESTAMPTZ, s TEXT, i TEXT)
ON CONFLICT (meter_id, source, source_id) WHERE source_id IS NOT NULL DO NOTHING
RETURNING meter_id, source, source_id`

type newReading struct {
	M int64     `json:"m"`
	V float64   `json:"v"`
	T time.Time `json:"t"`
	S string    `json:"s"`
	I *string   `json:"i"`
}

func (t *tx) InsertMeterReadings(ctx context.Context, rs []*porter.MeterReading) ([]bool, error) {
	rows := make([]newReading, len(rs))
	for i, r := range rs {
		rows[i] = newReading{r.MeterID, r.Value, r.ReadAt, r.Source, r.SourceID}
	}
	res, err := t.pg.Query(ctx, qInsertReadings, t.orgID, rs[0].CreatedAt, jsonArg(rows))
	if err != nil {
		return nil, fmt.Errorf("insert meter readings: %w", err)
	}
	defer res.Close()
	var keys []porter.ReadingKey
	for res.Next() {
		var k porter.ReadingKey
		var sid *string
		if err := res.Scan(&k.MeterID, &k.Source, &sid); err != nil {
			return nil, fmt.Errorf("insert meter readings: %w", err)
		}
		if sid != nil {
			k.SourceID = *sid
			keys = append(keys, k)
		}
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("insert meter readings: %w", err)
	}
	return porter.InsertedReadings(rs, keys), nil
}

func (t *tx) MeterReadings(ctx context.Context, f porter.ReadingFilter) (porter.List[*porter.MeterReading], error) {
	from, to := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	if f.From != nil {
		from = *f.From
	}
	if f.To != nil {
		to = *f.To
	}
	rows, err := t.q.ListMeterReadings(ctx, db.ListMeterReadingsParams{OrgID: t.orgID, MeterID: f.MeterID, ReadFrom: from, ReadTo: to,
		AfterID: f.After, Lim: int32(f.Limit()), Off: int32(f.Offset())})
	if err != nil {
		return porter.List[*porter.MeterReading]{}, fmt.Errorf("list meter readings: %w", err)
	}
	var out porter.List[*porter.MeterReading]
	for _, r := range rows {
		m := r.MeterReading
		out.Items = append(out.Items, &porter.MeterReading{ID: m.ID, MeterID: m.MeterID, Value: m.Value, ReadAt: m.ReadAt.UTC(),
			Source: m.Source, SourceID: m.SourceID, CreatedAt: m.CreatedAt.UTC()})
		out.Total = int(r.Total)
	}
	return out, nil
}

// qMeterSeries downsamples in the database: date_trunc in UTC (weeks
// start on Monday), the bucket's latest value by a window.
const qMeterSeries = `SELECT bucket, min(value), max(value), avg(value), max(last), count(*) FROM (
    SELECT date_trunc($5, read_at, 'UTC') AS bucket, value,
        first_value(value) OVER (PARTITION BY date_trunc($5, read_at, 'UTC') ORDER BY read_at DESC, id DESC) AS last
    FROM meter_readings WHERE org_id = $1 AND meter_id = $2 AND read_at >= $3 AND read_at < $4) s
GROUP BY bucket ORDER BY bucket`

func (t *tx) MeterSeries(ctx context.Context, meterID int64, from, to time.Time, bucket string) ([]porter.SeriesPoint, error) {
	rows, err := t.pg.Query(ctx, qMeterSeries, t.orgID, meterID, from, to, bucket)
	if err != nil {
		return nil, fmt.Errorf("meter series: %w", err)
	}
	defer rows.Close()
	var out []porter.SeriesPoint
	for rows.Next() {
		var p porter.SeriesPoint
		if err := rows.Scan(&p.Start, &p.Min, &p.Max, &p.Avg, &p.Last, &p.Count); err != nil {
			return nil, fmt.Errorf("meter series: %w", err)
		}
		p.Start = p.Start.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}
