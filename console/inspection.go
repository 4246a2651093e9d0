package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"porter"
)

type inspectionsData struct {
	Items      []*porter.Inspection
	Status     string
	PropertyID int64
	Statuses   []string
	Kinds      []string
	Picks      *opsPicks
	Pager      pager
	Form       url.Values
	Error      string
}

func (c *Console) inspections(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderInspections(w, r, u, http.StatusOK, url.Values{"kind": {"routine"}}, "")
}

func (c *Console) renderInspections(w http.ResponseWriter, r *http.Request, u *porter.User, status int, form url.Values, msg string) {
	if err := opsCheckQuery(r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	f := porter.InspectionFilter{ListParams: listParams(r), Status: r.URL.Query().Get("status")}
	var err error
	if f.PropertyID, err = opsQueryID(r, "property_id"); err != nil {
		c.fail(w, r, u, err)
		return
	}
	ctx := r.Context()
	list, err := c.svc.Inspections(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	picks, err := c.opsPicks(ctx, u.OrgID, opsPickProperties|opsPickUnits)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := inspectionsData{Items: list.Items, Status: f.Status, PropertyID: f.PropertyID, Statuses: porter.InspectionStatuses,
		Kinds: porter.InspectionKinds, Picks: picks, Pager: newPager(r, f.ListParams, list.Total), Form: form, Error: msg}
	c.render(w, status, "inspections", view{Title: "Inspections", Nav: "inspections", User: u, Data: d})
}

// scheduledLayouts are what a datetime-local field sends, read as UTC.
var scheduledLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339}

func (c *Console) createInspection(w http.ResponseWriter, r *http.Request, u *porter.User) {
	if err := readOpsForm(w, r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	form := r.PostForm
	in := porter.InspectionInput{Kind: opsText(form, "kind"), Inspector: opsText(form, "inspector"), Notes: opsText(form, "notes")}
	for _, line := range strings.Split(form.Get("items"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			in.Items = append(in.Items, porter.InspectionItemSeed{Label: line})
		}
	}
	insp, err := func() (*porter.Inspection, error) {
		var err error
		if in.PropertyID, err = opsID(form, "property_id"); err != nil {
			return nil, err
		}
		if in.UnitID, err = opsID(form, "unit_id"); err != nil {
			return nil, err
		}
		if v := strings.TrimSpace(form.Get("scheduled_for")); v != "" {
			for _, layout := range scheduledLayouts {
				if t, err := time.Parse(layout, v); err == nil {
					pt := porter.NewTime(t)
					in.ScheduledFor = &pt
					break
				}
			}
			if in.ScheduledFor == nil {
				return nil, &porter.Error{Code: porter.EINVALID, Message: "scheduled_for must be a date and time such as 2026-05-10T09:00 (UTC)",
					Fields: []porter.FieldError{{Field: "scheduled_for", Message: "must be a date and time"}}}
			}
		}
		return c.svc.CreateInspection(r.Context(), u.OrgID, in)
	}()
	if err != nil {
		if msg, ok := opsBadInput(err); ok {
			c.renderInspections(w, r, u, http.StatusBadRequest, form, msg)
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/inspections/"+strconv.FormatInt(insp.ID, 10))
}

type inspectionData struct {
	I            *porter.Inspection
	PropertyName string
	UnitName     string
	Results      []string
	Recording    bool // items may be added and recorded: in progress
	Events       []*porter.Event
	Error        string
}

func (c *Console) inspection(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderInspection(w, r, u, id, http.StatusOK, "")
}

func (c *Console) renderInspection(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, msg string) {
	ctx := r.Context()
	insp, err := c.svc.Inspection(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := inspectionData{I: insp, Results: porter.ItemResults, Recording: insp.Status == porter.InspectionInProgress, Error: msg}
	p, err := c.svc.Property(ctx, u.OrgID, insp.PropertyID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.PropertyName = p.Name
	if insp.UnitID != nil {
		un, err := c.svc.Unit(ctx, u.OrgID, *insp.UnitID)
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		d.UnitName = un.Name
	}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "inspection", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, status, "inspection", view{Title: "Inspection " + strconv.FormatInt(id, 10), Nav: "inspections", User: u, Data: d})
}

// inspectionAction starts, submits, approves or rejects an inspection;
// the Service refuses a step its status does not allow (409).
func (c *Console) inspectionAction(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if err := readOpsForm(w, r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	ctx, org := r.Context(), u.OrgID
	var err error
	switch r.PathValue("action") {
	case "start":
		_, err = c.svc.StartInspection(ctx, org, id)
	case "submit":
		_, err = c.svc.SubmitInspection(ctx, org, id)
	case "approve":
		_, err = c.svc.ApproveInspection(ctx, org, id)
	case "reject":
		_, err = c.svc.RejectInspection(ctx, org, id, porter.RejectInput{Reason: opsText(r.PostForm, "reason")})
	default:
		c.notFound(w, r, u)
		return
	}
	c.afterInspection(w, r, u, id, err)
}

func (c *Console) afterInspection(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, err error) {
	if err != nil {
		// The page again, as it is now, with why the step was refused.
		if status, msg, ok := refusal(err); ok {
			c.renderInspection(w, r, u, id, status, msg)
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/inspections/"+strconv.FormatInt(id, 10))
}

// addInspectionItem adds a line to the checklist of an inspection in progress.
func (c *Console) addInspectionItem(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if err := readOpsForm(w, r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	label := strings.TrimSpace(r.PostForm.Get("label"))
	_, err := c.svc.AddInspectionItem(r.Context(), u.OrgID, id, porter.InspectionItemInput{Label: &label})
	c.afterInspection(w, r, u, id, err)
}

// recordInspectionItem sets a checklist line's result and notes.
func (c *Console) recordInspectionItem(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	item, ok2 := pathID(r, "item")
	if !ok || !ok2 {
		c.notFound(w, r, u)
		return
	}
	if err := readOpsForm(w, r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	in := porter.InspectionItemInput{Result: opsText(r.PostForm, "result"), Notes: opsText(r.PostForm, "notes")}
	_, err := c.svc.UpdateInspectionItem(r.Context(), u.OrgID, id, item, in)
	c.afterInspection(w, r, u, id, err)
}
