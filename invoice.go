package porter

import (
	"context"
	"fmt"
	"math/big"
	"net/mail"
	"slices"
	"sort"
	"strings"
	"time"
)

// Invoice is a bill to a guest or to an owner. A draft can be edited
// freely and has no number; sending it gives it the organization's next
// number, its issue and due dates, and freezes it. Numbers are only ever
// taken by sending, in the same transaction, so the issued invoices of an
// organization are numbered without gaps.
type Invoice struct {
	ID     int64   `json:"id"`
	Number *string `json:"number"` // null while a draft
	Status string  `json:"status"`
	// Bill to: an owner (owner_id, with their name and email copied when
	// not given), or anyone by name, such as a guest.
	OwnerID       *int64 `json:"owner_id"`
	BillToName    string `json:"bill_to_name"`
	BillToEmail   string `json:"bill_to_email"`
	BillToAddress string `json:"bill_to_address"`
	BookingID     *int64 `json:"booking_id"` // a plain reference, for the reader
	Currency      string `json:"currency"`
	// TaxRate is the VAT rate of lines that set none; null: no tax.
	TaxRate          *Percent      `json:"tax_rate"`
	PaymentTermsDays int           `json:"payment_terms_days"`
	IssueDate        *string       `json:"issue_date"` // the day it was sent
	DueDate          *string       `json:"due_date"`   // issue_date + payment_terms_days
	Notes            string        `json:"notes"`
	Lines            []InvoiceLine `json:"lines"`
	Subtotal         Money         `json:"subtotal"`
	TaxTotal         Money         `json:"tax_total"`
	Total            Money         `json:"total"`
	TaxBreakdown     []TaxLine     `json:"tax_breakdown"`
	PaymentReference string        `json:"payment_reference"`
	VoidReason       string        `json:"void_reason"`
	SentAt           *time.Time    `json:"sent_at"`
	PaidAt           *time.Time    `json:"paid_at"`
	VoidedAt         *time.Time    `json:"voided_at"`
	CreatedAt        time.Time     `json:"created_at"`
	UpdatedAt        time.Time     `json:"updated_at"`
}

// InvoiceLine is one line: quantity × unit price, taxed at its own rate or
// the invoice's.
type InvoiceLine struct {
	Description string   `json:"description"`
	Quantity    Quantity `json:"quantity"`
	UnitPrice   Money    `json:"unit_price"`
	TaxRate     *Percent `json:"tax_rate"` // null: the invoice's tax_rate
	Amount      Money    `json:"amount"`   // quantity × unit_price, rounded to the currency's unit
}

// TaxLine is the tax due at one rate: the sum of the lines taxed at it and
// the tax on that sum, rounded once.
type TaxLine struct {
	Rate          Percent `json:"rate"`
	TaxableAmount Money   `json:"taxable_amount"`
	Tax           Money   `json:"tax"`
}

// Invoice statuses.
const (
	InvoiceDraft = "draft"
	InvoiceSent  = "sent"
	InvoicePaid  = "paid"
	InvoiceVoid  = "void"
)

// InvoiceStatuses lists every status, in lifecycle order.
var InvoiceStatuses = []string{InvoiceDraft, InvoiceSent, InvoicePaid, InvoiceVoid}

// Limits on an invoice.
const (
	MaxInvoiceLines              = 200
	MaxPaymentTermsDays          = 365
	DefaultPaymentTerms          = 30
	maxInvoiceText               = 500
	maxInvoiceNotes              = 5000
	maxQuantity         Quantity = 1_000_000_00
	maxInvoiceTotal              = Money(1e15)
)

// Quantity is a line's quantity with up to two decimals (1.5 nights of a
// service, 2 hours), kept exactly in hundredths.
type Quantity int64

func (q Quantity) String() string               { return Money(q).String() }
func (q Quantity) MarshalJSON() ([]byte, error) { return Money(q).MarshalJSON() }
func (q *Quantity) UnmarshalJSON(b []byte) error {
	var m Money
	if err := m.UnmarshalJSON(b); err != nil {
		return err
	}
	*q = Quantity(m)
	return nil
}

// InvoiceInput drafts an invoice; on PATCH (drafts only) nil fields are
// left alone, lines replaces every line, and owner_id or booking_id 0
// clears it.
type InvoiceInput struct {
	OwnerID          *int64              `json:"owner_id"`
	BillToName       *string             `json:"bill_to_name"`
	BillToEmail      *string             `json:"bill_to_email"`
	BillToAddress    *string             `json:"bill_to_address"`
	BookingID        *int64              `json:"booking_id"`
	Currency         *string             `json:"currency"`
	TaxRate          *Percent            `json:"tax_rate"`
	NoTax            bool                `json:"no_tax"` // PATCH: clear tax_rate
	PaymentTermsDays *int                `json:"payment_terms_days"`
	Notes            *string             `json:"notes"`
	Lines            *[]InvoiceLineInput `json:"lines"`
}

