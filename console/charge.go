package console

import (
	"net/http"
	"net/url"
	"slices"

	"porter"
)

var chargeLabels = map[string]string{"tenant_id": "Tenant", "lease_id": "Lease", "amount": "Amount", "description": "Description",
	"due_date": "Due date", "category": "Category", "status": "Status"}

type chargesData struct {
	Items      []*porter.Charge
	Tenants    []pick
	Names      map[int64]string
	Categories []string
	TenantID   int64
	Status     string
	Overdue    bool
	Pager      pager
	Form       url.Values // the new-charge form: as posted on a refusal, or prefilled by a link
	Error      string
}

func (c *Console) charges(w http.ResponseWriter, r *http.Request, u *porter.User) {
	form := url.Values{"tenant_id": {r.URL.Query().Get("tenant_id")}}
	c.renderCharges(w, r, u, http.StatusOK, chargesData{Form: form})
}

func (c *Console) renderCharges(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d chargesData) {
	q := r.URL.Query()
	f := porter.ChargeFilter{ListParams: listParams(r), Status: q.Get("status")}
	tid, ok := queryRef(r, "tenant_id")
	if !ok {
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "tenant_id %q: want a tenant's id", q.Get("tenant_id")))
		return
	}
	f.TenantID = tid
	// Overdue: still owing, due before today (UTC, as the API's dates).
	if d.Overdue = q.Get("overdue") != ""; d.Overdue {
		f.OverdueOn = c.svc.Now().UTC().Format(porter.DateLayout)
	}
	ctx := r.Context()
	list, err := c.svc.Charges(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Tenants, d.Names, err = c.tenantChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	org, err := c.svc.Organization(ctx, u.OrgID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Categories = org.ChargeCategories
	if len(d.Categories) == 0 {
		d.Categories = porter.DefaultChargeCategories()
	}
	d.Items, d.TenantID, d.Status, d.Pager = list.Items, tid, f.Status, newPager(r, f.ListParams, list.Total)
	c.render(w, status, "charges", view{Title: "Charges", Nav: "charges", User: u, Data: d})
}

// createCharge is "Add a charge": the same Service call as POST
// /v1/charges.
func (c *Console) createCharge(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(msg string) {
		c.renderCharges(w, r, u, http.StatusBadRequest, chargesData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.ChargeInput{TenantID: formID(v, "tenant_id", "Tenant", &errs), Amount: formMoney(v, "amount", "Amount", &errs),
		Description: formTextAll(v, "description"), DueDate: formTextAll(v, "due_date"), Category: formText(v, "category")}
	if in.TenantID == nil && v.Get("tenant_id") == "" {
		errs.add("Tenant", "is required: pick one")
	}
	if in.Amount == nil && v.Get("amount") == "" {
		errs.add("Amount", "is required, such as 25.00")
	}
	if len(errs) > 0 {
		bad(errs.String())
		return
	}
	ch, err := c.svc.CreateCharge(r.Context(), u.OrgID, in)
	if msg, ok := fieldProblem(err, chargeLabels); ok {
		bad(msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/charges/", ch.ID))
}

type chargeData struct {
	Charge     *porter.Charge
	Tenant     *porter.Tenant
	Categories []string // the organization's, and the charge's own if it has since been dropped
	Events     []*porter.Event
	Form       url.Values // the edit form: the charge's, or as posted on a refusal
	Error      string
}

func (c *Console) charge(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderCharge(w, r, u, id, http.StatusOK, chargeData{})
}

func (c *Console) renderCharge(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d chargeData) {
	ctx := r.Context()
	ch, err := c.svc.Charge(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Tenant, err = c.svc.Tenant(ctx, u.OrgID, ch.TenantID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "charge", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	org, err := c.svc.Organization(ctx, u.OrgID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Categories = org.ChargeCategories
	if len(d.Categories) == 0 {
		d.Categories = porter.DefaultChargeCategories()
	}
	if !slices.Contains(d.Categories, ch.Category) {
		d.Categories = append([]string{ch.Category}, d.Categories...)
	}
	if d.Form == nil {
		d.Form = url.Values{"description": {ch.Description}, "due_date": {ch.DueDate}, "category": {ch.Category}}
	}
	d.Charge = ch
	c.render(w, status, "charge", view{Title: "Charge " + ch.Description, Nav: "charges", User: u, Data: d})
}

// updateCharge edits an open charge's description, due date or category:
// PATCH /v1/charges/{id}. An unchanged category is not sent, so a charge
// keeps one its organization has since dropped.
func (c *Console) updateCharge(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	bad := func(status int, msg string) {
		c.renderCharge(w, r, u, id, status, chargeData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	ch, err := c.svc.Charge(r.Context(), u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	v := r.PostForm
	in := porter.ChargeUpdate{Description: formTextAll(v, "description"), DueDate: formTextAll(v, "due_date")}
	if cat := formText(v, "category"); cat != nil && *cat != ch.Category {
		in.Category = cat
	}
	_, err = c.svc.UpdateCharge(r.Context(), u.OrgID, id, in)
	if msg, ok := fieldProblem(err, chargeLabels); ok {
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
	seeOther(w, r, idPath("/charges/", id))
}

// voidCharge cancels a charge nothing has been paid on; the Service
// refuses any other (409), and the page says why.
func (c *Console) voidCharge(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if _, err := c.svc.VoidCharge(r.Context(), u.OrgID, id); err != nil {
		if msg, ok := stateConflict(err); ok {
			c.renderCharge(w, r, u, id, http.StatusConflict, chargeData{Error: msg})
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/charges/", id))
}
