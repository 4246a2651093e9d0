package porter

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// PostingCSVColumns are the columns of an integration's postings as CSV,
// in this order (documented in README; new columns go at the end): one
// row per journal line, so a nightly batch imports it line by line.
var PostingCSVColumns = []string{"posting_id", "posted_at", "entry_date", "rule", "source_type", "source_id", "reference",
	"line", "account", "debit", "credit", "currency", "cost_centre", "supplier_code", "invoice_number", "description"}

const postingExportPage = 500

// ExportIntegrationPostings writes the postings of f.IntegrationID posted
// in [f.From, f.To) as CSV to w, oldest first, a page per transaction so
// that a long export holds no transaction open. Everything a client can
// get wrong is checked before the first byte is written.
func (s *Service) ExportIntegrationPostings(ctx context.Context, orgID int64, f PostingFilter, w io.Writer) error {
	if err := f.validate(); err != nil {
		return err
	}
	if _, err := s.Integration(ctx, orgID, f.IntegrationID); err != nil {
		return err
	}
	out := csv.NewWriter(w)
	if err := out.Write(PostingCSVColumns); err != nil {
		return err
	}
	for after := int64(0); ; {
		var page []*IntegrationPosting
		err := s.Store.View(ctx, orgID, func(tx Tx) error {
			var err error
			page, err = tx.ExportPostings(ctx, f, after, postingExportPage)
			return err
		})
		if err != nil {
			return fmt.Errorf("export postings: %w", err)
		}
		for _, p := range page {
			for _, row := range postingRows(p) {
				if err := out.Write(row); err != nil {
					return err
				}
			}
			after = p.ID
		}
		out.Flush()
		if err := out.Error(); err != nil || len(page) < postingExportPage {
			return err
		}
	}
}

func postingRows(p *IntegrationPosting) [][]string {
	inv := ""
	if p.Invoice != nil {
		inv = p.Invoice.Number
	}
	rows := make([][]string, len(p.JournalEntry.Lines))
	for i, l := range p.JournalEntry.Lines {
		rows[i] = []string{strconv.FormatInt(p.ID, 10), p.CreatedAt.UTC().Format(time.RFC3339), p.Date, p.Rule, p.Source.Type,
			strconv.FormatInt(p.Source.ID, 10), csvText(p.JournalEntry.Reference), strconv.Itoa(i + 1), csvText(l.Account),
			l.Debit.String(), l.Credit.String(), p.Currency, csvText(l.CostCentre), csvText(l.SupplierCode), csvText(inv), csvText(l.Description)}
	}
	return rows
}

// csvText keeps a spreadsheet from reading text typed into Porter (a work
// order's title) as a formula: such a cell gets a leading apostrophe.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
