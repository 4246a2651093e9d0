package stream_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/bits"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"porter"
	porterhttp "porter/http"
	"porter/storetest"
	"porter/stream"
)

// BenchmarkStream commits events from parallel writers for a few seconds,
// first with no stream client, then with 100 clients reading
// GET /v1/events/stream over real HTTP connections, and reports the
// writers' throughput with clients as a ratio to without, and the time
// from each commit to each client's read (p50, p99). Then it paces the
// writers at 10,000 events/s (or what the engine sustains) with the
// clients connected.
//
//	go test ./stream -run '^$' -bench Stream -benchtime 1x
func BenchmarkStream(b *testing.B) {
	for _, engine := range []string{storetest.SQLite, storetest.Postgres} {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				benchStream(b, engine)
			}
		})
	}
}

const (
	benchClients = 100
	benchWriters = 8
	benchFor     = 3 * time.Second
)

func benchStream(b *testing.B, engine string) {
	s := storetest.Open(b, engine)
	ctx := context.Background()
	org := &porter.Organization{Name: "Bench", CreatedAt: time.Now()}
	if err := s.CreateOrganization(ctx, org); err != nil {
		b.Fatal(err)
	}
	svc := porter.NewService(s, "", nil)
	key, _, err := svc.CreateAPIKey(ctx, org.ID, porter.APIKeyInput{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	hub := stream.NewHub(s.(porter.EventFeed), nil)
	hub.MaxPerOrg = benchClients
	hub.Buffer = 1 << 16
	hctx, stop := context.WithCancel(ctx)
	defer stop()
	go hub.Run(hctx)
	srv := httptest.NewServer(porterhttp.NewServer(svc, porterhttp.Config{DefaultRateLimit: 1 << 30, Stream: hub}, nil))
	defer srv.Close()

	write := func(until time.Time, every time.Duration) int {
		var n atomic.Int64
		var wg sync.WaitGroup
		for w := range benchWriters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				next := time.Now().Add(time.Duration(w) * every / benchWriters)
				for time.Now().Before(until) {
					if every > 0 {
						time.Sleep(time.Until(next))
						next = next.Add(every)
					}
					err := s.Update(ctx, org.ID, func(tx porter.Tx) error {
						e := &porter.Event{OrgID: org.ID, Type: "property.created", FiredAt: time.Now().UTC(), ResourceType: "property", ResourceID: 1, Data: fmt.Appendf(nil, `{"id":1,"name":"Bench","at":%d}`, time.Now().UnixNano())}
						return tx.InsertEvent(ctx, e)
					})
					if err != nil {
						b.Error(err)
						return
					}
					n.Add(1)
				}
			}()
		}
		wg.Wait()
		return int(n.Load())
	}

	// CPU of this process (writers, server, hub) per event: what a loaded
	// machine distorts least, unlike the throughputs.
	cpu0 := processCPU()
	nAlone := write(time.Now().Add(benchFor), 0)
	alone := float64(nAlone) / benchFor.Seconds()
	cpuAlone := processCPU() - cpu0

	// 100 clients, each on its own connection, reading every event, in
	// another process: their parsing must not be charged to the writers
	// beyond what a separate machine's clients cost the server.
	clients := exec.Command(os.Args[0], "-test.run=^$")
	clients.Env = append(os.Environ(), "PORTER_STREAM_BENCH_CLIENTS="+srv.URL+" "+key+" "+strconv.Itoa(benchClients))
	stdin, _ := clients.StdinPipe()
	var out bytes.Buffer
	clients.Stdout, clients.Stderr = &out, &out
	if err := clients.Start(); err != nil {
		b.Fatal(err)
	}
	for hub.Subscribers() < benchClients {
		time.Sleep(10 * time.Millisecond)
	}
	cpu0 = processCPU()
	nWith := write(time.Now().Add(benchFor), 0)
	with := float64(nWith) / benchFor.Seconds()
	time.Sleep(time.Second) // the last events reach the clients
	cpuWith := processCPU() - cpu0

	// Paced: 10,000/s, or 90 % of what the engine did alone if less.
	fmt.Fprintln(stdin, "paced")
	rate := min(10000.0, 0.9*alone)
	n := write(time.Now().Add(benchFor), time.Duration(float64(time.Second)*benchWriters/rate))
	time.Sleep(time.Second)
	stdin.Close()
	if err := clients.Wait(); err != nil {
		b.Fatalf("clients: %v: %s", err, out.String())
	}
	var res [2]struct {
		P50, P99 time.Duration
		N        int
		Dropped  string
	}
	if err := json.Unmarshal(lastJSONLine(out.Bytes()), &res); err != nil {
		b.Fatalf("clients said %s: %v", out.String(), err)
	}
	b.Logf("%s: writers alone %.0f events/s; with %d stream clients %.0f events/s (ratio %.2f)", engine, alone, benchClients, with, with/alone)
	b.Logf("  server CPU per event: alone %.1f µs; with %d clients %.1f µs (%.1f µs per event per client)", us(cpuAlone)/float64(nAlone),
		benchClients, us(cpuWith)/float64(nWith), (us(cpuWith)/float64(nWith)-us(cpuAlone)/float64(nAlone))/benchClients)
	b.Logf("  the clients' process: %.2f µs of CPU per read", us(clients.ProcessState.UserTime()+clients.ProcessState.SystemTime())/float64(res[0].N+res[1].N))
	b.Logf("  unpaced with clients: write→client p50 %.2f ms, p99 %.2f ms over %d reads %s", ms(res[0].P50), ms(res[0].P99), res[0].N, res[0].Dropped)
	b.Logf("  paced at %.0f/s (committed %.0f/s): write→client p50 %.2f ms, p99 %.2f ms over %d reads %s", rate, float64(n)/benchFor.Seconds(),
		ms(res[1].P50), ms(res[1].P99), res[1].N, res[1].Dropped)
	b.ReportMetric(with/alone, "ratio")
	b.ReportMetric(ms(res[1].P99), "paced-p99-ms")
	b.ReportMetric(float64(n)/benchFor.Seconds()/rate, "paced-ratio")
}

