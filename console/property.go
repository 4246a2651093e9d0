package console

import (
	"net/http"
	"net/url"
	"strconv"

	"porter"
)

type propertiesData struct {
	Items  []*porter.Property
	Status string
	Pager  pager
	Form   url.Values // the new-property form as posted, kept on a refusal
	Error  string
}

func (c *Console) properties(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderProperties(w, r, u, http.StatusOK, propertiesData{})
}

func (c *Console) renderProperties(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d propertiesData) {
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
	d.Items, d.Status, d.Pager = list.Items, f.Status, newPager(r, f.ListParams, list.Total)
	c.render(w, status, "properties", view{Title: "Properties", Nav: "properties", User: u, Data: d})
}

type propertyData struct {
	Property *porter.Property
	Units    []*porter.Unit
	Events   []*porter.Event
	Form     url.Values // the edit form as posted, kept on a refusal
	Error    string
}

func (c *Console) property(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderProperty(w, r, u, id, http.StatusOK, propertyData{})
}

func (c *Console) renderProperty(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d propertyData) {
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
	d.Property, d.Units, d.Events = p, units.Items, events
	if d.Form == nil {
		d.Form = url.Values{"name": {p.Name}, "address": {p.Address}, "city": {p.City}, "postal_code": {p.PostalCode}, "country": {p.Country}}
	}
	c.render(w, status, "property", view{Title: p.Name, Nav: "properties", User: u, Data: d})
}

func itoa(n int) string { return strconv.Itoa(n) }

var propertyLabels = map[string]string{"name": "Name", "address": "Address", "city": "City", "postal_code": "Postal code", "country": "Country"}

func propertyInput(v url.Values) porter.PropertyInput {
	return porter.PropertyInput{Name: formTextAll(v, "name"), Address: formTextAll(v, "address"), City: formTextAll(v, "city"),
		PostalCode: formTextAll(v, "postal_code"), Country: formTextAll(v, "country")}
}

// createProperty is the "New property" form: the same Service call as
// POST /v1/properties.
func (c *Console) createProperty(w http.ResponseWriter, r *http.Request, u *porter.User) {
	if msg, ok := readPostedForm(w, r); !ok {
		c.renderProperties(w, r, u, http.StatusBadRequest, propertiesData{Error: msg})
		return
	}
	p, err := c.svc.CreateProperty(r.Context(), u.OrgID, propertyInput(r.PostForm))
	if msg, ok := fieldProblem(err, propertyLabels); ok {
		c.renderProperties(w, r, u, http.StatusBadRequest, propertiesData{Form: r.PostForm, Error: msg})
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/properties/", p.ID))
}

func (c *Console) updateProperty(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if msg, ok := readPostedForm(w, r); !ok {
		c.renderProperty(w, r, u, id, http.StatusBadRequest, propertyData{Error: msg})
		return
	}
	_, err := c.svc.UpdateProperty(r.Context(), u.OrgID, id, propertyInput(r.PostForm))
	if msg, ok := fieldProblem(err, propertyLabels); ok {
		c.renderProperty(w, r, u, id, http.StatusBadRequest, propertyData{Form: r.PostForm, Error: msg})
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/properties/", id))
}

func (c *Console) archiveProperty(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if _, err := c.svc.ArchiveProperty(r.Context(), u.OrgID, id); err != nil {
		if msg, ok := stateConflict(err); ok {
			c.renderProperty(w, r, u, id, http.StatusConflict, propertyData{Error: msg})
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/properties/", id))
}
