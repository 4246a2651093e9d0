package porter

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Lease lets a unit to one or more tenants for a term. A lease is drafted,
// then activated (signed); it ends expired, when the scheduler sees its end
// date pass, or terminated early. An active or expired lease can be renewed
// to a later end date.
type Lease struct {
	ID     int64 `json:"id"`
	UnitID int64 `json:"unit_id"`
	// TenantID is the first of TenantIDs: seed 000's lease payloads carry
	// one tenant_id.
	TenantID          int64      `json:"tenant_id"`
	TenantIDs         []int64    `json:"tenant_ids"`
	StartDate         string     `json:"start_date"` // YYYY-MM-DD, the first day
	EndDate           string     `json:"end_date"`   // YYYY-MM-DD, the last day
	MonthlyRent       Money      `json:"monthly_rent"`
	Deposit           Money      `json:"deposit"`
	Status            string     `json:"status"` // draft | active | expired | terminated
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	ActivatedAt       *time.Time `json:"activated_at"`
	TerminatedAt      *time.Time `json:"terminated_at"`
	TerminationReason string     `json:"termination_reason"`
}

const (
	LeaseDraft      = "draft"
	LeaseActive     = "active"
	LeaseExpired    = "expired"
	LeaseTerminated = "terminated"
)

// maxTerminationReason bounds the free text kept with a termination.
const maxTerminationReason = 1000

// LeaseFilter narrows a lease listing.
type LeaseFilter struct {
	ListParams
	Status     string
	UnitID     int64
	TenantID   int64
	PropertyID int64
}

// LeaseAlert is one lease.expiring_soon threshold that a lease has crossed
// for one end date.
type LeaseAlert struct {
	LeaseID       int64
	ThresholdDays int
	EndDate       string
	Status        string // sent | passed
	CreatedAt     time.Time
}

const (
	LeaseAlertSent   = "sent"   // the event fired for this threshold
	LeaseAlertPassed = "passed" // crossed with a tighter one: no event
)

// LeaseTx stores leases with their tenants.
type LeaseTx interface {
	// InsertLease stores l and its tenants and sets l.ID.
	InsertLease(ctx context.Context, l *Lease) error
	Lease(ctx context.Context, id int64) (*Lease, error)
	// LeaseForUpdate reads a lease that the transaction is about to change and
	// keeps other writers of it waiting until the transaction ends.
	LeaseForUpdate(ctx context.Context, id int64) (*Lease, error)
	// UpdateLease stores l, tenants included.
	UpdateLease(ctx context.Context, l *Lease) error
	Leases(ctx context.Context, f LeaseFilter) (List[*Lease], error)
	// LockLeaseUnit keeps other activations of a unit waiting until the
	// transaction ends, so that the overlap check holds.
	LockLeaseUnit(ctx context.Context, unitID int64) error
	// OverlappingLeases counts the active leases of unit, other than
	// excludeID, whose terms share a day with start..end.
	OverlappingLeases(ctx context.Context, unitID, excludeID int64, start, end string) (int, error)
	// ActiveLeasesEndingBy lists the active leases whose end date is on or
	// before date, oldest first.
	ActiveLeasesEndingBy(ctx context.Context, date string) ([]*Lease, error)
	// InsertLeaseAlert records a; it reports false when the same lease,
	// threshold and end date are already recorded.
	InsertLeaseAlert(ctx context.Context, a *LeaseAlert) (bool, error)
}

// LeaseInput drafts a lease; on PATCH, nil fields are left alone. A single
// tenant may be given as tenant_id, as seed 000 names it.
type LeaseInput struct {
	UnitID      *int64   `json:"unit_id"`
	TenantID    *int64   `json:"tenant_id"`
	TenantIDs   *[]int64 `json:"tenant_ids"`
	StartDate   *string  `json:"start_date"`
	EndDate     *string  `json:"end_date"`
	MonthlyRent *Money   `json:"monthly_rent"`
	Deposit     *Money   `json:"deposit"`
}

// apply copies the input onto l, or returns the problem with the tenants.
func (in LeaseInput) apply(l *Lease) error {
	set(&l.UnitID, in.UnitID)
	set(&l.StartDate, in.StartDate)
	set(&l.EndDate, in.EndDate)
	set(&l.MonthlyRent, in.MonthlyRent)
	set(&l.Deposit, in.Deposit)
	switch {
	case in.TenantIDs != nil:
		l.TenantIDs = append([]int64{}, (*in.TenantIDs)...)
		if in.TenantID != nil && (len(l.TenantIDs) == 0 || l.TenantIDs[0] != *in.TenantID) {
			return fieldErr("tenant_id", "must be the first of tenant_ids when both are given")
		}
	case in.TenantID != nil:
		l.TenantIDs = []int64{*in.TenantID}
	}
	l.TenantID = 0
	if len(l.TenantIDs) > 0 {
		l.TenantID = l.TenantIDs[0]
	}
	return nil
}

