package porter

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

// Meter measures something on a property, a unit or an asset: energy,
// water, occupancy, a temperature. Readings are appended to it, by hand,
// through the API or by an integration that names it by external_ref.
type Meter struct {
	ID         int64  `json:"id"`
	PropertyID int64  `json:"property_id"`
	UnitID     *int64 `json:"unit_id"`
	// AssetID is the asset the meter is on, one of the organization's.
	AssetID       *int64    `json:"asset_id"`
	Name          string    `json:"name"`
	Kind          string    `json:"kind"`
	UnitOfMeasure string    `json:"unit_of_measure"` // kWh, m3, °C, people…
	ExternalRef   *string   `json:"external_ref"`    // the device's id at its source, unique in the organization
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// MeterKinds lists what a meter may measure.
var MeterKinds = []string{"electricity", "water", "gas", "heat", "occupancy", "temperature", "humidity", "other"}

// MeterReading is one value a meter read at a time. A reading that names
// its source_id is stored once: the same (meter, source, source_id) again
// is a duplicate, so that a connector may resend a batch safely.
type MeterReading struct {
	ID      int64 `json:"id"`
	MeterID int64 `json:"meter_id"`
	// Value is a float64: a reading is a measurement, not money; float64
	// holds 15 significant digits, more than any meter reads, and SQL
	// aggregates it natively for the downsampled series.
	Value     float64   `json:"value"`
	ReadAt    time.Time `json:"read_at"`
	Source    string    `json:"source"`
	SourceID  *string   `json:"source_id"`
	CreatedAt time.Time `json:"created_at"`
}

// Limits on meters and readings.
const (
	MaxReadingsPerBatch = 10000 // readings in one request or IngestReadings call
	MaxSeriesBuckets    = 10000 // buckets in one series
	maxMeterText        = 200
	maxSourceID         = 200
	// readingFutureSlack is how far ahead of the server's clock a reading
	// may be dated: a device's clock drifts, a year-ahead date is a bug.
	readingFutureSlack = 24 * time.Hour
	// DefaultReadingSource is the source of readings that name none.
	DefaultReadingSource = "api"
)

// SeriesBuckets are the widths a series may be downsampled to. Buckets
// start on UTC boundaries; weeks start on Monday.
var SeriesBuckets = []string{"hour", "day", "week", "month"}

// MeterInput creates a meter; on PATCH, nil fields are left alone and ""
// or 0 clears unit_id, asset_id and external_ref.
type MeterInput struct {
	PropertyID    *int64  `json:"property_id" doc:"required unless unit_id is given"`
	UnitID        *int64  `json:"unit_id"`
	AssetID       *int64  `json:"asset_id"`
	Name          *string `json:"name"`
	Kind          *string `json:"kind" doc:"electricity, water, gas, heat, occupancy, temperature, humidity or other"`
	UnitOfMeasure *string `json:"unit_of_measure" doc:"e.g. kWh, m3, °C"`
	ExternalRef   *string `json:"external_ref" doc:"the device's id at its source; unique in the organization"`
}

// MeterFilter narrows a meter listing.
type MeterFilter struct {
	ListParams
	PropertyID int64
	UnitID     int64
	AssetID    int64
	Kind       string
}

// ReadingFilter narrows a meter's readings: read_at in [From, To).
type ReadingFilter struct {
	ListParams
	MeterID  int64
	From, To *time.Time
}

// ReadingInput is one reading to record. Through the API the meter is the
// one in the path; IngestReadings names it by meter_id or meter_ref (its
// external_ref).
type ReadingInput struct {
	MeterID  *int64   `json:"meter_id,omitempty"`
	MeterRef *string  `json:"meter_ref,omitempty"`
	Value    *float64 `json:"value"`
	ReadAt   *string  `json:"read_at" doc:"ISO 8601 time; default: now"`
	Source   *string  `json:"source" doc:"where it comes from, e.g. bms or an integration's name; default api"`
	SourceID *string  `json:"source_id" doc:"its id at the source: the same (source, source_id) twice on a meter is one reading"`
}

// Ingest statuses of one reading.
const (
	IngestCreated   = "created"
	IngestDuplicate = "duplicate"
	IngestError     = "error"
)

// IngestResult tells what became of a batch of readings.
type IngestResult struct {
	Created    int          `json:"created"`
	Duplicates int          `json:"duplicates"`
	Errors     int          `json:"errors"`
	Results    []IngestItem `json:"results"`
}

// IngestItem is what became of one reading, by its index in the batch.
type IngestItem struct {
	Index   int    `json:"index"`
	MeterID int64  `json:"meter_id,omitempty"`
	Status  string `json:"status"` // created, duplicate or error
	Error   string `json:"error,omitempty"`
}

// SeriesPoint is one bucket of a downsampled series.
type SeriesPoint struct {
	Start time.Time `json:"start"` // the bucket's first instant
	Min   float64   `json:"min"`
	Max   float64   `json:"max"`
	Avg   float64   `json:"avg"`
	Last  float64   `json:"last"` // the value of the bucket's latest reading
	Count int64     `json:"count"`
}

// MeterSeries is a meter's readings downsampled for a chart.
type MeterSeries struct {
	MeterID       int64         `json:"meter_id"`
	UnitOfMeasure string        `json:"unit_of_measure"`
	Bucket        string        `json:"bucket"`
	From          time.Time     `json:"from"`
	To            time.Time     `json:"to"`
	Points        []SeriesPoint `json:"points"`
}

// MeterTx stores meters and their readings.
type MeterTx interface {
	InsertMeter(ctx context.Context, m *Meter) error
	Meter(ctx context.Context, id int64) (*Meter, error)
	MeterByExternalRef(ctx context.Context, ref string) (*Meter, error)
	UpdateMeter(ctx context.Context, m *Meter) error
	// DeleteMeter deletes a meter and its readings.
	DeleteMeter(ctx context.Context, id int64) error
	Meters(ctx context.Context, f MeterFilter) (List[*Meter], error)
	// InsertMeterReadings appends readings in one statement; inserted[i]
	// is false when rs[i] was already stored (same meter, source and
	// source_id, earlier or earlier in rs).
	InsertMeterReadings(ctx context.Context, rs []*MeterReading) (inserted []bool, err error)
	MeterReadings(ctx context.Context, f ReadingFilter) (List[*MeterReading], error)
	// MeterSeries aggregates the readings of [from, to) per bucket, oldest
	// first, skipping empty buckets.
	MeterSeries(ctx context.Context, meterID int64, from, to time.Time, bucket string) ([]SeriesPoint, error)
}

// placeOn checks and sets a record's property and unit from the input's
// property_id and unit_id: the unit's property when only unit_id is given
// (0 clears the unit); both must agree when both are.
func placeOn(ctx context.Context, tx Tx, v *Validation, propertyIn, unitIn *int64, property *int64, unit **int64) error {
	if unitIn != nil && *unitIn != 0 {
		u, err := tx.Unit(ctx, *unitIn)
		if ErrorCode(err) == ENOTFOUND {
			v.Add("unit_id", "%d does not exist", *unitIn)
			return nil
		} else if err != nil {
			return err
		}
		if propertyIn != nil && *propertyIn != 0 && *propertyIn != u.PropertyID {
			v.Add("unit_id", "%d is in property %d, not property_id %d", u.ID, u.PropertyID, *propertyIn)
			return nil
		}
		id := u.ID
		*property, *unit = u.PropertyID, &id
		return nil
	}
	if unitIn != nil {
		*unit = nil
	}
	if propertyIn != nil && *propertyIn != 0 && *propertyIn != *property {
		if *unit != nil {
			v.Add("property_id", "%d is not the property of unit %d: also give unit_id (0 clears it)", *propertyIn, **unit)
			return nil
		}
		if _, err := tx.Property(ctx, *propertyIn); ErrorCode(err) == ENOTFOUND {
			v.Add("property_id", "%d does not exist", *propertyIn)
			return nil
		} else if err != nil {
			return err
		}
		*property = *propertyIn
	}
	if *property == 0 {
		v.Add("property_id", "or unit_id is required: where it is")
	}
	return nil
}

// optionalID sets dst from in: nil leaves it, 0 clears it.
func optionalID(dst **int64, in *int64) {
	if in == nil {
		return
	}
	if *in == 0 {
		*dst = nil
		return
	}
	id := *in
	*dst = &id
}

// optionalText sets dst from in: nil leaves it, "" clears it.
func optionalText(dst **string, in *string) {
	if in == nil {
		return
	}
	s := strings.TrimSpace(*in)
	if s == "" {
		*dst = nil
		return
	}
	*dst = &s
}

func (s *Service) applyMeter(ctx context.Context, tx Tx, m *Meter, in MeterInput) error {
	var v Validation
	set(&m.Name, in.Name)
	set(&m.Kind, in.Kind)
	set(&m.UnitOfMeasure, in.UnitOfMeasure)
	optionalID(&m.AssetID, in.AssetID)
	optionalText(&m.ExternalRef, in.ExternalRef)
	v.Required("name", m.Name)
	if len(m.Name) > maxMeterText {
		v.Add("name", "must be at most %d bytes", maxMeterText)
	}
	v.OneOf("kind", m.Kind, MeterKinds...)
	v.Required("unit_of_measure", m.UnitOfMeasure)
	if len(m.UnitOfMeasure) > 40 {
		v.Add("unit_of_measure", "must be at most 40 bytes")
	}
	if m.ExternalRef != nil && len(*m.ExternalRef) > maxMeterText {
		v.Add("external_ref", "must be at most %d bytes", maxMeterText)
	}
	if err := checkAssetRef(ctx, tx, &v, m.AssetID); err != nil {
		return err
	}
	if err := placeOn(ctx, tx, &v, in.PropertyID, in.UnitID, &m.PropertyID, &m.UnitID); err != nil {
		return err
	}
	if m.ExternalRef != nil {
		other, err := tx.MeterByExternalRef(ctx, *m.ExternalRef)
		switch {
		case err == nil && other.ID != m.ID:
			v.Add("external_ref", "%q is already meter %d's", *m.ExternalRef, other.ID)
		case err != nil && ErrorCode(err) != ENOTFOUND:
			return err
		}
	}
	return v.Err()
}

// CreateMeter adds a meter to a property, optionally on a unit or asset.
func (s *Service) CreateMeter(ctx context.Context, orgID int64, in MeterInput) (*Meter, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Meter, error) {
		m := &Meter{CreatedAt: now, UpdatedAt: now}
		if err := s.applyMeter(ctx, tx, m, in); err != nil {
			return nil, err
		}
		if err := tx.InsertMeter(ctx, m); err != nil {
			return nil, fmt.Errorf("create meter: %w", err)
		}
		audited(tx, "meter", m.ID, nil, m)
		return m, nil
	})
}

