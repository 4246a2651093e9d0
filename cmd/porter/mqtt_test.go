package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"porter/mqtt/mqtttest"
)

// porter serve holds MQTT subscriptions: an iot integration registered
// through the API with a loopback broker (allowed by
// PORTER_ALLOW_PRIVATE_WEBHOOKS=1) is subscribed to without a restart, a
// message published to mosquitto lands in the integration log, and
// SIGTERM-style shutdown disconnects cleanly.
func TestServeHoldsMQTTSubscriptions(t *testing.T) {
	for engine, db := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			broker := mqtttest.Start(t)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			env := map[string]string{"PORTER_DB": db, "PORTER_ADDR": addr, "PORTER_DATA_DIR": t.TempDir(),
				"PORTER_ALLOW_PRIVATE_WEBHOOKS": "1", "PORTER_DELIVER": "false", "PORTER_NODE": "mqtt-node"}
			if _, errs, code := runPorter(t, env, "migrate"); code != 0 {
				t.Fatal(errs)
			}
			out, errs, code := runPorter(t, env, "org", "create", "--name", "Acme")
			if code != 0 {
				t.Fatal(errs)
			}
			out, errs, code = runPorter(t, env, "key", "create", "--org", lastLine(out), "--name", "bms")
			if code != 0 {
				t.Fatal(errs)
			}
			key := lastLine(out)
			ctx, cancel := context.WithCancel(context.Background())
			var sout, serr syncBuffer
			done := make(chan error, 1)
			go func() { done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, &sout, &serr) }()
			stopped := false
			stop := func() {
				if stopped {
					return
				}
				stopped = true
				cancel()
				select {
				case <-done:
				case <-time.After(30 * time.Second):
					t.Error("serve did not stop")
				}
			}
			defer stop()
			call := func(method, path string, body any) (int, string) {
				t.Helper()
				b, _ := json.Marshal(body)
				deadline := time.Now().Add(20 * time.Second)
				for {
					req, _ := http.NewRequest(method, "http://"+addr+path, bytes.NewReader(b))
					req.Header.Set("Authorization", "Bearer "+key)
					req.Header.Set("Content-Type", "application/json")
					res, err := http.DefaultClient.Do(req)
					if err == nil {
						rb, _ := io.ReadAll(res.Body)
						res.Body.Close()
						return res.StatusCode, string(rb)
					}
					if time.Now().After(deadline) {
						t.Fatalf("serve never answered: %v\n%s", err, serr.String())
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			code, body := call("POST", "/v1/integrations", map[string]any{"name": "Tower BMS", "type": "iot",
				"mapping": map[string]any{"entities": map[string]any{"alarm": map[string]any{"target": "alarm"}}},
				"mqtt":    map[string]any{"broker_url": broker.URL, "topics": []any{map[string]any{"filter": "bms/+/alarm", "entity": "alarm"}}}})
			if code != 201 {
				t.Fatalf("create: %d %s", code, body)
			}
			var created struct{ Data struct{ ID int64 } }
			json.Unmarshal([]byte(body), &created)
			deadline := time.Now().Add(20 * time.Second)
			for !strings.Contains(serr.String(), `msg="mqtt: subscribed"`) {
				if time.Now().After(deadline) {
					t.Fatalf("serve did not subscribe:\n%s", serr.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			// No such asset: the record's error, in the log.
			broker.Publish(t, "bms/boiler-2/alarm", `{"kind": "leak", "asset_id": 999}`)
			logPath := fmt.Sprintf("/v1/integrations/%d/log", created.Data.ID)
			for {
				_, body = call("GET", logPath, nil)
				if strings.Contains(body, "asset 999 is not an asset of this organization") {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no log row: %s\n%s", body, serr.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			stop()
			if log := serr.String(); !strings.Contains(log, "node=mqtt-node") || !strings.Contains(log, `msg="porter stopped"`) {
				t.Fatalf("serve log:\n%s", log)
			}
		})
	}
}
