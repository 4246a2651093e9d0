package http

import (
	"net/http"
	"strconv"

	"porter"
)

type (
	inspectionView      = porter.Inspection
	inspectionInput     = porter.InspectionInput
	inspectionItemInput = porter.InspectionItemInput
	rejectInput         = porter.RejectInput
)

func (s *Server) handleListInspections() handlerFunc {
	return listOf(s, func(q *query) porter.InspectionFilter {
		return porter.InspectionFilter{ListParams: q.list(), Status: q.str("status", porter.InspectionStatuses...),
			PropertyID: q.id("property_id"), UnitID: q.id("unit_id")}
	}, s.svc.Inspections)
}

func (s *Server) handleAddInspectionItem() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "inspection")
		if err != nil {
			return err
		}
		in, err := decode[inspectionItemInput](s, w, r)
		if err != nil {
			return err
		}
		v, err := s.svc.AddInspectionItem(answering(r, data1[*porter.Inspection]), orgID(r), id, in)
		if err != nil {
			return err
		}
		return encode(w, r, data{v})
	}
}

func (s *Server) handleUpdateInspectionItem() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "inspection")
		if err != nil {
			return err
		}
		raw := r.PathValue("item_id")
		itemID, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || itemID <= 0 {
			return porter.Errorf(porter.ENOTFOUND, "inspection item %q not found", raw)
		}
		in, err := decode[inspectionItemInput](s, w, r)
		if err != nil {
			return err
		}
		v, err := s.svc.UpdateInspectionItem(answering(r, data1[*porter.Inspection]), orgID(r), id, itemID, in)
		if err != nil {
			return err
		}
		return encode(w, r, data{v})
	}
}
