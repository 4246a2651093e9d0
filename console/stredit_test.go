package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"porter"
	"porter/storetest"
)

// strEditFixture adds to strFixture what the editing pages act on: a
// block on the second unit and the property linked to the owner.
type strEditFixture struct {
	strFixture
	block, ownership int64
}

func newSTREditFixture(t *testing.T, svc *porter.Service, org int64, text string) strEditFixture {
	t.Helper()
	ctx := context.Background()
	f := strEditFixture{strFixture: newSTRFixture(t, svc, org, text)}
	b, err := svc.CreateBlock(ctx, org, porter.BlockInput{UnitID: &f.unit2, Kind: ptr("maintenance"), StartDate: ptr("2026-07-20"),
		EndDate: ptr("2026-07-22"), Reason: ptr(text)})
	must(t, err)
	rate := porter.Percent(2000)
	l, err := svc.LinkProperty(ctx, org, f.owner, porter.OwnershipInput{PropertyID: &f.property, CommissionRate: &rate, StartDate: ptr("2026-01-01")})
	must(t, err)
	_, err = svc.UpdateOwner(ctx, org, f.owner, porter.OwnerInput{Name: ptr(text), Company: ptr(text)})
	must(t, err)
	f.block, f.ownership = b.ID, l.ID
	return f
}

// TestSTREditFlow: a manager, in Chromium, adds an owner, links a property
// to them with a commission and a fee, edits a draft invoice's lines and
// VAT, and sends it: the send button is the only transition a draft
// offers, and a sent invoice offers no edit form.
func TestSTREditFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		s.addManager(t)
		f := newSTRFixture(t, s.svc, s.org, "Grace Guest")
		ctx := tab(t)
		q := chromedp.ByQuery
		if h1 := s.signIn(t, ctx, "manager@acme.test", password); h1 == "" {
			t.Fatal("no page after sign-in")
		}

		run(t, ctx, chromedp.Navigate(s.URL+"/owners"), chromedp.WaitVisible("#new-owner", q),
			chromedp.SendKeys("#owner-name", "Olivia Owner", q),
			chromedp.SendKeys("#owner-email", "olivia@owners.test", q),
			loads(chromedp.Submit("#owner-name", q)), chromedp.WaitVisible("#link-property", q),
			chromedp.SetValue("#own-property", itoa(f.property), q),
			chromedp.SendKeys("#own-commission", "18.5", q),
			chromedp.SendKeys("#own-mgmt", "40.00", q),
			chromedp.SetValue("#own-start", "2026-05-01", q),
			loads(chromedp.Submit("#own-commission", q)), chromedp.WaitVisible("#ownerships", q))
		if got := text(t, ctx, "#ownerships tbody"); !strings.Contains(got, "Sea Villas") || !strings.Contains(got, "18.50 %") || !strings.Contains(got, "40.00") {
			t.Fatalf("ownerships after linking: %q", got)
		}
		run(t, ctx, chromedp.SetValue("#edit-owner-phone", "+33 6 00 00 00 00", q),
			loads(chromedp.Submit("#edit-owner-phone", q)), chromedp.WaitVisible("#ownerships", q))
		if got := text(t, ctx, "dl.facts"); !strings.Contains(got, "+33 6 00 00 00 00") || !strings.Contains(got, "olivia@owners.test") {
			t.Fatalf("owner after edit: %q", got)
		}

		run(t, ctx, chromedp.Navigate(s.URL+"/invoices/"+itoa(f.invoice)), chromedp.WaitVisible("#edit-invoice", q),
			chromedp.SetValue("#edit-line-desc-0", "Deep cleaning", q),
			chromedp.SetValue("#edit-line-qty-0", "2", q),
			chromedp.SetValue("#edit-line-desc-1", "Linen", q),
			chromedp.SetValue("#edit-line-price-1", "15.00", q),
			chromedp.SetValue("#edit-inv-tax", "10", q),
			chromedp.SetValue("#edit-inv-terms", "7", q),
			loads(chromedp.Click("#save-invoice", q)), chromedp.WaitVisible("#invoice-lines", q))
		if got := text(t, ctx, "#invoice-lines tbody"); !strings.Contains(got, "Deep cleaning") || !strings.Contains(got, "Linen") || !strings.Contains(got, "100.00") {
			t.Fatalf("lines after edit: %q", got)
		}
		// (2 × 50.00 + 15.00) + 10 % VAT
		if got := text(t, ctx, "#invoice-total"); got != "126.50 EUR" {
			t.Fatalf("total after edit: %q, want 126.50 EUR (%s)", got, text(t, ctx, "main"))
		}
		var pay, void int
		run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#pay-invoice").length`, &pay),
			chromedp.Evaluate(`document.querySelectorAll("#void-invoice").length`, &void))
		if pay != 0 || void != 1 {
			t.Fatalf("a draft offers pay %d and void %d forms, want 0 and 1", pay, void)
		}
		run(t, ctx, loads(chromedp.Click("#send-invoice", q)), chromedp.WaitVisible("#invoice-status", q))
		if got := text(t, ctx, "#invoice-status"); got != "sent" {
			t.Fatalf("after send: %q", got)
		}
		var edit, send int
		run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#edit-invoice").length`, &edit),
			chromedp.Evaluate(`document.querySelectorAll("#send-invoice").length`, &send),
			chromedp.Evaluate(`document.querySelectorAll("#pay-invoice").length`, &pay))
		if edit != 0 || send != 0 || pay != 1 {
			t.Fatalf("a sent invoice offers edit %d, send %d, pay %d forms, want 0, 0, 1", edit, send, pay)
		}
		inv, err := s.svc.Invoice(context.Background(), s.org, f.invoice)
		must(t, err)
		if inv.Total != 12650 || inv.PaymentTermsDays != 7 || len(inv.Lines) != 2 || inv.Number == nil {
			t.Fatalf("stored invoice: total %s, terms %d, %d lines, number %v", inv.Total, inv.PaymentTermsDays, len(inv.Lines), inv.Number)
		}
	})
}

