package porter

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// ERP / accounting posting (issue 11). An erp or accounting integration
// with posting rules turns work-order costs (and, when asked, rent
// collected) into journal entries and supplier invoices. Each is stored as
// a posting, unique per integration and source, and recorded as the event
// integration.posting.created about the integration. A webhook the
// integration owns (source "integration") is subscribed to that event and
// hears only its own integration's postings, so they reach endpoint_url
// through the delivery engine: signed with the integration's secret, with
// seed 000's retries, the delivery log and replay.

// IntegrationPosting is one journal entry (and supplier invoice) posted.
type IntegrationPosting struct {
	ID            int64            `json:"id"`
	IntegrationID int64            `json:"integration_id"`
	Source        PostingSource    `json:"source"`
	Rule          string           `json:"rule" doc:"The trigger that posted it: work_order.closed, work_order.verified, month_end or payment.succeeded"`
	Period        string           `json:"period,omitempty" doc:"month_end: the month summed, e.g. 2026-11"`
	PropertyID    *int64           `json:"property_id"`
	Date          string           `json:"date" doc:"The entry's date: the day it was posted, or the month's last day for month_end"`
	Amount        Money            `json:"amount" doc:"The entry's total (debits = credits)"`
	Currency      string           `json:"currency"`
	JournalEntry  JournalEntry     `json:"journal_entry"`
	Invoice       *SupplierInvoice `json:"invoice" doc:"The supplier invoice document, when the rules ask for one; null otherwise"`
	WebhookID     *int64           `json:"webhook_id" doc:"The integration's webhook that delivers it: its deliveries are at /v1/webhooks/{webhook_id}/deliveries"`
	EventID       string           `json:"event_id,omitempty" doc:"The integration.posting.created event that carries it (the deliveries' event_id); absent from the event itself, whose id it is"`
	CreatedAt     time.Time        `json:"created_at"`

	invoicePeriod string
	invoiceSeq    int64
}

// PostingSource is what a posting is about; Key makes it unique.
type PostingSource struct {
	Type string `json:"type" doc:"work_order, payment or month_end"`
	ID   int64  `json:"id" doc:"The work order or payment id; the property id for month_end"`
	Key  string `json:"key" doc:"Unique per integration: work_order:12, payment:7, month_end:2026-11:property:3"`
}

// JournalEntry is a balanced entry: the debits equal the credits.
type JournalEntry struct {
	Reference   string        `json:"reference" doc:"The work order number (WO-2026-00012), PAY-<id> or ME-2026-11-P<property id>"`
	Date        string        `json:"date"`
	Description string        `json:"description"`
	Currency    string        `json:"currency"`
	Lines       []JournalLine `json:"lines"`
}

// JournalLine is one line of an entry; one of debit and credit is zero.
type JournalLine struct {
	Account      string `json:"account"`
	Debit        Money  `json:"debit"`
	Credit       Money  `json:"credit"`
	CostCentre   string `json:"cost_centre"`
	SupplierCode string `json:"supplier_code"`
	Description  string `json:"description"`
}

// SupplierInvoice is the supplier invoice document sent with a work
// order's entry.
type SupplierInvoice struct {
	Number           string `json:"number"`
	SupplierCode     string `json:"supplier_code"`
	VendorID         *int64 `json:"vendor_id"`
	Reference        string `json:"reference"`
	IssueDate        string `json:"issue_date"`
	DueDate          string `json:"due_date"`
	PaymentTermsDays int    `json:"payment_terms_days"`
	Currency         string `json:"currency"`
	Subtotal         Money  `json:"subtotal"`
	TaxRate          Money  `json:"tax_rate" doc:"Percent"`
	Tax              Money  `json:"tax"`
	Total            Money  `json:"total"`
}

// PostingFilter narrows an integration's postings.
type PostingFilter struct {
	ListParams
	IntegrationID int64
	SourceType    string
	From          *time.Time // posted at or after
	To            *time.Time // posted before
}

// PostingSetup is one enabled integration's posting rules, as the
// triggers read them.
type PostingSetup struct {
	IntegrationID int64
	Rules         *PostingRules
	WebhookID     *int64
}

// ClosedWorkOrderCost is a closed work order's cost, for month end.
type ClosedWorkOrderCost struct {
	ID         int64
	PropertyID int64
	Category   string
	VendorID   *int64
	Cost       Money
}

// IntegrationPostingTx stores posting rules and postings.
type IntegrationPostingTx interface {
	// PostingRules returns an integration's rules, ENOTFOUND when it has none.
	PostingRules(ctx context.Context, integrationID int64) (*PostingSetup, error)
	PutPostingRules(ctx context.Context, s *PostingSetup, now time.Time) error
	// PostingSetups lists the rules of this organization's enabled integrations.
	PostingSetups(ctx context.Context) ([]*PostingSetup, error)
	// InsertPosting stores p and sets its ID; false (and nothing written)
	// when its source was posted already.
	InsertPosting(ctx context.Context, p *IntegrationPosting) (bool, error)
	// SetPostingEvent stores p as it is now with its event id.
	SetPostingEvent(ctx context.Context, p *IntegrationPosting) error
	NextPostingInvoiceSeq(ctx context.Context, integrationID int64, period string) (int64, error)
	Posting(ctx context.Context, integrationID, id int64) (*IntegrationPosting, error)
	Postings(ctx context.Context, f PostingFilter) (List[*IntegrationPosting], error)
	// ExportPostings lists up to limit postings after afterID, oldest first.
	ExportPostings(ctx context.Context, f PostingFilter, afterID int64, limit int) ([]*IntegrationPosting, error)
	// ClosedWorkOrderCosts lists the work orders with a cost closed in [from, to).
	ClosedWorkOrderCosts(ctx context.Context, from, to time.Time) ([]ClosedWorkOrderCost, error)
}

