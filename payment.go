package porter

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Payment is money received from a tenant (or an attempt that failed). A
// succeeded payment is applied to the tenant's charges when it is
// recorded; what no charge needed stays on it as unapplied credit.
type Payment struct {
	ID              int64        `json:"id"`
	TenantID        int64        `json:"tenant_id"`
	Amount          Money        `json:"amount"`
	Method          string       `json:"method"` // free text: cash, check, bank_transfer, stripe_card…
	Reference       string       `json:"reference"`
	Notes           string       `json:"notes"`
	ChargeID        *int64       `json:"charge_id"` // the one charge it was meant for, if any
	Status          string       `json:"status"`    // succeeded | failed
	Error           *string      `json:"error"`     // why it failed; null when it succeeded
	Allocations     []Allocation `json:"allocations"`
	UnappliedAmount Money        `json:"unapplied_amount"`
	CreatedAt       time.Time    `json:"created_at"`
}

// Allocation is the part of a payment applied to one charge.
type Allocation struct {
	ChargeID int64 `json:"charge_id"`
	Amount   Money `json:"amount"`
}

const (
	PaymentSucceeded = "succeeded"
	PaymentFailed    = "failed"

	// DefaultPaymentMethod is seed 000's default for method.
	DefaultPaymentMethod = "manual"
)

// PaymentStatuses lists every payment status; the API documents these.
var PaymentStatuses = []string{PaymentSucceeded, PaymentFailed}

// PaymentFilter narrows a payment listing. Payments never change, so
// UpdatedSince applies to created_at.
type PaymentFilter struct {
	ListParams
	TenantID int64
	Status   string
	Method   string
}

// PaymentTx stores payments.
type PaymentTx interface {
	// InsertPayment stores p and its allocations and sets p.ID.
	InsertPayment(ctx context.Context, p *Payment) error
	Payment(ctx context.Context, id int64) (*Payment, error)
	Payments(ctx context.Context, f PaymentFilter) (List[*Payment], error)
}

// PaymentInput records a payment. Status and Error are for payment
// providers reporting an attempt (v1 only); seed 000 records succeeded
// manual payments.
type PaymentInput struct {
	TenantID  *int64  `json:"tenant_id"`
	Amount    *Money  `json:"amount"`
	Method    *string `json:"method"`
	Reference *string `json:"reference"`
	Notes     *string `json:"notes"`
	ChargeID  *int64  `json:"charge_id"`
	Status    *string `json:"status"`
	Error     *string `json:"error"`
}

func (in PaymentInput) payment(now time.Time) (*Payment, error) {
	p := &Payment{Method: DefaultPaymentMethod, Status: PaymentSucceeded, ChargeID: in.ChargeID,
		Allocations: []Allocation{}, CreatedAt: now}
	var v Validation
	if in.TenantID == nil {
		v.Add("tenant_id", "is required")
	} else {
		p.TenantID = *in.TenantID
	}
	if in.Amount == nil {
		v.Add("amount", "is required")
	} else if p.Amount = *in.Amount; p.Amount <= 0 {
		v.Add("amount", "must be greater than 0")
	}
	if in.Method != nil && strings.TrimSpace(*in.Method) != "" {
		p.Method = strings.TrimSpace(*in.Method)
	}
	set(&p.Reference, in.Reference)
	set(&p.Notes, in.Notes)
	set(&p.Status, in.Status)
	v.OneOf("status", p.Status, PaymentStatuses...)
	reason := ""
	if in.Error != nil {
		reason = strings.TrimSpace(*in.Error)
	}
	switch {
	case p.Status == PaymentFailed && reason == "":
		v.Add("error", "is required when status is failed")
	case p.Status == PaymentFailed:
		p.Error = &reason
	case reason != "":
		v.Add("error", "is only for failed payments")
	}
	return p, v.Err()
}

