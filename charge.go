package porter

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Charge is an amount a tenant owes: rent, a utility bill, a late fee.
// Payments lower its balance; it is paid when the balance reaches zero.
type Charge struct {
	ID          int64      `json:"id"`
	TenantID    int64      `json:"tenant_id"`
	LeaseID     *int64     `json:"lease_id"`
	Amount      Money      `json:"amount"`
	Balance     Money      `json:"balance"` // what is still owed
	Description string     `json:"description"`
	DueDate     string     `json:"due_date"` // YYYY-MM-DD
	Category    string     `json:"category"` // one of the organization's charge_categories
	Status      string     `json:"status"`   // open | partially_paid | paid | void
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PaidAt      *time.Time `json:"paid_at"`
	VoidedAt    *time.Time `json:"voided_at"`
}

const (
	ChargeOpen          = "open"
	ChargePartiallyPaid = "partially_paid"
	ChargePaid          = "paid"
	ChargeVoid          = "void"
)

var chargeStatuses = []string{ChargeOpen, ChargePartiallyPaid, ChargePaid, ChargeVoid}

// chargeCategories returns the categories the organization's charges may
// take, and the one a charge without a category gets: "other" while the
// list holds it, else the list's first.
func chargeCategories(ctx context.Context, tx Tx) (allowed []string, def string, err error) {
	org, err := tx.Organization(ctx)
	if err != nil {
		return nil, "", err
	}
	allowed = org.ChargeCategories
	if len(allowed) == 0 {
		allowed = DefaultChargeCategories()
	}
	def = allowed[0]
	if slices.Contains(allowed, "other") {
		def = "other"
	}
	return allowed, def, nil
}

// checkCategory refuses a category the organization does not define,
// listing those it does.
func checkCategory(v *Validation, category string, allowed []string) {
	if !slices.Contains(allowed, category) {
		v.Add("category", "must be one of %s: the organization's charge_categories, which PATCH /v1/organization changes",
			strings.Join(allowed, ", "))
	}
}

// ChargeFilter narrows a charge listing.
type ChargeFilter struct {
	ListParams
	TenantID int64
	LeaseID  int64
	Status   string
	Category string
	// OverdueOn, a date (YYYY-MM-DD), keeps the charges still owing on
	// that day whose due date is before it; "" keeps all.
	OverdueOn string
}

// ChargeTx stores charges.
type ChargeTx interface {
	InsertCharge(ctx context.Context, c *Charge) error
	Charge(ctx context.Context, id int64) (*Charge, error)
	// ChargeForUpdate is Charge, locking the row until the transaction
	// ends on engines with concurrent writers.
	ChargeForUpdate(ctx context.Context, id int64) (*Charge, error)
	// OpenCharges returns a tenant's open and partially paid charges,
	// oldest due date first, then lowest id, locked like ChargeForUpdate.
	OpenCharges(ctx context.Context, tenantID int64) ([]*Charge, error)
	UpdateCharge(ctx context.Context, c *Charge) error
	Charges(ctx context.Context, f ChargeFilter) (List[*Charge], error)
}

// ChargeInput creates a charge.
type ChargeInput struct {
	TenantID    *int64  `json:"tenant_id"`
	LeaseID     *int64  `json:"lease_id"`
	Amount      *Money  `json:"amount"`
	Description *string `json:"description"`
	DueDate     *string `json:"due_date"`
	Category    *string `json:"category"`
}

// ChargeUpdate edits an open charge. The amount and tenant are not
// editable: void the charge and create another.
type ChargeUpdate struct {
	Description *string `json:"description"`
	DueDate     *string `json:"due_date"`
	Category    *string `json:"category"`
}

func (in ChargeUpdate) apply(c *Charge) {
	set(&c.Description, in.Description)
	set(&c.DueDate, in.DueDate)
	set(&c.Category, in.Category)
}

// validate checks the editable fields, adding to v what the caller found.
// The category is checked against allowed only when given: a charge keeps
// a category its organization has since dropped.
func (c *Charge) validate(v Validation, category *string, allowed []string) error {
	v.Required("description", c.Description)
	if c.DueDate == "" {
		v.Add("due_date", "is required")
	} else if _, err := ParseDate(c.DueDate); err != nil {
		v.Add("due_date", "%s", err)
	}
	if category != nil {
		checkCategory(&v, c.Category, allowed)
	}
	return v.Err()
}

