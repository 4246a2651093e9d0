package http

import "porter"

type (
	staffView  = porter.Staff
	staffInput = porter.StaffInput
)

func (s *Server) handleListStaff() handlerFunc {
	return listOf(s, func(q *query) porter.StaffFilter {
		return porter.StaffFilter{ListParams: q.list(), Role: q.str("role", porter.StaffRoles...)}
	}, s.svc.StaffList)
}
