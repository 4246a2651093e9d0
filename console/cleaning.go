package console

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"porter"
)

// Short-term rentals: cleaning tasks. The pages call the Service's
// cleaning methods, as /v1/cleaning_tasks does, so the state machine and
// the cleaning.* events are the API's.

var cleaningLabels = map[string]string{"unit_id": "Unit", "booking_id": "Booking", "due_from": "Due from", "due_by": "Due by",
	"priority": "Priority", "checklist": "Checklist", "notes": "Notes", "staff_id": "Staff member", "vendor_id": "Vendor",
	"photo_document_ids": "Photos", "reason": "Reason", "reschedule_to": "Reschedule to", "reschedule_by": "Rescheduled due by"}

// cleaningPage carries what both cleaning pages show of the assignees.
type cleaningPicks struct {
	Units     []pick
	UnitName  map[int64]string
	Props     []pick
	Assignees []assigneePick
	Cleaner   map[string]string // assignee key → name
}

// assigneePick is a cleaner in the assignee select: Key is "staff:ID" or
// "vendor:ID".
type assigneePick struct{ Key, Label string }

// assigneeKey is a cleaner's value in the assignee select.
func assigneeKey(kind string, id *int64) string {
	if id == nil {
		return ""
	}
	return kind + ":" + strconv.FormatInt(*id, 10)
}

// CleanerOf names a task's cleaner, "" while unassigned.
func (p cleaningPicks) CleanerOf(t *porter.CleaningTask) string {
	key := assigneeKey("staff", t.StaffID)
	if t.AssigneeType == "vendor" {
		key = assigneeKey("vendor", t.VendorID)
	}
	if key == "" {
		return ""
	}
	if n, ok := p.Cleaner[key]; ok {
		return n
	}
	return strings.Replace(key, ":", " #", 1)
}

// cleaningPicks loads what picks: the units and properties when
// what has them, and the cleaners.
func (c *Console) cleaningPicks(r *http.Request, u *porter.User, what int) (cleaningPicks, error) {
	var p cleaningPicks
	ops, err := c.opsPicks(r.Context(), u.OrgID, what)
	if err != nil {
		return p, err
	}
	p.UnitName, p.Cleaner = map[int64]string{}, map[string]string{}
	for _, pr := range ops.Properties {
		p.Props = append(p.Props, pick{pr.ID, pr.Name})
	}
	for _, un := range ops.Units {
		label := ops.PropertyName(un.PropertyID) + " · " + un.Name
		p.Units = append(p.Units, pick{un.ID, label})
		p.UnitName[un.ID] = label
	}
	for _, s := range ops.Staff {
		key := assigneeKey("staff", &s.ID)
		p.Cleaner[key] = s.Name + " (staff)"
		p.Assignees = append(p.Assignees, assigneePick{key, p.Cleaner[key]})
	}
	for _, v := range ops.Vendors {
		key := assigneeKey("vendor", &v.ID)
		p.Cleaner[key] = v.Name + " (vendor)"
		p.Assignees = append(p.Assignees, assigneePick{key, p.Cleaner[key]})
	}
	return p, nil
}

// parseAssignee reads the assignee select ("staff:3", "vendor:5").
func parseAssignee(s string) (staff, vendor *int64, ok bool) {
	kind, id, found := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !found || err != nil || n <= 0 {
		return nil, nil, false
	}
	switch kind {
	case "staff":
		return &n, nil, true
	case "vendor":
		return nil, &n, true
	}
	return nil, nil, false
}

type cleaningsData struct {
	cleaningPicks
	Items      []*porter.CleaningTask
	Filter     porter.CleaningFilter
	Assignee   string
	Statuses   []string
	Priorities []string
	Pager      pager
	Form       url.Values
	Error      string
}

// TurnoverOf reports a same-day turnover: the next guest arrives the day
// the last one leaves.
func TurnoverOf(t *porter.CleaningTask) bool { return t.DueBy != nil && *t.DueBy == t.DueFrom }

// Turnover is TurnoverOf for the list's rows.
func (cleaningsData) Turnover(t *porter.CleaningTask) bool { return TurnoverOf(t) }

func (c *Console) cleaningTasks(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderCleaningTasks(w, r, u, http.StatusOK, cleaningsData{Form: url.Values{"unit_id": {r.URL.Query().Get("unit_id")}, "priority": {"normal"}}})
}