// RecordPayment records a payment and, if it succeeded, applies it: to
// charge_id alone when given, otherwise to the tenant's open and partially
// paid charges, oldest due date first, until the amount runs out. What is
// left is unapplied credit. A failed payment applies nothing.
func (s *Service) RecordPayment(ctx context.Context, orgID int64, in PaymentInput) (*Payment, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Payment, error) {
		p, err := in.payment(now)
		if err != nil {
			return nil, err
		}
		if err := refExists(ctx, "tenant_id", p.TenantID, tx.Tenant); err != nil {
			return nil, err
		}
		// The charges are locked (on PostgreSQL) before their balances are
		// read, so that concurrent payments apply one after the other.
		var charges []*Charge
		if p.ChargeID != nil {
			c, err := paymentCharge(ctx, tx, p.TenantID, *p.ChargeID)
			if err != nil {
				return nil, err
			}
			charges = []*Charge{c}
		} else if p.Status == PaymentSucceeded {
			if charges, err = tx.OpenCharges(ctx, p.TenantID); err != nil {
				return nil, fmt.Errorf("record payment: %w", err)
			}
		}

		type change struct{ charge, before *Charge }
		var changed []change
		if p.Status == PaymentSucceeded {
			left := p.Amount
			for _, c := range charges {
				if left == 0 {
					break
				}
				before := *c
				took := c.apply(left, now)
				if took == 0 {
					continue
				}
				left -= took
				p.Allocations = append(p.Allocations, Allocation{ChargeID: c.ID, Amount: took})
				changed = append(changed, change{c, &before})
			}
			p.UnappliedAmount = left
		}

		if err := tx.InsertPayment(ctx, p); err != nil {
			return nil, fmt.Errorf("record payment: %w", err)
		}
		if err := record(ctx, tx, now, "payment."+p.Status, "payment", p.ID, p, nil); err != nil {
			return nil, err
		}
		if err := postPayment(ctx, tx, now, p); err != nil { // ERP / accounting: rent collected
			return nil, err
		}
		for _, ch := range changed {
			if err := tx.UpdateCharge(ctx, ch.charge); err != nil {
				return nil, fmt.Errorf("record payment: %w", err)
			}
			if err := record(ctx, tx, now, "charge.updated", "charge", ch.charge.ID, ch.charge, ch.before); err != nil {
				return nil, err
			}
		}
		return p, nil
	})
}

// paymentCharge returns, locked, the charge a payment names. It must be
// the tenant's and not void; any other id is the request's fault.
func paymentCharge(ctx context.Context, tx Tx, tenantID, chargeID int64) (*Charge, error) {
	c, err := tx.ChargeForUpdate(ctx, chargeID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, chargeIDError(chargeID, "does not exist")
	} else if err != nil {
		return nil, err
	}
	switch {
	case c.TenantID != tenantID:
		return nil, chargeIDError(chargeID, "belongs to another tenant")
	case c.Status == ChargeVoid:
		return nil, chargeIDError(chargeID, "is void")
	}
	return c, nil
}

func chargeIDError(id int64, problem string) error {
	return &Error{Code: EINVALID, Message: fmt.Sprintf("charge_id %d %s", id, problem),
		Fields: []FieldError{{Field: "charge_id", Message: fmt.Sprintf("%d %s", id, problem)}}}
}

// Payment returns one payment with its allocations.
func (s *Service) Payment(ctx context.Context, orgID, id int64) (*Payment, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Payment, error) { return tx.Payment(ctx, id) })
}

// Payments lists payments, newest first.
func (s *Service) Payments(ctx context.Context, orgID int64, f PaymentFilter) (List[*Payment], error) {
	f.Normalize()
	if f.Status != "" {
		var v Validation
		v.OneOf("status", f.Status, PaymentSucceeded, PaymentFailed)
		if err := v.Err(); err != nil {
			return List[*Payment]{}, err
		}
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*Payment], error) { return tx.Payments(ctx, f) })
}
