package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"porter/stream"
	"porter/webhook"
)

const listenUsage = "listen --api-key KEY [--url BASE] [--events work_order.*,payment.succeeded] [--forward-to http://localhost:3000/hooks] [--print-json]"

const triggerUsage = "trigger EVENT --api-key KEY [--url BASE]"

// clientFlags are the flags of the commands that talk to a running Porter
// over its API rather than to its database.
type clientFlags struct {
	key, base string
}

func (c *clientFlags) define(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.key, "api-key", getenv("PORTER_API_KEY"), "an API key with events:read (PORTER_API_KEY)")
	base := getenv("PORTER_URL")
	if base == "" {
		base = "http://127.0.0.1:8080"
	}
	fs.StringVar(&c.base, "url", base, "Porter's base URL (PORTER_URL)")
}

func (c *clientFlags) check(name string) error {
	if c.key == "" {
		return usagef("%s: --api-key (or PORTER_API_KEY) is required", name)
	}
	u, err := url.Parse(c.base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("%s: --url %q: want an http(s) URL such as http://127.0.0.1:8080", name, c.base)
	}
	c.base = strings.TrimRight(c.base, "/")
	return nil
}

// listen is the developer's loop, like `stripe listen`: no public URL, no
// tunnel, no webhook to register. It reads the organization's events from
// GET /v1/events/stream, signs each with a session secret exactly as a
// delivery is signed, posts it to a local URL and prints one line per
// event. A broken stream is resumed with Last-Event-ID, so nothing is
// missed; Ctrl-C stops it.
func listen(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("porter listen", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: porter %s\n\nFlags:\n", listenUsage)
		fs.PrintDefaults()
	}
	var c clientFlags
	c.define(fs, getenv)
	events := fs.String("events", "", "comma-separated events: names, aliases, family.* or * (default: every event the key can see)")
	forward := fs.String("forward-to", "", "a local URL each event is POSTed to, signed (default: only print)")
	printJSON := fs.Bool("print-json", false, "print each event's JSON on standard output, one per line")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("listen: unexpected argument %q", fs.Arg(0))
	}
	if err := c.check("listen"); err != nil {
		return err
	}
	if *forward != "" {
		if u, err := url.Parse(*forward); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("listen: --forward-to %q: want an http(s) URL such as http://localhost:3000/hooks", *forward)
		}
	}
	l := &listener{
		client: c, events: *events, forward: *forward, printJSON: *printJSON,
		secret: webhook.NewSecret(), out: stdout, log: stdout,
		http: &http.Client{Timeout: 30 * time.Second},
	}
	if l.printJSON {
		l.log = stderr // standard output is the events alone, for a pipe
	}
	fmt.Fprintf(l.log, "Ready! Your webhook signing secret is %s (^C to quit)\n", l.secret)
	return l.run(ctx)
}

type listener struct {
	client    clientFlags
	events    string
	forward   string
	printJSON bool
	secret    string
	out, log  io.Writer
	http      *http.Client
	lastID    string // the last event handled: a reconnection resumes after it
}

// permanentError ends listen: the server refused the request itself.
type permanentError struct{ error }

