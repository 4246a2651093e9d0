package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"porter"
	"porter/postgres/internal/db"
)

func (t *tx) InsertInvoice(ctx context.Context, inv *porter.Invoice) error {
	p, err := invoiceParams(t.orgID, inv)
	if err != nil {
		return err
	}
	id, err := t.q.InsertInvoice(ctx, p)
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

func (t *tx) InvoiceForUpdate(ctx context.Context, id int64) (*porter.Invoice, error) {
	r, err := t.q.GetInvoiceForUpdate(ctx, db.GetInvoiceForUpdateParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "invoice", id)
	}
	return invoice(r)
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
		Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
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

// NextInvoiceSeq's upsert takes the counter row's lock until the
// transaction ends: a concurrent sender waits on it, then increments the
// committed value (READ COMMITTED re-reads it), so numbers never repeat,
// and a rolled back send gives its number back.
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
	var rate *int32
	if inv.TaxRate != nil {
		r := int32(*inv.TaxRate)
		rate = &r
	}
	return db.InsertInvoiceParams{
		OrgID: org, Number: inv.Number, Status: inv.Status, OwnerID: inv.OwnerID, BillToName: inv.BillToName,
		BillToEmail: inv.BillToEmail, BillToAddress: inv.BillToAddress, BookingID: inv.BookingID, Currency: inv.Currency,
		TaxRate: rate, PaymentTermsDays: int32(inv.PaymentTermsDays), IssueDate: inv.IssueDate,
		DueDate: inv.DueDate, Notes: inv.Notes, Lines: string(lines), TaxBreakdown: string(breakdown),
		Subtotal: int64(inv.Subtotal), TaxTotal: int64(inv.TaxTotal), Total: int64(inv.Total),
		PaymentReference: inv.PaymentReference, VoidReason: inv.VoidReason, SentAt: inv.SentAt, PaidAt: inv.PaidAt,
		VoidedAt: inv.VoidedAt, CreatedAt: inv.CreatedAt, UpdatedAt: inv.UpdatedAt,
	}, nil
}

func invoice(r db.Invoice) (*porter.Invoice, error) {
	inv := &porter.Invoice{
		ID: r.ID, Number: r.Number, Status: r.Status, OwnerID: r.OwnerID, BillToName: r.BillToName,
		BillToEmail: r.BillToEmail, BillToAddress: r.BillToAddress, BookingID: r.BookingID, Currency: r.Currency,
		PaymentTermsDays: int(r.PaymentTermsDays), IssueDate: r.IssueDate, DueDate: r.DueDate,
		Notes: r.Notes, Subtotal: porter.Money(r.Subtotal), TaxTotal: porter.Money(r.TaxTotal), Total: porter.Money(r.Total),
		PaymentReference: r.PaymentReference, VoidReason: r.VoidReason, SentAt: r.SentAt, PaidAt: r.PaidAt,
		VoidedAt: r.VoidedAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	if r.TaxRate != nil {
		rate := porter.Percent(*r.TaxRate)
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