// TestSTREditRefusals: what the editing pages refuse whatever the page
// offered, each writing nothing: a viewer's edits (403), another
// organization's records (404), bad input (400 naming the field), a
// change the record's state forbids (409); and what they accept.
func TestSTREditRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		s.addManager(t)
		const xss = "<script>alert(1)</script>"
		mine, theirs := newSTREditFixture(t, s.svc, s.org, xss), newSTREditFixture(t, s.svc, s.otherOrg, "Theirs Text")
		manager, viewer := s.opsSignIn(t, "manager@acme.test"), s.opsSignIn(t, "viewer@acme.test")
		id := itoa
		paths := func(f strEditFixture) (block, ownership, owner, invoice string) {
			return "/calendar/blocks/" + id(f.block), "/owners/" + id(f.owner) + "/properties/" + id(f.ownership),
				"/owners/" + id(f.owner), "/invoices/" + id(f.invoice)
		}
		goodBlock := url.Values{"kind": {"owner_stay"}, "start_date": {"2026-07-24"}, "end_date": {"2026-07-25"}, "reason": {"Owner"}}
		goodOwnership := url.Values{"commission_rate": {"25"}, "start_date": {"2026-01-01"}}
		goodInvoice := url.Values{"bill_to_name": {"Bea"}, "currency": {"EUR"}, "line_description_0": {"Stay"}, "line_unit_price_0": {"10.00"}}
		with := func(base url.Values, kv ...string) url.Values {
			v := url.Values{}
			for k, vs := range base {
				v[k] = vs
			}
			for i := 0; i < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}

		t.Run("viewer reads and writes nothing", func(t *testing.T) {
			block, ownership, owner, invoice := paths(mine)
			for _, c := range []struct {
				path string
				form url.Values
			}{
				{block, goodBlock}, {block + "/delete", nil}, {owner, url.Values{"name": {"V"}}},
				{ownership, goodOwnership}, {ownership + "/end", url.Values{"end_date": {"2026-12-31"}}}, {invoice, goodInvoice},
			} {
				before := strWritten(t, s.svc, s.org)
				if code, _ := opsPost(t, s.URL+c.path, viewer, c.form); code != http.StatusForbidden {
					t.Errorf("viewer POST %s: %d, want 403", c.path, code)
				}
				if after := strWritten(t, s.svc, s.org); after != before {
					t.Errorf("viewer POST %s wrote: %s -> %s", c.path, before, after)
				}
			}
			for _, path := range []string{block, ownership} {
				code, body := get(t, s.URL+path, viewer)
				if code != http.StatusOK || strings.Contains(body, `method="post"`) && strings.Contains(body, path+`"`) {
					t.Errorf("viewer GET %s: %d (and no edit form)", path, code)
				}
			}
		})

		t.Run("another organization's records are not found", func(t *testing.T) {
			before := strWritten(t, s.svc, s.otherOrg)
			block, ownership, owner, invoice := paths(theirs)
			for _, path := range []string{block, ownership, "/owners/" + id(mine.owner) + "/properties/" + id(theirs.ownership),
				"/owners/" + id(theirs.owner) + "/properties/" + id(mine.ownership)} {
				if code, body := get(t, s.URL+path, manager); code != http.StatusNotFound || strings.Contains(body, "Theirs Text") {
					t.Errorf("GET %s: %d, want a 404 page", path, code)
				}
			}
			for _, c := range []struct {
				path string
				form url.Values
			}{
				{block, goodBlock}, {block + "/delete", nil}, {owner, url.Values{"name": {"Mine now"}}},
				{ownership, goodOwnership}, {ownership + "/end", url.Values{"end_date": {"2026-12-31"}}}, {invoice, goodInvoice},
				// Bad input too: the record is looked for first.
				{ownership, url.Values{"commission_rate": {"x"}}}, {invoice, url.Values{}},
			} {
				if code, _ := opsPost(t, s.URL+c.path, manager, c.form); code != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", c.path, code)
				}
			}
			if after := strWritten(t, s.svc, s.otherOrg); after != before {
				t.Errorf("their organization changed: %s -> %s", before, after)
			}
			o, err := s.svc.Owner(context.Background(), s.otherOrg, theirs.owner)
			must(t, err)
			if o.Name != "Theirs Text" {
				t.Errorf("their owner renamed to %q", o.Name)
			}
		})

		t.Run("bad input names the field and writes nothing", func(t *testing.T) {
			block, ownership, owner, invoice := paths(mine)
			for _, c := range []struct {
				name, path string
				form       url.Values
				code       int
				want       []string
			}{
				{"block ends before it starts", block, with(goodBlock, "end_date", "2026-07-23"), 400, []string{"Last night"}},
				{"block bad kind", block, with(goodBlock, "kind", "party"), 400, []string{"Kind"}},
				{"block bad date", block, with(goodBlock, "start_date", "July"), 400, []string{"First night"}},
				{"owner without a name", owner, url.Values{"name": {""}, "email": {"a@b.test"}}, 400, []string{"Name"}},
				{"owner bad email", owner, url.Values{"name": {"Ada"}, "email": {"not an address"}}, 400, []string{"Email"}},
				{"commission above 100", ownership, with(goodOwnership, "commission_rate", "150"), 400, []string{"Commission"}},
				{"commission missing", ownership, with(goodOwnership, "commission_rate", ""), 400, []string{"Commission"}},
				{"negative fee", ownership, with(goodOwnership, "cleaning_fee", "-5.00"), 400, []string{"Cleaning fee"}},
				{"ownership ends before it starts", ownership, with(goodOwnership, "end_date", "2025-12-31"), 400, []string{"Until"}},
				{"unlink without a day", ownership + "/end", url.Values{"end_date": {""}}, 400, []string{"Until"}},
				{"unlink before the start", ownership + "/end", url.Values{"end_date": {"2025-06-01"}}, 400, []string{"Until"}},
				{"invoice without lines", invoice, url.Values{"bill_to_name": {"Bea"}, "currency": {"EUR"}}, 400, []string{"Lines"}},
				{"invoice bad currency", invoice, with(goodInvoice, "currency", "XYZ"), 400, []string{"Currency"}},
				{"invoice bad quantity", invoice, with(goodInvoice, "line_quantity_0", "two"), 400, []string{"Line 1 quantity"}},
				{"invoice negative price", invoice, with(goodInvoice, "line_unit_price_0", "-1.00"), 400, []string{"Line 1 price", "negative"}},
				{"invoice bad VAT", invoice, with(goodInvoice, "tax_rate", "120"), 400, []string{"VAT rate"}},
				{"invoice without a name", invoice, with(goodInvoice, "bill_to_name", ""), 400, []string{"Bill to"}},
				{"paying a draft", invoice + "/pay", url.Values{}, 409, []string{"draft"}},
			} {
				before := strWritten(t, s.svc, s.org)
				code, body := opsPost(t, s.URL+c.path, manager, c.form)
				if code != c.code {
					t.Errorf("%s: %d, want %d", c.name, code, c.code)
				}
				msg := regexp.MustCompile(`(?s)id="form-error">(.*?)</p>`).FindStringSubmatch(body)
				if msg == nil {
					t.Errorf("%s: no form error shown (%d)", c.name, code)
					continue
				}
				for _, w := range c.want {
					if !strings.Contains(msg[1], w) {
						t.Errorf("%s: message %q does not name %q", c.name, msg[1], w)
					}
				}
				if after := strWritten(t, s.svc, s.org); after != before {
					t.Errorf("%s wrote: %s -> %s", c.name, before, after)
				}
			}
		})

		t.Run("state refusals are 409 and write nothing", func(t *testing.T) {
			ctx := context.Background()
			// A block on the booked unit cannot be moved onto the stay.
			b, err := s.svc.CreateBlock(ctx, s.org, porter.BlockInput{UnitID: &mine.unit, StartDate: ptr("2026-07-01"), EndDate: ptr("2026-07-02")})
			must(t, err)
			before := strWritten(t, s.svc, s.org)
			code, body := opsPost(t, s.URL+"/calendar/blocks/"+id(b.ID), manager, with(goodBlock, "start_date", "2026-07-09", "end_date", "2026-07-12"))
			if code != http.StatusConflict || !strings.Contains(body, mine.reference) {
				t.Errorf("block over a stay: %d, want 409 naming %s", code, mine.reference)
			}
			if after := strWritten(t, s.svc, s.org); after != before {
				t.Errorf("the refused block move wrote: %s -> %s", before, after)
			}
			// A sent invoice is final.
			sent, err := s.svc.CreateInvoice(ctx, s.org, porter.InvoiceInput{BillToName: ptr("Sent"), Currency: ptr("EUR"),
				Lines: &[]porter.InvoiceLineInput{{Description: "x", UnitPrice: ptr(porter.Money(100))}}})
			must(t, err)
			_, err = s.svc.SendInvoice(ctx, s.org, sent.ID)
			must(t, err)
			before = strWritten(t, s.svc, s.org)
			for _, c := range []struct{ path, want string }{
				{"/invoices/" + id(sent.ID), "only a draft"},
				{"/invoices/" + id(sent.ID) + "/send", "cannot send"},
			} {
				code, body := opsPost(t, s.URL+c.path, manager, goodInvoice)
				if code != http.StatusConflict || !strings.Contains(body, c.want) {
					t.Errorf("POST %s on a sent invoice: %d, want 409 %q", c.path, code, c.want)
				}
			}
			if after := strWritten(t, s.svc, s.org); after != before {
				t.Errorf("refusals wrote: %s -> %s", before, after)
			}
		})

		t.Run("a name is text", func(t *testing.T) {
			block, ownership, owner, invoice := paths(mine)
			for _, path := range []string{block, ownership, owner, invoice, "/calendar?month=2026-07"} {
				code, body := get(t, s.URL+path, manager)
				if code != http.StatusOK || strings.Contains(body, xss) || !strings.Contains(body, "&lt;script&gt;") {
					t.Errorf("GET %s: %d, the text is not escaped", path, code)
				}
			}
		})

		t.Run("edits land", func(t *testing.T) {
			ctx := context.Background()
			block, ownership, owner, invoice := paths(mine)
			for _, c := range []struct {
				path, to string
				form     url.Values
			}{
				{block, "/calendar?month=2026-07", goodBlock},
				{owner, owner, url.Values{"name": {"Ada Renamed"}, "email": {"ada@owners.test"}}},
				{ownership, owner, with(goodOwnership, "cleaning_fee", "30.00")},
				{ownership + "/end", owner, url.Values{"end_date": {"2026-12-31"}}},
				{invoice, invoice, with(goodInvoice, "tax_rate", "")},
				{block + "/delete", "/calendar?month=2026-07", nil},
			} {
				code, _ := opsPost(t, s.URL+c.path, manager, c.form)
				if code != http.StatusSeeOther {
					t.Fatalf("POST %s: %d, want 303", c.path, code)
				}
			}
			if _, err := s.svc.Block(ctx, s.org, mine.block); porter.ErrorCode(err) != porter.ENOTFOUND {
				t.Errorf("block after delete: %v", err)
			}
			o, err := s.svc.Owner(ctx, s.org, mine.owner)
			must(t, err)
			links, err := s.svc.OwnerProperties(ctx, s.org, mine.owner)
			must(t, err)
			inv, err := s.svc.Invoice(ctx, s.org, mine.invoice)
			must(t, err)
			if o.Name != "Ada Renamed" || o.Company != "" || len(links) != 1 || links[0].CleaningFee != 3000 || links[0].CommissionRate != 2500 ||
				links[0].EndDate == nil || *links[0].EndDate != "2026-12-31" || inv.BillToName != "Bea" || inv.TaxRate != nil || inv.Total != 1000 {
				t.Errorf("after the edits: owner %+v, ownership %+v, invoice %+v", o, links[0], inv)
			}
			// The deleted block's page is gone.
			if code, _ := get(t, s.URL+block, manager); code != http.StatusNotFound {
				t.Errorf("deleted block's page: %d", code)
			}
		})
	})
}
