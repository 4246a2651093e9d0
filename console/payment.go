package console

import (
	"net/http"
	"net/url"
	"strconv"

	"porter"
)

var paymentLabels = map[string]string{"tenant_id": "Tenant", "amount": "Amount", "method": "Method", "reference": "Reference",
	"charge_id": "Charge", "notes": "Notes"}

// paymentMethods are the methods the form offers; the API takes any text
// and defaults to manual, as seed 000 does.
var paymentMethods = []string{porter.DefaultPaymentMethod, "cash", "check", "bank_transfer", "card"}

type paymentsData struct {
	Items    []*porter.Payment
	Tenants  []pick
	Names    map[int64]string
	TenantID int64
	Methods  []string
	Pager    pager
	Form     url.Values // the record-payment form: as posted on a refusal, or prefilled by a link
	Error    string
}

func (c *Console) payments(w http.ResponseWriter, r *http.Request, u *porter.User) {
	// "Record payment" on a tenant's page links here with the tenant picked.
	form := url.Values{"tenant_id": {r.URL.Query().Get("tenant_id")}}
	c.renderPayments(w, r, u, http.StatusOK, paymentsData{Form: form})
}

func (c *Console) renderPayments(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d paymentsData) {
	tid, ok := queryRef(r, "tenant_id")
	if !ok {
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "tenant_id %q: want a tenant's id", r.URL.Query().Get("tenant_id")))
		return
	}
	f := porter.PaymentFilter{ListParams: listParams(r), TenantID: tid}
	ctx := r.Context()
	list, err := c.svc.Payments(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Tenants, d.Names, err = c.tenantChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Items, d.TenantID, d.Methods, d.Pager = list.Items, tid, paymentMethods, newPager(r, f.ListParams, list.Total)
	c.render(w, status, "payments", view{Title: "Payments", Nav: "payments", User: u, Data: d})
}

// recordPayment is "Record payment" (seed 000's "record a test payment"):
// the same Service call as POST /v1/payments, so it applies the payment to
// the tenant's charges and fires payment.succeeded to subscribed webhooks.
func (c *Console) recordPayment(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(msg string) {
		c.renderPayments(w, r, u, http.StatusBadRequest, paymentsData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.PaymentInput{TenantID: formID(v, "tenant_id", "Tenant", &errs), Amount: formMoney(v, "amount", "Amount", &errs),
		Method: formText(v, "method"), Reference: formText(v, "reference"), Notes: formText(v, "notes")}
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
	p, err := c.svc.RecordPayment(r.Context(), u.OrgID, in)
	if msg, ok := fieldProblem(err, paymentLabels); ok {
		bad(msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/payments/", p.ID))
}

type paymentData struct {
	Payment *porter.Payment
	Tenant  *porter.Tenant
	Charges map[int64]*porter.Charge // the charges it was applied to
	Events  []*porter.Event
}

func (c *Console) payment(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	ctx := r.Context()
	p, err := c.svc.Payment(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := paymentData{Payment: p, Charges: map[int64]*porter.Charge{}}
	if d.Tenant, err = c.svc.Tenant(ctx, u.OrgID, p.TenantID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	// One list of the tenant's charges names the allocations' charges,
	// rather than a query per allocation.
	if len(p.Allocations) > 0 {
		charges, err := c.svc.Charges(ctx, u.OrgID, porter.ChargeFilter{ListParams: pickAll, TenantID: p.TenantID})
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		for _, ch := range charges.Items {
			d.Charges[ch.ID] = ch
		}
	}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "payment", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, http.StatusOK, "payment", view{Title: "Payment " + strconv.FormatInt(p.ID, 10), Nav: "payments", User: u, Data: d})
}
