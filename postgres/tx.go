package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"porter"
	"porter/postgres/internal/db"
)

// tx is a porter.Tx: every query it runs is scoped to orgID.
type tx struct {
	q     *db.Queries
	pg    pgx.Tx // for the hand-written queries
	orgID int64
	wrote *txWrites // shared by the copies For makes
}

// txWrites is what a transaction did that its commit must announce.
type txWrites struct {
	events bool // inserted events: NOTIFY after the commit (notify.go)
}

func (t *tx) OrgID() int64 { return t.orgID }

func (t *tx) Organization(ctx context.Context) (*porter.Organization, error) {
	r, err := t.q.GetOrganization(ctx, t.orgID)
	if err != nil {
		return nil, notFound(err, "organization", t.orgID)
	}
	return organization(r), nil
}

func (t *tx) OrganizationForUpdate(ctx context.Context) (*porter.Organization, error) {
	r, err := t.q.GetOrganizationForUpdate(ctx, t.orgID)
	if err != nil {
		return nil, notFound(err, "organization", t.orgID)
	}
	return organization(r), nil
}

func (t *tx) UpdateOrganization(ctx context.Context, org *porter.Organization) error {
	if err := t.q.UpdateOrganization(ctx, db.UpdateOrganizationParams{ID: t.orgID, Name: org.Name, LeaseAlertDays: encodeInts(org.LeaseAlertDays),
		ChargeCategories: encodeStrings(org.ChargeCategories)}); err != nil {
		return err
	}
	// Short-term rentals: owners, invoices and reviews.
	if err := t.q.UpdateOrganizationRentalSettings(ctx, db.UpdateOrganizationRentalSettingsParams{ID: t.orgID,
		InvoiceNumberFormat: org.InvoiceNumberFormat, ReviewAlertThreshold: int32(org.ReviewAlertThreshold)}); err != nil {
		return err
	}
	// Facility records: certificate expiry alerts.
	if err := t.q.UpdateOrganizationCertificateAlertDays(ctx, db.UpdateOrganizationCertificateAlertDaysParams{ID: t.orgID,
		CertificateAlertDays: encodeInts(org.CertificateAlertDays)}); err != nil {
		return err
	}
	// Facilities: whether handover defects become work orders.
	return t.q.UpdateOrganizationFacilitySettings(ctx, db.UpdateOrganizationFacilitySettingsParams{ID: t.orgID,
		DefectsAsWorkOrders: org.DefectsAsWorkOrders})
}

func organization(r db.Organization) *porter.Organization {
	return &porter.Organization{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt, LeaseAlertDays: decodeInts(r.LeaseAlertDays),
		ChargeCategories:    decodeStrings(r.ChargeCategories),
		InvoiceNumberFormat: r.InvoiceNumberFormat, ReviewAlertThreshold: int(r.ReviewAlertThreshold),
		CertificateAlertDays: decodeInts(r.CertificateAlertDays), PublicID: r.PublicID,
		DefectsAsWorkOrders: r.DefectsAsWorkOrders}
}