// UpdateMeter edits a meter; its readings stay as they are.
func (s *Service) UpdateMeter(ctx context.Context, orgID, id int64, in MeterInput) (*Meter, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Meter, error) {
		m, err := tx.Meter(ctx, id)
		if err != nil {
			return nil, err
		}
		before := *m
		if err := s.applyMeter(ctx, tx, m, in); err != nil {
			return nil, err
		}
		if unchanged(&before, m) {
			return m, nil
		}
		m.UpdatedAt = now
		if err := tx.UpdateMeter(ctx, m); err != nil {
			return nil, fmt.Errorf("update meter: %w", err)
		}
		audited(tx, "meter", m.ID, &before, m)
		return m, nil
	})
}

// DeleteMeter deletes a meter and all its readings.
func (s *Service) DeleteMeter(ctx context.Context, orgID, id int64) (*Meter, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Meter, error) {
		m, err := tx.Meter(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := tx.DeleteMeter(ctx, id); err != nil {
			return nil, fmt.Errorf("delete meter: %w", err)
		}
		audited(tx, "meter", m.ID, m, nil)
		return m, nil
	})
}

// Meter returns one meter.
func (s *Service) Meter(ctx context.Context, orgID, id int64) (*Meter, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Meter, error) { return tx.Meter(ctx, id) })
}

