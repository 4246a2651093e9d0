package http

import "porter"

type (
	vendorView  = porter.Vendor
	vendorInput = porter.VendorInput
)

func (s *Server) handleListVendors() handlerFunc {
	return listOf(s, func(q *query) porter.VendorFilter {
		return porter.VendorFilter{ListParams: q.list(), Status: q.str("status", porter.VendorActive, porter.VendorInactive),
			Trade: q.str("trade")}
	}, s.svc.Vendors)
}