// InvoiceLineInput is one line of an InvoiceInput.
type InvoiceLineInput struct {
	Description string    `json:"description"`
	Quantity    *Quantity `json:"quantity"` // default 1
	UnitPrice   *Money    `json:"unit_price"`
	TaxRate     *Percent  `json:"tax_rate"`
}

// InvoicePayment marks an invoice paid.
type InvoicePayment struct {
	Reference *string `json:"reference"` // e.g. a bank transfer's reference
}

// InvoiceVoiding voids an invoice.
type InvoiceVoiding struct {
	Reason *string `json:"reason"`
}

// InvoiceFilter narrows an invoice listing.
type InvoiceFilter struct {
	ListParams
	Status  string
	OwnerID int64
}

// InvoiceTx stores invoices and their numbering.
type InvoiceTx interface {
	InsertInvoice(ctx context.Context, inv *Invoice) error
	Invoice(ctx context.Context, id int64) (*Invoice, error)
	// InvoiceForUpdate is Invoice, locking the row until the transaction
	// ends where the engine has concurrent writers.
	InvoiceForUpdate(ctx context.Context, id int64) (*Invoice, error)
	UpdateInvoice(ctx context.Context, inv *Invoice) error
	Invoices(ctx context.Context, f InvoiceFilter) (List[*Invoice], error)
	// NextInvoiceSeq increments the organization's invoice counter for
	// period ("" when the format never resets, "2026" for a yearly one)
	// and returns the new value. The counter row stays locked until the
	// transaction ends, so concurrent senders take turns, and a rolled
	// back send gives its number back.
	NextInvoiceSeq(ctx context.Context, period string) (int64, error)
}

// invoiceData is the data of invoice events: the invoice under its name,
// as seed 003's events carry their resource.
type invoiceData struct {
	Invoice *Invoice `json:"invoice"`
}

func (in InvoiceInput) apply(inv *Invoice) {
	setID(&inv.OwnerID, in.OwnerID)
	set(&inv.BillToName, in.BillToName)
	set(&inv.BillToEmail, in.BillToEmail)
	set(&inv.BillToAddress, in.BillToAddress)
	setID(&inv.BookingID, in.BookingID)
	if in.Currency != nil {
		inv.Currency = strings.ToUpper(strings.TrimSpace(*in.Currency))
	}
	if in.TaxRate != nil {
		r := *in.TaxRate
		inv.TaxRate = &r
	} else if in.NoTax {
		inv.TaxRate = nil
	}
	if in.PaymentTermsDays != nil {
		inv.PaymentTermsDays = *in.PaymentTermsDays
	}
	set(&inv.Notes, in.Notes)
	inv.BillToEmail = strings.ToLower(inv.BillToEmail)
}

