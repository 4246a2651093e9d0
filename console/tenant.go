package console

import (
	"net/http"
	"net/url"

	"porter"
)

var tenantLabels = map[string]string{"email": "Email", "first_name": "First name", "last_name": "Last name", "phone": "Phone", "search": "Search"}

type tenantsData struct {
	Items  []*porter.Tenant
	Status string
	Search string
	Pager  pager
	Form   url.Values // the invite form as posted, kept on a refusal
	Error  string
}

func (c *Console) tenants(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderTenants(w, r, u, http.StatusOK, tenantsData{})
}

func (c *Console) renderTenants(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d tenantsData) {
	q := r.URL.Query()
	f := porter.TenantFilter{ListParams: listParams(r), Status: q.Get("status"), Search: q.Get("q")}
	list, err := c.svc.Tenants(r.Context(), u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Items, d.Status, d.Search, d.Pager = list.Items, f.Status, f.Search, newPager(r, f.ListParams, list.Total)
	c.render(w, status, "tenants", view{Title: "Tenants", Nav: "tenants", User: u, Data: d})
}

// inviteTenant is "Invite tenant": the same Service call as POST
// /v1/tenants, which stores the tenant as invited and queues the
// invitation email.
func (c *Console) inviteTenant(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderTenants(w, r, u, status, tenantsData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	t, err := c.svc.CreateTenant(r.Context(), u.OrgID, tenantInput(r.PostForm))
	if msg, ok := fieldProblem(err, tenantLabels); ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	if msg, ok := stateConflict(err); ok { // the email is taken
		bad(http.StatusConflict, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/tenants/", t.ID)+"?notice=invited")
}

type tenantData struct {
	Tenant   *porter.Tenant
	Leases   []*porter.Lease
	Units    map[int64]string
	Charges  []*porter.Charge
	Payments []*porter.Payment
	Events   []*porter.Event
	Form     url.Values // the edit form: the tenant's, or as posted on a refusal
	Notice   string
	Error    string
}

// tenantNotices are the messages a redirect after an action names.
var tenantNotices = map[string]string{
	"invited": "Invitation sent: the tenant gets an email with a link to set a password.",
	"resent":  "A new invitation was sent; the link in the previous one no longer works.",
}

func (c *Console) tenant(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderTenant(w, r, u, id, http.StatusOK, tenantData{Notice: tenantNotices[r.URL.Query().Get("notice")]})
}

func (c *Console) renderTenant(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d tenantData) {
	ctx := r.Context()
	t, err := c.svc.Tenant(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	// The page shows the latest of each (a page of the API's size); the
	// lists filtered by this tenant hold the rest.
	first := porter.ListParams{Page: 1, PerPage: porter.DefaultPerPage}
	leases, err := c.svc.Leases(ctx, u.OrgID, porter.LeaseFilter{ListParams: first, TenantID: id})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	charges, err := c.svc.Charges(ctx, u.OrgID, porter.ChargeFilter{ListParams: first, TenantID: id})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	payments, err := c.svc.Payments(ctx, u.OrgID, porter.PaymentFilter{ListParams: first, TenantID: id})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	events, err := c.svc.ResourceEvents(ctx, u.OrgID, "tenant", id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Units = map[int64]string{}
	if len(leases.Items) > 0 {
		if _, d.Units, err = c.unitChoices(ctx, u.OrgID); err != nil {
			c.fail(w, r, u, err)
			return
		}
	}
	d.Tenant, d.Leases, d.Charges, d.Payments, d.Events = t, leases.Items, charges.Items, payments.Items, events
	if d.Form == nil {
		d.Form = url.Values{"email": {t.Email}, "first_name": {t.FirstName}, "last_name": {t.LastName}, "phone": {t.Phone}}
	}
	c.render(w, status, "tenant", view{Title: tenantLabel(t), Nav: "tenants", User: u, Data: d})
}

func (c *Console) resendInvitation(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if _, err := c.svc.ResendInvitation(r.Context(), u.OrgID, id); err != nil {
		if msg, ok := stateConflict(err); ok {
			c.renderTenant(w, r, u, id, http.StatusConflict, tenantData{Error: msg})
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/tenants/", id)+"?notice=resent")
}

func tenantInput(v url.Values) porter.TenantInput {
	return porter.TenantInput{Email: formTextAll(v, "email"), FirstName: formTextAll(v, "first_name"),
		LastName: formTextAll(v, "last_name"), Phone: formTextAll(v, "phone")}
}

// updateTenant is the edit form on a tenant's page: PATCH /v1/tenants/{id}.
func (c *Console) updateTenant(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	bad := func(status int, msg string) {
		c.renderTenant(w, r, u, id, status, tenantData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	_, err := c.svc.UpdateTenant(r.Context(), u.OrgID, id, tenantInput(r.PostForm))
	if msg, ok := fieldProblem(err, tenantLabels); ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	if msg, ok := stateConflict(err); ok {
		bad(http.StatusConflict, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/tenants/", id))
}
