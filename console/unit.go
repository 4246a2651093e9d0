package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"porter"
)

var unitLabels = map[string]string{"property_id": "Property", "name": "Name", "floor": "Floor", "bedrooms": "Bedrooms",
	"bathrooms": "Bathrooms", "area_sqm": "Area (m²)", "market_rent": "Market rent", "status": "Status"}

type unitsData struct {
	Items      []*porter.Unit
	Properties []pick
	PropNames  map[int64]string
	PropertyID int64
	Status     string
	Statuses   []string
	Pager      pager
	Form       url.Values // the new-unit form as posted, kept on a refusal
	Error      string
}

func (c *Console) units(w http.ResponseWriter, r *http.Request, u *porter.User) {
	d := unitsData{}
	if pid, ok := queryRef(r, "property_id"); ok && pid > 0 {
		d.Form = url.Values{"property_id": {strconv.FormatInt(pid, 10)}} // "Add a unit" from a property's page
	}
	c.renderUnits(w, r, u, http.StatusOK, d)
}

func (c *Console) renderUnits(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d unitsData) {
	f := porter.UnitFilter{ListParams: listParams(r), Status: r.URL.Query().Get("status")}
	pid, ok := queryRef(r, "property_id")
	if !ok {
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "property_id %q: want a property's id", r.URL.Query().Get("property_id")))
		return
	}
	f.PropertyID = pid
	if f.Status != "" && !slices.Contains(porter.UnitStatuses, f.Status) {
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "status %q: want vacant, occupied or unavailable", f.Status))
		return
	}
	ctx := r.Context()
	list, err := c.svc.Units(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	props, names, err := c.propertyChoices(ctx, u.OrgID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Items, d.Properties, d.PropNames, d.PropertyID, d.Status, d.Statuses = list.Items, props, names, pid, f.Status, porter.UnitStatuses
	d.Pager = newPager(r, f.ListParams, list.Total)
	c.render(w, status, "units", view{Title: "Units", Nav: "units", User: u, Data: d})
}

// unitInput reads the unit form; the property is read only on create, as
// a unit stays in its property.
func unitInput(v url.Values, create bool, errs *formErrors) porter.UnitInput {
	in := porter.UnitInput{Name: formTextAll(v, "name"), Floor: formTextAll(v, "floor"),
		Bedrooms: formCount(v, "bedrooms", "Bedrooms", errs), Bathrooms: formCount(v, "bathrooms", "Bathrooms", errs),
		AreaSqm: formCount(v, "area_sqm", "Area (m²)", errs), MarketRent: formMoney(v, "market_rent", "Market rent", errs),
		Status: formText(v, "status")}
	if create {
		in.PropertyID = formID(v, "property_id", "Property", errs)
		if in.PropertyID == nil && len(*errs) == 0 {
			errs.add("Property", "is required: pick one")
		}
	}
	return in
}

func (c *Console) createUnit(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(msg string) {
		c.renderUnits(w, r, u, http.StatusBadRequest, unitsData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(msg)
		return
	}
	var errs formErrors
	in := unitInput(r.PostForm, true, &errs)
	if len(errs) > 0 {
		bad(errs.String())
		return
	}
	unit, err := c.svc.CreateUnit(r.Context(), u.OrgID, in)
	if msg, ok := fieldProblem(err, unitLabels); ok {
		bad(msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/units/", unit.ID))
}

type unitData struct {
	Unit         *porter.Unit
	Property     *porter.Property
	Lease        *porter.Lease // the current (active) lease, if any
	LeaseTenants map[int64]string
	Statuses     []string
	Events       []*porter.Event
	Form         url.Values
	Error        string
}

func (c *Console) unit(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderUnit(w, r, u, id, http.StatusOK, unitData{})
}

func (c *Console) renderUnit(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d unitData) {
	ctx := r.Context()
	unit, err := c.svc.Unit(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	p, err := c.svc.Property(ctx, u.OrgID, unit.PropertyID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	leases, err := c.svc.Leases(ctx, u.OrgID, porter.LeaseFilter{ListParams: porter.ListParams{Page: 1, PerPage: 1}, UnitID: id, Status: porter.LeaseActive})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if len(leases.Items) > 0 {
		d.Lease = leases.Items[0]
		if t, err := c.svc.Tenant(ctx, u.OrgID, d.Lease.TenantID); err == nil {
			d.LeaseTenants = map[int64]string{t.ID: tenantLabel(t)}
		}
	}
	events, err := c.svc.ResourceEvents(ctx, u.OrgID, "unit", id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Unit, d.Property, d.Statuses, d.Events = unit, p, porter.UnitStatuses, events
	if d.Form == nil {
		d.Form = url.Values{"name": {unit.Name}, "floor": {unit.Floor}, "bedrooms": {itoa64(unit.Bedrooms)},
			"bathrooms": {itoa64(unit.Bathrooms)}, "area_sqm": {itoa64(unit.AreaSqm)}, "market_rent": {unit.MarketRent.String()},
			"status": {unit.Status}}
	}
	c.render(w, status, "unit", view{Title: "Unit " + unit.Name, Nav: "units", User: u, Data: d})
}

func (c *Console) updateUnit(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	bad := func(msg string) {
		c.renderUnit(w, r, u, id, http.StatusBadRequest, unitData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(msg)
		return
	}
	var errs formErrors
	in := unitInput(r.PostForm, false, &errs)
	if len(errs) > 0 {
		bad(errs.String())
		return
	}
	// An emptied number field means zero, as the form shows it.
	zero := int64(0)
	for _, f := range []**int64{&in.Bedrooms, &in.Bathrooms, &in.AreaSqm} {
		if *f == nil {
			*f = &zero
		}
	}
	if in.MarketRent == nil {
		in.MarketRent = new(porter.Money)
	}
	_, err := c.svc.UpdateUnit(r.Context(), u.OrgID, id, in)
	if msg, ok := fieldProblem(err, unitLabels); ok {
		bad(msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/units/", id))
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
