package porter

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Property is a building or site in the portfolio.
type Property struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Address    string     `json:"address"`
	City       string     `json:"city"`
	PostalCode string     `json:"postal_code"`
	Country    string     `json:"country"`
	Status     string     `json:"status"` // active | archived
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	ArchivedAt *time.Time `json:"archived_at"`
}

const (
	PropertyActive   = "active"
	PropertyArchived = "archived"
)

// PropertyFilter narrows a property listing.
type PropertyFilter struct {
	ListParams
	Status string
}

// PropertyTx stores properties.
type PropertyTx interface {
	InsertProperty(ctx context.Context, p *Property) error
	Property(ctx context.Context, id int64) (*Property, error)
	// PropertyForUpdate is Property, locking the row until the transaction ends
	// where the engine has concurrent writers.
	PropertyForUpdate(ctx context.Context, id int64) (*Property, error)
	UpdateProperty(ctx context.Context, p *Property) error
	Properties(ctx context.Context, f PropertyFilter) (List[*Property], error)
}

// PropertyInput creates a property; on PATCH, nil fields are left alone.
type PropertyInput struct {
	Name       *string `json:"name"`
	Address    *string `json:"address"`
	City       *string `json:"city"`
	PostalCode *string `json:"postal_code"`
	Country    *string `json:"country"`
}

func (in PropertyInput) apply(p *Property) {
	set(&p.Name, in.Name)
	set(&p.Address, in.Address)
	set(&p.City, in.City)
	set(&p.PostalCode, in.PostalCode)
	set(&p.Country, in.Country)
}

func (p *Property) validate() error {
	var v Validation
	v.Required("name", p.Name)
	return v.Err()
}

// set copies *src into dst when src is given, trimming strings.
func set[T any](dst *T, src *T) {
	if src == nil {
		return
	}
	if s, ok := any(*src).(string); ok {
		*dst = any(strings.TrimSpace(s)).(T)
		return
	}
	*dst = *src
}

// CreateProperty adds a property.
func (s *Service) CreateProperty(ctx context.Context, orgID int64, in PropertyInput) (*Property, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Property, error) {
		p := &Property{Status: PropertyActive, CreatedAt: now, UpdatedAt: now}
		in.apply(p)
		if err := p.validate(); err != nil {
			return nil, err
		}
		if err := tx.InsertProperty(ctx, p); err != nil {
			return nil, fmt.Errorf("create property: %w", err)
		}
		return p, record(ctx, tx, now, "property.created", "property", p.ID, p, nil)
	})
}

// UpdateProperty edits a property.
func (s *Service) UpdateProperty(ctx context.Context, orgID, id int64, in PropertyInput) (*Property, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Property, error) {
		p, err := tx.PropertyForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		before := *p
		in.apply(p)
		if err := p.validate(); err != nil {
			return nil, err
		}
		if unchanged(&before, p) {
			return p, nil // an empty edit writes nothing
		}
		p.UpdatedAt = now
		if err := tx.UpdateProperty(ctx, p); err != nil {
			return nil, fmt.Errorf("update property: %w", err)
		}
		return p, record(ctx, tx, now, "property.updated", "property", p.ID, p, &before)
	})
}

// ArchiveProperty archives a property.
func (s *Service) ArchiveProperty(ctx context.Context, orgID, id int64) (*Property, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Property, error) {
		p, err := tx.PropertyForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if p.Status == PropertyArchived {
			return nil, Errorf(ECONFLICT, "property %d is already archived", id)
		}
		before := *p
		p.Status, p.ArchivedAt, p.UpdatedAt = PropertyArchived, &now, now
		if err := tx.UpdateProperty(ctx, p); err != nil {
			return nil, fmt.Errorf("archive property: %w", err)
		}
		return p, record(ctx, tx, now, "property.archived", "property", p.ID, p, &before)
	})
}

// Property returns one property.
func (s *Service) Property(ctx context.Context, orgID, id int64) (*Property, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Property, error) { return tx.Property(ctx, id) })
}

// Properties lists properties, newest first.
func (s *Service) Properties(ctx context.Context, orgID int64, f PropertyFilter) (List[*Property], error) {
	f.Normalize()
	if f.Status != "" {
		var v Validation
		v.OneOf("status", f.Status, PropertyActive, PropertyArchived)
		if err := v.Err(); err != nil {
			return List[*Property]{}, err
		}
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*Property], error) { return tx.Properties(ctx, f) })
}
