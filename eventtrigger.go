package porter

import (
	"context"
	"fmt"
	"time"
)

// TriggerInput names the event to fire: a name or an alias.
type TriggerInput struct {
	Event string `json:"event"`
}

// TriggerEvent records an event of the type in.Event for the organization,
// as `porter trigger` asks: its data is that of the organization's latest
// such event, or a sample made from the catalog's key fields. Unlike a
// webhook test it is a real event of the outbox: every webhook subscribed
// to it gets it, with retries, and so do event streams. Its resource is
// "trigger", so receivers can tell it from one a change caused.
func (s *Service) TriggerEvent(ctx context.Context, orgID int64, in TriggerInput) (*Event, error) {
	et, ok := LookupEvent(in.Event)
	if !ok {
		if in.Event == "" {
			return nil, fieldError("event", "is required: an event name such as payment.succeeded")
		}
		return nil, fieldError("event", "%q is not a known event; see GET /api/triggers.php", in.Event)
	}
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Event, error) {
		e, err := sampleEvent(ctx, tx, et.Name, now.UTC())
		if err != nil {
			return nil, fmt.Errorf("trigger %s: %w", et.Name, err)
		}
		e.ResourceType = "trigger"
		if err := tx.InsertEvent(ctx, e); err != nil {
			return nil, fmt.Errorf("trigger %s: %w", et.Name, err)
		}
		audited(tx, "event", e.Seq, nil, map[string]any{"event": et.Name, "id": e.ID()})
		return e, nil
	})
}