// Meters lists meters, newest first.
func (s *Service) Meters(ctx context.Context, orgID int64, f MeterFilter) (List[*Meter], error) {
	f.Normalize()
	if f.Kind != "" {
		var v Validation
		v.OneOf("kind", f.Kind, MeterKinds...)
		if err := v.Err(); err != nil {
			return List[*Meter]{}, err
		}
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*Meter], error) { return tx.Meters(ctx, f) })
}

// reading checks one reading input; field names are prefixed (readings[3].value).
func reading(v *Validation, prefix string, in ReadingInput, now time.Time) *MeterReading {
	r := &MeterReading{Source: DefaultReadingSource, ReadAt: now, CreatedAt: now}
	n := len(v.fields)
	if in.Value == nil {
		v.Add(prefix+"value", "is required: a number")
	} else if math.IsNaN(*in.Value) || math.IsInf(*in.Value, 0) {
		v.Add(prefix+"value", "must be a finite number")
	} else {
		r.Value = *in.Value
	}
	if in.ReadAt != nil && strings.TrimSpace(*in.ReadAt) != "" {
		t, err := ParseTime(strings.TrimSpace(*in.ReadAt))
		switch {
		case err != nil:
			v.Add(prefix+"read_at", "%v", err)
		case t.After(now.Add(readingFutureSlack)):
			v.Add(prefix+"read_at", "%s is more than a day ahead of the server's clock", t.Format(time.RFC3339))
		default:
			r.ReadAt = t.Time.Truncate(time.Microsecond) // what both engines store
		}
	}
	set(&r.Source, in.Source)
	if r.Source == "" {
		r.Source = DefaultReadingSource
	}
	if len(r.Source) > 100 {
		v.Add(prefix+"source", "must be at most 100 bytes")
	}
	optionalText(&r.SourceID, in.SourceID)
	if r.SourceID != nil && len(*r.SourceID) > maxSourceID {
		v.Add(prefix+"source_id", "must be at most %d bytes", maxSourceID)
	}
	if len(v.fields) > n {
		return nil
	}
	return r
}

