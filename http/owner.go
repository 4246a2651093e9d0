package http

import (
	"net/http"
	"strconv"

	"porter"
)

type (
	ownerView      = porter.Owner
	ownerInput     = porter.OwnerInput
	ownershipView  = porter.Ownership
	ownershipInput = porter.OwnershipInput
	propertyOwner  = porter.PropertyOwner
)

func (s *Server) handleListOwners() handlerFunc {
	return listOf(s, func(q *query) porter.OwnerFilter {
		return porter.OwnerFilter{ListParams: q.list(), Email: q.str("email")}
	}, s.svc.Owners)
}

func (s *Server) handleDeleteOwner() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "owner")
		if err != nil {
			return err
		}
		if err := s.svc.DeleteOwner(r.Context(), orgID(r), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

func (s *Server) handleOwnerProperties() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "owner")
		if err != nil {
			return err
		}
		l, err := s.svc.OwnerProperties(r.Context(), orgID(r), id)
		if err != nil {
			return err
		}
		if l == nil {
			l = []*porter.Ownership{}
		}
		return encode(w, r, data{l})
	}
}

func (s *Server) handleUpdateOwnership() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "owner")
		if err != nil {
			return err
		}
		in, err := decode[ownershipInput](s, w, r)
		if err != nil {
			return err
		}
		raw := r.PathValue("ownership_id")
		oid, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || oid <= 0 {
			return porter.Errorf(porter.ENOTFOUND, "ownership %q not found", raw)
		}
		o, err := s.svc.UpdateOwnership(r.Context(), orgID(r), id, oid, in)
		if err != nil {
			return err
		}
		return encode(w, r, data{o})
	}
}

func (s *Server) handlePropertyOwner() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "property")
		if err != nil {
			return err
		}
		q := newQuery(r)
		date := q.str("date")
		if err := q.Err(); err != nil {
			return err
		}
		po, err := s.svc.PropertyOwner(r.Context(), orgID(r), id, date)
		if err != nil {
			return err
		}
		return encode(w, r, data{po})
	}
}
