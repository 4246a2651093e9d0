package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// options are the command line.
type options struct {
	db          string
	porter      string
	duration    time.Duration
	rates       []int
	connections int
	nodes       int
	pprof       string
	keep        bool
}

func bench(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("porter-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.db, "db", getenv("PORTER_BENCH_DB"), "a `postgres://` URL: the run creates a fresh database on that server and drops it after; empty is a fresh SQLite file")
	fs.StringVar(&o.porter, "porter", "", "porter binary to run; empty builds ./cmd/porter with go build")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each load phase sends")
	rates := fs.String("rates", "100,500,1000", "paced runs, events per second, comma-separated; empty for none")
	fs.IntVar(&o.connections, "connections", 50, "load connections (the bare loop uses as many)")
	fs.IntVar(&o.nodes, "nodes", 1, "porter serve processes on the one database (PostgreSQL, or SQLite on this host)")
	fs.StringVar(&o.pprof, "pprof", "", "loopback address for the first node's PORTER_PPROF_ADDR, e.g. 127.0.0.1:6060")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (database, logs)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for f := range strings.SplitSeq(*rates, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		r, err := strconv.Atoi(f)
		if err != nil || r <= 0 {
			return fmt.Errorf("--rates: %q is not a positive whole number", f)
		}
		o.rates = append(o.rates, r)
	}
	if o.nodes < 1 || o.connections < 1 || o.duration <= 0 {
		return fmt.Errorf("--nodes, --connections and --duration must be positive")
	}
	dir, err := os.MkdirTemp("", "porter-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(stderr, "files in", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	b := &runner{o: o, dir: dir, stderr: stderr}
	defer func() {
		b.stopAll()
		if b.dropDB != nil {
			b.dropDB()
		}
	}()
	return b.run(ctx, stdout)
}

// runner holds one benchmark's processes.
type runner struct {
	o      options
	dir    string
	stderr io.Writer
	self   string
	procs  []*exec.Cmd
	sink   string // http://host:port
	apis   []string
	nodes  []*exec.Cmd // the porter serve processes
	key    string
	dropDB func()
}

func (b *runner) run(ctx context.Context, stdout io.Writer) error {
	var err error
	if b.self, err = os.Executable(); err != nil {
		return err
	}
	if b.o.porter == "" {
		b.o.porter = filepath.Join(b.dir, "porter")
		b.logf("building porter")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", b.o.porter, "porter/cmd/porter")
		cmd.Stdout, cmd.Stderr = b.stderr, b.stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build porter (run from the repository, or give --porter): %w", err)
		}
	}
	db := b.o.db
	if db == "" {
		db = "sqlite:" + filepath.Join(b.dir, "bench.db")
	}
	engine := "SQLite"
	if strings.HasPrefix(db, "postgres") {
		engine = "PostgreSQL"
		fresh, drop, err := freshDatabase(ctx, db)
		if err != nil {
			return err
		}
		// Dropped after the nodes stop (deferred calls run last first).
		b.dropDB = drop
		db = fresh
	}

	// The sink, and the bare loop against it.
	addr, err := b.startRole(ctx, "_sink")
	if err != nil {
		return err
	}
	b.sink = "http://" + addr
	b.logf("sink on %s; bare keep-alive POST loop, %d connections, %s", b.sink, b.o.connections, b.o.duration)
	bare, err := b.load(ctx, []string{b.sink + "/bare"}, "", 0)
	if err != nil {
		return err
	}
	bareRate := float64(bare.OK) / seconds(bare.End-bare.Start)

	// Porter: migrated, one organization, one key, N nodes, one webhook.
	if err := b.setup(ctx, db); err != nil {
		return err
	}
	var props []string
	for _, a := range b.apis {
		props = append(props, a+"/v1/properties")
	}

	b.logf("unpaced: %d connections for %s over %d node(s)", b.o.connections, b.o.duration, len(b.apis))
	if err := b.reset(); err != nil {
		return err
	}
	cpu0, cpuOK := b.nodesCPU()
	all0, allOK := machineCPU()
	un, err := b.load(ctx, props, b.key, 0)
	if err != nil {
		return err
	}
	if un.OK == 0 {
		return fmt.Errorf("no property was created: %s", un.FirstError)
	}
	st, err := b.drain(ctx, un.OK)
	if err != nil {
		return err
	}
	cpu1, _ := b.nodesCPU()
	all1, _ := machineCPU()
	last := int64(0)
	for _, a := range st.Arrivals {
		last = max(last, a.At)
	}
	ingest := float64(un.OK) / seconds(un.End-un.Start)
	delivered := float64(len(st.Arrivals)) / seconds(last-un.Start)
	dups := st.Duplicates

	type paced struct {
		rate           int
		sent           float64
		p50, p99, max  time.Duration
		apiP99         time.Duration
		missing, early int
	}
	var runs []paced
	for _, r := range b.o.rates {
		b.logf("paced: %d/s for %s", r, b.o.duration)
		if err := b.reset(); err != nil {
			return err
		}
		res, err := b.load(ctx, props, b.key, r)
		if err != nil {
			return err
		}
		st, err := b.drain(ctx, res.OK)
		if err != nil {
			return err
		}
		dups = st.Duplicates
		// commit→arrival: from the 201 at the load process (the envelope's
		// fired_at has whole seconds only) to the first arrival of the
		// record's event at the sink. A delivery that beats the 201 back
		// counts as 0.
		var lat []time.Duration
		arrived := map[int64]bool{}
		early := 0
		for _, a := range st.Arrivals {
			commit, ok := res.Commits[a.Record]
			if !ok || arrived[a.Record] {
				continue
			}
			arrived[a.Record] = true
			if a.At < commit {
				early++
			}
			lat = append(lat, time.Duration(max(0, a.At-commit)))
		}
		missing := len(res.Commits) - len(arrived)
		p := paced{rate: r, early: early, sent: float64(res.OK) / seconds(res.End-res.Start), missing: missing + res.Failed,
			apiP99: pct(ns(res.Latencies), 0.99)}
		p.p50, p.p99, p.max = pct(lat, 0.5), pct(lat, 0.99), pct(lat, 1)
		runs = append(runs, p)
	}

	// The table.
	fmt.Fprintf(stdout, "\n%s, %d node(s), %d connections, %s per phase\n", engine, len(b.apis), b.o.connections, b.o.duration)
	fmt.Fprintf(stdout, "bare keep-alive POST loop to the sink: %.0f/s\n\n", bareRate)
	fmt.Fprintf(stdout, "| | delivered/s (ratio to bare loop) | API ingest/s (API p99) |")
	for _, p := range runs {
		fmt.Fprintf(stdout, " commit→arrival at %d/s p50 / p99 |", p.rate)
	}
	fmt.Fprintf(stdout, "\n|---|---|---|%s\n", strings.Repeat("---|", len(runs)))
	fmt.Fprintf(stdout, "| %s | %.0f (%.3f) | %.0f (%s) |", engine, delivered, delivered/bareRate, ingest, ms(pct(ns(un.Latencies), 0.99)))
	for _, p := range runs {
		fmt.Fprintf(stdout, " %s / %s |", ms(p.p50), ms(p.p99))
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout)
	for _, p := range runs {
		fmt.Fprintf(stdout, "at %d/s: sent %.0f/s, API p99 %s, commit→arrival max %s, %d arrived before their 201, not delivered %d\n",
			p.rate, p.sent, ms(p.apiP99), ms(p.max), p.early, p.missing)
	}
	fmt.Fprintf(stdout, "unpaced: %d created, %d failed, %d delivered; duplicate first deliveries (event ids seen twice): %d\n",
		un.OK, un.Failed, len(st.Arrivals), dups)
	if cpuOK && len(st.Arrivals) > 0 {
		// From the first request until drained: each event's API request,
		// commit, fan-out and delivery, whatever else loads the machine.
		fmt.Fprintf(stdout, "server CPU (all nodes, unpaced phase): %.2f s, %.0f ms per 1,000 events created and delivered\n",
			(cpu1 - cpu0).Seconds(), float64((cpu1-cpu0).Milliseconds())*1000/float64(len(st.Arrivals)))
	}
	if allOK && len(st.Arrivals) > 0 {
		// The rest is the database server (PostgreSQL), the load process,
		// the sink and whatever else runs on the machine.
		fmt.Fprintf(stdout, "machine CPU (every process, unpaced phase): %.2f s, %.0f ms per 1,000 events\n",
			(all1 - all0).Seconds(), float64((all1-all0).Milliseconds())*1000/float64(len(st.Arrivals)))
	}
	if un.FirstError != "" {
		fmt.Fprintf(stdout, "first API error: %s\n", un.FirstError)
	}
	return nil
}

// setup migrates the database, creates the organization and key, starts
// the nodes and creates the webhook.
func (b *runner) setup(ctx context.Context, db string) error {
	env := append(os.Environ(), "PORTER_DB="+db, "PORTER_DATA_DIR="+b.dir, "PORTER_ALLOW_PRIVATE_WEBHOOKS=1")
	porter := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, b.o.porter, args...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("porter %s: %w: %s", args[0], err, out.String())
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		return strings.TrimSpace(lines[len(lines)-1]), nil
	}
	if _, err := porter("migrate"); err != nil {
		return err
	}
	org, err := porter("org", "create", "--name", fmt.Sprintf("Bench %d", time.Now().Unix()))
	if err != nil {
		return err
	}
	if b.key, err = porter("key", "create", "--org", org, "--name", "bench", "--rate-limit", "100000000/m"); err != nil {
		return err
	}
	for i := range b.o.nodes {
		port, err := freePort()
		if err != nil {
			return err
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		log, err := os.Create(filepath.Join(b.dir, fmt.Sprintf("porter-%d.log", i)))
		if err != nil {
			return err
		}
		cmd := exec.Command(b.o.porter, "serve")
		cmd.Env = append(env, "PORTER_ADDR="+addr, fmt.Sprintf("PORTER_NODE=bench-%d", i))
		if i == 0 && b.o.pprof != "" {
			cmd.Env = append(cmd.Env, "PORTER_PPROF_ADDR="+b.o.pprof)
		}
		cmd.Stdout, cmd.Stderr = log, log
		if err := b.start(cmd); err != nil {
			return err
		}
		b.nodes = append(b.nodes, cmd)
		b.apis = append(b.apis, "http://"+addr)
	}
	for _, a := range b.apis {
		if err := waitUp(ctx, a+"/v1/properties?limit=1", b.key); err != nil {
			return fmt.Errorf("porter serve on %s: %w (log in %s)", a, err, b.dir)
		}
	}
	body := fmt.Sprintf(`{"url":%q,"events":["*"],"description":"porter-bench sink"}`, b.sink+"/hook")
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, b.apis[0]+"/v1/webhooks", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+b.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("create webhook: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("create webhook: %s: %s", resp.Status, msg)
	}
	return nil
}

// load runs a load process and reads its result.
func (b *runner) load(ctx context.Context, urls []string, key string, rate int) (*loadResult, error) {
	cmd := exec.CommandContext(ctx, b.self, "_load", "-urls", strings.Join(urls, ","), "-key", key,
		"-connections", strconv.Itoa(b.o.connections), "-duration", b.o.duration.String(), "-rate", strconv.Itoa(rate))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, b.stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("load process: %w", err)
	}
	var res loadResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return nil, fmt.Errorf("load process output: %w", err)
	}
	return &res, nil
}

