package porter

import (
	"context"
	"log/slog"
	"time"
)

// IntegrationLogEntry is one record an integration received (or one call
// its receiver rejected) and what became of it.
type IntegrationLogEntry struct {
	ID            int64           `json:"id"`
	IntegrationID int64           `json:"integration_id"`
	ReceivedAt    time.Time       `json:"received_at"`
	Entity        string          `json:"entity"`
	SourceID      string          `json:"source_id" doc:"The source system's record id"`
	Target        *IntegrationRef `json:"target" doc:"The Porter record it became (type, id); null when none"`
	Status        string          `json:"status" doc:"success, mapped (auto_create off: nothing written), error or rejected (bad signature, stale timestamp, disabled)"`
	Error         string          `json:"error" doc:"What went wrong, naming the mapping gap, e.g. asset category 'Construction HVAC unit' has no mapping"`
	Raw           string          `json:"raw" doc:"The record as received, up to 64 KiB (rejected calls: the first 1 KiB of the body)"`
	Replayable    bool            `json:"replayable" doc:"false when raw was cut at 64 KiB: Retry Failed skips it"`
	Attempts      int             `json:"attempts" doc:"1, plus one per Retry Failed that replayed it"`
	// SupersededBy is a later row of the same source record: the latest
	// copy counts, so this error is no longer open nor replayed.
	SupersededBy *int64 `json:"superseded_by"`
	// HTTPStatus and DurationMS describe a call Porter made for the
	// integration (entity _poll or _token); null on records.
	HTTPStatus *int      `json:"http_status" doc:"A call Porter made (entity _poll or _token): what the other side answered; null when it did not answer, and on records"`
	DurationMS *int64    `json:"duration_ms" doc:"A call Porter made: how long it took"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Integration log statuses.
const (
	LogSuccess  = "success"
	LogMapped   = "mapped"
	LogError    = "error"
	LogRejected = "rejected"
)

// IntegrationLogStatuses lists every log status.
var IntegrationLogStatuses = []string{LogSuccess, LogMapped, LogError, LogRejected}

// Bounds on what the log keeps.
const (
	// MaxIntegrationRaw is the most of a record the log keeps; a larger
	// record is kept cut, marked not replayable.
	MaxIntegrationRaw = 64 << 10
	// maxRejectedRaw is what is kept of a rejected call: enough to
	// recognise it, not a place for strangers to store data.
	maxRejectedRaw = 1 << 10
	// DefaultIntegrationLogRetention is how long log rows are kept
	// (PORTER_INTEGRATION_LOG_RETENTION).
	DefaultIntegrationLogRetention = 30 * 24 * time.Hour
	integrationLogPruneBatch       = 1000
)

// IntegrationLogFilter narrows an integration's log.
type IntegrationLogFilter struct {
	ListParams
	IntegrationID int64
	Status        string
	Entity        string
	SourceID      string
	From          *time.Time // received at or after
	To            *time.Time // received before
}

// IntegrationLog lists an integration's log, newest first.
func (s *Service) IntegrationLog(ctx context.Context, orgID int64, f IntegrationLogFilter) (List[*IntegrationLogEntry], error) {
	f.Normalize()
	var v Validation
	if f.Status != "" {
		v.OneOf("status", f.Status, IntegrationLogStatuses...)
	}
	if f.From != nil && f.To != nil && !f.To.After(*f.From) {
		v.Add("to", "must be after from")
	}
	if err := v.Err(); err != nil {
		return List[*IntegrationLogEntry]{}, err
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*IntegrationLogEntry], error) {
		if _, err := tx.Integration(ctx, f.IntegrationID); err != nil {
			return List[*IntegrationLogEntry]{}, err
		}
		return tx.IntegrationLog(ctx, f)
	})
}

// IntegrationKey names an integration in any organization.
type IntegrationKey struct{ OrgID, ID int64 }

// PruneIntegrationLog deletes log rows received more than retention ago,
// in batches, and returns how many it deleted. An error row pruned while
// still open leaves its integration's count: the integration's open
// errors and status are counted again from what is left, so one whose
// last open error aged out turns back from error (integration.updated).
func (s *Service) PruneIntegrationLog(ctx context.Context, retention time.Duration) (int, error) {
	before := s.Now().Add(-retention)
	total := 0
	recount := map[IntegrationKey]bool{}
	defer func() {
		for ref := range recount {
			if _, err := s.refreshIntegration(context.WithoutCancel(ctx), ref.OrgID, ref.ID, "", false); err != nil && ErrorCode(err) != ENOTFOUND {
				s.Logger.Warn("recount integration errors after pruning its log", "integration", ref.ID, "err", err)
			}
		}
	}()
	for {
		n, reopened, err := s.Store.PruneIntegrationLog(ctx, before, integrationLogPruneBatch)
		total += n
		for _, ref := range reopened {
			recount[ref] = true
		}
		if err != nil || n < integrationLogPruneBatch {
			return total, err
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// RunIntegrationLogPruner prunes the integration log every interval until
// ctx ends. A retention of 0 or less keeps it forever. Deleting by age is
// idempotent, so every node may run it.
func (s *Service) RunIntegrationLogPruner(ctx context.Context, retention, interval time.Duration, logger *slog.Logger) {
	if retention <= 0 {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if n, err := s.PruneIntegrationLog(ctx, retention); err != nil && ctx.Err() == nil {
			logger.Warn("prune integration log", "err", err)
		} else if n > 0 {
			logger.Info("pruned integration log past retention", "deleted", n, "retention", retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
