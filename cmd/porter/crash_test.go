package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"porter/postgres"
	"porter/sqlite"
	"porter/storetest"
)

// A node started with PORTER_TEST_NODE_HOST says it runs on that host, so
// that one machine can play several: its pid means nothing to the others,
// which must find it dead by its silent heartbeat.
func init() {
	if h := os.Getenv("PORTER_TEST_NODE_HOST"); h != "" {
		nodeHost = h
	}
}

// slowReceiver takes 100 ms over every delivery, as a receiver with real
// work does, and notes when each property's event was first acknowledged
// to its sender: an attempt whose sender died before the answer does not
// count, as the sender never learns of it.
type slowReceiver struct {
	*httptest.Server
	mu      sync.Mutex
	arrived map[int64]time.Time
	tokens  map[string]int64 // X-PM-Delivery id of each attempt begun -> property id
}

func newSlowReceiver(t *testing.T) *slowReceiver {
	rc := &slowReceiver{arrived: map[int64]time.Time{}, tokens: map[string]int64{}}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read to the end, so that the server watches the connection and
		// cancels the request when the sender dies.
		body, err := io.ReadAll(r.Body)
		var env struct{ Data struct{ ID int64 } }
		if err == nil {
			err = json.Unmarshal(body, &env)
		}
		if err != nil {
			http.Error(w, fmt.Sprint(err), http.StatusBadRequest)
			return
		}
		rc.mu.Lock()
		rc.tokens[r.Header.Get("X-Pm-Delivery")] = env.Data.ID
		rc.mu.Unlock()
		select {
		case <-time.After(100 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		rc.mu.Lock()
		if _, ok := rc.arrived[env.Data.ID]; !ok {
			rc.arrived[env.Data.ID] = time.Now()
		}
		rc.mu.Unlock()
	}))
	t.Cleanup(rc.Close)
	return rc
}

// takenOver counts, among attempts leased to a node killed at killed,
// those whose event was first acknowledged after the kill: sent by
// another node, as the dead one could not have been answered.
func (rc *slowReceiver) takenOver(tokens []string, killed time.Time) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for _, tok := range tokens {
		id, begun := rc.tokens[tok]
		if !begun {
			n++ // never sent: its event is not acknowledged yet, or was by another node
			continue
		}
		if at, ok := rc.arrived[id]; ok && at.After(killed) {
			n++
		}
	}
	return n
}

// waitAll waits until every one of ids has arrived, for at most limit
// after since, and fails naming those that have not.
func (rc *slowReceiver) waitAll(t *testing.T, ids []int64, since time.Time, limit time.Duration, after string) {
	t.Helper()
	for len(rc.missing(ids)) > 0 && time.Since(since) < limit {
		time.Sleep(20 * time.Millisecond)
	}
	if m := rc.missing(ids); len(m) > 0 {
		t.Fatalf("%d of %d acknowledged events not delivered %v after %s: %v", len(m), len(ids), limit, after, m[:min(len(m), 10)])
	}
}