func fieldErr(field, msg string) *Error {
	return &Error{Code: EINVALID, Message: field + " " + msg, Fields: []FieldError{{Field: field, Message: msg}}}
}

func (l *Lease) validate(ctx context.Context, tx Tx) error {
	var v Validation
	if l.UnitID == 0 {
		v.Add("unit_id", "is required")
	}
	if len(l.TenantIDs) == 0 {
		v.Add("tenant_ids", "must name at least one tenant")
	}
	seen := map[int64]bool{}
	for _, id := range l.TenantIDs {
		if id <= 0 {
			v.Add("tenant_ids", "must be positive integers")
			break
		}
		if seen[id] {
			v.Add("tenant_ids", "names tenant %d twice", id)
			break
		}
		seen[id] = true
	}
	start, end := checkDate(&v, "start_date", l.StartDate), checkDate(&v, "end_date", l.EndDate)
	if start && end && l.EndDate <= l.StartDate {
		v.Add("end_date", "must be after start_date")
	}
	if l.MonthlyRent <= 0 {
		v.Add("monthly_rent", "must be greater than 0")
	}
	if l.Deposit < 0 {
		v.Add("deposit", "must not be negative")
	}
	if err := v.Err(); err != nil {
		return err
	}
	// References last: a request with plain mistakes is told all of them
	// at once, before any lookup.
	if err := refExists(ctx, "unit_id", l.UnitID, tx.Unit); err != nil {
		return err
	}
	for _, id := range l.TenantIDs {
		if err := refExists(ctx, "tenant_ids", id, tx.Tenant); err != nil {
			return err
		}
	}
	return nil
}

// checkDate records field as missing or malformed; it reports whether the
// date is usable.
func checkDate(v *Validation, field, s string) bool {
	if s == "" {
		v.Add(field, "is required")
		return false
	}
	if _, err := ParseDate(s); err != nil {
		v.Add(field, "%s", err.Error())
		return false
	}
	return true
}

// leaseState is the 409 for a transition the lease's status does not allow.
func leaseState(l *Lease, action string, allowed ...string) error {
	for _, a := range allowed {
		if l.Status == a {
			return nil
		}
	}
	return Errorf(ECONFLICT, "lease %d is %s; only %s can be %s", l.ID, l.Status, withArticle(strings.Join(allowed, " or ")+" lease"), action)
}

// dateOf is the UTC calendar date of t.
func dateOf(t time.Time) string { return t.UTC().Format(DateLayout) }

// CreateLease drafts a lease.
func (s *Service) CreateLease(ctx context.Context, orgID int64, in LeaseInput) (*Lease, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Lease, error) {
		l := &Lease{Status: LeaseDraft, CreatedAt: now, UpdatedAt: now}
		if err := in.apply(l); err != nil {
			return nil, err
		}
		if err := l.validate(ctx, tx); err != nil {
			return nil, err
		}
		if err := tx.InsertLease(ctx, l); err != nil {
			return nil, fmt.Errorf("create lease: %w", err)
		}
		return l, record(ctx, tx, now, "lease.created", "lease", l.ID, l, nil)
	})
}

// UpdateLease edits a draft lease; once signed, its terms change only by
// renewal.
func (s *Service) UpdateLease(ctx context.Context, orgID, id int64, in LeaseInput) (*Lease, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Lease, error) {
		l, err := tx.LeaseForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := leaseState(l, "edited", LeaseDraft); err != nil {
			return nil, err
		}
		before := *l
		if err := in.apply(l); err != nil {
			return nil, err
		}
		if err := l.validate(ctx, tx); err != nil {
			return nil, err
		}
		if unchanged(&before, l) {
			return l, nil // an empty edit writes nothing
		}
		l.UpdatedAt = now
		if err := tx.UpdateLease(ctx, l); err != nil {
			return nil, fmt.Errorf("update lease: %w", err)
		}
		return l, record(ctx, tx, now, "lease.updated", "lease", l.ID, l, &before)
	})
}

// ActivateLease signs a draft lease: it becomes active and its unit occupied.
func (s *Service) ActivateLease(ctx context.Context, orgID, id int64) (*Lease, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Lease, error) {
		l, err := tx.LeaseForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := leaseState(l, "activated", LeaseDraft); err != nil {
			return nil, err
		}
		if l.EndDate < dateOf(now) {
			return nil, Errorf(ECONFLICT, "lease %d ended on %s; it cannot be activated", l.ID, l.EndDate)
		}
		if err := claimUnit(ctx, tx, now, l, l.EndDate); err != nil {
			return nil, err
		}
		before := *l
		l.Status, l.ActivatedAt, l.UpdatedAt = LeaseActive, &now, now
		if err := tx.UpdateLease(ctx, l); err != nil {
			return nil, fmt.Errorf("activate lease: %w", err)
		}
		return l, record(ctx, tx, now, "lease.activated", "lease", l.ID, l, &before)
	})
}

