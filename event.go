package porter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Event is one row of the transactional outbox: something that happened to
// a resource, committed in the same transaction as the change itself.
type Event struct {
	Seq          int64 // the outbox's own order
	OrgID        int64
	Type         string
	FiredAt      time.Time
	ResourceType string
	ResourceID   int64
	Data         json.RawMessage
	// PreviousAttributes holds, for updates, the old values of the fields
	// that changed; nil otherwise.
	PreviousAttributes json.RawMessage
	// IntegrationID is the integration whose import recorded the event;
	// nil for everything else. FirstSync says that integration's first
	// full sync was still running: seed 001's DATA_NEW stays silent.
	IntegrationID *int64
	FirstSync     bool
}

// ID is the event's public id, stable across every delivery attempt.
// Like seed 000's "evt_1715261400_42", it is the time it fired and a number.
func (e *Event) ID() string { return fmt.Sprintf("evt_%d_%d", e.FiredAt.Unix(), e.Seq) }

// ParseEventID returns the sequence number in an event id.
func ParseEventID(id string) (int64, bool) {
	rest, ok := strings.CutPrefix(id, "evt_")
	if !ok {
		return 0, false
	}
	_, seq, ok := strings.Cut(rest, "_")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(seq, 10, 64)
	return n, err == nil && n > 0
}

// MarshalJSON writes the envelope seed 000 documents, plus
// previous_attributes on updates.
func (e *Event) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Event              string          `json:"event"`
		ID                 string          `json:"id"`
		FiredAt            Time            `json:"fired_at"`
		Data               json.RawMessage `json:"data"`
		PreviousAttributes json.RawMessage `json:"previous_attributes,omitempty"`
	}{e.Type, e.ID(), NewTime(e.FiredAt), e.Data, e.PreviousAttributes})
}

// EventFilter selects events for GET /v1/events and trigger polling.
type EventFilter struct {
	ListParams
	Types []string   // any of these; empty means all
	Since *time.Time // fired at or after
}

// EventTx is the outbox.
type EventTx interface {
	// InsertEvent appends e to the outbox and sets its Seq.
	InsertEvent(ctx context.Context, e *Event) error
	Events(ctx context.Context, f EventFilter) (List[*Event], error)
	Event(ctx context.Context, seq int64) (*Event, error)
	// ResourceEvents lists the newest events about one record.
	ResourceEvents(ctx context.Context, resourceType string, id int64, limit int) ([]*Event, error)
}

// record appends an event about resource to the outbox of tx. For updates,
// before is the resource as it was: the fields whose JSON changed are sent
// with their old values as previous_attributes.
func record(ctx context.Context, tx Tx, now time.Time, typ, resourceType string, id int64, resource, before any) error {
	if _, ok := catalogIndex[typ]; !ok {
		return fmt.Errorf("record %s: not in the event catalog", typ)
	}
	data, err := json.Marshal(resource)
	if err != nil {
		return fmt.Errorf("record %s: %w", typ, err)
	}
	e := &Event{OrgID: tx.OrgID(), Type: typ, FiredAt: now.UTC(), ResourceType: resourceType, ResourceID: id, Data: data}
	if before != nil && !isNil(before) {
		prev, err := previousAttributes(before, data)
		if err != nil {
			return fmt.Errorf("record %s: %w", typ, err)
		}
		e.PreviousAttributes = prev
	}
	sourceEvent(ctx, e)
	if err := tx.InsertEvent(ctx, e); err != nil {
		return fmt.Errorf("record %s: %w", typ, err)
	}
	return nil
}

// unchanged reports whether an edit changed nothing a client can see: a
// PATCH that sets fields to what they were writes nothing and records no
// event.
func unchanged(before, after any) bool {
	a, err := json.Marshal(before)
	if err != nil {
		return false
	}
	b, err := json.Marshal(after)
	return err == nil && bytes.Equal(a, b)
}

func isNil(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// previousAttributes returns the old values of the top-level fields whose
// JSON differs between before and after.
func previousAttributes(before any, after []byte) (json.RawMessage, error) {
	b, err := json.Marshal(before)
	if err != nil {
		return nil, err
	}
	var old, cur map[string]json.RawMessage
	if err := json.Unmarshal(b, &old); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(after, &cur); err != nil {
		return nil, err
	}
	changed := map[string]json.RawMessage{}
	for k, v := range old {
		if k == "updated_at" {
			continue
		}
		if string(cur[k]) != string(v) {
			changed[k] = v
		}
	}
	return json.Marshal(changed)
}
