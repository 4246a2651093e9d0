package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// servedPorter is `porter serve` running in-process.
type servedPorter struct {
	base           string
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	done           chan error
	stopped        bool
}

func servePorter(t *testing.T, ctx context.Context, env map[string]string, args ...string) *servedPorter {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	p := &servedPorter{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		p.done <- run(ctx, append([]string{"serve"}, args...), func(k string) string { return env[k] }, p.stdout, p.stderr)
	}()
	t.Cleanup(func() { p.stop(t) })
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(p.stderr.String()); m != nil {
			p.base = "http://" + m[1]
			return p
		}
		select {
		case err := <-p.done:
			t.Fatalf("serve exited: %v\n%s", err, p.stderr.String())
		default:
		}
	}
	t.Fatalf("serve did not start:\n%s", p.stderr.String())
	return nil
}

// stop cancels serve's context (what SIGTERM does in main) and waits.
func (p *servedPorter) stop(t *testing.T) {
	if p.stopped {
		return
	}
	p.stopped = true
	p.cancel()
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(45 * time.Second):
		t.Errorf("serve did not stop")
	}
}

// waitFor polls until the text holds re, and returns the match.
func waitFor(t *testing.T, b *syncBuffer, re *regexp.Regexp) []string {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(b.String()); m != nil {
			return m
		}
	}
	t.Fatalf("no %s in:\n%s", re, b.String())
	return nil
}

func lines(s, substr string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if strings.Contains(l, substr) {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}

func do(t *testing.T, method, url, key, body string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, url, res.StatusCode, b)
	}
	return res.StatusCode
}

// What serve logs: the outbox in one line at start, the drain on stop
// (what was in flight, how long it took), and on a second --demo how to
// make a key.
func TestServeLogs(t *testing.T) {
	for engine, db := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			env := map[string]string{"PORTER_DB": db, "PORTER_ADDR": "127.0.0.1:0", "PORTER_DATA_DIR": t.TempDir(), "PORTER_ALLOW_PRIVATE_WEBHOOKS": "1"}
			entered := make(chan struct{}, 100)
			ctx := context.WithValue(context.Background(), requestStartedKey{}, func() {
				select {
				case entered <- struct{}{}:
				default:
				}
			})
			p := servePorter(t, ctx, env, "--demo")
			key := waitFor(t, p.stdout, regexp.MustCompile(`(?m)^\s*(pm_\w+)$`))[1]

			// The demo's two invitations: one line, no recipients.
			waitFor(t, p.stderr, regexp.MustCompile(`mail: .*pending=2`))
			if mail := lines(p.stderr.String(), "mail:"); len(mail) != 1 || !strings.Contains(mail[0], "PORTER_SMTP_URL") || strings.Contains(mail[0], "to=") {
				t.Fatalf("the outbox at start should be one line, got:\n%s", strings.Join(mail, "\n"))
			}

			// A webhook attempt held by the receiver, and a request whose
			// body is still coming, when the server is told to stop.
			got, release := make(chan struct{}, 1), make(chan struct{})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			receiver := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got <- struct{}{}
				select {
				case <-release:
				case <-r.Context().Done():
				}
			})}
			go receiver.Serve(ln)
			t.Cleanup(func() { receiver.Close() })
			// An event the demo's own records never fired, so that the one
			// attempt held is the work order's.
			do(t, "POST", p.base+"/v1/webhooks", key, `{"url":"http://`+ln.Addr().String()+`/hook","events":["work_order.created"]}`)
			do(t, "POST", p.base+"/api/action_create_work_order.php", key, `{"title":"Tap dripping","description":"Cold tap","property_id":1}`)
			select {
			case <-got:
			case <-time.After(20 * time.Second):
				t.Fatal("the webhook attempt never arrived")
			}
			for len(entered) > 0 {
				<-entered
			}
			body, feed := io.Pipe()
			held := make(chan int, 1)
			go func() {
				req, _ := http.NewRequest("POST", p.base+"/v1/tenants", body)
				req.Header.Set("Authorization", "Bearer "+key)
				req.Header.Set("Content-Type", "application/json")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					held <- 0
					return
				}
				res.Body.Close()
				held <- res.StatusCode
			}()
			go feed.Write([]byte(`{"email":"held@example.com",`))
			select {
			case <-entered:
			case <-time.After(20 * time.Second):
				t.Fatal("the held request was never served")
			}

			p.cancel()
			waitFor(t, p.stderr, regexp.MustCompile(`msg="porter stopping: finishing what is in flight" requests=1 deliveries=1`))
			feed.Write([]byte(`"first_name":"Held","last_name":"Request"}`))
			feed.Close()
			if status := <-held; status != http.StatusCreated {
				t.Errorf("the request in flight at the stop: %d, want 201", status)
			}
			close(release)
			waitFor(t, p.stderr, regexp.MustCompile(`msg="porter stopped" took=\d[\w.]*s requests=1 deliveries=1`))
			p.stop(t)

			// The demo's two invitations and the held request's wait in the
			// outbox. A second --demo adds nothing and says how to make a key, by a
			// command that works.
			p = servePorter(t, context.Background(), env, "--demo")
			cmd := waitFor(t, p.stdout, regexp.MustCompile(`(?m)^\s*\./porter (key create --org 1 --name NAME)$`))[1]
			if !strings.Contains(p.stdout.String(), "already has data") || strings.Contains(p.stdout.String(), "pm_") {
				t.Fatalf("second --demo printed:\n%s", p.stdout.String())
			}
			out, errs, code := runPorter(t, env, strings.Fields(cmd)...)
			if code != 0 {
				t.Fatalf("%s: %d %s", cmd, code, errs)
			}
			do(t, "GET", p.base+"/v1/tenants", lastLine(out), "")
			waitFor(t, p.stderr, regexp.MustCompile(`mail: .*pending=3`))
			if mail := lines(p.stderr.String(), "mail:"); len(mail) != 1 || strings.Contains(mail[0], "to=") {
				t.Fatalf("a restart should log the outbox in one line, got:\n%s", strings.Join(mail, "\n"))
			}
		})
	}
}

// A real SIGTERM to a real process logs the drain too.
func TestSIGTERMLogsTheDrain(t *testing.T) {
	for engine, db := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			n := startNode(t, map[string]string{"PORTER_DB": db, "PORTER_DATA_DIR": t.TempDir()}, "sigterm")
			n.term(t)
			log := n.stderr.String()
			for _, want := range []string{`msg="porter stopping: finishing what is in flight" requests=0 deliveries=0`, `msg="porter stopped" took=`} {
				if !strings.Contains(log, want) {
					t.Errorf("SIGTERM log lacks %s:\n%s", want, log)
				}
			}
		})
	}
}
