package http_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"porter"
	"porter/webhook"
)

// erpReceiver is a real loopback ERP endpoint that keeps each request's
// raw body, so that its signature can be checked over the exact bytes.
type erpReceiver struct {
	srv    *httptest.Server
	status atomic.Int32
	got    chan erpCall
}

type erpCall struct {
	header http.Header
	raw    []byte
	body   map[string]any
}

func newERPReceiver(t *testing.T) *erpReceiver {
	rc := &erpReceiver{got: make(chan erpCall, 64)}
	rc.status.Store(200)
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		select {
		case rc.got <- erpCall{r.Header.Clone(), b, m}:
		default: // never block the engine: a test reads what it expects
		}
		w.WriteHeader(int(rc.status.Load()))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *erpReceiver) next(t *testing.T) erpCall {
	t.Helper()
	select {
	case c := <-rc.got:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no posting arrived")
		return erpCall{}
	}
}

// quiet fails if anything arrives within a short wait.
func (rc *erpReceiver) quiet(t *testing.T) {
	t.Helper()
	select {
	case c := <-rc.got:
		t.Fatalf("unexpected call: %s", c.raw)
	case <-time.After(300 * time.Millisecond):
	}
}

// workOrderDone takes a new work order through to verified with cost.
func (a *api) workOrderDone(pid, vid float64, category, cost string) string {
	a.t.Helper()
	wo := a.do("POST", "/v1/work_orders", map[string]any{"property_id": pid, "title": "Leaking valve", "description": "Drips", "category": category}).must(a.t, 201).obj("data")
	path := fmt.Sprintf("/v1/work_orders/%d", int(wo["id"].(float64)))
	a.do("POST", path+"/assign", map[string]any{"vendor_id": vid}).must(a.t, 200)
	a.do("POST", path+"/start", nil).must(a.t, 200)
	a.do("POST", path+"/complete", map[string]any{"cost": cost, "resolution_notes": "Replaced"}).must(a.t, 200)
	a.do("POST", path+"/verify", nil).must(a.t, 200)
	return path
}

func erpRules(pid, vid float64, triggers ...string) map[string]any {
	return map[string]any{"triggers": triggers, "currency": "eur", "accounts": map[string]any{
		"default_expense": "6000", "expense": map[string]any{"plumbing": "6100"}, "payables": "2000", "tax": "1400",
		"cost_centres": map[string]any{itoa(int(pid)): "CC-TOWER"}, "suppliers": map[string]any{itoa(int(vid)): "SUP-9"},
		"bank": "1000", "receivables": "1200"},
		"invoice": map[string]any{"tax_rate": 20, "payment_terms_days": 30}}
}

