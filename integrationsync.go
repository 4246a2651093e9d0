package porter

import (
	"context"
	"fmt"
	"time"
)

// An integration's first full sync (seed 001): until it completes, the
// records the integration imports stay silent to DATA_NEW subscriptions,
// so that connecting a system with years of records does not flood them.
// Pushed integrations say when their first sync is done with
// POST /v1/integrations/{id}/first_sync/complete; the scheduled poll sets
// it after its first full run.

// First-sync states.
const (
	FirstSyncPending   = "pending"   // no record applied yet
	FirstSyncRunning   = "running"   // records applied, not completed
	FirstSyncCompleted = "completed" // DATA_NEW fires for new records
)

// IntegrationFirstSync is the first sync's progress as an integration's
// read shows it.
type IntegrationFirstSync struct {
	State       string     `json:"state" doc:"pending (no record yet), running, or completed (DATA_NEW subscriptions hear its new records from then on)"`
	Records     int        `json:"records" doc:"Records applied during the first sync"`
	CompletedAt *time.Time `json:"completed_at"`
}

// RefreshFirstSync sets FirstSync from the stored columns; the stores call
// it on every integration they read.
func (in *Integration) RefreshFirstSync() {
	fs := IntegrationFirstSync{State: FirstSyncPending, Records: in.FirstSyncRecords, CompletedAt: in.FirstSyncCompletedAt}
	switch {
	case in.FirstSyncCompletedAt != nil:
		fs.State = FirstSyncCompleted
	case in.FirstSyncRecords > 0:
		fs.State = FirstSyncRunning
	}
	in.FirstSync = fs
}

// CompleteIntegrationFirstSync marks an integration's first full sync as
// finished: records it imports from now on reach DATA_NEW subscriptions.
// Records whose transactions committed before it stay first-sync ones.
// Completing again changes nothing.
func (s *Service) CompleteIntegrationFirstSync(ctx context.Context, orgID, id int64) (*Integration, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Integration, error) {
		it, err := tx.Integration(ctx, id)
		if err != nil {
			return nil, err
		}
		if it.FirstSyncCompletedAt != nil {
			return it, nil
		}
		before := *it
		it.FirstSyncCompletedAt, it.UpdatedAt = &now, now
		it.RefreshFirstSync()
		if err := tx.UpdateIntegration(ctx, it); err != nil {
			return nil, fmt.Errorf("complete first sync: %w", err)
		}
		return it, record(ctx, tx, now, "integration.updated", "integration", it.ID, it, &before)
	})
}
