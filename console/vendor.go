package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"porter"
)

type vendorsData struct {
	Items         []*porter.Vendor
	Status, Trade string
	Statuses      []string
	Pager         pager
	Form          url.Values
	Error         string
}

func (c *Console) vendors(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderVendors(w, r, u, http.StatusOK, url.Values{}, "")
}

func (c *Console) renderVendors(w http.ResponseWriter, r *http.Request, u *porter.User, status int, form url.Values, msg string) {
	if err := opsCheckQuery(r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	q := r.URL.Query()
	f := porter.VendorFilter{ListParams: listParams(r), Status: q.Get("status"), Trade: strings.TrimSpace(q.Get("trade"))}
	if err := opsOneOf("status", f.Status, porter.VendorStatuses...); err != nil {
		c.fail(w, r, u, err)
		return
	}
	list, err := c.svc.Vendors(r.Context(), u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := vendorsData{Items: list.Items, Status: f.Status, Trade: f.Trade, Statuses: porter.VendorStatuses,
		Pager: newPager(r, f.ListParams, list.Total), Form: form, Error: msg}
	c.render(w, status, "vendors", view{Title: "Vendors", Nav: "vendors", User: u, Data: d})
}

func vendorInput(form url.Values) porter.VendorInput {
	return porter.VendorInput{Name: opsText(form, "name"), Trade: opsText(form, "trade"), Email: opsText(form, "email"),
		Phone: opsText(form, "phone"), Status: opsText(form, "status")}
}

func (c *Console) createVendor(w http.ResponseWriter, r *http.Request, u *porter.User) {
	if err := readOpsForm(w, r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	v, err := c.svc.CreateVendor(r.Context(), u.OrgID, vendorInput(r.PostForm))
	if err != nil {
		if msg, ok := opsBadInput(err); ok {
			c.renderVendors(w, r, u, http.StatusBadRequest, r.PostForm, msg)
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/vendors/"+strconv.FormatInt(v.ID, 10))
}

type vendorData struct {
	V          *porter.Vendor
	Statuses   []string
	WorkOrders []*porter.WorkOrder
	Total      int
	Form       url.Values // a refused edit, else the vendor's values
	Error      string
	Events     []*porter.Event
}

func (c *Console) vendor(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderVendor(w, r, u, id, http.StatusOK, nil, "")
}

func (c *Console) renderVendor(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, form url.Values, msg string) {
	ctx := r.Context()
	v, err := c.svc.Vendor(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if form == nil {
		form = url.Values{"name": {v.Name}, "trade": {v.Trade}, "email": {v.Email}, "phone": {v.Phone}, "status": {v.Status}}
	}
	d := vendorData{V: v, Statuses: porter.VendorStatuses, Form: form, Error: msg}
	wos, err := c.svc.WorkOrders(ctx, u.OrgID, porter.WorkOrderFilter{ListParams: porter.ListParams{Page: 1, PerPage: 10}, VendorID: id})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.WorkOrders, d.Total = wos.Items, wos.Total
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "vendor", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, status, "vendor", view{Title: v.Name, Nav: "vendors", User: u, Data: d})
}

func (c *Console) updateVendor(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if err := readOpsForm(w, r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if _, err := c.svc.UpdateVendor(r.Context(), u.OrgID, id, vendorInput(r.PostForm)); err != nil {
		if msg, ok := opsBadInput(err); ok {
			c.renderVendor(w, r, u, id, http.StatusBadRequest, r.PostForm, msg)
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/vendors/"+strconv.FormatInt(id, 10))
}
