package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// Options are Open's optional settings.
type Options struct {
	// OnStatement, when set, is called with the text of every statement
	// the engine runs (BEGIN, COMMIT and ROLLBACK included), before it
	// runs: tests count a page's queries with it. Nil costs nothing: the
	// driver is then used unwrapped.
	OnStatement func(query string)
}

// openPool opens a database/sql pool on modernc's driver, wrapped to
// report statements when opts asks.
func openPool(dsn string, opts Options) (*sql.DB, error) {
	if opts.OnStatement == nil {
		return sql.Open("sqlite", dsn)
	}
	plain, err := sql.Open("sqlite", "") // connects to nothing; gives the registered driver
	if err != nil {
		return nil, err
	}
	drv := plain.Driver()
	plain.Close()
	return sql.OpenDB(&tracedConnector{dsn: dsn, drv: drv, on: opts.OnStatement}), nil
}

type tracedConnector struct {
	dsn string
	drv driver.Driver
	on  func(string)
}

func (c *tracedConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &tracedConn{inner: conn, on: c.on}, nil
}

func (c *tracedConnector) Driver() driver.Driver { return c.drv }

// modernc's conn implements every context interface below; the wrapper
// reports each statement and hands it on unchanged.
type innerConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
}

type tracedConn struct {
	inner driver.Conn
	on    func(string)
}

func (c *tracedConn) ic() innerConn { return c.inner.(innerConn) }

func (c *tracedConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *tracedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	s, err := c.ic().PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return &tracedStmt{inner: s, query: query, on: c.on}, nil
}

func (c *tracedConn) Close() error { return c.inner.Close() }

func (c *tracedConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *tracedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.on("BEGIN")
	t, err := c.ic().BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &tracedTx{inner: t, on: c.on}, nil
}

func (c *tracedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.on(query)
	return c.ic().ExecContext(ctx, query, args)
}

func (c *tracedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.on(query)
	return c.ic().QueryContext(ctx, query, args)
}

func (c *tracedConn) Ping(ctx context.Context) error {
	if p, ok := c.inner.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *tracedConn) ResetSession(ctx context.Context) error {
	if r, ok := c.inner.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *tracedConn) IsValid() bool {
	if v, ok := c.inner.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

type tracedTx struct {
	inner driver.Tx
	on    func(string)
}

func (t *tracedTx) Commit() error   { t.on("COMMIT"); return t.inner.Commit() }
func (t *tracedTx) Rollback() error { t.on("ROLLBACK"); return t.inner.Rollback() }

type tracedStmt struct {
	inner driver.Stmt
	query string
	on    func(string)
}

func (s *tracedStmt) Close() error  { return s.inner.Close() }
func (s *tracedStmt) NumInput() int { return s.inner.NumInput() }

func (s *tracedStmt) Exec(args []driver.Value) (driver.Result, error) {
	s.on(s.query)
	//lint:ignore SA1019 driver.Stmt requires Exec; database/sql calls ExecContext
	return s.inner.Exec(args)
}

func (s *tracedStmt) Query(args []driver.Value) (driver.Rows, error) {
	s.on(s.query)
	//lint:ignore SA1019 driver.Stmt requires Query; database/sql calls QueryContext
	return s.inner.Query(args)
}

func (s *tracedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.on(s.query)
	return s.inner.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *tracedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.on(s.query)
	return s.inner.(driver.StmtQueryContext).QueryContext(ctx, args)
}
