package http

import (
	"net/http"

	"porter"
)

// Reports: revenue and occupancy KPIs (seed 003's reports:read).

type (
	revenueReportView   = porter.RevenueReport
	occupancyReportView = porter.OccupancyReport
)

// reportParams are the query parameters both reports share.
var reportParams = []queryParam{
	{Name: "from", Type: "date", Description: "First night (required)"},
	{Name: "to", Type: "date", Description: "Last night, included (required); at most 731 days after from"},
	{Name: "granularity", Type: "string", Enum: porter.ReportGranularities, Description: "How the series is cut: per day (default), ISO week or calendar month, each clipped to the range"},
	{Name: "property_id", Type: "integer", Description: "One property; all when left out"},
}

// reportQuery reads a report's query parameters.
func reportQuery(r *http.Request, currency bool) (porter.ReportQuery, error) {
	q := newQuery(r)
	in := porter.ReportQuery{From: q.str("from"), To: q.str("to"), Granularity: q.str("granularity"), PropertyID: q.id("property_id")}
	if currency {
		in.Currency = q.str("currency")
	}
	return in, q.Err()
}

func (s *Server) handleRevenueReport() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := reportQuery(r, true)
		if err != nil {
			return err
		}
		rep, err := s.svc.RevenueReport(r.Context(), orgID(r), in)
		if err != nil {
			return err
		}
		return encode(w, r, rep)
	}
}

func (s *Server) handleOccupancyReport() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := reportQuery(r, false)
		if err != nil {
			return err
		}
		rep, err := s.svc.OccupancyReport(r.Context(), orgID(r), in)
		if err != nil {
			return err
		}
		return encode(w, r, rep)
	}
}

// addReportRoutes declares the report endpoints.
func (s *Server) addReportRoutes() {
	s.handle(&route{Method: http.MethodGet, Path: "/v1/reports/revenue", API: v1API, Scope: "reports:read", Tag: "Reports", Bare: true,
		Summary:  "Revenue, net revenue, nights booked, ADR and RevPAR from `from` to `to` (included), for the organization, per property and per period; 422 when the stays mix currencies and no currency is given",
		Response: revenueReportView{}, Also: []int{http.StatusUnprocessableEntity},
		Query: append(reportParams[:len(reportParams):len(reportParams)],
			queryParam{Name: "currency", Type: "string", Description: "Only the stays in this currency (ISO 4217); needed when the range's stays mix currencies"})}, s.handleRevenueReport())
	s.handle(&route{Method: http.MethodGet, Path: "/v1/reports/occupancy", API: v1API, Scope: "reports:read", Tag: "Reports", Bare: true,
		Summary:  "Occupancy (nights booked / nights available, blocked nights left out of available) from `from` to `to` (included), for the organization, per property and per period",
		Response: occupancyReportView{}, Query: reportParams}, s.handleOccupancyReport())
}

func init() {
	tagDescriptions["Reports"] = "Hotel KPIs computed night by night from the stays (confirmed, checked in, checked out): gross and net revenue, nights booked, ADR, RevPAR and occupancy, for the organization, per property and per day, week or month."
}
