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
// Every field is set from one entry of settings.
type config struct {
	DB                   string
	Addr                 string
	BaseURL              string
	RateLimit            string
	AllowPrivateWebhooks bool
	TrustForwardedFor    bool
	WebhookAllowCIDRs    string
	SMTPURL              string
	WhatsAppURL          string // messages to guests: the HTTP sender's URL
	WhatsAppToken        string
	DataDir              string
	MaxUpload            string
	SecretKey            string
	EventRetention       string
	AuditRetention       string // audit log
	ICalSyncInterval     string // iCal imports
	IntegrationRetention string // integrations: the integration log

	// Webhook delivery.
	Deliver              bool   // run the delivery engine on this node
	Node                 string // lease owner name
	Workers              int
	PerEndpoint          int
	Retention            string
	DisableAfterFailures int
	DisableAfter         string
	LeaseMargin          string
	MetricsToken         string
	PprofAddr            string // profiling (end-to-end benchmark)
	MaxWebhooksPerOrg    int
	StreamMaxPerOrg      int
	APIKeyCacheTTL       string // end-to-end speed: how long a node trusts a key it read

	envErr error // a bad environment value, reported after flags are parsed
}

// setting is one configuration value: its environment variable, the flag
// over it, its default and what it means. The settings list drives flag
// parsing, `porter --help`, `porter serve --help` and the README's
// configuration table (TestREADMEConfiguration keeps that in step), so a
// new setting is one entry here plus its field in config.
type setting struct {
	Env   string
	Flag  string // "": environment only (a secret does not belong in ps output)
	Def   string // the value used when neither is given; "" is unset
	Shown string // the default as help and README show it, when not Def itself
	Usage string // one line; `code` marks are dropped in --help
	Serve bool   // serve's alone; the others are every command's
	field func(*config) any
}