// A work order closed with a cost is posted once to the ERP, signed with
// the integration's secret, through the delivery engine: a failed attempt
// replayed from the delivery log arrives again under the same event, and
// verifying then closing the work order posts nothing more. Rent collected
// follows the same road, and the CSV export has one row per journal line.
func TestERPPostingOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		rc := newERPReceiver(t)
		a.deliver()
		pid := a.do("POST", "/v1/properties", map[string]any{"name": "Tower A"}).must(t, 201).obj("data")["id"].(float64)
		vid := a.do("POST", "/v1/vendors", map[string]any{"name": "Fixit Ltd", "trade": "plumbing"}).must(t, 201).obj("data")["id"].(float64)
		created := a.do("POST", "/v1/integrations", map[string]any{"name": "Ledger", "type": "erp", "endpoint_url": rc.srv.URL + "/erp",
			"posting_rules": erpRules(pid, vid, "work_order.verified", "work_order.closed", "payment.succeeded")}).must(t, 201).obj("data")
		id, secret := int(created["id"].(float64)), created["secret"].(string)
		rules := created["posting_rules"].(map[string]any)
		if rules["currency"] != "EUR" || rules["invoice"].(map[string]any)["number_format"] != porter.DefaultPostingInvoiceFormat || created["posting_webhook_id"] == nil {
			t.Fatalf("created = %v", created)
		}
		base := fmt.Sprintf("/v1/integrations/%d", id)
		hook := fmt.Sprintf("/v1/webhooks/%d", int(created["posting_webhook_id"].(float64)))

		// The webhook is listed, marked, and follows the integration only.
		h := a.do("GET", hook, nil).must(t, 200).obj("data")
		if h["source"] != "integration" || h["url"] != rc.srv.URL+"/erp" || h["headers"].(map[string]any)["X-Porter-Integration"] != itoa(id) {
			t.Fatalf("webhook = %v", h)
		}
		if n := len(items(a.do("GET", "/v1/webhooks?source=integration", nil).must(t, 200))); n != 1 {
			t.Fatalf("%d integration webhooks", n)
		}
		for _, c := range []struct {
			method, path string
			body         any
		}{{"PATCH", hook, map[string]any{"url": rc.srv.URL + "/other"}}, {"DELETE", hook, nil}, {"POST", hook + "/rotate_secret", nil}} {
			if r := a.do(c.method, c.path, c.body).must(t, 409); !strings.Contains(string(r.Body), base) {
				t.Errorf("%s %s: %s", c.method, c.path, r.Body)
			}
		}

		rc.status.Store(500) // the first attempt fails
		wo := a.workOrderDone(pid, vid, "plumbing", "125.50")
		first := rc.next(t)
		if first.header.Get("X-PM-Event") != "integration.posting.created" || first.header.Get("X-Porter-Integration") != itoa(id) {
			t.Fatalf("headers: %v", first.header)
		}
		if got := first.header.Get("X-PM-Signature"); got != webhook.SignPM(secret, first.raw) {
			t.Fatalf("X-PM-Signature %q does not verify with the integration's secret", got)
		}
		p := first.body["data"].(map[string]any)
		entry := p["journal_entry"].(map[string]any)
		lines := entry["lines"].([]any)
		want := []string{"6100 125.50 0.00 CC-TOWER SUP-9", "1400 25.10 0.00 CC-TOWER SUP-9", "2000 0.00 150.60 CC-TOWER SUP-9"}
		for i, l := range lines {
			m := l.(map[string]any)
			if got := fmt.Sprintf("%v %.2f %.2f %v %v", m["account"], m["debit"], m["credit"], m["cost_centre"], m["supplier_code"]); i >= len(want) || got != want[i] {
				t.Errorf("line %d = %s", i, got)
			}
		}
		inv := p["invoice"].(map[string]any)
		year := a.now.UTC().Year()
		if len(lines) != 3 || p["rule"] != "work_order.verified" || !strings.HasPrefix(entry["reference"].(string), fmt.Sprintf("WO-%d-", year)) ||
			inv["number"] != fmt.Sprintf("AP-%d-00001", year) || inv["total"] != 150.60 || inv["due_date"] != a.now.UTC().AddDate(0, 0, 30).Format("2006-01-02") {
			t.Fatalf("posting = %v", p)
		}

		// Closing posts nothing more; replaying the failed delivery sends
		// the same event again.
		a.do("POST", wo+"/close", nil).must(t, 200)
		var deliveryID string
		for deadline := time.Now().Add(10 * time.Second); deliveryID == ""; time.Sleep(10 * time.Millisecond) {
			if l := items(a.do("GET", hook+"/deliveries", nil).must(t, 200)); len(l) == 1 && l[0]["response_status"] != nil {
				deliveryID = itoa(int(l[0]["id"].(float64)))
			} else if time.Now().After(deadline) {
				t.Fatalf("deliveries: %v", l)
			}
		}
		rc.status.Store(200)
		a.do("POST", "/v1/deliveries/"+deliveryID+"/replay", nil).must(t, 202)
		if again := rc.next(t); again.body["id"] != first.body["id"] || again.header.Get("X-PM-Signature") != webhook.SignPM(secret, again.raw) {
			t.Fatalf("replay: %v", again.body)
		}
		rc.quiet(t)
		postings := a.do("GET", base+"/postings", nil).must(t, 200)
		if postings.obj("meta")["total"] != 1.0 {
			t.Fatalf("postings: %s", postings.Body)
		}
		got := items(postings)[0]
		if got["event_id"] != first.body["id"] || got["webhook_id"] == nil {
			t.Fatalf("posting = %v", got)
		}
		a.do("GET", fmt.Sprintf("%s/postings/%d", base, int(got["id"].(float64))), nil).must(t, 200)
		a.do("GET", base+"/postings/999999", nil).must(t, 404)
		// The integration log has a row per posting, linking to it.
		log := items(a.do("GET", base+"/log?entity=posting", nil).must(t, 200))
		if len(log) != 1 || log[0]["status"] != "success" || log[0]["target"].(map[string]any)["type"] != "integration_posting" {
			t.Fatalf("log = %v", log)
		}

		// Rent collected, after the integration's secret is rotated: its
		// webhook signs with the new one.
		secret = a.do("POST", base+"/rotate_secret", nil).must(t, 200).obj("data")["secret"].(string)
		tid := a.do("POST", "/v1/tenants", map[string]any{"email": "t@example.com", "first_name": "T", "last_name": "X"}).must(t, 201).obj("data")["id"].(float64)
		a.do("POST", "/v1/payments", map[string]any{"tenant_id": tid, "amount": 900}).must(t, 201)
		rentCall := rc.next(t)
		if got := rentCall.header.Get("X-PM-Signature"); got != webhook.SignPM(secret, rentCall.raw) {
			t.Fatalf("after rotation, X-PM-Signature %q does not verify with the new secret", got)
		}
		rent := rentCall.body["data"].(map[string]any)
		if rent["rule"] != "payment.succeeded" || rent["amount"] != 900.0 || len(rent["journal_entry"].(map[string]any)["lines"].([]any)) != 2 {
			t.Fatalf("rent posting = %v", rent)
		}

		// CSV: one row per journal line, in the documented columns.
		r := a.do("GET", base+"/postings.csv", nil).must(t, 200)
		rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
		if err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %v %v", err, r.Header)
		}
		if strings.Join(rows[0], ",") != strings.Join(porter.PostingCSVColumns, ",") || len(rows) != 1+3+2 {
			t.Fatalf("csv rows = %v", rows)
		}
		if line := rows[1]; line[7] != "1" || line[8] != "6100" || line[9] != "125.50" || line[12] != "CC-TOWER" || line[13] != "SUP-9" || line[14] != fmt.Sprintf("AP-%d-00001", year) {
			t.Fatalf("first line = %v", line)
		}
		future := a.now.Add(time.Hour).UTC().Format(time.RFC3339)
		if r := a.do("GET", base+"/postings.csv?from="+future, nil).must(t, 200); strings.Count(string(r.Body), "\n") != 1 {
			t.Fatalf("csv from the future: %s", r.Body)
		}
		a.do("GET", base+"/postings.csv?from="+future+"&to="+future, nil).must(t, 400)
		a.do("GET", base+"/postings.csv?from=yesterday", nil).must(t, 400)
		a.do("GET", "/v1/integrations/999999/postings.csv", nil).must(t, 404)

		// Disabling the integration disables its webhook; deleting it
		// deletes the webhook.
		a.do("PATCH", base, map[string]any{"enabled": false}).must(t, 200)
		if h := a.do("GET", hook, nil).must(t, 200).obj("data"); h["enabled"] != false {
			t.Fatalf("webhook after disabling = %v", h)
		}
		a.do("DELETE", base, nil).must(t, 204)
		a.do("GET", hook, nil).must(t, 404)
	})
}

