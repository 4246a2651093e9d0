package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"porter"
	"porter/postgres/internal/db"
)

// The scheduled REST poll's state, one row per polled integration.

func (t *tx) DueIntegrationPolls(ctx context.Context, now time.Time) ([]int64, error) {
	ids, err := t.q.DueIntegrationPolls(ctx, db.DueIntegrationPollsParams{OrgID: t.orgID, Now: now})
	if err != nil {
		return nil, fmt.Errorf("due integration polls: %w", err)
	}
	return ids, nil
}

// ClaimIntegrationPoll upserts the lease: of two nodes claiming at once,
// the second waits on the row and then finds it leased.
func (t *tx) ClaimIntegrationPoll(ctx context.Context, id int64, now, until, dueBy time.Time) (*porter.IntegrationPollState, bool, error) {
	r, err := t.q.ClaimIntegrationPoll(ctx, db.ClaimIntegrationPollParams{OrgID: t.orgID, IntegrationID: id, Now: now, Until: &until, DueBy: dueBy})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, conflict(fmt.Errorf("claim integration poll: %w", err))
	}
	return pollState(r), true, nil
}

func (t *tx) FinishIntegrationPoll(ctx context.Context, st *porter.IntegrationPollState) error {
	n, err := t.q.FinishIntegrationPoll(ctx, db.FinishIntegrationPollParams{OrgID: t.orgID, IntegrationID: st.IntegrationID,
		NextPollAt: st.NextPollAt, Watermark: st.Watermark, ResumeCursor: st.Cursor, CycleStartedAt: st.CycleStartedAt,
		Failures: int32(st.Failures), LastPollAt: st.LastPollAt})
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
	return &porter.IntegrationPollState{IntegrationID: r.IntegrationID, NextPollAt: r.NextPollAt, LeaseUntil: r.LeaseUntil,
		Watermark: r.Watermark, Cursor: r.ResumeCursor, CycleStartedAt: r.CycleStartedAt, Failures: int(r.Failures),
		LastPollAt: r.LastPollAt}
}
