package porter

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Broadcast is a message sent to a whole audience at once: one outbox
// Message per recipient and channel, queued in the transaction that
// records the broadcast.
type Broadcast struct {
	ID         int64     `json:"id"`
	Subject    string    `json:"subject"`
	Body       string    `json:"body"`
	Audience   string    `json:"audience"` // all_tenants | property_tenants | vendors | staff
	Channel    string    `json:"channel"`  // email | sms | both
	PropertyID *int64    `json:"property_id"`
	Recipients int       `json:"recipients"` // messages queued
	Skipped    int       `json:"skipped"`    // recipient and channel pairs without an address
	CreatedAt  time.Time `json:"created_at"`
}

// Audiences and channels a broadcast may use.
var (
	BroadcastAudiences = []string{"all_tenants", "property_tenants", "vendors", "staff"}
	BroadcastChannels  = []string{"email", "sms", "both"}
)

// Recipient is someone in a broadcast's audience.
type Recipient struct {
	ID    int64
	Email string
	Phone string
}

// BroadcastFilter narrows a broadcast listing. UpdatedSince applies to
// created_at: broadcasts do not change.
type BroadcastFilter struct {
	ListParams
	Audience string
}

// BroadcastTx stores broadcasts and resolves their audiences.
type BroadcastTx interface {
	InsertBroadcast(ctx context.Context, b *Broadcast) error
	Broadcast(ctx context.Context, id int64) (*Broadcast, error)
	Broadcasts(ctx context.Context, f BroadcastFilter) (List[*Broadcast], error)
	BroadcastMessages(ctx context.Context, id int64, p ListParams) (List[*Message], error)
	// Recipients lists an audience: propertyID matters for property_tenants.
	Recipients(ctx context.Context, audience string, propertyID int64) ([]Recipient, error)
}

// BroadcastInput sends a broadcast.
type BroadcastInput struct {
	Subject    *string `json:"subject"`
	Body       *string `json:"body"`
	Audience   *string `json:"audience"`
	Channel    *string `json:"channel"`
	PropertyID *int64  `json:"property_id"`
}

func (b *Broadcast) validate(ctx context.Context, tx Tx) error {
	var v Validation
	v.Required("subject", b.Subject)
	v.Required("body", b.Body)
	v.OneOf("audience", b.Audience, BroadcastAudiences...)
	v.OneOf("channel", b.Channel, BroadcastChannels...)
	if b.Audience == "property_tenants" && b.PropertyID == nil {
		v.Add("property_id", "is required when audience is property_tenants")
	}
	if b.Audience != "property_tenants" && b.PropertyID != nil {
		v.Add("property_id", "is only used when audience is property_tenants")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if b.PropertyID != nil {
		return refExists(ctx, "property_id", *b.PropertyID, tx.Property)
	}
	return nil
}

// SendBroadcast records a broadcast and queues its messages, all in one
// transaction: the audience is read as it is at that moment.
func (s *Service) SendBroadcast(ctx context.Context, orgID int64, in BroadcastInput) (*Broadcast, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Broadcast, error) {
		b := &Broadcast{Audience: "all_tenants", Channel: "email", CreatedAt: now}
		set(&b.Subject, in.Subject)
		set(&b.Body, in.Body)
		set(&b.Audience, in.Audience)
		set(&b.Channel, in.Channel)
		if in.PropertyID != nil && *in.PropertyID != 0 {
			b.PropertyID = in.PropertyID
		}
		if err := b.validate(ctx, tx); err != nil {
			return nil, err
		}
		var pid int64
		if b.PropertyID != nil {
			pid = *b.PropertyID
		}
		people, err := tx.Recipients(ctx, b.Audience, pid)
		if err != nil {
			return nil, fmt.Errorf("broadcast recipients: %w", err)
		}
		var msgs []*Message
		for _, p := range people {
			for _, ch := range channelsOf(b.Channel) {
				to := addressFor(ch, p)
				if to == "" {
					b.Skipped++
					continue
				}
				msgs = append(msgs, &Message{Channel: ch, To: to, Subject: b.Subject, Body: b.Body, Status: MessageQueued, CreatedAt: now})
			}
		}
		b.Recipients = len(msgs)
		if err := tx.InsertBroadcast(ctx, b); err != nil {
			return nil, fmt.Errorf("create broadcast: %w", err)
		}
		for _, m := range msgs {
			m.BroadcastID = &b.ID
			if err := tx.InsertMessage(ctx, m); err != nil {
				return nil, fmt.Errorf("queue broadcast message: %w", err)
			}
		}
		return b, record(ctx, tx, now, "broadcast.sent", "broadcast", b.ID, b, nil)
	})
}

func channelsOf(channel string) []string {
	if channel == "both" {
		return []string{"email", "sms"}
	}
	return []string{channel}
}

// addressFor returns p's address on channel, or "" when p has none that
// can be used there.
func addressFor(channel string, p Recipient) string {
	switch channel {
	case "email":
		a, err := mail.ParseAddress(strings.TrimSpace(p.Email))
		if err != nil {
			return ""
		}
		return a.Address
	case "sms":
		return strings.TrimSpace(p.Phone)
	}
	return ""
}

// Broadcast returns one broadcast.
func (s *Service) Broadcast(ctx context.Context, orgID, id int64) (*Broadcast, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Broadcast, error) { return tx.Broadcast(ctx, id) })
}

// Broadcasts lists broadcasts, newest first.
func (s *Service) Broadcasts(ctx context.Context, orgID int64, f BroadcastFilter) (List[*Broadcast], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Broadcast], error) { return tx.Broadcasts(ctx, f) })
}

// BroadcastMessages lists the outbox messages of one broadcast, in the
// order they were queued.
func (s *Service) BroadcastMessages(ctx context.Context, orgID, id int64, p ListParams) (List[*Message], error) {
	p.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Message], error) {
		if _, err := tx.Broadcast(ctx, id); err != nil {
			return List[*Message]{}, err
		}
		return tx.BroadcastMessages(ctx, id, p)
	})
}
