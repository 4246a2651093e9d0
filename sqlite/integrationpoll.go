package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"porter"
	"porter/sqlite/internal/db"
)

// The scheduled REST poll's state, one row per polled integration.

func (t *tx) DueIntegrationPolls(ctx context.Context, now time.Time) ([]int64, error) {
	ids, err := t.q.DueIntegrationPolls(ctx, db.DueIntegrationPollsParams{OrgID: t.orgID, Now: ts(now)})
	if err != nil {
		return nil, fmt.Errorf("due integration polls: %w", err)
	}
	return ids, nil
}

// qClaimIntegrationPoll is hand-written: sqlc cannot read the WHERE of an
// upsert in SQLite. A claim that returns no row leaves the poll alone.
const qClaimIntegrationPoll = `INSERT INTO integration_polls (org_id, integration_id, next_poll_at, lease_until)
VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (org_id, integration_id) DO UPDATE SET lease_until = excluded.lease_until
WHERE (integration_polls.lease_until IS NULL OR integration_polls.lease_until < ?3)
  AND integration_polls.next_poll_at <= ?5
RETURNING org_id, integration_id, next_poll_at, lease_until, watermark, resume_cursor, cycle_started_at, failures, last_poll_at`

func (t *tx) ClaimIntegrationPoll(ctx context.Context, id int64, now, until, dueBy time.Time) (*porter.IntegrationPollState, bool, error) {
	var r db.IntegrationPoll
	err := t.sql.QueryRowContext(ctx, qClaimIntegrationPoll, t.orgID, id, ts(now), ts(until), ts(dueBy)).Scan(&r.OrgID, &r.IntegrationID,
		&r.NextPollAt, &r.LeaseUntil, &r.Watermark, &r.ResumeCursor, &r.CycleStartedAt, &r.Failures, &r.LastPollAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, fmt.Errorf("claim integration poll: %w", err)
	}
	return pollState(r), true, nil
}

func (t *tx) FinishIntegrationPoll(ctx context.Context, st *porter.IntegrationPollState) error {
	n, err := t.q.FinishIntegrationPoll(ctx, db.FinishIntegrationPollParams{OrgID: t.orgID, IntegrationID: st.IntegrationID,
		NextPollAt: ts(st.NextPollAt), Watermark: st.Watermark, ResumeCursor: st.Cursor, CycleStartedAt: nts(st.CycleStartedAt),
		Failures: int64(st.Failures), LastPollAt: nts(st.LastPollAt)})
	return affected(n, err, "integration poll", st.IntegrationID)
}

func (t *tx) IntegrationPoll(ctx context.Context, id int64) (*porter.IntegrationPollState, error) {
	r, err := t.q.GetIntegrationPoll(ctx, db.GetIntegrationPollParams{OrgID: t.orgID, IntegrationID: id})
	if err != nil {
		return nil, notFound(err, "integration poll", id)
	}
	return pollState(r), nil
}

func pollState(r db.IntegrationPoll) *porter.IntegrationPollState {
	return &porter.IntegrationPollState{IntegrationID: r.IntegrationID, NextPollAt: pts(r.NextPollAt), LeaseUntil: pnts(r.LeaseUntil),
		Watermark: r.Watermark, Cursor: r.ResumeCursor, CycleStartedAt: pnts(r.CycleStartedAt), Failures: int(r.Failures),
		LastPollAt: pnts(r.LastPollAt)}
}
