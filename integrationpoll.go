package porter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"
)

// The scheduled REST poll (issue 11): an integration with sync_mode
// scheduled is polled at its poll_url every sync_interval_seconds. Each
// page answers records in the shapes the receiver takes, and each record
// goes through the receiver's apply path and log. Every HTTP call Porter
// makes for it is itself a log row (entity _poll, or _token for an OAuth
// token), so a failing endpoint is an error in the log like any other,
// turning the integration to error until a later call succeeds.

// Poll bounds.
const (
	// PollFetchTimeout bounds one HTTP call of a poll (the guarded
	// client's own bound, porter serve's, is the same).
	PollFetchTimeout = ICalFetchTimeout
	// MaxPollPages is how many pages one poll follows; a longer cycle
	// resumes at its next_cursor at the next scheduler pass.
	MaxPollPages = 20
	// pollBudget bounds a whole poll, well inside its lease.
	pollBudget = 10 * time.Minute
	pollLease  = 15 * time.Minute
	// maxPollBackoff caps the wait after failed polls.
	maxPollBackoff = 24 * time.Hour
	// PollEntity and TokenEntity name the log rows of Porter's own calls.
	PollEntity  = "_poll"
	TokenEntity = "_token"
	// maxCallRaw is what a call's row keeps of an error answer.
	maxCallRaw = 1 << 10
)

// IntegrationPollState is where an integration's poll stands.
type IntegrationPollState struct {
	IntegrationID int64
	NextPollAt    time.Time
	LeaseUntil    *time.Time
	// Watermark is what the last complete cycle ended at, sent as since=.
	Watermark string
	// Cursor is the page a cycle cut short (page bound, failure) resumes
	// at; empty between cycles.
	Cursor         string
	CycleStartedAt *time.Time
	Failures       int // consecutive failed polls, for the backoff
	LastPollAt     *time.Time
}

// IntegrationPollTx stores the poll's state.
type IntegrationPollTx interface {
	// DueIntegrationPolls lists the enabled scheduled integrations whose
	// poll is due at now and not held by a node.
	DueIntegrationPolls(ctx context.Context, now time.Time) ([]int64, error)
	// ClaimIntegrationPoll leases an integration's poll until until if no
	// node holds it and it is due by dueBy; ok is false otherwise.
	ClaimIntegrationPoll(ctx context.Context, id int64, now, until, dueBy time.Time) (st *IntegrationPollState, ok bool, err error)
	// FinishIntegrationPoll stores st and releases the lease.
	FinishIntegrationPoll(ctx context.Context, st *IntegrationPollState) error
	IntegrationPoll(ctx context.Context, id int64) (*IntegrationPollState, error)
}

// IntegrationPollResult is what one poll did.
type IntegrationPollResult struct {
	IntegrationID int64        `json:"integration_id"`
	Pages         int          `json:"pages" doc:"Pages fetched from poll_url"`
	Received      int          `json:"received" doc:"Records on those pages"`
	Succeeded     int          `json:"succeeded"`
	Mapped        int          `json:"mapped"`
	Failed        int          `json:"failed" doc:"Records logged as error (their mapping gaps)"`
	Complete      bool         `json:"complete" doc:"The cycle reached its last page (no next_cursor): the watermark moved"`
	OK            bool         `json:"ok" doc:"Every call answered 2xx with records Porter could read"`
	Error         string       `json:"error,omitempty" doc:"Why the poll stopped: the endpoint's answer, a timeout, a body that is not records"`
	HTTPStatus    int          `json:"http_status,omitempty" doc:"The last call's HTTP status"`
	DurationMS    int64        `json:"duration_ms" doc:"Time spent in calls"`
	Watermark     string       `json:"watermark" doc:"Sent as since= by the next cycle"`
	Cursor        string       `json:"cursor" doc:"The next_cursor the next poll resumes at; empty when the cycle is complete"`
	NextPollAt    *time.Time   `json:"next_poll_at"`
	Integration   *Integration `json:"integration"`
}

