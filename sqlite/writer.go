package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"porter"
)

// maxBatch bounds how many writes share one commit.
const maxBatch = 128

// errClosed answers writes after Close.
var errClosed = errors.New("sqlite: database is closed")

// pendingWrite is one Update waiting for the writer.
type pendingWrite struct {
	ctx   context.Context
	orgID int64
	fn    func(porter.Tx) error
	done  chan error
	wake  wake // what fn's writes leave waiting, once committed
}

// panicked carries a panic from fn back to the goroutine that called
// Update, which panics again there.
type panicked struct {
	value any
	stack []byte
}

func (p panicked) Error() string { return fmt.Sprintf("panic in write: %v", p.value) }

// Update runs fn in a write transaction. Every write goes through one
// writer goroutine on the one write connection. Writes that queue up
// while a commit is in progress run together in the next transaction, each
// in its own savepoint, and share its commit (group commit): the pages of
// a busy table and the outbox reach the WAL once per batch instead of once
// per write. A write that fails rolls back to its savepoint and takes
// nothing else with it; no caller hears of success before the commit.
func (d *DB) Update(ctx context.Context, orgID int64, fn func(porter.Tx) error) error {
	w := &pendingWrite{ctx: ctx, orgID: orgID, fn: fn, done: make(chan error, 1)}
	select {
	case d.writes <- w:
	case <-d.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, wait for the outcome even if ctx ends: fn may be running,
	// and the caller must not be told "cancelled" about a write that commits.
	err := <-w.done
	if p, ok := err.(panicked); ok {
		panic(fmt.Sprintf("%v\n\nin the sqlite writer:\n%s", p.value, p.stack))
	}
	return err
}

// writer runs batches until Close.
func (d *DB) writer() {
	defer close(d.writerDone)
	batch := make([]*pendingWrite, 0, maxBatch)
	// The writer only asks for checkpoints; the checkpointer runs them on
	// its own connection. A checkpoint copies the WAL into the database
	// file and fsyncs it, about 100 ms a second at 1,000 events/s on this
	// machine's disk, and any write queued behind one waited that long: the
	// commit→arrival p99 at 1,000 events/s was a checkpoint. WAL lets a
	// checkpoint run beside the writer; only the WAL's restart from its
	// start waits for one to finish, and the writer does that itself when
	// it begins its next transaction.
	idle := time.NewTimer(time.Hour)
	idle.Stop()
	commits := 0
	for {
		select {
		case w := <-d.writes:
			batch = append(batch[:0], w)
		case <-idle.C:
			d.wantCheckpoint()
			commits = 0
			continue
		case <-d.quit:
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case w := <-d.writes:
				batch = append(batch, w)
			default:
				break more
			}
		}
		d.commit(batch)
		if commits++; commits >= checkpointEvery {
			d.wantCheckpoint()
			commits = 0
		}
		idle.Reset(checkpointIdle)
	}
}

const (
	checkpointIdle  = 20 * time.Millisecond
	checkpointEvery = 200
)

// wantCheckpoint asks the checkpointer for a checkpoint, without waiting:
// one already asked for covers this one too.
func (d *DB) wantCheckpoint() {
	select {
	case d.checkpoints <- struct{}{}:
	default:
	}
}

// checkpointer runs the checkpoints the writer asks for until Close.
func (d *DB) checkpointer() {
	defer close(d.checkpointerDone)
	for {
		select {
		case <-d.checkpoints:
			d.checkpoint()
		case <-d.quit:
			return
		}
	}
}

// checkpoint copies the WAL back into the database file as far as readers
// allow (PASSIVE: it never waits for them, nor for the writer).
func (d *DB) checkpoint() {
	if _, err := d.ckpt.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
		slog.Warn("sqlite checkpoint", "err", err)
	}
}

// commit runs batch in one transaction.
func (d *DB) commit(batch []*pendingWrite) {
	ctx := context.Background()
	errs := make([]error, len(batch))
	finish := func() {
		// Watchers hear of what committed before any caller returns, so a
		// test that writes and then waits cannot miss the signal.
		var events, deliveries bool
		for i, w := range batch {
			if errs[i] == nil {
				events, deliveries = events || w.wake.events, deliveries || w.wake.deliveries
			}
		}
		d.signals.Signal(events, deliveries)
		for i, w := range batch {
			w.done <- errs[i]
		}
	}
	defer finish()
	sqlTx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		for i := range errs {
			errs[i] = fmt.Errorf("begin: %w", err)
		}
		return
	}
	if len(batch) == 1 {
		// Alone: no savepoint needed; a failure rolls the whole thing back.
		if errs[0] = batch[0].ctx.Err(); errs[0] == nil {
			errs[0] = d.call(batch[0], sqlTx)
		}
		if errs[0] != nil {
			sqlTx.Rollback()
			return
		}
		if err := sqlTx.Commit(); err != nil {
			errs[0] = fmt.Errorf("commit: %w", err)
		}
		return
	}
	for i, w := range batch {
		if errs[i] = w.ctx.Err(); errs[i] != nil {
			continue
		}
		if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			abort(sqlTx, errs, fmt.Errorf("savepoint: %w", err))
			return
		}
		if errs[i] = d.call(w, sqlTx); errs[i] != nil {
			if _, err := sqlTx.ExecContext(ctx, "ROLLBACK TO w"); err != nil {
				abort(sqlTx, errs, fmt.Errorf("rollback to savepoint: %w", err))
				return
			}
		}
		if _, err := sqlTx.ExecContext(ctx, "RELEASE w"); err != nil {
			abort(sqlTx, errs, fmt.Errorf("release savepoint: %w", err))
			return
		}
	}
	if err := sqlTx.Commit(); err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("commit: %w", err)
			}
		}
	}
}

// abort rolls the whole batch back: every write not already failed fails
// with err.
func abort(sqlTx *sql.Tx, errs []error, err error) {
	sqlTx.Rollback()
	for i := range errs {
		if errs[i] == nil {
			errs[i] = err
		}
	}
}

func (d *DB) call(w *pendingWrite, sqlTx *sql.Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = panicked{value: v, stack: debug.Stack()}
		}
	}()
	t := d.newTx(sqlTx, true, w.orgID)
	if err := w.fn(t); err != nil {
		return err
	}
	w.wake = *t.wake
	return nil
}
