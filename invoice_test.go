package porter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"porter"
	"porter/storetest"
)

func money(s string) *porter.Money {
	m, err := porter.ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return &m
}

func pct(s string) *porter.Percent { p := porter.Percent(*money(s)); return &p }
func qty(s string) *porter.Quantity {
	q := porter.Quantity(*money(s))
	return &q
}

// oneLine is a draft with one 100.00 line.
func oneLine(name string) porter.InvoiceInput {
	return porter.InvoiceInput{BillToName: ptr(name), Currency: ptr("EUR"),
		Lines: &[]porter.InvoiceLineInput{{Description: "Stay", UnitPrice: money("100.00")}}}
}

// TestInvoiceTotals checks the totals against figures worked out by hand:
// lines rounded half up to the cent, tax once per rate on the lines' sum.
func TestInvoiceTotals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		inv, err := svc.CreateInvoice(ctx, org, porter.InvoiceInput{
			BillToName: ptr("Karim B."), Currency: ptr("eur"), TaxRate: pct("20"),
			Lines: &[]porter.InvoiceLineInput{
				{Description: "Cleaning", Quantity: qty("3"), UnitPrice: money("33.33")},                       // 99.99 at 20 %
				{Description: "Linen", Quantity: qty("1.5"), UnitPrice: money("10.01"), TaxRate: pct("10")},    // 15.015 -> 15.02 at 10 %
				{Description: "Tourist tax", Quantity: qty("1"), UnitPrice: money("50.00"), TaxRate: pct("0")}, // exempt
			}})
		if err != nil {
			t.Fatal(err)
		}
		// Tax: 20 % of 99.99 = 19.998 -> 20.00; 10 % of 15.02 = 1.502 -> 1.50.
		if inv.Currency != "EUR" || inv.Subtotal.String() != "165.01" || inv.TaxTotal.String() != "21.50" || inv.Total.String() != "186.51" {
			t.Fatalf("totals: %s %s + %s = %s", inv.Currency, inv.Subtotal, inv.TaxTotal, inv.Total)
		}
		if got := []string{inv.Lines[0].Amount.String(), inv.Lines[1].Amount.String(), inv.Lines[2].Amount.String()}; fmt.Sprint(got) != "[99.99 15.02 50.00]" {
			t.Fatalf("line amounts %v", got)
		}
		b, _ := json.Marshal(inv.TaxBreakdown)
		if string(b) != `[{"rate":20.00,"taxable_amount":99.99,"tax":20.00},{"rate":10.00,"taxable_amount":15.02,"tax":1.50},{"rate":0.00,"taxable_amount":50.00,"tax":0.00}]` {
			t.Fatalf("breakdown %s", b)
		}
		// A currency without a minor unit rounds to whole units:
		// 1.5 × 1001 = 1501.5 -> 1502; 10 % of it, 150.2 -> 150.
		yen, err := svc.CreateInvoice(ctx, org, porter.InvoiceInput{BillToName: ptr("G"), Currency: ptr("JPY"), TaxRate: pct("10"),
			Lines: &[]porter.InvoiceLineInput{{Description: "Stay", Quantity: qty("1.5"), UnitPrice: money("1001")}}})
		if err != nil {
			t.Fatal(err)
		}
		if yen.Subtotal.String() != "1502.00" || yen.TaxTotal.String() != "150.00" || yen.Total.String() != "1652.00" {
			t.Fatalf("JPY totals: %s + %s = %s", yen.Subtotal, yen.TaxTotal, yen.Total)
		}
		// Read back, the figures are the same.
		got, err := svc.Invoice(ctx, org, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(inv)
		c, _ := json.Marshal(got)
		if string(a) != string(c) {
			t.Fatalf("stored:\n%s\nread back:\n%s", a, c)
		}
	})
}

