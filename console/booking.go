package console

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"porter"
)

// Short-term rentals: bookings. The pages call the same Service methods as
// /v1/bookings, so pricing from seasonal rates, the overlap rule and the
// booking.* events are the API's.

var bookingLabels = map[string]string{"property_id": "Property", "unit_id": "Unit", "status": "Status", "source": "Source",
	"guest_name": "Guest name", "guest_email": "Guest email", "guest_phone": "Guest phone", "guests_count": "Guests",
	"check_in": "Check-in", "check_out": "Check-out", "nightly_rate": "Nightly rate", "nightly_prices": "Nightly prices",
	"fees": "Fees", "taxes": "Taxes", "currency": "Currency", "notes": "Notes", "amount": "Amount", "method": "Method",
	"reference": "Reference", "reason": "Reason", "from": "From", "to": "To"}

type bookingsData struct {
	Items    []*porter.Booking
	Units    []pick
	UnitName map[int64]string
	Filter   porter.BookingFilter
	Statuses []string
	Sources  []string
	Pager    pager
	Form     url.Values // the new-booking form as posted, kept on a refusal
	Error    string
}

func (c *Console) bookings(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderBookings(w, r, u, http.StatusOK, bookingsData{Form: url.Values{"unit_id": {r.URL.Query().Get("unit_id")}}})
}

func (c *Console) renderBookings(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d bookingsData) {
	q := r.URL.Query()
	unitID, ok := queryRef(r, "unit_id")
	if !ok {
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "unit_id %q: want a unit's id", q.Get("unit_id")))
		return
	}
	f := porter.BookingFilter{ListParams: listParams(r), UnitID: unitID, Status: q.Get("status"), Source: q.Get("source"),
		Reference: q.Get("reference"), From: q.Get("from"), To: q.Get("to")}
	// A filter value the list cannot match is a mistake worth saying.
	for field, allowed := range map[string][]string{"status": porter.BookingStatuses, "source": porter.BookingSources} {
		if v := q.Get(field); v != "" && !slices.Contains(allowed, v) {
			c.fail(w, r, u, porter.Errorf(porter.EINVALID, "%s %q: want one of %s", field, v, strings.Join(allowed, ", ")))
			return
		}
	}
	for _, field := range []string{"from", "to"} {
		if v := q.Get(field); v != "" {
			if _, err := time.Parse(porter.DateLayout, v); err != nil {
				c.fail(w, r, u, porter.Errorf(porter.EINVALID, "%s %q: want a date such as 2026-07-01", field, v))
				return
			}
		}
	}
	ctx := r.Context()
	list, err := c.svc.Bookings(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Units, d.UnitName, err = c.unitChoices(ctx, u.OrgID); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Items, d.Filter, d.Statuses, d.Sources, d.Pager = list.Items, f, porter.BookingStatuses, porter.BookingSources, newPager(r, f.ListParams, list.Total)
	c.render(w, status, "bookings", view{Title: "Bookings", Nav: "bookings", User: u, Data: d})
}

// strRefusal is the status and message for a Service refusal shown on a
// form: bad input 400 (422 when the input is well formed but cannot be
// priced or applied), a conflict (an overlapping stay, a transition the
// status does not allow) 409. ok is false for anything else.
func strRefusal(err error, labels map[string]string) (int, string, bool) {
	if msg, ok := fieldProblem(err, labels); ok {
		var e *porter.Error
		if errors.As(err, &e) && e.Code == porter.EUNPROCESS {
			return http.StatusUnprocessableEntity, msg, true
		}
		return http.StatusBadRequest, msg, true
	}
	if msg, ok := stateConflict(err); ok {
		return http.StatusConflict, msg, true
	}
	return 0, "", false
}

