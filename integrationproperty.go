package porter

import (
	"context"
	"fmt"
	"time"
)

// The property target: a building (or project) the source knows becomes
// a property, created the first time and updated after; work orders from
// the same integration then find it by the building's source id.

type propertyTarget struct{}

func init() { registerIntegrationTarget("property", propertyTarget{}) }

func (propertyTarget) fields() []integrationField {
	return []integrationField{{Name: "name"}, {Name: "address"}, {Name: "city"}, {Name: "postal_code"}, {Name: "country"}}
}

func (propertyTarget) apply(ctx context.Context, tx Tx, now time.Time, r *integrationRecord) (IntegrationRef, error) {
	in := PropertyInput{Name: ptrIf(r.Values["name"]), Address: ptrIf(r.Values["address"]), City: ptrIf(r.Values["city"]),
		PostalCode: ptrIf(r.Values["postal_code"]), Country: ptrIf(r.Values["country"])}
	if r.Link != nil && r.Link.TargetType == "property" {
		p, err := tx.PropertyForUpdate(ctx, r.Link.TargetID)
		if err == nil {
			before := *p
			in.apply(p)
			if err := p.validate(); err != nil {
				return IntegrationRef{}, mappingInvalid(err)
			}
			if unchanged(&before, p) {
				return IntegrationRef{"property", p.ID}, nil
			}
			p.UpdatedAt = now
			if err := tx.UpdateProperty(ctx, p); err != nil {
				return IntegrationRef{}, fmt.Errorf("update property: %w", err)
			}
			return IntegrationRef{"property", p.ID}, record(ctx, tx, now, "property.updated", "property", p.ID, p, &before)
		}
		if ErrorCode(err) != ENOTFOUND {
			return IntegrationRef{}, err
		}
	}
	p := &Property{Status: PropertyActive, CreatedAt: now, UpdatedAt: now}
	in.apply(p)
	if err := p.validate(); err != nil {
		return IntegrationRef{}, mappingInvalid(err)
	}
	if err := tx.InsertProperty(ctx, p); err != nil {
		return IntegrationRef{}, fmt.Errorf("create property: %w", err)
	}
	return IntegrationRef{"property", p.ID}, record(ctx, tx, now, "property.created", "property", p.ID, p, nil)
}
