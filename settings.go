package porter

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Limits on an organization's lease alert thresholds.
const (
	MaxLeaseAlerts   = 5
	MaxLeaseAlertDay = 365
)

// OrganizationInput edits an organization's settings; nil fields are left
// alone.
type OrganizationInput struct {
	Name           *string `json:"name"`
	LeaseAlertDays *[]int  `json:"lease_alert_days"`
}

func (o *Organization) validate() error {
	var v Validation
	v.Required("name", o.Name)
	if len(o.LeaseAlertDays) > MaxLeaseAlerts {
		v.Add("lease_alert_days", "must hold at most %d values", MaxLeaseAlerts)
	}
	seen := map[int]bool{}
	for _, d := range o.LeaseAlertDays {
		if d < 1 || d > MaxLeaseAlertDay {
			v.Add("lease_alert_days", "values must be from 1 to %d, not %d", MaxLeaseAlertDay, d)
			break
		}
		if seen[d] {
			v.Add("lease_alert_days", "holds %d twice", d)
			break
		}
		seen[d] = true
	}
	return v.Err()
}

// Organization returns the caller's organization and its settings.
func (s *Service) Organization(ctx context.Context, orgID int64) (*Organization, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Organization, error) { return tx.Organization(ctx) })
}

// UpdateOrganization edits the caller's organization. An empty
// lease_alert_days turns lease.expiring_soon off.
func (s *Service) UpdateOrganization(ctx context.Context, orgID int64, in OrganizationInput) (*Organization, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Organization, error) {
		org, err := tx.OrganizationForUpdate(ctx)
		if err != nil {
			return nil, err
		}
		before := *org
		before.LeaseAlertDays = slices.Clone(org.LeaseAlertDays)
		set(&org.Name, in.Name)
		if in.LeaseAlertDays != nil {
			org.LeaseAlertDays = slices.Clone(*in.LeaseAlertDays)
			if org.LeaseAlertDays == nil {
				org.LeaseAlertDays = []int{}
			}
			slices.Sort(org.LeaseAlertDays)
		}
		if err := org.validate(); err != nil {
			return nil, err
		}
		if err := tx.UpdateOrganization(ctx, org); err != nil {
			return nil, fmt.Errorf("update organization: %w", err)
		}
		return org, record(ctx, tx, now, "organization.updated", "organization", org.ID, org, &before)
	})
}
