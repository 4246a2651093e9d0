package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"porter"
	"porter/sqlite/internal/db"
)

func (t *tx) InsertInvoice(ctx context.Context, inv *porter.Invoice) error {
	p, err := invoiceParams(t.orgID, inv)
	if err != nil {
		return err
	}
	id, err := t.q.InsertInvoice(ctx, db.InsertInvoiceParams(p))
	if err != nil {
		return conflict(fmt.Errorf("insert invoice: %w", err))
	}
	inv.ID = id
	return nil
}

func (t *tx) Invoice(ctx context.Context, id int64) (*porter.Invoice, error) {
	r, err := t.q.GetInvoice(ctx, db.GetInvoiceParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "invoice", id)
	}
	return invoice(r)
}

// InvoiceForUpdate needs no lock: SQLite has one writer at a time.
func (t *tx) InvoiceForUpdate(ctx context.Context, id int64) (*porter.Invoice, error) {
	return t.Invoice(ctx, id)
}

func (t *tx) UpdateInvoice(ctx context.Context, inv *porter.Invoice) error {
	p, err := invoiceParams(t.orgID, inv)
	if err != nil {
		return err
	}
	n, err := t.q.UpdateInvoice(ctx, db.UpdateInvoiceParams{
		Number: p.Number, Status: p.Status, OwnerID: p.OwnerID, BillToName: p.BillToName, BillToEmail: p.BillToEmail,
		BillToAddress: p.BillToAddress, BookingID: p.BookingID, Currency: p.Currency, TaxRate: p.TaxRate,
		PaymentTermsDays: p.PaymentTermsDays, IssueDate: p.IssueDate, DueDate: p.DueDate, Notes: p.Notes, Lines: p.Lines,
		TaxBreakdown: p.TaxBreakdown, Subtotal: p.Subtotal, TaxTotal: p.TaxTotal, Total: p.Total,
		PaymentReference: p.PaymentReference, VoidReason: p.VoidReason, SentAt: p.SentAt, PaidAt: p.PaidAt,
		VoidedAt: p.VoidedAt, UpdatedAt: p.UpdatedAt, OrgID: t.orgID, ID: inv.ID,
	})
	return affected(n, err, "invoice", inv.ID)
}

func (t *tx) Invoices(ctx context.Context, f porter.InvoiceFilter) (porter.List[*porter.Invoice], error) {
	rows, err := t.q.ListInvoices(ctx, db.ListInvoicesParams{
		OrgID: t.orgID, Status: f.Status, OwnerID: f.OwnerID, UpdatedSince: since(f.UpdatedSince),
		Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Invoice]{}, fmt.Errorf("list invoices: %w", err)
	}
	var out porter.List[*porter.Invoice]
	for _, r := range rows {
		inv, err := invoice(r.Invoice)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, inv)
		out.Total = int(r.Total)
	}
	return out, nil
}

// NextInvoiceSeq needs no lock of its own: the one writer runs one
// transaction at a time, and a rolled back send takes its increment back.
func (t *tx) NextInvoiceSeq(ctx context.Context, period string) (int64, error) {
	n, err := t.q.NextInvoiceSeq(ctx, db.NextInvoiceSeqParams{OrgID: t.orgID, Period: period})
	if err != nil {
		return 0, fmt.Errorf("next invoice number: %w", err)
	}
	return n, nil
}

func invoiceParams(org int64, inv *porter.Invoice) (db.InsertInvoiceParams, error) {
	lines, err := json.Marshal(inv.Lines)
	if err != nil {
		return db.InsertInvoiceParams{}, fmt.Errorf("encode invoice lines: %w", err)
	}
	breakdown, err := json.Marshal(inv.TaxBreakdown)
	if err != nil {
		return db.InsertInvoiceParams{}, fmt.Errorf("encode invoice tax: %w", err)
	}
	var rate sql.NullInt64
	if inv.TaxRate != nil {
		rate = sql.NullInt64{Int64: int64(*inv.TaxRate), Valid: true}
	}
	return db.InsertInvoiceParams{
		OrgID: org, Number: nullString(inv.Number), Status: inv.Status, OwnerID: nullID(inv.OwnerID), BillToName: inv.BillToName,
		BillToEmail: inv.BillToEmail, BillToAddress: inv.BillToAddress, BookingID: nullID(inv.BookingID), Currency: inv.Currency,
		TaxRate: rate, PaymentTermsDays: int64(inv.PaymentTermsDays), IssueDate: nullString(inv.IssueDate),
		DueDate: nullString(inv.DueDate), Notes: inv.Notes, Lines: string(lines), TaxBreakdown: string(breakdown),
		Subtotal: int64(inv.Subtotal), TaxTotal: int64(inv.TaxTotal), Total: int64(inv.Total),
		PaymentReference: inv.PaymentReference, VoidReason: inv.VoidReason, SentAt: nts(inv.SentAt), PaidAt: nts(inv.PaidAt),
		VoidedAt: nts(inv.VoidedAt), CreatedAt: ts(inv.CreatedAt), UpdatedAt: ts(inv.UpdatedAt),
	}, nil
}

func invoice(r db.Invoice) (*porter.Invoice, error) {
	inv := &porter.Invoice{
		ID: r.ID, Number: pnullString(r.Number), Status: r.Status, OwnerID: pnullID(r.OwnerID), BillToName: r.BillToName,
		BillToEmail: r.BillToEmail, BillToAddress: r.BillToAddress, BookingID: pnullID(r.BookingID), Currency: r.Currency,
		PaymentTermsDays: int(r.PaymentTermsDays), IssueDate: pnullString(r.IssueDate), DueDate: pnullString(r.DueDate),
		Notes: r.Notes, Subtotal: porter.Money(r.Subtotal), TaxTotal: porter.Money(r.TaxTotal), Total: porter.Money(r.Total),
		PaymentReference: r.PaymentReference, VoidReason: r.VoidReason, SentAt: pnts(r.SentAt), PaidAt: pnts(r.PaidAt),
		VoidedAt: pnts(r.VoidedAt), CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt),
	}
	if r.TaxRate.Valid {
		rate := porter.Percent(r.TaxRate.Int64)
		inv.TaxRate = &rate
	}
	if err := json.Unmarshal([]byte(r.Lines), &inv.Lines); err != nil {
		return nil, fmt.Errorf("invoice %d lines: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.TaxBreakdown), &inv.TaxBreakdown); err != nil {
		return nil, fmt.Errorf("invoice %d tax: %w", r.ID, err)
	}
	return inv, nil
}
