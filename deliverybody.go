package porter

import (
	"context"
	"fmt"
)

// DeliveryBody returns the request body every attempt of a delivery sends:
// a test's sample as it was queued, or the event's envelope read back from
// the event log (which is what the engine signs and sends), in the
// webhook's payload_format. It is nil when the event has since been pruned
// by the event retention.
func (s *Service) DeliveryBody(ctx context.Context, orgID, id int64) ([]byte, error) {
	return view(ctx, s, orgID, func(tx Tx) ([]byte, error) {
		d, err := tx.Delivery(ctx, id)
		if err != nil {
			return nil, err
		}
		body, err := deliveryEnvelope(ctx, tx, d)
		if err != nil || body == nil {
			return nil, err
		}
		w, err := tx.Webhook(ctx, d.WebhookID)
		if err != nil || w.PayloadFormat == "" || w.PayloadFormat == PayloadPorter {
			return body, nil // the webhook's own deletion takes its deliveries with it
		}
		org, err := tx.Organization(ctx)
		if err != nil {
			return nil, fmt.Errorf("delivery %d body: %w", id, err)
		}
		return FormatBody(w.PayloadFormat, org.ID, org.PublicID, body)
	})
}

func deliveryEnvelope(ctx context.Context, tx Tx, d *Delivery) ([]byte, error) {
	if d.Test {
		return tx.DeliveryPayload(ctx, d.ID)
	}
	seq, ok := ParseEventID(d.EventID)
	if !ok {
		return nil, nil
	}
	e, err := tx.Event(ctx, seq)
	if err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return nil, nil
		}
		return nil, fmt.Errorf("delivery %d body: %w", d.ID, err)
	}
	return EventBody(e, d.Event) // a sync delivery (seed 001) reshapes its event
}
