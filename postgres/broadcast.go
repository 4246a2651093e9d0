package postgres

import (
	"context"
	"fmt"

	"porter"
	"porter/postgres/internal/db"
)

func (t *tx) InsertBroadcast(ctx context.Context, b *porter.Broadcast) error {
	id, err := t.q.InsertBroadcast(ctx, db.InsertBroadcastParams{
		OrgID: t.orgID, Subject: b.Subject, Body: b.Body, Audience: b.Audience, Channel: b.Channel,
		PropertyID: b.PropertyID, Recipients: int64(b.Recipients), Skipped: int64(b.Skipped), CreatedAt: b.CreatedAt,
	})
	if err != nil {
		return fmt.Errorf("insert broadcast: %w", err)
	}
	b.ID = id
	return nil
}

func (t *tx) Broadcast(ctx context.Context, id int64) (*porter.Broadcast, error) {
	r, err := t.q.GetBroadcast(ctx, db.GetBroadcastParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "broadcast", id)
	}
	return broadcast(r), nil
}

func (t *tx) Broadcasts(ctx context.Context, f porter.BroadcastFilter) (porter.List[*porter.Broadcast], error) {
	rows, err := t.q.ListBroadcasts(ctx, db.ListBroadcastsParams{
		OrgID: t.orgID, Audience: f.Audience, CreatedSince: since(f.UpdatedSince), Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Broadcast]{}, fmt.Errorf("list broadcasts: %w", err)
	}
	var out porter.List[*porter.Broadcast]
	for _, r := range rows {
		out.Items = append(out.Items, broadcast(r.Broadcast))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) BroadcastMessages(ctx context.Context, id int64, p porter.ListParams) (porter.List[*porter.Message], error) {
	rows, err := t.q.ListBroadcastMessagesPage(ctx, db.ListBroadcastMessagesPageParams{
		OrgID: t.orgID, BroadcastID: &id, Lim: int32(p.Limit()), AboveID: p.After, Off: int32(p.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Message]{}, fmt.Errorf("list broadcast messages: %w", err)
	}
	var out porter.List[*porter.Message]
	for _, r := range rows {
		out.Items = append(out.Items, message(r.Message))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) Recipients(ctx context.Context, audience string, propertyID int64) ([]porter.Recipient, error) {
	var out []porter.Recipient
	add := func(id int64, email, phone string) {
		out = append(out, porter.Recipient{ID: id, Email: email, Phone: phone})
	}
	switch audience {
	case "all_tenants":
		rows, err := t.q.AllTenantRecipients(ctx, t.orgID)
		for _, r := range rows {
			add(r.ID, r.Email, r.Phone)
		}
		return out, err
	case "property_tenants":
		rows, err := t.q.PropertyTenantRecipients(ctx, db.PropertyTenantRecipientsParams{OrgID: t.orgID, PropertyID: propertyID})
		for _, r := range rows {
			add(r.ID, r.Email, r.Phone)
		}
		return out, err
	case "vendors":
		rows, err := t.q.VendorRecipients(ctx, t.orgID)
		for _, r := range rows {
			add(r.ID, r.Email, r.Phone)
		}
		return out, err
	case "staff":
		rows, err := t.q.StaffRecipients(ctx, t.orgID)
		for _, r := range rows {
			add(r.ID, r.Email, r.Phone)
		}
		return out, err
	}
	return nil, fmt.Errorf("recipients: unknown audience %q", audience)
}

func broadcast(r db.Broadcast) *porter.Broadcast {
	return &porter.Broadcast{
		ID: r.ID, Subject: r.Subject, Body: r.Body, Audience: r.Audience, Channel: r.Channel,
		PropertyID: r.PropertyID, Recipients: int(r.Recipients), Skipped: int(r.Skipped), CreatedAt: r.CreatedAt,
	}
}

func message(r db.Message) *porter.Message {
	return &porter.Message{
		ID: r.ID, OrgID: r.OrgID, Channel: r.Channel, To: r.Recipient, Subject: r.Subject, Body: r.Body,
		Status: r.Status, BroadcastID: r.BroadcastID, Error: r.Error, Attempts: int(r.Attempts),
		CreatedAt: r.CreatedAt, SentAt: r.SentAt, BookingID: r.BookingID, TemplateID: r.TemplateID,
	}
}
