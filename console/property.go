package console

import (
	"net/http"
	"net/url"
	"strconv"

	"porter"
)

type propertiesData struct {
	Items      []*porter.Property
	Total      int
	Page       int
	Status     string
	Prev, Next string
}

func (c *Console) properties(w http.ResponseWriter, r *http.Request, u *porter.User) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	f := porter.PropertyFilter{ListParams: porter.ListParams{Page: page, PerPage: porter.DefaultPerPage}, Status: q.Get("status")}
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
	d := propertiesData{Items: list.Items, Total: list.Total, Page: f.Page, Status: f.Status}
	link := func(p int) string {
		v := url.Values{"page": {strconv.Itoa(p)}}
		if f.Status != "" {
			v.Set("status", f.Status)
		}
		return "/properties?" + v.Encode()
	}
	if f.Page > 1 {
		d.Prev = link(f.Page - 1)
	}
	if f.Page*f.PerPage < list.Total {
		d.Next = link(f.Page + 1)
	}
	c.render(w, http.StatusOK, "properties", view{Title: "Properties", Nav: "properties", User: u, Data: d})
}

type propertyData struct {
	Property *porter.Property
	Units    []*porter.Unit
	Events   []*porter.Event
}

// recentEvents is how far back a record page looks for its events.
const recentEvents = porter.MaxPerPage

func (c *Console) property(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
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
	d := propertyData{Property: p, Units: units.Items}
	events, err := c.svc.Events(ctx, u.OrgID, porter.EventFilter{ListParams: porter.ListParams{Page: 1, PerPage: recentEvents},
		Types: []string{"property.created", "property.updated", "property.archived"}})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	for _, e := range events.Items {
		if e.ResourceType == "property" && e.ResourceID == id {
			d.Events = append(d.Events, e)
		}
	}
	c.render(w, http.StatusOK, "property", view{Title: p.Name, Nav: "properties", User: u, Data: d})
}

func itoa(n int) string { return strconv.Itoa(n) }