// CreateCharge adds a charge to a tenant. It starts open, owing its whole
// amount.
func (s *Service) CreateCharge(ctx context.Context, orgID int64, in ChargeInput) (*Charge, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Charge, error) {
		allowed, def, err := chargeCategories(ctx, tx)
		if err != nil {
			return nil, err
		}
		c := &Charge{Category: def, Status: ChargeOpen, CreatedAt: now, UpdatedAt: now, LeaseID: in.LeaseID}
		var v Validation
		if in.TenantID == nil {
			v.Add("tenant_id", "is required")
		} else {
			c.TenantID = *in.TenantID
		}
		if in.Amount == nil {
			v.Add("amount", "is required")
		} else if c.Amount = *in.Amount; c.Amount <= 0 {
			v.Add("amount", "must be greater than 0")
		}
		ChargeUpdate{in.Description, in.DueDate, in.Category}.apply(c)
		if err := c.validate(v, in.Category, allowed); err != nil {
			return nil, err
		}
		if err := refExists(ctx, "tenant_id", c.TenantID, tx.Tenant); err != nil {
			return nil, err
		}
		if c.LeaseID != nil {
			if err := refExists(ctx, "lease_id", *c.LeaseID, tx.Lease); err != nil {
				return nil, err
			}
			if l, _ := tx.Lease(ctx, *c.LeaseID); !slices.Contains(l.TenantIDs, c.TenantID) {
				return nil, &Error{Code: EINVALID, Message: fmt.Sprintf("lease_id %d is not a lease of tenant %d", *c.LeaseID, c.TenantID),
					Fields: []FieldError{{Field: "lease_id", Message: fmt.Sprintf("is not a lease of tenant %d", c.TenantID)}}}
			}
		}
		c.Balance = c.Amount
		if err := tx.InsertCharge(ctx, c); err != nil {
			return nil, fmt.Errorf("create charge: %w", err)
		}
		return c, record(ctx, tx, now, "charge.created", "charge", c.ID, c, nil)
	})
}

// UpdateCharge edits an open charge's description, due date or category.
// Once money has been applied to a charge it is part of the tenant's
// ledger and stays as it is.
func (s *Service) UpdateCharge(ctx context.Context, orgID, id int64, in ChargeUpdate) (*Charge, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Charge, error) {
		c, err := tx.ChargeForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if c.Status != ChargeOpen {
			return nil, Errorf(ECONFLICT, "charge %d is %s: only an open charge can be edited", id, c.Status)
		}
		before := *c
		in.apply(c)
		var allowed []string
		if in.Category != nil {
			if allowed, _, err = chargeCategories(ctx, tx); err != nil {
				return nil, err
			}
		}
		if err := c.validate(Validation{}, in.Category, allowed); err != nil {
			return nil, err
		}
		if unchanged(&before, c) {
			return c, nil // an empty edit writes nothing
		}
		c.UpdatedAt = now
		if err := tx.UpdateCharge(ctx, c); err != nil {
			return nil, fmt.Errorf("update charge: %w", err)
		}
		return c, record(ctx, tx, now, "charge.updated", "charge", c.ID, c, &before)
	})
}

// VoidCharge cancels a charge nothing has been paid on: it no longer owes
// anything. A charge with payments applied cannot be voided, since that
// would orphan the money; record a credit instead.
func (s *Service) VoidCharge(ctx context.Context, orgID, id int64) (*Charge, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Charge, error) {
		c, err := tx.ChargeForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		switch {
		case c.Status == ChargeVoid:
			return nil, Errorf(ECONFLICT, "charge %d is already void", id)
		case c.Status != ChargeOpen || c.Balance != c.Amount:
			return nil, Errorf(ECONFLICT, "charge %d is %s: only a charge with no payments applied can be voided", id, c.Status)
		}
		before := *c
		c.Status, c.Balance, c.VoidedAt, c.UpdatedAt = ChargeVoid, 0, &now, now
		if err := tx.UpdateCharge(ctx, c); err != nil {
			return nil, fmt.Errorf("void charge: %w", err)
		}
		return c, record(ctx, tx, now, "charge.updated", "charge", c.ID, c, &before)
	})
}

// Charge returns one charge.
func (s *Service) Charge(ctx context.Context, orgID, id int64) (*Charge, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Charge, error) { return tx.Charge(ctx, id) })
}

// Charges lists charges, newest first.
func (s *Service) Charges(ctx context.Context, orgID int64, f ChargeFilter) (List[*Charge], error) {
	f.Normalize()
	var v Validation
	if f.Status != "" {
		v.OneOf("status", f.Status, chargeStatuses...)
	}
	if f.Category != "" && !validCategory(f.Category) {
		v.Add("category", "%q is not a category: categories are 1 to %d lower-case letters, digits, _ or -", f.Category, maxChargeCategoryBytes)
	}
	if f.OverdueOn != "" {
		if _, err := ParseDate(f.OverdueOn); err != nil {
			v.Add("overdue_on", "%s", err)
		}
	}
	if err := v.Err(); err != nil {
		return List[*Charge]{}, err
	}
	// Any well-formed category filters, even one the organization has since dropped:
	// its old charges still carry it.
	return view(ctx, s, orgID, func(tx Tx) (List[*Charge], error) { return tx.Charges(ctx, f) })
}

// apply takes up to amount off the charge's balance and returns how much
// it took, moving the charge to partially_paid or paid.
func (c *Charge) apply(amount Money, now time.Time) Money {
	take := min(amount, c.Balance)
	if take <= 0 {
		return 0
	}
	c.Balance -= take
	c.Status = ChargePartiallyPaid
	if c.Balance == 0 {
		c.Status, c.PaidAt = ChargePaid, &now
	}
	c.UpdatedAt = now
	return take
}
