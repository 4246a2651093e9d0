package porter

import "context"

// Events lists the outbox newest first.
func (s *Service) Events(ctx context.Context, orgID int64, f EventFilter) (List[*Event], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Event], error) { return tx.Events(ctx, f) })
}
