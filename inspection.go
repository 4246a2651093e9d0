package porter

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Inspection is a visit to a property, or to one of its units, that walks
// a checklist. It is scheduled, conducted (started, its items recorded),
// submitted, and then approved or rejected by a reviewer (seed 002).
type Inspection struct {
	ID              int64             `json:"id"`
	PropertyID      int64             `json:"property_id"`
	UnitID          *int64            `json:"unit_id"`
	Kind            string            `json:"kind"` // move_in | move_out | routine | other
	ScheduledFor    time.Time         `json:"scheduled_for"`
	Inspector       string            `json:"inspector"`
	Status          string            `json:"status"`
	Notes           string            `json:"notes"`
	Items           []*InspectionItem `json:"items"`
	StartedAt       *time.Time        `json:"started_at"`
	CompletedAt     *time.Time        `json:"completed_at"`
	ReviewedAt      *time.Time        `json:"reviewed_at"`
	RejectionReason string            `json:"rejection_reason"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
}

// InspectionItem is one line of an inspection's checklist.
type InspectionItem struct {
	ID           int64  `json:"id"`
	InspectionID int64  `json:"inspection_id"`
	Label        string `json:"label"`
	Result       string `json:"result"` // pending | pass | fail | na
	Notes        string `json:"notes"`
}

const (
	InspectionScheduled  = "scheduled"
	InspectionInProgress = "in_progress"
	InspectionSubmitted  = "submitted"
	InspectionApproved   = "approved"
	InspectionRejected   = "rejected"

	ItemPending = "pending"
	ItemPass    = "pass"
	ItemFail    = "fail"
	ItemNA      = "na"
)

// InspectionKinds and InspectionStatuses list the allowed values.
var (
	InspectionKinds    = []string{"move_in", "move_out", "routine", "other"}
	InspectionStatuses = []string{InspectionScheduled, InspectionInProgress, InspectionSubmitted, InspectionApproved, InspectionRejected}
	ItemResults        = []string{ItemPending, ItemPass, ItemFail, ItemNA}
)

// InspectionFilter narrows an inspection listing.
type InspectionFilter struct {
	ListParams
	Status     string
	PropertyID int64
	UnitID     int64
}

// InspectionTx stores inspections and their items.
type InspectionTx interface {
	InsertInspection(ctx context.Context, in *Inspection) error
	Inspection(ctx context.Context, id int64) (*Inspection, error) // without items
	// InspectionForUpdate is Inspection, locking the row until the transaction ends
	// where the engine has concurrent writers.
	InspectionForUpdate(ctx context.Context, id int64) (*Inspection, error)
	UpdateInspection(ctx context.Context, in *Inspection) error
	Inspections(ctx context.Context, f InspectionFilter) (List[*Inspection], error)
	InsertInspectionItem(ctx context.Context, it *InspectionItem) error
	UpdateInspectionItem(ctx context.Context, it *InspectionItem) error
	InspectionItems(ctx context.Context, inspectionID int64) ([]*InspectionItem, error)
	// ItemsOfInspections reads the items of several inspections at once,
	// by inspection id, in id order.
	ItemsOfInspections(ctx context.Context, ids []int64) (map[int64][]*InspectionItem, error)
}

// InspectionInput schedules an inspection.
type InspectionInput struct {
	PropertyID   *int64               `json:"property_id"`
	UnitID       *int64               `json:"unit_id"`
	Kind         *string              `json:"kind"`
	ScheduledFor *Time                `json:"scheduled_for"`
	Inspector    *string              `json:"inspector"`
	Notes        *string              `json:"notes"`
	Items        []InspectionItemSeed `json:"items"`
}

// InspectionItemSeed is a checklist line given when scheduling.
type InspectionItemSeed struct {
	Label string `json:"label"`
}

// InspectionItemInput adds an item (label required) or, on PATCH, records
// its result and notes.
type InspectionItemInput struct {
	Label  *string `json:"label"`
	Result *string `json:"result"`
	Notes  *string `json:"notes"`
}

// RejectInput is the body of a rejection.
type RejectInput struct {
	Reason *string `json:"reason"`
}

func (in *Inspection) validate(ctx context.Context, tx Tx) error {
	var v Validation
	v.OneOf("kind", in.Kind, InspectionKinds...)
	if in.ScheduledFor.IsZero() {
		v.Add("scheduled_for", "is required: an ISO 8601 time such as 2025-05-09T14:30:00Z")
	}
	if in.PropertyID == 0 {
		v.Add("property_id", "is required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := refExists(ctx, "property_id", in.PropertyID, tx.Property); err != nil {
		return err
	}
	if in.UnitID != nil {
		u, err := tx.Unit(ctx, *in.UnitID)
		if ErrorCode(err) == ENOTFOUND {
			return refExists(ctx, "unit_id", *in.UnitID, tx.Unit)
		} else if err != nil {
			return err
		}
		if u.PropertyID != in.PropertyID {
			return &Error{Code: EINVALID, Message: fmt.Sprintf("unit_id %d is not in property %d", u.ID, in.PropertyID),
				Fields: []FieldError{{Field: "unit_id", Message: fmt.Sprintf("is not in property %d", in.PropertyID)}}}
		}
	}
	return nil
}

func (it *InspectionItem) validate(prefix string) error {
	var v Validation
	v.Required(prefix+"label", it.Label)
	v.OneOf(prefix+"result", it.Result, ItemResults...)
	return v.Err()
}

// CreateInspection schedules an inspection, with its first checklist items.
func (s *Service) CreateInspection(ctx context.Context, orgID int64, in InspectionInput) (*Inspection, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Inspection, error) {
		insp := &Inspection{Kind: "routine", Status: InspectionScheduled, CreatedAt: now, UpdatedAt: now, Items: []*InspectionItem{}}
		set(&insp.PropertyID, in.PropertyID)
		if in.UnitID != nil && *in.UnitID != 0 {
			insp.UnitID = in.UnitID
		}
		set(&insp.Kind, in.Kind)
		if in.ScheduledFor != nil {
			insp.ScheduledFor = in.ScheduledFor.UTC().Truncate(time.Microsecond)
		}
		set(&insp.Inspector, in.Inspector)
		set(&insp.Notes, in.Notes)
		if err := insp.validate(ctx, tx); err != nil {
			return nil, err
		}
		for i, seed := range in.Items {
			it := &InspectionItem{Label: strings.TrimSpace(seed.Label), Result: ItemPending}
			if err := it.validate(fmt.Sprintf("items[%d].", i)); err != nil {
				return nil, err
			}
			insp.Items = append(insp.Items, it)
		}
		if err := tx.InsertInspection(ctx, insp); err != nil {
			return nil, fmt.Errorf("create inspection: %w", err)
		}
		for _, it := range insp.Items {
			it.InspectionID = insp.ID
			if err := tx.InsertInspectionItem(ctx, it); err != nil {
				return nil, fmt.Errorf("create inspection: %w", err)
			}
		}
		return insp, record(ctx, tx, now, "inspection.scheduled", "inspection", insp.ID, insp, nil)
	})
}

// loadInspection reads an inspection with its items.
func loadInspection(ctx context.Context, tx Tx, id int64) (*Inspection, error) {
	return loadInspectionWith(ctx, tx, id, tx.Inspection)
}

// loadInspectionWith loads an inspection and its items, the inspection by get.
func loadInspectionWith(ctx context.Context, tx Tx, id int64, get func(context.Context, int64) (*Inspection, error)) (*Inspection, error) {
	insp, err := get(ctx, id)
	if err != nil {
		return nil, err
	}
	if insp.Items, err = tx.InspectionItems(ctx, id); err != nil {
		return nil, err
	}
	return insp, nil
}

// copyInspection is a deep enough copy for previous_attributes: items are
// pointers, so a shallow copy would see their new results.
func copyInspection(in *Inspection) *Inspection {
	c := *in
	c.Items = make([]*InspectionItem, len(in.Items))
	for i, it := range in.Items {
		v := *it
		c.Items[i] = &v
	}
	return &c
}

// inspectionTransition moves an inspection from one status to the next, applying
// change, and records the events named.
func (s *Service) inspectionTransition(ctx context.Context, orgID, id int64, from, to string, change func(*Inspection, time.Time) error, events ...string) (*Inspection, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Inspection, error) {
		insp, err := loadInspectionWith(ctx, tx, id, tx.InspectionForUpdate)
		if err != nil {
			return nil, err
		}
		if insp.Status != from {
			return nil, Errorf(ECONFLICT, "inspection %d is %s; only %s can become %s", id, insp.Status, withArticle(from+" inspection"), to)
		}
		before := copyInspection(insp)
		insp.Status, insp.UpdatedAt = to, now
		if change != nil {
			if err := change(insp, now); err != nil {
				return nil, err
			}
		}
		if err := tx.UpdateInspection(ctx, insp); err != nil {
			return nil, fmt.Errorf("inspection %d to %s: %w", id, to, err)
		}
		for _, e := range events {
			if err := record(ctx, tx, now, e, "inspection", insp.ID, insp, before); err != nil {
				return nil, err
			}
		}
		return insp, nil
	})
}

// StartInspection begins a scheduled inspection.
func (s *Service) StartInspection(ctx context.Context, orgID, id int64) (*Inspection, error) {
	return s.inspectionTransition(ctx, orgID, id, InspectionScheduled, InspectionInProgress, func(in *Inspection, now time.Time) error {
		in.StartedAt = &now
		return nil
	}, "inspection.started")
}

// SubmitInspection hands a conducted inspection in for review. Every item
// must have a result. Seed 000's inspection.completed fires here too: the
// inspection is complete once conducted, whatever the review says.
func (s *Service) SubmitInspection(ctx context.Context, orgID, id int64) (*Inspection, error) {
	return s.inspectionTransition(ctx, orgID, id, InspectionInProgress, InspectionSubmitted, func(in *Inspection, now time.Time) error {
		var pending []string
		var fields []FieldError
		for _, it := range in.Items {
			if it.Result == ItemPending {
				pending = append(pending, fmt.Sprintf("%d (%s)", it.ID, it.Label))
				fields = append(fields, FieldError{Field: fmt.Sprintf("items.%d", it.ID), Message: "has no result"})
			}
		}
		if len(pending) > 0 {
			return &Error{Code: ECONFLICT, Fields: fields,
				Message: fmt.Sprintf("inspection %d has items without a result: %s", in.ID, strings.Join(pending, ", "))}
		}
		in.CompletedAt = &now
		return nil
	}, "inspection.submitted", "inspection.completed")
}

// ApproveInspection accepts a submitted inspection.
func (s *Service) ApproveInspection(ctx context.Context, orgID, id int64) (*Inspection, error) {
	return s.inspectionTransition(ctx, orgID, id, InspectionSubmitted, InspectionApproved, func(in *Inspection, now time.Time) error {
		in.ReviewedAt = &now
		return nil
	}, "inspection.approved")
}

// RejectInspection turns a submitted inspection down, with a reason.
func (s *Service) RejectInspection(ctx context.Context, orgID, id int64, in RejectInput) (*Inspection, error) {
	reason := ""
	set(&reason, in.Reason)
	// The reason is checked once the inspection is found: another
	// organization's id is 404 whatever the body says.
	return s.inspectionTransition(ctx, orgID, id, InspectionSubmitted, InspectionRejected, func(in *Inspection, now time.Time) error {
		var v Validation
		v.Required("reason", reason)
		if err := v.Err(); err != nil {
			return err
		}
		in.ReviewedAt, in.RejectionReason = &now, reason
		return nil
	}, "inspection.rejected")
}

// failedItem is inspection.failed_item's data: the item and where it is.
type failedItem struct {
	*InspectionItem
	PropertyID int64  `json:"property_id"`
	UnitID     *int64 `json:"unit_id"`
}

// changeItem adds or edits a checklist item of an inspection in progress.
func (s *Service) changeItem(ctx context.Context, orgID, id int64, fn func(insp *Inspection) (*InspectionItem, string, error)) (*Inspection, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Inspection, error) {
		insp, err := loadInspectionWith(ctx, tx, id, tx.InspectionForUpdate)
		if err != nil {
			return nil, err
		}
		if insp.Status != InspectionInProgress {
			return nil, Errorf(ECONFLICT, "inspection %d is %s; items are recorded only while it is in_progress", id, insp.Status)
		}
		before := copyInspection(insp)
		it, was, err := fn(insp)
		if err != nil {
			return nil, err
		}
		if it.ID == 0 {
			it.InspectionID = insp.ID
			if err := tx.InsertInspectionItem(ctx, it); err != nil {
				return nil, fmt.Errorf("add inspection item: %w", err)
			}
			insp.Items = append(insp.Items, it)
		} else if err := tx.UpdateInspectionItem(ctx, it); err != nil {
			return nil, fmt.Errorf("update inspection item: %w", err)
		}
		insp.UpdatedAt = now
		if err := tx.UpdateInspection(ctx, insp); err != nil {
			return nil, fmt.Errorf("update inspection: %w", err)
		}
		if err := record(ctx, tx, now, "inspection.updated", "inspection", insp.ID, insp, before); err != nil {
			return nil, err
		}
		if it.Result == ItemFail && was != ItemFail {
			fi := failedItem{InspectionItem: it, PropertyID: insp.PropertyID, UnitID: insp.UnitID}
			if err := record(ctx, tx, now, "inspection.failed_item", "inspection_item", it.ID, fi, nil); err != nil {
				return nil, err
			}
		}
		return insp, nil
	})
}

// AddInspectionItem adds a checklist item to an inspection in progress.
func (s *Service) AddInspectionItem(ctx context.Context, orgID, id int64, in InspectionItemInput) (*Inspection, error) {
	return s.changeItem(ctx, orgID, id, func(*Inspection) (*InspectionItem, string, error) {
		it := &InspectionItem{Result: ItemPending}
		set(&it.Label, in.Label)
		set(&it.Result, in.Result)
		set(&it.Notes, in.Notes)
		return it, "", it.validate("")
	})
}

// UpdateInspectionItem records an item's result or notes.
func (s *Service) UpdateInspectionItem(ctx context.Context, orgID, id, itemID int64, in InspectionItemInput) (*Inspection, error) {
	if in.Label != nil {
		var v Validation
		v.Add("label", "cannot be changed; add a new item instead")
		return nil, v.Err()
	}
	return s.changeItem(ctx, orgID, id, func(insp *Inspection) (*InspectionItem, string, error) {
		for _, it := range insp.Items {
			if it.ID == itemID {
				was := it.Result
				set(&it.Result, in.Result)
				set(&it.Notes, in.Notes)
				return it, was, it.validate("")
			}
		}
		return nil, "", Errorf(ENOTFOUND, "inspection item %d not found in inspection %d", itemID, id)
	})
}

// Inspection returns one inspection with its items.
func (s *Service) Inspection(ctx context.Context, orgID, id int64) (*Inspection, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Inspection, error) { return loadInspection(ctx, tx, id) })
}

// Inspections lists inspections, newest first, each with its items.
func (s *Service) Inspections(ctx context.Context, orgID int64, f InspectionFilter) (List[*Inspection], error) {
	f.Normalize()
	if f.Status != "" {
		var v Validation
		v.OneOf("status", f.Status, InspectionStatuses...)
		if err := v.Err(); err != nil {
			return List[*Inspection]{}, err
		}
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*Inspection], error) {
		l, err := tx.Inspections(ctx, f)
		if err != nil {
			return l, err
		}
		// The page's items in one query, not one per inspection.
		ids := make([]int64, len(l.Items))
		for i, insp := range l.Items {
			ids[i] = insp.ID
		}
		items, err := tx.ItemsOfInspections(ctx, ids)
		if err != nil {
			return l, err
		}
		for _, insp := range l.Items {
			insp.Items = items[insp.ID]
			if insp.Items == nil {
				insp.Items = []*InspectionItem{}
			}
		}
		return l, nil
	})
}
