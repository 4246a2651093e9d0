package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"porter"
)

// Short-term rentals: invoices to guests or owners (the Service's
// drafting, gapless numbering on send, and PDF).

var invoiceLabels = map[string]string{"owner_id": "Owner", "bill_to_name": "Bill to", "bill_to_email": "Email",
	"bill_to_address": "Address", "booking_id": "Booking", "currency": "Currency", "tax_rate": "VAT rate",
	"payment_terms_days": "Payment terms", "notes": "Notes", "lines": "Lines", "reference": "Payment reference", "reason": "Reason"}

// lineLabels is invoiceLabels with the form's words for the Service's
// line fields (lines[0].unit_price is "Line 1 price"), for n lines.
func lineLabels(n int) map[string]string {
	out := make(map[string]string, len(invoiceLabels)+4*n)
	for k, v := range invoiceLabels {
		out[k] = v
	}
	for i := range n {
		for field, label := range map[string]string{"description": "description", "quantity": "quantity", "unit_price": "price", "tax_rate": "VAT rate"} {
			out[fmt.Sprintf("lines[%d].%s", i, field)] = fmt.Sprintf("Line %d %s", i+1, label)
		}
	}
	return out
}

// invoiceFormLines is how many line rows the draft form offers.
const invoiceFormLines = 5

type invoicesData struct {
	Items    []*porter.Invoice
	Owners   []pick
	Status   string
	Statuses []string
	Rows     []int
	Pager    pager
	Form     url.Values
	Error    string
}

func (c *Console) invoices(w http.ResponseWriter, r *http.Request, u *porter.User) {
	// A booking's page links here with the guest as the bill-to.
	q := r.URL.Query()
	form := url.Values{"bill_to_name": {q.Get("bill_to_name")}, "booking_id": {q.Get("booking_id")}, "payment_terms_days": {"14"}}
	c.renderInvoices(w, r, u, http.StatusOK, invoicesData{Form: form})
}

func (c *Console) renderInvoices(w http.ResponseWriter, r *http.Request, u *porter.User, status int, d invoicesData) {
	f := porter.InvoiceFilter{ListParams: listParams(r), Status: r.URL.Query().Get("status")}
	ctx := r.Context()
	list, err := c.svc.Invoices(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Owners, err = c.ownerChoices(r, u); err != nil {
		c.fail(w, r, u, err)
		return
	}
	for i := range invoiceFormLines {
		d.Rows = append(d.Rows, i)
	}
	d.Items, d.Status, d.Statuses, d.Pager = list.Items, f.Status, porter.InvoiceStatuses, newPager(r, f.ListParams, list.Total)
	c.render(w, status, "invoices", view{Title: "Invoices", Nav: "invoices", User: u, Data: d})
}

// formDecimal reads a two-decimal number (a quantity, a percentage) as
// hundredths; empty is nil.
func formDecimal(v url.Values, name, label string, errs *formErrors) *int64 {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return nil
	}
	m, err := porter.ParseMoney(strings.TrimSuffix(s, "%"))
	if err != nil {
		errs.add(label, err.Error()+", such as 1 or 20.5")
		return nil
	}
	n := int64(m)
	return &n
}

// invoiceFormLinesOf reads the form's line rows (line_description_0,
// line_quantity_0, line_unit_price_0, ...), skipping the empty ones. The
// rows end at the first index the form does not send at all.
func invoiceFormLinesOf(v url.Values, errs *formErrors) []porter.InvoiceLineInput {
	var lines []porter.InvoiceLineInput
	for i := 0; i <= porter.MaxInvoiceLines; i++ {
		k := strconv.Itoa(i)
		_, d := v["line_description_"+k]
		_, p := v["line_unit_price_"+k]
		_, q := v["line_quantity_"+k]
		if !d && !p && !q {
			break
		}
		desc := strings.TrimSpace(v.Get("line_description_" + k))
		price := formMoney(v, "line_unit_price_"+k, fmt.Sprintf("Line %d price", i+1), errs)
		qty := formDecimal(v, "line_quantity_"+k, fmt.Sprintf("Line %d quantity", i+1), errs)
		if desc == "" && price == nil && qty == nil {
			continue
		}
		l := porter.InvoiceLineInput{Description: desc, UnitPrice: price}
		if qty != nil {
			q := porter.Quantity(*qty)
			l.Quantity = &q
		}
		lines = append(lines, l)
	}
	return lines
}

