package porter

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// CleaningTask is the cleaning of a unit between two stays, created for a
// booking's check-out when the booking is confirmed, or by hand.
type CleaningTask struct {
	ID         int64  `json:"id"`
	PropertyID int64  `json:"property_id"`
	UnitID     int64  `json:"unit_id"`
	BookingID  *int64 `json:"booking_id"` // the stay whose check-out it follows
	// Origin is booking (created for a confirmed booking's check-out and
	// following its dates until started), manual, or rescheduled (created
	// by skipping another task).
	Origin   string `json:"origin"`
	Status   string `json:"status"`
	Priority string `json:"priority"` // high for a same-day turnover
	// The task is due from DueFrom (the check-out day) until DueBy (the
	// next confirmed check-in on the unit), both dates; DueBy is null
	// while no stay follows.
	DueFrom           string          `json:"due_from"`
	DueBy             *string         `json:"due_by"`
	AssigneeType      string          `json:"assignee_type"` // staff, vendor, or "" while unassigned
	StaffID           *int64          `json:"staff_id"`
	VendorID          *int64          `json:"vendor_id"`
	Checklist         []ChecklistItem `json:"checklist"`
	Notes             string          `json:"notes"`
	PhotoDocumentIDs  []int64         `json:"photo_document_ids"`
	SkipReason        string          `json:"skip_reason"`
	RescheduledFromID *int64          `json:"rescheduled_from_id"`
	RescheduledToID   *int64          `json:"rescheduled_to_id"`
	AssignedAt        *time.Time      `json:"assigned_at"`
	StartedAt         *time.Time      `json:"started_at"`
	CompletedAt       *time.Time      `json:"completed_at"`
	SkippedAt         *time.Time      `json:"skipped_at"`
	CancelledAt       *time.Time      `json:"cancelled_at"`
	CreatedAt         time.Time       `json:"created_at"`
	UpdatedAt         time.Time       `json:"updated_at"`
}

// ChecklistItem is one line of a cleaning checklist.
type ChecklistItem struct {
	Label string `json:"label"`
	Done  bool   `json:"done"`
}

// Cleaning task statuses. cancelled is set by Porter only, when the
// booking a pending or assigned task follows is cancelled or a no-show.
const (
	CleaningPending    = "pending"
	CleaningAssigned   = "assigned"
	CleaningInProgress = "in_progress"
	CleaningCompleted  = "completed"
	CleaningSkipped    = "skipped"
	CleaningCancelled  = "cancelled"
)

// CleaningStatuses lists every status, in lifecycle order.
var CleaningStatuses = []string{CleaningPending, CleaningAssigned, CleaningInProgress, CleaningCompleted, CleaningSkipped, CleaningCancelled}

// CleaningPriorities lists the priorities; a same-day turnover is high.
var CleaningPriorities = []string{"low", "normal", "high"}

// Cleaning task origins.
const (
	CleaningFromBooking     = "booking"
	CleaningManual          = "manual"
	CleaningFromRescheduled = "rescheduled"
)

// DefaultCleaningChecklist is the checklist of a task created for a
// check-out.
var DefaultCleaningChecklist = []string{"Change bed linen and towels", "Clean bathroom", "Clean kitchen and dishes",
	"Vacuum and mop floors", "Empty bins", "Restock supplies", "Check for damage"}

const (
	maxChecklistItems = 100
	maxChecklistLabel = 200
	maxCleaningNotes  = 5000
	maxCleaningPhotos = 50
	// nextCheckInHorizon is how far ahead the next check-in is looked for:
	// past it, a task has no due_by.
	nextCheckInHorizon = 366
)

type cleaningAction struct {
	from  []string
	to    string
	event string
}

// cleaningActions is the state machine: pending → assigned → in_progress →
// completed; skip from any open status. Assigning an assigned task
// reassigns it.
var cleaningActions = map[string]cleaningAction{
	"assign":   {from: []string{CleaningPending, CleaningAssigned}, to: CleaningAssigned, event: "cleaning.assigned"},
	"start":    {from: []string{CleaningAssigned}, to: CleaningInProgress},
	"complete": {from: []string{CleaningInProgress}, to: CleaningCompleted, event: "cleaning.completed"},
	"skip":     {from: []string{CleaningPending, CleaningAssigned, CleaningInProgress}, to: CleaningSkipped, event: "cleaning.skipped"},
}