// drain waits until the sink has want deliveries, or nothing arrived for
// 30 s, and returns what it received.
func (b *runner) drain(ctx context.Context, want int) (*sinkStats, error) {
	last, lastChange := -1, time.Now()
	for {
		st, err := b.stats(false)
		if err != nil {
			return nil, err
		}
		if st.Deliveries >= want || time.Since(lastChange) > 30*time.Second {
			if st.Deliveries < want {
				b.logf("gave up waiting: %d of %d delivered", st.Deliveries, want)
			}
			return b.stats(true)
		}
		if st.Deliveries != last {
			last, lastChange = st.Deliveries, time.Now()
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (b *runner) stats(arrivals bool) (*sinkStats, error) {
	u := b.sink + "/_stats"
	if arrivals {
		u += "?arrivals=1"
	}
	resp, err := http.Get(u)
	if err != nil {
		return nil, fmt.Errorf("sink: %w", err)
	}
	defer resp.Body.Close()
	var st sinkStats
	return &st, json.NewDecoder(resp.Body).Decode(&st)
}

func (b *runner) reset() error {
	resp, err := http.Post(b.sink+"/_reset", "", nil)
	if err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	return resp.Body.Close()
}

// startRole starts this binary in a role and returns its first line.
func (b *runner) startRole(ctx context.Context, role string) (string, error) {
	cmd := exec.Command(b.self, role)
	cmd.Stderr = b.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := b.start(cmd); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("%s: %w", role, err)
	}
	return strings.TrimSpace(line), nil
}

func (b *runner) start(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	b.procs = append(b.procs, cmd)
	return nil
}

// stopAll ends the processes this run started: SIGTERM, then SIGKILL.
func (b *runner) stopAll() {
	for _, p := range b.procs {
		p.Process.Signal(syscall.SIGTERM)
	}
	for _, p := range b.procs {
		done := make(chan struct{})
		go func() { p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			p.Process.Kill()
			<-done
		}
	}
}

func (b *runner) logf(format string, args ...any) {
	fmt.Fprintf(b.stderr, "porter-bench: "+format+"\n", args...)
}

func waitUp(ctx context.Context, url, key string) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("%s", resp.Status)
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func seconds(nanos int64) float64 { return float64(max(nanos, 1)) / 1e9 }

func ns(v []int64) []time.Duration {
	d := make([]time.Duration, len(v))
	for i, x := range v {
		d[i] = time.Duration(x)
	}
	return d
}

// pct is the q-quantile (nearest rank) of d; 0 when d is empty.
func pct(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	d = slices.Clone(d)
	slices.Sort(d)
	i := int(q*float64(len(d))+0.5) - 1
	return d[min(max(i, 0), len(d)-1)]
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + " ms"
}
