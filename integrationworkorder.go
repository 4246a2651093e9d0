package porter

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The work_order target: defects, snagging items, faults and alarms
// become work orders (seed 002's "Work order settings": auto-create,
// default priority, default assignee).

type workOrderTarget struct{}

func init() { registerIntegrationTarget("work_order", workOrderTarget{}) }

func checkPriority(v string) string {
	if slices.Contains(WorkOrderPriorities, v) {
		return ""
	}
	return fmt.Sprintf("'%s' is not one of %s (translate it with value_maps.priority)", v, strings.Join(WorkOrderPriorities, ", "))
}

func (workOrderTarget) fields() []integrationField {
	return []integrationField{
		{Name: "title"},
		{Name: "description"},
		{Name: "priority", Kind: "priority", check: checkPriority},
		{Name: "category", Kind: "category"},
		{Name: "building", Kind: "building"},
		{Name: "property_id"},
		{Name: "unit"},
		{Name: "unit_id"},
		{Name: "assigned_to"},
		{Name: "reported_by"},
	}
}

func (workOrderTarget) apply(ctx context.Context, tx Tx, now time.Time, r *integrationRecord) (IntegrationRef, error) {
	var ref IntegrationRef
	title, desc := r.Values["title"], r.Values["description"]
	if title == "" {
		return ref, Errorf(EUNPROCESS, "title is missing: the record has no %s and the mapping sets no default", sourcePath(r, "title"))
	}
	if desc == "" {
		desc = title
	}
	propertyID, err := r.propertyID(ctx, tx)
	if err != nil {
		return ref, err
	}
	unitID, err := integrationUnit(ctx, tx, r, propertyID)
	if err != nil {
		return ref, err
	}
	reportedBy := r.Values["reported_by"]
	if reportedBy == "" {
		reportedBy = "integration: " + r.Integration.Name
	}
	if r.Link != nil && r.Link.TargetType == "work_order" {
		w, err := tx.WorkOrderForUpdate(ctx, r.Link.TargetID)
		if err == nil {
			return IntegrationRef{"work_order", w.ID}, updateIntegrationWorkOrder(ctx, tx, now, w, r, title, desc, propertyID, unitID)
		}
		if ErrorCode(err) != ENOTFOUND {
			return ref, err
		}
		// Its work order is gone: the record opens a new one.
	}
	w := &WorkOrder{PropertyID: propertyID, UnitID: unitID, Title: title, Description: desc, Priority: PriorityNormal,
		Category: r.Values["category"], ReportedBy: reportedBy, Status: WorkOrderOpen, CreatedAt: now, UpdatedAt: now}
	set(&w.Priority, ptrIf(r.Values["priority"]))
	if err := w.validate(ctx, tx, nil); err != nil {
		return ref, mappingInvalid(err)
	}
	w.DueAt = now.Add(SLAWindows[w.Priority])
	if err := tx.InsertWorkOrder(ctx, w); err != nil {
		return ref, fmt.Errorf("create work order: %w", err)
	}
	types := []string{"work_order.created"}
	if w.Priority == PriorityEmergency {
		types = append(types, "work_order.escalated")
	}
	if err := recordWorkOrder(ctx, tx, now, w, nil, types...); err != nil {
		return ref, err
	}
	if who := r.Values["assigned_to"]; who != "" {
		// The default assignee: assigned as a person would assign it.
		before := *w
		w.AssignedTo, w.Status = who, WorkOrderAssigned
		if err := tx.UpdateWorkOrder(ctx, w); err != nil {
			return ref, fmt.Errorf("assign work order: %w", err)
		}
		if err := recordWorkOrder(ctx, tx, now, w, &before, "work_order.assigned"); err != nil {
			return ref, err
		}
	}
	return IntegrationRef{"work_order", w.ID}, nil
}

// updateIntegrationWorkOrder applies a record seen before to its work
// order: what the source says now replaces title, description, priority,
// category and unit. A closed or cancelled work order is left as it is.
func updateIntegrationWorkOrder(ctx context.Context, tx Tx, now time.Time, w *WorkOrder, r *integrationRecord, title, desc string, propertyID int64, unitID *int64) error {
	if w.final() {
		return nil
	}
	if propertyID != w.PropertyID {
		return Errorf(EUNPROCESS, "the record now names property %d but its work order %d is in property %d: a work order cannot move", propertyID, w.ID, w.PropertyID)
	}
	before := *w
	w.Title, w.Description, w.UnitID = title, desc, unitID
	set(&w.Priority, ptrIf(r.Values["priority"]))
	set(&w.Category, ptrIf(r.Values["category"]))
	if err := w.validate(ctx, tx, &before); err != nil {
		return mappingInvalid(err)
	}
	if w.Priority != before.Priority {
		w.DueAt = w.CreatedAt.Add(SLAWindows[w.Priority])
	}
	if unchanged(&before, w) {
		return nil
	}
	w.UpdatedAt = now
	if err := tx.UpdateWorkOrder(ctx, w); err != nil {
		return fmt.Errorf("update work order: %w", err)
	}
	return recordWorkOrder(ctx, tx, now, w, &before, "work_order.updated")
}

// integrationUnit finds the unit a record names: unit_id (a Porter id) or
// unit (a unit's name in the property).
func integrationUnit(ctx context.Context, tx Tx, r *integrationRecord, propertyID int64) (*int64, error) {
	if id, ok, err := r.id("unit_id"); ok || err != nil {
		return &id, err
	}
	name := r.Values["unit"]
	if name == "" {
		return nil, nil
	}
	f := UnitFilter{ListParams: ListParams{Page: 1, PerPage: MaxPerPage}, PropertyID: propertyID}
	for ; f.Page <= 100; f.Page++ {
		l, err := tx.Units(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, u := range l.Items {
			if strings.EqualFold(u.Name, name) {
				return &u.ID, nil
			}
		}
		if len(l.Items) < f.PerPage {
			break
		}
	}
	return nil, Errorf(EUNPROCESS, "unit '%s' has no match in property %d", name, propertyID)
}

// mappingInvalid turns a record's validation error into a log error: the
// record, not the request, is at fault.
func mappingInvalid(err error) error {
	if e, ok := err.(*Error); ok && e.Code == EINVALID {
		return Errorf(EUNPROCESS, "%s", e.Message)
	}
	return err
}

func sourcePath(r *integrationRecord, field string) string {
	if p, ok := r.Mapping.Fields[field]; ok {
		return p
	}
	return "data." + field
}

func ptrIf(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
