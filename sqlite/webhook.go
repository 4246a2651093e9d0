package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"porter"
	"porter/sqlite/internal/db"
)

func (t *tx) InsertWebhook(ctx context.Context, w *porter.Webhook, secret porter.SealedSecret) error {
	id, err := t.q.InsertWebhook(ctx, db.InsertWebhookParams{
		OrgID: t.orgID, Url: w.URL, Events: encodeStrings(w.Events), Description: w.Description,
		RetrySchedule: encodeInts(w.RetrySchedule), TimeoutSeconds: int64(w.TimeoutSeconds), Headers: encodeHeaders(w.Headers),
		Ordered: w.Ordered, Enabled: w.Enabled, DisabledReason: w.DisabledReason, Source: w.Source,
		Secret: sealedBytes(secret), PreviousSecret: []byte{}, SecretRotatedAt: nts(w.SecretRotatedAt),
		CreatedAt: ts(w.CreatedAt), UpdatedAt: ts(w.UpdatedAt),
		Signature: w.Signature, PublicKey: w.PublicKey, PayloadFormat: w.PayloadFormat, SignatureHeader: w.SignatureHeader,
	})
	if err != nil {
		return fmt.Errorf("insert webhook: %w", err)
	}
	w.ID = id
	return nil
}

func (t *tx) Webhook(ctx context.Context, id int64) (*porter.Webhook, error) {
	r, err := t.q.GetWebhook(ctx, db.GetWebhookParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "webhook", id)
	}
	return webhook(r), nil
}

// WebhookForUpdate needs no lock: SQLite has one writer at a time.
func (t *tx) WebhookForUpdate(ctx context.Context, id int64) (*porter.Webhook, error) {
	return t.Webhook(ctx, id)
}

func (t *tx) UpdateWebhook(ctx context.Context, w *porter.Webhook) error {
	n, err := t.q.UpdateWebhook(ctx, db.UpdateWebhookParams{
		OrgID: t.orgID, ID: w.ID, Url: w.URL, Events: encodeStrings(w.Events), Description: w.Description,
		RetrySchedule: encodeInts(w.RetrySchedule), TimeoutSeconds: int64(w.TimeoutSeconds), Headers: encodeHeaders(w.Headers),
		Ordered: w.Ordered, Enabled: w.Enabled, DisabledReason: w.DisabledReason,
		SecretRotatedAt: nts(w.SecretRotatedAt), UpdatedAt: ts(w.UpdatedAt),
		PublicKey: w.PublicKey, PayloadFormat: w.PayloadFormat, SignatureHeader: w.SignatureHeader,
	})
	return affected(n, err, "webhook", w.ID)
}

func (t *tx) DeleteWebhook(ctx context.Context, id int64) error {
	n, err := t.q.DeleteWebhook(ctx, db.DeleteWebhookParams{OrgID: t.orgID, ID: id})
	return affected(n, err, "webhook", id)
}

func (t *tx) Webhooks(ctx context.Context, f porter.WebhookFilter) (porter.List[*porter.Webhook], error) {
	rows, err := t.q.ListWebhooks(ctx, db.ListWebhooksParams{
		OrgID: t.orgID, Enabled: boolFilter(f.Enabled), Source: f.Source, UpdatedSince: since(f.UpdatedSince),
		Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Webhook]{}, fmt.Errorf("list webhooks: %w", err)
	}
	var out porter.List[*porter.Webhook]
	for _, r := range rows {
		out.Items = append(out.Items, webhook(r.Webhook))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) WebhookSecrets(ctx context.Context, id int64) (porter.WebhookSealedSecrets, error) {
	r, err := t.q.GetWebhookSecrets(ctx, db.GetWebhookSecretsParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return porter.WebhookSealedSecrets{}, notFound(err, "webhook", id)
	}
	return porter.WebhookSealedSecrets{Current: r.Secret, Previous: r.PreviousSecret, PreviousExpiresAt: pnts(r.PreviousSecretExpiresAt)}, nil
}

func (t *tx) SetWebhookSecrets(ctx context.Context, id int64, s porter.WebhookSealedSecrets) error {
	n, err := t.q.SetWebhookSecrets(ctx, db.SetWebhookSecretsParams{
		OrgID: t.orgID, ID: id, Secret: sealedBytes(s.Current), PreviousSecret: sealedBytes(s.Previous),
		PreviousSecretExpiresAt: nts(s.PreviousExpiresAt),
	})
	return affected(n, err, "webhook", id)
}

// WebhookSigningKeys: see porter.WebhookTx.
func (t *tx) WebhookSigningKeys(ctx context.Context) ([]porter.WebhookKeys, error) {
	rows, err := t.q.ListWebhookSigningKeys(ctx, t.orgID)
	if err != nil {
		return nil, fmt.Errorf("webhook signing keys: %w", err)
	}
	out := make([]porter.WebhookKeys, len(rows))
	for i, r := range rows {
		out[i] = porter.WebhookKeys{WebhookID: r.ID, Sealed: porter.WebhookSealedSecrets{
			Current: r.Secret, Previous: r.PreviousSecret, PreviousExpiresAt: pnts(r.PreviousSecretExpiresAt)}}
	}
	return out, nil
}

// OrganizationByPublicID: see porter.Store.
func (d *DB) OrganizationByPublicID(ctx context.Context, publicID string) (int64, error) {
	id, err := db.New(d.read).GetOrganizationIDByPublicID(ctx, publicID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, porter.Errorf(porter.ENOTFOUND, "no organization has the public id %q", publicID)
	} else if err != nil {
		return 0, fmt.Errorf("find organization by public id: %w", err)
	}
	return id, nil
}

func webhook(r db.Webhook) *porter.Webhook {
	w := &porter.Webhook{
		ID: r.ID, URL: r.Url, Events: decodeStrings(r.Events), Description: r.Description,
		RetrySchedule: decodeInts(r.RetrySchedule), TimeoutSeconds: int(r.TimeoutSeconds), Headers: decodeHeaders(r.Headers),
		Ordered: r.Ordered, Enabled: r.Enabled, DisabledReason: r.DisabledReason, Source: r.Source,
		Signature: r.Signature, PublicKey: r.PublicKey, PayloadFormat: r.PayloadFormat, SignatureHeader: r.SignatureHeader,
		SecretRotatedAt: pnts(r.SecretRotatedAt), CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt),
	}
	if w.Events == nil {
		w.Events = []string{}
	}
	if w.RetrySchedule == nil {
		w.RetrySchedule = []int{}
	}
	return w
}

// sealedBytes stores "no secret" as empty bytes: the columns are NOT NULL.
func sealedBytes(s porter.SealedSecret) []byte {
	if s == nil {
		return []byte{}
	}
	return s
}

func encodeHeaders(h map[string]string) string {
	if len(h) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(h)
	return string(b)
}

func decodeHeaders(s string) map[string]string {
	h := map[string]string{}
	_ = json.Unmarshal([]byte(s), &h)
	return h
}

// boolFilter is an optional boolean as the list query takes it.
func boolFilter(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "true"
	}
	return "false"
}
