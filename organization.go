package porter

import "time"

// Organization is the isolation boundary: every resource belongs to one.
type Organization struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// PublicID names the organization where an API key cannot: the URL
	// of its webhooks' public keys (JWKS). Random, so not guessable.
	PublicID  string    `json:"public_id"`
	CreatedAt time.Time `json:"created_at"`
	// LeaseAlertDays are the days before a lease's end at which
	// lease.expiring_soon fires, e.g. [30, 60, 90]. Default [60].
	LeaseAlertDays []int `json:"lease_alert_days"`
	// ChargeCategories are the categories its charges may take.
	ChargeCategories []string `json:"charge_categories"`
	// Short-term rentals: owners, invoices and reviews.
	// InvoiceNumberFormat numbers sent invoices, e.g. INV-{YYYY}-{SEQ:5}.
	InvoiceNumberFormat string `json:"invoice_number_format"`
	// ReviewAlertThreshold: a review rated below it is flagged
	// below_threshold in review.received. Default 4 (1 to 3 stars alert).
	ReviewAlertThreshold int `json:"review_alert_threshold"`
	// Facility records: CertificateAlertDays are the days before a
	// certificate's expiry at which certificate.expiring_soon fires.
	// Default [7, 30, 60].
	CertificateAlertDays []int `json:"certificate_alert_days"`
	// Facilities: DefectsAsWorkOrders says whether defects a handover
	// integration imports become work orders (true) or defect records.
	DefectsAsWorkOrders bool `json:"defects_as_work_orders"`
}

// DefaultLeaseAlertDays is seed 000's renewal alert window.
var DefaultLeaseAlertDays = []int{60}

// DefaultChargeCategories are seed 000's examples, each organization's
// until it sets its own.
func DefaultChargeCategories() []string { return []string{"rent", "utility", "late_fee", "other"} }