// CleaningTaskInput creates a task by hand.
type CleaningTaskInput struct {
	UnitID    *int64    `json:"unit_id"`
	BookingID *int64    `json:"booking_id"`
	DueFrom   *string   `json:"due_from"`
	DueBy     *string   `json:"due_by"`
	Priority  *string   `json:"priority" doc:"low, normal (default) or high"`
	Checklist *[]string `json:"checklist" doc:"labels of the checklist items; default: the standard checklist"`
	Notes     *string   `json:"notes"`
	StaffID   *int64    `json:"staff_id" doc:"assign at once to this staff member"`
	VendorID  *int64    `json:"vendor_id" doc:"assign at once to this vendor"`
}

// CleaningAssignInput names the cleaner: a staff member or a vendor.
type CleaningAssignInput struct {
	StaffID  *int64 `json:"staff_id"`
	VendorID *int64 `json:"vendor_id"`
}

// CleaningCompleteInput completes a task in progress.
type CleaningCompleteInput struct {
	Checklist        *[]ChecklistItem `json:"checklist" doc:"the checklist as done; replaces the task's"`
	Notes            *string          `json:"notes"`
	PhotoDocumentIDs *[]int64         `json:"photo_document_ids" doc:"ids of uploaded documents (photos) to link"`
}

// CleaningSkipInput skips a task, with a reason; a new due date
// reschedules it as a new task.
type CleaningSkipInput struct {
	Reason       *string `json:"reason"`
	RescheduleTo *string `json:"reschedule_to" doc:"date of a new task replacing this one"`
	RescheduleBy *string `json:"reschedule_by" doc:"the new task's due_by"`
}

// CleaningFilter narrows a cleaning task listing. From and To (dates,
// included) bound due_from.
type CleaningFilter struct {
	ListParams
	PropertyID int64
	UnitID     int64
	BookingID  int64
	StaffID    int64
	VendorID   int64
	Status     string
	From, To   string
}

// CleaningTx stores cleaning tasks.
type CleaningTx interface {
	InsertCleaningTask(ctx context.Context, c *CleaningTask) error
	CleaningTask(ctx context.Context, id int64) (*CleaningTask, error)
	UpdateCleaningTask(ctx context.Context, c *CleaningTask) error
	CleaningTasks(ctx context.Context, f CleaningFilter) (List[*CleaningTask], error)
	// OpenBookingCleaningTasks returns the pending and assigned tasks of
	// origin booking, of a unit and/or a booking (0 for any), by due date.
	OpenBookingCleaningTasks(ctx context.Context, unitID, bookingID int64) ([]*CleaningTask, error)
}

// cleaningData is the data of cleaning.* events: seed 003's
// data.cleaning_task.
type cleaningData struct {
	CleaningTask    *CleaningTask `json:"cleaning_task"`
	RescheduledTask *CleaningTask `json:"rescheduled_task,omitempty"`
}

func checklist(labels []string) []ChecklistItem {
	items := make([]ChecklistItem, len(labels))
	for i, l := range labels {
		items[i] = ChecklistItem{Label: l}
	}
	return items
}

func validateChecklist(v *Validation, items []ChecklistItem) {
	if len(items) > maxChecklistItems {
		v.Add("checklist", "must have at most %d items", maxChecklistItems)
		return
	}
	for i := range items {
		items[i].Label = strings.TrimSpace(items[i].Label)
		if items[i].Label == "" {
			v.Add(fmt.Sprintf("checklist[%d].label", i), "is required")
		} else if len(items[i].Label) > maxChecklistLabel {
			v.Add(fmt.Sprintf("checklist[%d].label", i), "must be at most %d bytes", maxChecklistLabel)
		}
	}
}

// dueDates checks a due_from / due_by pair.
func dueDates(v *Validation, fromField, byField string, from, by *string, required bool) (string, *string) {
	var f string
	if from == nil || strings.TrimSpace(*from) == "" {
		if required {
			v.Add(fromField, "is required: an ISO date such as 2025-06-01")
		}
	} else if d, err := ParseDate(strings.TrimSpace(*from)); err != nil {
		v.Add(fromField, "%v", err)
	} else {
		f = d
	}
	if by == nil || strings.TrimSpace(*by) == "" {
		return f, nil
	}
	d, err := ParseDate(strings.TrimSpace(*by))
	if err != nil {
		v.Add(byField, "%v", err)
		return f, nil
	}
	if f != "" && d < f {
		v.Add(byField, "must be on or after %s %s", fromField, f)
	}
	return f, &d
}

