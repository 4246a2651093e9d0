package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"porter"
	"porter/webhook"
)

type forwarded struct {
	header http.Header
	body   []byte
}

// waitOut polls buf until re matches, and returns the match.
func waitOut(t *testing.T, buf *syncBuffer, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(buf.String()); m != nil {
			return m
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %s in: %s", re, buf.String())
	return nil
}

// `porter listen` forwards each event signed as a delivery is, to a local
// URL, and resumes after the server comes back without losing any.
func TestListenForwardsSignedEventsAndResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts porter processes")
	}
	for engine, db := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			env := map[string]string{"PORTER_DB": db, "PORTER_DATA_DIR": t.TempDir(), "PORTER_ADDR": addr, "PORTER_RATE_LIMIT": "100000/m"}
			key := orgKey(t, env, "listen")
			n := startNode(t, env, "node1")

			got := make(chan forwarded, 100)
			recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				got <- forwarded{r.Header.Clone(), b}
			}))
			defer recv.Close()

			ctx, cancel := context.WithCancel(context.Background())
			var out syncBuffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"listen", "--api-key", key, "--url", n.base, "--events", "property.*", "--forward-to", recv.URL},
					func(string) string { return "" }, &out, &out)
			}()
			secret := waitOut(t, &out, regexp.MustCompile(`signing secret is (whsec_\S+)`))[1]
			waitOut(t, &out, regexp.MustCompile(`Connected`))

			// porter trigger fires one; a property created fires another;
			// a tenant is outside --events.
			if o, e, code := runPorter(t, nil, "trigger", "property.created", "--api-key", key, "--url", n.base); code != 0 || !strings.HasPrefix(o, "Triggered property.created [evt_") {
				t.Fatalf("trigger: %d %s %s", code, o, e)
			}
			n.call(key, "POST", "/v1/tenants", map[string]any{"email": "a@example.com", "first_name": "A", "last_name": "B"})
			if code, body, err := n.call(key, "POST", "/v1/properties", map[string]any{"name": "Maple"}); code != 201 {
				t.Fatalf("property: %d %s %v", code, body, err)
			}
			lib, err := standardwebhooks.NewWebhook(secret)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for i := range 2 {
				var f forwarded
				select {
				case f = <-got:
				case <-time.After(30 * time.Second):
					t.Fatalf("event %d not forwarded: %s", i, out.String())
				}
				// The official Standard Webhooks library verifies it, and
				// seed 000's X-PM-Signature is the HMAC of the body.
				if err := lib.Verify(f.body, f.header); err != nil {
					t.Fatalf("Standard Webhooks verify: %v", err)
				}
				if f.header.Get("X-PM-Signature") != webhook.SignPM(secret, f.body) {
					t.Fatal("X-PM-Signature does not verify")
				}
				var env struct{ Event, ID string }
				json.Unmarshal(f.body, &env)
				if env.Event != "property.created" || f.header.Get("X-PM-Event") != env.Event || f.header.Get("webhook-id") != env.ID {
					t.Fatalf("forwarded %s %s with %v", env.Event, env.ID, f.header)
				}
				ids = append(ids, env.ID)
			}
			waitOut(t, &out, regexp.MustCompile(`<-- \[200\] POST `+regexp.QuoteMeta(recv.URL)+` \[`+ids[1]+`\]`))

			// The server goes away; events commit meanwhile; a new server
			// on the same address: listen resumes with what it missed.
			code, body, _ := n.call(key, "GET", "/v1/organization", nil)
			var org struct{ Data struct{ ID int64 } }
			if json.Unmarshal(body, &org); code != 200 || org.Data.ID == 0 {
				t.Fatalf("organization: %d %s", code, body)
			}
			n.kill()
			waitOut(t, &out, regexp.MustCompile(`stream interrupted`))
			st, err := openStore(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			svc := porter.NewService(st, "", nil)
			for i := range 3 {
				name := fmt.Sprint("Missed ", i)
				if _, err := svc.CreateProperty(context.Background(), org.Data.ID, porter.PropertyInput{Name: &name}); err != nil {
					t.Fatal(err)
				}
			}
			st.Close()
			startNode(t, env, "node2")
			for i := range 3 {
				select {
				case f := <-got:
					if !strings.Contains(string(f.body), fmt.Sprint("Missed ", i)) {
						t.Fatalf("resumed %d: %s", i, f.body)
					}
				case <-time.After(60 * time.Second):
					t.Fatalf("missed event %d never forwarded: %s", i, out.String())
				}
			}
			select {
			case f := <-got:
				t.Fatalf("forwarded twice or out of filter: %s", f.body)
			case <-time.After(300 * time.Millisecond):
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("listen on Ctrl-C: %v", err)
			}
		})
	}
}

func TestListenRefusesBadCommandLines(t *testing.T) {
	for _, args := range [][]string{
		{"listen"},
		{"listen", "--api-key", "k", "--url", "ftp://x"},
		{"listen", "--api-key", "k", "--forward-to", "localhost:3000"},
		{"listen", "--api-key", "k", "extra"},
		{"trigger", "--api-key", "k"},
		{"trigger", "payment.succeeded"},
	} {
		if _, errs, code := runPorter(t, nil, args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
}