// PostingSourceTypes lists what postings are about.
var PostingSourceTypes = []string{"work_order", "payment", "month_end"}

// postingEvent is the event each posting is recorded as.
const postingEvent = "integration.posting.created"

// post stores p for its integration once per source and records the event
// its webhook delivers, with a success row in the integration log linking
// the two; a source posted before writes nothing.
func post(ctx context.Context, tx Tx, now time.Time, set *PostingSetup, p *IntegrationPosting) error {
	p.IntegrationID, p.WebhookID, p.CreatedAt = set.IntegrationID, set.WebhookID, now
	if inv := p.Invoice; inv != nil {
		f, err := ParseInvoiceNumberFormat(set.Rules.Invoice.NumberFormat)
		if err != nil {
			return fmt.Errorf("post %s: %w", p.Source.Key, err)
		}
		// One counter per integration and period: serialise its readers.
		if err := tx.LockIntegrationSource(ctx, set.IntegrationID, "posting", "invoice-number"); err != nil {
			return err
		}
		p.invoicePeriod = f.Period(now)
		if p.invoiceSeq, err = tx.NextPostingInvoiceSeq(ctx, set.IntegrationID, p.invoicePeriod); err != nil {
			return fmt.Errorf("post %s: %w", p.Source.Key, err)
		}
		inv.Number = f.Format(now, p.invoiceSeq)
	}
	inserted, err := tx.InsertPosting(ctx, p)
	if err != nil || !inserted {
		return err
	}
	e := &Event{OrgID: tx.OrgID(), Type: postingEvent, FiredAt: now.UTC(), ResourceType: "integration", ResourceID: set.IntegrationID}
	if e.Data, err = json.Marshal(p); err != nil {
		return fmt.Errorf("post %s: %w", p.Source.Key, err)
	}
	if err := tx.InsertEvent(ctx, e); err != nil {
		return fmt.Errorf("post %s: %w", p.Source.Key, err)
	}
	p.EventID = e.ID()
	if err := tx.SetPostingEvent(ctx, p); err != nil {
		return fmt.Errorf("post %s: %w", p.Source.Key, err)
	}
	raw := string(e.Data)
	row := &IntegrationLogEntry{IntegrationID: set.IntegrationID, ReceivedAt: now, Entity: "posting", SourceID: p.Source.Key,
		Target: &IntegrationRef{Type: "integration_posting", ID: p.ID}, Status: LogSuccess, Raw: raw, Attempts: 1, UpdatedAt: now}
	if len(raw) > MaxIntegrationRaw {
		row.Raw = raw[:MaxIntegrationRaw]
	}
	if err := tx.InsertIntegrationLog(ctx, row); err != nil {
		return fmt.Errorf("post %s: %w", p.Source.Key, err)
	}
	return nil
}

// postWorkOrder posts a work order's cost for every integration whose
// rules take event (work_order.closed or work_order.verified). A work
// order without a cost posts nothing.
func postWorkOrder(ctx context.Context, tx Tx, now time.Time, w *WorkOrder, event string) error {
	if (event != PostOnWorkOrderClosed && event != PostOnWorkOrderVerified) || w.Cost <= 0 {
		return nil
	}
	sets, err := tx.PostingSetups(ctx)
	if err != nil || len(sets) == 0 {
		return err
	}
	for _, set := range sets {
		if !set.Rules.has(event) {
			continue
		}
		if err := post(ctx, tx, now, set, workOrderPosting(set.Rules, w, event, now)); err != nil {
			return err
		}
	}
	return nil
}

