package postgres

import (
	"context"
	"fmt"
	"time"

	"porter"
)

var _ porter.NodeStore = (*DB)(nil)

const (
	qBeatNode   = `UPDATE nodes SET heartbeat_at = $3 WHERE name = $1 AND started_at = $2`
	qInsertNode = `INSERT INTO nodes (name, host, pid, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (name) DO UPDATE SET host = excluded.host, pid = excluded.pid, started_at = excluded.started_at,
    heartbeat_at = excluded.heartbeat_at`
	qNodes      = `SELECT name, host, pid, started_at, heartbeat_at FROM nodes ORDER BY name`
	qDeleteNode = `DELETE FROM nodes WHERE name = $1 AND started_at = $2`
	qReapNode   = `DELETE FROM nodes WHERE name = $1 AND started_at = $2 AND heartbeat_at = $3`
	// The attempt in flight stays counted: the dead node may have sent it.
	// Rows another transaction holds (a record of the same delivery by a
	// node presumed dead) are waited for, so none is given back twice.
	qReleaseOwner = `UPDATE webhook_deliveries SET next_attempt_at = $1, lease_owner = '', lease_token = '', updated_at = $1
WHERE status = 'pending' AND lease_token <> '' AND lease_owner = $2
  AND ($3 OR NOT EXISTS (SELECT 1 FROM nodes WHERE name = $2))`
)

// micro is t as PostgreSQL stores it, so that what is compared is what was read.
func micro(t time.Time) time.Time { return t.Truncate(time.Microsecond) }

// Heartbeat refreshes n's row, inserting it when it is missing.
func (d *DB) Heartbeat(ctx context.Context, n porter.Node, now time.Time) (bool, error) {
	existed := true
	err := d.Update(ctx, 0, func(t porter.Tx) error {
		pg := t.(*tx).pg
		tag, err := pg.Exec(ctx, qBeatNode, n.Name, micro(n.StartedAt), micro(now))
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		existed = false
		_, err = pg.Exec(ctx, qInsertNode, n.Name, n.Host, n.PID, micro(n.StartedAt), micro(now))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("node heartbeat: %w", err)
	}
	return existed, nil
}

// Nodes lists the nodes, reading without locks.
func (d *DB) Nodes(ctx context.Context) ([]porter.Node, error) {
	rows, err := d.pool.Query(ctx, qNodes)
	if err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	defer rows.Close()
	var out []porter.Node
	for rows.Next() {
		var n porter.Node
		var pid int32
		if err := rows.Scan(&n.Name, &n.Host, &pid, &n.StartedAt, &n.HeartbeatAt); err != nil {
			return nil, fmt.Errorf("nodes: %w", err)
		}
		n.PID = int(pid)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	return out, nil
}

// ReleaseNode deletes a dead node's row and gives back its leases, in one
// transaction, and wakes every node to claim them.
func (d *DB) ReleaseNode(ctx context.Context, n porter.Node, now time.Time) (int, bool, error) {
	var released int
	ok := true
	err := d.Update(ctx, 0, func(t porter.Tx) error {
		tx := t.(*tx)
		released, ok = 0, true
		hadRow := !n.StartedAt.IsZero()
		if hadRow {
			tag, err := tx.pg.Exec(ctx, qReapNode, n.Name, micro(n.StartedAt), micro(n.HeartbeatAt))
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				ok = false // it beat since, or was reaped already
				return nil
			}
		}
		tag, err := tx.pg.Exec(ctx, qReleaseOwner, now, n.Name, hadRow)
		if err != nil {
			return err
		}
		released = int(tag.RowsAffected())
		if released > 0 {
			return tx.notifyDue(ctx)
		}
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("release node %s: %w", n.Name, err)
	}
	return released, ok, nil
}

// DeleteNode deletes n's row.
func (d *DB) DeleteNode(ctx context.Context, n porter.Node) error {
	if _, err := d.pool.Exec(ctx, qDeleteNode, n.Name, micro(n.StartedAt)); err != nil {
		return fmt.Errorf("delete node %s: %w", n.Name, err)
	}
	return nil
}
