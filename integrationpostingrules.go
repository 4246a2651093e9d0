package porter

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// PostingRules are an ERP or accounting integration's posting rules
// (issue 11): when Porter posts, to which accounts, and whether a supplier
// invoice goes with each work order's entry.
type PostingRules struct {
	Triggers []string        `json:"triggers" doc:"When to post: work_order.closed and/or work_order.verified (one entry per work order with a cost, at whichever comes first), month_end (one summary entry per property for the work orders closed in the month; not with the work order triggers), payment.succeeded (rent collected)"`
	Currency string          `json:"currency" doc:"ISO 4217 code of every entry and invoice, e.g. EUR"`
	Accounts PostingAccounts `json:"accounts"`
	Invoice  *PostingInvoice `json:"invoice" doc:"Set to send a supplier invoice document with each work order's entry; null for entries only"`
}

// PostingAccounts maps Porter's records onto the ledger.
type PostingAccounts struct {
	DefaultExpense    string            `json:"default_expense" doc:"Expense account of a cost category not in expense; required with a work order or month_end trigger"`
	Expense           map[string]string `json:"expense" doc:"Cost category (the work order's category) → expense account"`
	Payables          string            `json:"payables" doc:"Accounts payable, credited with each work order's cost; required with a work order or month_end trigger"`
	Tax               string            `json:"tax" doc:"Input tax account, debited with the invoice's tax; required when invoice.tax_rate is above 0"`
	CostCentres       map[string]string `json:"cost_centres" doc:"Property (building) id → cost centre"`
	DefaultCostCentre string            `json:"default_cost_centre" doc:"Cost centre of a property not in cost_centres; empty leaves it blank"`
	Suppliers         map[string]string `json:"suppliers" doc:"Vendor id → supplier code in the ERP"`
	Bank              string            `json:"bank" doc:"Bank account debited with rent collected; required with payment.succeeded"`
	Receivables       string            `json:"receivables" doc:"Accounts receivable credited with rent collected; required with payment.succeeded"`
}

// PostingInvoice are the supplier invoice settings.
type PostingInvoice struct {
	NumberFormat     string `json:"number_format" doc:"Like invoice numbering: literal text and {YYYY}, {YY}, {MM}, {SEQ} or {SEQ:n}; default AP-{YYYY}-{SEQ:5}, counted per integration"`
	TaxRate          Money  `json:"tax_rate" doc:"Percent added as tax, 0 to 100 with up to two decimals, e.g. 15 or 7.5"`
	PaymentTermsDays int    `json:"payment_terms_days" doc:"Days from the invoice date to its due date, 0 to 365"`
}

// Posting triggers.
const (
	PostOnWorkOrderClosed   = "work_order.closed"
	PostOnWorkOrderVerified = "work_order.verified"
	PostOnMonthEnd          = "month_end"
	PostOnPayment           = "payment.succeeded"
)

// PostingTriggers lists every posting trigger.
var PostingTriggers = []string{PostOnWorkOrderClosed, PostOnWorkOrderVerified, PostOnMonthEnd, PostOnPayment}

// DefaultPostingInvoiceFormat numbers supplier invoices AP-2026-00001…
const DefaultPostingInvoiceFormat = "AP-{YYYY}-{SEQ:5}"

const (
	maxPostingAccount  = 64
	maxPostingMapEntry = 1000
	maxPaymentTerms    = 365
)

func (r *PostingRules) has(trigger string) bool { return slices.Contains(r.Triggers, trigger) }

func (r *PostingRules) postsWorkOrders() bool {
	return r.has(PostOnWorkOrderClosed) || r.has(PostOnWorkOrderVerified) || r.has(PostOnMonthEnd)
}

// normalize trims what a client typed and fills defaults.
func (r *PostingRules) normalize() {
	if r.Triggers == nil {
		r.Triggers = []string{}
	}
	r.Currency = strings.ToUpper(strings.TrimSpace(r.Currency))
	a := &r.Accounts
	for _, s := range []*string{&a.DefaultExpense, &a.Payables, &a.Tax, &a.DefaultCostCentre, &a.Bank, &a.Receivables} {
		*s = strings.TrimSpace(*s)
	}
	for _, m := range []*map[string]string{&a.Expense, &a.CostCentres, &a.Suppliers} {
		if *m == nil {
			*m = map[string]string{}
		}
		for k, v := range *m {
			(*m)[k] = strings.TrimSpace(v)
		}
	}
	if r.Invoice != nil && strings.TrimSpace(r.Invoice.NumberFormat) == "" {
		r.Invoice.NumberFormat = DefaultPostingInvoiceFormat
	}
}

