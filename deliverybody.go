package porter

import (
	"context"
	"encoding/json"
	"fmt"
)

// DeliveryBody returns the request body every attempt of a delivery sends:
// a test's sample as it was queued, or the event's envelope read back from
// the event log (which is what the engine signs and sends). It is nil when
// the event has since been pruned by the event retention.
func (s *Service) DeliveryBody(ctx context.Context, orgID, id int64) ([]byte, error) {
	return view(ctx, s, orgID, func(tx Tx) ([]byte, error) {
		d, err := tx.Delivery(ctx, id)
		if err != nil {
			return nil, err
		}
		if d.Test {
			return tx.DeliveryPayload(ctx, id)
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
			return nil, fmt.Errorf("delivery %d body: %w", id, err)
		}
		return json.Marshal(e)
	})
}
