package porter_test

import (
	"testing"

	"porter"
)

// The README's example of each payload format, byte for byte.
func TestFormatBody(t *testing.T) {
	const env = `{"event":"work_order.completed","id":"evt_1776019523_42","fired_at":"2026-04-12T18:45:23Z","data":{"id":42,"title":"Leaking faucet","status":"completed"}}`
	const update = `{"event":"work_order.updated","id":"evt_1776019523_43","fired_at":"2026-04-12T18:45:23Z","data":{"id":42},"previous_attributes":{"status":"open"},"test":true}`
	tests := []struct{ format, in, want string }{
		{porter.PayloadPorter, env, env},
		{porter.PayloadStandard, env, `{"type":"work_order.completed","timestamp":"2026-04-12T18:45:23Z","data":{"id":42,"title":"Leaking faucet","status":"completed"}}`},
		{porter.PayloadArkanPM, env, `{"event":"work_order.completed","event_id":"evt_1776019523_42","timestamp":"2026-04-12T18:45:23Z","tenant_id":"org_5f0c2a9e41b7d3c86e1f4a2011223344","data":{"work_order":{"id":42,"title":"Leaking faucet","status":"completed"}}}`},
		{porter.PayloadConcierge, env, `{"id":"evt_1776019523_42","event":"work_order.completed","created_at":"2026-04-12T18:45:23+00:00","agency_id":7,"data":{"work_order":{"id":42,"title":"Leaking faucet","status":"completed"}}}`},
		// Data that holds the resource under its name already is not nested twice.
		{porter.PayloadConcierge, `{"event":"booking.created","id":"evt_1776019523_44","fired_at":"2026-04-12T18:45:23Z","data":{"booking":{"id":5,"reference":"BKG-ABC123"}}}`,
			`{"id":"evt_1776019523_44","event":"booking.created","created_at":"2026-04-12T18:45:23+00:00","agency_id":7,"data":{"booking":{"id":5,"reference":"BKG-ABC123"}}}`},
		{porter.PayloadArkanPM, `{"event":"work_order.completed","id":"evt_1776019523_45","fired_at":"2026-04-12T18:45:23Z","data":{"id":42,"work_order":{"id":42,"number":"WO-2026-00042"}}}`,
			`{"event":"work_order.completed","event_id":"evt_1776019523_45","timestamp":"2026-04-12T18:45:23Z","tenant_id":"org_5f0c2a9e41b7d3c86e1f4a2011223344","data":{"id":42,"work_order":{"id":42,"number":"WO-2026-00042"}}}`},
		// Updates keep previous_attributes and tests "test": true, in every format.
		{porter.PayloadStandard, update, `{"type":"work_order.updated","timestamp":"2026-04-12T18:45:23Z","data":{"id":42},"previous_attributes":{"status":"open"},"test":true}`},
		{porter.PayloadConcierge, update, `{"id":"evt_1776019523_43","event":"work_order.updated","created_at":"2026-04-12T18:45:23+00:00","agency_id":7,"data":{"work_order":{"id":42}},"previous_attributes":{"status":"open"},"test":true}`},
	}
	for _, tt := range tests {
		got, err := porter.FormatBody(tt.format, 7, "org_5f0c2a9e41b7d3c86e1f4a2011223344", []byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", tt.format, got, err, tt.want)
		}
	}
	if _, err := porter.FormatBody("xml", 7, "", []byte(env)); err == nil {
		t.Error("an unknown format was accepted")
	}
}

// BenchmarkFormatBody: reshaping one body as it is sent.
func BenchmarkFormatBody(b *testing.B) {
	body := []byte(`{"event":"property.created","id":"evt_1764950000_1","fired_at":"2026-12-05T16:00:00Z","data":{"id":1,"name":"P1","address":"","city":"","country":"","created_at":"2026-12-05T16:00:00Z","updated_at":"2026-12-05T16:00:00Z"}}`)
	for _, f := range porter.PayloadFormats {
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				if _, err := porter.FormatBody(f, 7, "org_5f0c2a9e41b7d3c86e1f4a2011223344", body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
