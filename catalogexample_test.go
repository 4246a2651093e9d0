package porter_test

import (
	"encoding/json"
	"testing"
	"time"

	"porter"
)

// Every catalog event has an example that is valid JSON, names the event
// and carries each key field.
func TestExamplePayload(t *testing.T) {
	at := time.Date(2026, 5, 9, 14, 30, 0, 0, time.UTC)
	for _, e := range porter.Catalog {
		text, err := porter.ExamplePayload(e, at)
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		var got struct {
			Event   string         `json:"event"`
			FiredAt string         `json:"fired_at"`
			Data    map[string]any `json:"data"`
		}
		if err := json.Unmarshal([]byte(text), &got); err != nil {
			t.Fatalf("%s: %v\n%s", e.Name, err, text)
		}
		if got.Event != e.Name || got.FiredAt != "2026-05-09T14:30:00Z" {
			t.Fatalf("%s: event %q fired_at %q", e.Name, got.Event, got.FiredAt)
		}
		for _, f := range e.Fields {
			if _, ok := got.Data[f]; !ok {
				t.Fatalf("%s: data lacks %s", e.Name, f)
			}
		}
	}
}
