package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// node is `porter serve` in a subprocess: the test binary itself, run as
// porter (see TestMain), so that it can be killed with SIGKILL.
type node struct {
	name   string
	cmd    *exec.Cmd
	base   string
	stderr *syncBuffer
	exited chan struct{}
}

var listening = regexp.MustCompile(`msg="porter listening" addr=(\S+)`)

func startNode(t *testing.T, env map[string]string, name string) *node {
	t.Helper()
	n := &node{name: name, stderr: &syncBuffer{}, exited: make(chan struct{})}
	n.cmd = exec.Command(os.Args[0], "serve")
	n.cmd.Env = append(os.Environ(), "PORTER_TEST_RUN_MAIN=1", "PORTER_NODE="+name, "PORTER_ADDR=127.0.0.1:0")
	for k, v := range env {
		n.cmd.Env = append(n.cmd.Env, k+"="+v)
	}
	n.cmd.Stderr, n.cmd.Stdout = n.stderr, io.Discard
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { n.cmd.Wait(); close(n.exited) }()
	t.Cleanup(func() { n.kill() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(n.stderr.String()); m != nil {
			n.base = "http://" + m[1]
			return n
		}
		select {
		case <-n.exited:
			t.Fatalf("%s exited: %s", name, n.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("%s did not start: %s", name, n.stderr.String())
	return nil
}

func (n *node) kill() {
	n.cmd.Process.Kill()
	<-n.exited
}

// term stops the node as an operator would and waits for it to drain.
func (n *node) term(t *testing.T) {
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
	case <-time.After(45 * time.Second):
		t.Errorf("%s did not stop on SIGTERM", n.name)
		n.kill()
	}
}

// call sends an API request to the node.
func (n *node) call(key, method, path string, body any) (int, []byte, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, n.base+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	return res.StatusCode, out, err
}

// tally is a receiver that counts every delivery of every property.
type tally struct {
	*httptest.Server
	mu       sync.Mutex
	seen     map[int64]int // property id -> deliveries
	total    atomic.Int64
	eventIDs map[string]int64 // a stable event id is one property
	badIDs   atomic.Int64
}

func newTally(t *testing.T) *tally {
	ty := &tally{seen: map[int64]int{}, eventIDs: map[string]int64{}}
	ty.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var env struct {
			ID   string
			Data struct{ ID int64 }
		}
		if err := json.NewDecoder(r.Body).Decode(&env); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ty.mu.Lock()
		ty.seen[env.Data.ID]++
		if prev, ok := ty.eventIDs[env.ID]; ok && prev != env.Data.ID {
			ty.badIDs.Add(1)
		}
		ty.eventIDs[env.ID] = env.Data.ID
		ty.mu.Unlock()
		ty.total.Add(1)
		time.Sleep(3 * time.Millisecond) // a receiver with work to do: attempts are in flight at the kill
	}))
	t.Cleanup(ty.Close)
	return ty
}

func (ty *tally) missing(ids []int64) []int64 {
	ty.mu.Lock()
	defer ty.mu.Unlock()
	var out []int64
	for _, id := range ids {
		if ty.seen[id] == 0 {
			out = append(out, id)
		}
	}
	return out
}

