package porter

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"time"
)

// VisitorPass lets a tenant's visitor in: issued for a unit and a time
// window, checked in at the door, checked out on leaving (seed 002's
// visitor_pass.* events).
type VisitorPass struct {
	ID            int64      `json:"id"`
	PropertyID    int64      `json:"property_id"`
	UnitID        int64      `json:"unit_id"`
	TenantID      *int64     `json:"tenant_id"` // the host, if named
	VisitorName   string     `json:"visitor_name"`
	VisitorPhone  string     `json:"visitor_phone"`
	ExpectedFrom  time.Time  `json:"expected_from"`
	ExpectedUntil time.Time  `json:"expected_until"` // the pass is valid until then
	Status        string     `json:"status"`
	Code          string     `json:"code"` // shown at the door
	Notes         string     `json:"notes"`
	CheckedInAt   *time.Time `json:"checked_in_at"`
	CheckedOutAt  *time.Time `json:"checked_out_at"`
	CancelledAt   *time.Time `json:"cancelled_at"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// Visitor pass statuses: issued → checked_in → checked_out, or cancelled
// while issued.
const (
	PassIssued     = "issued"
	PassCheckedIn  = "checked_in"
	PassCheckedOut = "checked_out"
	PassCancelled  = "cancelled"
)

// VisitorPassStatuses lists every status, in lifecycle order.
var VisitorPassStatuses = []string{PassIssued, PassCheckedIn, PassCheckedOut, PassCancelled}

const (
	// DefaultVisitWindow is how long a pass is valid when expected_until
	// is not given.
	DefaultVisitWindow = 4 * time.Hour
	maxVisitWindow     = 30 * 24 * time.Hour
	passCodeAlphabet   = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789" // no 0/O, 1/I: read aloud at a door
)

// VisitorPassInput issues a pass; on PATCH (issued passes only), nil
// fields are left alone.
type VisitorPassInput struct {
	UnitID        *int64  `json:"unit_id"`
	TenantID      *int64  `json:"tenant_id" doc:"the host"`
	VisitorName   *string `json:"visitor_name"`
	VisitorPhone  *string `json:"visitor_phone"`
	ExpectedFrom  *string `json:"expected_from" doc:"ISO 8601 time the visitor is expected from"`
	ExpectedUntil *string `json:"expected_until" doc:"ISO 8601 time the pass is valid until; default expected_from + 4 hours"`
	Notes         *string `json:"notes"`
}

// VisitorPassFilter narrows a visitor pass listing.
type VisitorPassFilter struct {
	ListParams
	PropertyID, UnitID, TenantID int64
	Status                       string
	// VisitFrom and VisitTo keep the passes whose window (expected_from
	// to expected_until) overlaps [VisitFrom, VisitTo): the console's
	// "passes of a day". Zero: no bound.
	VisitFrom, VisitTo time.Time
}

// VisitWindow is f's window with its zero bounds open, for the stores.
func (f VisitorPassFilter) VisitWindow() (from, to time.Time) {
	from, to = f.VisitFrom, f.VisitTo
	if to.IsZero() {
		to = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return from, to
}

// VisitorPassTx stores visitor passes.
type VisitorPassTx interface {
	InsertVisitorPass(ctx context.Context, p *VisitorPass) error
	VisitorPass(ctx context.Context, id int64) (*VisitorPass, error)
	UpdateVisitorPass(ctx context.Context, p *VisitorPass) error
	VisitorPasses(ctx context.Context, f VisitorPassFilter) (List[*VisitorPass], error)
}

type visitorPassData struct {
	VisitorPass *VisitorPass `json:"visitor_pass"`
}

func passCode() string {
	b := make([]byte, 6)
	rand.Read(b) // never fails (crypto/rand)
	for i := range b {
		b[i] = passCodeAlphabet[int(b[i])%len(passCodeAlphabet)]
	}
	return string(b)
}

// timeField reads an optional ISO 8601 time.
func timeField(v *Validation, field string, in *string) *time.Time {
	if in == nil || strings.TrimSpace(*in) == "" {
		return nil
	}
	t, err := ParseTime(strings.TrimSpace(*in))
	if err != nil {
		v.Add(field, "%v", err)
		return nil
	}
	u := t.Time.Truncate(time.Second)
	return &u
}

func (p *VisitorPass) apply(ctx context.Context, tx Tx, v *Validation, in VisitorPassInput) error {
	set(&p.VisitorName, in.VisitorName)
	set(&p.VisitorPhone, in.VisitorPhone)
	set(&p.Notes, in.Notes)
	v.Required("visitor_name", p.VisitorName)
	if len(p.VisitorName) > maxMeterText || len(p.VisitorPhone) > 40 {
		v.Add("visitor_name", "must be at most %d bytes, visitor_phone 40", maxMeterText)
	}
	if len(p.Notes) > maxDefectText {
		v.Add("notes", "must be at most %d bytes", maxDefectText)
	}
	from, until := timeField(v, "expected_from", in.ExpectedFrom), timeField(v, "expected_until", in.ExpectedUntil)
	if from != nil {
		if in.ExpectedUntil == nil && !p.ExpectedFrom.IsZero() {
			until = ptrTo(from.Add(p.ExpectedUntil.Sub(p.ExpectedFrom))) // moving the start keeps the window's length
		}
		p.ExpectedFrom = *from
	}
	if until != nil {
		p.ExpectedUntil = *until
	}
	if p.ExpectedFrom.IsZero() {
		if in.ExpectedFrom == nil || strings.TrimSpace(*in.ExpectedFrom) == "" {
			v.Add("expected_from", "is required: an ISO 8601 time such as 2025-05-09T18:00:00Z")
		}
	} else if p.ExpectedUntil.IsZero() {
		p.ExpectedUntil = p.ExpectedFrom.Add(DefaultVisitWindow)
	} else if !p.ExpectedUntil.After(p.ExpectedFrom) {
		v.Add("expected_until", "must be after expected_from")
	} else if p.ExpectedUntil.Sub(p.ExpectedFrom) > maxVisitWindow {
		v.Add("expected_until", "must be at most 30 days after expected_from")
	}
	if in.TenantID != nil {
		if *in.TenantID == 0 {
			p.TenantID = nil
		} else if _, err := tx.Tenant(ctx, *in.TenantID); ErrorCode(err) == ENOTFOUND {
			v.Add("tenant_id", "%d does not exist", *in.TenantID)
		} else if err != nil {
			return err
		} else {
			optionalID(&p.TenantID, in.TenantID)
		}
	}
	return nil
}

// IssueVisitorPass issues a pass for a unit's visitor → visitor_pass.created.
func (s *Service) IssueVisitorPass(ctx context.Context, orgID int64, in VisitorPassInput) (*VisitorPass, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*VisitorPass, error) {
		p := &VisitorPass{Status: PassIssued, Code: passCode(), CreatedAt: now, UpdatedAt: now}
		var v Validation
		if in.UnitID == nil || *in.UnitID == 0 {
			v.Add("unit_id", "is required")
		} else if u, err := tx.Unit(ctx, *in.UnitID); ErrorCode(err) == ENOTFOUND {
			v.Add("unit_id", "%d does not exist", *in.UnitID)
		} else if err != nil {
			return nil, err
		} else {
			p.UnitID, p.PropertyID = u.ID, u.PropertyID
		}
		if err := p.apply(ctx, tx, &v, in); err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if err := tx.InsertVisitorPass(ctx, p); err != nil {
			return nil, fmt.Errorf("issue visitor pass: %w", err)
		}
		return p, recordNested(ctx, tx, now, "visitor_pass.created", "visitor_pass", p.ID, visitorPassData{p}, nil, nil)
	})
}

// UpdateVisitorPass edits an issued pass; its unit does not change.
func (s *Service) UpdateVisitorPass(ctx context.Context, orgID, id int64, in VisitorPassInput) (*VisitorPass, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*VisitorPass, error) {
		p, err := tx.VisitorPass(ctx, id)
		if err != nil {
			return nil, err
		}
		before := *p
		var v Validation
		if in.UnitID != nil && *in.UnitID != p.UnitID {
			v.Add("unit_id", "cannot be changed: cancel the pass and issue another")
		}
		if err := p.apply(ctx, tx, &v, in); err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if unchanged(&before, p) {
			return p, nil
		}
		if p.Status != PassIssued {
			return nil, Errorf(ECONFLICT, "visitor pass %d is %s and can no longer be edited", id, p.Status)
		}
		p.UpdatedAt = now
		if err := tx.UpdateVisitorPass(ctx, p); err != nil {
			return nil, fmt.Errorf("update visitor pass: %w", err)
		}
		audited(tx, "visitor_pass", p.ID, &before, p)
		return p, nil
	})
}

type passAction struct {
	from  string
	to    string
	event string
}

var passActions = map[string]passAction{
	"check_in":  {PassIssued, PassCheckedIn, "visitor_pass.checked_in"},
	"check_out": {PassCheckedIn, PassCheckedOut, "visitor_pass.checked_out"},
	"cancel":    {PassIssued, PassCancelled, ""},
}

func (s *Service) passTransition(ctx context.Context, orgID, id int64, action string) (*VisitorPass, error) {
	a := passActions[action]
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*VisitorPass, error) {
		p, err := tx.VisitorPass(ctx, id)
		if err != nil {
			return nil, err
		}
		if p.Status != a.from {
			return nil, Errorf(ECONFLICT, "cannot %s visitor pass %d: its status is %s (%s needs %s)",
				strings.ReplaceAll(action, "_", " "), id, p.Status, action, a.from)
		}
		if action == "check_in" && now.After(p.ExpectedUntil) {
			return nil, Errorf(ECONFLICT, "visitor pass %d expired at %s: issue a new one", id, p.ExpectedUntil.Format(time.RFC3339))
		}
		before := *p
		p.Status, p.UpdatedAt = a.to, now
		switch a.to {
		case PassCheckedIn:
			p.CheckedInAt = &now
		case PassCheckedOut:
			p.CheckedOutAt = &now
		case PassCancelled:
			p.CancelledAt = &now
		}
		if err := tx.UpdateVisitorPass(ctx, p); err != nil {
			return nil, fmt.Errorf("%s visitor pass: %w", action, err)
		}
		if a.event == "" {
			audited(tx, "visitor_pass", p.ID, &before, p)
			return p, nil
		}
		return p, recordNested(ctx, tx, now, a.event, "visitor_pass", p.ID, visitorPassData{p}, p, &before)
	})
}

// CheckInVisitor records a visitor's arrival on a valid issued pass →
// visitor_pass.checked_in.
func (s *Service) CheckInVisitor(ctx context.Context, orgID, id int64) (*VisitorPass, error) {
	return s.passTransition(ctx, orgID, id, "check_in")
}

// CheckOutVisitor records a checked-in visitor's departure →
// visitor_pass.checked_out.
func (s *Service) CheckOutVisitor(ctx context.Context, orgID, id int64) (*VisitorPass, error) {
	return s.passTransition(ctx, orgID, id, "check_out")
}

// CancelVisitorPass cancels an issued pass (no event: nobody came).
func (s *Service) CancelVisitorPass(ctx context.Context, orgID, id int64) (*VisitorPass, error) {
	return s.passTransition(ctx, orgID, id, "cancel")
}

// VisitorPass returns one pass.
func (s *Service) VisitorPass(ctx context.Context, orgID, id int64) (*VisitorPass, error) {
	return view(ctx, s, orgID, func(tx Tx) (*VisitorPass, error) { return tx.VisitorPass(ctx, id) })
}

// VisitorPasses lists passes, newest first.
func (s *Service) VisitorPasses(ctx context.Context, orgID int64, f VisitorPassFilter) (List[*VisitorPass], error) {
	f.Normalize()
	if f.Status != "" && !slices.Contains(VisitorPassStatuses, f.Status) {
		return List[*VisitorPass]{}, Errorf(EINVALID, "status must be one of %s", strings.Join(VisitorPassStatuses, ", "))
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*VisitorPass], error) { return tx.VisitorPasses(ctx, f) })
}
