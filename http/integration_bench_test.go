package http_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"porter"
)

// BenchmarkIntegrationReadings: 100,000 meter readings of 10 meters, sent
// by a BMS integration as signed NDJSON calls of 1,000 records (the
// receiver's per-call maximum) to POST /hooks/{token} of the real server,
// on each engine. Reports readings/s. Run with -benchtime 1x.
func BenchmarkIntegrationReadings(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			env := newBenchEnv(b, engine)
			ctx := b.Context()
			box, err := porter.NewSecretBox(bytes.Repeat([]byte{7}, 32))
			if err != nil {
				b.Fatal(err)
			}
			env.svc.Secrets, env.svc.BaseURL = box, env.url
			const meters, total, batch = 10, 100_000, porter.MaxIntegrationRecords
			for m := range meters {
				if _, err := env.svc.CreateMeter(ctx, env.org, porter.MeterInput{PropertyID: &env.property, Name: ptr(fmt.Sprint("M", m)),
					Kind: ptr("electricity"), UnitOfMeasure: ptr("kWh"), ExternalRef: ptr(fmt.Sprint("em-", m))}); err != nil {
					b.Fatal(err)
				}
			}
			it, err := env.svc.CreateIntegration(ctx, env.org, porter.IntegrationInput{Name: ptr("BMS"), Type: ptr("bms"),
				Mapping: &porter.IntegrationMapping{Entities: map[string]*porter.IntegrationEntityMapping{
					"reading": {Target: "meter_reading", Fields: map[string]string{"meter": "device", "value": "kwh", "read_at": "at"}}}}})
			if err != nil {
				b.Fatal(err)
			}
			key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(it.Secret, "whsec_"))
			start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			bodies := make([][]byte, total/batch)
			for i := range total {
				bodies[i/batch] = fmt.Appendf(bodies[i/batch], `{"entity":"reading","id":"r-%d","data":{"device":"em-%d","kwh":%d.5,"at":%q}}`+"\n",
					i, i%meters, i, start.Add(time.Duration(i/meters)*time.Minute).Format(time.RFC3339))
			}
			send := func(n int, body []byte) {
				stamp := strconv.FormatInt(time.Now().Unix(), 10)
				id := fmt.Sprint("msg_", n)
				m := hmac.New(sha256.New, key)
				m.Write([]byte(id + "." + stamp + "."))
				m.Write(body)
				req, err := http.NewRequestWithContext(ctx, "POST", it.ReceiverURL, bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/x-ndjson")
				req.Header.Set("webhook-id", id)
				req.Header.Set("webhook-timestamp", stamp)
				req.Header.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
				resp, err := env.client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !bytes.Contains(out, []byte(fmt.Sprintf(`"succeeded":%d`, batch))) {
					b.Fatalf("call %d: %d %.300s", n, resp.StatusCode, out)
				}
			}
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				for i, body := range bodies {
					send(i, body)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "readings/s")
			l, err := env.svc.Meters(ctx, env.org, porter.MeterFilter{})
			if err != nil || l.Total != meters {
				b.Fatalf("meters: %v", err)
			}
			rs, err := env.svc.MeterReadings(ctx, env.org, porter.ReadingFilter{MeterID: l.Items[0].ID})
			if err != nil || rs.Total != total/meters {
				b.Fatalf("meter %d holds %d readings, want %d: %v", l.Items[0].ID, rs.Total, total/meters, err)
			}
		})
	}
}
