package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
)

// freshDatabase creates an empty database on the server of admin (a
// postgres:// URL) and returns its URL and a func that drops it. Each run
// starts empty: webhooks left by an earlier run (whose secrets were
// sealed with another key) would be delivered to as well.
func freshDatabase(ctx context.Context, admin string) (string, func(), error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", nil, fmt.Errorf("--db: %w", err)
	}
	// pgxpool's own parameters (pool_max_conns, …) are for the nodes;
	// a single connection refuses them.
	a := *u
	q := a.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	a.RawQuery = q.Encode()
	conn, err := pgx.Connect(ctx, a.String())
	if err != nil {
		return "", nil, fmt.Errorf("--db: %w", err)
	}
	name := fmt.Sprintf("porter_bench_%d", os.Getpid())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close(ctx)
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	// Every run starts just after a checkpoint, so that none pays for one
	// an earlier run left due (the full-page images written after it
	// doubled the WAL for a while), and runs compare. It needs superuser or
	// pg_checkpoint; without them the run goes on.
	if _, err := conn.Exec(ctx, "CHECKPOINT"); err != nil {
		fmt.Fprintf(os.Stderr, "porter-bench: CHECKPOINT before the run: %v (runs may compare less well)\n", err)
	}
	u.Path = "/" + name
	drop := func() {
		defer conn.Close(context.Background())
		conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	return u.String(), drop, nil
}