// validate checks the rules of an integration of type typ, naming each
// problem by its path under posting_rules. Ids are checked to exist in tx.
func (r *PostingRules) validate(ctx context.Context, tx Tx, typ string) error {
	const p = "posting_rules."
	var v Validation
	if !outboundIntegration(typ) {
		v.Add("posting_rules", "apply only to erp and accounting integrations, not %s", typ)
		return unprocessableRules(v.Err())
	}
	seen := map[string]bool{}
	for i, t := range r.Triggers {
		field := fmt.Sprintf("%striggers[%d]", p, i)
		if !slices.Contains(PostingTriggers, t) {
			v.Add(field, "must be one of %s, not %q", strings.Join(PostingTriggers, ", "), t)
		} else if seen[t] {
			v.Add(field, "repeats %s", t)
		}
		seen[t] = true
	}
	if seen[PostOnMonthEnd] && (seen[PostOnWorkOrderClosed] || seen[PostOnWorkOrderVerified]) {
		v.Add(p+"triggers", "month_end sums the work orders the other triggers post one by one: choose per work order or month end, not both")
	}
	if _, err := NormalizeCurrency(r.Currency); err != nil {
		v.Add(p+"currency", "%s", err.Error())
	}
	a := &r.Accounts
	account := func(field, val string, required bool, why string) {
		switch {
		case val == "" && required:
			v.Add(p+"accounts."+field, "is required %s", why)
		case len(val) > maxPostingAccount:
			v.Add(p+"accounts."+field, "must be at most %d characters", maxPostingAccount)
		}
	}
	wo := r.postsWorkOrders()
	account("default_expense", a.DefaultExpense, wo, "to post work orders")
	account("payables", a.Payables, wo, "to post work orders")
	account("tax", a.Tax, r.Invoice != nil && r.Invoice.TaxRate > 0, "when invoice.tax_rate is above 0")
	account("default_cost_centre", a.DefaultCostCentre, false, "")
	account("bank", a.Bank, seen[PostOnPayment], "to post payment.succeeded")
	account("receivables", a.Receivables, seen[PostOnPayment], "to post payment.succeeded")
	for _, m := range []struct {
		name   string
		values map[string]string
		table  string // the Porter record its keys are ids of; "" for free text
	}{{"expense", a.Expense, ""}, {"cost_centres", a.CostCentres, "property"}, {"suppliers", a.Suppliers, "vendor"}} {
		if len(m.values) > maxPostingMapEntry {
			v.Add(p+"accounts."+m.name, "may hold at most %d entries", maxPostingMapEntry)
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(m.values)) {
			field := p + "accounts." + m.name + "." + k
			if m.values[k] == "" {
				v.Add(field, "is empty: remove the entry or name the account")
			} else if len(m.values[k]) > maxPostingAccount {
				v.Add(field, "must be at most %d characters", maxPostingAccount)
			}
			if m.table == "" {
				if strings.TrimSpace(k) == "" {
					v.Add(field, "names no cost category")
				}
				continue
			}
			id, err := strconv.ParseInt(k, 10, 64)
			if err != nil || id <= 0 {
				v.Add(field, "must be keyed by a %s id, not %q", m.table, k)
				continue
			}
			var lookErr error
			if m.table == "property" {
				_, lookErr = tx.Property(ctx, id)
			} else {
				_, lookErr = tx.Vendor(ctx, id)
			}
			if ErrorCode(lookErr) == ENOTFOUND {
				v.Add(field, "%s %d does not exist", m.table, id)
			} else if lookErr != nil {
				return lookErr
			}
		}
	}
	if in := r.Invoice; in != nil {
		if _, err := ParseInvoiceNumberFormat(in.NumberFormat); err != nil {
			v.Add(p+"invoice.number_format", "%s", err.Error())
		}
		if in.TaxRate < 0 || in.TaxRate > 10000 {
			v.Add(p+"invoice.tax_rate", "must be from 0 to 100 (percent), not %s", in.TaxRate)
		}
		if in.PaymentTermsDays < 0 || in.PaymentTermsDays > maxPaymentTerms {
			v.Add(p+"invoice.payment_terms_days", "must be from 0 to %d, not %d", maxPaymentTerms, in.PaymentTermsDays)
		}
	}
	return unprocessableRules(v.Err())
}

// unprocessableRules makes a rules error a 422, as a bad mapping is: the
// request is well formed, the rules in it cannot be applied.
func unprocessableRules(err error) error {
	if e, ok := err.(*Error); ok {
		e.Code = EUNPROCESS
		e.Message = "the posting rules are not valid: " + e.Message
	}
	return err
}

// expenseAccount is the account a cost category posts to.
func (a *PostingAccounts) expenseAccount(category string) string {
	if acc := a.Expense[category]; acc != "" {
		return acc
	}
	return a.DefaultExpense
}

func (a *PostingAccounts) costCentre(propertyID int64) string {
	if c := a.CostCentres[strconv.FormatInt(propertyID, 10)]; c != "" {
		return c
	}
	return a.DefaultCostCentre
}

func (a *PostingAccounts) supplier(vendorID *int64) string {
	if vendorID == nil {
		return ""
	}
	return a.Suppliers[strconv.FormatInt(*vendorID, 10)]
}
