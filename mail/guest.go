package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"porter"
	"porter/webhook"
)

// GuestRelay sends the queued messages to guests (channel whatsapp)
// through a porter.GuestMessageSender. It claims messages the way Sender
// claims email: a claim counts an attempt and hides the message from
// other nodes until Hold has passed, so two nodes never send one message
// at once; a node that dies mid-send leaves it to be claimed again after
// Hold (at least once: the sender gets the message id to deduplicate).
// Without a sender no relay runs and messages stay queued.
type GuestRelay struct {
	Interval    time.Duration // between passes when the outbox is idle
	Batch       int           // messages claimed per pass
	Hold        time.Duration // how long a claim hides a message from other nodes
	MaxAttempts int           // after this many failed attempts a message is failed → whatsapp.message_failed
	Now         func() time.Time

	svc    *porter.Service
	sender porter.GuestMessageSender
	logger *slog.Logger
}

// NewGuestRelay returns a relay sending through sender.
func NewGuestRelay(svc *porter.Service, sender porter.GuestMessageSender, logger *slog.Logger) *GuestRelay {
	if logger == nil {
		logger = slog.Default()
	}
	return &GuestRelay{Interval: 5 * time.Second, Batch: 50, Hold: 10 * time.Minute, MaxAttempts: 5, Now: time.Now,
		svc: svc, sender: sender, logger: logger}
}

// Run sends until ctx is done.
func (g *GuestRelay) Run(ctx context.Context) error {
	for {
		n, err := g.Tick(ctx)
		if err != nil && ctx.Err() == nil {
			g.logger.Error("guest messages: pass failed", "err", err)
		}
		wait := g.Interval
		if n > 0 && err == nil {
			wait = 0
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

// Tick claims one batch of due messages and sends them; it returns how
// many it tried.
func (g *GuestRelay) Tick(ctx context.Context) (int, error) {
	now := g.Now().UTC()
	msgs, err := g.svc.Store.ClaimMessages(ctx, porter.GuestChannel, now, now.Add(g.Hold), g.Batch)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	for _, m := range msgs {
		err := g.sender.SendGuestMessage(ctx, m)
		if err == nil {
			if err := g.svc.Store.MarkMessageSent(ctx, m.ID, g.Now().UTC()); err != nil {
				g.logger.Error("guest messages: sent but not recorded", "message_id", m.ID, "err", err)
			}
			continue
		}
		final := errors.Is(err, porter.ErrPermanent) || m.Attempts >= g.MaxAttempts
		g.logger.Warn("guest messages: send failed", "message_id", m.ID, "org_id", m.OrgID, "attempt", m.Attempts, "retry", !final, "err", err)
		if final {
			err = g.svc.FailGuestMessage(ctx, m.OrgID, m.ID, err.Error())
		} else {
			retry := g.Now().UTC().Add(backoff(m.Attempts))
			err = g.svc.Store.MarkMessageFailed(ctx, m.ID, err.Error(), &retry)
		}
		if err != nil {
			g.logger.Error("guest messages: failure not recorded", "message_id", m.ID, "err", err)
		}
	}
	return len(msgs), nil
}

// HTTPSender posts each message as JSON to a provider's (or a gateway's)
// URL with a bearer token, through the webhook SSRF guard.
type HTTPSender struct {
	url    string
	token  string
	client *http.Client
}

// NewHTTPSender checks rawURL (http or https) and returns a sender that
// connects only where guard allows.
func NewHTTPSender(rawURL, token string, guard *webhook.Guard, timeout time.Duration) (*HTTPSender, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("PORTER_WHATSAPP_URL must be an http:// or https:// URL, not %q", rawURL)
	}
	return &HTTPSender{url: rawURL, token: token, client: guard.Client(timeout)}, nil
}

// guestPayload is what HTTPSender posts.
type guestPayload struct {
	ID             int64  `json:"id"`
	OrganizationID int64  `json:"organization_id"`
	Channel        string `json:"channel"`
	To             string `json:"to"`
	Body           string `json:"body"`
	BookingID      *int64 `json:"booking_id"`
	TemplateID     *int64 `json:"template_id"`
	Attempt        int    `json:"attempt"`
}

// SendGuestMessage posts m. A 2xx is sent; a 4xx other than 408 and 429
// refuses the message itself (permanent); anything else is retried.
func (h *HTTPSender) SendGuestMessage(ctx context.Context, m *porter.Message) error {
	body, err := json.Marshal(guestPayload{ID: m.ID, OrganizationID: m.OrgID, Channel: m.Channel, To: m.To, Body: m.Body,
		BookingID: m.BookingID, TemplateID: m.TemplateID, Attempt: m.Attempts})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Porter")
	// The same key on every attempt: the receiver can drop a resend.
	req.Header.Set("Idempotency-Key", "porter-message-"+strconv.FormatInt(m.ID, 10))
	if h.token != "" {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(snippet))
	if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests {
		return fmt.Errorf("%w: %w", porter.ErrPermanent, err)
	}
	return err
}