// RecordMeterReadings appends readings to one meter, all or nothing: any
// bad reading refuses the batch, naming it (readings[i].field). A reading
// already stored (same source and source_id) is reported as a duplicate.
func (s *Service) RecordMeterReadings(ctx context.Context, orgID, meterID int64, in []ReadingInput) (*IngestResult, error) {
	if err := batchSize(len(in)); err != nil {
		return nil, err
	}
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*IngestResult, error) {
		if _, err := tx.Meter(ctx, meterID); err != nil {
			return nil, err
		}
		var v Validation
		rs := make([]*MeterReading, len(in))
		for i, r := range in {
			prefix := fmt.Sprintf("readings[%d].", i)
			if len(in) == 1 {
				prefix = ""
			}
			if r.MeterID != nil && *r.MeterID != meterID || r.MeterRef != nil {
				v.Add(prefix+"meter_id", "cannot be given: the readings are the meter's in the path")
			}
			if rs[i] = reading(&v, prefix, r, now); rs[i] != nil {
				rs[i].MeterID = meterID
			}
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		res, err := insertReadings(ctx, tx, rs, make([]IngestItem, len(in)))
		if err != nil {
			return nil, err
		}
		audited(tx, "meter", meterID, nil, map[string]int{"readings_created": res.Created, "readings_duplicate": res.Duplicates})
		return res, nil
	})
}

// IngestReadings appends a batch of readings for an integration, each
// naming its meter by meter_id or meter_ref (the meter's external_ref),
// in one transaction. Unlike RecordMeterReadings, a bad reading does not
// refuse the batch: it is reported with status error and the others are
// stored.
func (s *Service) IngestReadings(ctx context.Context, orgID int64, in []ReadingInput) (IngestResult, error) {
	if err := batchSize(len(in)); err != nil {
		return IngestResult{}, err
	}
	res, err := update(ctx, s, orgID, func(tx Tx, now time.Time) (*IngestResult, error) {
		return ingestReadings(ctx, tx, now, in)
	})
	if err != nil {
		return IngestResult{}, err
	}
	return *res, nil
}