var settings = []setting{
	{Env: "PORTER_DB", Flag: "db", Def: "sqlite:porter.db", Usage: "`sqlite:PATH`, or a `postgres://` URL",
		field: func(c *config) any { return &c.DB }},
	{Env: "PORTER_ADDR", Flag: "addr", Def: "127.0.0.1:8080", Serve: true, Usage: "where the API listens",
		field: func(c *config) any { return &c.Addr }},
	{Env: "PORTER_BASE_URL", Flag: "base-url", Shown: "http://ADDR", Serve: true, Usage: "public URL, for links such as `accept_url`",
		field: func(c *config) any { return &c.BaseURL }},
	{Env: "PORTER_RATE_LIMIT", Flag: "rate-limit", Def: "60/m", Serve: true, Usage: "requests per minute per key (keys may override)",
		field: func(c *config) any { return &c.RateLimit }},
	{Env: "PORTER_ALLOW_PRIVATE_WEBHOOKS", Flag: "allow-private-webhooks", Def: "false", Serve: true,
		Usage: "`1` lets webhooks target loopback, RFC 1918 and unique-local addresses (never metadata or link-local), e.g. a receiver on this machine",
		field: func(c *config) any { return &c.AllowPrivateWebhooks }},
	{Env: "PORTER_WEBHOOK_ALLOW_CIDRS", Flag: "webhook-allow-cidrs", Serve: true,
		Usage: "further ranges webhooks may target, e.g. `10.1.0.0/16,100.64.0.0/10`; one reaching a never-allowed range stops start",
		field: func(c *config) any { return &c.WebhookAllowCIDRs }},
	{Env: "PORTER_TRUST_FORWARDED_FOR", Flag: "trust-forwarded-for", Def: "false", Serve: true,
		Usage: "`1` behind a proxy that sets it: the failed-authentication limit counts X-Forwarded-For's last address",
		field: func(c *config) any { return &c.TrustForwardedFor }},
	{Env: "PORTER_EVENT_RETENTION", Flag: "event-retention", Def: "90d", Serve: true,
		Usage: "how long events are kept for `GET /v1/events` and polling; `0` keeps them forever",
		field: func(c *config) any { return &c.EventRetention }},
	{Env: "PORTER_AUDIT_RETENTION", Flag: "audit-retention", Def: "1095d", Shown: "1095d (3 years)", Serve: true,
		Usage: "how long the audit log (`GET /v1/audit_log`) is kept; `0` keeps it forever",
		field: func(c *config) any { return &c.AuditRetention }},
	{Env: "PORTER_ICAL_SYNC_INTERVAL", Flag: "ical-sync-interval", Def: "30m", Serve: true,
		Usage: "how often each iCal import source is fetched (every node runs the scheduler; one fetches each source); `0` syncs only on demand",
		field: func(c *config) any { return &c.ICalSyncInterval }},
	// Integrations (issue 11).
	{Env: "PORTER_INTEGRATION_LOG_RETENTION", Flag: "integration-log-retention", Def: "30d", Serve: true,
		Usage: "how long integration log rows (`GET /v1/integrations/{id}/log`) are kept; `0` keeps them forever",
		field: func(c *config) any { return &c.IntegrationRetention }},
	{Env: "PORTER_SMTP_URL", Flag: "smtp-url", Serve: true,
		Usage: "`smtp://user:pass@host:587?from=porter@example.com`; unset keeps mail in the outbox",
		field: func(c *config) any { return &c.SMTPURL }},
	{Env: "PORTER_WHATSAPP_URL", Flag: "whatsapp-url", Serve: true,
		Usage: "URL messages to guests are POSTed to as JSON (a WhatsApp gateway), through the webhook SSRF guard; unset keeps them queued",
		field: func(c *config) any { return &c.WhatsAppURL }},
	{Env: "PORTER_WHATSAPP_TOKEN", Flag: "whatsapp-token", Serve: true, Usage: "bearer token sent with each message to `PORTER_WHATSAPP_URL`",
		field: func(c *config) any { return &c.WhatsAppToken }},
	{Env: "PORTER_DATA_DIR", Flag: "data-dir", Def: "data", Serve: true, Usage: "where uploaded documents (and `secret.key`) are kept",
		field: func(c *config) any { return &c.DataDir }},
	{Env: "PORTER_MAX_UPLOAD", Flag: "max-upload", Def: "10MB", Serve: true, Usage: "largest document upload (larger is 413)",
		field: func(c *config) any { return &c.MaxUpload }},
	{Env: "PORTER_SECRET_KEY", Shown: "PORTER_DATA_DIR/secret.key", Serve: true,
		Usage: "base64 of 32 bytes sealing webhook secrets; unset, a key file is made on first start",
		field: func(c *config) any { return &c.SecretKey }},
	{Env: "PORTER_DELIVER", Flag: "deliver", Def: "true", Serve: true, Usage: "send webhooks from this node; `false` makes an API-only node",
		field: func(c *config) any { return &c.Deliver }},
	{Env: "PORTER_NODE", Flag: "node", Shown: "host-pid", Serve: true, Usage: "this node's name in delivery leases",
		field: func(c *config) any { return &c.Node }},
	{Env: "PORTER_WEBHOOK_WORKERS", Flag: "webhook-workers", Def: "64", Serve: true, Usage: "concurrent webhook attempts on this node",
		field: func(c *config) any { return &c.Workers }},
	{Env: "PORTER_WEBHOOK_PER_ENDPOINT", Flag: "webhook-per-endpoint", Def: "8", Serve: true, Usage: "concurrent attempts to one webhook (at most 256)",
		field: func(c *config) any { return &c.PerEndpoint }},
	{Env: "PORTER_WEBHOOK_RETENTION", Flag: "webhook-retention", Def: "30d", Serve: true, Usage: "how long finished deliveries and attempts are kept",
		field: func(c *config) any { return &c.Retention }},
	{Env: "PORTER_WEBHOOK_DISABLE_AFTER_FAILURES", Flag: "webhook-disable-after-failures", Def: strconv.Itoa(porter.DefaultDisableAfterFailures), Serve: true,
		Usage: "consecutive failed deliveries that disable a webhook",
		field: func(c *config) any { return &c.DisableAfterFailures }},
	{Env: "PORTER_WEBHOOK_DISABLE_AFTER", Flag: "webhook-disable-after", Def: "5d", Serve: true, Usage: "how long a webhook may fail before it is disabled",
		field: func(c *config) any { return &c.DisableAfter }},
	{Env: "PORTER_WEBHOOK_MAX_PER_ORG", Flag: "webhook-max-per-org", Def: "100", Serve: true,
		Usage: "most webhooks (REST hooks included) one organization may have",
		field: func(c *config) any { return &c.MaxWebhooksPerOrg }},
	{Env: "PORTER_STREAM_MAX_PER_ORG", Flag: "stream-max-per-org", Def: "100", Serve: true,
		Usage: "most `GET /v1/events/stream` connections (`porter listen` included) one organization may hold on a node",
		field: func(c *config) any { return &c.StreamMaxPerOrg }},
	{Env: "PORTER_WEBHOOK_LEASE_MARGIN", Flag: "webhook-lease-margin", Def: "30s", Serve: true,
		Usage: "an attempt's lease is twice its webhook's timeout plus this; a dead node's deliveries are resent once it lapses",
		field: func(c *config) any { return &c.LeaseMargin }},
	{Env: "PORTER_METRICS_TOKEN", Flag: "metrics-token", Serve: true, Usage: "bearer token `/metrics` requires; unset leaves it open",
		field: func(c *config) any { return &c.MetricsToken }},
	{Env: "PORTER_API_KEY_CACHE_TTL", Flag: "api-key-cache-ttl", Def: "5s", Serve: true,
		Usage: "how long a node reuses an API key it has read; a key revoked on another node or by `porter key revoke` stops working within this long (at once on the node that revoked it); `0` reads the key on every request",
		field: func(c *config) any { return &c.APIKeyCacheTTL }},
	{Env: "PORTER_PPROF_ADDR", Flag: "pprof-addr", Serve: true, Usage: "loopback address (e.g. `127.0.0.1:6060`) serving Go's `/debug/pprof/` profiles; unset serves none",
		field: func(c *config) any { return &c.PprofAddr }},
}

