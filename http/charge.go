package http

import (
	"net/http"

	"porter"
)

type (
	chargeView   = porter.Charge
	chargeInput  = porter.ChargeInput
	chargeUpdate = porter.ChargeUpdate
)

// seedChargeRequest is POST /api/action_create_charge.php's body. Ids may
// arrive as strings and amounts as numeric strings, as no-code tools send
// them.
type seedChargeRequest struct {
	TenantID    *flexInt      `json:"tenant_id"`
	Amount      *porter.Money `json:"amount"`
	Description *string       `json:"description"`
	DueDate     *string       `json:"due_date"`
	Category    *string       `json:"category"`
	LeaseID     *flexInt      `json:"lease_id"`
}

func (s *Server) handleSeedCreateCharge() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[seedChargeRequest](s, w, r)
		if err != nil {
			return err
		}
		category := in.Category
		if category != nil && *category == "" {
			category = nil // a blank mapped field means the default
		}
		c, err := s.svc.CreateCharge(answering(r, func(c *porter.Charge) any { return map[string]any{"charge": c} }), orgID(r), porter.ChargeInput{
			TenantID: in.TenantID.ptr(), LeaseID: in.LeaseID.ptr(), Amount: in.Amount,
			Description: in.Description, DueDate: in.DueDate, Category: category,
		})
		if err != nil {
			return err
		}
		return encode(w, r, map[string]any{"charge": c})
	}
}

func (s *Server) handleListCharges() handlerFunc {
	return listOf(s, func(q *query) porter.ChargeFilter {
		return porter.ChargeFilter{ListParams: q.list(), TenantID: q.id("tenant_id"), LeaseID: q.id("lease_id"),
			Status:   q.str("status", porter.ChargeOpen, porter.ChargePartiallyPaid, porter.ChargePaid, porter.ChargeVoid),
			Category: q.str("category"), OverdueOn: q.str("overdue_on")}
	}, s.svc.Charges)
}