// validate checks inv and the lines given, and computes the lines and
// totals. Errors name the field: lines[2].quantity.
func (inv *Invoice) validate(ctx context.Context, tx Tx, lines *[]InvoiceLineInput, ownerChanged bool) error {
	var v Validation
	if ownerChanged && inv.OwnerID != nil {
		o, err := tx.Owner(ctx, *inv.OwnerID)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			v.Add("owner_id", "%d does not exist", *inv.OwnerID)
		case err != nil:
			return err
		default:
			// The owner's contact, unless the invoice names another.
			if strings.TrimSpace(inv.BillToName) == "" {
				inv.BillToName = o.Name
				if o.Company != "" {
					inv.BillToName = o.Company + " (" + o.Name + ")"
				}
			}
			if inv.BillToEmail == "" {
				inv.BillToEmail = o.Email
			}
		}
	}
	if strings.TrimSpace(inv.BillToName) == "" && !(ownerChanged && inv.OwnerID != nil) {
		v.Add("bill_to_name", "or owner_id is required: whom the invoice is addressed to")
	}
	if inv.BillToEmail != "" {
		if a, err := mail.ParseAddress(inv.BillToEmail); err != nil || a.Address != inv.BillToEmail {
			v.Add("bill_to_email", "must be an email address")
		}
	}
	for _, f := range []struct{ name, value string }{{"bill_to_name", inv.BillToName}, {"bill_to_address", inv.BillToAddress}} {
		if len(f.value) > maxInvoiceText {
			v.Add(f.name, "must be at most %d bytes", maxInvoiceText)
		}
	}
	if len(inv.Notes) > maxInvoiceNotes {
		v.Add("notes", "must be at most %d bytes", maxInvoiceNotes)
	}
	if inv.BookingID != nil && *inv.BookingID < 0 {
		v.Add("booking_id", "must be a positive id")
	}
	currencyOK := true
	if inv.Currency == "" {
		v.Add("currency", "is required: an ISO 4217 code such as EUR")
		currencyOK = false
	} else if c, err := NormalizeCurrency(inv.Currency); err != nil {
		v.Add("currency", "%s", err)
		currencyOK = false
	} else {
		inv.Currency = c
	}
	if inv.TaxRate != nil && (*inv.TaxRate < 0 || *inv.TaxRate > MaxCommissionRate) {
		v.Add("tax_rate", "must be a percentage from 0 to 100, or null for no tax")
	}
	if inv.PaymentTermsDays < 0 || inv.PaymentTermsDays > MaxPaymentTermsDays {
		v.Add("payment_terms_days", "must be from 0 to %d days", MaxPaymentTermsDays)
	}
	if lines != nil {
		if len(*lines) > MaxInvoiceLines {
			v.Add("lines", "must hold at most %d lines", MaxInvoiceLines)
		} else {
			inv.Lines = make([]InvoiceLine, 0, len(*lines))
			for i, in := range *lines {
				field := fmt.Sprintf("lines[%d].", i)
				l := InvoiceLine{Description: strings.TrimSpace(in.Description), Quantity: 100, TaxRate: in.TaxRate}
				if l.Description == "" {
					v.Add(field+"description", "is required")
				} else if len(l.Description) > maxInvoiceText {
					v.Add(field+"description", "must be at most %d bytes", maxInvoiceText)
				}
				if in.Quantity != nil {
					l.Quantity = *in.Quantity
				}
				if l.Quantity <= 0 || l.Quantity > maxQuantity {
					v.Add(field+"quantity", "must be more than 0 and at most %s, not %s", maxQuantity, l.Quantity)
				}
				if in.UnitPrice == nil {
					v.Add(field+"unit_price", "is required")
				} else {
					l.UnitPrice = *in.UnitPrice
					if l.UnitPrice < 0 {
						v.Add(field+"unit_price", "must not be negative (a refund or discount belongs on a credit note)")
					} else if currencyOK && l.UnitPrice%currencyUnit(inv.Currency) != 0 {
						v.Add(field+"unit_price", "must be a whole amount in %s, which has no minor unit", inv.Currency)
					}
				}
				if l.TaxRate != nil && (*l.TaxRate < 0 || *l.TaxRate > MaxCommissionRate) {
					v.Add(field+"tax_rate", "must be a percentage from 0 to 100")
				}
				inv.Lines = append(inv.Lines, l)
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if !inv.computeTotals() {
		v.Add("lines", "add up to more than %s", maxInvoiceTotal)
	}
	return v.Err()
}

// computeTotals fills each line's amount, the tax breakdown and the
// totals, exactly in hundredths: a line's amount is quantity × unit price
// rounded half up to the currency's unit; tax is computed once per rate on
// the sum of the lines at that rate, rounded the same way. It reports
// false when a figure would not fit.
func (inv *Invoice) computeTotals() bool {
	unit := big.NewInt(int64(currencyUnit(inv.Currency)))
	taxable := map[Percent]*big.Int{}
	subtotal := new(big.Int)
	for i := range inv.Lines {
		l := &inv.Lines[i]
		amt := roundDiv(new(big.Int).Mul(big.NewInt(int64(l.Quantity)), big.NewInt(int64(l.UnitPrice))), big.NewInt(100), unit)
		if amt.Cmp(big.NewInt(int64(maxInvoiceTotal))) > 0 {
			return false
		}
		l.Amount = Money(amt.Int64())
		subtotal.Add(subtotal, amt)
		rate := inv.TaxRate
		if l.TaxRate != nil {
			rate = l.TaxRate
		}
		if rate != nil {
			if taxable[*rate] == nil {
				taxable[*rate] = new(big.Int)
			}
			taxable[*rate].Add(taxable[*rate], amt)
		}
	}
	rates := make([]Percent, 0, len(taxable))
	for r := range taxable {
		rates = append(rates, r)
	}
	sort.Slice(rates, func(i, j int) bool { return rates[i] > rates[j] })
	tax := new(big.Int)
	inv.TaxBreakdown = make([]TaxLine, 0, len(rates))
	for _, r := range rates {
		t := roundDiv(new(big.Int).Mul(taxable[r], big.NewInt(int64(r))), big.NewInt(100_00), unit)
		tax.Add(tax, t)
		inv.TaxBreakdown = append(inv.TaxBreakdown, TaxLine{Rate: r, TaxableAmount: Money(taxable[r].Int64()), Tax: Money(t.Int64())})
	}
	total := new(big.Int).Add(subtotal, tax)
	if total.Cmp(big.NewInt(int64(maxInvoiceTotal))) > 0 {
		return false
	}
	inv.Subtotal, inv.TaxTotal, inv.Total = Money(subtotal.Int64()), Money(tax.Int64()), Money(total.Int64())
	return true
}

// roundDiv is n / d rounded half up to a multiple of unit (n, d, unit > 0).
func roundDiv(n, d, unit *big.Int) *big.Int {
	d = new(big.Int).Mul(d, unit)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if new(big.Int).Mul(r, big.NewInt(2)).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Mul(q, unit)
}

// CreateInvoice drafts an invoice.
func (s *Service) CreateInvoice(ctx context.Context, orgID int64, in InvoiceInput) (*Invoice, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Invoice, error) {
		inv := &Invoice{Status: InvoiceDraft, PaymentTermsDays: DefaultPaymentTerms, Lines: []InvoiceLine{}, CreatedAt: now, UpdatedAt: now}
		in.apply(inv)
		lines := in.Lines
		if lines == nil {
			lines = &[]InvoiceLineInput{}
		}
		if err := inv.validate(ctx, tx, lines, true); err != nil {
			return nil, err
		}
		if err := tx.InsertInvoice(ctx, inv); err != nil {
			return nil, fmt.Errorf("create invoice: %w", err)
		}
		audited(tx, "invoice", inv.ID, nil, inv)
		return inv, nil
	})
}

