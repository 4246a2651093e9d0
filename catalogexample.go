package porter

import (
	"encoding/json"
	"time"
)

// ExamplePayload is what a receiver of event e gets, as indented JSON: seed
// 000's envelope around sample values of the event's key fields, the same
// samples a test delivery sends when the organization has no such event yet.
// The event catalog page shows it.
func ExamplePayload(e EventType, at time.Time) (string, error) {
	data := map[string]any{}
	for _, f := range e.Fields {
		data[f] = sampleValue(f, at)
	}
	b, err := json.MarshalIndent(struct {
		Event   string         `json:"event"`
		ID      string         `json:"id"`
		FiredAt Time           `json:"fired_at"`
		Data    map[string]any `json:"data"`
	}{e.Name, "evt_0123456789abcdef", NewTime(at), data}, "", "  ")
	if err != nil {
		return "", err
	}
	return string(b), nil
}
