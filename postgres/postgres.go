// Package postgres is Porter's PostgreSQL storage engine, through pgx/v5,
// for operators who run several nodes on one database.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"porter"
	"porter/postgres/internal/db"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the PostgreSQL engine. It implements porter.Store.
type DB struct {
	pool *pgxpool.Pool

	signals     porter.QueueSignals
	hits        rateHits   // RateLimit's requests waiting to be counted
	notes       eventNotes // notifications of committed events
	notifyToken string     // names this DB's notifications (notify.go)
	listenOnce  sync.Once
	stopListen  context.CancelFunc // set with listenDone by the first WatchQueue
	listenDone  chan struct{}
}

// Open connects to the database at url (postgres://…).
func Open(ctx context.Context, url string) (*DB, error) { return OpenWith(ctx, url, Options{}) }

// Options are Open's optional settings.
type Options struct {
	// OnStatement, when set, is called with the text of every statement
	// the pool sends (BEGIN and COMMIT included; each of a batch's), before
	// it is sent: tests count a page's queries with it. Nil sets no tracer.
	OnStatement func(query string)
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, url string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	// pgxpool's default is one connection per core (4 at least): each API
	// request holds one for several statements, the delivery engine and
	// the event stream hold theirs, so on a small machine requests queue
	// for a connection while PostgreSQL idles. Too many cost as much the
	// other way: every backend is a process PostgreSQL schedules, snapshots
	// and wakes at each commit, and on a 2-core machine two nodes of 25
	// spent a third more of the machine's CPU per event than two of 8 (see
	// defaultMaxConns). pool_max_conns in the URL still decides.
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns()
	}
	if opts.OnStatement != nil {
		cfg.ConnConfig.Tracer = statementTracer(opts.OnStatement)
	}
	// JIT compiles a plan when its estimated cost is high, which the
	// queue's batch statements (a JSON parameter of unknown length) always
	// look: 200 ms of compiling for a 0.4 ms claim. Porter's queries are
	// short OLTP ones; none gains from it.
	if _, set := cfg.ConnConfig.RuntimeParams["jit"]; !set {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return &DB{pool: pool, notifyToken: newNotifyToken()}, nil
}

// defaultMaxConns is the pool size when the URL does not set one: four
// per core this node may use, from 8 to 25, so that a few nodes fit
// PostgreSQL's default max_connections (100). End to end on a 2-core
// machine (porter-bench), one node with 8 instead of 25 delivered as much
// with a lower API p99; two nodes with 8 each delivered 30 % more than
// with 25 each, at three quarters of the machine's CPU per event.
func defaultMaxConns() int32 {
	return int32(min(25, max(8, 4*runtime.GOMAXPROCS(0))))
}

// Pool is the connection pool, for callers that need PostgreSQL itself
// (LISTEN/NOTIFY, tests).
func (d *DB) Pool() *pgxpool.Pool { return d.pool }

// Migrate applies every pending migration. A session advisory lock makes
// it safe for several nodes to start at once: one migrates, the others wait.
func (d *DB) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sqlDB := stdlib.OpenDBFromPool(d.pool)
	defer sqlDB.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Close closes the pool.
func (d *DB) Close() error {
	d.listenOnce.Do(func() {}) // no listener may start after this
	if d.stopListen != nil {
		d.stopListen()
		<-d.listenDone
	}
	d.notes.wg.Wait() // what committed is announced before the pool goes
	d.pool.Close()
	return nil
}

// Update runs fn in a read-write transaction. A transaction PostgreSQL
// aborts to break a deadlock (or a serialization failure) is run again,
// up to updateAttempts times: two writers that lock the same rows in
// different orders (deleting a webhook cascades to deliveries that the
// delivery engine is finishing) must not fail a user's request. fn must
// therefore be safe to run again, as the Service's are: they only read
// and write through tx and assign their results.
func (d *DB) Update(ctx context.Context, orgID int64, fn func(porter.Tx) error) error {
	return d.update(ctx, pgx.TxOptions{}, orgID, fn)
}

// asyncCommit begins a transaction whose commit does not wait for its WAL
// to reach the disk. For writes that a database crash (not a Porter crash:
// those lose nothing) may forget without harm: a rate-limit count, or the
// delivery queue's bookkeeping, where a forgotten claim or attempt only
// means one more delivery (receivers deduplicate on the event id), never
// one fewer, since a forgotten fan-out forgets its deliveries and keeps
// its outbox row with them. Each synchronous commit that follows flushes
// them anyway. Under load it spares one fsync per transaction, which on a
// busy disk is most of its time.
var asyncCommit = pgx.TxOptions{BeginQuery: "BEGIN; SET LOCAL synchronous_commit TO off"}