// settingDefault is the default of the setting named by its variable.
func settingDefault(env string) string {
	for _, s := range settings {
		if s.Env == env {
			return s.Def
		}
	}
	panic("no setting " + env)
}

// shown is the default as help and the README print it.
func (s setting) shown() string {
	switch {
	case s.Shown != "":
		return s.Shown
	case s.Def == "":
		return "unset"
	}
	return s.Def
}

// plain drops the `code` marks the README renders.
func plain(s string) string { return strings.ReplaceAll(s, "`", "") }

// newFlags returns a flag set for a command, with every command's settings.
func newFlags(name, summary string, getenv func(string) string, c *config) *flag.FlagSet {
	fs := flag.NewFlagSet("porter "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: porter %s\n\nFlags (each over the environment variable named):\n", summary)
		fs.PrintDefaults()
	}
	c.define(fs, getenv, false)
	return fs
}

// serverFlags adds serve's settings.
func (c *config) serverFlags(fs *flag.FlagSet, getenv func(string) string) {
	c.define(fs, getenv, true)
}

// define sets c's fields of the settings for serve (or for every command)
// from the environment and defines their flags over it. A bad environment
// value is kept in envErr and reported once flags are parsed, so that
// --help still works.
func (c *config) define(fs *flag.FlagSet, getenv func(string) string, serve bool) {
	var envOnly []setting
	for _, s := range settings {
		if s.Serve != serve {
			continue
		}
		if s.Flag == "" {
			envOnly = append(envOnly, s)
		}
		raw := s.Def
		if v := getenv(s.Env); v != "" {
			raw = v
		}
		usage := plain(s.Usage) + " (" + s.Env + ")"
		switch p := s.field(c).(type) {
		case *string:
			*p = raw
			if s.Flag != "" {
				fs.StringVar(p, s.Flag, raw, usage)
			}
		case *bool:
			b, err := strconv.ParseBool(raw)
			if err != nil && c.envErr == nil {
				c.envErr = usagef("%s %q: want 1, 0, true or false", s.Env, raw)
			}
			*p = b
			if s.Flag != "" {
				fs.BoolVar(p, s.Flag, b, usage)
			}
		case *int:
			n, err := strconv.Atoi(raw)
			if (err != nil || n <= 0) && c.envErr == nil {
				c.envErr = usagef("%s %q: want a positive whole number", s.Env, raw)
			}
			*p = n
			if s.Flag != "" {
				fs.IntVar(p, s.Flag, n, usage)
			}
		default:
			panic(fmt.Sprintf("setting %s: field of type %T", s.Env, p))
		}
	}
	if len(envOnly) > 0 {
		usage := fs.Usage
		fs.Usage = func() {
			usage()
			fmt.Fprintf(fs.Output(), "\nEnvironment only:\n")
			for _, s := range envOnly {
				fmt.Fprintf(fs.Output(), "  %s\n    \t%s (default %s)\n", s.Env, plain(s.Usage), s.shown())
			}
		}
	}
}

// environmentHelp is the Environment part of `porter --help`.
func environmentHelp() string {
	var b strings.Builder
	b.WriteString("Environment (each has a flag of the same meaning; see 'porter serve --help'):\n")
	for _, s := range settings {
		fmt.Fprintf(&b, "  %-38s %s (default %s)\n", s.Env, plain(s.Usage), s.shown())
	}
	return b.String()
}

// markdownTable is the README's configuration table.
func markdownTable() string {
	var b strings.Builder
	b.WriteString("| Variable | Flag | Default | Meaning |\n|---|---|---|---|\n")
	for _, s := range settings {
		flag, def := " ", "`"+s.shown()+"`"
		if s.Flag != "" {
			flag = " `--" + s.Flag + "` "
		}
		if s.Def == "" && s.Shown == "" {
			def = "unset"
		}
		fmt.Fprintf(&b, "| `%s` |%s| %s | %s |\n", s.Env, flag, def, s.Usage)
	}
	return b.String()
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
