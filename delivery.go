package porter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Delivery is one event on its way to one webhook: its status, and the
// attempts made so far.
type Delivery struct {
	ID        int64  `json:"id"`
	WebhookID int64  `json:"webhook_id"`
	Event     string `json:"event"`
	EventID   string `json:"event_id"` // the envelope's id: the same for every attempt and subscriber
	Status    string `json:"status"`   // pending | succeeded | failed
	// AttemptCount counts attempts started, including one in flight.
	AttemptCount int `json:"attempt_count"`
	// NextAttemptAt is when a pending delivery is next attempted; while an
	// attempt is in flight, when that attempt is given up for lost.
	NextAttemptAt  *time.Time `json:"next_attempt_at"`
	ResponseStatus *int       `json:"response_status"` // of the last attempt; null without a response
	Error          string     `json:"error"`           // of the last attempt
	Test           bool       `json:"test"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	CompletedAt    *time.Time `json:"completed_at"`
	// Attempts are shown by GET /v1/deliveries/{id}, oldest first.
	Attempts []*DeliveryAttempt `json:"attempts,omitempty"`
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliverySucceeded = "succeeded"
	DeliveryFailed    = "failed"
)

// DeliveryStatuses are the statuses a listing may filter on.
var DeliveryStatuses = []string{DeliveryPending, DeliverySucceeded, DeliveryFailed}

// DeliveryAttempt is one HTTP request of a delivery, as sent and as answered.
type DeliveryAttempt struct {
	ID              string            `json:"id"` // the X-PM-Delivery header
	DeliveryID      int64             `json:"-"`
	Number          int               `json:"number"`
	StartedAt       time.Time         `json:"started_at"`
	DurationMS      int64             `json:"duration_ms"`
	URL             string            `json:"url"`
	RequestHeaders  map[string]string `json:"request_headers"`
	ResponseStatus  *int              `json:"response_status"` // null when no response came
	ResponseHeaders map[string]string `json:"response_headers"`
	ResponseBody    string            `json:"response_body"` // at most MaxResponseBody bytes
	Error           string            `json:"error"`         // timeout, refused connection, non-2xx…
}

// MaxResponseBody caps the part of a receiver's answer that is stored.
const MaxResponseBody = 16 << 10

// DeliveryFilter narrows a delivery listing.
type DeliveryFilter struct {
	ListParams
	WebhookID int64  // 0: any
	Status    string // "": any
	Event     string // canonical event name; "": any
}

// DeliveryTx is the delivery log of one organization, as the API sees it.
type DeliveryTx interface {
	Deliveries(ctx context.Context, f DeliveryFilter) (List[*Delivery], error)
	Delivery(ctx context.Context, id int64) (*Delivery, error)
	DeliveryAttempts(ctx context.Context, deliveryID int64) ([]*DeliveryAttempt, error)
	// DeliveryPayload is the body stored with a delivery: a test's sample;
	// nil for an event's delivery, whose body is the event's envelope.
	DeliveryPayload(ctx context.Context, id int64) ([]byte, error)
	// RequeueDelivery makes a delivery due at now with a fresh run of its
	// webhook's retry schedule. A delivery whose attempt is in flight is a
	// conflict.
	RequeueDelivery(ctx context.Context, id int64, now time.Time) error
	// RequeueFailedDeliveries requeues every failed delivery of a webhook
	// created at or after since, and returns how many.
	RequeueFailedDeliveries(ctx context.Context, webhookID int64, since, now time.Time) (int, error)
	// InsertDelivery queues one delivery due at once (a test).
	InsertDelivery(ctx context.Context, d *QueuedDelivery) error
	// FailPendingDeliveries ends every pending delivery of a webhook as
	// failed with reason (the webhook was disabled), and returns how many.
	FailPendingDeliveries(ctx context.Context, webhookID int64, reason string, now time.Time) (int, error)
}

// WebhookDeliveries lists a webhook's deliveries, newest first.
func (s *Service) WebhookDeliveries(ctx context.Context, orgID, webhookID int64, f DeliveryFilter) (List[*Delivery], error) {
	if err := f.validate(); err != nil {
		return List[*Delivery]{}, err
	}
	f.WebhookID = webhookID
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Delivery], error) {
		if _, err := tx.Webhook(ctx, webhookID); err != nil {
			return List[*Delivery]{}, err
		}
		return tx.Deliveries(ctx, f)
	})
}

// Deliveries lists the organization's deliveries, newest first.
func (s *Service) Deliveries(ctx context.Context, orgID int64, f DeliveryFilter) (List[*Delivery], error) {
	if err := f.validate(); err != nil {
		return List[*Delivery]{}, err
	}
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Delivery], error) { return tx.Deliveries(ctx, f) })
}

// validate resolves an alias in the event filter and checks the status.
func (f *DeliveryFilter) validate() error {
	var v Validation
	if f.Status != "" {
		v.OneOf("status", f.Status, DeliveryStatuses...)
	}
	if f.Event != "" {
		if e, ok := LookupEvent(f.Event); ok {
			f.Event = e.Name
		} else {
			v.Add("event", "%q is not an event; see GET /api/triggers.php", f.Event)
		}
	}
	return v.Err()
}

// Delivery returns one delivery with every attempt.
func (s *Service) Delivery(ctx context.Context, orgID, id int64) (*Delivery, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Delivery, error) {
		d, err := tx.Delivery(ctx, id)
		if err != nil {
			return nil, err
		}
		if d.Attempts, err = tx.DeliveryAttempts(ctx, id); err != nil {
			return nil, err
		}
		return d, nil
	})
}

// ReplayDelivery sends a delivery again now, whatever its status, with a
// fresh run of its webhook's retry schedule.
func (s *Service) ReplayDelivery(ctx context.Context, orgID, id int64) (*Delivery, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Delivery, error) {
		d, err := tx.Delivery(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := requireEnabled(ctx, tx, d.WebhookID); err != nil {
			return nil, err
		}
		before, err := tx.Delivery(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := tx.RequeueDelivery(ctx, id, s.Now()); err != nil {
			return nil, err
		}
		d, err = tx.Delivery(ctx, id)
		if err != nil {
			return nil, err
		}
		audited(tx, "delivery", id, before, d)
		return d, nil
	})
}

// RecoverInput names the start of the window whose failed deliveries are sent again.
type RecoverInput struct {
	Since *Time `json:"since"`
}

// Recovery says how many failed deliveries a recover requeued.
type Recovery struct {
	Since     Time `json:"since"`
	Requeued  int  `json:"requeued"`
	WebhookID int  `json:"webhook_id"`
}

// RecoverWebhook sends again every failed delivery of a webhook created
// since the given time, each with a fresh run of the retry schedule.
func (s *Service) RecoverWebhook(ctx context.Context, orgID, webhookID int64, in RecoverInput) (*Recovery, error) {
	var v Validation
	if in.Since == nil || in.Since.IsZero() {
		v.Add("since", "is required: an ISO 8601 time such as 2025-05-09T00:00:00Z")
	} else if in.Since.After(s.Now()) {
		v.Add("since", "must not be in the future")
	}
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Recovery, error) {
		if _, err := tx.Webhook(ctx, webhookID); err != nil {
			return nil, err // 404 before any complaint about the body
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if err := requireEnabled(ctx, tx, webhookID); err != nil {
			return nil, err
		}
		n, err := tx.RequeueFailedDeliveries(ctx, webhookID, in.Since.Time, s.Now())
		if err != nil {
			return nil, fmt.Errorf("recover webhook %d: %w", webhookID, err)
		}
		rec := &Recovery{Since: *in.Since, Requeued: n, WebhookID: int(webhookID)}
		audited(tx, "webhook", webhookID, nil, rec)
		return rec, nil
	})
}

func requireEnabled(ctx context.Context, tx Tx, webhookID int64) error {
	w, err := tx.Webhook(ctx, webhookID)
	if err != nil {
		return err
	}
	if !w.Enabled {
		// A webhook turned off through the API has no reason to repeat.
		why := ""
		if w.DisabledReason != "" {
			why = " (" + w.DisabledReason + ")"
		}
		return Errorf(ECONFLICT, "webhook %d is disabled%s; enable it first with PATCH /v1/webhooks/%d {\"enabled\": true}",
			webhookID, why, webhookID)
	}
	return nil
}

// TestInput names the event a test delivery samples; by default the
// webhook's first.
type TestInput struct {
	Event string `json:"event"`
}

// TestWebhook sends a sample payload of one of the webhook's events, marked
// as a test ("test": true in the body, X-PM-Test: 1). A test is attempted
// once, is not retried and does not count towards the webhook's health.
func (s *Service) TestWebhook(ctx context.Context, orgID, webhookID int64, in TestInput) (*Delivery, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Delivery, error) {
		w, err := tx.Webhook(ctx, webhookID)
		if err != nil {
			return nil, err
		}
		covered := map[string]bool{}
		var first string
		for _, p := range w.Events {
			names, _ := ExpandEventPattern(p)
			for _, n := range names {
				covered[n] = true
				if first == "" {
					first = n
				}
			}
		}
		name := first
		if in.Event != "" {
			e, ok := LookupEvent(in.Event)
			if !ok || !covered[e.Name] {
				return nil, fieldError("event", "must be one of this webhook's events: %s", strings.Join(sortedKeys(covered), ", "))
			}
			name = e.Name
		}
		if err := requireEnabled(ctx, tx, webhookID); err != nil {
			return nil, err
		}
		e, err := sampleEvent(ctx, tx, name, now)
		if err != nil {
			return nil, err
		}
		id := testEventID()
		body, err := testBody(e, id)
		if err != nil {
			return nil, fmt.Errorf("test webhook: %w", err)
		}
		d := &QueuedDelivery{OrgID: orgID, WebhookID: webhookID, EventID: id, EventType: name, Test: true, Body: body, CreatedAt: s.Now()}
		if err := tx.InsertDelivery(ctx, d); err != nil {
			return nil, fmt.Errorf("test webhook: %w", err)
		}
		audited(tx, "webhook", webhookID, nil, map[string]any{"event": name, "delivery_id": d.ID})
		return tx.Delivery(ctx, d.ID)
	})
}

func fieldError(field, format string, args ...any) error {
	var v Validation
	v.Add(field, format, args...)
	return v.Err()
}

// sampleEvent is the organization's latest event of that type, so that a
// tool such as Make can learn the real shape; without one, a sample made
// from the catalog's key fields.
func sampleEvent(ctx context.Context, tx Tx, name string, now time.Time) (*Event, error) {
	if et, _ := LookupEvent(name); len(et.From) > 0 {
		return sampleSyncEvent(ctx, tx, et, now)
	}
	l, err := tx.Events(ctx, EventFilter{ListParams: ListParams{Page: 1, PerPage: 1}, Types: []string{name}})
	if err != nil {
		return nil, fmt.Errorf("sample event: %w", err)
	}
	e := &Event{OrgID: tx.OrgID(), Type: name, FiredAt: now}
	if len(l.Items) > 0 {
		e.Data, e.PreviousAttributes = l.Items[0].Data, l.Items[0].PreviousAttributes
	} else {
		et, _ := LookupEvent(name)
		sample := map[string]any{}
		for _, f := range et.Fields {
			sample[f] = sampleValue(f, now)
		}
		if e.Data, err = json.Marshal(sample); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// sampleValue is a plausible value for a field, by its name.
func sampleValue(field string, now time.Time) any {
	switch {
	case field == "id" || strings.HasSuffix(field, "_id") || field == "recipients" || field == "days_remaining" || field == "threshold_days":
		return 1
	case strings.HasSuffix(field, "_at") || field == "scheduled_for":
		return NewTime(now)
	case strings.HasSuffix(field, "_date"):
		return now.Format(DateLayout)
	case field == "amount" || field == "balance" || field == "monthly_rent":
		return json.Number("100.00")
	case field == "events" || field == "lease_alert_days" || field == "items":
		return []any{}
	case field == "charge_categories":
		return DefaultChargeCategories()
	case field == "enabled":
		return true
	case field == "email":
		return "sample@example.com"
	}
	return "sample " + field
}

// testBody is seed 000's envelope of e under its own id, with "test": true.
func testBody(e *Event, id string) ([]byte, error) {
	return json.Marshal(struct {
		Event              string          `json:"event"`
		ID                 string          `json:"id"`
		FiredAt            Time            `json:"fired_at"`
		Data               json.RawMessage `json:"data"`
		PreviousAttributes json.RawMessage `json:"previous_attributes,omitempty"`
		Test               bool            `json:"test"`
	}{e.Type, id, NewTime(e.FiredAt), e.Data, e.PreviousAttributes, true})
}

// testEventID is unique, so that a receiver deduplicating on ids sees
// every test: "evt_test_" and 16 hex digits.
func testEventID() string {
	b := make([]byte, 8)
	rand.Read(b) // never fails (Go 1.24+)
	return "evt_test_" + hex.EncodeToString(b)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