// ingestReadings is IngestReadings in tx: the integration receiver's
// batched readings path shares the transaction with its log rows.
func ingestReadings(ctx context.Context, tx Tx, now time.Time, in []ReadingInput) (*IngestResult, error) {
	items := make([]IngestItem, len(in))
	rs := make([]*MeterReading, len(in))
	byID, byRef := map[int64]error{}, map[string]int64{}
	var meters []int64
	for i, r := range in {
		var v Validation
		items[i].Index = i
		id, err := ingestMeter(ctx, tx, &v, r, byID, byRef)
		if err != nil {
			return nil, err
		}
		if rs[i] = reading(&v, "", r, now); rs[i] != nil && id != 0 {
			rs[i].MeterID = id
			items[i].MeterID = id
			if len(meters) < 2 && (len(meters) == 0 || meters[0] != id) {
				meters = append(meters, id)
			}
			continue
		}
		rs[i] = nil
		items[i].Status, items[i].Error = IngestError, ErrorMessage(v.Err())
	}
	res, err := insertReadings(ctx, tx, rs, items)
	if err != nil {
		return nil, err
	}
	var target int64 // the meter, when the batch has one
	if len(meters) == 1 {
		target = meters[0]
	}
	if res.Created > 0 {
		audited(tx, "meter", target, nil, map[string]int{"readings_created": res.Created, "readings_duplicate": res.Duplicates})
	}
	return res, nil
}

// ingestMeter resolves the meter a reading names, remembering each answer
// for the rest of the batch.
func ingestMeter(ctx context.Context, tx Tx, v *Validation, r ReadingInput, byID map[int64]error, byRef map[string]int64) (int64, error) {
	switch {
	case r.MeterID != nil && *r.MeterID != 0:
		id := *r.MeterID
		err, seen := byID[id]
		if !seen {
			_, err = tx.Meter(ctx, id)
			if err != nil && ErrorCode(err) != ENOTFOUND {
				return 0, err
			}
			byID[id] = err
		}
		if err != nil {
			v.Add("meter_id", "%d does not exist", id)
			return 0, nil
		}
		return id, nil
	case r.MeterRef != nil && strings.TrimSpace(*r.MeterRef) != "":
		ref := strings.TrimSpace(*r.MeterRef)
		id, seen := byRef[ref]
		if !seen {
			m, err := tx.MeterByExternalRef(ctx, ref)
			if err != nil && ErrorCode(err) != ENOTFOUND {
				return 0, err
			}
			if m != nil {
				id = m.ID
			}
			byRef[ref] = id
		}
		if id == 0 {
			v.Add("meter_ref", "no meter has external_ref %q", ref)
		}
		return id, nil
	}
	v.Add("meter_id", "or meter_ref is required: the meter the reading is for")
	return 0, nil
}

func batchSize(n int) error {
	if n == 0 {
		return &Error{Code: EINVALID, Message: "readings must hold at least one reading",
			Fields: []FieldError{{Field: "readings", Message: "must hold at least one reading"}}}
	}
	if n > MaxReadingsPerBatch {
		return &Error{Code: EINVALID, Message: fmt.Sprintf("readings holds %d readings: at most %d per batch", n, MaxReadingsPerBatch),
			Fields: []FieldError{{Field: "readings", Message: fmt.Sprintf("at most %d per batch", MaxReadingsPerBatch)}}}
	}
	return nil
}

// insertReadings stores the non-nil readings of rs in one statement and
// fills items with what became of each.
func insertReadings(ctx context.Context, tx Tx, rs []*MeterReading, items []IngestItem) (*IngestResult, error) {
	res := &IngestResult{Results: items}
	var batch []*MeterReading
	var at []int
	for i, r := range rs {
		items[i].Index = i
		if r == nil {
			res.Errors++
			continue
		}
		items[i].MeterID = r.MeterID
		batch = append(batch, r)
		at = append(at, i)
	}
	if len(batch) == 0 {
		return res, nil
	}
	inserted, err := tx.InsertMeterReadings(ctx, batch)
	if err != nil {
		return nil, fmt.Errorf("record meter readings: %w", err)
	}
	for j, ok := range inserted {
		if ok {
			items[at[j]].Status = IngestCreated
			res.Created++
		} else {
			items[at[j]].Status = IngestDuplicate
			res.Duplicates++
		}
	}
	return res, nil
}

