package porter

import (
	"context"
	"time"
)

// MailOutbox is what a mail sender needs of a store: it works through the
// outbox of every organization, so these are not Tx methods.
type MailOutbox interface {
	// ClaimMessages takes up to limit queued messages of channel that are
	// due at now, counts an attempt on each and hides them from other
	// claims until holdUntil, by which time they are sent or rescheduled.
	ClaimMessages(ctx context.Context, channel string, now, holdUntil time.Time, limit int) ([]*Message, error)
	// MarkMessageSent records a delivered message.
	MarkMessageSent(ctx context.Context, id int64, at time.Time) error
	// MarkMessageFailed records a failed attempt: with retryAt the message
	// stays queued until then; without, it is failed for good.
	MarkMessageFailed(ctx context.Context, id int64, errText string, retryAt *time.Time) error
	// QueuedMessages lists queued messages with ids above afterID, of
	// channel ("" for any), oldest first.
	QueuedMessages(ctx context.Context, channel string, afterID int64, limit int) ([]*Message, error)
}
