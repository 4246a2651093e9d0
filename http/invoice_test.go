package http_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"porter"
)

// pdfText is the text of a PDF's content streams, inflated: enough to see
// what a page says without a PDF library.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	var out strings.Builder
	for rest := b; ; {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			break
		}
		rest = rest[i+len("stream\n"):]
		j := bytes.Index(rest, []byte("endstream"))
		if j < 0 {
			t.Fatal("a stream without endstream")
		}
		data := bytes.TrimRight(rest[:j], "\r\n")
		if r, err := zlib.NewReader(bytes.NewReader(data)); err == nil {
			text, _ := io.ReadAll(r)
			out.Write(text)
		} else {
			out.Write(data)
		}
		rest = rest[j+len("endstream"):]
	}
	return out.String()
}

func invoiceBody() map[string]any {
	return map[string]any{"bill_to_name": "Karim B.", "bill_to_email": "Karim@Example.com", "currency": "mad", "tax_rate": 20, "booking_id": 9876,
		"lines": []any{
			map[string]any{"description": "7 nights, Riad Yasmine", "quantity": 7, "unit_price": "766.13"},            // 5362.91
			map[string]any{"description": "Cleaning", "unit_price": 150.5, "tax_rate": 10},                            // 150.50 at 10 %
			map[string]any{"description": "Tourist tax (exempt)", "quantity": 2.5, "unit_price": 9.99, "tax_rate": 0}, // 24.975 -> 24.98
		}}
}

func TestInvoicesAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		inv := a.do("POST", "/v1/invoices", invoiceBody()).must(t, 201).obj("data")
		// 20 % of 5362.91 = 1072.582 -> 1072.58; 10 % of 150.50 = 15.05.
		if inv["status"] != "draft" || inv["number"] != nil || inv["currency"] != "MAD" || inv["bill_to_email"] != "karim@example.com" ||
			inv["subtotal"] != 5538.39 || inv["tax_total"] != 1087.63 || inv["total"] != 6626.02 || inv["booking_id"] != 9876.0 {
			t.Fatalf("invoice = %v", inv)
		}
		path := "/v1/invoices/" + itoa(int(inv["id"].(float64)))
		if a.eventCount() != 0 {
			t.Fatal("a draft was announced")
		}

		// Bad input names the field and writes nothing.
		before := a.do("GET", "/v1/invoices", nil).must(t, 200).obj("meta")["total"]
		for _, c := range []struct {
			edit  func(m map[string]any)
			field string
		}{
			{func(m map[string]any) { m["currency"] = "XYZ" }, "currency"},
			{func(m map[string]any) { delete(m, "currency") }, "currency"},
			{func(m map[string]any) { delete(m, "bill_to_name") }, "bill_to_name"},
			{func(m map[string]any) { m["lines"].([]any)[1].(map[string]any)["quantity"] = -1 }, "lines[1].quantity"},
			{func(m map[string]any) { m["lines"].([]any)[0].(map[string]any)["unit_price"] = -5 }, "lines[0].unit_price"},
			{func(m map[string]any) { m["lines"].([]any)[2].(map[string]any)["description"] = " " }, "lines[2].description"},
			{func(m map[string]any) { m["tax_rate"] = 120 }, "tax_rate"},
			{func(m map[string]any) { m["payment_terms_days"] = -1 }, "payment_terms_days"},
			{func(m map[string]any) { m["owner_id"] = 424242 }, "owner_id"},
			{func(m map[string]any) { m["currency"] = "JPY" }, "lines[0].unit_price"}, // no minor unit
		} {
			body := invoiceBody()
			c.edit(body)
			r := a.do("POST", "/v1/invoices", body).must(t, 400)
			if !strings.Contains(string(r.Body), `"field":"`+c.field+`"`) {
				t.Errorf("%s: %s", c.field, r.Body)
			}
		}
		a.do("POST", "/v1/invoices", `{"currency":"EUR","bill_to_name":"X","lines":[{"description":"a","unit_price":1.001}]}`).must(t, 400)
		if got := a.do("GET", "/v1/invoices", nil).must(t, 200).obj("meta")["total"]; got != before || a.eventCount() != 0 {
			t.Fatalf("bad input wrote: %v invoices, %d events", got, a.eventCount())
		}

		// A draft is edited freely; a PATCH without lines keeps them. Without
		// the invoice's rate, only the lines with their own are taxed.
		p := a.do("PATCH", path, map[string]any{"payment_terms_days": 14, "no_tax": true}).must(t, 200).obj("data")
		if p["tax_rate"] != nil || p["tax_total"] != 15.05 || p["total"] != 5553.44 || len(p["lines"].([]any)) != 3 {
			t.Fatalf("patched = %v", p)
		}
		a.do("PATCH", path, map[string]any{"tax_rate": 20}).must(t, 200)

		// Sending numbers and dates it.
		sent := a.do("POST", path+"/send", nil).must(t, 200).obj("data")
		if sent["number"] != "INV-2025-00001" || sent["issue_date"] != "2025-05-09" || sent["due_date"] != "2025-05-23" || sent["status"] != "sent" {
			t.Fatalf("sent = %v", sent)
		}
		a.do("POST", path+"/send", nil).must(t, 409)
		a.do("PATCH", path, map[string]any{"notes": "x"}).must(t, 409)
		evs := a.allEvents(t)
		if len(evs) != 1 || evs[0].Type != "invoice.sent" || !strings.Contains(string(evs[0].Data), `"number":"INV-2025-00001"`) {
			t.Fatalf("events after send: %v", evs)
		}

		// The PDF says what the invoice says.
		res := a.do("GET", path+"/pdf", nil).must(t, 200)
		if ct := res.Header.Get("Content-Type"); ct != "application/pdf" || !bytes.HasPrefix(res.Body, []byte("%PDF-")) ||
			!bytes.Contains(res.Body[len(res.Body)-16:], []byte("%%EOF")) || !strings.Contains(res.Header.Get("Content-Disposition"), "INV-2025-00001.pdf") {
			t.Fatalf("pdf: %s, %d bytes starting %q", ct, len(res.Body), res.Body[:min(8, len(res.Body))])
		}
		text := pdfText(t, res.Body)
		for _, want := range []string{"(Acme)", "(INV-2025-00001)", "(Karim B.)", "(7 nights, Riad Yasmine)", "(6626.02)", "(1072.58)", "(2025-05-23)", "Payment terms: 14 days"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF's text lacks %s:\n%.2000s", want, text)
			}
		}

		a.do("POST", path+"/pay", map[string]any{"reference": "VIR-2025-77"}).must(t, 200)
		a.do("POST", path+"/void", nil).must(t, 409)
		a.do("POST", path+"/pay", nil).must(t, 409)
		if evs := a.allEvents(t); evs[0].Type != "invoice.paid" {
			t.Fatalf("last event %s", evs[0].Type)
		}

		// Scopes: invoices:read reads and renders, but does not write.
		reader := a.scopedKey("invoices:read")
		a.doKey(reader, "GET", path, nil, nil).must(t, 200)
		a.doKey(reader, "GET", path+"/pdf", nil, nil).must(t, 200)
		a.doKey(reader, "POST", "/v1/invoices", invoiceBody(), nil).must(t, 403)
		a.doKey(a.scopedKey("owners:read"), "GET", path, nil, nil).must(t, 403)
		writer := a.scopedKey("invoices:write")
		a.doKey(writer, "GET", "/v1/invoices?status=paid", nil, nil).must(t, 200)

		// Another organization sees none of it.
		for _, c := range [][2]string{{"GET", path}, {"GET", path + "/pdf"}, {"PATCH", path}, {"POST", path + "/void"}} {
			var body any
			if c[0] == "PATCH" {
				body = map[string]any{"notes": "x"}
			}
			a.doKey(a.otherKey, c[0], c[1], body, nil).must(t, 404)
		}
		if l := a.doKey(a.otherKey, "GET", "/v1/invoices", nil, nil).must(t, 200); l.obj("meta")["total"] != 0.0 {
			t.Fatalf("other org lists %s", l.Body)
		}
		a.do("GET", "/v1/invoices?status=bogus", nil).must(t, 400)
	})
}

