package porter

import (
	"encoding/json"
	"strings"
	"time"
)

// ExamplePayload is what a receiver of event e gets, as indented JSON: seed
// 000's envelope around sample values of the event's key fields, the same
// samples a test delivery sends when the organization has no such event yet.
// The event catalog page shows it.
func ExamplePayload(e EventType, at time.Time) (string, error) {
	var data, prev json.RawMessage
	if len(e.From) > 0 {
		// A sync event (seed 001): its first source's sample, reshaped.
		src, _ := LookupEvent(e.From[0])
		noun, _, _ := strings.Cut(src.Name, ".")
		ev := &Event{Type: src.Name, ResourceType: noun, ResourceID: 1, Data: sampleData(src, at)}
		if len(src.Fields) > 1 {
			ev.PreviousAttributes, _ = json.Marshal(map[string]any{src.Fields[1]: sampleValue(src.Fields[1], at)})
		}
		ev = syncEvent(ev, e.Name)
		data = ev.Data
		if strings.HasSuffix(e.Name, "."+SyncDataUpdate) {
			prev = ev.PreviousAttributes
		}
	} else {
		data = sampleData(e, at)
	}
	b, err := json.MarshalIndent(struct {
		Event              string          `json:"event"`
		ID                 string          `json:"id"`
		FiredAt            Time            `json:"fired_at"`
		Data               json.RawMessage `json:"data"`
		PreviousAttributes json.RawMessage `json:"previous_attributes,omitempty"`
	}{e.Name, "evt_0123456789abcdef", NewTime(at), data, prev}, "", "  ")
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// sampleData is sample values of e's key fields.
func sampleData(e EventType, at time.Time) json.RawMessage {
	data := map[string]any{}
	for _, f := range e.Fields {
		data[f] = sampleValue(f, at)
	}
	b, _ := json.Marshal(data) // sample values always marshal
	return b
}
