package porter

import (
	"context"
	"fmt"
	"time"
)

// Unit is a rentable space in a property: an apartment, a shop, a garage.
type Unit struct {
	ID         int64     `json:"id"`
	PropertyID int64     `json:"property_id"`
	Name       string    `json:"name"` // e.g. "12B"
	Floor      string    `json:"floor"`
	Bedrooms   int64     `json:"bedrooms"`
	Bathrooms  int64     `json:"bathrooms"`
	AreaSqm    int64     `json:"area_sqm"`
	MarketRent Money     `json:"market_rent"`
	Status     string    `json:"status"` // vacant | occupied | unavailable
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

const (
	UnitVacant      = "vacant"
	UnitOccupied    = "occupied"
	UnitUnavailable = "unavailable"
)

// UnitStatuses lists every unit status; the API documents these.
var UnitStatuses = []string{UnitVacant, UnitOccupied, UnitUnavailable}

// UnitFilter narrows a unit listing.
type UnitFilter struct {
	ListParams
	PropertyID int64
	Status     string
}

// UnitTx stores units.
type UnitTx interface {
	InsertUnit(ctx context.Context, u *Unit) error
	Unit(ctx context.Context, id int64) (*Unit, error)
	// UnitForUpdate is Unit, locking the row until the transaction ends
	// where the engine has concurrent writers.
	UnitForUpdate(ctx context.Context, id int64) (*Unit, error)
	UpdateUnit(ctx context.Context, u *Unit) error
	Units(ctx context.Context, f UnitFilter) (List[*Unit], error)
}

// UnitInput creates a unit; on PATCH, nil fields are left alone.
type UnitInput struct {
	PropertyID *int64  `json:"property_id"`
	Name       *string `json:"name"`
	Floor      *string `json:"floor"`
	Bedrooms   *int64  `json:"bedrooms"`
	Bathrooms  *int64  `json:"bathrooms"`
	AreaSqm    *int64  `json:"area_sqm"`
	MarketRent *Money  `json:"market_rent"`
	Status     *string `json:"status"`
}

func (in UnitInput) apply(u *Unit) {
	set(&u.PropertyID, in.PropertyID)
	set(&u.Name, in.Name)
	set(&u.Floor, in.Floor)
	set(&u.Bedrooms, in.Bedrooms)
	set(&u.Bathrooms, in.Bathrooms)
	set(&u.AreaSqm, in.AreaSqm)
	set(&u.MarketRent, in.MarketRent)
	set(&u.Status, in.Status)
}

func (u *Unit) validate(ctx context.Context, tx Tx) error {
	var v Validation
	v.Required("name", u.Name)
	if u.PropertyID == 0 {
		v.Add("property_id", "is required")
	} else if err := refExists(ctx, "property_id", u.PropertyID, tx.Property); err != nil {
		return err
	}
	v.OneOf("status", u.Status, UnitStatuses...)
	if u.Bedrooms < 0 {
		v.Add("bedrooms", "must not be negative")
	}
	if u.Bathrooms < 0 {
		v.Add("bathrooms", "must not be negative")
	}
	if u.AreaSqm < 0 {
		v.Add("area_sqm", "must not be negative")
	}
	if u.MarketRent < 0 {
		v.Add("market_rent", "must not be negative")
	}
	return v.Err()
}

// refExists checks that an id given in a request body names a resource of
// the organization. A missing one is the request's fault: 400, naming the
// field, not 404.
func refExists[T any](ctx context.Context, field string, id int64, get func(context.Context, int64) (T, error)) error {
	if _, err := get(ctx, id); err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return &Error{Code: EINVALID, Message: fmt.Sprintf("%s %d does not exist", field, id),
				Fields: []FieldError{{Field: field, Message: fmt.Sprintf("%d does not exist", id)}}}
		}
		return err
	}
	return nil
}

// CreateUnit adds a unit to a property.
func (s *Service) CreateUnit(ctx context.Context, orgID int64, in UnitInput) (*Unit, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Unit, error) {
		u := &Unit{Status: UnitVacant, CreatedAt: now, UpdatedAt: now}
		in.apply(u)
		if err := u.validate(ctx, tx); err != nil {
			return nil, err
		}
		if err := tx.InsertUnit(ctx, u); err != nil {
			return nil, fmt.Errorf("create unit: %w", err)
		}
		return u, record(ctx, tx, now, "unit.created", "unit", u.ID, u, nil)
	})
}

// UpdateUnit edits a unit.
func (s *Service) UpdateUnit(ctx context.Context, orgID, id int64, in UnitInput) (*Unit, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Unit, error) {
		u, err := tx.UnitForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		// Leases, work orders and inspections name the unit and its
		// property together: a unit does not move between properties.
		if in.PropertyID != nil && *in.PropertyID != u.PropertyID {
			return nil, &Error{Code: EINVALID, Message: "property_id cannot be changed: a unit stays in its property",
				Fields: []FieldError{{Field: "property_id", Message: "cannot be changed"}}}
		}
		before := *u
		in.apply(u)
		if err := u.validate(ctx, tx); err != nil {
			return nil, err
		}
		if unchanged(&before, u) {
			return u, nil // an empty edit writes nothing
		}
		u.UpdatedAt = now
		if err := tx.UpdateUnit(ctx, u); err != nil {
			return nil, fmt.Errorf("update unit: %w", err)
		}
		return u, record(ctx, tx, now, "unit.updated", "unit", u.ID, u, &before)
	})
}

// Unit returns one unit.
func (s *Service) Unit(ctx context.Context, orgID, id int64) (*Unit, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Unit, error) { return tx.Unit(ctx, id) })
}

// Units lists units, newest first.
func (s *Service) Units(ctx context.Context, orgID int64, f UnitFilter) (List[*Unit], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Unit], error) { return tx.Units(ctx, f) })
}