// TestInvoiceNumbersGapless sends invoices from many goroutines at once:
// they get the numbers 1..N, none twice and none missing, on both engines.
func TestInvoiceNumbersGapless(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		const n = 12
		ids := make([]int64, n)
		for i := range ids {
			inv, err := svc.CreateInvoice(ctx, org, oneLine(fmt.Sprint("Guest ", i)))
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = inv.ID
		}
		// A send that fails takes no number.
		empty, err := svc.CreateInvoice(ctx, org, porter.InvoiceInput{BillToName: ptr("Nobody"), Currency: ptr("EUR")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SendInvoice(ctx, org, empty.ID); porter.ErrorCode(err) != porter.EINVALID {
			t.Fatalf("sending an invoice without lines: %v", err)
		}
		numbers := make([]string, n)
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				inv, err := svc.SendInvoice(ctx, org, id)
				if err != nil {
					errs <- err
					return
				}
				numbers[i] = *inv.Number
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		sort.Strings(numbers)
		for i, num := range numbers {
			if want := fmt.Sprintf("INV-2025-%05d", i+1); num != want {
				t.Fatalf("numbers %v: #%d is %s, want %s", numbers, i, num, want)
			}
		}
		// Voiding a sent invoice keeps its number; the next continues.
		if v, err := svc.VoidInvoice(ctx, org, ids[0], porter.InvoiceVoiding{Reason: ptr("duplicate")}); err != nil || v.Number == nil {
			t.Fatalf("void: %v %+v", err, v)
		}
		next, err := svc.CreateInvoice(ctx, org, oneLine("Later"))
		if err != nil {
			t.Fatal(err)
		}
		if next, err = svc.SendInvoice(ctx, org, next.ID); err != nil || *next.Number != fmt.Sprintf("INV-2025-%05d", n+1) {
			t.Fatalf("next: %v %v", err, next)
		}
		// Another organization counts on its own.
		other := &porter.Organization{Name: "Other"}
		if err := s.CreateOrganization(ctx, other); err != nil {
			t.Fatal(err)
		}
		o, err := svc.CreateInvoice(ctx, other.ID, oneLine("X"))
		if err != nil {
			t.Fatal(err)
		}
		if o, err = svc.SendInvoice(ctx, other.ID, o.ID); err != nil || *o.Number != "INV-2025-00001" {
			t.Fatalf("other organization: %v %v", err, o)
		}
		// A new format with a monthly sequence starts its own count.
		if _, err := svc.UpdateOrganization(ctx, org, porter.OrganizationInput{InvoiceNumberFormat: ptr("F{YY}{MM}-{SEQ:3}")}); err != nil {
			t.Fatal(err)
		}
		m, _ := svc.CreateInvoice(ctx, org, oneLine("Y"))
		if m, err = svc.SendInvoice(ctx, org, m.ID); err != nil || *m.Number != "F2505-001" || *m.IssueDate != "2025-05-09" || *m.DueDate != "2025-06-08" {
			t.Fatalf("monthly: %v %+v", err, m)
		}
		// A format that repeats an earlier number is refused at send, and
		// the refused send gives its sequence number back.
		if _, err := svc.UpdateOrganization(ctx, org, porter.OrganizationInput{InvoiceNumberFormat: ptr("F25{SEQ:2}-001")}); err != nil {
			t.Fatal(err)
		}
		// F25{SEQ:2}-001 never restarts: its first number is F2501-001, but
		// F2505-001 comes at its fifth; send four first.
		for i := 1; i <= 4; i++ {
			x, _ := svc.CreateInvoice(ctx, org, oneLine("Z"))
			if _, err := svc.SendInvoice(ctx, org, x.ID); err != nil {
				t.Fatal(err)
			}
		}
		dup, _ := svc.CreateInvoice(ctx, org, oneLine("Dup"))
		if _, err := svc.SendInvoice(ctx, org, dup.ID); porter.ErrorCode(err) != porter.ECONFLICT || !strings.Contains(err.Error(), "F2505-001") {
			t.Fatalf("a repeated number: %v", err)
		}
		if d, _ := svc.Invoice(ctx, org, dup.ID); d.Status != porter.InvoiceDraft || d.Number != nil {
			t.Fatalf("the refused send changed the draft: %+v", d)
		}
	})
}

// TestInvoiceStateMachine: draft → sent → paid, void from draft or sent;
// everything else is a conflict that changes nothing.
func TestInvoiceStateMachine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		inv, err := svc.CreateInvoice(ctx, org, oneLine("Guest"))
		if err != nil {
			t.Fatal(err)
		}
		conflict := func(what string, err error) {
			t.Helper()
			if porter.ErrorCode(err) != porter.ECONFLICT {
				t.Fatalf("%s: %v, want a conflict", what, err)
			}
		}
		_, err = svc.PayInvoice(ctx, org, inv.ID, porter.InvoicePayment{})
		conflict("pay a draft", err)
		if inv, err = svc.SendInvoice(ctx, org, inv.ID); err != nil || inv.Status != porter.InvoiceSent {
			t.Fatalf("send: %v", err)
		}
		_, err = svc.SendInvoice(ctx, org, inv.ID)
		conflict("send twice", err)
		_, err = svc.UpdateInvoice(ctx, org, inv.ID, porter.InvoiceInput{Notes: ptr("late edit")})
		conflict("edit a sent invoice", err)
		if inv, err = svc.PayInvoice(ctx, org, inv.ID, porter.InvoicePayment{Reference: ptr("VIR-991")}); err != nil || inv.PaidAt == nil || inv.PaymentReference != "VIR-991" {
			t.Fatalf("pay: %v %+v", err, inv)
		}
		_, err = svc.VoidInvoice(ctx, org, inv.ID, porter.InvoiceVoiding{})
		conflict("void a paid invoice", err)
		_, err = svc.PayInvoice(ctx, org, inv.ID, porter.InvoicePayment{})
		conflict("pay twice", err)

		d, _ := svc.CreateInvoice(ctx, org, oneLine("Draft"))
		if d, err = svc.VoidInvoice(ctx, org, d.ID, porter.InvoiceVoiding{}); err != nil || d.Status != porter.InvoiceVoid || d.Number != nil {
			t.Fatalf("void a draft: %v %+v", err, d)
		}
		_, err = svc.SendInvoice(ctx, org, d.ID)
		conflict("send a void invoice", err)

		var types []string
		l, _ := svc.Events(ctx, org, porter.EventFilter{ListParams: porter.ListParams{PerPage: 10}})
		for _, e := range l.Items {
			types = append(types, e.Type)
		}
		// Newest first; a voided draft was never issued, so it says nothing.
		if fmt.Sprint(types) != "[invoice.paid invoice.sent]" {
			t.Fatalf("events %v", types)
		}
		var data struct {
			Invoice porter.Invoice `json:"invoice"`
		}
		if err := json.Unmarshal(l.Items[0].Data, &data); err != nil || data.Invoice.ID != inv.ID || data.Invoice.Status != "paid" || *data.Invoice.Number != "INV-2025-00001" {
			t.Fatalf("invoice.paid data %s: %v", l.Items[0].Data, err)
		}
	})
}
