package porter

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Per-model sync events (issue 11, seed 001): a webhook may subscribe to
// "<model>.DATA_NEW" and "<model>.DATA_UPDATE" (leases.DATA_UPDATE) next
// to named events. They are not events of their own: fan-out derives them
// from the named events the catalog lists as their sources (a lease's
// lease.created is leases.DATA_NEW), delivered with the same event id and
// reshaped as syncData. Deriving them writes nothing more to the outbox,
// so the events, the audit log and every existing subscription stay as
// they were, and a replay of either delivery reads the one event.

// Seed 001's two kinds of per-model event.
const (
	SyncDataNew    = "DATA_NEW"
	SyncDataUpdate = "DATA_UPDATE"
)

// syncFrom maps a named event to the sync event it feeds: lease.created →
// leases.DATA_NEW. Built from the catalog's From lists.
var syncFrom = map[string]string{}

func init() {
	for _, e := range Catalog {
		for _, src := range e.From {
			if _, ok := catalogIndex[src]; !ok {
				panic(fmt.Sprintf("catalog: %s derives from %s, which is not in the catalog", e.Name, src))
			}
			if prev, dup := syncFrom[src]; dup {
				panic(fmt.Sprintf("catalog: %s feeds both %s and %s", src, prev, e.Name))
			}
			syncFrom[src] = e.Name
		}
	}
}

// IsSyncEvent reports whether name is a per-model sync event.
func IsSyncEvent(name string) bool {
	_, kind, ok := strings.Cut(name, ".")
	return ok && (kind == SyncDataNew || kind == SyncDataUpdate)
}

// syncTarget is the per-model sync event e is also delivered as, or "":
// none feeds on it, or it is DATA_NEW and e's record was imported during
// its integration's first full sync, when DATA_NEW stays silent.
func syncTarget(e *Event) string {
	name := syncFrom[e.Type]
	if e.FirstSync && strings.HasSuffix(name, "."+SyncDataNew) {
		return ""
	}
	return name
}

// syncData is a sync event's data, as seed 001 describes it: which model
// and record, the record itself (so a receiver need not fetch it), the
// integration it came from, and for updates which fields changed (their
// old values are in previous_attributes, as on every update event).
type syncData struct {
	EventType     string          `json:"event_type"` // DATA_NEW | DATA_UPDATE
	Model         string          `json:"model"`
	RecordID      int64           `json:"record_id"`
	IntegrationID *int64          `json:"integration_id"` // null: not imported
	Record        json.RawMessage `json:"record"`
	ChangedFields *[]string       `json:"changed_fields,omitempty"` // DATA_UPDATE only
	SourceEvent   string          `json:"source_event"`             // the named event it derives from
}

// EventBody is the body of a delivery of e sent as deliveryType: e's own
// envelope, or for a per-model sync event e reshaped, with the same id.
func EventBody(e *Event, deliveryType string) ([]byte, error) {
	if deliveryType == "" || deliveryType == e.Type {
		return json.Marshal(e)
	}
	if syncFrom[e.Type] != deliveryType {
		return nil, fmt.Errorf("event %s (%s) is not delivered as %s", e.ID(), e.Type, deliveryType)
	}
	return json.Marshal(syncEvent(e, deliveryType))
}

// syncEvent is e as the sync event name: the same seq (so the same id)
// and time, the data reshaped.
func syncEvent(e *Event, name string) *Event {
	model, kind, _ := strings.Cut(name, ".")
	d := syncData{EventType: kind, Model: model, RecordID: e.ResourceID, IntegrationID: e.IntegrationID,
		Record: syncRecord(e.ResourceType, e.Data), SourceEvent: e.Type}
	if kind == SyncDataUpdate {
		changed := []string{}
		var prev map[string]json.RawMessage
		if json.Unmarshal(e.PreviousAttributes, &prev) == nil {
			for k := range prev {
				changed = append(changed, k)
			}
		}
		sort.Strings(changed)
		d.ChangedFields = &changed
	}
	data, err := json.Marshal(d)
	if err != nil {
		data = e.Data // RawMessage fields are valid JSON read from the outbox; never happens
	}
	out := *e
	out.Type, out.Data = name, data
	return &out
}

// syncRecord is the record an event is about: its data, or the object
// under the resource's name when that is all data holds (a defect event's
// {"defect": {…}}).
func syncRecord(resourceType string, data json.RawMessage) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) == nil && len(m) == 1 {
		if v, ok := m[resourceType]; ok && len(v) > 0 && v[0] == '{' {
			return v
		}
	}
	return data
}

// eventSource is what an integration's import tells record about the
// events it records: the integration, and whether its first full sync is
// still running. It travels in the context because every apply path
// (assets, defects, work orders, properties…) records through the same
// Service helpers, which must not each learn about integrations.
type eventSource struct {
	IntegrationID int64
	FirstSync     bool
}

type eventSourceKey struct{}

func withEventSource(ctx context.Context, src eventSource) context.Context {
	return context.WithValue(ctx, eventSourceKey{}, src)
}

// sourceEvent marks e with the integration recording it, if any.
func sourceEvent(ctx context.Context, e *Event) {
	if src, ok := ctx.Value(eventSourceKey{}).(eventSource); ok {
		id := src.IntegrationID
		e.IntegrationID, e.FirstSync = &id, src.FirstSync
	}
}

// sampleSyncEvent is a test delivery's sample of a sync event: the
// organization's latest event it derives from, reshaped.
func sampleSyncEvent(ctx context.Context, tx Tx, et EventType, now time.Time) (*Event, error) {
	l, err := tx.Events(ctx, EventFilter{ListParams: ListParams{Page: 1, PerPage: 1}, Types: et.From})
	if err != nil {
		return nil, fmt.Errorf("sample event: %w", err)
	}
	src := &Event{}
	if len(l.Items) > 0 {
		src = l.Items[0]
	} else if src, err = sampleEvent(ctx, tx, et.From[0], now); err != nil {
		return nil, err
	}
	e := syncEvent(src, et.Name)
	e.FiredAt = now
	return e, nil
}
