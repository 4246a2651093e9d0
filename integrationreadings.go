package porter

import (
	"context"
	"encoding/json"
	"time"
)

// receiveReadings is the receiver's batched path for meter readings: a
// BMS sends thousands a minute, and a transaction and a log insert per
// reading caps ingestion at a few hundred a second. The records of a call
// whose entity maps to meter_reading are resolved together and stored in
// one transaction: one multi-row insert of readings (idempotent by
// source_id, as IngestReadings is) and one of their log rows. A reading
// that cannot be applied (an unknown meter, a bad value) is that record's
// error; the others succeed. It returns the log row of each record it
// took, by index; the rest (and all of them, should the transaction
// fail) go the per-record way.
func (s *Service) receiveReadings(ctx context.Context, orgID int64, it *Integration, records []json.RawMessage) map[int]*IntegrationLogEntry {
	type pending struct {
		index  int
		e      *IntegrationLogEntry
		values map[string]string
		mapped map[string]bool
		err    error
	}
	var batch []*pending
	t := meterReadingTarget{}
	for i, raw := range records {
		env, entity, sourceID, err := parseEnvelope(raw)
		if err != nil {
			continue
		}
		em := it.Mapping.Entities[entity]
		if em == nil || em.Target != "meter_reading" || (em.AutoCreate != nil && !*em.AutoCreate) {
			continue
		}
		p := &pending{index: i, e: newIntegrationLogEntry(it, raw)}
		p.e.Entity, p.e.SourceID = entity, sourceID
		p.values, p.mapped, p.err = it.Mapping.resolve(em, t, env)
		batch = append(batch, p)
	}
	if len(batch) == 0 {
		return nil
	}
	resolved := 0
	for _, p := range batch {
		if p.err == nil {
			resolved++
		}
	}
	rows, err := update(ctx, s, orgID, func(tx Tx, now time.Time) ([]*IntegrationLogEntry, error) {
		if it.FirstSyncCompletedAt == nil && resolved > 0 {
			// The first sync's progress (seed 001): readings record no
			// events, so only the count matters. First in the transaction,
			// so that it locks the integration's row before any meter, as
			// a record applied on its own does.
			if _, err := tx.CountIntegrationFirstSyncRecords(ctx, it.ID, resolved); err != nil {
				return nil, err
			}
		}
		cache := meterCache{}
		var in []ReadingInput
		var at []*IntegrationLogEntry
		rows := make([]*IntegrationLogEntry, len(batch))
		anyError := false
		for k, p := range batch {
			e := *p.e
			e.ReceivedAt, e.UpdatedAt = now, now
			rows[k] = &e
			err := p.err
			var r ReadingInput
			if err == nil {
				r, err = readingInput(it, e.SourceID, p.values)
			}
			var id int64
			if err == nil {
				id, err = integrationMeter(ctx, tx, p.values, p.mapped, cache)
			}
			if err != nil {
				if ErrorCode(err) != EUNPROCESS {
					return nil, err
				}
				e.Status, e.Error, anyError = LogError, ErrorMessage(err), true
				continue
			}
			r.MeterID = &id
			e.Status, e.Target = LogSuccess, &IntegrationRef{"meter", id}
			in = append(in, r)
			at = append(at, &e)
		}
		if len(in) > 0 {
			res, err := ingestReadings(ctx, tx, now, in)
			if err != nil {
				return nil, err
			}
			for j, item := range res.Results {
				if item.Status == IngestError {
					at[j].Status, at[j].Target, at[j].Error, anyError = LogError, nil, item.Error, true
				}
			}
		}
		if err := tx.InsertIntegrationLogs(ctx, rows); err != nil {
			return nil, err
		}

		// The latest copy of a source record is the one that counts. Only
		// when errors may be open is it worth a statement per row.
		if it.OpenErrors > 0 || anyError {
			for _, e := range rows {
				if err := tx.SupersedeIntegrationErrors(ctx, e); err != nil {
					return nil, err
				}
			}
		}
		return rows, nil
	})
	if err != nil {
		s.Logger.Error("integration readings batch; applying its records one by one", "integration", it.ID, "err", err)
		return nil
	}
	out := make(map[int]*IntegrationLogEntry, len(rows))
	for k, p := range batch {
		out[p.index] = rows[k]
	}
	return out
}
