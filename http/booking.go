package http

import (
	"context"
	"net/http"

	"porter"
)

// Short-term rentals: bookings, blocks, seasonal rates and the calendar.

type (
	bookingView         = porter.Booking
	bookingInput        = porter.BookingInput
	bookingPatch        = porter.BookingPatch
	cancelInput         = porter.CancelInput
	bookingPaymentView  = porter.BookingPayment
	bookingPaymentInput = porter.BookingPaymentInput
	blockView           = porter.Block
	blockInput          = porter.BlockInput
	rateView            = porter.Rate
	rateInput           = porter.RateInput
	ratePatch           = porter.RatePatch
	calendarView        = porter.Calendar
)

// dateRangeParams are the from/to filters of the short-term rental lists.
var dateRangeParams = []queryParam{
	{Name: "from", Type: "date", Description: "Only records with a night on or after this date"},
	{Name: "to", Type: "date", Description: "Only records with a night on or before this date (included)"},
}

// date reads an optional ISO date parameter.
func (q *query) date(name string) string {
	s := q.str(name)
	if s == "" {
		return ""
	}
	if _, err := porter.ParseDate(s); err != nil {
		q.err.Add(name, "%s", err.Error())
		return ""
	}
	return s
}

// dateRange reads from and to, and checks their order.
func (q *query) dateRange() (string, string) {
	from, to := q.date("from"), q.date("to")
	if from != "" && to != "" && to < from {
		q.err.Add("to", "must not be before from")
	}
	return from, to
}

func (s *Server) handleListBookings() handlerFunc {
	return listOf(s, func(q *query) porter.BookingFilter {
		from, to := q.dateRange()
		return porter.BookingFilter{ListParams: q.list(), PropertyID: q.id("property_id"), UnitID: q.id("unit_id"),
			Status: q.str("status", porter.BookingStatuses...), Source: q.str("source", porter.BookingSources...),
			Reference: q.str("reference"), From: from, To: to}
	}, s.svc.Bookings)
}

func (s *Server) handleListBlocks() handlerFunc {
	return listOf(s, func(q *query) porter.BlockFilter {
		from, to := q.dateRange()
		return porter.BlockFilter{ListParams: q.list(), PropertyID: q.id("property_id"), UnitID: q.id("unit_id"),
			Kind: q.str("kind", porter.BlockKinds...), From: from, To: to}
	}, s.svc.Blocks)
}

func (s *Server) handleListRates() handlerFunc {
	return listOf(s, func(q *query) porter.RateFilter {
		from, to := q.dateRange()
		return porter.RateFilter{ListParams: q.list(), PropertyID: q.id("property_id"), UnitID: q.id("unit_id"), From: from, To: to}
	}, s.svc.Rates)
}

func (s *Server) handleBookingPayments() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "booking")
		if err != nil {
			return err
		}
		l, err := s.svc.BookingPayments(r.Context(), orgID(r), id)
		if err != nil {
			return err
		}
		return encode(w, r, data{l})
	}
}

func (s *Server) handleCalendar() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := newQuery(r)
		in := porter.CalendarQuery{From: q.str("from"), To: q.str("to"), PropertyID: q.id("property_id")}
		if err := q.Err(); err != nil {
			return err
		}
		c, err := s.svc.Calendar(r.Context(), orgID(r), in)
		if err != nil {
			return err
		}
		return encode(w, r, data{c})
	}
}

