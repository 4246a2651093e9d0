package porter

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
)

// statementColumns head the CSV's rows, one per property line and a
// TOTAL row; amounts are decimal strings in the statement's currency.
var statementColumns = []string{"statement_id", "month", "owner_id", "owner_name", "currency", "property_id", "property_name",
	"from", "to", "commission_rate", "nights", "gross_revenue", "commission", "management_fee", "checkouts", "cleaning_fees",
	"expenses", "net_to_disburse"}

// RenderStatementCSV writes a statement as CSV: a header row, a row per
// property line, and a TOTAL row.
func RenderStatementCSV(st *Statement) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := func(row ...string) []string {
		return append([]string{strconv.FormatInt(st.ID, 10), st.Month, strconv.FormatInt(st.OwnerID, 10), st.OwnerName, st.Currency}, row...)
	}
	rows := [][]string{statementColumns}
	for _, l := range st.Lines {
		rows = append(rows, head(strconv.FormatInt(l.PropertyID, 10), l.PropertyName, l.From, l.To, l.CommissionRate.String(),
			strconv.FormatInt(l.Nights, 10), l.Gross.String(), l.Commission.String(), l.ManagementFee.String(),
			strconv.FormatInt(l.Checkouts, 10), l.CleaningFees.String(), l.Expenses.String(), l.Net.String()))
	}
	var mgmt, cleaning Money
	var checkouts int64
	for _, l := range st.Lines {
		mgmt += l.ManagementFee
		cleaning += l.CleaningFees
		checkouts += l.Checkouts
	}
	rows = append(rows, head("", "TOTAL", "", "", "", strconv.FormatInt(st.Nights, 10), st.Gross.String(), st.Commission.String(),
		mgmt.String(), strconv.FormatInt(checkouts, 10), cleaning.String(), st.Expenses.String(), st.Net.String()))
	if err := w.WriteAll(rows); err != nil {
		return nil, fmt.Errorf("statement %d as CSV: %w", st.ID, err)
	}
	return buf.Bytes(), nil
}

// RenderStatementPDF lays a statement out on A4 pages: the organization,
// the owner and month, a row per property line and the totals down to the
// net to disburse.
func RenderStatementPDF(org *Organization, st *Statement) ([]byte, error) {
	label := fmt.Sprintf("Statement %s %s", st.Month, st.Currency)
	pdf, tr := newPDF(org, label+" - "+st.OwnerName, label, st.CreatedAt, st.CreatedAt)
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(110, 8, tr(org.Name), "", 0, "L", false, 0, "")
	pdf.SetFont("Helvetica", "B", 14)
	pdf.CellFormat(0, 8, "OWNER STATEMENT", "", 1, "R", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	for _, f := range [][2]string{{"Owner", st.OwnerName}, {"Month", st.Month}, {"Currency", st.Currency},
		{"Statement", strconv.FormatInt(st.ID, 10)}, {"Drawn up", st.CreatedAt.Format(DateLayout)}} {
		pdf.CellFormat(140, 5, tr(f[0]+":"), "", 0, "R", false, 0, "")
		pdf.CellFormat(0, 5, tr(f[1]), "", 1, "R", false, 0, "")
	}
	pdf.Ln(6)
	widths := []float64{52, 12, 24, 24, 22, 22, 24}
	pdf.SetFont("Helvetica", "B", 8)
	pdf.SetFillColor(235, 235, 235)
	for i, h := range []string{"Property (days held)", "Nights", "Gross", "Commission", "Fees", "Expenses", "Net"} {
		align := "R"
		if i == 0 {
			align = "L"
		}
		pdf.CellFormat(widths[i], 7, h, "B", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 8)
	for _, l := range st.Lines {
		name := fmt.Sprintf("%s (%s to %s, %s%%)", l.PropertyName, l.From[8:], l.To[8:], trimZeros(l.CommissionRate.String()))
		for i, d := range pdf.SplitText(tr(name), widths[0]-2) {
			pdf.CellFormat(widths[0], 5, d, "", 0, "L", false, 0, "")
			if i == 0 {
				for j, v := range []string{strconv.FormatInt(l.Nights, 10), l.Gross.String(), l.Commission.String(),
					(l.ManagementFee + l.CleaningFees).String(), l.Expenses.String(), l.Net.String()} {
					pdf.CellFormat(widths[j+1], 5, v, "", 0, "R", false, 0, "")
				}
			}
			pdf.Ln(-1)
		}
	}
	pdf.Ln(3)
	total := totalLine(pdf, tr)
	total("Gross revenue", st.Gross.String(), false)
	total("Commission", "-"+st.Commission.String(), false)
	total("Fees (management, cleaning)", "-"+st.Fees.String(), false)
	total("Expenses (work orders)", "-"+st.Expenses.String(), false)
	total("Net to disburse "+st.Currency, st.Net.String(), true)
	return outputPDF(pdf, "statement", st.ID)
}

// StatementDocument returns a statement rendered as "csv" or "pdf".
func (s *Service) StatementDocument(ctx context.Context, orgID, id int64, format string) (*Statement, []byte, error) {
	var st *Statement
	var org *Organization
	err := s.Store.View(ctx, orgID, func(tx Tx) error {
		var err error
		if st, err = tx.Statement(ctx, id); err != nil {
			return err
		}
		org, err = tx.Organization(ctx)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	var b []byte
	if format == "pdf" {
		b, err = RenderStatementPDF(org, st)
	} else {
		b, err = RenderStatementCSV(st)
	}
	return st, b, err
}
