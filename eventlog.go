package porter

import "context"

// Events lists the outbox newest first.
func (s *Service) Events(ctx context.Context, orgID int64, f EventFilter) (List[*Event], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Event], error) { return tx.Events(ctx, f) })
}

// Event returns one event by its sequence number.
func (s *Service) Event(ctx context.Context, orgID, seq int64) (*Event, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Event, error) { return tx.Event(ctx, seq) })
}

// ResourceEvents lists the newest events about one record (at most
// MaxPerPage), for its page in the console.
func (s *Service) ResourceEvents(ctx context.Context, orgID int64, resourceType string, id int64) ([]*Event, error) {
	return view(ctx, s, orgID, func(tx Tx) ([]*Event, error) { return tx.ResourceEvents(ctx, resourceType, id, MaxPerPage) })
}