func (l *listener) run(ctx context.Context) error {
	backoff := 500 * time.Millisecond
	for {
		connected, err := l.stream(ctx)
		if ctx.Err() != nil {
			fmt.Fprintln(l.log, "Stopped.")
			return nil
		}
		var p permanentError
		if errors.As(err, &p) {
			return p.error
		}
		if connected {
			backoff = 500 * time.Millisecond
		}
		fmt.Fprintf(l.log, "%s  stream interrupted (%v); reconnecting in %s\n", clock(), err, backoff)
		select {
		case <-ctx.Done():
			fmt.Fprintln(l.log, "Stopped.")
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// stream reads one connection's events until it breaks; connected tells
// whether the server accepted it.
func (l *listener) stream(ctx context.Context) (connected bool, err error) {
	q := url.Values{}
	if l.events != "" {
		q.Set("types", l.events)
	}
	u := l.client.base + "/v1/events/stream"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, permanentError{err}
	}
	req.Header.Set("Authorization", "Bearer "+l.client.key)
	req.Header.Set("Accept", "text/event-stream")
	if l.lastID != "" {
		req.Header.Set("Last-Event-ID", l.lastID)
	}
	// No client timeout: the stream lasts; heartbeats show it lives.
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg := problemText(res)
		if res.StatusCode < 500 && res.StatusCode != http.StatusTooManyRequests {
			return false, permanentError{fmt.Errorf("listen: %s", msg)}
		}
		return false, errors.New(msg)
	}
	what := l.events
	if what == "" {
		what = "every event the key can see"
	}
	fmt.Fprintf(l.log, "%s  Connected to %s: listening for %s\n", clock(), l.client.base, what)
	rd := stream.NewReader(res.Body)
	for {
		m, err := rd.Next()
		if err != nil {
			return true, err
		}
		switch m.Event {
		case "":
			continue // a heartbeat or the retry field
		case "disconnect":
			var why struct{ Reason string }
			json.Unmarshal(m.Data, &why)
			return true, fmt.Errorf("the server ended the stream: %s", why.Reason)
		}
		l.handle(ctx, m)
		l.lastID = m.ID
	}
}

// handle prints and forwards one event.
func (l *listener) handle(ctx context.Context, m stream.Message) {
	if l.printJSON {
		fmt.Fprintf(l.out, "%s\n", m.Data)
	} else {
		fmt.Fprintf(l.log, "%s  --> %s [%s]\n", clock(), m.Event, m.ID)
	}
	if l.forward == "" {
		return
	}
	start := time.Now()
	status, err := l.post(ctx, m)
	took := time.Since(start).Round(time.Millisecond)
	if err != nil {
		fmt.Fprintf(l.log, "%s  <-- [ERR] POST %s [%s] %v\n", clock(), l.forward, m.ID, err)
		return
	}
	fmt.Fprintf(l.log, "%s  <-- [%d] POST %s [%s] %s\n", clock(), status, l.forward, m.ID, took)
}

// post sends the event as a delivery would: the same body, X-PM-* and
// Standard Webhooks headers, signed with the session secret.
func (l *listener) post(ctx context.Context, m stream.Message) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.forward, bytes.NewReader(m.Data))
	if err != nil {
		return 0, err
	}
	req.Header = webhook.Attempt{Event: m.Event, EventID: m.ID, AttemptID: webhook.NewAttemptID(),
		Timestamp: time.Now(), Secrets: []string{l.secret}}.Header(m.Data)
	res, err := l.http.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	return res.StatusCode, nil
}

func clock() string { return time.Now().Format("2006-01-02 15:04:05") }

// problemText is the reason an API error names: problem+json's detail, or
// the status.
func problemText(res *http.Response) string {
	var p struct {
		Detail, Message, Error string
	}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	json.Unmarshal(b, &p)
	for _, s := range []string{p.Detail, p.Message, p.Error} {
		if s != "" {
			return fmt.Sprintf("%s: %s", res.Status, s)
		}
	}
	return res.Status
}

// trigger fires an event for the key's organization through POST
// /v1/events/trigger; `porter listen` and every subscribed webhook get it.
func trigger(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("porter trigger", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: porter %s\n\nFlags:\n", triggerUsage)
		fs.PrintDefaults()
	}
	var c clientFlags
	c.define(fs, getenv)
	// The event may come before or after the flags.
	var event string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		event, args = args[0], args[1:]
	}
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if event == "" && fs.NArg() > 0 {
		event = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return usagef("trigger: unexpected argument %q", fs.Arg(0))
	}
	if event == "" {
		return usagef("trigger: want 'porter %s'", triggerUsage)
	}
	if err := c.check("trigger"); err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"event": event})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/v1/events/trigger", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Content-Type", "application/json")
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("trigger: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("trigger: %s", problemText(res))
	}
	var out struct {
		Data struct {
			Event string `json:"event"`
			ID    string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return fmt.Errorf("trigger: %w", err)
	}
	fmt.Fprintf(stdout, "Triggered %s [%s]\n", out.Data.Event, out.Data.ID)
	return nil
}
