package http

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"porter"
)

// ERP / accounting posting (issue 11): an integration's postings, as JSON
// and as CSV for a nightly batch.

type postingView = porter.IntegrationPosting

func postingFilter(q *query, id int64) porter.PostingFilter {
	return porter.PostingFilter{ListParams: q.list(), IntegrationID: id, SourceType: q.str("source_type", porter.PostingSourceTypes...),
		From: q.time("from"), To: q.time("to")}
}

func (s *Server) handleIntegrationPostings() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "integration")
		if err != nil {
			return err
		}
		return listOf(s, func(q *query) porter.PostingFilter { return postingFilter(q, id) }, s.svc.IntegrationPostings)(w, r)
	}
}

func (s *Server) handleIntegrationPosting() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "integration")
		if err != nil {
			return err
		}
		raw := r.PathValue("posting_id")
		pid, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || pid <= 0 {
			return porter.Errorf(porter.ENOTFOUND, "posting %q not found", raw)
		}
		p, err := s.svc.IntegrationPosting(r.Context(), orgID(r), id, pid)
		if err != nil {
			return err
		}
		return encode(w, r, data{p})
	}
}

// handleIntegrationPostingsCSV streams the journal lines; every refusal
// (bad from/to, unknown integration) comes before the first byte.
func (s *Server) handleIntegrationPostingsCSV() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "integration")
		if err != nil {
			return err
		}
		q := newQuery(r)
		f := porter.PostingFilter{IntegrationID: id, From: q.time("from"), To: q.time("to")}
		if err := q.Err(); err != nil {
			return err
		}
		if _, err := s.svc.Integration(r.Context(), orgID(r), id); err != nil {
			return err
		}
		if f.From != nil && f.To != nil && !f.To.After(*f.From) {
			return &porter.Error{Code: porter.EINVALID, Message: "to must be after from", Fields: []porter.FieldError{{Field: "to", Message: "must be after from"}}}
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"integration-%d-postings.csv\"", id))
		w.WriteHeader(http.StatusOK)
		if err := s.svc.ExportIntegrationPostings(r.Context(), orgID(r), f, w); err != nil {
			// The status is sent: all that is left is to log and cut the body.
			s.logger.Error("export postings", "integration", id, "err", err)
		}
		return nil
	}
}

// addIntegrationPostingRoutes declares the posting endpoints.
func (s *Server) addIntegrationPostingRoutes() {
	const get = http.MethodGet
	window := []queryParam{{Name: "from", Type: "date-time", Description: "Posted at or after"}, {Name: "to", Type: "date-time", Description: "Posted before"}}
	s.handle(&route{Method: get, Path: "/v1/integrations/{id}/postings", API: v1API, Scope: "integrations:read", Tag: "Integrations",
		Summary:  "An erp or accounting integration's postings, newest first: one journal entry (and supplier invoice) per work order, payment or month and property",
		Response: []postingView{}, List: true, Query: append(append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "source_type", Type: "string", Enum: porter.PostingSourceTypes}), window...)},
		s.handleIntegrationPostings())
	s.handle(&route{Method: get, Path: "/v1/integrations/{id}/postings/{posting_id}", API: v1API, Scope: "integrations:read", Tag: "Integrations",
		Summary: "One posting: its journal entry, invoice, and the event and webhook that deliver it", Response: postingView{}},
		s.handleIntegrationPosting())
	s.handle(&route{Method: get, Path: "/v1/integrations/{id}/postings.csv", API: v1API, Scope: "integrations:read", Tag: "Integrations",
		Summary:  "The postings' journal lines as CSV for a nightly batch, oldest first, one row per line; columns: " + strings.Join(porter.PostingCSVColumns, ", "),
		Response: mediaBody("text/csv"), Query: window},
		s.handleIntegrationPostingsCSV())
}
