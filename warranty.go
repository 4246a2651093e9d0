package porter

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Warranty is a manufacturer's or installer's warranty on an asset. As
// its end date nears, asset.warranty_expiring fires at 90, 60 and 30 days
// (see RunFacilityPass).
type Warranty struct {
	ID           int64  `json:"id"`
	AssetID      int64  `json:"asset_id"`
	Provider     string `json:"provider"`
	Contact      string `json:"contact"` // free text: a name, a phone, an email
	PolicyNumber string `json:"policy_number"`
	StartDate    string `json:"start_date"` // YYYY-MM-DD, the first day covered
	EndDate      string `json:"end_date"`   // YYYY-MM-DD, the last day covered
	Coverage     string `json:"coverage"`
	// ExternalRef is an outside system's id for the warranty, unique in the
	// organization; "" for none.
	ExternalRef string    `json:"external_ref"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// WarrantyInput creates a warranty; on PATCH (and on an upsert that finds
// the warranty), nil fields are left alone.
type WarrantyInput struct {
	Provider     *string `json:"provider"`
	Contact      *string `json:"contact"`
	PolicyNumber *string `json:"policy_number"`
	StartDate    *string `json:"start_date"`
	EndDate      *string `json:"end_date" doc:"after start_date"`
	Coverage     *string `json:"coverage"`
	ExternalRef  *string `json:"external_ref" doc:"an outside system's id for the warranty, unique in the organization"`
}

func (in WarrantyInput) apply(w *Warranty) {
	set(&w.Provider, in.Provider)
	set(&w.Contact, in.Contact)
	set(&w.PolicyNumber, in.PolicyNumber)
	set(&w.StartDate, in.StartDate)
	set(&w.EndDate, in.EndDate)
	set(&w.Coverage, in.Coverage)
	set(&w.ExternalRef, in.ExternalRef)
	w.Provider = strings.TrimSpace(w.Provider)
	w.ExternalRef = strings.TrimSpace(w.ExternalRef)
}

func (w *Warranty) validate() error {
	var v Validation
	v.Required("provider", w.Provider)
	checkText(&v, "provider", w.Provider, maxFacilityName)
	checkText(&v, "contact", w.Contact, maxFacilityName)
	checkText(&v, "policy_number", w.PolicyNumber, maxFacilityName)
	checkText(&v, "coverage", w.Coverage, maxFacilityText)
	checkText(&v, "external_ref", w.ExternalRef, maxExternalRef)
	start, end := checkDate(&v, "start_date", w.StartDate), checkDate(&v, "end_date", w.EndDate)
	if start && end && w.EndDate <= w.StartDate {
		v.Add("end_date", "must be after start_date")
	}
	return v.Err()
}

// WarrantyClaim is a claim made under a warranty: opened, submitted to the
// provider, approved or rejected by it, then closed. An open claim may
// also be closed (withdrawn). It may name the work order that found or
// fixed the fault.
type WarrantyClaim struct {
	ID          int64      `json:"id"`
	WarrantyID  int64      `json:"warranty_id"`
	Status      string     `json:"status"` // open | submitted | approved | rejected | closed
	Description string     `json:"description"`
	WorkOrderID *int64     `json:"work_order_id"`
	Notes       string     `json:"notes"`
	SubmittedAt *time.Time `json:"submitted_at"`
	DecidedAt   *time.Time `json:"decided_at"` // approved or rejected
	ClosedAt    *time.Time `json:"closed_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Warranty claim statuses.
const (
	ClaimOpen      = "open"
	ClaimSubmitted = "submitted"
	ClaimApproved  = "approved"
	ClaimRejected  = "rejected"
	ClaimClosed    = "closed"
)

// ClaimStatuses lists every claim status, in lifecycle order.
var ClaimStatuses = []string{ClaimOpen, ClaimSubmitted, ClaimApproved, ClaimRejected, ClaimClosed}

// claimMoves are the status changes a claim allows.
var claimMoves = map[string][]string{
	ClaimOpen:      {ClaimSubmitted, ClaimClosed},
	ClaimSubmitted: {ClaimApproved, ClaimRejected},
	ClaimApproved:  {ClaimClosed},
	ClaimRejected:  {ClaimClosed},
}

// WarrantyClaimInput opens a claim; on PATCH it edits the claim and, with
// status, moves it on. nil fields are left alone; a work_order_id of 0
// unlinks the work order.
type WarrantyClaimInput struct {
	Description *string `json:"description"`
	WorkOrderID *int64  `json:"work_order_id" doc:"a work order of the organization; 0 or null for none"`
	Notes       *string `json:"notes"`
	Status      *string `json:"status" doc:"on PATCH: open → submitted → approved or rejected → closed; an open claim may be closed"`
}

// WarrantyTx stores warranties and their claims.
type WarrantyTx interface {
	InsertWarranty(ctx context.Context, w *Warranty) error
	Warranty(ctx context.Context, id int64) (*Warranty, error)
	WarrantyForUpdate(ctx context.Context, id int64) (*Warranty, error)
	WarrantyByExternalRef(ctx context.Context, ref string) (*Warranty, error)
	UpdateWarranty(ctx context.Context, w *Warranty) error
	// Warranties lists an asset's warranties, latest end first.
	Warranties(ctx context.Context, assetID int64) ([]*Warranty, error)
	// WarrantiesEndingBetween lists the warranties of assets not disposed
	// whose end date is from..to, soonest first.
	WarrantiesEndingBetween(ctx context.Context, from, to string) ([]*Warranty, error)

	InsertWarrantyClaim(ctx context.Context, c *WarrantyClaim) error
	WarrantyClaim(ctx context.Context, id int64) (*WarrantyClaim, error)
	WarrantyClaimForUpdate(ctx context.Context, id int64) (*WarrantyClaim, error)
	UpdateWarrantyClaim(ctx context.Context, c *WarrantyClaim) error
	// WarrantyClaims lists a warranty's claims, newest first.
	WarrantyClaims(ctx context.Context, warrantyID int64) ([]*WarrantyClaim, error)
}

// warrantyAsset reads the asset a warranty is (or is to be) on, for
// update, refusing a disposed one.
func warrantyAsset(ctx context.Context, tx Tx, assetID int64) (*Asset, error) {
	a, err := tx.AssetForUpdate(ctx, assetID)
	if err != nil {
		return nil, err
	}
	return a, assetState(a, "given warranties")
}

func createWarranty(ctx context.Context, tx Tx, now time.Time, assetID int64, in WarrantyInput) (*Warranty, error) {
	if _, err := warrantyAsset(ctx, tx, assetID); err != nil {
		return nil, err
	}
	w := &Warranty{AssetID: assetID, CreatedAt: now, UpdatedAt: now}
	in.apply(w)
	if err := w.validate(); err != nil {
		return nil, err
	}
	if w.ExternalRef != "" {
		if _, err := tx.WarrantyByExternalRef(ctx, w.ExternalRef); err == nil {
			return nil, refTaken("warranty", w.ExternalRef)
		} else if ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
	}
	if err := tx.InsertWarranty(ctx, w); err != nil {
		return nil, fmt.Errorf("create warranty: %w", err)
	}
	return w, record(ctx, tx, now, "warranty.created", "warranty", w.ID, w, nil)
}

// editWarranty applies in to w (read for update), moving it to assetID.
func editWarranty(ctx context.Context, tx Tx, now time.Time, w *Warranty, assetID int64, in WarrantyInput) (*Warranty, error) {
	if _, err := warrantyAsset(ctx, tx, w.AssetID); err != nil {
		return nil, err
	}
	if assetID != w.AssetID {
		if _, err := warrantyAsset(ctx, tx, assetID); err != nil {
			return nil, err
		}
	}
	before := *w
	w.AssetID = assetID
	in.apply(w)
	if err := w.validate(); err != nil {
		return nil, err
	}
	if unchanged(&before, w) {
		return w, nil // an empty edit writes nothing
	}
	if w.ExternalRef != "" && w.ExternalRef != before.ExternalRef {
		if other, err := tx.WarrantyByExternalRef(ctx, w.ExternalRef); err == nil && other.ID != w.ID {
			return nil, refTaken("warranty", w.ExternalRef)
		} else if err != nil && ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
	}
	w.UpdatedAt = now
	if err := tx.UpdateWarranty(ctx, w); err != nil {
		return nil, fmt.Errorf("update warranty: %w", err)
	}
	return w, record(ctx, tx, now, "warranty.updated", "warranty", w.ID, w, &before)
}

// CreateWarranty adds a warranty to an asset that is not disposed.
func (s *Service) CreateWarranty(ctx context.Context, orgID, assetID int64, in WarrantyInput) (*Warranty, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Warranty, error) {
		return createWarranty(ctx, tx, now, assetID, in)
	})
}

