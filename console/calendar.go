package console

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"porter"
)

// Short-term rentals: the calendar, a month grid of the Service's
// Calendar (the same answer as GET /v1/calendar), and blocks.

var blockLabels = map[string]string{"unit_id": "Unit", "kind": "Kind", "start_date": "First night", "end_date": "Last night", "reason": "Reason"}

type calendarDay struct {
	Date    string
	Day     int
	Weekday string
}

// calendarRow is one unit's month: consecutive nights of one stay or one
// block merge into a single cell, so that a stay reads as one bar.
type calendarRow struct {
	UnitID int64
	Label  string
	Cells  []calendarCell
}

type calendarCell struct {
	porter.CalendarDay
	Span int
	Last string // the last night of a merged cell
}

func calendarCells(days []porter.CalendarDay) []calendarCell {
	var out []calendarCell
	for _, d := range days {
		if n := len(out); n > 0 && d.Status != "available" && out[n-1].Status == d.Status &&
			sameRef(out[n-1].BookingID, d.BookingID) && sameRef(out[n-1].BlockID, d.BlockID) {
			out[n-1].Span++
			out[n-1].Last = d.Date
			continue
		}
		out = append(out, calendarCell{CalendarDay: d, Span: 1, Last: d.Date})
	}
	return out
}

func sameRef(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

type calendarData struct {
	Month      string // 2026-07
	Title      string // July 2026
	Prev, Next string // the neighbouring months' links, keeping the property
	PropertyID int64
	Properties []pick
	Units      []pick
	Rows       []calendarRow
	Days       []calendarDay
	Calendar   *porter.Calendar
	Guests     map[string]string // booking reference → guest name, for the booked nights' titles
	Kinds      []string
	Form       url.Values
	Error      string
}

func (c *Console) calendar(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderCalendar(w, r, u, http.StatusOK, calendarData{Form: url.Values{}})
}

func (c *Console) renderCalendar(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d calendarData) {
	q := r.URL.Query()
	month := c.svc.Now().UTC()
	if m := q.Get("month"); m != "" {
		t, err := time.Parse("2006-01", m)
		if err != nil {
			c.fail(w, r, u, porter.Errorf(porter.EINVALID, "month %q: want a month such as 2026-07", m))
			return
		}
		month = t
	}
	first := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1)
	pid, ok := queryRef(r, "property_id")
	if !ok {
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "property_id %q: want a property's id", q.Get("property_id")))
		return
	}
	ctx := r.Context()
	cal, err := c.svc.Calendar(ctx, u.OrgID, porter.CalendarQuery{From: first.Format(porter.DateLayout), To: last.Format(porter.DateLayout), PropertyID: pid})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	// One listing names the guests of the month's stays (the calendar
	// itself carries only their ids and references).
	stays, err := c.svc.Bookings(ctx, u.OrgID, porter.BookingFilter{ListParams: pickAll, PropertyID: pid,
		From: first.Format(porter.DateLayout), To: last.Format(porter.DateLayout)})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Guests = map[string]string{}
	for _, b := range stays.Items {
		d.Guests[b.Reference] = b.GuestName
	}
	var props map[int64]string
	if d.Properties, props, err = c.propertyChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	for _, cu := range cal.Units {
		label := cu.UnitName
		if p := props[cu.PropertyID]; p != "" {
			label = p + " · " + cu.UnitName
		}
		d.Units = append(d.Units, pick{cu.UnitID, label})
		d.Rows = append(d.Rows, calendarRow{UnitID: cu.UnitID, Label: label, Cells: calendarCells(cu.Days)})
	}
	for t := first; !t.After(last); t = t.AddDate(0, 0, 1) {
		d.Days = append(d.Days, calendarDay{Date: t.Format(porter.DateLayout), Day: t.Day(), Weekday: t.Weekday().String()[:2]})
	}
	link := func(t time.Time) string {
		v := url.Values{"month": {t.Format("2006-01")}}
		if pid != 0 {
			v.Set("property_id", strconv.FormatInt(pid, 10))
		}
		return "/calendar?" + v.Encode()
	}
	d.Month, d.Title, d.Prev, d.Next = first.Format("2006-01"), first.Format("January 2006"), link(first.AddDate(0, -1, 0)), link(first.AddDate(0, 1, 0))
	d.PropertyID, d.Calendar, d.Kinds = pid, cal, porter.BlockKinds
	c.render(w, status, "calendar", view{Title: "Calendar", Nav: "calendar", User: u, Data: d})
}

// createBlock closes a unit's nights (an owner stay, maintenance), as
// POST /v1/blocks does, and returns to the calendar's month.
func (c *Console) createBlock(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderCalendar(w, r, u, status, calendarData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.BlockInput{UnitID: formID(v, "unit_id", "Unit", &errs), Kind: formText(v, "kind"),
		StartDate: formText(v, "start_date"), EndDate: formText(v, "end_date"), Reason: formText(v, "reason")}
	if in.UnitID == nil && v.Get("unit_id") == "" {
		errs.add("Unit", "is required: pick one")
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	b, err := c.svc.CreateBlock(r.Context(), u.OrgID, in)
	if status, msg, ok := strRefusal(err, blockLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/calendar?month="+b.StartDate[:7])
}

type blockData struct {
	Block *porter.Block
	Unit  string // property · unit
	Kinds []string
	Form  url.Values
	Error string
}

// block is one block's page, linked from its nights on the calendar:
// its edit form and its delete button.
func (c *Console) block(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderBlock(w, r, u, id, http.StatusOK, blockData{})
}

func (c *Console) renderBlock(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d blockData) {
	ctx := r.Context()
	b, err := c.svc.Block(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	un, err := c.svc.Unit(ctx, u.OrgID, b.UnitID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	p, err := c.svc.Property(ctx, u.OrgID, b.PropertyID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Form == nil {
		d.Form = url.Values{"kind": {b.Kind}, "start_date": {b.StartDate}, "end_date": {b.EndDate}, "reason": {b.Reason}}
	}
	d.Block, d.Unit, d.Kinds = b, p.Name+" · "+un.Name, porter.BlockKinds
	c.render(w, status, "block", view{Title: "Block " + strconv.FormatInt(b.ID, 10), Nav: "calendar", User: u, Data: d})
}

// updateBlock moves a block's nights or changes its kind or reason
// (PATCH /v1/blocks/{id}); nights held by a confirmed stay are refused
// with 409 naming it.
func (c *Console) updateBlock(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	bad := func(status int, msg string) {
		c.renderBlock(w, r, u, id, status, blockData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	in := porter.BlockInput{Kind: formText(v, "kind"), StartDate: formTextAll(v, "start_date"),
		EndDate: formTextAll(v, "end_date"), Reason: formTextAll(v, "reason")}
	b, err := c.svc.UpdateBlock(r.Context(), u.OrgID, id, in)
	if status, msg, ok := strRefusal(err, blockLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/calendar?month="+b.StartDate[:7])
}

// deleteBlock reopens a block's nights and returns to its month.
func (c *Console) deleteBlock(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	b, err := c.svc.Block(r.Context(), u.OrgID, id)
	if err == nil {
		err = c.svc.DeleteBlock(r.Context(), u.OrgID, id)
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/calendar?month="+b.StartDate[:7])
}