func (c *Console) createInvoice(w http.ResponseWriter, r *http.Request, u *porter.User) {
	bad := func(status int, msg string) {
		c.renderInvoices(w, r, u, status, invoicesData{Form: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.InvoiceInput{OwnerID: formID(v, "owner_id", "Owner", &errs), BillToName: formText(v, "bill_to_name"),
		BillToEmail: formText(v, "bill_to_email"), BillToAddress: formText(v, "bill_to_address"),
		BookingID: formID(v, "booking_id", "Booking", &errs), Currency: formText(v, "currency"), Notes: formText(v, "notes")}
	if t := formDecimal(v, "tax_rate", "VAT rate", &errs); t != nil {
		p := porter.Percent(*t)
		in.TaxRate = &p
	}
	if n := formCount(v, "payment_terms_days", "Payment terms", &errs); n != nil {
		d := int(*n)
		in.PaymentTermsDays = &d
	}
	lines := invoiceFormLinesOf(v, &errs)
	if len(lines) == 0 && len(errs) == 0 {
		errs.add("Lines", "need at least one line with a description and a price")
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	in.Lines = &lines
	inv, err := c.svc.CreateInvoice(r.Context(), u.OrgID, in)
	if status, msg, ok := strRefusal(err, lineLabels(len(lines))); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/invoices/", inv.ID))
}

type invoiceData struct {
	Invoice *porter.Invoice
	Events  []*porter.Event
	Owners  []pick
	Rows    []int      // the draft form's line rows
	Form    url.Values // marking paid, voiding
	Edit    url.Values // editing a draft
	Error   string
}

func (c *Console) invoice(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderInvoice(w, r, u, id, http.StatusOK, invoiceData{})
}

func (c *Console) renderInvoice(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, d invoiceData) {
	ctx := r.Context()
	inv, err := c.svc.Invoice(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "invoice", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if d.Form == nil {
		d.Form = url.Values{}
	}
	if inv.Status == porter.InvoiceDraft {
		if d.Owners, err = c.ownerChoices(r, u); err != nil {
			c.fail(w, r, u, err)
			return
		}
		if d.Edit == nil {
			d.Edit = draftForm(inv)
		}
		// Every line, and room for two more (at least the new form's rows).
		n := max(len(inv.Lines)+2, invoiceFormLines)
		for i := 0; i < n || d.Edit.Has(fmt.Sprintf("line_description_%d", i)); i++ {
			d.Rows = append(d.Rows, i)
		}
	}
	d.Invoice = inv
	title := "Draft invoice " + strconv.FormatInt(inv.ID, 10)
	if inv.Number != nil {
		title = "Invoice " + *inv.Number
	}
	c.render(w, status, "invoice", view{Title: title, Nav: "invoices", User: u, Data: d})
}

// draftForm is a draft as its edit form shows it.
func draftForm(inv *porter.Invoice) url.Values {
	v := url.Values{"bill_to_name": {inv.BillToName}, "bill_to_email": {inv.BillToEmail}, "bill_to_address": {inv.BillToAddress},
		"currency": {inv.Currency}, "payment_terms_days": {strconv.Itoa(inv.PaymentTermsDays)}, "notes": {inv.Notes}}
	if inv.OwnerID != nil {
		v.Set("owner_id", strconv.FormatInt(*inv.OwnerID, 10))
	}
	if inv.BookingID != nil {
		v.Set("booking_id", strconv.FormatInt(*inv.BookingID, 10))
	}
	if inv.TaxRate != nil {
		v.Set("tax_rate", inv.TaxRate.String())
	}
	for i, l := range inv.Lines {
		k := strconv.Itoa(i)
		v.Set("line_description_"+k, l.Description)
		v.Set("line_quantity_"+k, l.Quantity.String())
		v.Set("line_unit_price_"+k, l.UnitPrice.String())
	}
	return v
}

// updateInvoice edits a draft (PATCH /v1/invoices/{id}): the form sends
// every field and every line, so an emptied field is cleared, an empty VAT
// rate is no tax and the lines replace the draft's. A sent invoice is
// final: 409.
func (c *Console) updateInvoice(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	bad := func(status int, msg string) {
		c.renderInvoice(w, r, u, id, status, invoiceData{Edit: r.PostForm, Error: msg})
	}
	if msg, ok := readPostedForm(w, r); !ok {
		bad(http.StatusBadRequest, msg)
		return
	}
	v := r.PostForm
	var errs formErrors
	in := porter.InvoiceInput{OwnerID: formID(v, "owner_id", "Owner", &errs), BillToName: formTextAll(v, "bill_to_name"),
		BillToEmail: formTextAll(v, "bill_to_email"), BillToAddress: formTextAll(v, "bill_to_address"),
		BookingID: formID(v, "booking_id", "Booking", &errs), Currency: formText(v, "currency"), Notes: formTextAll(v, "notes")}
	var none int64
	if in.OwnerID == nil && strings.TrimSpace(v.Get("owner_id")) == "" {
		in.OwnerID = &none // "—": bill anyone by name
	}
	if in.BookingID == nil && strings.TrimSpace(v.Get("booking_id")) == "" {
		in.BookingID = &none
	}
	if t := formDecimal(v, "tax_rate", "VAT rate", &errs); t != nil {
		p := porter.Percent(*t)
		in.TaxRate = &p
	} else if strings.TrimSpace(v.Get("tax_rate")) == "" {
		in.NoTax = true
	}
	if n := formCount(v, "payment_terms_days", "Payment terms", &errs); n != nil {
		d := int(*n)
		in.PaymentTermsDays = &d
	}
	lines := invoiceFormLinesOf(v, &errs)
	if len(lines) == 0 && len(errs) == 0 {
		errs.add("Lines", "need at least one line with a description and a price")
	}
	// Another organization's invoice is a 404 whatever the form holds.
	if _, err := c.svc.Invoice(r.Context(), u.OrgID, id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if len(errs) > 0 {
		bad(http.StatusBadRequest, errs.String())
		return
	}
	in.Lines = &lines
	_, err := c.svc.UpdateInvoice(r.Context(), u.OrgID, id, in)
	if status, msg, ok := strRefusal(err, lineLabels(len(lines))); ok {
		bad(status, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/invoices/", id))
}

func (c *Console) invoiceAction(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if msg, ok := readPostedForm(w, r); !ok {
		c.renderInvoice(w, r, u, id, http.StatusBadRequest, invoiceData{Error: msg})
		return
	}
	ctx, v := r.Context(), r.PostForm
	var err error
	switch r.PathValue("action") {
	case "send":
		_, err = c.svc.SendInvoice(ctx, u.OrgID, id)
	case "pay":
		_, err = c.svc.PayInvoice(ctx, u.OrgID, id, porter.InvoicePayment{Reference: formText(v, "reference")})
	case "void":
		_, err = c.svc.VoidInvoice(ctx, u.OrgID, id, porter.InvoiceVoiding{Reason: formText(v, "reason")})
	default:
		c.notFound(w, r, u)
		return
	}
	if status, msg, ok := strRefusal(err, invoiceLabels); ok {
		c.renderInvoice(w, r, u, id, status, invoiceData{Form: v, Error: msg})
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, idPath("/invoices/", id))
}

// invoicePDF is the invoice rendered as GET /v1/invoices/{id}/pdf renders
// it.
func (c *Console) invoicePDF(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	inv, b, err := c.svc.InvoicePDF(r.Context(), u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	name := fmt.Sprintf("invoice-draft-%d.pdf", inv.ID)
	if inv.Number != nil {
		name = *inv.Number + ".pdf"
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", "inline; filename="+strconv.Quote(name))
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}
