package http

import (
	"net/http"

	"porter"
)

type (
	organizationView  = porter.Organization
	organizationInput = porter.OrganizationInput
)

// The organization is the caller's own: its routes take no id, so a key
// can never name another organization.

func (s *Server) handleGetOrganization() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		org, err := s.svc.Organization(r.Context(), orgID(r))
		if err != nil {
			return err
		}
		return encode(w, r, data{org})
	}
}

func (s *Server) handleUpdateOrganization() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[organizationInput](s, w, r)
		if err != nil {
			return err
		}
		org, err := s.svc.UpdateOrganization(r.Context(), orgID(r), in)
		if err != nil {
			return err
		}
		return encode(w, r, data{org})
	}
}
