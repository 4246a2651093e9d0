package porter

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Certificate is a compliance certificate of a property, or of one of its
// assets (an elevator's inspection certificate): who issued it, when, and
// when it expires. certificate.expiring_soon fires as the expiry date
// nears (the organization's certificate_alert_days, default 60, 30 and 7
// days before) and certificate.expired the day after it.
type Certificate struct {
	ID         int64     `json:"id"`
	Type       string    `json:"type"` // fire_safety | elevator | gas | electrical | water | other
	PropertyID int64     `json:"property_id"`
	AssetID    *int64    `json:"asset_id"`
	Reference  string    `json:"reference"` // the certificate's own number
	Issuer     string    `json:"issuer"`
	IssueDate  string    `json:"issue_date"`  // YYYY-MM-DD
	ExpiryDate string    `json:"expiry_date"` // YYYY-MM-DD, the last day it is valid
	DocumentID *int64    `json:"document_id"` // the scanned certificate
	Notes      string    `json:"notes"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// CertificateTypes lists every certificate type.
var CertificateTypes = []string{"fire_safety", "elevator", "gas", "electrical", "water", "other"}

// DefaultCertificateAlertDays are the days before expiry at which
// certificate.expiring_soon fires until an organization sets its own.
var DefaultCertificateAlertDays = []int{7, 30, 60}

// Certificate expiry states, for filtering a listing.
const (
	CertificateValid    = "valid"    // expires after the alert window
	CertificateExpiring = "expiring" // not expired, expires within the window
	CertificateExpired  = "expired"  // its expiry date has passed
)

// CertificateExpiries lists the expiry states a listing filters by.
var CertificateExpiries = []string{CertificateValid, CertificateExpiring, CertificateExpired}

// maxWithinDays bounds a listing's expiring window: ten years.
const maxWithinDays = 3650

// CertificateFilter narrows a certificate listing.
type CertificateFilter struct {
	ListParams
	PropertyID int64
	AssetID    int64
	Type       string
	// Expiry keeps valid, expiring or expired certificates as of today;
	// WithinDays is the expiring window, by default the organization's
	// largest certificate alert threshold.
	Expiry     string
	WithinDays int
	// ExpiryFrom and ExpiryTo bound the expiry date; the Service sets them
	// from Expiry.
	ExpiryFrom, ExpiryTo string
}

// CertificateTx stores certificates.
type CertificateTx interface {
	InsertCertificate(ctx context.Context, c *Certificate) error
	Certificate(ctx context.Context, id int64) (*Certificate, error)
	CertificateForUpdate(ctx context.Context, id int64) (*Certificate, error)
	UpdateCertificate(ctx context.Context, c *Certificate) error
	Certificates(ctx context.Context, f CertificateFilter) (List[*Certificate], error)
	// CertificatesDue lists the certificates expiring on or before date
	// whose certificate.expired is not yet recorded, soonest first.
	CertificatesDue(ctx context.Context, date string) ([]*Certificate, error)
	// InsertExpiryAlert records a; it reports false when the same record,
	// threshold and due date are already recorded.
	InsertExpiryAlert(ctx context.Context, a *ExpiryAlert) (bool, error)
}

// CertificateInput adds a certificate; on PATCH, nil fields are left
// alone. Without property_id, the asset's property is taken.
type CertificateInput struct {
	Type       *string `json:"type"`
	PropertyID *int64  `json:"property_id" doc:"default: the asset's property"`
	AssetID    *int64  `json:"asset_id" doc:"an asset at the property; 0 or null for none"`
	Reference  *string `json:"reference"`
	Issuer     *string `json:"issuer"`
	IssueDate  *string `json:"issue_date"`
	ExpiryDate *string `json:"expiry_date" doc:"after issue_date"`
	DocumentID *int64  `json:"document_id" doc:"a document of the organization (POST /v1/documents); 0 or null for none"`
	Notes      *string `json:"notes"`
}

func (in CertificateInput) apply(c *Certificate) {
	set(&c.Type, in.Type)
	set(&c.PropertyID, in.PropertyID)
	if in.AssetID != nil {
		c.AssetID = nil
		if *in.AssetID != 0 {
			c.AssetID = ptrTo(*in.AssetID)
		}
	}
	if in.DocumentID != nil {
		c.DocumentID = nil
		if *in.DocumentID != 0 {
			c.DocumentID = ptrTo(*in.DocumentID)
		}
	}
	set(&c.Reference, in.Reference)
	set(&c.Issuer, in.Issuer)
	set(&c.IssueDate, in.IssueDate)
	set(&c.ExpiryDate, in.ExpiryDate)
	set(&c.Notes, in.Notes)
	c.Reference = strings.TrimSpace(c.Reference)
}

// validate checks c after in was applied to it; creating checks every
// reference, an edit only those in names (an asset transferred since keeps
// its certificate valid).
func (c *Certificate) validate(ctx context.Context, tx Tx, in CertificateInput, creating bool) error {
	var v Validation
	v.OneOf("type", c.Type, CertificateTypes...)
	if c.PropertyID <= 0 && c.AssetID == nil {
		v.Add("property_id", "or asset_id is required")
	}
	checkText(&v, "reference", c.Reference, maxFacilityName)
	checkText(&v, "issuer", c.Issuer, maxFacilityName)
	checkText(&v, "notes", c.Notes, maxFacilityText)
	issue, expiry := checkDate(&v, "issue_date", c.IssueDate), checkDate(&v, "expiry_date", c.ExpiryDate)
	if issue && expiry && c.ExpiryDate <= c.IssueDate {
		v.Add("expiry_date", "must be after issue_date")
	}
	if err := v.Err(); err != nil {
		return err
	}
	placed := creating || in.PropertyID != nil || in.AssetID != nil
	if c.AssetID != nil && placed {
		a, err := tx.Asset(ctx, *c.AssetID)
		if ErrorCode(err) == ENOTFOUND {
			return refExists(ctx, "asset_id", *c.AssetID, tx.Asset)
		} else if err != nil {
			return err
		}
		if in.PropertyID == nil {
			c.PropertyID = a.PropertyID // the asset's place decides
		}
		if c.PropertyID != a.PropertyID {
			return fieldErr("asset_id", fmt.Sprintf("%d is an asset of property %d, not of property %d", a.ID, a.PropertyID, c.PropertyID))
		}
	}
	if placed {
		if err := refExists(ctx, "property_id", c.PropertyID, tx.Property); err != nil {
			return err
		}
	}
	if c.DocumentID != nil && in.DocumentID != nil {
		if err := refExists(ctx, "document_id", *c.DocumentID, tx.Document); err != nil {
			return err
		}
	}
	return nil
}

// AddCertificate records a compliance certificate.
func (s *Service) AddCertificate(ctx context.Context, orgID int64, in CertificateInput) (*Certificate, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Certificate, error) {
		return createCertificate(ctx, tx, now, in)
	})
}

// createCertificate adds a certificate in tx with its certificate.added;
// the API and integrations share it.
func createCertificate(ctx context.Context, tx Tx, now time.Time, in CertificateInput) (*Certificate, error) {
	c := &Certificate{CreatedAt: now, UpdatedAt: now}
	in.apply(c)
	if err := c.validate(ctx, tx, in, true); err != nil {
		return nil, err
	}
	if err := tx.InsertCertificate(ctx, c); err != nil {
		return nil, fmt.Errorf("add certificate: %w", err)
	}
	return c, record(ctx, tx, now, "certificate.added", "certificate", c.ID, c, nil)
}

// UpdateCertificate edits a certificate. A new expiry date (a renewal)
// arms its expiry alerts again.
func (s *Service) UpdateCertificate(ctx context.Context, orgID, id int64, in CertificateInput) (*Certificate, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Certificate, error) {
		c, err := tx.CertificateForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		return editCertificate(ctx, tx, now, c, in)
	})
}

// editCertificate applies in to c (read for update) with its
// certificate.updated; an edit that changes nothing writes nothing.
func editCertificate(ctx context.Context, tx Tx, now time.Time, c *Certificate, in CertificateInput) (*Certificate, error) {
	before := *c
	in.apply(c)
	if err := c.validate(ctx, tx, in, false); err != nil {
		return nil, err
	}
	if unchanged(&before, c) {
		return c, nil // an empty edit writes nothing
	}
	c.UpdatedAt = now
	if err := tx.UpdateCertificate(ctx, c); err != nil {
		return nil, fmt.Errorf("update certificate: %w", err)
	}
	return c, record(ctx, tx, now, "certificate.updated", "certificate", c.ID, c, &before)
}

// Certificate returns one certificate.
func (s *Service) Certificate(ctx context.Context, orgID, id int64) (*Certificate, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Certificate, error) { return tx.Certificate(ctx, id) })
}

// Certificates lists certificates, newest first.
func (s *Service) Certificates(ctx context.Context, orgID int64, f CertificateFilter) (List[*Certificate], error) {
	f.Normalize()
	var v Validation
	if f.Type != "" {
		v.OneOf("type", f.Type, CertificateTypes...)
	}
	if f.Expiry != "" {
		v.OneOf("expiry", f.Expiry, CertificateExpiries...)
	}
	if f.WithinDays < 0 || f.WithinDays > maxWithinDays {
		v.Add("within_days", "must be from 1 to %d", maxWithinDays)
	}
	if f.WithinDays != 0 && f.Expiry != CertificateExpiring && f.Expiry != CertificateValid {
		v.Add("within_days", "needs expiry=expiring or expiry=valid")
	}
	if err := v.Err(); err != nil {
		return List[*Certificate]{}, err
	}
	today := dateOf(s.now())
	return view(ctx, s, orgID, func(tx Tx) (List[*Certificate], error) {
		if f.Expiry != "" {
			within := f.WithinDays
			if within == 0 {
				org, err := tx.Organization(ctx)
				if err != nil {
					return List[*Certificate]{}, err
				}
				for _, d := range certificateAlertDays(org) {
					within = max(within, d)
				}
			}
			horizon := addDays(today, within)
			switch f.Expiry {
			case CertificateExpired:
				f.ExpiryTo = addDays(today, -1)
			case CertificateExpiring:
				f.ExpiryFrom, f.ExpiryTo = today, horizon
			case CertificateValid:
				f.ExpiryFrom = addDays(horizon, 1)
			}
		}
		return tx.Certificates(ctx, f)
	})
}

// certificateAlertDays are the organization's certificate thresholds.
func certificateAlertDays(org *Organization) []int {
	if org.CertificateAlertDays == nil {
		return DefaultCertificateAlertDays
	}
	return org.CertificateAlertDays
}
