package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"porter"
	"porter/console"
	"porter/delivery"
	porterhttp "porter/http"
	"porter/mail"
	"porter/mqtt"
	"porter/stream"
	"porter/webhook"
)

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("serve", "serve [--demo] [flags]", getenv, &c)
	c.serverFlags(fs, getenv)
	demo := fs.Bool("demo", false, "on an empty database, create a demo organization and print an API key and a console sign-in")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve: unexpected argument %q", fs.Arg(0))
	}
	if c.envErr != nil {
		return c.envErr
	}
	rate, err := porter.ParseRateLimit(c.RateLimit)
	if err != nil {
		return usagef("--rate-limit: %v", err)
	}
	maxUpload, err := parseSize(c.MaxUpload)
	if err != nil {
		return err
	}
	keyTTL := time.Duration(-1) // "0": every request reads its key
	if c.APIKeyCacheTTL != "0" {
		if keyTTL, err = parseDuration(c.APIKeyCacheTTL); err != nil {
			return usagef("--api-key-cache-ttl: %v", err)
		}
	}
	es, err := c.engineSettings()
	if err != nil {
		return err
	}
	eventRetention := time.Duration(0)
	if c.EventRetention != "0" {
		if eventRetention, err = parseDuration(c.EventRetention); err != nil {
			return usagef("--event-retention: %v", err)
		}
	}
	auditRetention := time.Duration(0)
	if c.AuditRetention != "0" {
		if auditRetention, err = parseDuration(c.AuditRetention); err != nil {
			return usagef("--audit-retention: %v", err)
		}
	}
	icalInterval := time.Duration(0)
	if c.ICalSyncInterval != "0" {
		if icalInterval, err = parseDuration(c.ICalSyncInterval); err != nil {
			return usagef("--ical-sync-interval: %v", err)
		}
	}
	// Integrations: the integration log's retention.
	integrationRetention := time.Duration(0)
	if c.IntegrationRetention != "0" {
		if integrationRetention, err = parseDuration(c.IntegrationRetention); err != nil {
			return usagef("--integration-log-retention: %v", err)
		}
	}
	// Checked before anything opens: a list reaching metadata or
	// link-local addresses is refused, not silently narrowed.
	allowCIDRs, err := webhook.ParseAllowCIDRs(c.WebhookAllowCIDRs)
	if err != nil {
		return usagef("%v", err)
	}
	guard := &webhook.Guard{AllowPrivate: c.AllowPrivateWebhooks, AllowCIDRs: allowCIDRs}
	// Messages to guests: sent only when a sender is configured.
	var guestSender porter.GuestMessageSender
	if c.WhatsAppURL != "" {
		if guestSender, err = mail.NewHTTPSender(c.WhatsAppURL, c.WhatsAppToken, guard, 30*time.Second); err != nil {
			return usagef("%v", err)
		}
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	stopPprof, err := startPprof(c.PprofAddr, logger)
	if err != nil {
		return err
	}
	defer stopPprof()

	st, err := openStore(ctx, c.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	sender, err := mail.NewSender(st, c.SMTPURL, logger)
	if err != nil {
		return usagef("%v", err)
	}

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + ln.Addr().String()
	}
	svc := porter.NewService(st, c.BaseURL, logger)
	if clockAhead != 0 {
		svc.Now = func() time.Time { return time.Now().Add(clockAhead) }
	}
	key, err := porter.LoadOrCreateSecretKey(c.DataDir, c.SecretKey)
	if err != nil {
		ln.Close()
		return err
	}
	if svc.Secrets, err = porter.NewSecretBox(key); err != nil {
		ln.Close()
		return err
	}
	svc.CheckWebhookURL = guard.CheckURL
	var guests *mail.GuestRelay
	if guestSender != nil {
		guests = mail.NewGuestRelay(svc, guestSender, logger.With("worker", "guest-messages"))
	}
	// iCal sources are fetched through the webhook guard's client.
	svc.ICalClient = guard.Client(porter.ICalFetchTimeout)
	svc.NewWebhookSecret = webhook.NewSecret
	svc.MaxWebhooksPerOrg = c.MaxWebhooksPerOrg
	webhook.Version = version
	if *demo {
		if err := seedDemo(ctx, svc, c.BaseURL, c.DB, stdout); err != nil {
			ln.Close()
			return fmt.Errorf("demo: %w", err)
		}
	}
	// Every node serves the event stream from its own hub.
	var hub *stream.Hub
	if feed, ok := st.(porter.EventFeed); ok {
		hub = stream.NewHub(feed, logger.With("worker", "event-stream"))
		hub.MaxPerOrg = c.StreamMaxPerOrg
	}
	var handler http.Handler = porterhttp.NewServer(svc, porterhttp.Config{
		BaseURL: c.BaseURL, DefaultRateLimit: rate, MaxUploadBytes: maxUpload, UploadDir: c.DataDir, Version: version,
		TrustForwardedFor: c.TrustForwardedFor, Stream: hub, APIKeyCacheTTL: keyTTL,
	}, logger)
	// The console takes / and its pages; the API keeps /api, /v1 and /docs.
	handler = console.New(svc, console.Config{BaseURL: c.BaseURL, TrustForwardedFor: c.TrustForwardedFor, UploadDir: c.DataDir, MaxUploadBytes: maxUpload,
		GuestSender: guestSender != nil}, logger).Mount(handler)
	// Counted so that a stopping server can say what it waits for.
	var requests atomic.Int64
	api := handler
	started, _ := ctx.Value(requestStartedKey{}).(func())
	handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		defer requests.Add(-1)
		if started != nil {
			started()
		}
		api.ServeHTTP(w, r)
	})
	var engine *delivery.Engine
	if c.Deliver {
		engine = newEngine(svc, st, guard, &c, es, logger)
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", engine.Metrics().Handler(c.MetricsToken))
		mux.Handle("/", handler)
		handler = mux
	}
	// A client that trickles a body or idles holds a goroutine: bound both.
	// Reads allow a large upload over a slow link.
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}

	workers := startWorkers(ctx, svc, sender, guests, engine, eventRetention, auditRetention, logger)
	// iCal imports: every node runs the loop; each source's run is claimed.
	workers.run(func() { svc.RunICalScheduler(workers.ctx, icalInterval, logger.With("worker", "ical-scheduler")) })
	if hub != nil {
		workers.run(func() { hub.Run(workers.ctx) })
		// Streams never finish on their own: end them as shutdown begins,
		// so that clients reconnect elsewhere and Shutdown need not wait.
		srv.RegisterOnShutdown(hub.Stop)
	}
	// Integrations: pruning by age is idempotent, so every node runs it.
	workers.run(func() {
		svc.RunIntegrationLogPruner(workers.ctx, integrationRetention, time.Hour, logger.With("worker", "integration-log-pruner"))
	})
	// Integrations: the scheduled REST poll. Every node runs the loop; each
	// integration's poll is claimed, so one node polls it at a time.
	workers.run(func() {
		svc.RunIntegrationPoller(workers.ctx, 15*time.Second, logger.With("worker", "integration-poller"))
	})
	// BMS / IoT: every node runs the MQTT subscriber; each integration's
	// broker connection is leased to one node at a time.
	workers.run(func() {
		mqtt.New(svc, mqtt.Config{Node: nodeName(&c), Guard: guard, Logger: logger.With("worker", "mqtt")}).Run(workers.ctx)
	})
	logger.Info("porter listening", "addr", ln.Addr().String(), "base_url", c.BaseURL, "db", redact(c.DB))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		workers.stop()
		return err
	case <-ctx.Done():
	}
	// The engine drains (DrainTimeout) while the API finishes its requests.
	began := time.Now()
	inRequests := requests.Load()
	inDeliveries, queued := deliveryLoad(engine)
	logger.Info("porter stopping: finishing what is in flight", "requests", inRequests, "deliveries", inDeliveries,
		"deliveries_given_back", queued)
	workers.cancel()
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Warn("porter stopping: requests still running after 15s are cut off", "requests", requests.Load(), "err", err)
		srv.Close()
	}
	workers.stop()
	logger.Info("porter stopped", "took", time.Since(began).Round(time.Millisecond).String(),
		"requests", inRequests, "deliveries", inDeliveries)
	return nil
}