func (d *DB) update(ctx context.Context, opts pgx.TxOptions, orgID int64, fn func(porter.Tx) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = d.run(ctx, opts, orgID, fn)
		if attempt == updateAttempts || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt*(5+rand.IntN(10))) * time.Millisecond):
		}
	}
}

const updateAttempts = 3

// retryable reports whether err is PostgreSQL aborting a transaction
// that would succeed if run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001") // deadlock_detected, serialization_failure
}

// View runs fn in a read-only transaction.
func (d *DB) View(ctx context.Context, orgID int64, fn func(porter.Tx) error) error {
	return d.run(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly}, orgID, fn)
}

func (d *DB) run(ctx context.Context, opts pgx.TxOptions, orgID int64, fn func(porter.Tx) error) error {
	pgTx, err := d.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer pgTx.Rollback(context.WithoutCancel(ctx))
	t := &tx{q: db.New(pgTx), pg: pgTx, orgID: orgID, wrote: &txWrites{}}
	if err := fn(t); err != nil {
		return err
	}
	if err := pgTx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if t.wrote.events {
		d.eventsCommitted()
	}
	return nil
}

// CreateOrganization inserts org; without charge categories it gets the
// defaults, as the column does.
func (d *DB) CreateOrganization(ctx context.Context, org *porter.Organization) error {
	if len(org.ChargeCategories) == 0 {
		org.ChargeCategories = porter.DefaultChargeCategories()
	}
	id, err := db.New(d.pool).InsertOrganization(ctx, db.InsertOrganizationParams{
		Name: org.Name, LeaseAlertDays: encodeInts(org.LeaseAlertDays), ChargeCategories: encodeStrings(org.ChargeCategories), CreatedAt: org.CreatedAt,
	})
	if err != nil {
		return fmt.Errorf("create organization: %w", err)
	}
	org.ID = id
	return nil
}

// Organizations lists every organization.
func (d *DB) Organizations(ctx context.Context) ([]*porter.Organization, error) {
	rows, err := db.New(d.pool).ListOrganizations(ctx)
	if err != nil {
		return nil, fmt.Errorf("list organizations: %w", err)
	}
	out := make([]*porter.Organization, len(rows))
	for i, r := range rows {
		out[i] = organization(r)
	}
	return out, nil
}

// APIKeyByHash finds a key in any organization.
func (d *DB) APIKeyByHash(ctx context.Context, hash []byte) (*porter.APIKey, error) {
	r, err := db.New(d.pool).GetAPIKeyByHash(ctx, hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, porter.Errorf(porter.ENOTFOUND, "api key not found")
	} else if err != nil {
		return nil, fmt.Errorf("find api key: %w", err)
	}
	return apiKey(r), nil
}

// TouchAPIKey sets last_used_at.
func (d *DB) TouchAPIKey(ctx context.Context, id int64, at time.Time) error {
	return db.New(d.pool).TouchAPIKey(ctx, db.TouchAPIKeyParams{ID: id, LastUsedAt: &at})
}

// InvitedTenant finds an unused invitation token in any organization.
func (d *DB) InvitedTenant(ctx context.Context, tokenHash []byte) (int64, int64, error) {
	r, err := db.New(d.pool).GetTenantByInviteToken(ctx, tokenHash)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, porter.Errorf(porter.ENOTFOUND, "this invitation link is invalid or has already been used")
	} else if err != nil {
		return 0, 0, fmt.Errorf("find invitation: %w", err)
	}
	return r.OrgID, r.ID, nil
}

// TryLock takes a session advisory lock named name on a connection held
// until release: one node at a time runs the guarded pass.
func (d *DB) TryLock(ctx context.Context, name string) (func(), bool, error) {
	conn, err := d.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", name, err)
	}
	h := fnv.New64a()
	h.Write([]byte("porter:" + name))
	key := int64(h.Sum64())
	var ok bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil {
		conn.Release()
		return nil, false, fmt.Errorf("lock %s: %w", name, err)
	}
	if !ok {
		conn.Release()
		return nil, false, nil
	}
	return func() {
		_, _ = conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", key)
		conn.Release()
	}, true, nil
}

// since is an optional lower bound on a time: the zero time when unset.
func since(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func notFound(err error, resource string, id int64) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return porter.NotFound(resource, id)
	}
	return fmt.Errorf("get %s %d: %w", resource, id, err)
}

func affected(n int64, err error, resource string, id int64) error {
	if err != nil {
		return conflict(fmt.Errorf("update %s %d: %w", resource, id, err))
	}
	if n == 0 {
		return porter.NotFound(resource, id)
	}
	return nil
}

// conflict turns a uniqueness violation into a domain conflict.
func conflict(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return &porter.Error{Code: porter.ECONFLICT, Message: "already exists: " + pe.ConstraintName}
	}
	return err
}