// assignee checks and sets the cleaner of c: exactly one of staffID and
// vendorID, naming an existing, active record.
func (c *CleaningTask) assignee(ctx context.Context, tx Tx, v *Validation, staffID, vendorID *int64, required bool) error {
	hasStaff, hasVendor := staffID != nil && *staffID != 0, vendorID != nil && *vendorID != 0
	switch {
	case hasStaff && hasVendor:
		v.Add("staff_id", "and vendor_id cannot both be given: a task has one cleaner")
	case hasStaff:
		if _, err := tx.Staff(ctx, *staffID); ErrorCode(err) == ENOTFOUND {
			v.Add("staff_id", "%d does not exist", *staffID)
		} else if err != nil {
			return err
		}
		id := *staffID
		c.AssigneeType, c.StaffID, c.VendorID = "staff", &id, nil
	case hasVendor:
		if _, err := tx.Vendor(ctx, *vendorID); ErrorCode(err) == ENOTFOUND {
			v.Add("vendor_id", "%d does not exist", *vendorID)
		} else if err != nil {
			return err
		}
		id := *vendorID
		c.AssigneeType, c.VendorID, c.StaffID = "vendor", &id, nil
	case required:
		v.Add("staff_id", "or vendor_id is required: the cleaner to assign")
	}
	return nil
}

// CreateCleaningTask creates a task by hand; with a cleaner it is assigned
// at once → cleaning.assigned.
func (s *Service) CreateCleaningTask(ctx context.Context, orgID int64, in CleaningTaskInput) (*CleaningTask, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*CleaningTask, error) {
		c := &CleaningTask{Origin: CleaningManual, Status: CleaningPending, Priority: "normal", CreatedAt: now, UpdatedAt: now}
		var v Validation
		set(&c.Priority, in.Priority)
		v.OneOf("priority", c.Priority, CleaningPriorities...)
		c.DueFrom, c.DueBy = dueDates(&v, "due_from", "due_by", in.DueFrom, in.DueBy, true)
		labels := DefaultCleaningChecklist
		if in.Checklist != nil {
			labels = *in.Checklist
		}
		c.Checklist = checklist(labels)
		validateChecklist(&v, c.Checklist)
		set(&c.Notes, in.Notes)
		if len(c.Notes) > maxCleaningNotes {
			v.Add("notes", "must be at most %d bytes", maxCleaningNotes)
		}
		if in.UnitID == nil || *in.UnitID == 0 {
			v.Add("unit_id", "is required")
		} else if u, err := tx.Unit(ctx, *in.UnitID); ErrorCode(err) == ENOTFOUND {
			v.Add("unit_id", "%d does not exist", *in.UnitID)
		} else if err != nil {
			return nil, err
		} else {
			c.UnitID, c.PropertyID = u.ID, u.PropertyID
		}
		if in.BookingID != nil && *in.BookingID != 0 {
			b, err := tx.Booking(ctx, *in.BookingID)
			switch {
			case ErrorCode(err) == ENOTFOUND:
				v.Add("booking_id", "%d does not exist", *in.BookingID)
			case err != nil:
				return nil, err
			case c.UnitID != 0 && b.UnitID != c.UnitID:
				v.Add("booking_id", "%d is on unit %d, not unit_id %d", b.ID, b.UnitID, c.UnitID)
			default:
				c.BookingID = &b.ID
			}
		}
		if err := c.assignee(ctx, tx, &v, in.StaffID, in.VendorID, false); err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if c.AssigneeType != "" {
			c.Status, c.AssignedAt = CleaningAssigned, &now
		}
		if err := tx.InsertCleaningTask(ctx, c); err != nil {
			return nil, fmt.Errorf("create cleaning task: %w", err)
		}
		if c.Status == CleaningAssigned {
			return c, recordNested(ctx, tx, now, "cleaning.assigned", "cleaning_task", c.ID, cleaningData{CleaningTask: c}, nil, nil)
		}
		return c, nil
	})
}