// UpdateInvoice edits a draft. A sent invoice is final: void it and draft
// another.
func (s *Service) UpdateInvoice(ctx context.Context, orgID, id int64, in InvoiceInput) (*Invoice, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Invoice, error) {
		inv, err := tx.InvoiceForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if inv.Status != InvoiceDraft {
			return nil, Errorf(ECONFLICT, "invoice %d is %s: only a draft can be edited (void it and draft another)", id, inv.Status)
		}
		before := *inv
		before.Lines = slices.Clone(inv.Lines)
		in.apply(inv)
		ownerChanged := !sameID(before.OwnerID, inv.OwnerID)
		lines := in.Lines
		if lines == nil {
			// Keep the lines; validate recomputes with a new currency or rate.
			kept := make([]InvoiceLineInput, len(inv.Lines))
			for i, l := range inv.Lines {
				q, p := l.Quantity, l.UnitPrice
				kept[i] = InvoiceLineInput{Description: l.Description, Quantity: &q, UnitPrice: &p, TaxRate: l.TaxRate}
			}
			lines = &kept
		}
		if err := inv.validate(ctx, tx, lines, ownerChanged); err != nil {
			return nil, err
		}
		if unchanged(&before, inv) {
			return inv, nil
		}
		inv.UpdatedAt = now
		if err := tx.UpdateInvoice(ctx, inv); err != nil {
			return nil, fmt.Errorf("update invoice: %w", err)
		}
		audited(tx, "invoice", inv.ID, &before, inv)
		return inv, nil
	})
}

// invoiceActions is the state machine: draft → sent → paid, and void from
// draft or sent. A paid invoice is final; correcting one will take a
// credit note (a negative invoice referring to it), not a void.
var invoiceActions = map[string]struct {
	from  []string
	to    string
	event string // "" for none
}{
	"send": {from: []string{InvoiceDraft}, to: InvoiceSent, event: "invoice.sent"},
	"pay":  {from: []string{InvoiceSent}, to: InvoicePaid, event: "invoice.paid"},
	"void": {from: []string{InvoiceDraft, InvoiceSent}, to: InvoiceVoid, event: "invoice.voided"},
}