// deliveryLoad is what this node's delivery engine holds: attempts in
// flight, and deliveries leased but not yet started (given back to the
// queue on stop). It reads the engine's own gauges (its Prometheus text),
// so the log relies only on what /metrics documents; -1 when unknown.
func deliveryLoad(engine *delivery.Engine) (inflight, queued int) {
	if engine == nil {
		return 0, 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var b strings.Builder
	engine.Metrics().WriteTo(ctx, &b)
	gauge := func(name string) int {
		for line := range strings.Lines(b.String()) {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" "); ok {
				if n, err := strconv.Atoi(v); err == nil {
					return n
				}
			}
		}
		return -1
	}
	inflight, leased := gauge("porter_webhook_inflight"), gauge("porter_webhook_leased")
	if inflight < 0 || leased < 0 {
		return inflight, -1
	}
	return inflight, max(0, leased-inflight)
}

// requestStartedKey carries a func a test sets in serve's context to learn
// that a request is being served, so that it can stop the server then.
type requestStartedKey struct{}

// redact hides a password in a database URL for logs.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// engineSettings are the delivery flags, parsed and checked before serve
// touches anything, so that a bad one writes no key file and migrates nothing.
type engineSettings struct {
	retention, disableAfter, leaseMargin time.Duration
}

func (c *config) engineSettings() (engineSettings, error) {
	var es engineSettings
	var err error
	if es.retention, err = parseDuration(c.Retention); err != nil {
		return es, usagef("--webhook-retention: %v", err)
	}
	if es.disableAfter, err = parseDuration(c.DisableAfter); err != nil {
		return es, usagef("--webhook-disable-after: %v", err)
	}
	if es.leaseMargin, err = parseDuration(c.LeaseMargin); err != nil {
		return es, usagef("--webhook-lease-margin: %v", err)
	}
	for name, v := range map[string]int{"--webhook-workers": c.Workers, "--webhook-per-endpoint": c.PerEndpoint,
		"--webhook-disable-after-failures": c.DisableAfterFailures, "--webhook-max-per-org": c.MaxWebhooksPerOrg} {
		if v <= 0 {
			return es, usagef("%s: want a positive whole number, not %d", name, v)
		}
	}
	if c.PerEndpoint > webhook.MaxConnsPerHost {
		return es, usagef("--webhook-per-endpoint: at most %d, not %d", webhook.MaxConnsPerHost, c.PerEndpoint)
	}
	return es, nil
}

// newEngine builds the delivery engine from the configuration: attempts
// go out through the SSRF guard, leased under this node's name.
func newEngine(svc *porter.Service, st porter.Store, guard *webhook.Guard, c *config, es engineSettings, logger *slog.Logger) *delivery.Engine {
	node := nodeName(c)
	q := porter.NewWebhookQueue(svc, node, webhook.NewAttemptID)
	q.DisableAfterFailures, q.DisableAfter = c.DisableAfterFailures, es.disableAfter
	return delivery.New(q, st, delivery.Config{
		Workers: c.Workers, PerEndpoint: c.PerEndpoint, Retention: es.retention, LeaseMargin: es.leaseMargin,
		Client: guard.Client(0), Now: svc.Now, Logger: logger.With("worker", "delivery", "node", node),
		Nodes: delivery.NodeConfig{Host: nodeHost},
	})
}

// nodeName is this process's name in leases: --node, else host-pid.
func nodeName(c *config) string {
	if c.Node != "" {
		return c.Node
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

// nodeHost is where this node says it runs; empty is the machine it runs
// on. Tests set it to play nodes on other hosts.
var nodeHost string

// clockAhead moves this node's clock forward. Tests set it to play a
// retry that comes after a time window has passed.
var clockAhead time.Duration
