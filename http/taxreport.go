package http

import (
	"net/http"

	"porter"
)

type (
	taxReportView  = porter.TaxReport
	taxReportInput = porter.TaxReportInput
	taxRuleView    = porter.TaxRule
	taxRuleInput   = porter.TaxRuleInput
)

func (s *Server) handleListTaxReports() handlerFunc {
	return listOf(s, func(q *query) porter.TaxReportFilter {
		month := q.str("month")
		if month != "" {
			if _, err := porter.ParseMonth(month); err != nil {
				q.err.Add("month", "%s", err)
			}
		}
		return porter.TaxReportFilter{ListParams: q.list(), PropertyID: q.id("property_id"), Month: month}
	}, s.svc.TaxReports)
}

// handleGenerateTaxReports answers 201 when it drew up a report, 200 with
// those already drawn up otherwise.
func (s *Server) handleGenerateTaxReports() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[taxReportInput](s, w, r)
		if err != nil {
			return err
		}
		rs, created, err := s.svc.GenerateTaxReports(upserted(r, taxReportsBody), orgID(r), in)
		if err != nil {
			return err
		}
		if !created {
			writeJSON(w, http.StatusOK, taxReportsBody(rs))
			return nil
		}
		return encode(w, r, taxReportsBody(rs))
	}
}

// taxReportsBody is the answer to a tax report generation: the
// idempotency layer stores the same bytes with the write.
func taxReportsBody(rs []*porter.TaxReport) any {
	if rs == nil {
		rs = []*porter.TaxReport{}
	}
	return data{rs}
}

func (s *Server) handleTaxRules() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		rules, err := s.svc.TaxRules(r.Context(), orgID(r))
		if err != nil {
			return err
		}
		return encode(w, r, data{rules})
	}
}
