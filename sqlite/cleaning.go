package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"porter"
	"porter/sqlite/internal/db"
)

// Short-term rentals: cleaning tasks and messages to guests.

func (t *tx) InsertCleaningTask(ctx context.Context, c *porter.CleaningTask) error {
	list, photos := encodeCleaning(c)
	id, err := t.q.InsertCleaningTask(ctx, db.InsertCleaningTaskParams{
		OrgID: t.orgID, PropertyID: c.PropertyID, UnitID: c.UnitID, BookingID: nullID(c.BookingID), Origin: c.Origin,
		Status: c.Status, Priority: c.Priority, DueFrom: c.DueFrom, DueBy: nullString(c.DueBy), StaffID: nullID(c.StaffID),
		VendorID: nullID(c.VendorID), Checklist: list, Notes: c.Notes, PhotoDocumentIds: photos, SkipReason: c.SkipReason,
		RescheduledFromID: nullID(c.RescheduledFromID), RescheduledToID: nullID(c.RescheduledToID),
		AssignedAt: nts(c.AssignedAt), StartedAt: nts(c.StartedAt), CompletedAt: nts(c.CompletedAt), SkippedAt: nts(c.SkippedAt),
		CancelledAt: nts(c.CancelledAt), CreatedAt: ts(c.CreatedAt), UpdatedAt: ts(c.UpdatedAt),
	})
	if err != nil {
		return fmt.Errorf("insert cleaning task: %w", err)
	}
	c.ID = id
	fillCleaning(c)
	return nil
}

func (t *tx) CleaningTask(ctx context.Context, id int64) (*porter.CleaningTask, error) {
	r, err := t.q.GetCleaningTask(ctx, db.GetCleaningTaskParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "cleaning task", id)
	}
	return cleaningTask(r), nil
}

func (t *tx) UpdateCleaningTask(ctx context.Context, c *porter.CleaningTask) error {
	list, photos := encodeCleaning(c)
	n, err := t.q.UpdateCleaningTask(ctx, db.UpdateCleaningTaskParams{
		OrgID: t.orgID, ID: c.ID, UnitID: c.UnitID, PropertyID: c.PropertyID, Origin: c.Origin, Status: c.Status, Priority: c.Priority,
		DueFrom: c.DueFrom, DueBy: nullString(c.DueBy), StaffID: nullID(c.StaffID), VendorID: nullID(c.VendorID),
		Checklist: list, Notes: c.Notes, PhotoDocumentIds: photos, SkipReason: c.SkipReason,
		RescheduledToID: nullID(c.RescheduledToID), AssignedAt: nts(c.AssignedAt), StartedAt: nts(c.StartedAt),
		CompletedAt: nts(c.CompletedAt), SkippedAt: nts(c.SkippedAt), CancelledAt: nts(c.CancelledAt), UpdatedAt: ts(c.UpdatedAt),
	})
	if err != nil {
		return fmt.Errorf("update cleaning task %d: %w", c.ID, err)
	}
	if n == 0 {
		return porter.NotFound("cleaning task", c.ID)
	}
	fillCleaning(c)
	return nil
}

func (t *tx) CleaningTasks(ctx context.Context, f porter.CleaningFilter) (porter.List[*porter.CleaningTask], error) {
	rows, err := t.q.ListCleaningTasks(ctx, db.ListCleaningTasksParams{
		OrgID: t.orgID, PropertyID: f.PropertyID, UnitID: f.UnitID, BookingID: f.BookingID, StaffID: f.StaffID,
		VendorID: f.VendorID, Status: f.Status, DateFrom: f.From, DateTo: f.To, UpdatedSince: since(f.UpdatedSince),
		BelowID: f.Below(), Lim: int64(f.Limit()), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.CleaningTask]{}, fmt.Errorf("list cleaning tasks: %w", err)
	}
	var out porter.List[*porter.CleaningTask]
	for _, r := range rows {
		out.Items = append(out.Items, cleaningTask(r.CleaningTask))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) OpenBookingCleaningTasks(ctx context.Context, unitID, bookingID int64) ([]*porter.CleaningTask, error) {
	rows, err := t.q.OpenBookingCleaningTasks(ctx, db.OpenBookingCleaningTasksParams{OrgID: t.orgID, UnitID: unitID, BookingID: bookingID})
	if err != nil {
		return nil, fmt.Errorf("open cleaning tasks: %w", err)
	}
	out := make([]*porter.CleaningTask, len(rows))
	for i, r := range rows {
		out[i] = cleaningTask(r)
	}
	return out, nil
}

func encodeCleaning(c *porter.CleaningTask) (checklist, photos string) {
	fillCleaning(c)
	l, _ := json.Marshal(c.Checklist)
	p, _ := json.Marshal(c.PhotoDocumentIDs)
	return string(l), string(p)
}

// fillCleaning makes empty lists [] and names the assignee's kind.
func fillCleaning(c *porter.CleaningTask) {
	if c.Checklist == nil {
		c.Checklist = []porter.ChecklistItem{}
	}
	if c.PhotoDocumentIDs == nil {
		c.PhotoDocumentIDs = []int64{}
	}
	switch {
	case c.StaffID != nil:
		c.AssigneeType = "staff"
	case c.VendorID != nil:
		c.AssigneeType = "vendor"
	default:
		c.AssigneeType = ""
	}
}

func cleaningTask(r db.CleaningTask) *porter.CleaningTask {
	c := &porter.CleaningTask{
		ID: r.ID, PropertyID: r.PropertyID, UnitID: r.UnitID, BookingID: pnullID(r.BookingID), Origin: r.Origin, Status: r.Status,
		Priority: r.Priority, DueFrom: r.DueFrom, DueBy: pnullString(r.DueBy), StaffID: pnullID(r.StaffID),
		VendorID: pnullID(r.VendorID), Notes: r.Notes, SkipReason: r.SkipReason, RescheduledFromID: pnullID(r.RescheduledFromID),
		RescheduledToID: pnullID(r.RescheduledToID), AssignedAt: pnts(r.AssignedAt), StartedAt: pnts(r.StartedAt),
		CompletedAt: pnts(r.CompletedAt), SkippedAt: pnts(r.SkippedAt), CancelledAt: pnts(r.CancelledAt),
		CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt),
	}
	_ = json.Unmarshal([]byte(r.Checklist), &c.Checklist)
	_ = json.Unmarshal([]byte(r.PhotoDocumentIds), &c.PhotoDocumentIDs)
	fillCleaning(c)
	return c
}