// missing lists the ids not yet arrived.
func (rc *slowReceiver) missing(ids []int64) []int64 {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []int64
	for _, id := range ids {
		if _, ok := rc.arrived[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// last is when the last of ids arrived.
func (rc *slowReceiver) last(ids []int64) time.Time {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var l time.Time
	for _, id := range ids {
		if at := rc.arrived[id]; at.After(l) {
			l = at
		}
	}
	return l
}

// crashSetup migrates db, makes an organization and a key, and returns
// the environment of its nodes: default names (host-pid) and the default
// lease, which a lapse would make 50 s.
func crashSetup(t *testing.T, db string) (map[string]string, string) {
	t.Helper()
	env := map[string]string{"PORTER_DB": db, "PORTER_DATA_DIR": t.TempDir(), "PORTER_ALLOW_PRIVATE_WEBHOOKS": "1",
		"PORTER_RATE_LIMIT": "100000/m", "PORTER_NODE": ""}
	return env, orgKey(t, env, "crash")
}

// orgKey migrates env's database, makes an organization, and returns a
// key of it named name that no rate limit slows.
func orgKey(t *testing.T, env map[string]string, name string) string {
	t.Helper()
	if _, errs, code := runPorter(t, env, "migrate"); code != 0 {
		t.Fatal(errs)
	}
	out, errs, code := runPorter(t, env, "org", "create", "--name", "Acme")
	if code != 0 {
		t.Fatal(errs)
	}
	out, errs, code = runPorter(t, env, "key", "create", "--org", lastLine(out), "--name", name, "--rate-limit", "100000/m")
	if code != 0 {
		t.Fatal(errs)
	}
	return lastLine(out)
}

// queryText reads one text value straight from the database: q is
// written for SQLite and rewritten for PostgreSQL by pg.
func queryText(t *testing.T, db, q string, pg *strings.Replacer, args ...any) string {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var v string
	switch s := st.(type) {
	case *sqlite.DB:
		err = s.SQL().QueryRowContext(ctx, q, args...).Scan(&v)
	case *postgres.DB:
		err = s.Pool().QueryRow(ctx, pg.Replace(q), args...).Scan(&v)
	default:
		t.Fatalf("store %T", st)
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// leased returns the attempt ids of the deliveries leased (an attempt in
// flight or about to be) to owner, or to anyone when owner is empty.
func leased(t *testing.T, db, owner string) []string {
	t.Helper()
	list := queryText(t, db, `SELECT coalesce(group_concat(lease_token), '') FROM webhook_deliveries
WHERE status = 'pending' AND lease_token <> '' AND (lease_owner = $1 OR $1 = '')`,
		strings.NewReplacer("group_concat(lease_token)", "string_agg(lease_token, ',')"), owner)
	if list == "" {
		return nil
	}
	return strings.Split(list, ",")
}

// nodeRows names the rows of the nodes table.
func nodeRows(t *testing.T, db string) string {
	t.Helper()
	return queryText(t, db, `SELECT coalesce(group_concat(name), '') FROM nodes`, strings.NewReplacer("group_concat(name)", "string_agg(name, ',')"))
}

// writeProperties creates n properties through nd, four at a time, and
// returns the ids of those acknowledged.
func writeProperties(t *testing.T, nd *node, key string, n int) []int64 {
	t.Helper()
	var mu sync.Mutex
	var ids []int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 4 {
				code, body, err := nd.call(key, "POST", "/v1/properties", map[string]any{"name": fmt.Sprint("P", i)})
				if err != nil || code != http.StatusCreated {
					t.Errorf("property %d: %d %s %v", i, code, body, err)
					return
				}
				var p struct{ Data struct{ ID int64 } }
				if err := json.Unmarshal(body, &p); err != nil || p.Data.ID == 0 {
					t.Errorf("property %d: %s %v", i, body, err)
					return
				}
				mu.Lock()
				ids = append(ids, p.Data.ID)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return ids
}

// TestCrashRestartTakesOverAtOnce: 200 events to a receiver that takes
// 100 ms, kill -9 right after the last acknowledged write, an immediate
// restart on the same host: every acknowledged event arrives within 10 s
// of the restart, not when the dead node's leases lapse (50 s).
func TestCrashRestartTakesOverAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts porter processes")
	}
	for engine, db := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			env, key := crashSetup(t, db)
			first := startNode(t, env, "first")
			rc := newSlowReceiver(t)
			code, body, err := first.call(key, "POST", "/v1/webhooks", map[string]any{"url": rc.URL, "events": []string{"property.created"}})
			if err != nil || code != http.StatusCreated {
				t.Fatalf("create webhook: %d %s %v", code, body, err)
			}
			ids := writeProperties(t, first, key, 200)
			first.kill()
			killed := time.Now()
			left := len(rc.missing(ids))
			held := leased(t, db, "")
			restart := time.Now()
			second := startNode(t, env, "second")
			up := time.Since(restart)
			rc.waitAll(t, ids, restart, 20*time.Second, "the restart")
			took := rc.last(ids).Sub(restart)
			over := rc.takenOver(held, killed)
			t.Logf("%s: %d of %d events undelivered at the kill, %d leased to the killed node (%d of them taken over); restarted (listening) in %v; the last arrived %v after the restart",
				engine, left, len(ids), len(held), over, up.Round(time.Millisecond), took.Round(time.Millisecond))
			if over == 0 {
				t.Error("nothing the killed node held had to be taken over: the test proves nothing")
			}
			second.term(t)
			// The killed node's row went as it was taken over; the second's on SIGTERM.
			if rows := nodeRows(t, db); rows != "" {
				t.Errorf("nodes left after a clean stop: %s", rows)
			}
			if took > 10*time.Second {
				t.Errorf("the last acknowledged event arrived %v after the restart; want within 10 s", took)
			}
		})
	}
}

// TestCrashOtherHostTakesOver: two nodes on one PostgreSQL database, the
// one killed with -9 "on another host" (its pid means nothing to the
// survivor) and never restarted: the survivor finds it dead by its silent
// heartbeat and delivers everything within 15 s of the kill. The victim
// sends two attempts at a time, so that a backlog builds and it dies
// with attempts in flight.
func TestCrashOtherHostTakesOver(t *testing.T) {
	if testing.Short() {
		t.Skip("starts porter processes")
	}
	db := storetest.PostgresURL(t)
	env, key := crashSetup(t, db)
	victimEnv := map[string]string{}
	for k, v := range env {
		victimEnv[k] = v
	}
	victimEnv["PORTER_TEST_NODE_HOST"], victimEnv["PORTER_NODE"], victimEnv["PORTER_WEBHOOK_PER_ENDPOINT"] = "another-host", "victim", "2"
	victim := startNode(t, victimEnv, "victim")
	rc := newSlowReceiver(t)
	code, body, err := victim.call(key, "POST", "/v1/webhooks", map[string]any{"url": rc.URL, "events": []string{"property.created"}})
	if err != nil || code != http.StatusCreated {
		t.Fatalf("create webhook: %d %s %v", code, body, err)
	}
	ids := writeProperties(t, victim, key, 200)
	survivor := startNode(t, env, "survivor")
	victim.kill()
	killed := time.Now()
	left, held := len(rc.missing(ids)), leased(t, db, "victim")
	rc.waitAll(t, ids, killed, 30*time.Second, "the kill")
	took := rc.last(ids).Sub(killed)
	over := rc.takenOver(held, killed)
	t.Logf("%d of %d events undelivered at the kill, %d leased to the victim (%d of them taken over); the last arrived %v after it",
		left, len(ids), len(held), over, took.Round(time.Millisecond))
	if over == 0 {
		t.Error("nothing the victim held had to be taken over: the test proves nothing")
	}
	if took > 15*time.Second {
		t.Errorf("the last acknowledged event arrived %v after the kill; want within 15 s", took)
	}
	survivor.term(t)
}
