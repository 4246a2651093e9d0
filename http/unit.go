package http

import "porter"

type (
	unitView  = porter.Unit
	unitInput = porter.UnitInput
)

func (s *Server) handleListUnits() handlerFunc {
	return listOf(s, func(q *query) porter.UnitFilter {
		return porter.UnitFilter{ListParams: q.list(), PropertyID: q.id("property_id"),
			Status: q.str("status", porter.UnitVacant, porter.UnitOccupied, porter.UnitUnavailable)}
	}, s.svc.Units)
}