func encodeInts(v []int) string {
	if len(v) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func decodeInts(s string) []int {
	var v []int
	_ = json.Unmarshal([]byte(s), &v)
	return v
}

func encodeStrings(v []string) string {
	if len(v) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func decodeStrings(s string) []string {
	var v []string
	_ = json.Unmarshal([]byte(s), &v)
	return v
}

// API keys.

func (t *tx) InsertAPIKey(ctx context.Context, k *porter.APIKey) error {
	id, err := t.q.InsertAPIKey(ctx, db.InsertAPIKeyParams{
		OrgID: t.orgID, Name: k.Name, Prefix: k.Prefix, Hash: k.Hash, Scopes: encodeStrings(k.Scopes),
		RateLimit: int32(k.RateLimit), CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt,
	})
	if err != nil {
		return fmt.Errorf("insert api key: %w", err)
	}
	k.ID, k.OrgID = id, t.orgID
	return nil
}

func (t *tx) APIKeys(ctx context.Context) ([]*porter.APIKey, error) {
	rows, err := t.q.ListAPIKeys(ctx, t.orgID)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	out := make([]*porter.APIKey, len(rows))
	for i, r := range rows {
		out[i] = apiKey(r)
	}
	return out, nil
}

func (t *tx) RevokeAPIKey(ctx context.Context, id int64, at time.Time) error {
	n, err := t.q.RevokeAPIKey(ctx, db.RevokeAPIKeyParams{OrgID: t.orgID, ID: id, RevokedAt: &at})
	if err != nil {
		return fmt.Errorf("revoke api key: %w", err)
	}
	if n == 0 {
		exists, err := t.q.APIKeyExists(ctx, db.APIKeyExistsParams{OrgID: t.orgID, ID: id})
		if err != nil {
			return fmt.Errorf("revoke api key: %w", err)
		}
		if exists == 0 {
			return porter.NotFound("api key", id)
		}
		return porter.Errorf(porter.ECONFLICT, "api key %d is already revoked", id)
	}
	return nil
}

func apiKey(r db.ApiKey) *porter.APIKey {
	return &porter.APIKey{
		ID: r.ID, OrgID: r.OrgID, Name: r.Name, Prefix: r.Prefix, Hash: r.Hash, Scopes: decodeStrings(r.Scopes),
		RateLimit: int(r.RateLimit), CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt,
		ExpiresAt: r.ExpiresAt, RevokedAt: r.RevokedAt,
	}
}

// Events.

func (t *tx) InsertEvent(ctx context.Context, e *porter.Event) error {
	var prev *string
	if e.PreviousAttributes != nil {
		p := string(e.PreviousAttributes)
		prev = &p
	}
	seq, err := t.q.InsertEvent(ctx, db.InsertEventParams{
		OrgID: t.orgID, Type: e.Type, FiredAt: e.FiredAt, ResourceType: e.ResourceType,
		ResourceID: e.ResourceID, Data: string(e.Data), PreviousAttributes: prev,
		IntegrationID: e.IntegrationID, FirstSync: e.FirstSync,
	})
	if err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	t.wrote.events = true
	e.Seq, e.OrgID = seq, t.orgID
	return nil
}

func (t *tx) Event(ctx context.Context, seq int64) (*porter.Event, error) {
	r, err := t.q.GetEvent(ctx, db.GetEventParams{OrgID: t.orgID, Seq: seq})
	if err != nil {
		return nil, notFound(err, "event", seq)
	}
	return event(r), nil
}

func (t *tx) Events(ctx context.Context, f porter.EventFilter) (porter.List[*porter.Event], error) {
	rows, err := t.q.ListEvents(ctx, db.ListEventsParams{
		OrgID: t.orgID, Types: append([]string{}, f.Types...), Since: since(f.Since),
		Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Event]{}, fmt.Errorf("list events: %w", err)
	}
	var out porter.List[*porter.Event]
	for _, r := range rows {
		out.Items = append(out.Items, event(r.Event))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) ResourceEvents(ctx context.Context, resourceType string, id int64, limit int) ([]*porter.Event, error) {
	rows, err := t.q.ListResourceEvents(ctx, db.ListResourceEventsParams{OrgID: t.orgID, ResourceType: resourceType, ResourceID: id, Lim: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("list events of %s %d: %w", resourceType, id, err)
	}
	out := make([]*porter.Event, 0, len(rows))
	for _, r := range rows {
		out = append(out, event(r))
	}
	return out, nil
}

func event(r db.Event) *porter.Event {
	e := &porter.Event{
		Seq: r.Seq, OrgID: r.OrgID, Type: r.Type, FiredAt: r.FiredAt, ResourceType: r.ResourceType,
		ResourceID: r.ResourceID, Data: json.RawMessage(r.Data), IntegrationID: r.IntegrationID, FirstSync: r.FirstSync,
	}
	if r.PreviousAttributes != nil {
		e.PreviousAttributes = json.RawMessage(*r.PreviousAttributes)
	}
	return e
}

// Idempotency keys.

func (t *tx) ClaimIdempotencyKey(ctx context.Context, rec *porter.IdempotencyRecord) (*porter.IdempotencyRecord, error) {
	for {
		n, err := t.q.InsertIdempotencyKey(ctx, db.InsertIdempotencyKeyParams{
			OrgID: t.orgID, Key: rec.Key, RequestHash: rec.RequestHash, CreatedAt: rec.CreatedAt,
		})
		if err != nil {
			return nil, fmt.Errorf("claim idempotency key: %w", err)
		}
		if n == 1 {
			return nil, nil
		}
		r, err := t.q.GetIdempotencyKey(ctx, db.GetIdempotencyKeyParams{OrgID: t.orgID, Key: rec.Key})
		if err != nil {
			return nil, fmt.Errorf("claim idempotency key: %w", err)
		}
		if created := r.CreatedAt; rec.CreatedAt.Sub(created) < porter.IdempotencyWindow {
			return &porter.IdempotencyRecord{Key: r.Key, RequestHash: r.RequestHash, Status: int(r.Status), Body: r.Body, CreatedAt: created}, nil
		}
		if err := t.q.DeleteIdempotencyKey(ctx, db.DeleteIdempotencyKeyParams{OrgID: t.orgID, Key: rec.Key}); err != nil {
			return nil, fmt.Errorf("claim idempotency key: %w", err)
		}
	}
}

func (t *tx) CompleteIdempotencyKey(ctx context.Context, key string, status int, body []byte) error {
	return t.q.CompleteIdempotencyKey(ctx, db.CompleteIdempotencyKeyParams{OrgID: t.orgID, Key: key, Status: int32(status), Body: body})
}

func (t *tx) ReleaseIdempotencyKey(ctx context.Context, key string) error {
	return t.q.DeleteIdempotencyKey(ctx, db.DeleteIdempotencyKeyParams{OrgID: t.orgID, Key: key})
}

// Mail outbox.

func (t *tx) InsertMessage(ctx context.Context, m *porter.Message) error {
	id, err := t.q.InsertMessage(ctx, db.InsertMessageParams{
		OrgID: t.orgID, Channel: m.Channel, Recipient: m.To, Subject: m.Subject, Body: m.Body,
		Status: m.Status, BroadcastID: m.BroadcastID, CreatedAt: m.CreatedAt,
	})
	if err != nil {
		return fmt.Errorf("insert message: %w", err)
	}
	m.ID, m.OrgID = id, t.orgID
	return nil
}

func (t *tx) Messages(ctx context.Context, broadcastID *int64) ([]*porter.Message, error) {
	var rows []db.Message
	var err error
	if broadcastID == nil {
		rows, err = t.q.ListMessages(ctx, t.orgID)
	} else {
		rows, err = t.q.ListBroadcastMessages(ctx, db.ListBroadcastMessagesParams{OrgID: t.orgID, BroadcastID: broadcastID})
	}
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	out := make([]*porter.Message, len(rows))
	for i, r := range rows {
		out[i] = &porter.Message{
			ID: r.ID, OrgID: r.OrgID, Channel: r.Channel, To: r.Recipient, Subject: r.Subject, Body: r.Body,
			Status: r.Status, BroadcastID: r.BroadcastID, Error: r.Error, Attempts: int(r.Attempts), CreatedAt: r.CreatedAt, SentAt: r.SentAt,
		}
	}
	return out, nil
}

var _ porter.Store = (*DB)(nil)
var _ = errors.Is
