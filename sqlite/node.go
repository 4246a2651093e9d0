package sqlite

import (
	"context"
	"fmt"
	"time"

	"porter"
)

var _ porter.NodeStore = (*DB)(nil)

// The nodes table is written every few seconds by each node and read
// once a sweep: its statements are not worth preparing ahead.
const (
	qBeatNode   = `UPDATE nodes SET heartbeat_at = ?3 WHERE name = ?1 AND started_at = ?2`
	qInsertNode = `INSERT INTO nodes (name, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET host = excluded.host, pid = excluded.pid, started_at = excluded.started_at,
    heartbeat_at = excluded.heartbeat_at`
	qNodes      = `SELECT name, host, pid, started_at, heartbeat_at FROM nodes ORDER BY name`
	qDeleteNode = `DELETE FROM nodes WHERE name = ? AND started_at = ?`
	qReapNode   = `DELETE FROM nodes WHERE name = ? AND started_at = ? AND heartbeat_at = ?`
	// The attempt in flight stays counted: the dead node may have sent it.
	qReleaseOwner = `UPDATE webhook_deliveries SET next_attempt_at = ?1, lease_owner = '', lease_token = '', updated_at = ?1
WHERE status = 'pending' AND lease_token <> '' AND lease_owner = ?2
  AND (?3 OR NOT EXISTS (SELECT 1 FROM nodes WHERE name = ?2))`
)

// Heartbeat refreshes n's row, inserting it when it is missing.
func (d *DB) Heartbeat(ctx context.Context, n porter.Node, now time.Time) (bool, error) {
	existed := true
	err := d.Update(ctx, 0, func(t porter.Tx) error {
		tx := t.(*tx)
		k, err := tx.exec(ctx, qBeatNode, n.Name, ts(n.StartedAt), ts(now))
		if err != nil || k == 1 {
			return err
		}
		existed = false
		_, err = tx.exec(ctx, qInsertNode, n.Name, n.Host, n.PID, ts(n.StartedAt), ts(now))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("node heartbeat: %w", err)
	}
	return existed, nil
}

// Nodes reads through the read pool: a sweep never waits for the writer.
func (d *DB) Nodes(ctx context.Context) ([]porter.Node, error) {
	rows, err := d.read.QueryContext(ctx, qNodes)
	if err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	defer rows.Close()
	var out []porter.Node
	for rows.Next() {
		var n porter.Node
		var started, beat string
		if err := rows.Scan(&n.Name, &n.Host, &n.PID, &started, &beat); err != nil {
			return nil, fmt.Errorf("nodes: %w", err)
		}
		n.StartedAt, n.HeartbeatAt = pts(started), pts(beat)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	return out, nil
}

// ReleaseNode deletes a dead node's row and gives back its leases, in one
// transaction.
func (d *DB) ReleaseNode(ctx context.Context, n porter.Node, now time.Time) (int, bool, error) {
	var released int
	ok := true
	err := d.Update(ctx, 0, func(t porter.Tx) error {
		tx := t.(*tx)
		released, ok = 0, true
		hadRow := !n.StartedAt.IsZero()
		if hadRow {
			k, err := tx.exec(ctx, qReapNode, n.Name, ts(n.StartedAt), ts(n.HeartbeatAt))
			if err != nil {
				return err
			}
			if k == 0 {
				ok = false // it beat since, or was reaped already
				return nil
			}
		}
		k, err := tx.exec(ctx, qReleaseOwner, ts(now), n.Name, hadRow)
		if err != nil {
			return err
		}
		released = int(k)
		if k > 0 {
			tx.wake.deliveries = true
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
	err := d.Update(ctx, 0, func(t porter.Tx) error {
		_, err := t.(*tx).exec(ctx, qDeleteNode, n.Name, ts(n.StartedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete node %s: %w", n.Name, err)
	}
	return nil
}