// TestDeliveryKillNine runs real nodes, SIGKILLs one in the middle of a
// burst and shows that every committed event is delivered and no
// delivery is left pending or failed. SQLite runs one node and restarts
// it; PostgreSQL runs three on one database and loses one for good.
func TestDeliveryKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("starts porter processes")
	}
	for engine, db := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			dataDir := t.TempDir()
			env := map[string]string{"PORTER_DB": db, "PORTER_DATA_DIR": dataDir, "PORTER_ALLOW_PRIVATE_WEBHOOKS": "1",
				"PORTER_WEBHOOK_LEASE_MARGIN": "2s", "PORTER_RATE_LIMIT": "100000/m"}
			key := orgKey(t, env, "burst")

			count := 1
			if engine == storetest.Postgres {
				count = 3
			}
			var mu sync.Mutex
			nodes := make([]*node, count)
			for i := range nodes {
				nodes[i] = startNode(t, env, fmt.Sprint("node", i+1))
			}
			pick := func(i int) *node {
				mu.Lock()
				defer mu.Unlock()
				return nodes[i%len(nodes)]
			}

			ty := newTally(t)
			code, body, err := nodes[0].call(key, "POST", "/v1/webhooks", map[string]any{"url": ty.URL, "events": []string{"property.created"},
				"timeout_seconds": 1, "retry_schedule": []int{0, 0, 1, 1, 2, 2, 5, 5, 10, 10}})
			if err != nil || code != http.StatusCreated {
				t.Fatalf("create webhook: %d %s %v", code, body, err)
			}

			const total = 300
			var sent atomic.Int64
			var wg sync.WaitGroup
			for w := range 6 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < total; i += 6 {
						for try := 0; ; try++ {
							code, _, err := pick(i+try).call(key, "POST", "/v1/properties", map[string]any{"name": fmt.Sprint("P", i)})
							if err == nil && code == http.StatusCreated {
								break
							}
							if try > 400 {
								t.Errorf("property %d: %d %v", i, code, err)
								return
							}
							time.Sleep(25 * time.Millisecond)
						}
						sent.Add(1)
					}
				}()
			}
			// Mid-burst: kill -9.
			for ty.total.Load() < total/4 {
				time.Sleep(time.Millisecond)
			}
			victim := pick(count - 1)
			victim.kill()
			mu.Lock()
			if count == 1 {
				mu.Unlock()
				restarted := startNode(t, env, "node1-again")
				mu.Lock()
				nodes[0] = restarted
			} else {
				nodes = nodes[:count-1]
			}
			mu.Unlock()
			wg.Wait()

			// Every property in the database, committed before the kill or
			// after, reaches the receiver.
			ids := propertyIDs(t, pick(0), key)
			if len(ids) < total {
				t.Fatalf("%d properties in the database, %d created", len(ids), total)
			}
			deadline := time.Now().Add(60 * time.Second)
			for len(ty.missing(ids)) > 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if m := ty.missing(ids); len(m) > 0 {
				t.Fatalf("%d of %d events never delivered: %v", len(m), len(ids), m[:min(len(m), 10)])
			}
			if ty.badIDs.Load() > 0 {
				t.Fatal("one event id was sent for two properties")
			}
			// None stuck: nothing pending or failed once the survivors settle.
			var pending, failed int
			for time.Now().Before(deadline) {
				pending, failed = deliveries(t, pick(0), key, "pending"), deliveries(t, pick(0), key, "failed")
				if pending == 0 {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if pending != 0 || failed != 0 {
				t.Fatalf("%d pending, %d failed deliveries after the burst", pending, failed)
			}
			t.Logf("%s: %d events, %d deliveries received (%d duplicates from the kill)", engine, len(ids), ty.total.Load(), ty.total.Load()-int64(len(ids)))
			for _, n := range nodes {
				n.term(t)
			}
		})
	}
}

func propertyIDs(t *testing.T, n *node, key string) []int64 {
	t.Helper()
	var ids []int64
	for page := 1; ; page++ {
		code, body, err := n.call(key, "GET", fmt.Sprintf("/v1/properties?per_page=100&page=%d", page), nil)
		if err != nil || code != 200 {
			t.Fatalf("list properties: %d %s %v", code, body, err)
		}
		var l struct{ Data []struct{ ID int64 } }
		if err := json.Unmarshal(body, &l); err != nil {
			t.Fatal(err)
		}
		for _, p := range l.Data {
			ids = append(ids, p.ID)
		}
		if len(l.Data) < 100 {
			break
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// deliveries counts the organization's deliveries with status, reading
// the database directly: the delivery log's routes are the HTTP tests'.
func deliveries(t *testing.T, n *node, key, status string) int {
	t.Helper()
	st, err := openStore(context.Background(), dbOf(n))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := porter.NewService(st, "", nil)
	orgs, err := svc.Store.Organizations(context.Background())
	if err != nil || len(orgs) != 1 {
		t.Fatalf("organizations: %v %v", orgs, err)
	}
	l, err := svc.Deliveries(context.Background(), orgs[0].ID, porter.DeliveryFilter{Status: status})
	if err != nil {
		t.Fatal(err)
	}
	return l.Total
}

func dbOf(n *node) string {
	for _, kv := range n.cmd.Env {
		if v, ok := strings.CutPrefix(kv, "PORTER_DB="); ok {
			return v
		}
	}
	return "sqlite:" + filepath.Join(os.TempDir(), "none.db")
}
