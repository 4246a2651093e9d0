package http

import (
	"context"
	"net/http"
	"time"

	"porter"
)

// Resident events (seed 002): visitor passes, amenities and their
// bookings, acknowledgements of broadcasts.

type (
	visitorPassView      = porter.VisitorPass
	visitorPassInput     = porter.VisitorPassInput
	amenityView          = porter.Amenity
	amenityInput         = porter.AmenityInput
	amenityBookingView   = porter.AmenityBooking
	amenityBookingInput  = porter.AmenityBookingInput
	acknowledgementView  = porter.Acknowledgement
	acknowledgementInput = porter.AcknowledgementInput
)

func (s *Server) handleListVisitorPasses() handlerFunc {
	return listOf(s, func(q *query) porter.VisitorPassFilter {
		f := porter.VisitorPassFilter{ListParams: q.list(), PropertyID: q.id("property_id"), UnitID: q.id("unit_id"),
			TenantID: q.id("tenant_id"), Status: q.str("status", porter.VisitorPassStatuses...)}
		// The passes of a day (the gatehouse's list), as the console shows
		// them, or of any window: both keep the passes whose expected
		// window overlaps it.
		if day := q.date("date"); day != "" {
			if q.v.Get("from") != "" || q.v.Get("to") != "" {
				q.err.Add("date", "give either date or from/to, not both")
			}
			f.VisitFrom, _ = time.Parse(porter.DateLayout, day)
			f.VisitTo = f.VisitFrom.AddDate(0, 0, 1)
			return f
		}
		if from := q.time("from"); from != nil {
			f.VisitFrom = *from
		}
		if to := q.time("to"); to != nil {
			if !f.VisitFrom.IsZero() && !to.After(f.VisitFrom) {
				q.err.Add("to", "must be after from")
			}
			f.VisitTo = *to
		}
		return f
	}, s.svc.VisitorPasses)
}

func (s *Server) handleListAmenities() handlerFunc {
	return listOf(s, func(q *query) porter.AmenityFilter {
		return porter.AmenityFilter{ListParams: q.list(), PropertyID: q.id("property_id"), Status: q.str("status", porter.AmenityStatuses...)}
	}, s.svc.Amenities)
}

func (s *Server) handleListAmenityBookings() handlerFunc {
	return listOf(s, func(q *query) porter.AmenityBookingFilter {
		return porter.AmenityBookingFilter{ListParams: q.list(), AmenityID: q.id("amenity_id"), TenantID: q.id("tenant_id"),
			Status: q.str("status", porter.AmenityBookingStatuses...)}
	}, s.svc.AmenityBookings)
}

func (s *Server) handleAcknowledge() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "broadcast")
		if err != nil {
			return err
		}
		in, err := decode[acknowledgementInput](s, w, r)
		if err != nil {
			return err
		}
		a, created, err := s.svc.AcknowledgeBroadcast(upserted(r, data1[*porter.Acknowledgement]), orgID(r), id, in)
		if err != nil {
			return err
		}
		if !created {
			writeJSON(w, http.StatusOK, data{a})
			return nil
		}
		return encode(w, r, data{a})
	}
}

func (s *Server) handleListAcknowledgements() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "broadcast")
		if err != nil {
			return err
		}
		return listOf(s, func(q *query) porter.ListParams { return q.list() },
			func(ctx context.Context, org int64, p porter.ListParams) (porter.List[*porter.Acknowledgement], error) {
				return s.svc.Acknowledgements(ctx, org, id, p)
			})(w, r)
	}
}