// SyncIntegration polls an integration now (POST /v1/integrations/{id}/sync),
// whatever its schedule, and answers what the poll did. A poll already
// running, on this node or another, is a conflict.
func (s *Service) SyncIntegration(ctx context.Context, orgID, id int64) (*IntegrationPollResult, error) {
	it, err := s.Integration(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	if it.PollURL == "" {
		return nil, Errorf(ECONFLICT, "integration %d has no poll_url: set sync_mode scheduled, sync_interval_seconds and poll_url with PATCH /v1/integrations/%d", id, id)
	}
	if !it.Enabled {
		return nil, Errorf(ECONFLICT, "integration %d is disabled: enable it with PATCH /v1/integrations/%d {\"enabled\": true}", id, id)
	}
	st, ok, err := s.claimPoll(ctx, orgID, id, time.Time{})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, Errorf(ECONFLICT, "integration %d is being polled right now; its result will be in GET /v1/integrations/%d/log", id, id)
	}
	return s.poll(ctx, orgID, it, st)
}

// claimPoll leases id's poll; a zero dueBy claims it whenever it is due.
func (s *Service) claimPoll(ctx context.Context, orgID, id int64, dueBy time.Time) (*IntegrationPollState, bool, error) {
	var st *IntegrationPollState
	var ok bool
	err := s.Store.Update(ctx, orgID, func(tx Tx) error {
		now := s.now()
		if dueBy.IsZero() {
			dueBy = now.AddDate(100, 0, 0)
		}
		var err error
		st, ok, err = tx.ClaimIntegrationPoll(ctx, id, now, now.Add(pollLease), dueBy)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("claim integration poll: %w", err)
	}
	return st, ok, nil
}

// PollDueIntegrations polls, in every organization, each scheduled
// integration whose poll is due, claiming each so that one node polls it.
// A failed poll is logged on the integration and retried with backoff.
func (s *Service) PollDueIntegrations(ctx context.Context) (polled, failed int, err error) {
	orgs, err := s.Store.Organizations(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("poll integrations: %w", err)
	}
	var errs []error
	for _, org := range orgs {
		var due []int64
		if err := s.Store.View(ctx, org.ID, func(tx Tx) error {
			due, err = tx.DueIntegrationPolls(ctx, s.now())
			return err
		}); err != nil {
			errs = append(errs, fmt.Errorf("organization %d: %w", org.ID, err))
			continue
		}
		for _, id := range due {
			if ctx.Err() != nil {
				return polled, failed, ctx.Err()
			}
			st, ok, err := s.claimPoll(ctx, org.ID, id, s.now())
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if !ok {
				continue // another node holds it, or polled it since
			}
			it, err := s.Integration(ctx, org.ID, id)
			if err == nil && (!it.Enabled || it.SyncMode != SyncScheduled || it.PollURL == "") {
				// Edited since it was listed: let the claim go unused.
				err = s.Store.Update(ctx, org.ID, func(tx Tx) error { return tx.FinishIntegrationPoll(ctx, st) })
				if err == nil {
					continue
				}
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			res, err := s.poll(ctx, org.ID, it, st)
			switch {
			case err != nil:
				errs = append(errs, fmt.Errorf("integration %d: %w", id, err))
				failed++
			case !res.OK:
				failed++
			default:
				polled++
			}
		}
	}
	return polled, failed, errors.Join(errs...)
}

// RunIntegrationPoller polls the due integrations every interval until
// ctx ends. Every node runs it; each integration's poll is claimed.
func (s *Service) RunIntegrationPoller(ctx context.Context, every time.Duration, logger *slog.Logger) {
	if logger == nil {
		logger = s.Logger
	}
	runEvery(ctx, every, func() {
		// A poll is the other side's data meeting Porter's code: whatever
		// goes wrong is logged and the next pass runs; a held claim lapses
		// with its lease.
		defer func() {
			if r := recover(); r != nil {
				logger.Error("integration poller pass panicked", "panic", r, "stack", string(debug.Stack()))
			}
		}()
		if n, f, err := s.PollDueIntegrations(ctx); err != nil && ctx.Err() == nil {
			logger.Error("integration poller pass failed", "err", err)
		} else if n+f > 0 {
			logger.Info("polled integrations", "ok", n, "failed", f)
		}
	})
}

// poll runs one claimed poll: it follows pages from the state's cursor
// (or, starting a cycle, since its watermark) up to MaxPollPages, applies
// their records, stores where it stopped and releases the claim.
func (s *Service) poll(ctx context.Context, orgID int64, it *Integration, st *IntegrationPollState) (*IntegrationPollResult, error) {
	pctx, cancel := context.WithTimeout(ctx, pollBudget)
	defer cancel()
	start := s.now()
	res := &IntegrationPollResult{IntegrationID: it.ID, OK: true}
	cycleStart := st.CycleStartedAt
	if st.Cursor == "" || cycleStart == nil {
		cycleStart = &start
	}
	cursor, watermark, lastErr := st.Cursor, "", ""
	auth, authErr := s.pollAuth(it)
	if authErr != nil {
		call := s.logCall(ctx, orgID, it, PollEntity, "GET "+it.PollURL, callResult{err: authErr.Error()}, nil)
		res.OK, res.Error = false, call.err
	}
	for range MaxPollPages {
		if authErr != nil {
			break
		}
		page, call, fetched := s.pollPage(pctx, orgID, it, auth, st.Watermark, cursor)
		if fetched {
			res.Pages++
		}
		res.HTTPStatus, res.DurationMS = call.status, res.DurationMS+call.ms
		if call.err != "" {
			res.OK, res.Error = false, call.err
			break
		}
		if len(page.records) > 0 {
			rc, le := s.applyIntegrationBatch(ctx, orgID, it, page.records)
			res.Received += rc.Received
			res.Succeeded, res.Mapped, res.Failed = res.Succeeded+rc.Succeeded, res.Mapped+rc.Mapped, res.Failed+rc.Failed
			if le != "" {
				lastErr = le
			}
		}
		cursor = page.next
		if page.next == "" {
			res.Complete, watermark = true, page.watermark
			break
		}
	}
	now := s.now()
	next := *st
	next.LastPollAt, next.LeaseUntil = &now, nil
	interval := time.Duration(max(it.SyncIntervalSeconds, minSyncIntervalSeconds)) * time.Second
	switch {
	case !res.OK:
		next.Failures++
		next.Cursor, next.CycleStartedAt = cursor, cycleStart
		next.NextPollAt = now.Add(pollBackoff(interval, next.Failures))
		lastErr = res.Error
	case res.Complete:
		if watermark == "" {
			watermark = cycleStart.UTC().Format(time.RFC3339)
		}
		next.Failures, next.Watermark, next.Cursor, next.CycleStartedAt = 0, watermark, "", nil
		next.NextPollAt = now.Add(interval)
	default: // cut at the page bound: resume at once
		next.Failures, next.Cursor, next.CycleStartedAt = 0, cursor, cycleStart
		next.NextPollAt = now
	}
	// The claim is released whatever happens to the caller's context.
	fctx := context.WithoutCancel(ctx)
	if err := s.Store.Update(fctx, orgID, func(tx Tx) error { return tx.FinishIntegrationPoll(fctx, &next) }); err != nil {
		return nil, fmt.Errorf("finish integration poll: %w", err)
	}
	res.Watermark, res.Cursor, res.NextPollAt = next.Watermark, next.Cursor, &next.NextPollAt
	updated, err := s.refreshIntegration(fctx, orgID, it.ID, lastErr, res.OK || res.Succeeded+res.Mapped > 0)
	if err != nil {
		return nil, err
	}
	if res.OK && res.Complete && updated.FirstSyncCompletedAt == nil {
		if updated, err = s.completeFirstSync(fctx, orgID, it.ID); err != nil {
			return nil, err
		}
	}
	res.Integration = updated
	return res, nil
}

// pollBackoff is the wait after failures consecutive failed polls: the
// interval, doubled with each further failure, at most a day (or the
// interval, when that is longer).
func pollBackoff(interval time.Duration, failures int) time.Duration {
	d := interval << min(max(failures-1, 0), 10)
	return min(d, max(maxPollBackoff, interval))
}

// completeFirstSync records that the integration's first poll cycle
// fetched every page: seed 001's DATA_NEW gate reads it.
func (s *Service) completeFirstSync(ctx context.Context, orgID, id int64) (*Integration, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Integration, error) {
		it, err := tx.Integration(ctx, id)
		if err != nil || it.FirstSyncCompletedAt != nil {
			return it, err
		}
		before := *it
		it.FirstSyncCompletedAt = &now
		if err := tx.UpdateIntegration(ctx, it); err != nil {
			return nil, fmt.Errorf("complete first sync: %w", err)
		}
		audited(tx, "integration", it.ID, &before, it)
		return it, nil
	})
}