// Bad posting rules are a 422 naming each path, and write nothing.
func TestERPPostingRulesRefused(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		pid := a.do("POST", "/v1/properties", map[string]any{"name": "Tower A"}).must(t, 201).obj("data")["id"].(float64)
		cases := []struct {
			name  string
			body  map[string]any
			wants []string
		}{
			{"paths", map[string]any{"name": "L", "type": "erp", "endpoint_url": "http://127.0.0.1:9/erp", "posting_rules": map[string]any{
				"triggers": []string{"work_order.closed", "nope"}, "currency": "XX",
				"accounts": map[string]any{"cost_centres": map[string]any{"999999": "C", "abc": "D"}, "suppliers": map[string]any{itoa(int(pid)): ""}},
				"invoice":  map[string]any{"number_format": "AP-{SEQ}-{SEQ}", "tax_rate": 150, "payment_terms_days": 400}}},
				[]string{"posting_rules.triggers[1]", "posting_rules.currency", "posting_rules.accounts.default_expense", "posting_rules.accounts.payables",
					"posting_rules.accounts.tax", "posting_rules.accounts.cost_centres.999999", "posting_rules.accounts.cost_centres.abc",
					"posting_rules.accounts.suppliers." + itoa(int(pid)), "posting_rules.invoice.number_format", "posting_rules.invoice.tax_rate",
					"posting_rules.invoice.payment_terms_days"}},
			{"both", map[string]any{"name": "L", "type": "erp", "endpoint_url": "http://127.0.0.1:9/erp", "posting_rules": map[string]any{
				"triggers": []string{"work_order.closed", "month_end", "payment.succeeded"}, "currency": "EUR",
				"accounts": map[string]any{"default_expense": "6000", "payables": "2000"}}},
				[]string{"posting_rules.triggers", "posting_rules.accounts.bank", "posting_rules.accounts.receivables"}},
			{"inbound", map[string]any{"name": "L", "type": "handover", "posting_rules": map[string]any{"triggers": []string{}, "currency": "EUR"}},
				[]string{"posting_rules"}},
		}
		for _, c := range cases {
			r := a.do("POST", "/v1/integrations", c.body).must(t, 422)
			var fields []string
			for _, f := range r.JSON["errors"].([]any) {
				fields = append(fields, f.(map[string]any)["field"].(string))
			}
			for _, w := range c.wants {
				if !strings.Contains(","+strings.Join(fields, ",")+",", ","+w+",") {
					t.Errorf("%s: no error for %s in %s", c.name, w, r.Body)
				}
			}
		}
		if l := a.do("GET", "/v1/integrations", nil).must(t, 200); l.obj("meta")["total"] != 0.0 {
			t.Fatalf("a refused integration was written: %s", l.Body)
		}
		if l := a.do("GET", "/v1/webhooks", nil).must(t, 200); l.obj("meta")["total"] != 0.0 {
			t.Fatalf("a refused integration's webhook was written: %s", l.Body)
		}
		// PATCH the same way: the integration stays as it was.
		it := a.do("POST", "/v1/integrations", map[string]any{"name": "L", "type": "accounting", "endpoint_url": "http://127.0.0.1:9/erp"}).must(t, 201).obj("data")
		path := fmt.Sprintf("/v1/integrations/%d", int(it["id"].(float64)))
		a.do("PATCH", path, map[string]any{"posting_rules": map[string]any{"triggers": []string{"month_end"}, "currency": "EUR"}}).must(t, 422)
		if got := a.do("GET", path, nil).must(t, 200).obj("data"); got["posting_rules"] != nil || got["posting_webhook_id"] != nil {
			t.Fatalf("after a refused PATCH: %v", got)
		}
		// Valid rules by PATCH make the webhook; a new endpoint_url moves it.
		got := a.do("PATCH", path, map[string]any{"posting_rules": map[string]any{"triggers": []string{"month_end"}, "currency": "EUR",
			"accounts": map[string]any{"default_expense": "6000", "payables": "2000"}}}).must(t, 200).obj("data")
		hook := fmt.Sprintf("/v1/webhooks/%d", int(got["posting_webhook_id"].(float64)))
		a.do("PATCH", path, map[string]any{"endpoint_url": "http://127.0.0.1:9/moved"}).must(t, 200)
		if h := a.do("GET", hook, nil).must(t, 200).obj("data"); h["url"] != "http://127.0.0.1:9/moved" || h["events"].([]any)[0] != "integration.posting.created" {
			t.Fatalf("webhook after the move: %v", h)
		}
	})
}

