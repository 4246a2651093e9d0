package http

import (
	"fmt"
	"net/http"
	"strconv"

	"porter"
)

type (
	invoiceView    = porter.Invoice
	invoiceInput   = porter.InvoiceInput
	invoicePayment = porter.InvoicePayment
	invoiceVoiding = porter.InvoiceVoiding
)

func (s *Server) handleListInvoices() handlerFunc {
	return listOf(s, func(q *query) porter.InvoiceFilter {
		return porter.InvoiceFilter{ListParams: q.list(), Status: q.str("status", porter.InvoiceStatuses...), OwnerID: q.id("owner_id")}
	}, s.svc.Invoices)
}

// handleInvoicePDF renders the invoice, a draft included (marked DRAFT).
func (s *Server) handleInvoicePDF() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "invoice")
		if err != nil {
			return err
		}
		inv, b, err := s.svc.InvoicePDF(r.Context(), orgID(r), id)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("invoice-draft-%d.pdf", inv.ID)
		if inv.Number != nil {
			name = *inv.Number + ".pdf"
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", "inline; filename="+strconv.Quote(name))
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusOK)
		_, err = w.Write(b)
		return err
	}
}
