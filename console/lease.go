package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"porter"
)

var leaseLabels = map[string]string{"unit_id": "Unit", "tenant_id": "Tenant", "tenant_ids": "Tenant", "start_date": "Start date",
	"end_date": "End date", "monthly_rent": "Monthly rent", "deposit": "Deposit", "reason": "Reason"}

var leaseStatuses = []string{porter.LeaseDraft, porter.LeaseActive, porter.LeaseExpired, porter.LeaseTerminated}

type leasesData struct {
	Items    []*porter.Lease
	Units    []pick
	Tenants  []pick
	UnitName map[int64]string
	Names    map[int64]string
	Status   string
	Statuses []string
	Pager    pager
	Form     url.Values // the new-lease form: as posted on a refusal, or prefilled by a link
	Error    string
}

func (c *Console) leases(w http.ResponseWriter, r *http.Request, u *porter.User) {
	// "Draft a lease" from a unit's or a tenant's page prefills it.
	q := r.URL.Query()
	form := url.Values{"unit_id": {q.Get("unit_id")}, "tenant_id": {q.Get("tenant_id")}}
	c.renderLeases(w, r, u, http.StatusOK, leasesData{Form: form})
}

func (c *Console) renderLeases(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d leasesData) {
	q := r.URL.Query()
	f := porter.LeaseFilter{ListParams: listParams(r), Status: q.Get("status")}
	if f.Status != "" && !slices.Contains(leaseStatuses, f.Status) {
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "status %q: want draft, active, expired or terminated", f.Status))
		return
	}
	ctx := r.Context()
	list, err := c.svc.Leases(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Units, d.UnitName, err = c.unitChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Tenants, d.Names, err = c.tenantChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Items, d.Status, d.Statuses, d.Pager = list.Items, f.Status, leaseStatuses, newPager(r, f.ListParams, list.Total)
	c.render(w, status, "leases", view{Title: "Leases", Nav: "leases", User: u, Data: d})
}

// createLease drafts a lease: the same Service call as POST /v1/leases.
func (c *Console) createLease(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(msg string) {
		c.renderLeases(w, r, u, http.StatusBadRequest, leasesData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.LeaseInput{UnitID: formID(v, "unit_id", "Unit", &errs), TenantID: formID(v, "tenant_id", "Tenant", &errs),
		StartDate: formTextAll(v, "start_date"), EndDate: formTextAll(v, "end_date"),
		MonthlyRent: formMoney(v, "monthly_rent", "Monthly rent", &errs), Deposit: formMoney(v, "deposit", "Deposit", &errs)}
	if len(errs) > 0 {
		bad(errs.String())
		return
	}
	l, err := c.svc.CreateLease(r.Context(), u.OrgID, in)
	if msg, ok := fieldProblem(err, leaseLabels); ok {
		bad(msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/leases/", l.ID))
}

type leaseData struct {
	Lease   *porter.Lease
	Unit    string
	Tenants []pick
	Events  []*porter.Event
	Form    url.Values // the renew or terminate form as posted, kept on a refusal
	Error   string
	// The transitions the lease's status allows: the page offers only
	// these, and the Service refuses the others.
	CanActivate, CanRenew, CanTerminate bool
}

func (c *Console) lease(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderLease(w, r, u, id, http.StatusOK, leaseData{})
}

func (c *Console) renderLease(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d leaseData) {
	ctx := r.Context()
	l, err := c.svc.Lease(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	unit, err := c.svc.Unit(ctx, u.OrgID, l.UnitID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Unit = unit.Name
	if p, err := c.svc.Property(ctx, u.OrgID, unit.PropertyID); err == nil {
		d.Unit = p.Name + " · " + unit.Name
	}
	for _, tid := range l.TenantIDs {
		t, err := c.svc.Tenant(ctx, u.OrgID, tid) // a lease names one tenant or a few
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		d.Tenants = append(d.Tenants, pick{t.ID, tenantLabel(t)})
	}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "lease", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Lease = l
	d.CanActivate = l.Status == porter.LeaseDraft
	d.CanRenew = l.Status == porter.LeaseActive || l.Status == porter.LeaseExpired
	d.CanTerminate = l.Status == porter.LeaseActive
	if d.Form == nil {
		d.Form = url.Values{"monthly_rent": {l.MonthlyRent.String()}, "start_date": {l.StartDate}, "end_date": {l.EndDate},
			"deposit": {l.Deposit.String()}}
		if d.CanRenew {
			d.Form.Del("end_date") // the renewal's new end date starts empty
		}
	}
	c.render(w, status, "lease", view{Title: "Lease " + strconv.FormatInt(l.ID, 10), Nav: "leases", User: u, Data: d})
}

// leaseAction runs one of a lease's transitions from its page; a refusal
// (bad input: 400, a transition the status does not allow: 409) is shown
// on the page with the Service's message.
func (c *Console) leaseAction(action func(r *http.Request, org, id int64, v url.Values) error) func(http.ResponseWriter, *http.Request, *porter.User) {
	return func(w http.ResponseWriter, r *http.Request, u *porter.User) {
		id, ok := pathID(r, "id")
		if !ok {
			c.notFound(w, r, u)
			return
		}
		if msg, ok := readPostedForm(w, r); !ok {
			c.renderLease(w, r, u, id, http.StatusBadRequest, leaseData{Error: msg})
			return
		}
		err := action(r, u.OrgID, id, r.PostForm)
		if msg, ok := fieldProblem(err, leaseLabels); ok {
			c.renderLease(w, r, u, id, http.StatusBadRequest, leaseData{Form: r.PostForm, Error: msg})
			return
		}
		if msg, ok := stateConflict(err); ok {
			c.renderLease(w, r, u, id, http.StatusConflict, leaseData{Error: msg})
			return
		}
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		seeOther(w, r, idPath("/leases/", id))
	}
}

// editLease changes a draft's term and money: PATCH /v1/leases/{id}.
func (c *Console) editLease(r *http.Request, org, id int64, v url.Values) error {
	var errs formErrors
	in := porter.LeaseInput{StartDate: formTextAll(v, "start_date"), EndDate: formTextAll(v, "end_date"),
		MonthlyRent: formMoney(v, "monthly_rent", "Monthly rent", &errs), Deposit: formMoney(v, "deposit", "Deposit", &errs)}
	if len(errs) > 0 {
		return &porter.Error{Code: porter.EINVALID, Message: errs.String()}
	}
	if in.MonthlyRent == nil {
		in.MonthlyRent = new(porter.Money) // emptied: the Service says it must be greater than 0
	}
	if in.Deposit == nil {
		in.Deposit = new(porter.Money)
	}
	_, err := c.svc.UpdateLease(r.Context(), org, id, in)
	return err
}

func (c *Console) activateLease(r *http.Request, org, id int64, _ url.Values) error {
	_, err := c.svc.ActivateLease(r.Context(), org, id)
	return err
}

func (c *Console) renewLease(r *http.Request, org, id int64, v url.Values) error {
	var errs formErrors
	in := porter.RenewInput{EndDate: formTextAll(v, "end_date"), MonthlyRent: formMoney(v, "monthly_rent", "New monthly rent", &errs)}
	if len(errs) > 0 {
		return &porter.Error{Code: porter.EINVALID, Message: errs.String()}
	}
	_, err := c.svc.RenewLease(r.Context(), org, id, in)
	return err
}

func (c *Console) terminateLease(r *http.Request, org, id int64, v url.Values) error {
	_, err := c.svc.TerminateLease(r.Context(), org, id, porter.TerminateInput{Reason: formText(v, "reason")})
	return err
}
