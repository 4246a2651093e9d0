package http

import "porter"

type (
	propertyView  = porter.Property
	propertyInput = porter.PropertyInput
)

func (s *Server) handleListProperties() handlerFunc {
	return listOf(s, func(q *query) porter.PropertyFilter {
		return porter.PropertyFilter{ListParams: q.list(), Status: q.str("status", porter.PropertyActive, porter.PropertyArchived)}
	}, s.svc.Properties)
}
