package porter

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The meter_reading target: a BMS or IoT source's readings become meter
// readings. The meter is named by its external_ref (the device's id at
// the source) or translated by value_maps.meter (to a Porter meter id or
// an external_ref); the reading's source_id defaults to the record's id,
// so the same record twice is one reading. Receiver calls made of
// readings take the batched path (receiveReadings): one transaction and
// one multi-row insert for the readings and another for their log rows.

type meterReadingTarget struct{}

func init() { registerIntegrationTarget("meter_reading", meterReadingTarget{}) }

func (meterReadingTarget) fields() []integrationField {
	return []integrationField{
		{Name: "meter", Kind: "meter"},
		{Name: "meter_id"},
		{Name: "value"},
		{Name: "read_at"},
		{Name: "source_id"},
	}
}

// integrationReadingSource is the source of an integration's readings:
// its id, not its name, so that renaming it keeps readings idempotent.
func integrationReadingSource(it *Integration) string { return fmt.Sprintf("integration:%d", it.ID) }

// readingInput turns a record's resolved values into a reading, the meter
// still to be resolved (integrationMeter).
func readingInput(it *Integration, sourceID string, values map[string]string) (ReadingInput, error) {
	src := integrationReadingSource(it)
	in := ReadingInput{Source: &src, ReadAt: ptrIf(values["read_at"])}
	v := strings.TrimSpace(values["value"])
	if v == "" {
		return in, Errorf(EUNPROCESS, "value is missing: the record has no data.value (or the mapped field) and the mapping sets no default")
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return in, Errorf(EUNPROCESS, "value '%s' is not a number", v)
	}
	in.Value = &f
	sid := values["source_id"]
	if sid == "" {
		sid = sourceID
	}
	in.SourceID = &sid
	return in, nil
}

// meterCache remembers, for one call, which meter each name resolved to.
type meterCache map[string]int64

// integrationMeter finds the meter a record names: meter_id (a Porter id),
// else meter translated by value_maps.meter to a meter id, else meter
// (or its translation) as a meter's external_ref.
func integrationMeter(ctx context.Context, tx Tx, values map[string]string, mapped map[string]bool, cache meterCache) (int64, error) {
	if v := values["meter_id"]; v != "" {
		return meterByID(ctx, tx, "meter_id", v, cache)
	}
	name := strings.TrimSpace(values["meter"])
	if name == "" {
		return 0, Errorf(EUNPROCESS, "no meter: the record names neither meter (a meter's external_ref) nor meter_id")
	}
	if mapped["meter"] {
		if _, err := strconv.ParseInt(name, 10, 64); err == nil {
			return meterByID(ctx, tx, "value_maps.meter", name, cache)
		}
	}
	key := "ref:" + name
	if id, ok := cache[key]; ok {
		return checkCachedMeter(id, name, mapped["meter"])
	}
	m, err := tx.MeterByExternalRef(ctx, name)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return 0, err
	}
	if m != nil {
		cache[key] = m.ID
	} else {
		cache[key] = 0
	}
	return checkCachedMeter(cache[key], name, mapped["meter"])
}

func checkCachedMeter(id int64, name string, mapped bool) (int64, error) {
	if id != 0 {
		return id, nil
	}
	if mapped {
		return 0, Errorf(EUNPROCESS, "meter '%s' (from value_maps.meter) is no meter's id or external_ref", name)
	}
	return 0, Errorf(EUNPROCESS, "meter '%s' has no mapping (add it to value_maps.meter, or set a meter's external_ref to '%s')", name, name)
}

func meterByID(ctx context.Context, tx Tx, field, v string, cache meterCache) (int64, error) {
	key := "id:" + v
	if id, ok := cache[key]; ok {
		if id == 0 {
			return 0, Errorf(EUNPROCESS, "%s '%s' is not a meter of this organization", field, v)
		}
		return id, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, Errorf(EUNPROCESS, "%s '%s' is not a Porter id", field, v)
	}
	if _, err := tx.Meter(ctx, n); ErrorCode(err) == ENOTFOUND {
		cache[key] = 0
		return 0, Errorf(EUNPROCESS, "%s '%s' is not a meter of this organization", field, v)
	} else if err != nil {
		return 0, err
	}
	cache[key] = n
	return n, nil
}

// apply records one reading: the per-record path (a call mixing entities,
// Retry Failed). A reading already stored is a success, not a new one.
func (meterReadingTarget) apply(ctx context.Context, tx Tx, now time.Time, r *integrationRecord) (IntegrationRef, error) {
	in, err := readingInput(r.Integration, r.SourceID, r.Values)
	if err != nil {
		return IntegrationRef{}, err
	}
	id, err := integrationMeter(ctx, tx, r.Values, r.Mapped, meterCache{})
	if err != nil {
		return IntegrationRef{}, err
	}
	in.MeterID = &id
	res, err := ingestReadings(ctx, tx, now, []ReadingInput{in})
	if err != nil {
		return IntegrationRef{}, err
	}
	if it := res.Results[0]; it.Status == IngestError {
		return IntegrationRef{}, Errorf(EUNPROCESS, "%s", it.Error)
	}
	return IntegrationRef{"meter", id}, nil
}
