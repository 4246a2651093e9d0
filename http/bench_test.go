package http_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"porter"
	porterhttp "porter/http"
	"porter/storetest"
)

// benchEnv is the real handler stack over a real store, served on a
// loopback listener, with one organization, its full-access key and a
// property with a unit.
type benchEnv struct {
	handler  http.Handler
	url      string
	key      string
	client   *http.Client
	property int64
	unit     int64
	svc      *porter.Service
	org      int64
	engine   string
}

// benchParallelism goroutines per GOMAXPROCS send requests: enough for one
// request's database work to overlap another's HTTP and JSON work.
const benchParallelism = 8

func newBenchEnv(b *testing.B, engine string) *benchEnv {
	b.Helper()
	ctx := context.Background()
	store := storetest.Open(b, engine)
	svc := porter.NewService(store, "", nil)
	// A limit no benchmark reaches: the rate limiter still counts every request.
	handler := porterhttp.NewServer(svc, porterhttp.Config{DefaultRateLimit: 1 << 30}, nil)
	srv := httptest.NewServer(handler)
	b.Cleanup(srv.Close)
	org, err := svc.CreateOrganization(ctx, "Bench")
	if err != nil {
		b.Fatal(err)
	}
	key, _, err := svc.CreateAPIKey(ctx, org.ID, porter.APIKeyInput{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	p, err := svc.CreateProperty(ctx, org.ID, porter.PropertyInput{Name: ptr("Maple Court")})
	if err != nil {
		b.Fatal(err)
	}
	u, err := svc.CreateUnit(ctx, org.ID, porter.UnitInput{PropertyID: &p.ID, Name: ptr("12B")})
	if err != nil {
		b.Fatal(err)
	}
	conns := benchParallelism * 4
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns}
	b.Cleanup(tr.CloseIdleConnections)
	return &benchEnv{handler: handler, url: srv.URL, key: key, client: &http.Client{Transport: tr}, property: p.ID, unit: u.ID, svc: svc, org: org.ID, engine: engine}
}

// run sends the request from every parallel goroutine until b.N and
// reports requests per second.
func (e *benchEnv) run(b *testing.B, method, path string, body []byte, want int) {
	b.Helper()
	b.SetParallelism(benchParallelism)
	b.ReportAllocs()
	cpu0, cpuErr := e.cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var rd io.Reader
			if body != nil {
				rd = bytes.NewReader(body)
			}
			req, err := http.NewRequest(method, e.url+path, rd)
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Authorization", "Bearer "+e.key)
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			res, err := e.client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != want {
				b.Errorf("%s %s: status %d, want %d", method, path, res.StatusCode, want)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	// CPU time per request, client, server and database together:
	// steadier than req/s on a machine shared with other work.
	cpu1, err := e.cpuTime()
	if cpuErr != nil || err != nil {
		b.Logf("cpu-µs/op not reported: %v", errors.Join(cpuErr, err))
		return
	}
	b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}

// cpuTime is the CPU time, user and system, of this process (client,
// server and, for SQLite, the database) plus, for PostgreSQL, the database
// server's processes: a CPU-per-request figure without them would leave
// out the queries.
func (e *benchEnv) cpuTime() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	own := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	if e.engine != storetest.Postgres {
		return own, nil
	}
	db, err := storetest.PostgresCPU()
	return own + db, err
}

// serve calls the handler stack directly, with no TCP and no HTTP client
// beside it on the same two cores: what the server itself sustains.
func (e *benchEnv) serve(b *testing.B, method, path string, body []byte, want int) {
	b.Helper()
	b.SetParallelism(benchParallelism)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(method, path, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+e.key)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			e.handler.ServeHTTP(rec, req)
			if rec.Code != want {
				b.Errorf("%s %s: status %d, want %d: %s", method, path, rec.Code, want, rec.Body)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkSeedCreateWorkOrderHandler is BenchmarkSeedCreateWorkOrder
// without the loopback client: the handler stack alone.
func BenchmarkSeedCreateWorkOrderHandler(b *testing.B) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			e := newBenchEnv(b, engine)
			body := []byte(fmt.Sprintf(`{"title":"Kitchen tap dripping","description":"Cold tap has been dripping for 2 days.",`+
				`"property_id":%d,"unit_id":"%d","priority":"high","category":"plumbing"}`, e.property, e.unit))
			e.serve(b, http.MethodPost, "/api/action_create_work_order.php", body, http.StatusOK)
		})
	}
}

// BenchmarkSeedCreateWorkOrder: POST /api/action_create_work_order.php,
// authenticated and rate-limited, through JSON decoding, validation and the
// write transaction with its outbox event.
func BenchmarkSeedCreateWorkOrder(b *testing.B) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			e := newBenchEnv(b, engine)
			body := []byte(fmt.Sprintf(`{"title":"Kitchen tap dripping","description":"Cold tap has been dripping for 2 days.",`+
				`"property_id":%d,"unit_id":"%d","priority":"high","category":"plumbing"}`, e.property, e.unit))
			e.run(b, http.MethodPost, "/api/action_create_work_order.php", body, http.StatusOK)
		})
	}
}

// BenchmarkGetTenant: GET /v1/tenants/{id}, authenticated and rate-limited,
// through a read transaction.
func BenchmarkGetTenant(b *testing.B) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			e := newBenchEnv(b, engine)
			tn, err := e.svc.CreateTenant(context.Background(), e.org, porter.TenantInput{
				Email: ptr("jane@example.com"), FirstName: ptr("Jane"), LastName: ptr("Smith")})
			if err != nil {
				b.Fatal(err)
			}
			e.run(b, http.MethodGet, fmt.Sprintf("/v1/tenants/%d", tn.ID), nil, http.StatusOK)
		})
	}
}

func ptr[T any](v T) *T { return &v }
