package postgres

import (
	"context"
	"fmt"
	"sort"
	"time"

	"porter"
	"porter/postgres/internal/db"
)

// ClaimMessages takes due messages in one statement: FOR UPDATE SKIP
// LOCKED lets several nodes claim at once without taking the same messages.
func (d *DB) ClaimMessages(ctx context.Context, channel string, now, holdUntil time.Time, limit int) ([]*porter.Message, error) {
	rows, err := db.New(d.pool).ClaimMessages(ctx, db.ClaimMessagesParams{
		Channel: channel, Now: &now, HoldUntil: &holdUntil, Lim: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("claim messages: %w", err)
	}
	return messages(rows), nil
}

func (d *DB) MarkMessageSent(ctx context.Context, id int64, at time.Time) error {
	if _, err := db.New(d.pool).MarkMessageSent(ctx, db.MarkMessageSentParams{ID: id, SentAt: &at}); err != nil {
		return fmt.Errorf("mark message %d sent: %w", id, err)
	}
	return nil
}

func (d *DB) MarkMessageFailed(ctx context.Context, id int64, errText string, retryAt *time.Time) error {
	status := porter.MessageQueued
	if retryAt == nil {
		status = porter.MessageFailed
	}
	if _, err := db.New(d.pool).MarkMessageFailed(ctx, db.MarkMessageFailedParams{
		ID: id, Status: status, Error: errText, NextAttemptAt: retryAt,
	}); err != nil {
		return fmt.Errorf("mark message %d failed: %w", id, err)
	}
	return nil
}

func (d *DB) QueuedMessages(ctx context.Context, channel string, afterID int64, limit int) ([]*porter.Message, error) {
	rows, err := db.New(d.pool).QueuedMessagesAfter(ctx, db.QueuedMessagesAfterParams{AfterID: afterID, Channel: channel, Lim: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("queued messages: %w", err)
	}
	return messages(rows), nil
}

func messages(rows []db.Message) []*porter.Message {
	out := make([]*porter.Message, len(rows))
	for i, r := range rows {
		out[i] = message(r)
	}
	// RETURNING promises no order.
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
