package porter

import (
	"context"
	"fmt"
	"time"
)

// workOrderEvent is a work order as its events carry it in data: the
// record's own fields, as seed 000's receivers read them, and under
// work_order the shape seed 002 documents (number, building and unit
// objects, completed_by, sla), so that receivers built from either page
// find every field they look for.
type workOrderEvent struct {
	*WorkOrder
	Summary workOrderSummary `json:"work_order"`
}

// workOrderSummary is seed 002's work_order object.
type workOrderSummary struct {
	ID              int64        `json:"id"`
	Number          string       `json:"number"`
	Title           string       `json:"title"`
	Status          string       `json:"status"`
	Priority        string       `json:"priority"`
	Building        namedRef     `json:"building"`
	Unit            *namedRef    `json:"unit"`
	CompletedAt     *time.Time   `json:"completed_at"`
	CompletedBy     *namedRef    `json:"completed_by"`
	ResolutionNotes string       `json:"resolution_notes"`
	SLA             workOrderSLA `json:"sla"`
}

// namedRef names a related record: a building (property), a unit, or who
// did the work. ID is null for an assignee known only by name.
type namedRef struct {
	ID   *int64 `json:"id"`
	Name string `json:"name"`
	Type string `json:"type,omitempty"` // completed_by: vendor | staff
}

// workOrderSLA says of each deadline "met", "breached" or "pending".
// Resolution is against due_at (the priority's window); response is
// whether someone was assigned (or work started) before due_at.
type workOrderSLA struct {
	Response   string `json:"response"`
	Resolution string `json:"resolution"`
}

// WorkOrderNumber is a work order's human number, as seed 002 shows it:
// WO-<year it was opened>-<id, five digits at least>.
func WorkOrderNumber(w *WorkOrder) string {
	return fmt.Sprintf("WO-%d-%05d", w.CreatedAt.UTC().Year(), w.ID)
}

// recordWorkOrder records events about a work order, each with the same
// data. before, when set, is the plain record, so that previous_attributes
// names the record's own fields.
func recordWorkOrder(ctx context.Context, tx Tx, now time.Time, w, before *WorkOrder, types ...string) error {
	sum, err := summarizeWorkOrder(ctx, tx, w, now)
	if err != nil {
		return fmt.Errorf("record %s: %w", types[0], err)
	}
	var b any
	if before != nil {
		b = before
	}
	for _, typ := range types {
		if err := record(ctx, tx, now, typ, "work_order", w.ID, workOrderEvent{w, sum}, b); err != nil {
			return err
		}
	}
	return nil
}

func summarizeWorkOrder(ctx context.Context, tx Tx, w *WorkOrder, now time.Time) (workOrderSummary, error) {
	s := workOrderSummary{ID: w.ID, Number: WorkOrderNumber(w), Title: w.Title, Status: w.Status, Priority: w.Priority,
		CompletedAt: w.CompletedAt, ResolutionNotes: w.ResolutionNotes}
	p, err := tx.Property(ctx, w.PropertyID)
	if err != nil {
		return s, fmt.Errorf("building of work order %d: %w", w.ID, err)
	}
	s.Building = namedRef{ID: &p.ID, Name: p.Name}
	if w.UnitID != nil {
		u, err := tx.Unit(ctx, *w.UnitID)
		if err != nil {
			return s, fmt.Errorf("unit of work order %d: %w", w.ID, err)
		}
		s.Unit = &namedRef{ID: &u.ID, Name: u.Name}
	}
	if w.CompletedAt != nil {
		switch {
		case w.VendorID != nil:
			v, err := tx.Vendor(ctx, *w.VendorID)
			if err != nil {
				return s, fmt.Errorf("vendor of work order %d: %w", w.ID, err)
			}
			s.CompletedBy = &namedRef{ID: &v.ID, Name: v.Name, Type: "vendor"}
		case w.AssignedTo != "":
			s.CompletedBy = &namedRef{Name: w.AssignedTo, Type: "staff"}
		}
	}
	s.SLA = slaOf(w, now)
	return s, nil
}

// slaOf judges a work order's deadlines at now. Both are against due_at,
// the priority's window: resolution is met when the work was completed by
// then; response is met once someone is assigned (a vendor or a named
// technician) or the work has started, breached when nobody is by then.
func slaOf(w *WorkOrder, now time.Time) workOrderSLA {
	var sla workOrderSLA
	switch {
	case w.CompletedAt != nil && !w.CompletedAt.After(w.DueAt) && w.SLABreachedAt == nil:
		sla.Resolution = "met"
	case w.CompletedAt != nil || w.SLABreachedAt != nil || now.After(w.DueAt):
		sla.Resolution = "breached"
	default:
		sla.Resolution = "pending"
	}
	responded := w.VendorID != nil || w.AssignedTo != "" || (w.Status != WorkOrderOpen && w.Status != WorkOrderCancelled)
	switch {
	case responded:
		sla.Response = "met"
	case w.SLABreachedAt != nil || now.After(w.DueAt):
		sla.Response = "breached"
	default:
		sla.Response = "pending"
	}
	return sla
}