func (s *Service) invoiceTransition(ctx context.Context, orgID, id int64, action string, change func(tx Tx, inv *Invoice, now time.Time) error) (*Invoice, error) {
	a := invoiceActions[action]
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Invoice, error) {
		inv, err := tx.InvoiceForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(a.from, inv.Status) {
			return nil, Errorf(ECONFLICT, "cannot %s invoice %d: its status is %s (%s needs %s)",
				action, id, inv.Status, action, strings.Join(a.from, " or "))
		}
		wasDraft := inv.Status == InvoiceDraft
		inv.Status = a.to
		if err := change(tx, inv, now); err != nil {
			return nil, err
		}
		inv.UpdatedAt = now
		if err := tx.UpdateInvoice(ctx, inv); err != nil {
			if action == "send" && ErrorCode(err) == ECONFLICT {
				return nil, Errorf(ECONFLICT, "cannot send invoice %d: its number %s was already given to another invoice, "+
					"because invoice_number_format changed to one that repeats earlier numbers; choose a format that cannot", id, *inv.Number)
			}
			return nil, fmt.Errorf("%s invoice: %w", action, err)
		}
		if action == "void" && wasDraft {
			return inv, nil // a draft was never issued: nobody outside knew of it
		}
		return inv, record(ctx, tx, now, a.event, "invoice", inv.ID, invoiceData{inv}, nil)
	})
}

// SendInvoice issues a draft: it takes the organization's next number in
// the same transaction, dates it today and sets the due date from the
// payment terms. Porter does not e-mail it: invoice.sent tells the tools
// that do, and GET /v1/invoices/{id}/pdf renders it.
func (s *Service) SendInvoice(ctx context.Context, orgID, id int64) (*Invoice, error) {
	return s.invoiceTransition(ctx, orgID, id, "send", func(tx Tx, inv *Invoice, now time.Time) error {
		if len(inv.Lines) == 0 {
			return &Error{Code: EINVALID, Message: "lines is required: an invoice needs at least one line to be sent",
				Fields: []FieldError{{Field: "lines", Message: "is required: an invoice needs at least one line to be sent"}}}
		}
		org, err := tx.Organization(ctx)
		if err != nil {
			return err
		}
		f, err := ParseInvoiceNumberFormat(org.InvoiceNumberFormat)
		if err != nil {
			return fmt.Errorf("organization %d invoice_number_format: %w", org.ID, err)
		}
		seq, err := tx.NextInvoiceSeq(ctx, f.Period(now))
		if err != nil {
			return err
		}
		num := f.Format(now, seq)
		issue := now.Format(DateLayout)
		due := now.AddDate(0, 0, inv.PaymentTermsDays).Format(DateLayout)
		inv.Number, inv.IssueDate, inv.DueDate, inv.SentAt = &num, &issue, &due, &now
		return nil
	})
}

// PayInvoice records that a sent invoice was paid in full.
func (s *Service) PayInvoice(ctx context.Context, orgID, id int64, in InvoicePayment) (*Invoice, error) {
	return s.invoiceTransition(ctx, orgID, id, "pay", func(_ Tx, inv *Invoice, now time.Time) error {
		if in.Reference != nil {
			r := strings.TrimSpace(*in.Reference)
			if len(r) > maxInvoiceText {
				var v Validation
				v.Add("reference", "must be at most %d bytes", maxInvoiceText)
				return v.Err()
			}
			inv.PaymentReference = r
		}
		inv.PaidAt = &now
		return nil
	})
}

// VoidInvoice cancels a draft or a sent invoice. A sent one keeps its
// number, so the sequence stays without gaps; a voided draft never had one.
func (s *Service) VoidInvoice(ctx context.Context, orgID, id int64, in InvoiceVoiding) (*Invoice, error) {
	return s.invoiceTransition(ctx, orgID, id, "void", func(_ Tx, inv *Invoice, now time.Time) error {
		if in.Reason != nil {
			r := strings.TrimSpace(*in.Reason)
			if len(r) > maxInvoiceText {
				var v Validation
				v.Add("reason", "must be at most %d bytes", maxInvoiceText)
				return v.Err()
			}
			inv.VoidReason = r
		}
		inv.VoidedAt = &now
		return nil
	})
}

// Invoice returns one invoice.
func (s *Service) Invoice(ctx context.Context, orgID, id int64) (*Invoice, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Invoice, error) { return tx.Invoice(ctx, id) })
}

// Invoices lists invoices, newest first.
func (s *Service) Invoices(ctx context.Context, orgID int64, f InvoiceFilter) (List[*Invoice], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Invoice], error) { return tx.Invoices(ctx, f) })
}

// InvoicePDF renders an invoice as a PDF document, with its
// organization's name.
func (s *Service) InvoicePDF(ctx context.Context, orgID, id int64) (*Invoice, []byte, error) {
	var inv *Invoice
	var org *Organization
	err := s.Store.View(ctx, orgID, func(tx Tx) error {
		var err error
		if inv, err = tx.Invoice(ctx, id); err != nil {
			return err
		}
		org, err = tx.Organization(ctx)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	b, err := RenderInvoicePDF(org, inv)
	return inv, b, err
}
