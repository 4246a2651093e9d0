package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"porter"
)

// Facilities: visitor passes. Issue, check in, check out and cancel call
// the same Service methods as /v1/visitor_passes, with their
// visitor_pass.* events.

var visitorPassLabels = map[string]string{"unit_id": "Unit", "tenant_id": "Host", "visitor_name": "Visitor",
	"visitor_phone": "Phone", "expected_from": "Expected from", "expected_until": "Valid until", "notes": "Notes",
	"date": "Date"}

// formUTC reads a datetime-local field, which the form labels as UTC
// ("2026-05-10T09:00"), as the ISO 8601 time the Service takes; a full
// ISO 8601 time passes as it is. Empty is nil.
func formUTC(v url.Values, name string) *string {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			s = t.UTC().Format(time.RFC3339)
			break
		}
	}
	return &s
}

type visitorPassesData struct {
	Items      []*porter.VisitorPass
	Pager      pager
	Properties []pick
	PropName   map[int64]string
	Units      []pick
	UnitName   map[int64]string
	Tenants    []pick
	TenantName map[int64]string
	Statuses   []string
	Query      url.Values
	Form       url.Values
	Error      string
}

// Host names a listed pass's host: "—" for none, its number for a tenant
// beyond the select's first page.
func (d visitorPassesData) Host(p *porter.VisitorPass) string {
	if p.TenantID == nil {
		return "—"
	}
	if n, ok := d.TenantName[*p.TenantID]; ok {
		return n
	}
	return "tenant " + strconv.FormatInt(*p.TenantID, 10)
}

func (c *Console) visitorPasses(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderVisitorPasses(w, r, u, http.StatusOK, visitorPassesData{Form: url.Values{}})
}

func (c *Console) renderVisitorPasses(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d visitorPassesData) {
	ctx, q := r.Context(), r.URL.Query()
	prop, err := facilityListQuery(r, porter.VisitorPassStatuses)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	f := porter.VisitorPassFilter{ListParams: listParams(r), PropertyID: prop, Status: q.Get("status")}
	if day := q.Get("date"); day != "" {
		t, err := time.Parse(porter.DateLayout, day)
		if err != nil {
			c.fail(w, r, u, porter.Errorf(porter.EINVALID, "date %q: want a date such as 2026-05-10", day))
			return
		}
		f.VisitFrom, f.VisitTo = t, t.AddDate(0, 0, 1)
	}
	list, err := c.svc.VisitorPasses(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Properties, d.PropName, d.Units, d.UnitName, err = c.placeChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Tenants, d.TenantName, err = c.tenantChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Items, d.Pager, d.Query, d.Statuses = list.Items, newPager(r, f.ListParams, list.Total), q, porter.VisitorPassStatuses
	c.render(w, status, "visitorpasses", view{Title: "Visitor passes", Nav: "visitor-passes", User: u, Data: d})
}

func (c *Console) issueVisitorPass(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderVisitorPasses(w, r, u, status, visitorPassesData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.VisitorPassInput{UnitID: formID(v, "unit_id", "Unit", &errs), TenantID: formID(v, "tenant_id", "Host", &errs),
		VisitorName: formText(v, "visitor_name"), VisitorPhone: formText(v, "visitor_phone"),
		ExpectedFrom: formUTC(v, "expected_from"), ExpectedUntil: formUTC(v, "expected_until"), Notes: formText(v, "notes")}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	p, err := c.svc.IssueVisitorPass(r.Context(), u.OrgID, in)
	if status, msg, ok := strRefusal(err, visitorPassLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/visitor-passes/", p.ID))
}

type visitorPassData struct {
	Pass     *porter.VisitorPass
	Place    string
	Host     *porter.Tenant
	HostName string
	Events   []*porter.Event
	Error    string
	// The steps its status allows: the page offers only these, and the
	// Service refuses the others (a stale page gets a 409).
	CanCheckIn, CanCheckOut, CanCancel bool
	Expired                            bool // issued, but past its window: no check-in
}

func (c *Console) visitorPass(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderVisitorPass(w, r, u, id, http.StatusOK, "")
}

func (c *Console) renderVisitorPass(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, msg string) {
	ctx := r.Context()
	p, err := c.svc.VisitorPass(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := visitorPassData{Pass: p, Error: msg}
	unit, err := c.svc.Unit(ctx, u.OrgID, p.UnitID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Place = unit.Name
	if prop, err := c.svc.Property(ctx, u.OrgID, unit.PropertyID); err == nil {
		d.Place = prop.Name + " · " + unit.Name
	}
	if p.TenantID != nil {
		if d.Host, err = c.svc.Tenant(ctx, u.OrgID, *p.TenantID); err != nil {
			c.fail(w, r, u, err)
			return
		}
		d.HostName = tenantLabel(d.Host)
	}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "visitor_pass", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Expired = p.Status == porter.PassIssued && c.svc.Now().After(p.ExpectedUntil)
	d.CanCheckIn = p.Status == porter.PassIssued && !d.Expired
	d.CanCheckOut = p.Status == porter.PassCheckedIn
	d.CanCancel = p.Status == porter.PassIssued
	c.render(w, status, "visitorpass", view{Title: "Visitor pass for " + p.VisitorName, Nav: "visitor-passes", User: u, Data: d})
}

// visitorPassAction checks a visitor in or out, or cancels the pass; a
// step its status no longer allows shows the pass as it is now (409).
func (c *Console) visitorPassAction(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if msg, ok := readPostedForm(w, r); !ok {
		c.renderVisitorPass(w, r, u, id, http.StatusBadRequest, msg)
		return
	}
	ctx := r.Context()
	var err error
	switch r.PathValue("action") {
	case "check-in":
		_, err = c.svc.CheckInVisitor(ctx, u.OrgID, id)
	case "check-out":
		_, err = c.svc.CheckOutVisitor(ctx, u.OrgID, id)
	case "cancel":
		_, err = c.svc.CancelVisitorPass(ctx, u.OrgID, id)
	default:
		c.notFound(w, r, u)
		return
	}
	if status, msg, ok := strRefusal(err, visitorPassLabels); ok {
		c.renderVisitorPass(w, r, u, id, status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/visitor-passes/", id))
}
