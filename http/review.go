package http

import (
	"net/http"
	"time"

	"porter"
)

type (
	reviewView  = porter.Review
	reviewInput = porter.ReviewInput
)

// handleReceiveReview answers 201 with a new review, or 200 with the one
// already received under the same source and external_id.
func (s *Server) handleReceiveReview() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[reviewInput](s, w, r)
		if err != nil {
			return err
		}
		rv, created, err := s.svc.ReceiveReview(upserted(r, data1[*porter.Review]), orgID(r), in)
		if err != nil {
			return err
		}
		if !created {
			writeJSON(w, http.StatusOK, data{rv})
			return nil
		}
		return encode(w, r, data{rv})
	}
}

func (s *Server) handleListReviews() handlerFunc {
	return listOf(s, func(q *query) porter.ReviewFilter {
		f := porter.ReviewFilter{ListParams: q.list(), PropertyID: q.id("property_id"), Source: q.str("source", porter.ReviewSources...),
			MinRating: q.int("rating_min", porter.MinRating, porter.MaxRating), MaxRating: q.int("rating_max", porter.MinRating, porter.MaxRating),
			From: q.time("from"), To: q.time("to")}
		if f.To != nil && len(q.v.Get("to")) == len(porter.DateLayout) {
			// A bare date is the whole day: to=2026-07-31 includes the 31st.
			end := f.To.Add(24 * time.Hour)
			f.To = &end
		} else if f.To != nil {
			end := f.To.Add(time.Second) // to is inclusive, and times are kept to the second
			f.To = &end
		}
		if f.MinRating != 0 && f.MaxRating != 0 && f.MinRating > f.MaxRating {
			q.err.Add("rating_min", "must not be above rating_max")
		}
		return f
	}, s.svc.Reviews)
}