// dateQuery checks the date filters of a list page's URL.
func dateQuery(r *http.Request, fields ...string) error {
	for _, field := range fields {
		if v := r.URL.Query().Get(field); v != "" {
			if _, err := time.Parse(porter.DateLayout, v); err != nil {
				return porter.Errorf(porter.EINVALID, "%s %q: want a date such as 2026-07-01", field, v)
			}
		}
	}
	return nil
}

// refQueries reads id filters of a list page's URL.
func refQueries(r *http.Request, ids map[string]*int64) error {
	for field, dst := range ids {
		id, ok := queryRef(r, field)
		if !ok {
			return porter.Errorf(porter.EINVALID, "%s %q: want a record's id", field, r.URL.Query().Get(field))
		}
		*dst = id
	}
	return nil
}

func (c *Console) renderCleaningTasks(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d cleaningsData) {
	q := r.URL.Query()
	f := porter.CleaningFilter{ListParams: listParams(r), Status: q.Get("status"), From: q.Get("from"), To: q.Get("to")}
	err := refQueries(r, map[string]*int64{"unit_id": &f.UnitID, "property_id": &f.PropertyID, "booking_id": &f.BookingID})
	if err == nil {
		err = opsOneOf("status", f.Status, porter.CleaningStatuses...)
	}
	if err == nil {
		err = dateQuery(r, "from", "to")
	}
	if a := q.Get("assignee"); err == nil && a != "" {
		staff, vendor, ok := parseAssignee(a)
		if !ok {
			err = porter.Errorf(porter.EINVALID, "assignee %q: want staff:ID or vendor:ID", a)
		} else if staff != nil {
			f.StaffID = *staff
		} else {
			f.VendorID = *vendor
		}
		d.Assignee = a
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	list, err := c.svc.CleaningTasks(r.Context(), u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.cleaningPicks, err = c.cleaningPicks(r, u, opsPickProperties|opsPickUnits|opsPickVendors|opsPickStaff); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Items, d.Filter, d.Statuses, d.Priorities = list.Items, f, porter.CleaningStatuses, porter.CleaningPriorities
	d.Pager = newPager(r, f.ListParams, list.Total)
	c.render(w, status, "cleanings", view{Title: "Cleaning", Nav: "cleaning", User: u, Data: d})
}

func (c *Console) createCleaningTask(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderCleaningTasks(w, r, u, status, cleaningsData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.CleaningTaskInput{UnitID: formID(v, "unit_id", "Unit", &errs), BookingID: formID(v, "booking_id", "Booking", &errs),
		DueFrom: formText(v, "due_from"), DueBy: formText(v, "due_by"), Priority: formText(v, "priority"), Notes: formText(v, "notes")}
	if in.UnitID == nil && v.Get("unit_id") == "" {
		errs.add("Unit", "is required: pick one")
	}
	if a := v.Get("assignee"); a != "" {
		var ok bool
		if in.StaffID, in.VendorID, ok = parseAssignee(a); !ok {
			errs.add("Cleaner", "is not a valid choice")
		}
	}
	if labels := checklistLines(v.Get("checklist")); labels != nil {
		in.Checklist = &labels
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	t, err := c.svc.CreateCleaningTask(r.Context(), u.OrgID, in)
	if status, msg, ok := strRefusal(err, cleaningLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/cleaning/", t.ID))
}

// checklistLines reads a checklist typed one item a line; nil when empty
// (the standard checklist).
func checklistLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

type cleaningData struct {
	cleaningPicks
	Task      *porter.CleaningTask
	Unit      string
	Booking   *porter.Booking
	Photos    []*porter.Document // the unit's documents, to pick photos from
	Events    []*porter.Event
	Turnover  bool
	Form      url.Values
	Error     string
	CanAssign bool
	CanStart  bool
	CanFinish bool
	CanSkip   bool
}

func (c *Console) cleaningTask(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderCleaningTask(w, r, u, id, http.StatusOK, cleaningData{})
}

func (c *Console) renderCleaningTask(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d cleaningData) {
	ctx := r.Context()
	t, err := c.svc.CleaningTask(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	open := []string{porter.CleaningPending, porter.CleaningAssigned, porter.CleaningInProgress}
	d.CanAssign = t.Status == porter.CleaningPending || t.Status == porter.CleaningAssigned
	d.CanStart = t.Status == porter.CleaningAssigned
	d.CanFinish = t.Status == porter.CleaningInProgress
	d.CanSkip = slices.Contains(open, t.Status)
	// A fixed handful of queries: the cleaners are listed only while the
	// task can be (re)assigned, the unit's documents only while it can be
	// completed.
	if d.CanAssign && u.CanWrite() {
		if d.cleaningPicks, err = c.cleaningPicks(r, u, opsPickVendors|opsPickStaff); err != nil {
			c.fail(w, r, u, err)
			return
		}
	} else {
		d.Cleaner = map[string]string{}
		switch {
		case t.StaffID != nil:
			if s, err := c.svc.Staff(ctx, u.OrgID, *t.StaffID); err == nil {
				d.Cleaner[assigneeKey("staff", t.StaffID)] = s.Name + " (staff)"
			}
		case t.VendorID != nil:
			if v, err := c.svc.Vendor(ctx, u.OrgID, *t.VendorID); err == nil {
				d.Cleaner[assigneeKey("vendor", t.VendorID)] = v.Name + " (vendor)"
			}
		}
	}
	unit, err := c.svc.Unit(ctx, u.OrgID, t.UnitID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Unit = unit.Name
	if t.BookingID != nil {
		if d.Booking, err = c.svc.Booking(ctx, u.OrgID, *t.BookingID); err != nil {
			c.fail(w, r, u, err)
			return
		}
	}
	if d.CanFinish && u.CanWrite() {
		docs, err := c.svc.Documents(ctx, u.OrgID, porter.DocumentFilter{ListParams: pickAll, Scope: "unit", ScopeID: t.UnitID})
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		d.Photos = docs.Items
	}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "cleaning_task", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Task, d.Turnover = t, TurnoverOf(t)
	if d.Form == nil {
		d.Form = url.Values{"assignee": {assigneeKey(t.AssigneeType, t.StaffID)}, "notes": {t.Notes}}
		if t.AssigneeType == "vendor" {
			d.Form.Set("assignee", assigneeKey("vendor", t.VendorID))
		}
	}
	c.render(w, status, "cleaning", view{Title: fmt.Sprintf("Cleaning task %d", t.ID), Nav: "cleaning", User: u, Data: d})
}

// cleaningAction runs a step of the task's state machine from its page; a
// refusal is shown there with the Service's message.
func (c *Console) cleaningAction(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	bad := func(status int, msg string) {
		c.renderCleaningTask(w, r, u, id, status, cleaningData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	ctx, v := r.Context(), r.PostForm
	var err error
	switch r.PathValue("action") {
	case "assign":
		staff, vendor, ok := parseAssignee(v.Get("assignee"))
		if !ok {
			bad(http.StatusBadRequest, "Cleaner is required: pick a staff member or a vendor.")
			return
		}
		_, err = c.svc.AssignCleaningTask(ctx, u.OrgID, id, porter.CleaningAssignInput{StaffID: staff, VendorID: vendor})
	case "start":
		_, err = c.svc.StartCleaningTask(ctx, u.OrgID, id)
	case "complete":
		in, msg := completeInput(v)
		if msg != "" {
			bad(http.StatusBadRequest, msg)
			return
		}
		_, err = c.svc.CompleteCleaningTask(ctx, u.OrgID, id, in)
	case "skip":
		_, err = c.svc.SkipCleaningTask(ctx, u.OrgID, id, porter.CleaningSkipInput{Reason: opsText(v, "reason"),
			RescheduleTo: formText(v, "reschedule_to"), RescheduleBy: formText(v, "reschedule_by")})
	default:
		c.notFound(w, r, u)
		return
	}
	if status, msg, ok := strRefusal(err, cleaningLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/cleaning/", id))
}

// completeInput reads the completion form: the checklist as posted
// (item_N labels, done_N ticks), notes and the photos ticked.
func completeInput(v url.Values) (porter.CleaningCompleteInput, string) {
	in := porter.CleaningCompleteInput{Notes: opsText(v, "notes")}
	var items []porter.ChecklistItem
	for i := 0; ; i++ {
		k := strconv.Itoa(i)
		label, ok := v["item_"+k]
		if !ok || i >= 1000 {
			break
		}
		items = append(items, porter.ChecklistItem{Label: strings.TrimSpace(label[0]), Done: v.Get("done_"+k) != ""})
	}
	if items != nil {
		in.Checklist = &items
	}
	var photos []int64
	for _, s := range v["photo"] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return in, "Photos: " + strconv.Quote(s) + " is not a document."
		}
		photos = append(photos, n)
	}
	if photos != nil {
		in.PhotoDocumentIDs = &photos
	}
	return in, ""
}
