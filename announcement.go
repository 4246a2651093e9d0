package porter

import (
	"context"
	"fmt"
	"time"
)

// Acknowledgement records that a tenant read a broadcast sent to tenants
// (an announcement): once per tenant and broadcast.
type Acknowledgement struct {
	ID             int64     `json:"id"`
	BroadcastID    int64     `json:"broadcast_id"`
	TenantID       int64     `json:"tenant_id"`
	AcknowledgedAt time.Time `json:"acknowledged_at"`
}

// AcknowledgementInput names the tenant who acknowledges.
type AcknowledgementInput struct {
	TenantID *int64 `json:"tenant_id"`
}

// AcknowledgementTx stores acknowledgements.
type AcknowledgementTx interface {
	// InsertAcknowledgement stores a and sets its ID; inserted is false
	// (and a left alone) when the tenant had already acknowledged.
	InsertAcknowledgement(ctx context.Context, a *Acknowledgement) (inserted bool, err error)
	Acknowledgement(ctx context.Context, broadcastID, tenantID int64) (*Acknowledgement, error)
	Acknowledgements(ctx context.Context, broadcastID int64, p ListParams) (List[*Acknowledgement], error)
}

// AcknowledgeBroadcast records that a tenant acknowledged a broadcast sent
// to tenants → announcement.acknowledged. A second acknowledgement by the
// same tenant changes nothing and returns the first (created false).
func (s *Service) AcknowledgeBroadcast(ctx context.Context, orgID, broadcastID int64, in AcknowledgementInput) (*Acknowledgement, bool, error) {
	return updateUpsert(ctx, s, orgID, func(tx Tx, now time.Time) (*Acknowledgement, bool, error) {
		return acknowledgeBroadcast(ctx, tx, now, broadcastID, in)
	})
}

// acknowledgeBroadcast is AcknowledgeBroadcast inside a transaction.
func acknowledgeBroadcast(ctx context.Context, tx Tx, now time.Time, broadcastID int64, in AcknowledgementInput) (*Acknowledgement, bool, error) {
	b, err := tx.Broadcast(ctx, broadcastID)
	if err != nil {
		return nil, false, err
	}
	var v Validation
	if in.TenantID == nil || *in.TenantID == 0 {
		v.Add("tenant_id", "is required: the tenant who acknowledges")
	} else if _, err := tx.Tenant(ctx, *in.TenantID); ErrorCode(err) == ENOTFOUND {
		v.Add("tenant_id", "%d does not exist", *in.TenantID)
	} else if err != nil {
		return nil, false, err
	}
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	if b.Audience != "all_tenants" && b.Audience != "property_tenants" {
		return nil, false, Errorf(ECONFLICT, "broadcast %d was sent to %s, not to tenants: tenants cannot acknowledge it", b.ID, b.Audience)
	}
	ack := &Acknowledgement{BroadcastID: b.ID, TenantID: *in.TenantID, AcknowledgedAt: now}
	ok, err := tx.InsertAcknowledgement(ctx, ack)
	if err != nil {
		return nil, false, fmt.Errorf("acknowledge broadcast: %w", err)
	}
	if !ok {
		first, err := tx.Acknowledgement(ctx, b.ID, ack.TenantID)
		return first, false, err
	}
	data := map[string]any{"acknowledgement": ack, "broadcast": b}
	return ack, true, recordNested(ctx, tx, now, "announcement.acknowledged", "broadcast", b.ID, data, nil, nil)
}

// Acknowledgements lists who acknowledged a broadcast, latest first.
func (s *Service) Acknowledgements(ctx context.Context, orgID, broadcastID int64, p ListParams) (List[*Acknowledgement], error) {
	p.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Acknowledgement], error) {
		if _, err := tx.Broadcast(ctx, broadcastID); err != nil {
			return List[*Acknowledgement]{}, err
		}
		return tx.Acknowledgements(ctx, broadcastID, p)
	})
}
