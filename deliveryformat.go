package porter

import (
	"encoding/json"
	"fmt"
	"strings"
)

// A delivery's body is built once, in Porter's own envelope (seed 000's
// event, id, fired_at, data); a webhook with another payload_format gets
// it reshaped as it is sent. The event id is the same in every format, so
// a receiver deduplicates on it whichever it reads.

// envelope is Porter's body as Event.MarshalJSON and test samples write it.
type envelope struct {
	Event              string          `json:"event"`
	ID                 string          `json:"id"`
	FiredAt            string          `json:"fired_at"`
	Data               json.RawMessage `json:"data"`
	PreviousAttributes json.RawMessage `json:"previous_attributes,omitempty"`
	Test               bool            `json:"test,omitempty"`
}

// standardBody is Standard Webhooks' payload: the id is webhook-id.
type standardBody struct {
	Type               string          `json:"type"`
	Timestamp          string          `json:"timestamp"`
	Data               json.RawMessage `json:"data"`
	PreviousAttributes json.RawMessage `json:"previous_attributes,omitempty"`
	Test               bool            `json:"test,omitempty"`
}

// arkanPMBody is seed 002's envelope; data holds the resource under its
// name, as seed 002's {"work_order": {…}}.
type arkanPMBody struct {
	Event              string                     `json:"event"`
	EventID            string                     `json:"event_id"`
	Timestamp          string                     `json:"timestamp"`
	TenantID           string                     `json:"tenant_id"`
	Data               map[string]json.RawMessage `json:"data"`
	PreviousAttributes json.RawMessage            `json:"previous_attributes,omitempty"`
	Test               bool                       `json:"test,omitempty"`
}

// conciergeBody is seed 003's envelope; data holds the resource under its
// name, as seed 003's {"booking": {…}}, and created_at has +00:00.
type conciergeBody struct {
	ID                 string                     `json:"id"`
	Event              string                     `json:"event"`
	CreatedAt          string                     `json:"created_at"`
	AgencyID           int64                      `json:"agency_id"`
	Data               map[string]json.RawMessage `json:"data"`
	PreviousAttributes json.RawMessage            `json:"previous_attributes,omitempty"`
	Test               bool                       `json:"test,omitempty"`
}

// FormatBody reshapes a body in Porter's envelope into format, for the
// organization orgID (concierge's agency_id) whose public id is publicID
// (arkanpm's tenant_id). Porter's own format is returned as it is.
func FormatBody(format string, orgID int64, publicID string, body []byte) ([]byte, error) {
	if format == "" || format == PayloadPorter {
		return body, nil
	}
	var e envelope
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, fmt.Errorf("payload format %s: %w", format, err)
	}
	noun, _, _ := strings.Cut(e.Event, ".")
	switch format {
	case PayloadStandard:
		return json.Marshal(standardBody{e.Event, e.FiredAt, e.Data, e.PreviousAttributes, e.Test})
	case PayloadArkanPM:
		return json.Marshal(arkanPMBody{e.Event, e.ID, e.FiredAt, publicID, underNoun(noun, e.Data), e.PreviousAttributes, e.Test})
	case PayloadConcierge:
		created := e.FiredAt
		if t, ok := strings.CutSuffix(created, "Z"); ok {
			created = t + "+00:00"
		}
		return json.Marshal(conciergeBody{e.ID, e.Event, created, orgID, underNoun(noun, e.Data), e.PreviousAttributes, e.Test})
	}
	return nil, fmt.Errorf("unknown payload format %q", format)
}

// underNoun is data with the resource under its name, as seeds 002 and 003
// show it. Data that already holds it there (a booking event's
// {"booking": {…}}, a work order event's seed 002 "work_order" object) is
// kept as it is, not nested twice, and so is a per-model sync event's
// (seed 001), which names its model and holds its record itself.
func underNoun(noun string, data json.RawMessage) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) == nil {
		if v, ok := m[noun]; ok && len(v) > 0 && v[0] == '{' {
			return m
		}
		if _, ok := m["record"]; ok && IsSyncEvent(noun+"."+strings.Trim(string(m["event_type"]), `"`)) {
			return m
		}
	}
	return map[string]json.RawMessage{noun: data}
}

// Body is what an attempt to s sends for a body in Porter's envelope. A
// body that cannot be reshaped (it never happens to what Porter wrote) is
// sent as it is rather than not at all.
func (s *Subscription) Body(body []byte) []byte {
	out, err := FormatBody(s.PayloadFormat, s.OrgID, s.OrgPublicID, body)
	if err != nil {
		return body
	}
	return out
}
