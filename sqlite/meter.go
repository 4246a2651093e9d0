package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"porter"
	"porter/sqlite/internal/db"
)

// Facilities: meters and their readings.

func (t *tx) InsertMeter(ctx context.Context, m *porter.Meter) error {
	id, err := t.q.InsertMeter(ctx, db.InsertMeterParams{
		OrgID: t.orgID, PropertyID: m.PropertyID, UnitID: nullID(m.UnitID), AssetID: nullID(m.AssetID), Name: m.Name,
		Kind: m.Kind, UnitOfMeasure: m.UnitOfMeasure, ExternalRef: nullString(m.ExternalRef),
		CreatedAt: ts(m.CreatedAt), UpdatedAt: ts(m.UpdatedAt),
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
	r, err := t.q.GetMeterByExternalRef(ctx, db.GetMeterByExternalRefParams{OrgID: t.orgID, ExternalRef: nullString(&ref)})
	if err != nil {
		return nil, notFound(err, "meter", 0)
	}
	return meter(r), nil
}

func (t *tx) UpdateMeter(ctx context.Context, m *porter.Meter) error {
	n, err := t.q.UpdateMeter(ctx, db.UpdateMeterParams{
		OrgID: t.orgID, ID: m.ID, PropertyID: m.PropertyID, UnitID: nullID(m.UnitID), AssetID: nullID(m.AssetID), Name: m.Name,
		Kind: m.Kind, UnitOfMeasure: m.UnitOfMeasure, ExternalRef: nullString(m.ExternalRef), UpdatedAt: ts(m.UpdatedAt),
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
		UpdatedSince: since(f.UpdatedSince), Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
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
	return &porter.Meter{ID: r.ID, PropertyID: r.PropertyID, UnitID: pnullID(r.UnitID), AssetID: pnullID(r.AssetID), Name: r.Name,
		Kind: r.Kind, UnitOfMeasure: r.UnitOfMeasure, ExternalRef: pnullString(r.ExternalRef),
		CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt)}
}

// qInsertReadings appends a batch given as one JSON array of
// [meter_id, value, read_at, source, source_id] in one statement: one
// parse and one pass over the indexes for the batch. (WHERE true lets
// SQLite tell the upsert from the SELECT.)
const qInsertReadings = `INSERT INTO meter_readings (org_id, meter_id, value, read_at, source, source_id, created_at)
SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, ?2
FROM json_each(?3) AS j WHERE true
ON CONFLICT (meter_id, source, source_id) WHERE source_id IS NOT NULL DO NOTHING`

// qLastReading and qReadingsAfter tell which keyed readings a batch
// inserted when some were duplicates: with one writer, the rows above the
// largest id before the batch are the batch's own.
const (
	qLastReading   = `SELECT coalesce(max(id), 0) FROM meter_readings`
	qReadingsAfter = `SELECT meter_id, source, source_id FROM meter_readings WHERE id > ?1 AND source_id IS NOT NULL`
)

func (t *tx) InsertMeterReadings(ctx context.Context, rs []*porter.MeterReading) ([]bool, error) {
	rows := make([][5]any, len(rs))
	for i, r := range rs {
		var sid any
		if r.SourceID != nil {
			sid = *r.SourceID
		}
		rows[i] = [5]any{r.MeterID, r.Value, ts(r.ReadAt), r.Source, sid}
	}
	var last int64
	lr, err := t.query(ctx, qLastReading)
	if err != nil {
		return nil, fmt.Errorf("insert meter readings: %w", err)
	}
	for lr.Next() {
		err = lr.Scan(&last)
	}
	if err = errors.Join(err, lr.Close()); err != nil {
		return nil, fmt.Errorf("insert meter readings: %w", err)
	}
	n, err := t.exec(ctx, qInsertReadings, t.orgID, ts(rs[0].CreatedAt), jsonArg(rows))
	if err != nil {
		return nil, fmt.Errorf("insert meter readings: %w", err)
	}
	if int(n) == len(rs) {
		all := make([]bool, len(rs))
		for i := range all {
			all[i] = true
		}
		return all, nil // the usual case: no duplicates, no second look
	}
	res, err := t.query(ctx, qReadingsAfter, last)
	if err != nil {
		return nil, fmt.Errorf("insert meter readings: %w", err)
	}
	defer res.Close()
	var keys []porter.ReadingKey
	for res.Next() {
		var k porter.ReadingKey
		if err := res.Scan(&k.MeterID, &k.Source, &k.SourceID); err != nil {
			return nil, fmt.Errorf("insert meter readings: %w", err)
		}
		keys = append(keys, k)
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("insert meter readings: %w", err)
	}
	return porter.InsertedReadings(rs, keys), nil
}

func (t *tx) MeterReadings(ctx context.Context, f porter.ReadingFilter) (porter.List[*porter.MeterReading], error) {
	from, to := ts(time.Time{}), "9999"
	if f.From != nil {
		from = ts(*f.From)
	}
	if f.To != nil {
		to = ts(*f.To)
	}
	rows, err := t.q.ListMeterReadings(ctx, db.ListMeterReadingsParams{OrgID: t.orgID, MeterID: f.MeterID, ReadFrom: from, ReadTo: to,
		AfterID: f.After, Lim: int64(f.Limit()), Off: int64(f.Offset())})
	if err != nil {
		return porter.List[*porter.MeterReading]{}, fmt.Errorf("list meter readings: %w", err)
	}
	var out porter.List[*porter.MeterReading]
	for _, r := range rows {
		m := r.MeterReading
		out.Items = append(out.Items, &porter.MeterReading{ID: m.ID, MeterID: m.MeterID, Value: m.Value, ReadAt: pts(m.ReadAt),
			Source: m.Source, SourceID: pnullString(m.SourceID), CreatedAt: pts(m.CreatedAt)})
		out.Total = int(r.Total)
	}
	return out, nil
}

// seriesBuckets turn a stored time (2006-01-02T15:04:05.000000Z) into its
// bucket's first instant, as text. Weeks start on Monday: 'weekday 0'
// moves to the next Sunday (or stays on one), six days back is Monday.
var seriesBuckets = map[string]string{
	"hour":  `substr(read_at, 1, 13) || ':00:00Z'`,
	"day":   `substr(read_at, 1, 10) || 'T00:00:00Z'`,
	"week":  `date(substr(read_at, 1, 10), 'weekday 0', '-6 days') || 'T00:00:00Z'`,
	"month": `substr(read_at, 1, 7) || '-01T00:00:00Z'`,
}

func (t *tx) MeterSeries(ctx context.Context, meterID int64, from, to time.Time, bucket string) ([]porter.SeriesPoint, error) {
	b, ok := seriesBuckets[bucket]
	if !ok {
		return nil, fmt.Errorf("meter series: bucket %q", bucket)
	}
	// The bucket expression is one of the constants above, never input.
	q := `SELECT bucket, min(value), max(value), avg(value), max(last), count(*) FROM (
    SELECT ` + b + ` AS bucket, value,
        first_value(value) OVER (PARTITION BY ` + b + ` ORDER BY read_at DESC, id DESC) AS last
    FROM meter_readings WHERE org_id = ?1 AND meter_id = ?2 AND read_at >= ?3 AND read_at < ?4)
GROUP BY bucket ORDER BY bucket`
	rows, err := t.query(ctx, q, t.orgID, meterID, ts(from), ts(to))
	if err != nil {
		return nil, fmt.Errorf("meter series: %w", err)
	}
	defer rows.Close()
	var out []porter.SeriesPoint
	for rows.Next() {
		var p porter.SeriesPoint
		var start string
		if err := rows.Scan(&start, &p.Min, &p.Max, &p.Avg, &p.Last, &p.Count); err != nil {
			return nil, fmt.Errorf("meter series: %w", err)
		}
		if p.Start, err = time.Parse(time.RFC3339, start); err != nil {
			return nil, fmt.Errorf("meter series: bucket %q: %w", start, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
