package console

import (
	"net/http"
	"net/url"

	"porter"
)

// Facilities: amenities and their bookings. Booking calls the same Service
// method as POST /v1/amenity_bookings, so the capacity rule (a 409 naming
// the overlapping bookings) and the booking.* events (kind "amenity") are
// the API's.

var amenityLabels = map[string]string{"property_id": "Property", "name": "Name", "description": "Description",
	"capacity": "Capacity", "status": "Status", "amenity_id": "Amenity", "tenant_id": "Tenant", "starts_at": "Starts",
	"ends_at": "Ends", "notes": "Notes"}

type amenitiesData struct {
	Items      []*porter.Amenity
	Pager      pager
	Properties []pick
	PropName   map[int64]string
	Statuses   []string
	Query      url.Values
	Form       url.Values
	Error      string
}

func (c *Console) amenities(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderAmenities(w, r, u, http.StatusOK, amenitiesData{Form: url.Values{"capacity": {"1"}}})
}

func (c *Console) renderAmenities(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d amenitiesData) {
	ctx, q := r.Context(), r.URL.Query()
	prop, err := facilityListQuery(r, porter.AmenityStatuses)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	f := porter.AmenityFilter{ListParams: listParams(r), PropertyID: prop, Status: q.Get("status")}
	list, err := c.svc.Amenities(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Properties, d.PropName, err = c.propertyChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Items, d.Pager, d.Query, d.Statuses = list.Items, newPager(r, f.ListParams, list.Total), q, porter.AmenityStatuses
	c.render(w, status, "amenities", view{Title: "Amenities", Nav: "amenities", User: u, Data: d})
}

// amenityInput reads the fields the new-amenity and edit forms share.
func amenityInput(v url.Values, errs *formErrors) porter.AmenityInput {
	return porter.AmenityInput{Name: formTextAll(v, "name"), Description: formTextAll(v, "description"),
		Capacity: formCount(v, "capacity", "Capacity", errs), Status: formText(v, "status")}
}

func (c *Console) createAmenity(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderAmenities(w, r, u, status, amenitiesData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	var errs formErrors
	in := amenityInput(r.PostForm, &errs)
	in.PropertyID = formID(r.PostForm, "property_id", "Property", &errs)
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	a, err := c.svc.CreateAmenity(r.Context(), u.OrgID, in)
	if status, msg, ok := strRefusal(err, amenityLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/amenities/", a.ID))
}

type amenityData struct {
	Amenity    *porter.Amenity
	Property   string
	Bookings   []*porter.AmenityBooking
	Pager      pager
	Tenants    []pick
	TenantName map[int64]string
	Statuses   []string
	Form       url.Values // the booking form as posted, kept on a refusal
	Error      string
	EditError  string
}

func (c *Console) amenity(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderAmenity(w, r, u, id, http.StatusOK, amenityData{Form: url.Values{}})
}

func (c *Console) renderAmenity(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d amenityData) {
	ctx := r.Context()
	a, err := c.svc.Amenity(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	p, err := c.svc.Property(ctx, u.OrgID, a.PropertyID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	lp := listParams(r)
	list, err := c.svc.AmenityBookings(ctx, u.OrgID, porter.AmenityBookingFilter{ListParams: lp, AmenityID: id})
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Tenants, d.TenantName, err = c.tenantChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Amenity, d.Property, d.Statuses = a, p.Name, porter.AmenityStatuses
	d.Bookings, d.Pager = list.Items, newPager(r, lp, list.Total)
	c.render(w, status, "amenity", view{Title: a.Name, Nav: "amenities", User: u, Data: d})
}

// amenityAction edits an amenity, books it, or cancels one of its
// bookings, from its page; a refusal (bad input 400, over capacity or a
// booking already cancelled 409) shows the page with the reason.
func (c *Console) amenityAction(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	action := r.PathValue("action")
	bad := func(status int, msg string) {
		d := amenityData{Form: r.PostForm, Error: msg}
		if action == "" {
			d.Form, d.Error, d.EditError = url.Values{}, "", msg
		}
		c.renderAmenity(w, r, u, id, status, d)
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	ctx, v := r.Context(), r.PostForm
	var errs formErrors
	var err error
	switch action {
	case "":
		in := amenityInput(v, &errs)
		if len(errs) == 0 {
			_, err = c.svc.UpdateAmenity(ctx, u.OrgID, id, in)
		}
	case "bookings":
		in := porter.AmenityBookingInput{AmenityID: &id, TenantID: formID(v, "tenant_id", "Tenant", &errs),
			StartsAt: formUTC(v, "starts_at"), EndsAt: formUTC(v, "ends_at"), Notes: formText(v, "notes")}
		if len(errs) == 0 {
			// The amenity of the URL must be this organization's: its
			// absence is a 404, not a form error naming amenity_id.
			if _, err = c.svc.Amenity(ctx, u.OrgID, id); err == nil {
				_, err = c.svc.BookAmenity(ctx, u.OrgID, in)
			}
		}
	default:
		c.notFound(w, r, u)
		return
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	if status, msg, ok := strRefusal(err, amenityLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/amenities/", id))
}

// cancelAmenityBooking cancels one of the amenity's bookings: a booking of
// another amenity (or organization) is not found here.
func (c *Console) cancelAmenityBooking(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok1 := pathID(r, "id")
	bid, ok2 := pathID(r, "booking")
	if !ok1 || !ok2 {
		c.notFound(w, r, u)
		return
	}
	if msg, ok := readPostedForm(w, r); !ok {
		c.renderAmenity(w, r, u, id, http.StatusBadRequest, amenityData{Form: url.Values{}, Error: msg})
		return
	}
	ctx := r.Context()
	b, err := c.svc.AmenityBooking(ctx, u.OrgID, bid)
	if err == nil && b.AmenityID != id {
		err = porter.Errorf(porter.ENOTFOUND, "amenity booking %d not found", bid)
	}
	if err == nil {
		_, err = c.svc.CancelAmenityBooking(ctx, u.OrgID, bid)
	}
	if status, msg, ok := strRefusal(err, amenityLabels); ok {
		c.renderAmenity(w, r, u, id, status, amenityData{Form: url.Values{}, Error: msg})
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/amenities/", id))
}
