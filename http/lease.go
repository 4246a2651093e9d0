package http

import "porter"

type (
	leaseView      = porter.Lease
	leaseInput     = porter.LeaseInput
	terminateInput = porter.TerminateInput
	renewInput     = porter.RenewInput
)

var leaseStatuses = []string{porter.LeaseDraft, porter.LeaseActive, porter.LeaseExpired, porter.LeaseTerminated}

func (s *Server) handleListLeases() handlerFunc {
	return listOf(s, func(q *query) porter.LeaseFilter {
		return porter.LeaseFilter{ListParams: q.list(), Status: q.str("status", leaseStatuses...),
			UnitID: q.id("unit_id"), TenantID: q.id("tenant_id"), PropertyID: q.id("property_id")}
	}, s.svc.Leases)
}
