package porter

import (
	"context"
)

// CreatePropertyUnaudited is CreateProperty's write as writes were before
// the audit log (the same transaction, insert and event, no audit entry):
// BenchmarkAuditOverhead compares the two.
func (s *Service) CreatePropertyUnaudited(ctx context.Context, orgID int64, in PropertyInput) (*Property, error) {
	var p *Property
	now := s.now()
	err := s.Store.Update(ctx, orgID, func(tx Tx) error {
		p = &Property{Status: PropertyActive, CreatedAt: now, UpdatedAt: now}
		in.apply(p)
		if err := p.validate(); err != nil {
			return err
		}
		if err := tx.InsertProperty(ctx, p); err != nil {
			return err
		}
		return record(ctx, tx, now, "property.created", "property", p.ID, p, nil)
	})
	return p, err
}