func lastJSONLine(b []byte) []byte {
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	return lines[len(lines)-1]
}

// runBenchClients is the clients' process: n streams read until standard
// input closes; a line on it starts the second phase. It prints, per
// phase, the time from each event's commit (its data's "at") to its read.
func runBenchClients(spec string) {
	var url, key string
	var n int
	fmt.Sscan(spec, &url, &key, &n)
	var phase atomic.Int32
	var mu sync.Mutex
	var lat [2]histogram
	dropped := [2]string{}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(ctx, "GET", url+"/v1/events/stream", nil)
			req.Header.Set("Authorization", "Bearer "+key)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				fmt.Println(err)
				return
			}
			defer res.Body.Close()
			var mine [2]histogram
			defer func() {
				mu.Lock()
				lat[0].merge(&mine[0])
				lat[1].merge(&mine[1])
				mu.Unlock()
			}()
			// The clients share the machine with the writers, which clients
			// elsewhere would not: they scan what they read once, event by
			// event, and take each event's "at" from its end, without
			// parsing it further.
			buf := make([]byte, 0, 256<<10)
			for {
				n, err := res.Body.Read(buf[len(buf):cap(buf)])
				if err != nil {
					return
				}
				buf = buf[:len(buf)+n]
				now, p := time.Now(), phase.Load()
				rest := buf
				for {
					end := bytes.Index(rest, []byte("\n\n"))
					if end < 0 {
						break
					}
					ev := rest[:end]
					rest = rest[end+2:]
					if d, ok := bytes.CutPrefix(ev, []byte("event: disconnect\ndata: ")); ok {
						mu.Lock()
						dropped[p] = "(a client was dropped: " + string(d) + ")"
						mu.Unlock()
						return
					}
					// The envelope ends with the data, which ends with "at".
					if i := bytes.LastIndex(ev[max(len(ev)-48, 0):], []byte(`"at":`)); i >= 0 {
						mine[p].add(now.Sub(time.Unix(0, digits(ev[max(len(ev)-48, 0)+i+5:]))))
					}
				}
				buf = buf[:copy(buf, rest)]
				if len(buf) == cap(buf) {
					buf = slices.Grow(buf, cap(buf))
				}
			}
		}()
	}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		phase.Store(1)
	}
	cancel()
	wg.Wait()
	var out [2]struct {
		P50, P99 time.Duration
		N        int
		Dropped  string
	}
	for p := range 2 {
		out[p].P50, out[p].P99 = lat[p].quantile(0.5), lat[p].quantile(0.99)
		out[p].N, out[p].Dropped = lat[p].n(), dropped[p]
	}
	b, _ := json.Marshal(out)
	fmt.Printf("%s\n", b)
}

// digits reads the decimal number b starts with.
func digits(b []byte) int64 {
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// histogram counts latencies by microsecond, exactly below 64 µs and
// then in 32 steps per power of two (3 % apart): cheap enough that the
// clients' process measures itself little.
type histogram [64 * 32]uint32

func (h *histogram) add(d time.Duration) { h[bucket(uint64(max(d, 0)/time.Microsecond))]++ }

func bucket(us uint64) int {
	if us < 64 {
		return int(us)
	}
	e := bits.Len64(us) - 6 // keep the top six bits
	return (e+1)*32 + int(us>>e)&31
}

// value is the middle of bucket i, in microseconds.
func value(i int) uint64 {
	if i < 64 {
		return uint64(i)
	}
	e := i/32 - 1
	return uint64(32+i%32)<<e + 1<<e/2
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o {
		h[i] += c
	}
}

func (h *histogram) n() int {
	n := 0
	for _, c := range h {
		n += int(c)
	}
	return n
}

func (h *histogram) quantile(q float64) time.Duration {
	want, seen := uint64(q*float64(h.n())), uint64(0)
	for i, c := range h {
		if seen += uint64(c); seen > want {
			return time.Duration(value(i)) * time.Microsecond
		}
	}
	return 0
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
