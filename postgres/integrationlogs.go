package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"porter"
)

// qInsertIntegrationLogs writes a batch of log rows in one statement (the
// batched meter-readings path), in array order, so that their identity
// ids ascend in that order.
const qInsertIntegrationLogs = `INSERT INTO integration_log (org_id, integration_id, received_at, entity, source_id, target_type,
    target_id, status, error, raw, truncated, attempts, updated_at)
SELECT $1, (j.v ->> 'i')::bigint, (j.v ->> 'r')::timestamptz, j.v ->> 'e', j.v ->> 's', j.v ->> 'tt', (j.v ->> 'ti')::bigint,
    j.v ->> 'st', j.v ->> 'er', j.v ->> 'raw', (j.v ->> 'tr')::boolean, (j.v ->> 'a')::integer, (j.v ->> 'u')::timestamptz
FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS j(v, n)
ORDER BY j.n
RETURNING id`

type newLogRow struct {
	I   int64     `json:"i"`
	R   time.Time `json:"r"`
	E   string    `json:"e"`
	S   string    `json:"s"`
	TT  string    `json:"tt"`
	TI  *int64    `json:"ti"`
	St  string    `json:"st"`
	Er  string    `json:"er"`
	Raw string    `json:"raw"`
	Tr  bool      `json:"tr"`
	A   int       `json:"a"`
	U   time.Time `json:"u"`
}

func (t *tx) InsertIntegrationLogs(ctx context.Context, es []*porter.IntegrationLogEntry) error {
	if len(es) == 0 {
		return nil
	}
	rows := make([]newLogRow, len(es))
	for i, e := range es {
		typ, id := logTarget(e)
		rows[i] = newLogRow{e.IntegrationID, e.ReceivedAt, e.Entity, e.SourceID, typ, id, e.Status, e.Error, e.Raw,
			!e.Replayable, e.Attempts, e.UpdatedAt}
	}
	res, err := t.pg.Query(ctx, qInsertIntegrationLogs, t.orgID, jsonArg(rows))
	if err != nil {
		return fmt.Errorf("insert integration log rows: %w", err)
	}
	defer res.Close()
	ids := make([]int64, 0, len(es))
	for res.Next() {
		var id int64
		if err := res.Scan(&id); err != nil {
			return fmt.Errorf("insert integration log rows: %w", err)
		}
		ids = append(ids, id)
	}
	if err := res.Err(); err != nil {
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