// workOrderPosting is a work order's entry: debit its category's expense
// account (and the tax account with the invoice's tax), credit payables,
// under its property's cost centre and its vendor's supplier code.
func workOrderPosting(r *PostingRules, w *WorkOrder, event string, now time.Time) *IntegrationPosting {
	a := &r.Accounts
	date := now.UTC().Format(time.DateOnly)
	ref, centre, supplier := WorkOrderNumber(w), a.costCentre(w.PropertyID), a.supplier(w.VendorID)
	desc := fmt.Sprintf("%s %s", ref, w.Title)
	pid := w.PropertyID
	p := &IntegrationPosting{Source: PostingSource{Type: "work_order", ID: w.ID, Key: "work_order:" + strconv.FormatInt(w.ID, 10)},
		Rule: event, PropertyID: &pid, Date: date, Currency: r.Currency}
	total, tax := w.Cost, Money(0)
	if in := r.Invoice; in != nil {
		tax = percentOf(w.Cost, in.TaxRate)
		total = w.Cost + tax
		due, _ := time.Parse(time.DateOnly, date)
		p.Invoice = &SupplierInvoice{SupplierCode: supplier, VendorID: w.VendorID, Reference: ref, IssueDate: date,
			DueDate: due.AddDate(0, 0, in.PaymentTermsDays).Format(time.DateOnly), PaymentTermsDays: in.PaymentTermsDays,
			Currency: r.Currency, Subtotal: w.Cost, TaxRate: in.TaxRate, Tax: tax, Total: total}
	}
	lines := []JournalLine{{Account: a.expenseAccount(w.Category), Debit: w.Cost, CostCentre: centre, SupplierCode: supplier, Description: desc}}
	if tax > 0 {
		lines = append(lines, JournalLine{Account: a.Tax, Debit: tax, CostCentre: centre, SupplierCode: supplier, Description: "Tax " + ref})
	}
	lines = append(lines, JournalLine{Account: a.Payables, Credit: total, CostCentre: centre, SupplierCode: supplier, Description: desc})
	p.Amount = total
	p.JournalEntry = JournalEntry{Reference: ref, Date: date, Description: desc, Currency: r.Currency, Lines: lines}
	return p
}

// percentOf is amount × rate% (rate in hundredths of a percent), rounded
// half away from zero to the cent.
func percentOf(amount, rate Money) Money {
	n := int64(amount) * int64(rate)
	if n >= 0 {
		return Money((n + 5000) / 10000)
	}
	return Money((n - 5000) / 10000)
}

// postPayment pushes rent collected to every integration whose rules take
// payment.succeeded: debit the bank, credit receivables.
func postPayment(ctx context.Context, tx Tx, now time.Time, pay *Payment) error {
	if pay.Status != PaymentSucceeded || pay.Amount <= 0 {
		return nil
	}
	sets, err := tx.PostingSetups(ctx)
	if err != nil || len(sets) == 0 {
		return err
	}
	for _, set := range sets {
		if !set.Rules.has(PostOnPayment) {
			continue
		}
		a, date := &set.Rules.Accounts, now.UTC().Format(time.DateOnly)
		ref := "PAY-" + strconv.FormatInt(pay.ID, 10)
		desc := fmt.Sprintf("Rent collected from tenant %d (%s)", pay.TenantID, pay.Method)
		if pay.Reference != "" {
			desc += " " + pay.Reference
		}
		p := &IntegrationPosting{Source: PostingSource{Type: "payment", ID: pay.ID, Key: "payment:" + strconv.FormatInt(pay.ID, 10)},
			Rule: PostOnPayment, Date: date, Amount: pay.Amount, Currency: set.Rules.Currency,
			JournalEntry: JournalEntry{Reference: ref, Date: date, Description: desc, Currency: set.Rules.Currency, Lines: []JournalLine{
				{Account: a.Bank, Debit: pay.Amount, Description: desc},
				{Account: a.Receivables, Credit: pay.Amount, Description: desc},
			}}}
		if err := post(ctx, tx, now, set, p); err != nil {
			return err
		}
	}
	return nil
}

// withPostingRules sets an integration's posting rules and webhook.
func withPostingRules(ctx context.Context, tx Tx, it *Integration) error {
	if !outboundIntegration(it.Type) {
		return nil
	}
	set, err := tx.PostingRules(ctx, it.ID)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	it.PostingRules, it.PostingWebhookID = set.Rules, set.WebhookID
	return nil
}

// IntegrationPostings lists an integration's postings, newest first.
func (s *Service) IntegrationPostings(ctx context.Context, orgID int64, f PostingFilter) (List[*IntegrationPosting], error) {
	f.Normalize()
	if err := f.validate(); err != nil {
		return List[*IntegrationPosting]{}, err
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*IntegrationPosting], error) {
		if _, err := tx.Integration(ctx, f.IntegrationID); err != nil {
			return List[*IntegrationPosting]{}, err
		}
		return tx.Postings(ctx, f)
	})
}

func (f *PostingFilter) validate() error {
	var v Validation
	if f.SourceType != "" {
		v.OneOf("source_type", f.SourceType, PostingSourceTypes...)
	}
	if f.From != nil && f.To != nil && !f.To.After(*f.From) {
		v.Add("to", "must be after from")
	}
	return v.Err()
}

// IntegrationPosting returns one posting of an integration.
func (s *Service) IntegrationPosting(ctx context.Context, orgID, integrationID, id int64) (*IntegrationPosting, error) {
	return view(ctx, s, orgID, func(tx Tx) (*IntegrationPosting, error) {
		if _, err := tx.Integration(ctx, integrationID); err != nil {
			return nil, err
		}
		return tx.Posting(ctx, integrationID, id)
	})
}

// PostingInvoiceCounter is the invoice number counter a posting drew from
// (period, sequence): stored so that the next number follows it.
func PostingInvoiceCounter(p *IntegrationPosting) (string, int64) {
	return p.invoicePeriod, p.invoiceSeq
}