func (t *tx) InsertWhatsAppTemplate(ctx context.Context, w *porter.WhatsAppTemplate) (bool, error) {
	id, err := t.q.InsertWhatsAppTemplate(ctx, db.InsertWhatsAppTemplateParams{
		OrgID: t.orgID, Name: w.Name, Body: w.Body, CreatedAt: ts(w.CreatedAt), UpdatedAt: ts(w.UpdatedAt),
	})
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // the name is taken
	}
	if err != nil {
		return false, fmt.Errorf("insert whatsapp template: %w", err)
	}
	w.ID = id
	return true, nil
}

func (t *tx) WhatsAppTemplate(ctx context.Context, id int64) (*porter.WhatsAppTemplate, error) {
	r, err := t.q.GetWhatsAppTemplate(ctx, db.GetWhatsAppTemplateParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "whatsapp template", id)
	}
	return porter.NewWhatsAppTemplate(r.ID, r.Name, r.Body, pts(r.CreatedAt), pts(r.UpdatedAt)), nil
}

func (t *tx) WhatsAppTemplates(ctx context.Context) ([]*porter.WhatsAppTemplate, error) {
	rows, err := t.q.ListWhatsAppTemplates(ctx, t.orgID)
	if err != nil {
		return nil, fmt.Errorf("list whatsapp templates: %w", err)
	}
	out := make([]*porter.WhatsAppTemplate, len(rows))
	for i, r := range rows {
		out[i] = porter.NewWhatsAppTemplate(r.ID, r.Name, r.Body, pts(r.CreatedAt), pts(r.UpdatedAt))
	}
	return out, nil
}

func (t *tx) InsertGuestMessage(ctx context.Context, m *porter.Message) error {
	id, err := t.q.InsertGuestMessage(ctx, db.InsertGuestMessageParams{
		OrgID: t.orgID, Recipient: m.To, Body: m.Body, BookingID: nullID(m.BookingID), TemplateID: nullID(m.TemplateID),
		CreatedAt: ts(m.CreatedAt),
	})
	if err != nil {
		return fmt.Errorf("insert guest message: %w", err)
	}
	m.ID, m.OrgID = id, t.orgID
	return nil
}

func (t *tx) GuestMessage(ctx context.Context, id int64) (*porter.Message, error) {
	r, err := t.q.GetGuestMessage(ctx, db.GetGuestMessageParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "message", id)
	}
	return message(r), nil
}

func (t *tx) GuestMessages(ctx context.Context, f porter.GuestMessageFilter) (porter.List[*porter.Message], error) {
	rows, err := t.q.ListGuestMessages(ctx, db.ListGuestMessagesParams{
		OrgID: t.orgID, BookingID: f.BookingID, Status: f.Status, BelowID: f.Below(), Lim: int64(f.Limit()), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Message]{}, fmt.Errorf("list guest messages: %w", err)
	}
	var out porter.List[*porter.Message]
	for _, r := range rows {
		out.Items = append(out.Items, message(r.Message))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) FailGuestMessage(ctx context.Context, id int64, errText string) (bool, error) {
	n, err := t.q.FailGuestMessage(ctx, db.FailGuestMessageParams{OrgID: t.orgID, ID: id, Error: errText})
	if err != nil {
		return false, fmt.Errorf("fail guest message %d: %w", id, err)
	}
	return n > 0, nil
}
