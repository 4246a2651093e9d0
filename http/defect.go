package http

import (
	"net/http"

	"porter"
)

// Facilities: defects and snagging items.

type (
	defectView       = porter.Defect
	defectInput      = porter.DefectInput
	defectResolution = porter.DefectResolution
)

func (s *Server) handleRecordDefect() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[defectInput](s, w, r)
		if err != nil {
			return err
		}
		d, created, err := s.svc.RecordDefect(upserted(r, data1[*porter.Defect]), orgID(r), in)
		if err != nil {
			return err
		}
		if !created {
			writeJSON(w, http.StatusOK, data{d})
			return nil
		}
		return encode(w, r, data{d})
	}
}

func (s *Server) handleListDefects() handlerFunc {
	return listOf(s, func(q *query) porter.DefectFilter {
		return porter.DefectFilter{ListParams: q.list(), PropertyID: q.id("property_id"), UnitID: q.id("unit_id"), AssetID: q.id("asset_id"),
			Status: q.str("status", porter.DefectStatuses...), Severity: q.str("severity", porter.DefectSeverities...), Source: q.str("source")}
	}, s.svc.Defects)
}

// addDefectRoutes declares the defect endpoints (defects:read, defects:write).
func (s *Server) addDefectRoutes() {
	const get, post, patch = http.MethodGet, http.MethodPost, http.MethodPatch
	s.handle(&route{Method: get, Path: "/v1/defects", API: v1API, Scope: "defects:read", Tag: "Defects",
		Summary: "List defects and snagging items, newest first", Response: []defectView{}, List: true, Query: append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "unit_id", Type: "integer"}, queryParam{Name: "asset_id", Type: "integer"},
			queryParam{Name: "status", Type: "string", Enum: porter.DefectStatuses}, queryParam{Name: "severity", Type: "string", Enum: porter.DefectSeverities},
			queryParam{Name: "source", Type: "string", Description: "Only defects imported from this source"})}, s.handleListDefects())
	s.handle(&route{Method: post, Path: "/v1/defects", API: v1API, Scope: "defects:write", Tag: "Defects", Also: []int{http.StatusOK},
		Summary: "Record a defect (201); the same source and external_ref again updates that defect and answers 200",
		Request: defectInput{}, Response: defectView{}, Status: http.StatusCreated}, s.handleRecordDefect())
	s.handle(&route{Method: get, Path: "/v1/defects/{id}", API: v1API, Scope: "defects:read", Tag: "Defects",
		Summary: "Get a defect", Response: defectView{}}, getOne("defect", s.svc.Defect))
	s.handle(&route{Method: patch, Path: "/v1/defects/{id}", API: v1API, Scope: "defects:write", Tag: "Defects",
		Summary: "Edit an open or in-progress defect (0 clears unit_id, asset_id, work_order_id)", Request: defectInput{}, Response: defectView{}},
		updateOne(s, "defect", s.svc.UpdateDefect))
	s.handle(&route{Method: post, Path: "/v1/defects/{id}/start", API: v1API, Scope: "defects:write", Tag: "Defects",
		Summary: "Start work on an open defect, optionally linking the work order", Request: defectResolution{}, Response: defectView{}},
		actWith(s, "defect", s.svc.StartDefect))
	s.handle(&route{Method: post, Path: "/v1/defects/{id}/resolve", API: v1API, Scope: "defects:write", Tag: "Defects",
		Summary: "Resolve an open or in-progress defect, saying how", Request: defectResolution{}, Response: defectView{}},
		actWith(s, "defect", s.svc.ResolveDefect))
	s.handle(&route{Method: post, Path: "/v1/defects/{id}/reject", API: v1API, Scope: "defects:write", Tag: "Defects",
		Summary: "Reject an open or in-progress defect, with the reason (resolution)", Request: defectResolution{}, Response: defectView{}},
		actWith(s, "defect", s.svc.RejectDefect))
}
