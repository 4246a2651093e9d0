package console

import (
	"net/http"
	"strconv"

	"porter"
)

type propertiesData struct {
	Items  []*porter.Property
	Status string
	Pager  pager
}

func (c *Console) properties(w http.ResponseWriter, r *http.Request, u *porter.User) {
	f := porter.PropertyFilter{ListParams: listParams(r), Status: r.URL.Query().Get("status")}
	if f.Status != "" && f.Status != porter.PropertyActive && f.Status != "archived" {
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "status %q: want active or archived", f.Status))
		return
	}
	f.Normalize()
	list, err := c.svc.Properties(r.Context(), u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := propertiesData{Items: list.Items, Status: f.Status, Pager: newPager(r, f.ListParams, list.Total)}
	c.render(w, http.StatusOK, "properties", view{Title: "Properties", Nav: "properties", User: u, Data: d})
}

type propertyData struct {
	Property *porter.Property
	Units    []*porter.Unit
	Events   []*porter.Event
}

func (c *Console) property(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	ctx := r.Context()
	// Another organization's property is not found, as in the API.
	p, err := c.svc.Property(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	units, err := c.svc.Units(ctx, u.OrgID, porter.UnitFilter{ListParams: porter.ListParams{Page: 1, PerPage: porter.MaxPerPage}, PropertyID: id})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	events, err := c.svc.ResourceEvents(ctx, u.OrgID, "property", id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := propertyData{Property: p, Units: units.Items, Events: events}
	c.render(w, http.StatusOK, "property", view{Title: p.Name, Nav: "properties", User: u, Data: d})
}

func itoa(n int) string { return strconv.Itoa(n) }