func (s *Service) cleaningTransition(ctx context.Context, orgID, id int64, action string, change func(tx Tx, c *CleaningTask, v *Validation, now time.Time) (*CleaningTask, error)) (*CleaningTask, error) {
	a := cleaningActions[action]
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*CleaningTask, error) {
		c, err := tx.CleaningTask(ctx, id)
		if err != nil {
			return nil, err
		}
		before := *c
		var v Validation
		extra, err := change(tx, c, &v, now)
		if err != nil {
			return nil, err
		}
		// Bad input is told before the state: the client fixes both at once
		// otherwise, and nothing was written either way.
		if err := v.Err(); err != nil {
			return nil, err
		}
		if !slices.Contains(a.from, before.Status) {
			return nil, Errorf(ECONFLICT, "cannot %s cleaning task %d: its status is %s (%s needs %s)",
				action, id, before.Status, action, strings.Join(a.from, " or "))
		}
		c.Status, c.UpdatedAt = a.to, now
		if extra != nil {
			extra.RescheduledFromID = &c.ID
			if err := tx.InsertCleaningTask(ctx, extra); err != nil {
				return nil, fmt.Errorf("reschedule cleaning task %d: %w", id, err)
			}
			c.RescheduledToID = &extra.ID
		}
		if err := tx.UpdateCleaningTask(ctx, c); err != nil {
			return nil, fmt.Errorf("%s cleaning task: %w", action, err)
		}
		if a.event == "" {
			return c, nil
		}
		return c, recordNested(ctx, tx, now, a.event, "cleaning_task", c.ID, cleaningData{CleaningTask: c, RescheduledTask: extra}, c, &before)
	})
}

// AssignCleaningTask assigns (or reassigns) a task to a staff member or a
// vendor → cleaning.assigned.
func (s *Service) AssignCleaningTask(ctx context.Context, orgID, id int64, in CleaningAssignInput) (*CleaningTask, error) {
	return s.cleaningTransition(ctx, orgID, id, "assign", func(tx Tx, c *CleaningTask, v *Validation, now time.Time) (*CleaningTask, error) {
		c.AssignedAt = &now
		return nil, c.assignee(ctx, tx, v, in.StaffID, in.VendorID, true)
	})
}

// StartCleaningTask records that the cleaner started an assigned task.
func (s *Service) StartCleaningTask(ctx context.Context, orgID, id int64) (*CleaningTask, error) {
	return s.cleaningTransition(ctx, orgID, id, "start", func(_ Tx, c *CleaningTask, _ *Validation, now time.Time) (*CleaningTask, error) {
		c.StartedAt = &now
		return nil, nil
	})
}

// CompleteCleaningTask completes a task in progress, with the checklist as
// done, notes and photos → cleaning.completed.
func (s *Service) CompleteCleaningTask(ctx context.Context, orgID, id int64, in CleaningCompleteInput) (*CleaningTask, error) {
	return s.cleaningTransition(ctx, orgID, id, "complete", func(tx Tx, c *CleaningTask, v *Validation, now time.Time) (*CleaningTask, error) {
		if in.Checklist != nil {
			c.Checklist = slices.Clone(*in.Checklist)
			if c.Checklist == nil {
				c.Checklist = []ChecklistItem{}
			}
			validateChecklist(v, c.Checklist)
		}
		if in.Notes != nil {
			c.Notes = strings.TrimSpace(*in.Notes)
			if len(c.Notes) > maxCleaningNotes {
				v.Add("notes", "must be at most %d bytes", maxCleaningNotes)
			}
		}
		if in.PhotoDocumentIDs != nil {
			ids := *in.PhotoDocumentIDs
			if len(c.PhotoDocumentIDs)+len(ids) > maxCleaningPhotos {
				v.Add("photo_document_ids", "a task has at most %d photos", maxCleaningPhotos)
				return nil, nil
			}
			for i, docID := range ids {
				if _, err := tx.Document(ctx, docID); ErrorCode(err) == ENOTFOUND {
					v.Add(fmt.Sprintf("photo_document_ids[%d]", i), "document %d does not exist", docID)
				} else if err != nil {
					return nil, err
				} else if !slices.Contains(c.PhotoDocumentIDs, docID) {
					c.PhotoDocumentIDs = append(c.PhotoDocumentIDs, docID)
				}
			}
		}
		c.CompletedAt = &now
		return nil, nil
	})
}

