package postgres

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"porter/postgres/internal/db"
)

// rateHitTimeout bounds one count's round trip; its requests fail with it.
const rateHitTimeout = 10 * time.Second

// rateHits coalesces RateLimit's counting: while one key's count is on its
// way to the database, that key's further requests on this node wait and
// are counted together by the next statement. The count stays exact and
// shared by every node, and a busy key costs a statement per round trip
// instead of one per request, whose row lock serialized the key's
// requests across the pool.
type rateHits struct {
	mu   sync.Mutex
	keys map[rateKey]*rateBatch
}

type rateKey struct {
	id     int64
	window int64 // Unix seconds
}

// rateBatch is one key's requests waiting to be counted.
type rateBatch struct {
	waiting []chan rateResult
	running bool // a goroutine is counting: it takes what waits next
}

type rateResult struct {
	n   int
	err error
}

// RateLimit counts the request in keyID's window, in the database so that
// every node sees one count, and returns the count including it.
func (d *DB) RateLimit(ctx context.Context, keyID int64, window time.Time) (int, error) {
	k := rateKey{keyID, window.Unix()}
	ch := make(chan rateResult, 1)
	d.hits.mu.Lock()
	if d.hits.keys == nil {
		d.hits.keys = map[rateKey]*rateBatch{}
	}
	b := d.hits.keys[k]
	if b == nil {
		b = &rateBatch{}
		d.hits.keys[k] = b
	}
	b.waiting = append(b.waiting, ch)
	if !b.running {
		b.running = true
		go d.countHits(k, window, b)
	}
	d.hits.mu.Unlock()
	select {
	case r := <-ch:
		return r.n, r.err
	case <-ctx.Done():
		// Counted all the same, as a request that reached the server is.
		return 0, fmt.Errorf("rate limit: %w", ctx.Err())
	}
}

// countHits counts what waits for k, batch after batch, until nothing does.
func (d *DB) countHits(k rateKey, window time.Time, b *rateBatch) {
	for {
		d.hits.mu.Lock()
		batch := b.waiting
		b.waiting = nil
		if len(batch) == 0 {
			b.running = false
			delete(d.hits.keys, k)
			d.hits.mu.Unlock()
			return
		}
		d.hits.mu.Unlock()
		n, err := d.hitRateLimit(k.id, window, len(batch))
		// The batch's requests are numbered in the order they arrived,
		// the last one being the window's count.
		for i, ch := range batch {
			ch <- rateResult{n: n - len(batch) + 1 + i, err: err}
		}
	}
}

// qHitRateLimit counts hits in one round trip: the transaction, its
// asynchronous commit (see asyncCommit: the row lock is held for a round
// trip rather than an fsync) and the count travel as one simple-protocol
// query, where a prepared statement inside BEGIN and COMMIT took three.
// Its values are an integer and a formatted time, so they are written
// into the text rather than bound.
const qHitRateLimit = `BEGIN; SET LOCAL synchronous_commit TO off;
INSERT INTO rate_limits (key_id, window_start, count) VALUES (%d, '%s', %d)
ON CONFLICT (key_id, window_start) DO UPDATE SET count = rate_limits.count + EXCLUDED.count
RETURNING count; COMMIT`

// hitRateLimit adds hits to the key's window and returns its count.
func (d *DB) hitRateLimit(keyID int64, window time.Time, hits int) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), rateHitTimeout)
	defer cancel()
	conn, err := d.pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("rate limit: %w", err)
	}
	// A connection left inside the transaction (an error part way) is
	// closed by the pool rather than reused.
	defer conn.Release()
	q := fmt.Sprintf(qHitRateLimit, keyID, window.UTC().Format(time.RFC3339Nano), hits)
	results, err := conn.Conn().PgConn().Exec(ctx, q).ReadAll()
	if err != nil {
		return 0, fmt.Errorf("rate limit: %w", err)
	}
	var n int
	for _, r := range results {
		if len(r.Rows) == 1 && len(r.Rows[0]) == 1 {
			if n, err = strconv.Atoi(string(r.Rows[0][0])); err != nil {
				return 0, fmt.Errorf("rate limit: count %q: %w", r.Rows[0][0], err)
			}
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("rate limit: no count returned")
	}
	if n == hits {
		// The window's first hits clear old windows; cheap and bounded.
		_ = db.New(d.pool).PruneRateLimits(ctx, window.Add(-time.Minute))
	}
	return n, nil
}