// addResidentRoutes declares seed 002's resident endpoints.
func (s *Server) addResidentRoutes() {
	const get, post, patch, del = http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete
	s.handle(&route{Method: get, Path: "/v1/visitor_passes", API: v1API, Scope: "visitor_passes:read", Tag: "Visitor passes",
		Summary: "List visitor passes, newest first", Response: []visitorPassView{}, List: true, Query: append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "unit_id", Type: "integer"}, queryParam{Name: "tenant_id", Type: "integer"},
			queryParam{Name: "status", Type: "string", Enum: porter.VisitorPassStatuses},
			queryParam{Name: "date", Type: "date", Description: "Only passes whose expected window overlaps this day (UTC)"},
			queryParam{Name: "from", Type: "date-time", Description: "Only passes whose expected window ends after this time"},
			queryParam{Name: "to", Type: "date-time", Description: "Only passes whose expected window starts before this time"})}, s.handleListVisitorPasses())
	s.handle(&route{Method: post, Path: "/v1/visitor_passes", API: v1API, Scope: "visitor_passes:write", Tag: "Visitor passes",
		Summary: "Issue a visitor pass for a unit and a time window, with a code to show at the door", Request: visitorPassInput{},
		Response: visitorPassView{}, Status: http.StatusCreated}, createOne(s, s.svc.IssueVisitorPass))
	s.handle(&route{Method: get, Path: "/v1/visitor_passes/{id}", API: v1API, Scope: "visitor_passes:read", Tag: "Visitor passes",
		Summary: "Get a visitor pass", Response: visitorPassView{}}, getOne("visitor pass", s.svc.VisitorPass))
	s.handle(&route{Method: patch, Path: "/v1/visitor_passes/{id}", API: v1API, Scope: "visitor_passes:write", Tag: "Visitor passes",
		Summary: "Edit an issued pass (visitor, window, host, notes)", Request: visitorPassInput{}, Response: visitorPassView{}},
		updateOne(s, "visitor pass", s.svc.UpdateVisitorPass))
	s.handle(&route{Method: post, Path: "/v1/visitor_passes/{id}/check_in", API: v1API, Scope: "visitor_passes:write", Tag: "Visitor passes",
		Summary: "Check the visitor in (an issued pass, before expected_until)", Response: visitorPassView{}}, act("visitor pass", s.svc.CheckInVisitor))
	s.handle(&route{Method: post, Path: "/v1/visitor_passes/{id}/check_out", API: v1API, Scope: "visitor_passes:write", Tag: "Visitor passes",
		Summary: "Check a checked-in visitor out", Response: visitorPassView{}}, act("visitor pass", s.svc.CheckOutVisitor))
	s.handle(&route{Method: post, Path: "/v1/visitor_passes/{id}/cancel", API: v1API, Scope: "visitor_passes:write", Tag: "Visitor passes",
		Summary: "Cancel an issued pass", Response: visitorPassView{}}, act("visitor pass", s.svc.CancelVisitorPass))

	s.handle(&route{Method: get, Path: "/v1/amenities", API: v1API, Scope: "amenities:read", Tag: "Amenities",
		Summary: "List amenities, newest first", Response: []amenityView{}, List: true, Query: append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "status", Type: "string", Enum: porter.AmenityStatuses})}, s.handleListAmenities())
	s.handle(&route{Method: post, Path: "/v1/amenities", API: v1API, Scope: "amenities:write", Tag: "Amenities",
		Summary: "Add an amenity to a property, with the number of bookings it takes at once", Request: amenityInput{},
		Response: amenityView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateAmenity))
	s.handle(&route{Method: get, Path: "/v1/amenities/{id}", API: v1API, Scope: "amenities:read", Tag: "Amenities",
		Summary: "Get an amenity", Response: amenityView{}}, getOne("amenity", s.svc.Amenity))
	s.handle(&route{Method: patch, Path: "/v1/amenities/{id}", API: v1API, Scope: "amenities:write", Tag: "Amenities",
		Summary: "Edit an amenity (a lower capacity applies to new bookings)", Request: amenityInput{}, Response: amenityView{}},
		updateOne(s, "amenity", s.svc.UpdateAmenity))
	s.handle(&route{Method: del, Path: "/v1/amenities/{id}", API: v1API, Scope: "amenities:write", Tag: "Amenities",
		Summary: "Delete an amenity never booked (409 otherwise: set it inactive); answers it as it was", Response: amenityView{}},
		act("amenity", s.svc.DeleteAmenity))
	s.handle(&route{Method: get, Path: "/v1/amenity_bookings", API: v1API, Scope: "amenities:read", Tag: "Amenities",
		Summary: "List amenity bookings, newest first", Response: []amenityBookingView{}, List: true, Query: append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "amenity_id", Type: "integer"}, queryParam{Name: "tenant_id", Type: "integer"},
			queryParam{Name: "status", Type: "string", Enum: porter.AmenityBookingStatuses})}, s.handleListAmenityBookings())
	s.handle(&route{Method: post, Path: "/v1/amenity_bookings", API: v1API, Scope: "amenities:write", Tag: "Amenities",
		Summary: "Book an amenity for a tenant → booking.created (kind amenity); 409 naming the overlapping bookings when it is full",
		Request: amenityBookingInput{}, Response: amenityBookingView{}, Status: http.StatusCreated}, createOne(s, s.svc.BookAmenity))
	s.handle(&route{Method: get, Path: "/v1/amenity_bookings/{id}", API: v1API, Scope: "amenities:read", Tag: "Amenities",
		Summary: "Get an amenity booking", Response: amenityBookingView{}}, getOne("amenity booking", s.svc.AmenityBooking))
	s.handle(&route{Method: post, Path: "/v1/amenity_bookings/{id}/cancel", API: v1API, Scope: "amenities:write", Tag: "Amenities",
		Summary: "Cancel a confirmed amenity booking → booking.cancelled (kind amenity)", Response: amenityBookingView{}},
		act("amenity booking", s.svc.CancelAmenityBooking))

	s.handle(&route{Method: post, Path: "/v1/broadcasts/{id}/acknowledgements", API: v1API, Scope: "broadcasts:write", Tag: "Broadcasts", Also: []int{http.StatusOK},
		Summary: "Record that a tenant acknowledged a broadcast sent to tenants → announcement.acknowledged (201); again for the same tenant answers 200 with the first",
		Request: acknowledgementInput{}, Response: acknowledgementView{}, Status: http.StatusCreated}, s.handleAcknowledge())
	s.handle(&route{Method: get, Path: "/v1/broadcasts/{id}/acknowledgements", API: v1API, Scope: "broadcasts:read", Tag: "Broadcasts",
		Summary: "List the tenants who acknowledged a broadcast, latest first", Response: []acknowledgementView{}, List: true,
		Query: listParams}, s.handleListAcknowledgements())
}