// SkipCleaningTask skips an open task, with a reason → cleaning.skipped. A
// new date (reschedule_to) creates the task that replaces it: same unit,
// booking, cleaner and checklist (undone), pending or assigned.
func (s *Service) SkipCleaningTask(ctx context.Context, orgID, id int64, in CleaningSkipInput) (*CleaningTask, error) {
	return s.cleaningTransition(ctx, orgID, id, "skip", func(_ Tx, c *CleaningTask, v *Validation, now time.Time) (*CleaningTask, error) {
		reason := ""
		if in.Reason != nil {
			reason = strings.TrimSpace(*in.Reason)
		}
		v.Required("reason", reason)
		if len(reason) > 1000 {
			v.Add("reason", "must be at most 1000 bytes")
		}
		from, by := dueDates(v, "reschedule_to", "reschedule_by", in.RescheduleTo, in.RescheduleBy, false)
		if from == "" && by != nil {
			v.Add("reschedule_to", "is required with reschedule_by")
		}
		c.SkipReason, c.SkippedAt = reason, &now
		if from == "" {
			return nil, nil
		}
		next := &CleaningTask{PropertyID: c.PropertyID, UnitID: c.UnitID, BookingID: c.BookingID, Origin: CleaningFromRescheduled,
			Status: CleaningPending, Priority: c.Priority, DueFrom: from, DueBy: by, AssigneeType: c.AssigneeType,
			StaffID: c.StaffID, VendorID: c.VendorID, Notes: c.Notes, CreatedAt: now, UpdatedAt: now}
		for _, it := range c.Checklist {
			next.Checklist = append(next.Checklist, ChecklistItem{Label: it.Label})
		}
		if next.AssigneeType != "" {
			next.Status, next.AssignedAt = CleaningAssigned, &now
		}
		return next, nil
	})
}

// CleaningTaskPatch edits an open task; absent fields are kept.
type CleaningTaskPatch struct {
	DueFrom   *string          `json:"due_from"`
	DueBy     *string          `json:"due_by" doc:"\"\" clears it"`
	Priority  *string          `json:"priority"`
	Checklist *[]ChecklistItem `json:"checklist" doc:"the whole checklist, with done flags"`
	Notes     *string          `json:"notes"`
}

// UpdateCleaningTask edits a pending, assigned or in-progress task: the
// cleaner ticks the checklist as they go. Setting the dates of a task
// created for a booking detaches it (origin manual): it no longer follows
// the booking.
func (s *Service) UpdateCleaningTask(ctx context.Context, orgID, id int64, in CleaningTaskPatch) (*CleaningTask, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*CleaningTask, error) {
		c, err := tx.CleaningTask(ctx, id)
		if err != nil {
			return nil, err
		}
		var v Validation
		if in.DueFrom != nil || in.DueBy != nil {
			from, by := in.DueFrom, in.DueBy
			if from == nil {
				from = &c.DueFrom
			}
			if by == nil {
				by = c.DueBy
			}
			c.DueFrom, c.DueBy = dueDates(&v, "due_from", "due_by", from, by, true)
			if c.Origin == CleaningFromBooking {
				c.Origin = CleaningManual
			}
		}
		if in.Priority != nil {
			c.Priority = *in.Priority
			v.OneOf("priority", c.Priority, CleaningPriorities...)
		}
		if in.Checklist != nil {
			c.Checklist = slices.Clone(*in.Checklist)
			validateChecklist(&v, c.Checklist)
		}
		if in.Notes != nil {
			if c.Notes = strings.TrimSpace(*in.Notes); len(c.Notes) > maxCleaningNotes {
				v.Add("notes", "must be at most %d bytes", maxCleaningNotes)
			}
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if !slices.Contains([]string{CleaningPending, CleaningAssigned, CleaningInProgress}, c.Status) {
			return nil, Errorf(ECONFLICT, "cleaning task %d is %s and can no longer be edited", id, c.Status)
		}
		c.UpdatedAt = now
		if err := tx.UpdateCleaningTask(ctx, c); err != nil {
			return nil, fmt.Errorf("update cleaning task: %w", err)
		}
		return c, nil
	})
}