// MeterReadings lists a meter's readings, latest read first.
func (s *Service) MeterReadings(ctx context.Context, orgID int64, f ReadingFilter) (List[*MeterReading], error) {
	f.Normalize()
	if f.From != nil && f.To != nil && !f.To.After(*f.From) {
		return List[*MeterReading]{}, &Error{Code: EINVALID, Message: "to must be after from",
			Fields: []FieldError{{Field: "to", Message: "must be after from"}}}
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*MeterReading], error) {
		if _, err := tx.Meter(ctx, f.MeterID); err != nil {
			return List[*MeterReading]{}, err
		}
		return tx.MeterReadings(ctx, f)
	})
}

// seriesDefaultSpan is the range a series covers when from is not given.
var seriesDefaultSpan = map[string]time.Duration{"hour": 7 * 24 * time.Hour, "day": 90 * 24 * time.Hour,
	"week": 366 * 24 * time.Hour, "month": 5 * 366 * 24 * time.Hour}

// seriesWidth is the shortest a bucket is, to bound a series' size.
var seriesWidth = map[string]time.Duration{"hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour, "month": 28 * 24 * time.Hour}

// MeterSeries downsamples a meter's readings of [from, to) into buckets:
// min, max, avg, last and count of each, computed by the database. to
// defaults to now, from to a span that suits the bucket (a week of hours,
// 90 days, a year of weeks, five years of months).
func (s *Service) MeterSeries(ctx context.Context, orgID, meterID int64, from, to *time.Time, bucket string) (*MeterSeries, error) {
	var v Validation
	if bucket == "" {
		bucket = "day"
	}
	v.OneOf("bucket", bucket, SeriesBuckets...)
	if err := v.Err(); err != nil {
		return nil, err
	}
	end := s.now().Add(time.Second)
	if to != nil {
		end = to.UTC()
	}
	start := end.Add(-seriesDefaultSpan[bucket])
	if from != nil {
		start = from.UTC()
	}
	if !end.After(start) {
		v.Add("to", "must be after from")
	} else if n := end.Sub(start) / seriesWidth[bucket]; n > MaxSeriesBuckets {
		v.Add("bucket", "%s buckets from %s to %s would be more than %d: choose a wider bucket or a shorter range",
			bucket, start.Format(time.RFC3339), end.Format(time.RFC3339), MaxSeriesBuckets)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return view(ctx, s, orgID, func(tx Tx) (*MeterSeries, error) {
		m, err := tx.Meter(ctx, meterID)
		if err != nil {
			return nil, err
		}
		pts, err := tx.MeterSeries(ctx, meterID, start, end, bucket)
		if err != nil {
			return nil, fmt.Errorf("meter %d series: %w", meterID, err)
		}
		if pts == nil {
			pts = []SeriesPoint{}
		}
		return &MeterSeries{MeterID: m.ID, UnitOfMeasure: m.UnitOfMeasure, Bucket: bucket, From: start, To: end, Points: pts}, nil
	})
}

// ReadingKey names a reading by its idempotency key.
type ReadingKey struct {
	MeterID  int64
	Source   string
	SourceID string
}

// InsertedReadings tells, for each reading of rs, whether it was inserted,
// given the keys of the keyed readings the store inserted: a reading
// without source_id always is; of readings sharing a key, the first is
// the one inserted.
func InsertedReadings(rs []*MeterReading, inserted []ReadingKey) []bool {
	fresh := make(map[ReadingKey]bool, len(inserted))
	for _, k := range inserted {
		fresh[k] = true
	}
	out := make([]bool, len(rs))
	for i, r := range rs {
		if r.SourceID == nil {
			out[i] = true
			continue
		}
		k := ReadingKey{r.MeterID, r.Source, *r.SourceID}
		out[i] = fresh[k]
		delete(fresh, k)
	}
	return out
}
