package sqlite

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"porter"
)

// qInsertIntegrationLogs writes a batch of log rows in one statement (the
// batched meter-readings path): json_each feeds them in array order, so
// their ids ascend in that order.
const qInsertIntegrationLogs = `INSERT INTO integration_log (org_id, integration_id, received_at, entity, source_id, target_type,
    target_id, status, error, raw, truncated, attempts, updated_at)
SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6,
    j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11
FROM json_each(?2) AS j WHERE true ORDER BY j.key
RETURNING id`

func (t *tx) InsertIntegrationLogs(ctx context.Context, es []*porter.IntegrationLogEntry) error {
	if len(es) == 0 {
		return nil
	}
	rows := make([][12]any, len(es))
	for i, e := range es {
		typ, id := logTarget(e)
		var target any
		if id.Valid {
			target = id.Int64
		}
		rows[i] = [12]any{e.IntegrationID, ts(e.ReceivedAt), e.Entity, e.SourceID, typ, target, e.Status, e.Error, e.Raw,
			!e.Replayable, e.Attempts, ts(e.UpdatedAt)}
	}
	res, err := t.query(ctx, qInsertIntegrationLogs, t.orgID, jsonArg(rows))
	if err != nil {
		return fmt.Errorf("insert integration log rows: %w", err)
	}
	ids := make([]int64, 0, len(es))
	for res.Next() {
		var id int64
		if err = res.Scan(&id); err != nil {
			break
		}
		ids = append(ids, id)
	}
	if err = errors.Join(err, res.Err(), res.Close()); err != nil {
		return fmt.Errorf("insert integration log rows: %w", err)
	}
	if len(ids) != len(es) {
		return fmt.Errorf("insert integration log rows: %d ids for %d rows", len(ids), len(es))
	}
	slices.Sort(ids)
	for i, e := range es {
		e.ID = ids[i]
	}
	return nil
}
