package porter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// bookingTask is the one cleaning task of booking id.
func bookingTask(t *testing.T, f *rentalFixture, id int64) *porter.CleaningTask {
	t.Helper()
	l, err := f.svc.CleaningTasks(context.Background(), f.org, porter.CleaningFilter{BookingID: id})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 1 {
		t.Fatalf("booking %d has %d cleaning tasks, want 1", id, len(l.Items))
	}
	return l.Items[0]
}

func dueBy(c *porter.CleaningTask) string {
	if c.DueBy == nil {
		return "-"
	}
	return *c.DueBy
}

func TestCleaningFollowsBookings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newRentalFixture(t, s)
		ctx := context.Background()
		// A pending booking gets no task; confirming it creates one.
		a, err := f.book(t, f.unit1, "2025-08-01", "2025-08-05", nil)
		if err != nil {
			t.Fatal(err)
		}
		if l, _ := f.svc.CleaningTasks(ctx, f.org, porter.CleaningFilter{BookingID: a.ID}); l.Total != 0 {
			t.Fatalf("pending booking has %d tasks", l.Total)
		}
		if _, err := f.svc.ConfirmBooking(ctx, f.org, a.ID); err != nil {
			t.Fatal(err)
		}
		c := bookingTask(t, f, a.ID)
		if c.Origin != "booking" || c.Status != porter.CleaningPending || c.DueFrom != "2025-08-05" || c.DueBy != nil ||
			c.Priority != "normal" || c.UnitID != f.unit1 || c.PropertyID != f.property || len(c.Checklist) == 0 {
			t.Fatalf("task = %+v", c)
		}
		// A stay arriving the day A leaves: same-day turnover, high.
		b, err := f.book(t, f.unit1, "2025-08-05", "2025-08-08", confirmed)
		if err != nil {
			t.Fatal(err)
		}
		c = bookingTask(t, f, a.ID)
		if c.Priority != "high" || dueBy(c) != "2025-08-05" {
			t.Fatalf("turnover task = %s %s", c.Priority, dueBy(c))
		}
		// Another unit's stay changes nothing here.
		if _, err := f.book(t, f.unit2, "2025-08-05", "2025-08-06", confirmed); err != nil {
			t.Fatal(err)
		}
		// B moves two days later: A's task is due until then, normal.
		if _, err := f.svc.UpdateBooking(ctx, f.org, b.ID, porter.BookingPatch{CheckIn: ptr("2025-08-07"), CheckOut: ptr("2025-08-10")}); err != nil {
			t.Fatal(err)
		}
		c = bookingTask(t, f, a.ID)
		if c.Priority != "normal" || dueBy(c) != "2025-08-07" {
			t.Fatalf("after B moved, A's task = %s %s", c.Priority, dueBy(c))
		}
		if cb := bookingTask(t, f, b.ID); cb.DueFrom != "2025-08-10" {
			t.Fatalf("B's task follows its check-out: %+v", cb)
		}
		// A's own check-out moves: its task moves with it.
		if _, err := f.svc.UpdateBooking(ctx, f.org, a.ID, porter.BookingPatch{CheckOut: ptr("2025-08-07")}); err != nil {
			t.Fatal(err)
		}
		c = bookingTask(t, f, a.ID)
		if c.DueFrom != "2025-08-07" || c.Priority != "high" || dueBy(c) != "2025-08-07" {
			t.Fatalf("after A moved, A's task = %s %s %s", c.DueFrom, c.Priority, dueBy(c))
		}
		// B is cancelled: its task is cancelled, A's has no next stay.
		if _, err := f.svc.CancelBooking(ctx, f.org, b.ID, porter.CancelInput{Reason: ptr("guest cancelled")}); err != nil {
			t.Fatal(err)
		}
		if cb := bookingTask(t, f, b.ID); cb.Status != porter.CleaningCancelled || cb.CancelledAt == nil {
			t.Fatalf("cancelled booking's task = %+v", cb)
		}
		c = bookingTask(t, f, a.ID)
		if c.Priority != "normal" || c.DueBy != nil {
			t.Fatalf("after B cancelled, A's task = %s %s", c.Priority, dueBy(c))
		}
		// Once started, a task no longer moves with its booking.
		staff, err := f.svc.CreateStaff(ctx, f.org, porter.StaffInput{Name: ptr("Fatima"), Email: ptr("fatima@example.com"), Role: ptr("maintenance")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AssignCleaningTask(ctx, f.org, c.ID, porter.CleaningAssignInput{StaffID: &staff.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.StartCleaningTask(ctx, f.org, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.book(t, f.unit1, "2025-08-07", "2025-08-09", confirmed); err != nil {
			t.Fatal(err)
		}
		if c = bookingTask(t, f, a.ID); c.Status != porter.CleaningInProgress || c.DueBy != nil {
			t.Fatalf("started task moved: %+v", c)
		}
		// The cleaner ticks the checklist as they go; a finished task is frozen.
		ticked := append([]porter.ChecklistItem(nil), c.Checklist...)
		ticked[0].Done = true
		if c, err = f.svc.UpdateCleaningTask(ctx, f.org, c.ID, porter.CleaningTaskPatch{Checklist: &ticked, Notes: ptr("halfway")}); err != nil ||
			!c.Checklist[0].Done || c.Notes != "halfway" || c.Origin != "booking" {
			t.Fatalf("tick: %v %+v", err, c)
		}
		// New dates on a booking's task detach it from the booking.
		b2, err := f.book(t, f.unit2, "2025-08-20", "2025-08-22", confirmed)
		if err != nil {
			t.Fatal(err)
		}
		c2 := bookingTask(t, f, b2.ID)
		if _, err := f.svc.UpdateCleaningTask(ctx, f.org, c2.ID, porter.CleaningTaskPatch{DueBy: ptr("2025-08-21")}); err == nil {
			t.Fatal("due_by before due_from accepted")
		} else {
			fieldMessage(t, err, porter.EINVALID, "due_by", "on or after")
		}
		if c2, err = f.svc.UpdateCleaningTask(ctx, f.org, c2.ID, porter.CleaningTaskPatch{DueFrom: ptr("2025-08-23"), Priority: ptr("low")}); err != nil ||
			c2.Origin != "manual" || c2.DueFrom != "2025-08-23" || c2.Priority != "low" {
			t.Fatalf("detach: %v %+v", err, c2)
		}
		if _, err := f.svc.UpdateBooking(ctx, f.org, b2.ID, porter.BookingPatch{CheckOut: ptr("2025-08-24")}); err != nil {
			t.Fatal(err)
		}
		if c2 = bookingTask(t, f, b2.ID); c2.DueFrom != "2025-08-23" {
			t.Fatalf("a detached task moved: %+v", c2)
		}

		// No cleaning.* event for what Porter does on its own.
		ev, err := f.svc.Events(ctx, f.org, porter.EventFilter{Types: []string{"cleaning.assigned", "cleaning.completed", "cleaning.skipped"}})
		if err != nil {
			t.Fatal(err)
		}
		if ev.Total != 1 || ev.Items[0].Type != "cleaning.assigned" {
			t.Fatalf("cleaning events = %d", ev.Total)
		}
	})
}

func TestCleaningLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newRentalFixture(t, s)
		ctx := context.Background()
		vendor, err := f.svc.CreateVendor(ctx, f.org, porter.VendorInput{Name: ptr("CleanCo")})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := f.svc.CreateDocument(ctx, f.org, porter.Document{Title: "after.jpg", Scope: "unit", ScopeID: f.unit2, ContentType: "image/jpeg", Size: 3, StorageKey: "k1", SHA256: strings.Repeat("a", 64)}, func(*porter.Document) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.CreateCleaningTask(ctx, f.org, porter.CleaningTaskInput{UnitID: &f.unit2, DueFrom: ptr("2025-08-20"),
			DueBy: ptr("2025-08-21"), Checklist: &[]string{"Linen", "Bathroom"}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Origin != "manual" || c.Status != porter.CleaningPending || len(c.Checklist) != 2 || c.PropertyID != f.property {
			t.Fatalf("created = %+v", c)
		}
		// The state machine: each step only from its status.
		if _, err := f.svc.StartCleaningTask(ctx, f.org, c.ID); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("start a pending task: %v", err)
		}
		if _, err := f.svc.CompleteCleaningTask(ctx, f.org, c.ID, porter.CleaningCompleteInput{}); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("complete a pending task: %v", err)
		}
		if _, err := f.svc.AssignCleaningTask(ctx, f.org, c.ID, porter.CleaningAssignInput{}); err == nil {
			t.Fatal("assigned to nobody")
		} else {
			fieldMessage(t, err, porter.EINVALID, "staff_id", "or vendor_id is required")
		}
		if _, err := f.svc.AssignCleaningTask(ctx, f.org, c.ID, porter.CleaningAssignInput{VendorID: ptr(int64(99999))}); err == nil {
			t.Fatal("assigned to a missing vendor")
		} else {
			fieldMessage(t, err, porter.EINVALID, "vendor_id", "does not exist")
		}
		c, err = f.svc.AssignCleaningTask(ctx, f.org, c.ID, porter.CleaningAssignInput{VendorID: &vendor.ID})
		if err != nil || c.Status != porter.CleaningAssigned || c.AssigneeType != "vendor" || *c.VendorID != vendor.ID {
			t.Fatalf("assign: %v %+v", err, c)
		}
		if c, err = f.svc.StartCleaningTask(ctx, f.org, c.ID); err != nil || c.Status != porter.CleaningInProgress {
			t.Fatalf("start: %v", err)
		}
		if _, err := f.svc.CompleteCleaningTask(ctx, f.org, c.ID, porter.CleaningCompleteInput{PhotoDocumentIDs: &[]int64{doc.ID, 424242}}); err == nil {
			t.Fatal("completed with a missing photo")
		} else {
			fieldMessage(t, err, porter.EINVALID, "photo_document_ids[1]", "does not exist")
		}
		c, err = f.svc.CompleteCleaningTask(ctx, f.org, c.ID, porter.CleaningCompleteInput{
			Checklist: &[]porter.ChecklistItem{{Label: "Linen", Done: true}, {Label: "Bathroom", Done: true}},
			Notes:     ptr("Broken glass replaced"), PhotoDocumentIDs: &[]int64{doc.ID}})
		if err != nil || c.Status != porter.CleaningCompleted || c.CompletedAt == nil || !c.Checklist[1].Done || c.PhotoDocumentIDs[0] != doc.ID {
			t.Fatalf("complete: %v %+v", err, c)
		}
		if _, err := f.svc.SkipCleaningTask(ctx, f.org, c.ID, porter.CleaningSkipInput{Reason: ptr("late")}); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("skip a completed task: %v", err)
		}
		if _, err := f.svc.UpdateCleaningTask(ctx, f.org, c.ID, porter.CleaningTaskPatch{Notes: ptr("later")}); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("edit a completed task: %v", err)
		}

		// Skip with a new date: a new task replaces the skipped one.
		d, err := f.svc.CreateCleaningTask(ctx, f.org, porter.CleaningTaskInput{UnitID: &f.unit2, DueFrom: ptr("2025-08-22"), VendorID: &vendor.ID})
		if err != nil || d.Status != porter.CleaningAssigned {
			t.Fatalf("create assigned: %v %+v", err, d)
		}
		if _, err := f.svc.SkipCleaningTask(ctx, f.org, d.ID, porter.CleaningSkipInput{}); err == nil {
			t.Fatal("skipped without a reason")
		} else {
			fieldMessage(t, err, porter.EINVALID, "reason", "is required")
		}
		if _, err := f.svc.SkipCleaningTask(ctx, f.org, d.ID, porter.CleaningSkipInput{Reason: ptr("x"), RescheduleTo: ptr("2025-08-23"), RescheduleBy: ptr("2025-08-22")}); err == nil {
			t.Fatal("rescheduled before its start")
		} else {
			fieldMessage(t, err, porter.EINVALID, "reschedule_by", "on or after")
		}
		d, err = f.svc.SkipCleaningTask(ctx, f.org, d.ID, porter.CleaningSkipInput{Reason: ptr("guest asked to come back"), RescheduleTo: ptr("2025-08-23")})
		if err != nil || d.Status != porter.CleaningSkipped || d.RescheduledToID == nil || d.SkipReason != "guest asked to come back" {
			t.Fatalf("skip: %v %+v", err, d)
		}
		next, err := f.svc.CleaningTask(ctx, f.org, *d.RescheduledToID)
		if err != nil || next.DueFrom != "2025-08-23" || next.Origin != "rescheduled" || next.Status != porter.CleaningAssigned || *next.RescheduledFromID != d.ID {
			t.Fatalf("rescheduled: %v %+v", err, next)
		}

		// Events carry data.cleaning_task.
		ev, err := f.svc.Events(ctx, f.org, porter.EventFilter{ListParams: porter.ListParams{PerPage: 100}, Types: []string{"cleaning.assigned", "cleaning.completed", "cleaning.skipped"}})
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for i := len(ev.Items) - 1; i >= 0; i-- {
			types = append(types, ev.Items[i].Type)
		}
		if got := fmt.Sprint(types); got != "[cleaning.assigned cleaning.completed cleaning.assigned cleaning.skipped]" {
			t.Fatalf("events = %s", got)
		}
		var data struct {
			CleaningTask    porter.CleaningTask  `json:"cleaning_task"`
			RescheduledTask *porter.CleaningTask `json:"rescheduled_task"`
		}
		if err := json.Unmarshal(ev.Items[0].Data, &data); err != nil || data.CleaningTask.ID != d.ID || data.RescheduledTask == nil || data.RescheduledTask.ID != next.ID {
			t.Fatalf("skipped data: %v %s", err, ev.Items[0].Data)
		}

		// Filters, and another organization sees nothing.
		if l, _ := f.svc.CleaningTasks(ctx, f.org, porter.CleaningFilter{VendorID: vendor.ID, Status: porter.CleaningAssigned}); l.Total != 1 || l.Items[0].ID != next.ID {
			t.Fatalf("filter by vendor and status: %+v", l)
		}
		if l, _ := f.svc.CleaningTasks(ctx, f.org, porter.CleaningFilter{From: "2025-08-21", To: "2025-08-22"}); l.Total != 1 || l.Items[0].ID != d.ID {
			t.Fatalf("filter by due dates: %+v", l)
		}
		if _, err := f.svc.CleaningTask(ctx, f.otherOrg, c.ID); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("other org: %v", err)
		}
		if _, err := f.svc.CreateCleaningTask(ctx, f.org, porter.CleaningTaskInput{UnitID: &f.otherUnt, DueFrom: ptr("2025-08-20")}); err == nil {
			t.Fatal("created on another org's unit")
		} else {
			fieldMessage(t, err, porter.EINVALID, "unit_id", "does not exist")
		}
	})
}
