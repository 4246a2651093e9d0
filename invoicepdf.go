package porter

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// RenderInvoicePDF lays an invoice out on one or more A4 pages: the
// organization, the number and dates, whom it is billed to, the lines,
// the tax at each rate, the totals and the payment terms. It uses the
// PDF core fonts, which cover Western European text (Windows-1252);
// other characters print as "?".
func RenderInvoicePDF(org *Organization, inv *Invoice) ([]byte, error) {
	label := invoiceLabel(inv)
	pdf, tr := newPDF(org, "Invoice "+label, label, inv.CreatedAt, inv.UpdatedAt)

	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(110, 8, tr(org.Name), "", 0, "L", false, 0, "")
	pdf.SetFont("Helvetica", "B", 14)
	heading := "INVOICE"
	switch inv.Status {
	case InvoiceDraft:
		heading = "DRAFT INVOICE"
	case InvoiceVoid:
		heading = "VOID INVOICE"
	}
	pdf.CellFormat(0, 8, heading, "", 1, "R", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	facts := [][2]string{{"Number", invoiceLabel(inv)}, {"Issue date", deref(inv.IssueDate, "not sent")}, {"Due date", deref(inv.DueDate, "-")},
		{"Status", inv.Status}, {"Currency", inv.Currency}}
	if inv.BookingID != nil {
		facts = append(facts, [2]string{"Booking", fmt.Sprint(*inv.BookingID)})
	}
	for _, f := range facts {
		pdf.CellFormat(140, 5, tr(f[0]+":"), "", 0, "R", false, 0, "")
		pdf.CellFormat(0, 5, tr(f[1]), "", 1, "R", false, 0, "")
	}
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(0, 5, "Bill to", "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	for _, l := range []string{inv.BillToName, inv.BillToEmail, inv.BillToAddress} {
		if strings.TrimSpace(l) != "" {
			pdf.MultiCell(100, 5, tr(l), "", "L", false)
		}
	}
	pdf.Ln(6)

	// The lines.
	widths := []float64{86, 20, 28, 16, 30}
	pdf.SetFont("Helvetica", "B", 9)
	pdf.SetFillColor(235, 235, 235)
	for i, h := range []string{"Description", "Quantity", "Unit price", "Tax", "Amount"} {
		align := "R"
		if i == 0 {
			align = "L"
		}
		pdf.CellFormat(widths[i], 7, h, "B", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	for _, l := range inv.Lines {
		rate := inv.TaxRate
		if l.TaxRate != nil {
			rate = l.TaxRate
		}
		tax := "-"
		if rate != nil {
			tax = rate.String() + "%"
		}
		desc := pdf.SplitText(tr(l.Description), widths[0]-2)
		for i, d := range desc {
			pdf.CellFormat(widths[0], 6, d, "", 0, "L", false, 0, "")
			if i == 0 {
				pdf.CellFormat(widths[1], 6, trimZeros(l.Quantity.String()), "", 0, "R", false, 0, "")
				pdf.CellFormat(widths[2], 6, l.UnitPrice.String(), "", 0, "R", false, 0, "")
				pdf.CellFormat(widths[3], 6, tax, "", 0, "R", false, 0, "")
				pdf.CellFormat(widths[4], 6, l.Amount.String(), "", 0, "R", false, 0, "")
			}
			pdf.Ln(-1)
		}
	}
	pdf.Ln(2)

	// The totals, with the tax at each rate.
	total := totalLine(pdf, tr)
	total("Subtotal", inv.Subtotal.String(), false)
	if len(inv.TaxBreakdown) == 0 {
		total("Tax", "none", false)
	}
	for _, t := range inv.TaxBreakdown {
		total(fmt.Sprintf("Tax %s%% on %s", t.Rate, t.TaxableAmount), t.Tax.String(), false)
	}
	total("Total "+inv.Currency, inv.Total.String(), true)
	pdf.Ln(6)

	pdf.SetFont("Helvetica", "", 9)
	terms := fmt.Sprintf("Payment terms: %d days.", inv.PaymentTermsDays)
	if inv.DueDate != nil {
		terms = fmt.Sprintf("Payment terms: %d days, due by %s.", inv.PaymentTermsDays, *inv.DueDate)
	}
	if inv.Status == InvoicePaid && inv.PaidAt != nil {
		terms += " Paid on " + inv.PaidAt.Format(DateLayout) + "."
	}
	pdf.MultiCell(0, 5, tr(terms), "", "L", false)
	if inv.Notes != "" {
		pdf.Ln(2)
		pdf.MultiCell(0, 5, tr(inv.Notes), "", "L", false)
	}
	return outputPDF(pdf, "invoice", inv.ID)
}

// newPDF starts an A4 document of the organization's (invoices,
// statements) with its first page: title and author in its metadata, the
// organization and label in every page's footer, fixed dates so that the
// same record renders to the same bytes. tr translates UTF-8 to the core
// fonts' Windows-1252.
func newPDF(org *Organization, title, label string, created, modified time.Time) (*fpdf.Fpdf, func(string) string) {
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetTitle(title, true)
	pdf.SetAuthor(org.Name, true)
	pdf.SetCreator("Porter", false)
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(modified)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AliasNbPages("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 10, tr(fmt.Sprintf("%s · %s · page %d/{nb}", org.Name, label, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	return pdf, tr
}

// totalLine returns a writer of a document's total lines: a label and an
// amount, right-aligned, the last one (bold) standing out.
func totalLine(pdf *fpdf.Fpdf, tr func(string) string) func(label, amount string, bold bool) {
	return func(label, amount string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 10)
		pdf.CellFormat(150, 6, tr(label), "", 0, "R", false, 0, "")
		pdf.CellFormat(30, 6, amount, "", 1, "R", false, 0, "")
	}
}

// outputPDF renders a finished document.
func outputPDF(pdf *fpdf.Fpdf, what string, id int64) ([]byte, error) {
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render %s %d: %w", what, id, err)
	}
	return buf.Bytes(), nil
}

// invoiceLabel is the invoice's number, or what stands for it in a draft.
func invoiceLabel(inv *Invoice) string {
	if inv.Number != nil {
		return *inv.Number
	}
	return fmt.Sprintf("draft %d", inv.ID)
}

func deref(s *string, none string) string {
	if s == nil {
		return none
	}
	return *s
}

// trimZeros writes 2.00 as 2 and 1.50 as 1.5.
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
