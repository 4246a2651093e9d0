package porter

import (
	"context"
	"time"
)

// Message is one email or SMS in the mail outbox. A sender delivers queued
// messages over SMTP when PORTER_SMTP_URL is set; otherwise they stay in
// the outbox and are logged.
type Message struct {
	ID          int64  `json:"id"`
	OrgID       int64  `json:"-"`
	Channel     string `json:"channel"` // email | sms
	To          string `json:"to"`
	Subject     string `json:"subject"`
	Body        string `json:"body"`
	Status      string `json:"status"` // queued | sent | failed
	BroadcastID *int64 `json:"broadcast_id"`
	// Messages to guests (channel whatsapp): the booking and template.
	BookingID  *int64     `json:"booking_id,omitempty"`
	TemplateID *int64     `json:"template_id,omitempty"`
	Error      string     `json:"error,omitempty"`
	Attempts   int        `json:"attempts"`
	CreatedAt  time.Time  `json:"created_at"`
	SentAt     *time.Time `json:"sent_at"`
}

const (
	MessageQueued = "queued"
	MessageSent   = "sent"
	MessageFailed = "failed"
)

// MessageTx is the mail outbox.
type MessageTx interface {
	InsertMessage(ctx context.Context, m *Message) error
	Messages(ctx context.Context, broadcastID *int64) ([]*Message, error)
}
