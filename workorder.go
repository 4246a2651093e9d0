package porter

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// WorkOrder is a maintenance request on a property, optionally on one of
// its units. It moves through a state machine (see workOrderActions) and
// carries an SLA deadline set by its priority.
type WorkOrder struct {
	ID              int64      `json:"id"`
	PropertyID      int64      `json:"property_id"`
	UnitID          *int64     `json:"unit_id"`
	Title           string     `json:"title"`
	Description     string     `json:"description"`
	Priority        string     `json:"priority"`    // low | normal | high | emergency
	Category        string     `json:"category"`    // free text, e.g. plumbing
	ReportedBy      string     `json:"reported_by"` // free text; "manager" unless told
	Status          string     `json:"status"`
	VendorID        *int64     `json:"vendor_id"`
	AssignedTo      string     `json:"assigned_to"` // free text: a technician, a team
	DueAt           time.Time  `json:"due_at"`      // created_at + the priority's SLA window
	SLABreachedAt   *time.Time `json:"sla_breached_at"`
	ResolutionNotes string     `json:"resolution_notes"`
	Cost            Money      `json:"cost"` // what the work cost, recorded on completion
	CompletedAt     *time.Time `json:"completed_at"`
	VerifiedAt      *time.Time `json:"verified_at"`
	ClosedAt        *time.Time `json:"closed_at"`
	CancelledAt     *time.Time `json:"cancelled_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// Work order statuses.
const (
	WorkOrderOpen       = "open"
	WorkOrderAssigned   = "assigned"
	WorkOrderInProgress = "in_progress"
	WorkOrderOnHold     = "on_hold"
	WorkOrderCompleted  = "completed"
	WorkOrderVerified   = "verified"
	WorkOrderClosed     = "closed"
	WorkOrderCancelled  = "cancelled"
)

// WorkOrderStatuses lists every status, in lifecycle order.
var WorkOrderStatuses = []string{WorkOrderOpen, WorkOrderAssigned, WorkOrderInProgress, WorkOrderOnHold,
	WorkOrderCompleted, WorkOrderVerified, WorkOrderClosed, WorkOrderCancelled}

// Work order priorities.
const (
	PriorityLow       = "low"
	PriorityNormal    = "normal"
	PriorityHigh      = "high"
	PriorityEmergency = "emergency"
)

// WorkOrderPriorities lists every priority, lowest first.
var WorkOrderPriorities = []string{PriorityLow, PriorityNormal, PriorityHigh, PriorityEmergency}

// SLAWindows is how long after creation each priority's work order may
// stay unresolved (not completed, verified, closed or cancelled) before the
// SLA pass marks it breached: emergency 4 hours, high 24 hours, normal 72
// hours, low 7 days.
var SLAWindows = map[string]time.Duration{
	PriorityEmergency: 4 * time.Hour,
	PriorityHigh:      24 * time.Hour,
	PriorityNormal:    72 * time.Hour,
	PriorityLow:       7 * 24 * time.Hour,
}

// workOrderAction is one transition of the state machine.
type workOrderAction struct {
	from  []string
	to    string
	event string
}

// workOrderActions is the state machine: open → assigned → in_progress ⇄
// on_hold → completed → verified → closed, reassignment while assigned,
// and cancel from every state but the final ones (closed, cancelled).
var workOrderActions = map[string]workOrderAction{
	"assign":   {from: []string{WorkOrderOpen, WorkOrderAssigned}, to: WorkOrderAssigned, event: "work_order.assigned"},
	"start":    {from: []string{WorkOrderAssigned}, to: WorkOrderInProgress, event: "work_order.started"},
	"hold":     {from: []string{WorkOrderInProgress}, to: WorkOrderOnHold, event: "work_order.on_hold"},
	"resume":   {from: []string{WorkOrderOnHold}, to: WorkOrderInProgress, event: "work_order.resumed"},
	"complete": {from: []string{WorkOrderInProgress}, to: WorkOrderCompleted, event: "work_order.completed"},
	"verify":   {from: []string{WorkOrderCompleted}, to: WorkOrderVerified, event: "work_order.verified"},
	"close":    {from: []string{WorkOrderVerified}, to: WorkOrderClosed, event: "work_order.closed"},
	"cancel": {from: []string{WorkOrderOpen, WorkOrderAssigned, WorkOrderInProgress, WorkOrderOnHold, WorkOrderCompleted, WorkOrderVerified},
		to: WorkOrderCancelled, event: "work_order.cancelled"},
}

// WorkOrderActionAllowed reports whether action may be taken on a work
// order in status.
func WorkOrderActionAllowed(action, status string) bool {
	a, ok := workOrderActions[action]
	return ok && slices.Contains(a.from, status)
}

// final reports whether a work order can no longer change.
func (w *WorkOrder) final() bool {
	return w.Status == WorkOrderClosed || w.Status == WorkOrderCancelled
}

// needsAssignee: a work order being worked on names who works on it.
func (w *WorkOrder) needsAssignee() bool {
	switch w.Status {
	case WorkOrderAssigned, WorkOrderInProgress, WorkOrderOnHold:
		return true
	}
	return false
}

// WorkOrderFilter narrows a work order listing.
type WorkOrderFilter struct {
	ListParams
	Status     string
	Priority   string
	PropertyID int64
	UnitID     int64
	VendorID   int64
	// Search keeps work orders whose title contains it, ignoring case.
	Search string
	// Overdue keeps unresolved work orders (open, assigned, in progress or
	// on hold) whose SLA deadline has passed at Now.
	Overdue bool
	Now     time.Time // set by the Service
}

// TitlePattern is Search as a LIKE pattern, "" for no search. LIKE's
// wildcards in the search match any one character: the engines' query
// parser allows no ESCAPE clause, so "50%" also finds "50x".
func (f WorkOrderFilter) TitlePattern() string {
	q := strings.ToLower(strings.TrimSpace(f.Search))
	if q == "" {
		return ""
	}
	return "%" + strings.NewReplacer("%", "_").Replace(q) + "%"
}

// WorkOrderTx stores work orders.
type WorkOrderTx interface {
	InsertWorkOrder(ctx context.Context, w *WorkOrder) error
	WorkOrder(ctx context.Context, id int64) (*WorkOrder, error)
	// WorkOrderForUpdate reads a work order that the transaction is about
	// to change, locking it where the engine allows concurrent writers, so
	// that two transitions cannot both start from the same status.
	WorkOrderForUpdate(ctx context.Context, id int64) (*WorkOrder, error)
	UpdateWorkOrder(ctx context.Context, w *WorkOrder) error
	WorkOrders(ctx context.Context, f WorkOrderFilter) (List[*WorkOrder], error)
	// OverdueWorkOrders returns, oldest first, at most limit unresolved
	// work orders due at or before now and not yet marked breached, locked
	// for update.
	OverdueWorkOrders(ctx context.Context, now time.Time, limit int) ([]*WorkOrder, error)
}

// WorkOrderInput opens a work order.
type WorkOrderInput struct {
	PropertyID  *int64  `json:"property_id"`
	UnitID      *int64  `json:"unit_id"`
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Priority    *string `json:"priority"`
	Category    *string `json:"category"`
	ReportedBy  *string `json:"reported_by"`
}

// WorkOrderPatch edits a work order: nil fields are left alone, and an id
// of 0 clears unit_id or vendor_id. The status changes only through the
// actions.
type WorkOrderPatch struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Priority    *string `json:"priority"`
	Category    *string `json:"category"`
	UnitID      *int64  `json:"unit_id"`
	VendorID    *int64  `json:"vendor_id"`
	AssignedTo  *string `json:"assigned_to"`
}

// WorkOrderAssignment names who does the work: at least one field. Fields
// left out keep their value; vendor_id 0 or assigned_to "" clears one.
type WorkOrderAssignment struct {
	VendorID   *int64  `json:"vendor_id"`
	AssignedTo *string `json:"assigned_to"`
}

// WorkOrderCompletion completes a work order.
type WorkOrderCompletion struct {
	ResolutionNotes *string `json:"resolution_notes"`
	Cost            *Money  `json:"cost"` // what the work cost, e.g. 125.50
}

// setID sets an optional id: nil leaves it, 0 clears it.
func setID(dst **int64, src *int64) {
	if src == nil {
		return
	}
	if *src == 0 {
		*dst = nil
		return
	}
	v := *src
	*dst = &v
}

func sameID(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// validate checks w. before is the stored work order on an update and nil
// on creation: references are checked only when they change, so that a
// vendor deactivated since its assignment does not block other edits.
func (w *WorkOrder) validate(ctx context.Context, tx Tx, before *WorkOrder) error {
	var v Validation
	v.Required("title", w.Title)
	v.Required("description", w.Description)
	v.OneOf("priority", w.Priority, WorkOrderPriorities...)
	if w.Cost < 0 {
		v.Add("cost", "must not be negative")
	}
	if w.needsAssignee() && w.VendorID == nil && strings.TrimSpace(w.AssignedTo) == "" {
		v.Add("assigned_to", "or vendor_id is required while the work order is %s", w.Status)
	}
	if before == nil {
		if w.PropertyID == 0 {
			v.Add("property_id", "is required")
		} else if _, err := tx.Property(ctx, w.PropertyID); ErrorCode(err) == ENOTFOUND {
			v.Add("property_id", "%d does not exist", w.PropertyID)
		} else if err != nil {
			return err
		}
	}
	if w.UnitID != nil && (before == nil || !sameID(before.UnitID, w.UnitID)) {
		u, err := tx.Unit(ctx, *w.UnitID)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			v.Add("unit_id", "%d does not exist", *w.UnitID)
		case err != nil:
			return err
		case u.PropertyID != w.PropertyID:
			v.Add("unit_id", "%d does not belong to property_id %d", *w.UnitID, w.PropertyID)
		}
	}
	if w.VendorID != nil && (before == nil || !sameID(before.VendorID, w.VendorID)) {
		vd, err := tx.Vendor(ctx, *w.VendorID)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			v.Add("vendor_id", "%d does not exist", *w.VendorID)
		case err != nil:
			return err
		case vd.Status != VendorActive:
			v.Add("vendor_id", "%d is %s", *w.VendorID, vd.Status)
		}
	}
	return v.Err()
}

// CreateWorkOrder opens a work order. Its SLA deadline follows from its
// priority; an emergency is also announced as work_order.escalated.
func (s *Service) CreateWorkOrder(ctx context.Context, orgID int64, in WorkOrderInput) (*WorkOrder, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*WorkOrder, error) {
		w := &WorkOrder{Priority: PriorityNormal, ReportedBy: "manager", Status: WorkOrderOpen, CreatedAt: now, UpdatedAt: now}
		set(&w.PropertyID, in.PropertyID)
		setID(&w.UnitID, in.UnitID)
		set(&w.Title, in.Title)
		set(&w.Description, in.Description)
		set(&w.Priority, in.Priority)
		set(&w.Category, in.Category)
		set(&w.ReportedBy, in.ReportedBy)
		if w.ReportedBy == "" {
			w.ReportedBy = "manager"
		}
		if err := w.validate(ctx, tx, nil); err != nil {
			return nil, err
		}
		w.DueAt = now.Add(SLAWindows[w.Priority])
		if err := tx.InsertWorkOrder(ctx, w); err != nil {
			return nil, fmt.Errorf("create work order: %w", err)
		}
		types := []string{"work_order.created"}
		if w.Priority == PriorityEmergency {
			types = append(types, "work_order.escalated")
		}
		return w, recordWorkOrder(ctx, tx, now, w, nil, types...)
	})
}

// UpdateWorkOrder edits a work order that is not closed or cancelled. A
// new priority moves the SLA deadline to created_at plus its window; one
// raised to emergency is also announced as work_order.escalated. A breach
// already recorded stays recorded.
func (s *Service) UpdateWorkOrder(ctx context.Context, orgID, id int64, in WorkOrderPatch) (*WorkOrder, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*WorkOrder, error) {
		w, err := tx.WorkOrderForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if w.final() {
			return nil, Errorf(ECONFLICT, "work order %d is %s and can no longer be edited", id, w.Status)
		}
		before := *w
		set(&w.Title, in.Title)
		set(&w.Description, in.Description)
		set(&w.Priority, in.Priority)
		set(&w.Category, in.Category)
		setID(&w.UnitID, in.UnitID)
		setID(&w.VendorID, in.VendorID)
		set(&w.AssignedTo, in.AssignedTo)
		if err := w.validate(ctx, tx, &before); err != nil {
			return nil, err
		}
		if w.Priority != before.Priority {
			w.DueAt = w.CreatedAt.Add(SLAWindows[w.Priority])
		}
		if unchanged(&before, w) {
			return w, nil // an empty edit writes nothing
		}
		w.UpdatedAt = now
		if err := tx.UpdateWorkOrder(ctx, w); err != nil {
			return nil, fmt.Errorf("update work order: %w", err)
		}
		types := []string{"work_order.updated"}
		if w.Priority == PriorityEmergency && before.Priority != PriorityEmergency {
			types = append(types, "work_order.escalated")
		}
		return w, recordWorkOrder(ctx, tx, now, w, &before, types...)
	})
}

// workOrderTransition applies action to work order id: it checks the state machine,
// lets change set the action's fields, and records the action's own event
// and work_order.updated, both with previous_attributes.
func (s *Service) workOrderTransition(ctx context.Context, orgID, id int64, action string, change func(w *WorkOrder, now time.Time) error) (*WorkOrder, error) {
	a, ok := workOrderActions[action]
	if !ok {
		return nil, fmt.Errorf("work order: unknown action %q", action)
	}
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*WorkOrder, error) {
		w, err := tx.WorkOrderForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(a.from, w.Status) {
			return nil, Errorf(ECONFLICT, "cannot %s work order %d: its status is %s (%s needs %s)",
				action, id, w.Status, action, strings.Join(a.from, " or "))
		}
		before := *w
		w.Status = a.to
		if change != nil {
			if err := change(w, now); err != nil {
				return nil, err
			}
		}
		if err := w.validate(ctx, tx, &before); err != nil {
			return nil, err
		}
		w.UpdatedAt = now
		if err := tx.UpdateWorkOrder(ctx, w); err != nil {
			return nil, fmt.Errorf("%s work order: %w", action, err)
		}
		if err := recordWorkOrder(ctx, tx, now, w, &before, a.event, "work_order.updated"); err != nil {
			return nil, err
		}
		// ERP / accounting: post its cost where a posting rule takes this event.
		return w, postWorkOrder(ctx, tx, now, w, a.event)
	})
}

// AssignWorkOrder assigns (or reassigns) an open or assigned work order to
// a vendor and/or a named person.
func (s *Service) AssignWorkOrder(ctx context.Context, orgID, id int64, in WorkOrderAssignment) (*WorkOrder, error) {
	return s.workOrderTransition(ctx, orgID, id, "assign", func(w *WorkOrder, _ time.Time) error {
		if in.VendorID == nil && in.AssignedTo == nil {
			return &Error{Code: EINVALID, Message: "vendor_id or assigned_to is required",
				Fields: []FieldError{{Field: "vendor_id", Message: "or assigned_to is required"}}}
		}
		setID(&w.VendorID, in.VendorID)
		set(&w.AssignedTo, in.AssignedTo)
		return nil
	})
}

// StartWorkOrder records that work on an assigned work order has started.
func (s *Service) StartWorkOrder(ctx context.Context, orgID, id int64) (*WorkOrder, error) {
	return s.workOrderTransition(ctx, orgID, id, "start", nil)
}

// HoldWorkOrder puts a work order in progress on hold.
func (s *Service) HoldWorkOrder(ctx context.Context, orgID, id int64) (*WorkOrder, error) {
	return s.workOrderTransition(ctx, orgID, id, "hold", nil)
}

// ResumeWorkOrder resumes a work order on hold.
func (s *Service) ResumeWorkOrder(ctx context.Context, orgID, id int64) (*WorkOrder, error) {
	return s.workOrderTransition(ctx, orgID, id, "resume", nil)
}

// CompleteWorkOrder records that the work is done.
func (s *Service) CompleteWorkOrder(ctx context.Context, orgID, id int64, in WorkOrderCompletion) (*WorkOrder, error) {
	return s.workOrderTransition(ctx, orgID, id, "complete", func(w *WorkOrder, now time.Time) error {
		set(&w.ResolutionNotes, in.ResolutionNotes)
		set(&w.Cost, in.Cost)
		w.CompletedAt = &now
		return nil
	})
}

// VerifyWorkOrder records that completed work was checked.
func (s *Service) VerifyWorkOrder(ctx context.Context, orgID, id int64) (*WorkOrder, error) {
	return s.workOrderTransition(ctx, orgID, id, "verify", func(w *WorkOrder, now time.Time) error { w.VerifiedAt = &now; return nil })
}

// CloseWorkOrder closes a verified work order.
func (s *Service) CloseWorkOrder(ctx context.Context, orgID, id int64) (*WorkOrder, error) {
	return s.workOrderTransition(ctx, orgID, id, "close", func(w *WorkOrder, now time.Time) error { w.ClosedAt = &now; return nil })
}

// CancelWorkOrder cancels a work order that is not closed or cancelled.
func (s *Service) CancelWorkOrder(ctx context.Context, orgID, id int64) (*WorkOrder, error) {
	return s.workOrderTransition(ctx, orgID, id, "cancel", func(w *WorkOrder, now time.Time) error { w.CancelledAt = &now; return nil })
}

// WorkOrder returns one work order.
func (s *Service) WorkOrder(ctx context.Context, orgID, id int64) (*WorkOrder, error) {
	return view(ctx, s, orgID, func(tx Tx) (*WorkOrder, error) { return tx.WorkOrder(ctx, id) })
}

// WorkOrders lists work orders, newest first.
func (s *Service) WorkOrders(ctx context.Context, orgID int64, f WorkOrderFilter) (List[*WorkOrder], error) {
	f.Normalize()
	f.Now = s.Now().UTC()
	return view(ctx, s, orgID, func(tx Tx) (List[*WorkOrder], error) { return tx.WorkOrders(ctx, f) })
}