// claimUnit checks that no other active lease holds l's unit between l's
// start and end, and marks the unit occupied.
func claimUnit(ctx context.Context, tx Tx, now time.Time, l *Lease, end string) error {
	if err := tx.LockLeaseUnit(ctx, l.UnitID); err != nil {
		return err
	}
	n, err := tx.OverlappingLeases(ctx, l.UnitID, l.ID, l.StartDate, end)
	if err != nil {
		return err
	}
	if n > 0 {
		return Errorf(ECONFLICT, "unit %d already has an active lease between %s and %s", l.UnitID, l.StartDate, end)
	}
	return setUnitStatus(ctx, tx, now, l.UnitID, UnitOccupied)
}

// releaseUnit marks l's unit vacant when no other active lease holds it.
func releaseUnit(ctx context.Context, tx Tx, now time.Time, l *Lease) error {
	n, err := tx.OverlappingLeases(ctx, l.UnitID, l.ID, "0000-01-01", "9999-12-31")
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	return setUnitStatus(ctx, tx, now, l.UnitID, UnitVacant)
}

// setUnitStatus changes a unit's status, with its unit.updated event; a
// unit already in that status is left alone, without an event.
func setUnitStatus(ctx context.Context, tx Tx, now time.Time, unitID int64, status string) error {
	u, err := tx.UnitForUpdate(ctx, unitID)
	if err != nil {
		return err
	}
	if u.Status == status {
		return nil
	}
	before := *u
	u.Status, u.UpdatedAt = status, now
	if err := tx.UpdateUnit(ctx, u); err != nil {
		return fmt.Errorf("set unit %d %s: %w", unitID, status, err)
	}
	return record(ctx, tx, now, "unit.updated", "unit", u.ID, u, &before)
}

// TerminateInput ends an active lease early.
type TerminateInput struct {
	Reason *string `json:"reason"`
}

// TerminateLease ends an active lease before its end date and frees its unit.
func (s *Service) TerminateLease(ctx context.Context, orgID, id int64, in TerminateInput) (*Lease, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Lease, error) {
		reason := ""
		if in.Reason != nil {
			reason = strings.TrimSpace(*in.Reason)
		}
		if len(reason) > maxTerminationReason {
			return nil, fieldErr("reason", fmt.Sprintf("must be at most %d characters", maxTerminationReason))
		}
		l, err := tx.LeaseForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := leaseState(l, "terminated", LeaseActive); err != nil {
			return nil, err
		}
		before := *l
		l.Status, l.TerminatedAt, l.TerminationReason, l.UpdatedAt = LeaseTerminated, &now, reason, now
		if err := tx.UpdateLease(ctx, l); err != nil {
			return nil, fmt.Errorf("terminate lease: %w", err)
		}
		if err := releaseUnit(ctx, tx, now, l); err != nil {
			return nil, err
		}
		return l, record(ctx, tx, now, "lease.terminated", "lease", l.ID, l, &before)
	})
}

// RenewInput extends a lease to a later end date, optionally at a new rent.
type RenewInput struct {
	EndDate     *string `json:"end_date"`
	MonthlyRent *Money  `json:"monthly_rent"`
}

// RenewLease extends an active or expired lease; an expired lease becomes
// active again and takes its unit back. A new end date arms the
// lease.expiring_soon alerts again.
func (s *Service) RenewLease(ctx context.Context, orgID, id int64, in RenewInput) (*Lease, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Lease, error) {
		// Find the lease first: another organization's id is 404 whatever
		// the body says.
		l, err := tx.LeaseForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		var v Validation
		end := ""
		if in.EndDate != nil {
			end = *in.EndDate
		}
		ok := checkDate(&v, "end_date", end)
		if ok && end < dateOf(now) {
			v.Add("end_date", "must not be in the past")
		}
		if in.MonthlyRent != nil && *in.MonthlyRent <= 0 {
			v.Add("monthly_rent", "must be greater than 0")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if err := leaseState(l, "renewed", LeaseActive, LeaseExpired); err != nil {
			return nil, err
		}
		if end <= l.EndDate {
			return nil, fieldErr("end_date", "must be after the current end date "+l.EndDate)
		}
		if err := claimUnit(ctx, tx, now, l, end); err != nil {
			return nil, err
		}
		before := *l
		l.Status, l.EndDate, l.UpdatedAt = LeaseActive, end, now
		set(&l.MonthlyRent, in.MonthlyRent)
		if err := tx.UpdateLease(ctx, l); err != nil {
			return nil, fmt.Errorf("renew lease: %w", err)
		}
		return l, record(ctx, tx, now, "lease.renewed", "lease", l.ID, l, &before)
	})
}

// Lease returns one lease.
func (s *Service) Lease(ctx context.Context, orgID, id int64) (*Lease, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Lease, error) { return tx.Lease(ctx, id) })
}

// Leases lists leases, newest first.
func (s *Service) Leases(ctx context.Context, orgID int64, f LeaseFilter) (List[*Lease], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Lease], error) { return tx.Leases(ctx, f) })
}
