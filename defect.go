package porter

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Defect is a defect or snagging item found at handover (or later): its
// own record, fixed through its own states, optionally linked to the work
// order that fixes it. Imported ones carry their source and external_ref,
// so that importing the same item again updates it.
type Defect struct {
	ID         int64  `json:"id"`
	PropertyID int64  `json:"property_id"`
	UnitID     *int64 `json:"unit_id"`
	// AssetID is the asset at fault, one of the organization's.
	AssetID     *int64     `json:"asset_id"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Location    string     `json:"location"` // where in the property or unit, free text
	Severity    string     `json:"severity"`
	Status      string     `json:"status"`
	Source      string     `json:"source"`       // "" when recorded by hand; e.g. arkan_handover
	ExternalRef *string    `json:"external_ref"` // its id at the source, unique per source
	WorkOrderID *int64     `json:"work_order_id"`
	Resolution  string     `json:"resolution"` // how it was resolved, or why rejected
	StartedAt   *time.Time `json:"started_at"`
	ResolvedAt  *time.Time `json:"resolved_at"`
	RejectedAt  *time.Time `json:"rejected_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Defect statuses: open → in_progress → resolved, or rejected (not a
// defect, or not the builder's) from open or in_progress.
const (
	DefectOpen       = "open"
	DefectInProgress = "in_progress"
	DefectResolved   = "resolved"
	DefectRejected   = "rejected"
)

// DefectStatuses lists every status, in lifecycle order.
var DefectStatuses = []string{DefectOpen, DefectInProgress, DefectResolved, DefectRejected}

// DefectSeverities lists how bad a defect may be.
var DefectSeverities = []string{"low", "medium", "high", "critical"}

const maxDefectText = 10000

// DefectInput records a defect; on PATCH, nil fields are left alone and 0
// or "" clears unit_id, asset_id and work_order_id.
type DefectInput struct {
	PropertyID  *int64  `json:"property_id" doc:"required unless unit_id is given"`
	UnitID      *int64  `json:"unit_id"`
	AssetID     *int64  `json:"asset_id"`
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Location    *string `json:"location"`
	Severity    *string `json:"severity" doc:"low, medium (default), high or critical"`
	Source      *string `json:"source" doc:"where it was imported from, e.g. arkan_handover; with external_ref, the same item again updates it"`
	ExternalRef *string `json:"external_ref" doc:"its id at the source"`
	WorkOrderID *int64  `json:"work_order_id" doc:"the work order that fixes it"`
}

// DefectResolution resolves or rejects a defect: resolution says how, or
// why not (required to reject).
type DefectResolution struct {
	Resolution  *string `json:"resolution"`
	WorkOrderID *int64  `json:"work_order_id"`
}

// DefectFilter narrows a defect listing.
type DefectFilter struct {
	ListParams
	PropertyID, UnitID, AssetID int64
	Status, Severity, Source    string
}

// DefectTx stores defects.
type DefectTx interface {
	InsertDefect(ctx context.Context, d *Defect) error
	Defect(ctx context.Context, id int64) (*Defect, error)
	DefectByExternalRef(ctx context.Context, source, ref string) (*Defect, error)
	UpdateDefect(ctx context.Context, d *Defect) error
	Defects(ctx context.Context, f DefectFilter) (List[*Defect], error)
}

// defectData is the data of defect.* events: data.defect, as seed 002's
// payloads nest the record.
type defectData struct {
	Defect *Defect `json:"defect"`
}

func recordDefect(ctx context.Context, tx Tx, now time.Time, typ string, d, before *Defect) error {
	var prev any
	if before != nil {
		prev = before
	}
	return recordNested(ctx, tx, now, typ, "defect", d.ID, defectData{d}, d, prev)
}

func (d *Defect) apply(ctx context.Context, tx Tx, in DefectInput) error {
	var v Validation
	set(&d.Title, in.Title)
	set(&d.Description, in.Description)
	set(&d.Location, in.Location)
	set(&d.Severity, in.Severity)
	optionalID(&d.AssetID, in.AssetID)
	v.Required("title", d.Title)
	if len(d.Title) > maxMeterText {
		v.Add("title", "must be at most %d bytes", maxMeterText)
	}
	if len(d.Description) > maxDefectText {
		v.Add("description", "must be at most %d bytes", maxDefectText)
	}
	if len(d.Location) > maxMeterText {
		v.Add("location", "must be at most %d bytes", maxMeterText)
	}
	v.OneOf("severity", d.Severity, DefectSeverities...)
	if err := checkAssetRef(ctx, tx, &v, d.AssetID); err != nil {
		return err
	}
	if err := placeOn(ctx, tx, &v, in.PropertyID, in.UnitID, &d.PropertyID, &d.UnitID); err != nil {
		return err
	}
	if err := d.linkWorkOrder(ctx, tx, &v, in.WorkOrderID); err != nil {
		return err
	}
	return v.Err()
}

func (d *Defect) linkWorkOrder(ctx context.Context, tx Tx, v *Validation, id *int64) error {
	if id == nil || *id == 0 {
		optionalID(&d.WorkOrderID, id)
		return nil
	}
	if _, err := tx.WorkOrder(ctx, *id); ErrorCode(err) == ENOTFOUND {
		v.Add("work_order_id", "%d does not exist", *id)
		return nil
	} else if err != nil {
		return err
	}
	optionalID(&d.WorkOrderID, id)
	return nil
}

// RecordDefect records a defect → defect.created. One that names a source
// and an external_ref already recorded updates that defect instead (→
// defect.updated when anything changed), so that an import may be
// replayed: created tells which happened.
func (s *Service) RecordDefect(ctx context.Context, orgID int64, in DefectInput) (d *Defect, created bool, err error) {
	return updateUpsert(ctx, s, orgID, func(tx Tx, now time.Time) (*Defect, bool, error) {
		return recordDefectIn(ctx, tx, now, in)
	})
}

// recordDefectIn is RecordDefect inside a transaction.
func recordDefectIn(ctx context.Context, tx Tx, now time.Time, in DefectInput) (*Defect, bool, error) {
	source, ref := "", ""
	if in.Source != nil {
		source = strings.TrimSpace(*in.Source)
	}
	if in.ExternalRef != nil {
		ref = strings.TrimSpace(*in.ExternalRef)
	}
	var v Validation
	if ref != "" && source == "" {
		v.Add("source", "is required with external_ref: the external_ref is unique per source")
	}
	if len(source) > 100 || len(ref) > maxMeterText {
		v.Add("external_ref", "source must be at most 100 bytes and external_ref %d", maxMeterText)
	}
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	if ref != "" {
		old, err := tx.DefectByExternalRef(ctx, source, ref)
		if err == nil {
			before := *old
			if err := old.apply(ctx, tx, in); err != nil {
				return nil, false, err
			}
			if unchanged(&before, old) {
				return old, false, nil
			}
			old.UpdatedAt = now
			if err := tx.UpdateDefect(ctx, old); err != nil {
				return nil, false, fmt.Errorf("update defect: %w", err)
			}
			return old, false, recordDefect(ctx, tx, now, "defect.updated", old, &before)
		} else if ErrorCode(err) != ENOTFOUND {
			return nil, false, err
		}
	}
	d := &Defect{Severity: "medium", Status: DefectOpen, Source: source, CreatedAt: now, UpdatedAt: now}
	if ref != "" {
		d.ExternalRef = &ref
	}
	if err := d.apply(ctx, tx, in); err != nil {
		return nil, false, err
	}
	if err := tx.InsertDefect(ctx, d); err != nil {
		return nil, false, fmt.Errorf("record defect: %w", err)
	}
	return d, true, recordDefect(ctx, tx, now, "defect.created", d, nil)
}

// UpdateDefect edits a defect that is not closed → defect.updated. Its
// source and external_ref do not change.
func (s *Service) UpdateDefect(ctx context.Context, orgID, id int64, in DefectInput) (*Defect, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Defect, error) {
		d, err := tx.Defect(ctx, id)
		if err != nil {
			return nil, err
		}
		var v Validation
		if in.Source != nil && strings.TrimSpace(*in.Source) != d.Source {
			v.Add("source", "cannot be changed")
		}
		if in.ExternalRef != nil && (d.ExternalRef == nil || strings.TrimSpace(*in.ExternalRef) != *d.ExternalRef) {
			v.Add("external_ref", "cannot be changed")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		before := *d
		if err := d.apply(ctx, tx, in); err != nil {
			return nil, err
		}
		if unchanged(&before, d) {
			return d, nil
		}
		if d.Status == DefectResolved || d.Status == DefectRejected {
			return nil, Errorf(ECONFLICT, "defect %d is %s and can no longer be edited", id, d.Status)
		}
		d.UpdatedAt = now
		if err := tx.UpdateDefect(ctx, d); err != nil {
			return nil, fmt.Errorf("update defect: %w", err)
		}
		return d, recordDefect(ctx, tx, now, "defect.updated", d, &before)
	})
}

