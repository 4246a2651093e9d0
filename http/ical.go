package http

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"porter"
)

// Short-term rentals: iCal export feeds and import sources.

type (
	icalSourceView  = porter.ICalSource
	icalSourceInput = porter.ICalSourceInput
	icalExportView  = porter.ICalExportURL
	icalSyncView    = porter.ICalSyncResult
)

func (s *Server) handleListICalSources() handlerFunc {
	return listOf(s, func(q *query) porter.ICalSourceFilter {
		return porter.ICalSourceFilter{ListParams: q.list(), PropertyID: q.id("property_id"), UnitID: q.id("unit_id"),
			Status: q.str("status", porter.ICalStatuses...)}
	}, s.svc.ICalSources)
}

// handleICalFeed serves a unit's feed to calendar clients and OTAs: the
// secret token in the path is the only credential.
func (s *Server) handleICalFeed() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
		var body []byte
		var err error
		if ok && token != "" && len(token) <= 100 {
			body, err = s.svc.ICalFeed(r.Context(), token)
		}
		if !ok || token == "" || len(token) > 100 || porter.ErrorCode(err) == porter.ENOTFOUND {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusNotFound)
			_, err = w.Write([]byte("<!doctype html><title>Not found</title><p>No iCal feed at this address: the link may have been replaced.</p>\n"))
			return err
		}
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, err = w.Write(body)
		return err
	}
}

// addICalRoutes declares the iCal endpoints (seed 003: properties:write
// modifies iCal sources and triggers a sync).
func (s *Server) addICalRoutes() {
	const get, post, patch, del = http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete
	s.handle(&route{Method: get, Path: "/v1/units/{id}/ical_export", API: v1API, Scope: "properties:read", Tag: "iCal",
		Summary: "Get the unit's iCal export URL (made on first use): its confirmed stays and blocks, for OTAs to import", Response: icalExportView{}},
		getOne("unit", s.svc.ICalExportURL))
	s.handle(&route{Method: post, Path: "/v1/units/{id}/ical_export/rotate", API: v1API, Scope: "properties:write", Tag: "iCal",
		Summary: "Give the unit's iCal export a new secret URL; the old one answers 404 from now on", Response: icalExportView{}},
		act("unit", s.svc.RotateICalExport))
	s.handle(&route{Method: get, Path: "/v1/ical_sources", API: v1API, Scope: "properties:read", Tag: "iCal",
		Summary: "List iCal import sources, newest first", Response: []icalSourceView{}, List: true, Query: append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "unit_id", Type: "integer"},
			queryParam{Name: "status", Type: "string", Enum: porter.ICalStatuses})}, s.handleListICalSources())
	s.handle(&route{Method: post, Path: "/v1/ical_sources", API: v1API, Scope: "properties:write", Tag: "iCal",
		Summary: "Import an external calendar (Airbnb, Booking.com…) into a unit; the URL passes the same guard as webhooks",
		Request: icalSourceInput{}, Response: icalSourceView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateICalSource))
	s.handle(&route{Method: get, Path: "/v1/ical_sources/{id}", API: v1API, Scope: "properties:read", Tag: "iCal",
		Summary: "Get an iCal source with its sync status", Response: icalSourceView{}}, getOne("ical_source", s.svc.ICalSource))
	s.handle(&route{Method: patch, Path: "/v1/ical_sources/{id}", API: v1API, Scope: "properties:write", Tag: "iCal",
		Summary: "Rename an iCal source or change its URL or currency", Request: icalSourceInput{}, Response: icalSourceView{}},
		updateOne(s, "ical_source", s.svc.UpdateICalSource))
	s.handle(&route{Method: del, Path: "/v1/ical_sources/{id}", API: v1API, Scope: "properties:write", Tag: "iCal",
		Summary: "Stop importing a calendar (its bookings stay)", Status: http.StatusNoContent}, deleteOne("ical_source", s.svc.DeleteICalSource))
	s.handle(&route{Method: post, Path: "/v1/ical_sources/{id}/sync", API: v1API, Scope: "properties:write", Tag: "iCal",
		Summary:  "Fetch the source now and apply it: what was created, moved, cancelled or conflicts; 422 naming the problem when it cannot be fetched or read",
		Response: icalSyncView{}}, act("ical_source", s.svc.SyncICalSource))
	s.handle(&route{Method: get, Path: "/ical/{file}", API: pageAPI, Tag: "iCal",
		Summary: "A unit's iCal feed (RFC 5545) at its secret URL, /ical/{token}.ics: no API key", Response: mediaBody("text/calendar")}, s.handleICalFeed())
}

func init() {
	requestRules[reflect.TypeFor[porter.ICalSourceInput]()] = fieldRules{Required: []string{"unit_id", "name", "url"}}
	d := problemDocs[porter.EUNPROCESS]
	d.Text += " An iCal sync answers 422 when its source cannot be fetched or read (unreachable, not 200, too large, malformed iCal): `detail` says why, the source's status is then `error` and no booking was written."
	problemDocs[porter.EUNPROCESS] = d
	tagDescriptions["iCal"] = "Each unit's stays and blocks as an iCal feed at a secret URL, and external calendars (OTAs) imported into a unit as source: ical bookings, on a schedule or on demand."
}