// TestInvoiceNumberingAPI: concurrent sends over HTTP get 1..N, and the
// format is an organization setting, validated.
func TestInvoiceNumberingAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		r := a.do("PATCH", "/v1/organization", map[string]any{"invoice_number_format": "INV-{SEQ"}).must(t, 400)
		if !strings.Contains(string(r.Body), `"field":"invoice_number_format"`) {
			t.Fatalf("bad format: %s", r.Body)
		}
		a.do("PATCH", "/v1/organization", map[string]any{"review_alert_threshold": 9}).must(t, 400)
		if a.eventCount() != 0 {
			t.Fatal("a refused setting was recorded")
		}
		org := a.do("PATCH", "/v1/organization", map[string]any{"invoice_number_format": "ACME/{YYYY}/{SEQ:4}"}).must(t, 200).obj("data")
		if org["invoice_number_format"] != "ACME/{YYYY}/{SEQ:4}" || org["review_alert_threshold"] != 4.0 {
			t.Fatalf("organization = %v", org)
		}
		const n = 8
		paths := make([]string, n)
		for i := range paths {
			paths[i] = "/v1/invoices/" + itoa(int(a.do("POST", "/v1/invoices", invoiceBody()).must(t, 201).obj("data")["id"].(float64)))
		}
		got := make(chan string, n)
		var wg sync.WaitGroup
		for _, p := range paths {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := a.do("POST", p+"/send", nil)
				if res.Status != 200 {
					got <- fmt.Sprintf("status %d: %s", res.Status, res.Body)
					return
				}
				got <- res.obj("data")["number"].(string)
			}()
		}
		wg.Wait()
		close(got)
		seen := map[string]bool{}
		for num := range got {
			seen[num] = true
		}
		for i := 1; i <= n; i++ {
			if want := fmt.Sprintf("ACME/2025/%04d", i); !seen[want] {
				t.Fatalf("numbers %v lack %s", seen, want)
			}
		}
		_ = porter.DefaultInvoiceNumberFormat
	})
}
