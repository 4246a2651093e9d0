package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"porter"
)

// Facilities: defects and snagging items. The pages call the same Service
// methods as /v1/defects, so the state machine (open → in_progress →
// resolved or rejected) and the defect.* events are the API's.

var defectLabels = map[string]string{"property_id": "Property", "unit_id": "Unit", "asset_id": "Asset", "title": "Title",
	"description": "Description", "location": "Location", "severity": "Severity", "source": "Source",
	"external_ref": "External reference", "work_order_id": "Work order", "resolution": "Resolution"}

// placeChoices lists the active properties and every unit for selects,
// with their labels by id, in two queries (unitChoices would read the
// properties twice).
func (c *Console) placeChoices(ctx context.Context, org int64) (props []pick, propName map[int64]string, units []pick, unitName map[int64]string, err error) {
	if props, propName, err = c.propertyChoices(ctx, org); err != nil {
		return nil, nil, nil, nil, err
	}
	list, err := c.svc.Units(ctx, org, porter.UnitFilter{ListParams: pickAll})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	unitName = map[int64]string{}
	for _, u := range list.Items {
		label := u.Name
		if p := propName[u.PropertyID]; p != "" {
			label = p + " · " + u.Name
		}
		units = append(units, pick{u.ID, label})
		unitName[u.ID] = label
	}
	return props, propName, units, unitName, nil
}

// formIDOrZero reads an optional id of an edit form: empty is 0, which
// clears the link.
func formIDOrZero(v url.Values, name, label string, errs *formErrors) *int64 {
	if id := formID(v, name, label, errs); id != nil {
		return id
	}
	return new(int64)
}

// queryOneOf checks a list filter against the values it may take: one the
// list cannot match is a mistake worth a 400.
func queryOneOf(q url.Values, field string, allowed []string) error {
	if v := q.Get(field); v != "" && !slices.Contains(allowed, v) {
		return porter.Errorf(porter.EINVALID, "%s %q: want one of %s", field, v, strings.Join(allowed, ", "))
	}
	return nil
}

type defectsData struct {
	Items      []*porter.Defect
	Pager      pager
	Properties []pick
	PropName   map[int64]string
	Units      []pick
	UnitName   map[int64]string
	Statuses   []string
	Severities []string
	Query      url.Values
	Form       url.Values
	Error      string
}

// Place is where a listed defect is: its unit, or its property.
func (d defectsData) Place(df *porter.Defect) string {
	if df.UnitID != nil {
		return d.UnitName[*df.UnitID]
	}
	return d.PropName[df.PropertyID]
}

func (c *Console) defects(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderDefects(w, r, u, http.StatusOK, defectsData{Form: url.Values{"severity": {"medium"}}})
}