// CleaningTask returns one task.
func (s *Service) CleaningTask(ctx context.Context, orgID, id int64) (*CleaningTask, error) {
	return view(ctx, s, orgID, func(tx Tx) (*CleaningTask, error) { return tx.CleaningTask(ctx, id) })
}

// CleaningTasks lists tasks, newest first.
func (s *Service) CleaningTasks(ctx context.Context, orgID int64, f CleaningFilter) (List[*CleaningTask], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*CleaningTask], error) { return tx.CleaningTasks(ctx, f) })
}

// SyncBookingCleaning keeps the cleaning of a booking's check-out in step
// with the booking, in the transaction that writes the booking: a booking
// that becomes confirmed gets a pending task for its check-out day; a
// cancelled or no-show booking's pending or assigned task is cancelled;
// and every task of the unit that has not started follows its booking's
// check-out and the unit's next confirmed check-in (due_by, and priority
// high on a same-day turnover). Every write that changes a booking's
// status or dates calls it (an iCal import included).
func SyncBookingCleaning(ctx context.Context, tx Tx, now time.Time, b *Booking, wasStatus string) error {
	switch {
	case b.Status == BookingConfirmed && wasStatus != BookingConfirmed:
		c := &CleaningTask{PropertyID: b.PropertyID, UnitID: b.UnitID, BookingID: &b.ID, Origin: CleaningFromBooking,
			Status: CleaningPending, Priority: "normal", DueFrom: b.CheckOut, Checklist: checklist(DefaultCleaningChecklist),
			CreatedAt: now, UpdatedAt: now}
		if err := tx.InsertCleaningTask(ctx, c); err != nil {
			return fmt.Errorf("create the cleaning of booking %d: %w", b.ID, err)
		}
	case b.Status == BookingCancelled || b.Status == BookingNoShow:
		open, err := tx.OpenBookingCleaningTasks(ctx, 0, b.ID)
		if err != nil {
			return err
		}
		for _, c := range open {
			c.Status, c.CancelledAt, c.UpdatedAt = CleaningCancelled, &now, now
			if err := tx.UpdateCleaningTask(ctx, c); err != nil {
				return fmt.Errorf("cancel cleaning task %d: %w", c.ID, err)
			}
		}
	}
	return refreshUnitCleaning(ctx, tx, now, b)
}

// refreshUnitCleaning recomputes the dates and priority of the open
// booking tasks of changed's unit.
func refreshUnitCleaning(ctx context.Context, tx Tx, now time.Time, changed *Booking) error {
	open, err := tx.OpenBookingCleaningTasks(ctx, changed.UnitID, 0)
	if err != nil {
		return err
	}
	for _, c := range open {
		b := changed
		if c.BookingID == nil {
			continue
		}
		if *c.BookingID != changed.ID {
			if b, err = tx.Booking(ctx, *c.BookingID); err != nil {
				return err
			}
		}
		before := *c
		c.DueFrom = b.CheckOut
		if c.DueBy, err = nextCheckIn(ctx, tx, b.UnitID, b.CheckOut, b.ID); err != nil {
			return err
		}
		c.Priority = "normal"
		if c.DueBy != nil && *c.DueBy == c.DueFrom {
			c.Priority = "high"
		}
		if before.DueFrom == c.DueFrom && before.Priority == c.Priority && ptrEq(before.DueBy, c.DueBy) {
			continue
		}
		c.UpdatedAt = now
		if err := tx.UpdateCleaningTask(ctx, c); err != nil {
			return fmt.Errorf("reschedule cleaning task %d: %w", c.ID, err)
		}
	}
	return nil
}

// nextCheckIn is the first check-in of a confirmed or checked-in stay on
// unit on or after day, other than excludeID's; nil if none within a year.
func nextCheckIn(ctx context.Context, tx Tx, unitID int64, day string, excludeID int64) (*string, error) {
	d, err := time.Parse(DateLayout, day)
	if err != nil {
		return nil, fmt.Errorf("next check-in after %q: %w", day, err)
	}
	stays, err := tx.StaysOverlapping(ctx, 0, unitID, day, d.AddDate(0, 0, nextCheckInHorizon).Format(DateLayout), excludeID)
	if err != nil {
		return nil, err
	}
	for _, s := range stays {
		if s.CheckIn >= day && holdsDates(s.Status) {
			in := s.CheckIn
			return &in, nil
		}
	}
	return nil, nil
}

func ptrEq[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
