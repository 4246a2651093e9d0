// Package sqlite is Porter's embedded storage engine: modernc.org/sqlite
// (pure Go), WAL, one write connection with immediate transactions and a
// pool of read connections.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"porter"
	"porter/sqlite/internal/db"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the SQLite engine. It implements porter.Store.
type DB struct {
	write *sql.DB // one connection: SQLite has one writer at a time
	read  *sql.DB // a pool for readers, which WAL lets run beside the writer

	ckpt *sql.DB // one connection for the checkpointer (writer.go)

	writes           chan *pendingWrite // to the writer goroutine (writer.go); unbuffered, so no write is left queued after Close
	checkpoints      chan struct{}      // the writer's requests to the checkpointer
	quit             chan struct{}
	writerDone       chan struct{}
	checkpointerDone chan struct{}

	prepared atomic.Pointer[preparedQueries] // set by Migrate
	signals  porter.QueueSignals

	mu     sync.Mutex
	hits   map[int64]rateWindow // rate-limit counts: one node, so memory
	locks  map[string]bool
	closed bool
}

type rateWindow struct {
	start time.Time
	count int
}

// Open opens (creating if needed) the database file at path. Pragmas go in
// the DSN so that every pooled connection gets them, not just the first.
func Open(path string) (*DB, error) { return OpenWith(path, Options{}) }

// OpenWith is Open with options.
func OpenWith(path string, opts Options) (*DB, error) {
	pragmas := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(ON)", "busy_timeout(10000)", "temp_store(MEMORY)"} {
		pragmas.Add("_pragma", p)
	}
	dsn := "file:" + path + "?"
	// The checkpointer, not the writer's commits, checkpoints (see writer).
	write, err := openPool(dsn+pragmas.Encode()+"&_pragma=wal_autocheckpoint(0)&_txlock=immediate", opts)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	oneConnection(write)
	if err := write.Ping(); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	ckpt, err := openPool(dsn+pragmas.Encode()+"&_pragma=wal_autocheckpoint(0)", opts)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	oneConnection(ckpt)
	pragmas.Add("_pragma", "query_only(1)")
	read, err := openPool(dsn+pragmas.Encode(), opts)
	if err != nil {
		write.Close()
		ckpt.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	d := &DB{write: write, read: read, ckpt: ckpt, hits: map[int64]rateWindow{}, locks: map[string]bool{},
		writes: make(chan *pendingWrite), checkpoints: make(chan struct{}, 1), quit: make(chan struct{}),
		writerDone: make(chan struct{}), checkpointerDone: make(chan struct{})}
	go d.writer()
	go d.checkpointer()
	return d, nil
}

// oneConnection keeps db to one connection, open for good: the writer's
// and the checkpointer's each hold their connection's state (an open
// transaction, WAL locks) between calls.
func oneConnection(db *sql.DB) {
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
}

// Migrate applies every pending migration.
func (d *DB) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, d.write, sub)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return d.prepare(ctx)
}

// prepare parses every query once per pool: modernc would otherwise parse
// each statement on every call.
func (d *DB) prepare(ctx context.Context) error {
	wq, err := db.Prepare(ctx, d.write)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	rq, err := db.Prepare(ctx, d.read)
	if err != nil {
		wq.Close()
		return fmt.Errorf("prepare: %w", err)
	}
	p := &preparedQueries{write: wq, read: rq}
	if p.writeStmts, err = prepareAll(ctx, d.write, writeQueries); err == nil {
		p.readStmts, err = prepareAll(ctx, d.read, readQueries)
	}
	if err != nil {
		p.close()
		return fmt.Errorf("prepare: %w", err)
	}
	if old := d.prepared.Swap(p); old != nil {
		old.close()
	}
	return nil
}

// preparedQueries are every query prepared on each pool: sqlc's, and the
// delivery queue's hand-written ones (by their text).
type preparedQueries struct {
	write, read           *db.Queries
	writeStmts, readStmts map[string]*sql.Stmt
}

