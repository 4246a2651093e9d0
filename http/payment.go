package http

import (
	"net/http"

	"porter"
)

type (
	paymentView  = porter.Payment
	paymentInput = porter.PaymentInput
)

// seedPaymentRequest is POST /api/action_record_payment.php's body: a
// manual payment, which always succeeds. Ids may arrive as strings and
// amounts as numeric strings, as no-code tools send them.
type seedPaymentRequest struct {
	TenantID  *flexInt      `json:"tenant_id"`
	Amount    *porter.Money `json:"amount"`
	Method    *string       `json:"method"`
	Reference *string       `json:"reference"`
	ChargeID  *flexInt      `json:"charge_id"` // blank: apply oldest-first
	Notes     *string       `json:"notes"`
}

func (s *Server) handleSeedRecordPayment() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[seedPaymentRequest](s, w, r)
		if err != nil {
			return err
		}
		p, err := s.svc.RecordPayment(answering(r, func(p *porter.Payment) any { return map[string]any{"payment": p} }), orgID(r), porter.PaymentInput{
			TenantID: in.TenantID.ptr(), Amount: in.Amount, Method: in.Method, Reference: in.Reference,
			ChargeID: in.ChargeID.ptr(), Notes: in.Notes,
		})
		if err != nil {
			return err
		}
		return encode(w, r, map[string]any{"payment": p})
	}
}

func (s *Server) handleListPayments() handlerFunc {
	return listOf(s, func(q *query) porter.PaymentFilter {
		return porter.PaymentFilter{ListParams: q.list(), TenantID: q.id("tenant_id"),
			Status: q.str("status", porter.PaymentSucceeded, porter.PaymentFailed), Method: q.str("method")}
	}, s.svc.Payments)
}