func (c *Console) createBooking(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderBookings(w, r, u, status, bookingsData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.BookingInput{UnitID: formID(v, "unit_id", "Unit", &errs), Source: formText(v, "source"),
		Status: formText(v, "status"), GuestName: formText(v, "guest_name"), GuestEmail: formText(v, "guest_email"),
		GuestPhone: formText(v, "guest_phone"), GuestsCount: formCount(v, "guests_count", "Guests", &errs),
		CheckIn: formText(v, "check_in"), CheckOut: formText(v, "check_out"),
		NightlyRate: formMoney(v, "nightly_rate", "Nightly rate", &errs), Fees: formMoney(v, "fees", "Fees", &errs),
		Taxes: formMoney(v, "taxes", "Taxes", &errs), Currency: formText(v, "currency"), Notes: formText(v, "notes")}
	if in.UnitID == nil && v.Get("unit_id") == "" {
		errs.add("Unit", "is required: pick one")
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	b, err := c.svc.CreateBooking(r.Context(), u.OrgID, in)
	if status, msg, ok := strRefusal(err, bookingLabels); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/bookings/", b.ID))
}

type bookingData struct {
	Booking  *porter.Booking
	Unit     string
	Payments []*porter.BookingPayment
	Events   []*porter.Event
	Methods  []string
	Form     url.Values
	Error    string
	// The transitions the status allows: the page offers only these, and
	// the Service refuses the others.
	CanConfirm, CanCheckIn, CanCheckOut, CanCancel, CanNoShow, CanPay bool
}

func (c *Console) booking(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderBooking(w, r, u, id, http.StatusOK, bookingData{})
}

func (c *Console) renderBooking(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d bookingData) {
	ctx := r.Context()
	b, err := c.svc.Booking(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	unit, err := c.svc.Unit(ctx, u.OrgID, b.UnitID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Unit = unit.Name
	if p, err := c.svc.Property(ctx, u.OrgID, unit.PropertyID); err == nil {
		d.Unit = p.Name + " · " + unit.Name
	}
	if d.Payments, err = c.svc.BookingPayments(ctx, u.OrgID, id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "booking", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Booking, d.Methods = b, paymentMethods
	d.CanConfirm = b.Status == porter.BookingPending
	d.CanCheckIn = b.Status == porter.BookingConfirmed
	d.CanCheckOut = b.Status == porter.BookingCheckedIn
	d.CanCancel = b.Status == porter.BookingPending || b.Status == porter.BookingConfirmed
	d.CanNoShow = b.Status == porter.BookingConfirmed && b.CheckIn <= c.svc.Now().UTC().Format(porter.DateLayout)
	d.CanPay = b.Status != porter.BookingCancelled
	if d.Form == nil {
		d.Form = url.Values{}
	}
	c.render(w, status, "booking", view{Title: "Booking " + b.Reference, Nav: "bookings", User: u, Data: d})
}

// bookingAction runs a transition or records a payment from the booking's
// page; a refusal is shown there with the Service's message.
func (c *Console) bookingAction(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if msg, ok := readPostedForm(w, r); !ok {
		c.renderBooking(w, r, u, id, http.StatusBadRequest, bookingData{Error: msg})
		return
	}
	ctx, v := r.Context(), r.PostForm
	var err error
	switch r.PathValue("action") {
	case "confirm":
		_, err = c.svc.ConfirmBooking(ctx, u.OrgID, id)
	case "check-in":
		_, err = c.svc.CheckInBooking(ctx, u.OrgID, id)
	case "check-out":
		_, err = c.svc.CheckOutBooking(ctx, u.OrgID, id)
	case "no-show":
		_, err = c.svc.NoShowBooking(ctx, u.OrgID, id)
	case "cancel":
		_, err = c.svc.CancelBooking(ctx, u.OrgID, id, porter.CancelInput{Reason: formText(v, "reason")})
	case "payments":
		var errs formErrors
		in := porter.BookingPaymentInput{Amount: formMoney(v, "amount", "Amount", &errs), Method: formText(v, "method"), Reference: formText(v, "reference")}
		if in.Amount == nil && len(errs) == 0 {
			errs.add("Amount", "is required, such as 25.00")
		}
		if len(errs) > 0 {
			c.renderBooking(w, r, u, id, http.StatusBadRequest, bookingData{Form: v, Error: errs.String()})
			return
		}
		_, err = c.svc.RecordBookingPayment(ctx, u.OrgID, id, in)
	default:
		c.notFound(w, r, u)
		return
	}
	if status, msg, ok := strRefusal(err, bookingLabels); ok {
		c.renderBooking(w, r, u, id, status, bookingData{Form: v, Error: msg})
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/bookings/", id))
}
