package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"porter"
	"porter/postgres"
	"porter/sqlite"
)

// config is Porter's configuration: environment first, flags over it.
type config struct {
	DB                   string
	Addr                 string
	BaseURL              string
	RateLimit            string
	AllowPrivateWebhooks bool
	SMTPURL              string
	DataDir              string
	MaxUpload            string

	// Webhook delivery.
	Deliver              bool   // run the delivery engine on this node
	Node                 string // lease owner name
	Workers              int
	PerEndpoint          int
	Retention            string
	DisableAfterFailures int
	DisableAfter         string
	MetricsToken         string
	LeaseMargin          string
	MaxWebhooksPerOrg    int

	envErr error // a bad environment value, reported after flags are parsed
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// flags returns a flag set whose flags mirror the environment.
func newFlags(name, summary string, getenv func(string) string, c *config) *flag.FlagSet {
	fs := flag.NewFlagSet("porter "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: porter %s\n\nFlags:\n", summary)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.DB, "db", envOr(getenv, "PORTER_DB", "sqlite:porter.db"), "database: sqlite:PATH or a postgres:// URL (PORTER_DB)")
	return fs
}

func (c *config) serverFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.Addr, "addr", envOr(getenv, "PORTER_ADDR", "127.0.0.1:8080"), "listen address (PORTER_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", getenv("PORTER_BASE_URL"), "public base URL for links (PORTER_BASE_URL; default http://ADDR)")
	fs.StringVar(&c.RateLimit, "rate-limit", envOr(getenv, "PORTER_RATE_LIMIT", "60/m"), "default requests per minute per API key (PORTER_RATE_LIMIT)")
	allow, err := strconv.ParseBool(envOr(getenv, "PORTER_ALLOW_PRIVATE_WEBHOOKS", "false"))
	if err != nil {
		c.envErr = usagef("PORTER_ALLOW_PRIVATE_WEBHOOKS %q: want 1, 0, true or false", getenv("PORTER_ALLOW_PRIVATE_WEBHOOKS"))
	}
	fs.BoolVar(&c.AllowPrivateWebhooks, "allow-private-webhooks", allow, "allow webhook targets on private addresses (PORTER_ALLOW_PRIVATE_WEBHOOKS)")
	fs.StringVar(&c.SMTPURL, "smtp-url", getenv("PORTER_SMTP_URL"), "smtp://user:pass@host:port?from=addr; unset keeps mail in the outbox (PORTER_SMTP_URL)")
	fs.StringVar(&c.DataDir, "data-dir", envOr(getenv, "PORTER_DATA_DIR", "data"), "directory for uploaded documents (PORTER_DATA_DIR)")
	fs.StringVar(&c.MaxUpload, "max-upload", envOr(getenv, "PORTER_MAX_UPLOAD", "10MB"), "largest document upload (PORTER_MAX_UPLOAD)")

	c.boolEnv(fs, getenv, &c.Deliver, "deliver", "PORTER_DELIVER", true, "send webhooks from this node; false makes an API-only node (PORTER_DELIVER)")
	fs.StringVar(&c.Node, "node", getenv("PORTER_NODE"), "this node's name in delivery leases (PORTER_NODE; default host-pid)")
	c.intEnv(fs, getenv, &c.Workers, "webhook-workers", "PORTER_WEBHOOK_WORKERS", 64, "concurrent webhook attempts on this node (PORTER_WEBHOOK_WORKERS)")
	c.intEnv(fs, getenv, &c.PerEndpoint, "webhook-per-endpoint", "PORTER_WEBHOOK_PER_ENDPOINT", 8, "concurrent attempts to one webhook (PORTER_WEBHOOK_PER_ENDPOINT)")
	fs.StringVar(&c.Retention, "webhook-retention", envOr(getenv, "PORTER_WEBHOOK_RETENTION", "30d"), "how long finished deliveries and attempts are kept (PORTER_WEBHOOK_RETENTION)")
	c.intEnv(fs, getenv, &c.DisableAfterFailures, "webhook-disable-after-failures", "PORTER_WEBHOOK_DISABLE_AFTER_FAILURES", porter.DefaultDisableAfterFailures,
		"consecutive failed deliveries that disable a webhook (PORTER_WEBHOOK_DISABLE_AFTER_FAILURES)")
	fs.StringVar(&c.DisableAfter, "webhook-disable-after", envOr(getenv, "PORTER_WEBHOOK_DISABLE_AFTER", "5d"), "how long a webhook may fail before it is disabled (PORTER_WEBHOOK_DISABLE_AFTER)")
	fs.StringVar(&c.LeaseMargin, "webhook-lease-margin", envOr(getenv, "PORTER_WEBHOOK_LEASE_MARGIN", "30s"),
		"an attempt's lease is twice its webhook's timeout plus this; a dead node's deliveries are resent once it lapses (PORTER_WEBHOOK_LEASE_MARGIN)")
	c.intEnv(fs, getenv, &c.MaxWebhooksPerOrg, "webhook-max-per-org", "PORTER_WEBHOOK_MAX_PER_ORG", porter.DefaultMaxWebhooksPerOrg,
		"most webhooks (REST hooks included) one organization may have (PORTER_WEBHOOK_MAX_PER_ORG)")
	fs.StringVar(&c.MetricsToken, "metrics-token", getenv("PORTER_METRICS_TOKEN"), "bearer token /metrics requires; unset leaves it open (PORTER_METRICS_TOKEN)")
}

// boolEnv and intEnv define a flag whose default comes from the
// environment; a bad value there is reported once flags are parsed.
func (c *config) boolEnv(fs *flag.FlagSet, getenv func(string) string, p *bool, name, env string, def bool, usage string) {
	v := def
	if s := getenv(env); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil && c.envErr == nil {
			c.envErr = usagef("%s %q: want 1, 0, true or false", env, s)
		}
		v = b
	}
	fs.BoolVar(p, name, v, usage)
}

func (c *config) intEnv(fs *flag.FlagSet, getenv func(string) string, p *int, name, env string, def int, usage string) {
	v := def
	if s := getenv(env); s != "" {
		n, err := strconv.Atoi(s)
		if (err != nil || n <= 0) && c.envErr == nil {
			c.envErr = usagef("%s %q: want a positive whole number", env, s)
		}
		v = n
	}
	fs.IntVar(p, name, v, usage)
}

// parse parses args. --help prints the usage to stdout; any other flag
// error becomes a one-line usage error.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	var help bytes.Buffer
	fs.SetOutput(&help)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		stdout.Write(help.Bytes())
		return err
	}
	if err != nil {
		return usagef("%s: %v", fs.Name(), err)
	}
	return nil
}

// store is an opened engine that can also migrate.
type store interface {
	porter.Store
	Migrate(ctx context.Context) error
}

// openStore opens the database named by dsn and applies migrations.
func openStore(ctx context.Context, dsn string) (store, error) {
	var s store
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, usagef("PORTER_DB %q: sqlite: needs a path, such as sqlite:porter.db", dsn)
		}
		db, err := sqlite.Open(path)
		if err != nil {
			return nil, err
		}
		s = db
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		s = db
	default:
		return nil, usagef("PORTER_DB %q: want sqlite:PATH or a postgres:// URL", dsn)
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// parseSize reads sizes such as 10MB, 512KB or 1048576.
func parseSize(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, suf := range []struct {
		s string
		m int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(u, suf.s) {
			u, mult = strings.TrimSuffix(u, suf.s), suf.m
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(u), 10, 64)
	if err != nil || n <= 0 {
		return 0, usagef("size %q: want a number of bytes such as 10MB", s)
	}
	return n * mult, nil
}