// deleteOne answers 204 once del has removed the record.
func deleteOne(resource string, del func(ctx context.Context, org, id int64) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, resource)
		if err != nil {
			return err
		}
		if err := del(r.Context(), orgID(r), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// addRentalRoutes declares the short-term rental endpoints (seed 003's
// scopes).
func (s *Server) addRentalRoutes() {
	const get, post, patch, del = http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete

	s.handle(&route{Method: get, Path: "/v1/bookings", API: v1API, Scope: "bookings:read", Tag: "Bookings",
		Summary: "List bookings, newest first", Response: []bookingView{}, List: true, Query: append(append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "unit_id", Type: "integer"},
			queryParam{Name: "status", Type: "string", Enum: porter.BookingStatuses},
			queryParam{Name: "source", Type: "string", Enum: porter.BookingSources},
			queryParam{Name: "reference", Type: "string", Description: "A booking reference such as BKG-7QK2MX"}), dateRangeParams...)}, s.handleListBookings())
	s.handle(&route{Method: post, Path: "/v1/bookings", API: v1API, Scope: "bookings:write", Tag: "Bookings",
		Summary: "Book a stay on a unit (pending, or confirmed); priced from nightly_rate, nightly_prices or the seasonal rates",
		Request: bookingInput{}, Response: bookingView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateBooking))
	s.handle(&route{Method: get, Path: "/v1/bookings/{id}", API: v1API, Scope: "bookings:read", Tag: "Bookings",
		Summary: "Get a booking", Response: bookingView{}}, getOne("booking", s.svc.Booking))
	s.handle(&route{Method: patch, Path: "/v1/bookings/{id}", API: v1API, Scope: "bookings:write", Tag: "Bookings",
		Summary: "Update a pending, confirmed or checked-in booking; new dates without a new price are priced again from the rates",
		Request: bookingPatch{}, Response: bookingView{}}, updateOne(s, "booking", s.svc.UpdateBooking))
	s.handle(&route{Method: post, Path: "/v1/bookings/{id}/confirm", API: v1API, Scope: "bookings:write", Tag: "Bookings",
		Summary: "Confirm a pending booking (its nights must be free)", Response: bookingView{}}, act("booking", s.svc.ConfirmBooking))
	s.handle(&route{Method: post, Path: "/v1/bookings/{id}/check_in", API: v1API, Scope: "bookings:write", Tag: "Bookings",
		Summary: "Check in a confirmed booking", Response: bookingView{}}, act("booking", s.svc.CheckInBooking))
	s.handle(&route{Method: post, Path: "/v1/bookings/{id}/check_out", API: v1API, Scope: "bookings:write", Tag: "Bookings",
		Summary: "Check out a checked-in booking", Response: bookingView{}}, act("booking", s.svc.CheckOutBooking))
	s.handle(&route{Method: post, Path: "/v1/bookings/{id}/cancel", API: v1API, Scope: "bookings:write", Tag: "Bookings",
		Summary: "Cancel a pending or confirmed booking, with a reason", Request: cancelInput{}, Response: bookingView{}}, actWith(s, "booking", s.svc.CancelBooking))
	s.handle(&route{Method: post, Path: "/v1/bookings/{id}/no_show", API: v1API, Scope: "bookings:write", Tag: "Bookings",
		Summary: "Record that the guest of a confirmed booking did not come (from the check-in day on)", Response: bookingView{}}, act("booking", s.svc.NoShowBooking))
	s.handle(&route{Method: post, Path: "/v1/bookings/{id}/payments", API: v1API, Scope: "bookings:write", Tag: "Bookings",
		Summary: "Record a payment collected from the guest (at most the balance due)", Request: bookingPaymentInput{},
		Response: bookingPaymentView{}, Status: http.StatusCreated}, actWith(s, "booking", s.svc.RecordBookingPayment))
	s.handle(&route{Method: get, Path: "/v1/bookings/{id}/payments", API: v1API, Scope: "bookings:read", Tag: "Bookings",
		Summary: "List the payments collected on a booking, oldest first", Response: []bookingPaymentView{}}, s.handleBookingPayments())

	s.handle(&route{Method: get, Path: "/v1/blocks", API: v1API, Scope: "calendar:read", Tag: "Calendar",
		Summary: "List blocks (owner stays, maintenance), newest first", Response: []blockView{}, List: true, Query: append(append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "unit_id", Type: "integer"},
			queryParam{Name: "kind", Type: "string", Enum: porter.BlockKinds}), dateRangeParams...)}, s.handleListBlocks())
	s.handle(&route{Method: post, Path: "/v1/blocks", API: v1API, Scope: "rates:write", Tag: "Calendar",
		Summary: "Block a unit's nights (start_date to end_date, both included); refused over a confirmed stay",
		Request: blockInput{}, Response: blockView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateBlock))
	s.handle(&route{Method: get, Path: "/v1/blocks/{id}", API: v1API, Scope: "calendar:read", Tag: "Calendar",
		Summary: "Get a block", Response: blockView{}}, getOne("block", s.svc.Block))
	s.handle(&route{Method: patch, Path: "/v1/blocks/{id}", API: v1API, Scope: "rates:write", Tag: "Calendar",
		Summary: "Update a block's kind, nights or reason", Request: blockInput{}, Response: blockView{}}, updateOne(s, "block", s.svc.UpdateBlock))
	s.handle(&route{Method: del, Path: "/v1/blocks/{id}", API: v1API, Scope: "rates:write", Tag: "Calendar",
		Summary: "Delete a block: its nights reopen", Status: http.StatusNoContent}, deleteOne("block", s.svc.DeleteBlock))
	s.handle(&route{Method: get, Path: "/v1/calendar", API: v1API, Scope: "calendar:read", Tag: "Calendar",
		Summary:  "Per unit per day from `from` to `to` (included, at most 366 days): available, booked or blocked, and the nightly rate that applies; every property's units unless property_id",
		Response: calendarView{}, Query: []queryParam{
			{Name: "from", Type: "date", Description: "First day (required)"},
			{Name: "to", Type: "date", Description: "Last day, included (required)"},
			{Name: "property_id", Type: "integer", Description: "One property's units; all when left out"}}}, s.handleCalendar())

	s.handle(&route{Method: get, Path: "/v1/rates", API: v1API, Scope: "rates:read", Tag: "Seasonal rates",
		Summary: "List seasonal rates, newest first", Response: []rateView{}, List: true, Query: append(append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "unit_id", Type: "integer"}), dateRangeParams...)}, s.handleListRates())
	s.handle(&route{Method: post, Path: "/v1/rates", API: v1API, Scope: "rates:write", Tag: "Seasonal rates",
		Summary: "Add a seasonal rate to a property (all its units) or a unit → property.rate_changed",
		Request: rateInput{}, Response: rateView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateRate))
	s.handle(&route{Method: get, Path: "/v1/rates/{id}", API: v1API, Scope: "rates:read", Tag: "Seasonal rates",
		Summary: "Get a seasonal rate", Response: rateView{}}, getOne("rate", s.svc.Rate))
	s.handle(&route{Method: patch, Path: "/v1/rates/{id}", API: v1API, Scope: "rates:write", Tag: "Seasonal rates",
		Summary: "Update a seasonal rate → property.rate_changed", Request: ratePatch{}, Response: rateView{}}, updateOne(s, "rate", s.svc.UpdateRate))
	s.handle(&route{Method: del, Path: "/v1/rates/{id}", API: v1API, Scope: "rates:write", Tag: "Seasonal rates",
		Summary: "Delete a seasonal rate → property.rate_changed", Status: http.StatusNoContent}, deleteOne("rate", s.svc.DeleteRate))
}

// The short-term rental tags, kept here so that the shared table stays
// untouched.
func init() {
	tagDescriptions["Bookings"] = "Short-term stays on a unit, from pending to checked out (or cancelled, or a no-show), priced night by night, with the payments collected from the guest."
	tagDescriptions["Calendar"] = "Each unit's nights, day by day: available, booked or blocked, with the rate that applies; and the blocks (owner stays, maintenance) that close nights."
	// Short-term rentals add 422s and 409s of their own.
	d := problemDocs[porter.EUNPROCESS]
	d.Text += " Bookings also answer 422 when a rule refuses a well-formed request: a stay shorter than its rate's minimum stay, nights no rate covers and no price given, a currency other than the rates', a payment over the balance due; `errors` names the field."
	problemDocs[porter.EUNPROCESS] = d
	c := problemDocs[porter.ECONFLICT]
	c.Text += " A booking or block over nights already held answers 409 naming the booking (`id` and `reference`) or the block in the way."
	problemDocs[porter.ECONFLICT] = c
	tagDescriptions["Seasonal rates"] = "Nightly prices over date ranges, for a property's units or one unit, with weekday adjustments and a minimum stay. Where rates overlap, " + porter.RatePriority + "."
}