// UpdateWarranty edits a warranty; a new end date arms its expiry alerts
// again.
func (s *Service) UpdateWarranty(ctx context.Context, orgID, id int64, in WarrantyInput) (*Warranty, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Warranty, error) {
		w, err := tx.WarrantyForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		return editWarranty(ctx, tx, now, w, w.AssetID, in)
	})
}

// UpsertWarrantyByExternalRef creates or updates the warranty an outside
// system knows as ref, on the asset assetID, so that importing the same
// warranty record twice updates it. It is what integrations call for each
// inbound warranty record (seed 002's handover: "warranty records land on
// the corresponding asset's Warranty tab").
//
// ref must not be blank; in.ExternalRef, if given, must equal it. When no
// warranty has ref, in creates one on assetID (provider, start_date and
// end_date required) and created is true. When one has, in is applied to
// it as a PATCH and it moves to assetID if it was on another asset;
// created is false. A disposed asset refuses with a conflict.
func (s *Service) UpsertWarrantyByExternalRef(ctx context.Context, orgID, assetID int64, ref string, in WarrantyInput) (w *Warranty, created bool, err error) {
	ref = strings.TrimSpace(ref)
	if err := checkRef(ref, in.ExternalRef); err != nil {
		return nil, false, err
	}
	in.ExternalRef = &ref
	w, err = update(ctx, s, orgID, func(tx Tx, now time.Time) (*Warranty, error) {
		old, err := tx.WarrantyByExternalRef(ctx, ref)
		if ErrorCode(err) == ENOTFOUND {
			created = true
			return createWarranty(ctx, tx, now, assetID, in)
		} else if err != nil {
			return nil, err
		}
		if old, err = tx.WarrantyForUpdate(ctx, old.ID); err != nil {
			return nil, err
		}
		return editWarranty(ctx, tx, now, old, assetID, in)
	})
	if err != nil {
		created = false
	}
	return w, created, err
}

