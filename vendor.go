package porter

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Vendor is an outside contractor work orders can be assigned to: a
// plumber, an electrician, a cleaning company.
type Vendor struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Trade     string    `json:"trade"` // free text, e.g. plumbing
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Status    string    `json:"status"` // active | inactive
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

const (
	VendorActive   = "active"
	VendorInactive = "inactive"
)

// VendorStatuses lists every vendor status; the API documents these.
var VendorStatuses = []string{VendorActive, VendorInactive}

// VendorFilter narrows a vendor listing.
type VendorFilter struct {
	ListParams
	Status string
	Trade  string
}

// VendorTx stores vendors.
type VendorTx interface {
	InsertVendor(ctx context.Context, v *Vendor) error
	Vendor(ctx context.Context, id int64) (*Vendor, error)
	// VendorForUpdate is Vendor, locking the row until the transaction ends
	// where the engine has concurrent writers.
	VendorForUpdate(ctx context.Context, id int64) (*Vendor, error)
	UpdateVendor(ctx context.Context, v *Vendor) error
	Vendors(ctx context.Context, f VendorFilter) (List[*Vendor], error)
}

// VendorInput creates a vendor; on PATCH, nil fields are left alone.
type VendorInput struct {
	Name   *string `json:"name"`
	Trade  *string `json:"trade"`
	Email  *string `json:"email"`
	Phone  *string `json:"phone"`
	Status *string `json:"status"`
}

func (in VendorInput) apply(v *Vendor) {
	set(&v.Name, in.Name)
	set(&v.Trade, in.Trade)
	set(&v.Email, in.Email)
	set(&v.Phone, in.Phone)
	set(&v.Status, in.Status)
	v.Email = strings.ToLower(v.Email)
}

func (v *Vendor) validate() error {
	var val Validation
	val.Required("name", v.Name)
	if v.Email != "" {
		if a, err := mail.ParseAddress(v.Email); err != nil || a.Address != v.Email {
			val.Add("email", "must be an email address")
		}
	}
	val.OneOf("status", v.Status, VendorStatuses...)
	return val.Err()
}

// CreateVendor adds a vendor, active unless told otherwise.
func (s *Service) CreateVendor(ctx context.Context, orgID int64, in VendorInput) (*Vendor, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Vendor, error) {
		v := &Vendor{Status: VendorActive, CreatedAt: now, UpdatedAt: now}
		in.apply(v)
		if err := v.validate(); err != nil {
			return nil, err
		}
		if err := tx.InsertVendor(ctx, v); err != nil {
			return nil, fmt.Errorf("create vendor: %w", err)
		}
		return v, record(ctx, tx, now, "vendor.created", "vendor", v.ID, v, nil)
	})
}

// UpdateVendor edits a vendor. Deactivating one leaves its work orders
// assigned; it only stops new assignments.
func (s *Service) UpdateVendor(ctx context.Context, orgID, id int64, in VendorInput) (*Vendor, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Vendor, error) {
		v, err := tx.VendorForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		before := *v
		in.apply(v)
		if err := v.validate(); err != nil {
			return nil, err
		}
		if unchanged(&before, v) {
			return v, nil // an empty edit writes nothing
		}
		v.UpdatedAt = now
		if err := tx.UpdateVendor(ctx, v); err != nil {
			return nil, fmt.Errorf("update vendor: %w", err)
		}
		return v, record(ctx, tx, now, "vendor.updated", "vendor", v.ID, v, &before)
	})
}

// Vendor returns one vendor.
func (s *Service) Vendor(ctx context.Context, orgID, id int64) (*Vendor, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Vendor, error) { return tx.Vendor(ctx, id) })
}

// Vendors lists vendors, newest first.
func (s *Service) Vendors(ctx context.Context, orgID int64, f VendorFilter) (List[*Vendor], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Vendor], error) { return tx.Vendors(ctx, f) })
}