type defectAction struct {
	from  []string
	to    string
	event string
}

var defectActions = map[string]defectAction{
	"start":   {from: []string{DefectOpen}, to: DefectInProgress, event: "defect.updated"},
	"resolve": {from: []string{DefectOpen, DefectInProgress}, to: DefectResolved, event: "defect.resolved"},
	"reject":  {from: []string{DefectOpen, DefectInProgress}, to: DefectRejected, event: "defect.updated"},
}

func (s *Service) defectTransition(ctx context.Context, orgID, id int64, action string, in DefectResolution) (*Defect, error) {
	a := defectActions[action]
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Defect, error) {
		d, err := tx.Defect(ctx, id)
		if err != nil {
			return nil, err
		}
		before := *d
		var v Validation
		if in.Resolution != nil {
			d.Resolution = strings.TrimSpace(*in.Resolution)
		}
		if action == "reject" {
			v.Required("resolution", d.Resolution)
		}
		if len(d.Resolution) > maxDefectText {
			v.Add("resolution", "must be at most %d bytes", maxDefectText)
		}
		if err := d.linkWorkOrder(ctx, tx, &v, in.WorkOrderID); err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if !slices.Contains(a.from, before.Status) {
			return nil, Errorf(ECONFLICT, "cannot %s defect %d: its status is %s (%s needs %s)",
				action, id, before.Status, action, strings.Join(a.from, " or "))
		}
		d.Status, d.UpdatedAt = a.to, now
		switch a.to {
		case DefectInProgress:
			d.StartedAt = &now
		case DefectResolved:
			d.ResolvedAt = &now
		case DefectRejected:
			d.RejectedAt = &now
		}
		if err := tx.UpdateDefect(ctx, d); err != nil {
			return nil, fmt.Errorf("%s defect: %w", action, err)
		}
		return d, recordDefect(ctx, tx, now, a.event, d, &before)
	})
}

// StartDefect records that work on an open defect began → defect.updated.
func (s *Service) StartDefect(ctx context.Context, orgID, id int64, in DefectResolution) (*Defect, error) {
	return s.defectTransition(ctx, orgID, id, "start", in)
}

// ResolveDefect resolves an open or in-progress defect → defect.resolved.
func (s *Service) ResolveDefect(ctx context.Context, orgID, id int64, in DefectResolution) (*Defect, error) {
	return s.defectTransition(ctx, orgID, id, "resolve", in)
}

// RejectDefect rejects an open or in-progress defect, with the reason →
// defect.updated.
func (s *Service) RejectDefect(ctx context.Context, orgID, id int64, in DefectResolution) (*Defect, error) {
	return s.defectTransition(ctx, orgID, id, "reject", in)
}

// Defect returns one defect.
func (s *Service) Defect(ctx context.Context, orgID, id int64) (*Defect, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Defect, error) { return tx.Defect(ctx, id) })
}

// Defects lists defects, newest first.
func (s *Service) Defects(ctx context.Context, orgID int64, f DefectFilter) (List[*Defect], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Defect], error) { return tx.Defects(ctx, f) })
}