func (c *Console) renderDefects(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d defectsData) {
	ctx, q := r.Context(), r.URL.Query()
	prop, err := facilityListQuery(r, porter.DefectStatuses)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if err := queryOneOf(q, "severity", porter.DefectSeverities); err != nil {
		c.fail(w, r, u, err)
		return
	}
	f := porter.DefectFilter{ListParams: listParams(r), PropertyID: prop, Status: q.Get("status"), Severity: q.Get("severity"),
		Source: strings.TrimSpace(q.Get("source"))}
	list, err := c.svc.Defects(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Properties, d.PropName, d.Units, d.UnitName, err = c.placeChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Items, d.Pager, d.Query = list.Items, newPager(r, f.ListParams, list.Total), q
	d.Statuses, d.Severities = porter.DefectStatuses, porter.DefectSeverities
	c.render(w, status, "defects", view{Title: "Defects", Nav: "defects", User: u, Data: d})
}

// defectInput reads the fields the new-defect and edit forms share. An
// edit form sends every field: an empty unit, asset or work order clears
// the link, an empty description or location clears the text.
func defectInput(v url.Values, edit bool, errs *formErrors) porter.DefectInput {
	in := porter.DefectInput{PropertyID: formID(v, "property_id", "Property", errs), Title: formTextAll(v, "title"),
		Description: formTextAll(v, "description"), Location: formTextAll(v, "location"), Severity: formText(v, "severity")}
	if edit {
		in.UnitID = formIDOrZero(v, "unit_id", "Unit", errs)
		in.AssetID = formIDOrZero(v, "asset_id", "Asset", errs)
		in.WorkOrderID = formIDOrZero(v, "work_order_id", "Work order", errs)
	} else {
		in.UnitID = formID(v, "unit_id", "Unit", errs)
		in.AssetID = formID(v, "asset_id", "Asset", errs)
		in.WorkOrderID = formID(v, "work_order_id", "Work order", errs)
	}
	return in
}

func (c *Console) createDefect(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderDefects(w, r, u, status, defectsData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	var errs formErrors
	in := defectInput(r.PostForm, false, &errs)
	if in.PropertyID == nil && in.UnitID == nil && len(errs) == 0 {
		errs.add("Property", "is required: pick one (or a unit)")
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	d, _, err := c.svc.RecordDefect(r.Context(), u.OrgID, in)
	if status, msg, ok := strRefusal(err, defectLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/defects/", d.ID))
}

type defectData struct {
	Defect     *porter.Defect
	Place      string
	Asset      *porter.Asset // nil when none, or not found
	Source     string        // the source as people read it
	SourceLink string        // the integration's page, for admins
	Properties []pick
	Units      []pick
	UnitID     int64 // 0: none
	Severities []string
	Events     []*porter.Event
	Form       url.Values
	Error      string
	// The transitions its status allows: the page offers only these, and
	// the Service refuses the others (a stale page gets a 409).
	CanStart, CanResolve, CanReject, CanEdit bool
}

func (c *Console) defect(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderDefect(w, r, u, id, http.StatusOK, defectData{Form: url.Values{}})
}

func (c *Console) renderDefect(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d defectData) {
	ctx := r.Context()
	df, err := c.svc.Defect(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	var propName, unitName map[int64]string
	if d.Properties, propName, d.Units, unitName, err = c.placeChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Place = propName[df.PropertyID]
	if df.UnitID != nil {
		d.Place, d.UnitID = unitName[*df.UnitID], *df.UnitID
	}
	if df.AssetID != nil {
		// The API takes any asset id: one that is not (or no longer) this
		// organization's shows as its number, without a link.
		if d.Asset, err = c.svc.Asset(ctx, u.OrgID, *df.AssetID); err != nil && porter.ErrorCode(err) != porter.ENOTFOUND {
			c.fail(w, r, u, err)
			return
		}
	}
	d.Source = df.Source
	if n, ok := strings.CutPrefix(df.Source, "integration:"); ok {
		if iid, err := strconv.ParseInt(n, 10, 64); err == nil && iid > 0 {
			d.Source = "integration " + n
			if it, err := c.svc.Integration(ctx, u.OrgID, iid); err == nil {
				d.Source = it.Name
				if u.CanAdmin() {
					d.SourceLink = idPath("/settings/integrations/", iid)
				}
			} else if porter.ErrorCode(err) != porter.ENOTFOUND {
				c.fail(w, r, u, err)
				return
			}
		}
	}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "defect", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Defect, d.Severities = df, porter.DefectSeverities
	open := df.Status == porter.DefectOpen || df.Status == porter.DefectInProgress
	d.CanStart, d.CanResolve, d.CanReject, d.CanEdit = df.Status == porter.DefectOpen, open, open, open
	c.render(w, status, "defect", view{Title: df.Title, Nav: "defects", User: u, Data: d})
}

// defectAction edits a defect or takes one step of its state machine from
// its page; a refusal (bad input 400, a step its status no longer allows
// 409) shows the page as the defect is now, with the reason.
func (c *Console) defectAction(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	bad := func(status int, msg string) {
		c.renderDefect(w, r, u, id, status, defectData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	ctx, v := r.Context(), r.PostForm
	var errs formErrors
	var err error
	switch action := r.PathValue("action"); action {
	case "":
		in := defectInput(v, true, &errs)
		if len(errs) == 0 {
			_, err = c.svc.UpdateDefect(ctx, u.OrgID, id, in)
		}
	case "start", "resolve", "reject":
		in := porter.DefectResolution{Resolution: formText(v, "resolution"), WorkOrderID: formID(v, "work_order_id", "Work order", &errs)}
		if len(errs) > 0 {
			break
		}
		switch action {
		case "start":
			_, err = c.svc.StartDefect(ctx, u.OrgID, id, in)
		case "resolve":
			_, err = c.svc.ResolveDefect(ctx, u.OrgID, id, in)
		default:
			_, err = c.svc.RejectDefect(ctx, u.OrgID, id, in)
		}
	default:
		c.notFound(w, r, u)
		return
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	if status, msg, ok := strRefusal(err, defectLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/defects/", id))
}