// Warranty returns one warranty.
func (s *Service) Warranty(ctx context.Context, orgID, id int64) (*Warranty, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Warranty, error) { return tx.Warranty(ctx, id) })
}

// WarrantyByExternalRef returns the warranty an outside system knows as
// ref (not found when none has it).
func (s *Service) WarrantyByExternalRef(ctx context.Context, orgID int64, ref string) (*Warranty, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Warranty, error) { return tx.WarrantyByExternalRef(ctx, strings.TrimSpace(ref)) })
}

// Warranties lists an asset's warranties, latest end first.
func (s *Service) Warranties(ctx context.Context, orgID, assetID int64) ([]*Warranty, error) {
	return view(ctx, s, orgID, func(tx Tx) ([]*Warranty, error) {
		if _, err := tx.Asset(ctx, assetID); err != nil {
			return nil, err
		}
		return tx.Warranties(ctx, assetID)
	})
}

// claimWorkOrder applies a work_order_id to c, checking that it names one
// of the organization's work orders.
func claimWorkOrder(ctx context.Context, tx Tx, c *WarrantyClaim, id *int64) error {
	if id == nil {
		return nil
	}
	c.WorkOrderID = nil
	if *id == 0 {
		return nil
	}
	if err := refExists(ctx, "work_order_id", *id, tx.WorkOrder); err != nil {
		return err
	}
	c.WorkOrderID = ptrTo(*id)
	return nil
}

func (c *WarrantyClaim) validate() error {
	var v Validation
	v.Required("description", c.Description)
	checkText(&v, "description", c.Description, maxFacilityText)
	checkText(&v, "notes", c.Notes, maxFacilityText)
	return v.Err()
}