// Month end posts one summary entry per property, once, however often the
// pass runs; each integration's webhook hears only its own postings.
func TestERPPostingMonthEnd(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		monthly, perOrder := newERPReceiver(t), newERPReceiver(t)
		a.deliver()
		p1 := a.do("POST", "/v1/properties", map[string]any{"name": "Tower A"}).must(t, 201).obj("data")["id"].(float64)
		p2 := a.do("POST", "/v1/properties", map[string]any{"name": "Tower B"}).must(t, 201).obj("data")["id"].(float64)
		vid := a.do("POST", "/v1/vendors", map[string]any{"name": "Fixit Ltd", "trade": "plumbing"}).must(t, 201).obj("data")["id"].(float64)
		rules := erpRules(p1, vid, "month_end")
		delete(rules, "invoice")
		me := a.do("POST", "/v1/integrations", map[string]any{"name": "Monthly", "type": "accounting", "endpoint_url": monthly.srv.URL,
			"posting_rules": rules}).must(t, 201).obj("data")
		a.do("POST", "/v1/integrations", map[string]any{"name": "Per order", "type": "erp", "endpoint_url": perOrder.srv.URL,
			"posting_rules": erpRules(p1, vid, "work_order.closed")}).must(t, 201)

		for _, w := range []struct {
			pid            float64
			category, cost string
		}{{p1, "plumbing", "100.00"}, {p1, "electrical", "40.00"}, {p2, "plumbing", "10.00"}} {
			a.do("POST", a.workOrderDone(w.pid, vid, w.category, w.cost)+"/close", nil).must(t, 200)
		}
		for range 3 {
			if c := perOrder.next(t); c.body["data"].(map[string]any)["rule"] != "work_order.closed" {
				t.Fatalf("per order: %v", c.body)
			}
		}
		monthly.quiet(t) // month_end posts nothing until the month ends

		nextMonth := time.Date(a.now.Year(), a.now.Month(), 1, 2, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
		for range 2 {
			if err := a.svc.RunPostingMonthEnd(context.Background(), nextMonth); err != nil {
				t.Fatal(err)
			}
		}
		month := a.now.UTC().Format("2006-01")
		byProperty := map[float64]map[string]any{}
		for range 2 {
			p := monthly.next(t).body["data"].(map[string]any)
			byProperty[p["property_id"].(float64)] = p
		}
		monthly.quiet(t)
		perOrder.quiet(t)
		a1 := byProperty[p1]
		if a1 == nil || a1["period"] != month || a1["amount"] != 140.0 || a1["source"].(map[string]any)["key"] != fmt.Sprintf("month_end:%s:property:%d", month, int(p1)) {
			t.Fatalf("property 1: %v", a1)
		}
		lines := a1["journal_entry"].(map[string]any)["lines"].([]any)
		if len(lines) != 3 || lines[0].(map[string]any)["account"] != "6000" || lines[1].(map[string]any)["account"] != "6100" || lines[2].(map[string]any)["credit"] != 140.0 {
			t.Fatalf("property 1 lines: %v", lines)
		}
		if b := byProperty[p2]; b == nil || b["amount"] != 10.0 {
			t.Fatalf("property 2: %v", b)
		}
		if l := a.do("GET", fmt.Sprintf("/v1/integrations/%d/postings?source_type=month_end", int(me["id"].(float64))), nil).must(t, 200); l.obj("meta")["total"] != 2.0 {
			t.Fatalf("postings: %s", l.Body)
		}
	})
}