func (p *preparedQueries) close() error {
	errs := []error{p.write.Close(), p.read.Close()}
	for _, m := range []map[string]*sql.Stmt{p.writeStmts, p.readStmts} {
		for _, s := range m {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

func prepareAll(ctx context.Context, pool *sql.DB, queries []string) (map[string]*sql.Stmt, error) {
	m := make(map[string]*sql.Stmt, len(queries))
	for _, q := range queries {
		s, err := pool.PrepareContext(ctx, q)
		if err != nil {
			for _, s := range m {
				s.Close()
			}
			return nil, fmt.Errorf("%w in %s", err, q)
		}
		m[q] = s
	}
	return m, nil
}

// newTx binds a transaction of one pool to an organization: sqlc's
// queries and the hand-written ones, prepared once Migrate has run.
func (d *DB) newTx(sqlTx *sql.Tx, write bool, orgID int64) *tx {
	t := &tx{q: db.New(sqlTx), orgID: orgID, sql: sqlTx}
	if p := d.prepared.Load(); p != nil {
		if write {
			t.q, t.stmts = p.write.WithTx(sqlTx), p.writeStmts
		} else {
			t.q, t.stmts = p.read.WithTx(sqlTx), p.readStmts
		}
	}
	if write {
		t.wake = &wake{}
	}
	return t
}

// Close closes both connection pools.
func (d *DB) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	d.mu.Unlock()
	close(d.quit)
	<-d.writerDone
	<-d.checkpointerDone
	var err error
	if p := d.prepared.Load(); p != nil {
		err = p.close()
	}
	return errors.Join(err, d.read.Close(), d.ckpt.Close(), d.write.Close())
}

// View runs fn in a read transaction on the read pool.
func (d *DB) View(ctx context.Context, orgID int64, fn func(porter.Tx) error) error {
	sqlTx, err := d.read.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()
	if err := fn(d.newTx(sqlTx, false, orgID)); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// CreateOrganization inserts org; without charge categories it gets the
// defaults, as the column does.
func (d *DB) CreateOrganization(ctx context.Context, org *porter.Organization) error {
	if len(org.ChargeCategories) == 0 {
		org.ChargeCategories = porter.DefaultChargeCategories()
	}
	id, err := db.New(d.write).InsertOrganization(ctx, db.InsertOrganizationParams{
		Name: org.Name, LeaseAlertDays: encodeInts(org.LeaseAlertDays), ChargeCategories: encodeStrings(org.ChargeCategories), CreatedAt: ts(org.CreatedAt),
	})
	if err != nil {
		return fmt.Errorf("create organization: %w", err)
	}
	org.ID = id
	return nil
}

// Organizations lists every organization.
func (d *DB) Organizations(ctx context.Context) ([]*porter.Organization, error) {
	rows, err := db.New(d.read).ListOrganizations(ctx)
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
	q := db.New(d.read)
	if p := d.prepared.Load(); p != nil {
		q = p.read
	}
	r, err := q.GetAPIKeyByHash(ctx, hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, porter.Errorf(porter.ENOTFOUND, "api key not found")
	} else if err != nil {
		return nil, fmt.Errorf("find api key: %w", err)
	}
	return apiKey(r), nil
}

// TouchAPIKey sets last_used_at.
func (d *DB) TouchAPIKey(ctx context.Context, id int64, at time.Time) error {
	return db.New(d.write).TouchAPIKey(ctx, db.TouchAPIKeyParams{ID: id, LastUsedAt: nts(&at)})
}

// InvitedTenant finds an unused invitation token in any organization.
func (d *DB) InvitedTenant(ctx context.Context, tokenHash []byte) (int64, int64, error) {
	r, err := db.New(d.read).GetTenantByInviteToken(ctx, tokenHash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, porter.Errorf(porter.ENOTFOUND, "this invitation link is invalid or has already been used")
	} else if err != nil {
		return 0, 0, fmt.Errorf("find invitation: %w", err)
	}
	return r.OrgID, r.ID, nil
}

// RateLimit counts in memory: a SQLite database serves one node.
func (d *DB) RateLimit(_ context.Context, keyID int64, window time.Time) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	w := d.hits[keyID]
	if !w.start.Equal(window) {
		w = rateWindow{start: window}
	}
	w.count++
	d.hits[keyID] = w
	return w.count, nil
}

// TryLock takes a named in-process lock.
func (d *DB) TryLock(_ context.Context, name string) (func(), bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.locks[name] {
		return nil, false, nil
	}
	d.locks[name] = true
	return func() {
		d.mu.Lock()
		delete(d.locks, name)
		d.mu.Unlock()
	}, true, nil
}

// timeLayout is the one way times are stored: fixed-width UTC, so that
// string order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func ts(t time.Time) string { return t.UTC().Format(timeLayout) }

func nts(t *time.Time) sql.NullString {
	if t == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: ts(*t), Valid: true}
}

// since is an optional lower bound on a time: the zero time when unset,
// which every stored time follows.
func since(t *time.Time) string {
	if t == nil {
		return ts(time.Time{})
	}
	return ts(*t)
}

func pts(s string) time.Time {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		panic(fmt.Sprintf("sqlite: stored time %q: %v", s, err)) // only this package writes them
	}
	return t
}

func pnts(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := pts(s.String)
	return &t
}

func nullID(id *int64) sql.NullInt64 {
	if id == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *id, Valid: true}
}

func pnullID(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

// notFound maps sql.ErrNoRows to the domain's not-found error.
func notFound(err error, resource string, id int64) error {
	if errors.Is(err, sql.ErrNoRows) {
		return porter.NotFound(resource, id)
	}
	return fmt.Errorf("get %s %d: %w", resource, id, err)
}

// affected turns an update that touched no row into not found.
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
	var se *sqlite.Error
	if errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		msg := se.Error()
		if i := strings.Index(msg, "UNIQUE constraint failed: "); i >= 0 {
			msg = strings.TrimSuffix(msg[i+len("UNIQUE constraint failed: "):], ")")
		}
		return &porter.Error{Code: porter.ECONFLICT, Message: "already exists: " + msg}
	}
	return err
}

// SQL is the write connection, for tests and tools that need SQLite
// itself (as postgres.DB's Pool is). Do not use it inside a transaction:
// there is one write connection.
func (d *DB) SQL() *sql.DB { return d.write }
