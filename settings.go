package porter

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Limits on an organization's lease alert thresholds and charge categories.
const (
	MaxLeaseAlerts         = 5
	MaxLeaseAlertDay       = 365
	MaxChargeCategories    = 50
	maxChargeCategoryBytes = 40
)

// OrganizationInput edits an organization's settings; nil fields are left
// alone.
type OrganizationInput struct {
	Name           *string `json:"name"`
	LeaseAlertDays *[]int  `json:"lease_alert_days"`
	// ChargeCategories replaces the list charges' category must come
	// from. Charges already made keep theirs.
	ChargeCategories *[]string `json:"charge_categories"`
	// Short-term rentals: owners, invoices and reviews.
	InvoiceNumberFormat  *string `json:"invoice_number_format"`
	ReviewAlertThreshold *int    `json:"review_alert_threshold"`
	// Facility records: the days before a certificate's expiry at which
	// certificate.expiring_soon fires; [] turns it off.
	CertificateAlertDays *[]int `json:"certificate_alert_days"`
	// Facilities: whether handover defects become work orders.
	DefectsAsWorkOrders *bool `json:"defects_as_work_orders" doc:"whether defects a handover integration imports become work orders (true) or defect records (false, the default)"`
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
	validateChargeCategories(&v, o.ChargeCategories)
	validateAlertDays(&v, "certificate_alert_days", o.CertificateAlertDays) // facility records
	// Short-term rentals: owners, invoices and reviews.
	if _, err := ParseInvoiceNumberFormat(o.InvoiceNumberFormat); err != nil {
		v.Add("invoice_number_format", "%s", err)
	}
	if o.ReviewAlertThreshold < MinRating || o.ReviewAlertThreshold > MaxRating+1 {
		v.Add("review_alert_threshold", "must be from %d (no alerts) to %d (every review alerts)", MinRating, MaxRating+1)
	}
	return v.Err()
}

func validateChargeCategories(v *Validation, cats []string) {
	if len(cats) == 0 {
		v.Add("charge_categories", "must hold at least one category, e.g. [\"rent\", \"utility\", \"late_fee\", \"other\"]")
		return
	}
	if len(cats) > MaxChargeCategories {
		v.Add("charge_categories", "must hold at most %d categories", MaxChargeCategories)
		return
	}
	seen := map[string]bool{}
	for _, c := range cats {
		if !validCategory(c) {
			v.Add("charge_categories", "%q is not a category: use 1 to %d lower-case letters, digits, _ or -, such as parking_fee", c, maxChargeCategoryBytes)
			return
		}
		if seen[c] {
			v.Add("charge_categories", "holds %q twice", c)
			return
		}
		seen[c] = true
	}
}

// validCategory keeps categories usable as identifiers in a query string,
// a report column or a no-code tool's dropdown.
func validCategory(c string) bool {
	if c == "" || len(c) > maxChargeCategoryBytes {
		return false
	}
	for i := 0; i < len(c); i++ {
		if b := c[i]; !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_' || b == '-') {
			return false
		}
	}
	return true
}

// Organization returns the caller's organization and its settings.
func (s *Service) Organization(ctx context.Context, orgID int64) (*Organization, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Organization, error) { return tx.Organization(ctx) })
}

// UpdateOrganization edits the caller's organization. An empty
// lease_alert_days turns lease.expiring_soon off; charge_categories
// replaces the list a charge's category must come from.
func (s *Service) UpdateOrganization(ctx context.Context, orgID int64, in OrganizationInput) (*Organization, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Organization, error) {
		org, err := tx.OrganizationForUpdate(ctx)
		if err != nil {
			return nil, err
		}
		before := *org
		before.LeaseAlertDays = slices.Clone(org.LeaseAlertDays)
		before.ChargeCategories = slices.Clone(org.ChargeCategories)
		before.CertificateAlertDays = slices.Clone(org.CertificateAlertDays)
		if in.CertificateAlertDays != nil { // facility records
			org.CertificateAlertDays = append([]int{}, *in.CertificateAlertDays...)
			slices.Sort(org.CertificateAlertDays)
		}
		set(&org.Name, in.Name)
		if in.ChargeCategories != nil {
			// Kept in the order given: it is the order a dropdown shows.
			org.ChargeCategories = slices.Clone(*in.ChargeCategories)
		}
		set(&org.InvoiceNumberFormat, in.InvoiceNumberFormat) // short-term rentals
		set(&org.DefectsAsWorkOrders, in.DefectsAsWorkOrders) // facilities
		if in.ReviewAlertThreshold != nil {
			org.ReviewAlertThreshold = *in.ReviewAlertThreshold
		}
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
		if unchanged(&before, org) {
			return org, nil // an empty edit writes nothing
		}
		if err := tx.UpdateOrganization(ctx, org); err != nil {
			return nil, fmt.Errorf("update organization: %w", err)
		}
		return org, record(ctx, tx, now, "organization.updated", "organization", org.ID, org, &before)
	})
}

// validateAlertDays checks a list of alert thresholds, in days before a
// date: a few distinct days within a year.
func validateAlertDays(v *Validation, field string, days []int) {
	if len(days) > MaxLeaseAlerts {
		v.Add(field, "must hold at most %d values", MaxLeaseAlerts)
		return
	}
	seen := map[int]bool{}
	for _, d := range days {
		if d < 1 || d > MaxLeaseAlertDay {
			v.Add(field, "values must be from 1 to %d, not %d", MaxLeaseAlertDay, d)
			return
		}
		if seen[d] {
			v.Add(field, "holds %d twice", d)
			return
		}
		seen[d] = true
	}
}
