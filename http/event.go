package http

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"porter"
)

// eventView documents an event's JSON: seed 000's envelope.
type eventView struct {
	Event              string         `json:"event"`
	ID                 string         `json:"id"`
	FiredAt            porter.Time    `json:"fired_at"`
	Data               map[string]any `json:"data"`
	PreviousAttributes map[string]any `json:"previous_attributes,omitempty"`
}

// eventTypes resolves a type filter (a name, an alias or family.*) to
// canonical names.
func eventTypes(q *query) []string {
	t := q.v.Get("type")
	if t == "" {
		return nil
	}
	names, ok := porter.ExpandEventPattern(t)
	if !ok {
		q.err.Add("type", "is not a known event; see GET /api/triggers.php")
	}
	return names
}

// handleListEvents lists the outbox. A key sees only the events whose
// catalog scope it holds, as trigger polling and webhooks do: events:read
// alone does not open payments to a key without payments:read.
func (s *Server) handleListEvents() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		key := keyFrom(r)
		// Asking for one event the key may not see is 403 naming the scope.
		if names, ok := porter.ExpandEventPattern(r.URL.Query().Get("type")); ok && len(names) == 1 {
			if e, _ := porter.LookupEvent(names[0]); !key.Allows(e.Scope) {
				return &porter.Error{Code: porter.EFORBIDDEN, Message: "this API key lacks the " + e.Scope + " scope"}
			}
		}
		return listOf(s, func(q *query) porter.EventFilter {
			f := porter.EventFilter{ListParams: q.list(), Types: eventTypes(q), Since: q.time("since")}
			// Events never change: updated_since is when they fired.
			if u := f.UpdatedSince; u != nil && (f.Since == nil || u.After(*f.Since)) {
				f.Since = u
			}
			requested := f.Types
			if requested == nil {
				requested = porter.EventNames()
			}
			allowed := make([]string, 0, len(requested))
			for _, name := range requested {
				if e, ok := porter.LookupEvent(name); ok && key.Allows(e.Scope) {
					allowed = append(allowed, name)
				}
			}
			switch {
			case len(allowed) == 0:
				f.Types = []string{"none"} // no event has this type
			case len(allowed) < len(requested) || f.Types != nil:
				f.Types = allowed
			}
			return f
		}, s.svc.Events)(w, r)
	}
}

func (s *Server) handleGetEvent() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("id")
		seq, ok := porter.ParseEventID(id)
		if !ok {
			return porter.Errorf(porter.ENOTFOUND, "event %q not found", id)
		}
		e, err := s.svc.Event(r.Context(), orgID(r), seq)
		if err != nil {
			return err
		}
		if e.ID() != id {
			return porter.Errorf(porter.ENOTFOUND, "event %q not found", id)
		}
		if c, ok := porter.LookupEvent(e.Type); ok && !keyFrom(r).Allows(c.Scope) {
			return &porter.Error{Code: porter.EFORBIDDEN, Message: "this API key lacks the " + c.Scope + " scope"}
		}
		return encode(w, r, data{e})
	}
}

// handleTriggerEvent fires an event for `porter trigger`. The key must be
// able to see the event it fires.
func (s *Server) handleTriggerEvent() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[porter.TriggerInput](s, w, r)
		if err != nil {
			return err
		}
		if e, ok := porter.LookupEvent(in.Event); ok && !keyFrom(r).Allows(e.Scope) {
			return &porter.Error{Code: porter.EFORBIDDEN, Message: "this API key lacks the " + e.Scope + " scope"}
		}
		e, err := s.svc.TriggerEvent(answering(r, data1[*porter.Event]), orgID(r), in)
		if err != nil {
			return err
		}
		return encode(w, r, data{e})
	}
}

// trigger is one entry of GET /api/triggers.php.
type trigger struct {
	Event       string   `json:"event"`
	Description string   `json:"description"`
	Fields      []string `json:"fields"`
	Scope       string   `json:"scope"`
	Aliases     []string `json:"aliases,omitempty"`
	Pollable    bool     `json:"pollable"`
}

func (s *Server) handleTriggers() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		out := make([]trigger, len(porter.Catalog))
		for i, e := range porter.Catalog {
			out[i] = trigger{e.Name, e.Description, e.Fields, e.Scope, e.Aliases, e.Pollable}
		}
		return encode(w, r, map[string]any{"triggers": out, "count": len(out)})
	}
}

var pollParams = []queryParam{
	{Name: "event", Type: "string", Description: "The event to poll: tenant.created, payment.succeeded, work_order.created or work_order.completed (or an alias)"},
	{Name: "since", Type: "date-time", Description: "Only events fired at or after this time (default: the last 24 hours)"},
}

// pollResponse is GET /api/trigger_poll.php's body.
type pollResponse struct {
	Event   string           `json:"event"`
	Since   string           `json:"since"`
	Count   int              `json:"count"`
	Results []map[string]any `json:"results"`
}

// pollLimit caps one poll; Zapier polls every few minutes.
const pollLimit = 100

func (s *Server) handleTriggerPoll() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := newQuery(r)
		name := q.v.Get("event")
		e, ok := porter.LookupEvent(name)
		if name == "" {
			return fieldError("event", "is required")
		}
		if !ok || !e.Pollable {
			var pollable []string
			for _, c := range porter.Catalog {
				if c.Pollable {
					pollable = append(pollable, c.Name)
				}
			}
			return fieldError("event", "must be one of "+strings.Join(pollable, ", "))
		}
		if k := keyFrom(r); !k.Allows(e.Scope) {
			return &porter.Error{Code: porter.EFORBIDDEN, Message: "this API key lacks the " + e.Scope + " scope"}
		}
		since := q.time("since")
		if err := q.Err(); err != nil {
			return err
		}
		sinceText := q.v.Get("since")
		if since == nil {
			t := s.now().UTC().Add(-24 * time.Hour).Truncate(time.Second)
			since, sinceText = &t, t.Format(porter.TimeLayout)
		}
		l, err := s.svc.Events(r.Context(), orgID(r), porter.EventFilter{ListParams: porter.ListParams{PerPage: pollLimit}, Types: []string{e.Name}, Since: since})
		if err != nil {
			return err
		}
		results := make([]map[string]any, 0, len(l.Items))
		for _, ev := range l.Items {
			// Numbers stay as written (1800.00, not 1800).
			var m map[string]any
			dec := json.NewDecoder(bytes.NewReader(ev.Data))
			dec.UseNumber()
			if err := dec.Decode(&m); err != nil {
				return err
			}
			// Zapier deduplicates on "id": the resource's id, stable across polls.
			m["event_id"] = ev.ID()
			m["fired_at"] = porter.NewTime(ev.FiredAt)
			results = append(results, m)
		}
		return encode(w, r, pollResponse{Event: name, Since: sinceText, Count: len(results), Results: results})
	}
}
