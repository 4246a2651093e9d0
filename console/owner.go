package console

import (
	"net/http"
	"net/url"

	"porter"
)

// Short-term rentals: owners and the properties they own.

var ownerLabels = map[string]string{"name": "Name", "email": "Email", "phone": "Phone", "company": "Company",
	"payout_details": "Payout details", "notes": "Notes", "property_id": "Property", "commission_rate": "Commission",
	"management_fee": "Management fee", "cleaning_fee": "Cleaning fee", "start_date": "From", "end_date": "Until"}

// ownerChoices lists the owners for a select.
func (c *Console) ownerChoices(r *http.Request, u *porter.User) ([]pick, error) {
	list, err := c.svc.Owners(r.Context(), u.OrgID, porter.OwnerFilter{ListParams: pickAll})
	if err != nil {
		return nil, err
	}
	out := make([]pick, 0, len(list.Items))
	for _, o := range list.Items {
		out = append(out, pick{o.ID, o.Name})
	}
	return out, nil
}

type ownersData struct {
	Items []*porter.Owner
	Pager pager
	Form  url.Values
	Error string
}

func (c *Console) owners(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderOwners(w, r, u, http.StatusOK, ownersData{Form: url.Values{}})
}

func (c *Console) renderOwners(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d ownersData) {
	f := porter.OwnerFilter{ListParams: listParams(r), Email: r.URL.Query().Get("email")}
	list, err := c.svc.Owners(r.Context(), u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Items, d.Pager = list.Items, newPager(r, f.ListParams, list.Total)
	c.render(w, status, "owners", view{Title: "Owners", Nav: "owners", User: u, Data: d})
}

func ownerInput(v url.Values) porter.OwnerInput {
	return porter.OwnerInput{Name: formText(v, "name"), Email: formText(v, "email"), Phone: formText(v, "phone"),
		Company: formText(v, "company"), PayoutDetails: formText(v, "payout_details"), Notes: formText(v, "notes")}
}

func (c *Console) createOwner(w http.ResponseWriter, r *http.Request, u *porter.User) {
	if msg, ok := readPostedForm(w, r); !ok {
		c.renderOwners(w, r, u, http.StatusBadRequest, ownersData{Form: url.Values{}, Error: msg})
		return
	}
	o, err := c.svc.CreateOwner(r.Context(), u.OrgID, ownerInput(r.PostForm))
	if status, msg, ok := strRefusal(err, ownerLabels); ok {
		c.renderOwners(w, r, u, status, ownersData{Form: r.PostForm, Error: msg})
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/owners/", o.ID))
}

type ownerData struct {
	Owner      *porter.Owner
	Ownerships []*porter.Ownership
	Properties []pick
	PropName   map[int64]string
	Events     []*porter.Event
	Form       url.Values // linking a property
	Edit       url.Values // editing the owner
	Error      string
}

func (c *Console) owner(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderOwner(w, r, u, id, http.StatusOK, ownerData{Form: url.Values{}})
}

func (c *Console) renderOwner(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d ownerData) {
	ctx := r.Context()
	o, err := c.svc.Owner(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Ownerships, err = c.svc.OwnerProperties(ctx, u.OrgID, id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Properties, d.PropName, err = c.propertyChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "owner", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Edit == nil {
		d.Edit = url.Values{"name": {o.Name}, "email": {o.Email}, "phone": {o.Phone}, "company": {o.Company},
			"payout_details": {o.PayoutDetails}, "notes": {o.Notes}}
	}
	d.Owner = o
	c.render(w, status, "owner", view{Title: o.Name, Nav: "owners", User: u, Data: d})
}

// linkProperty links a property to the owner with the agency's commission
// and fees (POST /v1/owners/{id}/properties).
func (c *Console) linkProperty(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	bad := func(status int, msg string) {
		c.renderOwner(w, r, u, id, status, ownerData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.OwnershipInput{PropertyID: formID(v, "property_id", "Property", &errs),
		ManagementFee: formMoney(v, "management_fee", "Management fee", &errs), CleaningFee: formMoney(v, "cleaning_fee", "Cleaning fee", &errs),
		StartDate: formText(v, "start_date"), EndDate: formText(v, "end_date")}
	if n := formDecimal(v, "commission_rate", "Commission", &errs); n != nil {
		p := porter.Percent(*n)
		in.CommissionRate = &p
	}
	if in.PropertyID == nil && v.Get("property_id") == "" {
		errs.add("Property", "is required: pick one")
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	_, err := c.svc.LinkProperty(r.Context(), u.OrgID, id, in)
	if status, msg, ok := strRefusal(err, ownerLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/owners/", id))
}

// updateOwner edits an owner's contact and payout details (PATCH
// /v1/owners/{id}); the form sends every field, so clearing one clears it.
func (c *Console) updateOwner(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	bad := func(status int, msg string) {
		c.renderOwner(w, r, u, id, status, ownerData{Form: url.Values{}, Edit: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	in := porter.OwnerInput{Name: formTextAll(v, "name"), Email: formTextAll(v, "email"), Phone: formTextAll(v, "phone"),
		Company: formTextAll(v, "company"), PayoutDetails: formTextAll(v, "payout_details"), Notes: formTextAll(v, "notes")}
	_, err := c.svc.UpdateOwner(r.Context(), u.OrgID, id, in)
	if status, msg, ok := strRefusal(err, ownerLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/owners/", id))
}

type ownershipData struct {
	Owner     *porter.Owner
	Ownership *porter.Ownership
	Property  string
	Today     string
	Form      url.Values
	Error     string
}

// ownershipOf finds one of an owner's ownerships: another owner's, or
// another organization's, is not found.
func (c *Console) ownershipOf(r *http.Request, u *porter.User) (*porter.Owner, *porter.Ownership, error) {
	id, ok1 := pathID(r, "id")
	oid, ok2 := pathID(r, "oid")
	if !ok1 || !ok2 {
		return nil, nil, porter.NotFound("ownership", 0)
	}
	ctx := r.Context()
	o, err := c.svc.Owner(ctx, u.OrgID, id)
	if err != nil {
		return nil, nil, err
	}
	links, err := c.svc.OwnerProperties(ctx, u.OrgID, id)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range links {
		if l.ID == oid {
			return o, l, nil
		}
	}
	return nil, nil, porter.NotFound("ownership", oid)
}

// ownership is one property link's page: its terms to edit and the
// button that ends it.
func (c *Console) ownership(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderOwnership(w, r, u, http.StatusOK, ownershipData{})
}

func (c *Console) renderOwnership(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d ownershipData) {
	o, l, err := c.ownershipOf(r, u)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	p, err := c.svc.Property(r.Context(), u.OrgID, l.PropertyID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Form == nil {
		end := ""
		if l.EndDate != nil {
			end = *l.EndDate
		}
		d.Form = url.Values{"commission_rate": {l.CommissionRate.String()}, "management_fee": {l.ManagementFee.String()},
			"cleaning_fee": {l.CleaningFee.String()}, "start_date": {l.StartDate}, "end_date": {end}}
	}
	d.Owner, d.Ownership, d.Property, d.Today = o, l, p.Name, c.svc.Now().UTC().Format(porter.DateLayout)
	c.render(w, status, "ownership", view{Title: p.Name + " · " + o.Name, Nav: "owners", User: u, Data: d})
}

// updateOwnership edits an ownership's commission, fees and dates (PATCH
// /v1/owners/{id}/properties/{ownership_id}). An empty fee is none; an
// empty end date leaves it open-ended.
func (c *Console) updateOwnership(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderOwnership(w, r, u, status, ownershipData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	zero := porter.Money(0)
	in := porter.OwnershipInput{ManagementFee: formMoney(v, "management_fee", "Management fee", &errs),
		CleaningFee: formMoney(v, "cleaning_fee", "Cleaning fee", &errs), StartDate: formTextAll(v, "start_date"), EndDate: formTextAll(v, "end_date")}
	if in.ManagementFee == nil {
		in.ManagementFee = &zero
	}
	if in.CleaningFee == nil {
		in.CleaningFee = &zero
	}
	if n := formDecimal(v, "commission_rate", "Commission", &errs); n != nil {
		p := porter.Percent(*n)
		in.CommissionRate = &p
	} else if len(errs) == 0 {
		errs.add("Commission", "is required: the agency's percentage, such as 20")
	}
	c.changeOwnership(w, r, u, in, errs, bad)
}

// endOwnership unlinks a property from its owner: the ownership ends on
// the day given (the last day it counts), so the statements already drawn
// up keep their figures.
func (c *Console) endOwnership(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderOwnership(w, r, u, status, ownershipData{Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	var errs formErrors
	end := formText(r.PostForm, "end_date")
	if end == nil {
		errs.add("Until", "is required: the last day the owner owns the property")
	}
	c.changeOwnership(w, r, u, porter.OwnershipInput{EndDate: end}, errs, bad)
}

func (c *Console) changeOwnership(w http.ResponseWriter, r *http.Request, u *porter.User, in porter.OwnershipInput, errs formErrors, bad func(int, string)) {
	// The owner and ownership are looked up first, so that another
	// organization's are a 404 whatever the form holds.
	o, l, err := c.ownershipOf(r, u)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	_, err = c.svc.UpdateOwnership(r.Context(), u.OrgID, o.ID, l.ID, in)
	if status, msg, ok := strRefusal(err, ownerLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/owners/", o.ID))
}