// OpenWarrantyClaim opens a claim under a warranty.
func (s *Service) OpenWarrantyClaim(ctx context.Context, orgID, warrantyID int64, in WarrantyClaimInput) (*WarrantyClaim, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*WarrantyClaim, error) {
		w, err := tx.Warranty(ctx, warrantyID)
		if err != nil {
			return nil, err
		}
		if in.Status != nil && *in.Status != ClaimOpen {
			return nil, fieldErr("status", "must be open (or left out) on a new claim: move it on with PATCH /v1/warranty_claims/{id}")
		}
		c := &WarrantyClaim{WarrantyID: w.ID, Status: ClaimOpen, CreatedAt: now, UpdatedAt: now}
		set(&c.Description, in.Description)
		set(&c.Notes, in.Notes)
		c.Description = strings.TrimSpace(c.Description)
		if err := c.validate(); err != nil {
			return nil, err
		}
		if err := claimWorkOrder(ctx, tx, c, in.WorkOrderID); err != nil {
			return nil, err
		}
		if err := tx.InsertWarrantyClaim(ctx, c); err != nil {
			return nil, fmt.Errorf("open warranty claim: %w", err)
		}
		return c, record(ctx, tx, now, "warranty.claim_opened", "warranty_claim", c.ID, c, nil)
	})
}

// UpdateWarrantyClaim edits a claim and moves it through its states; a
// closed claim no longer changes.
func (s *Service) UpdateWarrantyClaim(ctx context.Context, orgID, id int64, in WarrantyClaimInput) (*WarrantyClaim, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*WarrantyClaim, error) {
		c, err := tx.WarrantyClaimForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if in.Status != nil && !slices.Contains(ClaimStatuses, *in.Status) {
			return nil, fieldErr("status", "must be one of "+strings.Join(ClaimStatuses, ", "))
		}
		if c.Status == ClaimClosed {
			return nil, Errorf(ECONFLICT, "warranty claim %d is closed; a closed claim cannot change", c.ID)
		}
		before := *c
		set(&c.Description, in.Description)
		set(&c.Notes, in.Notes)
		c.Description = strings.TrimSpace(c.Description)
		if err := c.validate(); err != nil {
			return nil, err
		}
		if err := claimWorkOrder(ctx, tx, c, in.WorkOrderID); err != nil {
			return nil, err
		}
		if in.Status != nil && *in.Status != c.Status {
			if !slices.Contains(claimMoves[c.Status], *in.Status) {
				return nil, Errorf(ECONFLICT, "warranty claim %d is %s; it can move to %s, not %s",
					c.ID, c.Status, strings.Join(claimMoves[c.Status], " or "), *in.Status)
			}
			c.Status = *in.Status
			switch c.Status {
			case ClaimSubmitted:
				c.SubmittedAt = &now
			case ClaimApproved, ClaimRejected:
				c.DecidedAt = &now
			case ClaimClosed:
				c.ClosedAt = &now
			}
		}
		if unchanged(&before, c) {
			return c, nil // an empty edit writes nothing
		}
		c.UpdatedAt = now
		if err := tx.UpdateWarrantyClaim(ctx, c); err != nil {
			return nil, fmt.Errorf("update warranty claim: %w", err)
		}
		return c, record(ctx, tx, now, "warranty.claim_updated", "warranty_claim", c.ID, c, &before)
	})
}

// WarrantyClaim returns one claim.
func (s *Service) WarrantyClaim(ctx context.Context, orgID, id int64) (*WarrantyClaim, error) {
	return view(ctx, s, orgID, func(tx Tx) (*WarrantyClaim, error) { return tx.WarrantyClaim(ctx, id) })
}

// WarrantyClaims lists a warranty's claims, newest first.
func (s *Service) WarrantyClaims(ctx context.Context, orgID, warrantyID int64) ([]*WarrantyClaim, error) {
	return view(ctx, s, orgID, func(tx Tx) ([]*WarrantyClaim, error) {
		if _, err := tx.Warranty(ctx, warrantyID); err != nil {
			return nil, err
		}
		return tx.WarrantyClaims(ctx, warrantyID)
	})
}
