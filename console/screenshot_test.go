package console_test

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"porter"
	"porter/storetest"
)

var update = flag.Bool("update", false, "write the README's console screenshots to docs/screenshots")

// screenshotPages are the console's main pages as the README shows them.
// Paths may name records by their place in the seeded portfolio ({p1}).
var screenshotPages = []struct{ name, path string }{
	{"dashboard", "/"},
	{"properties", "/properties"},
	{"property", "/properties/{p1}"},
	{"tenant", "/tenants/{t1}"},
	{"payments", "/payments"},
	{"work-orders", "/work-orders"},
	{"work-order", "/work-orders/{w1}"},
	{"api-keys", "/settings/api-keys"},
	{"webhooks", "/settings/webhooks"},
	{"webhook", "/settings/webhooks/{h1}"},
	{"delivery", "/settings/webhooks/{h1}/deliveries/{d1}"},
	{"catalog", "/catalog"},
	{"users", "/settings/users"},
	{"bookings", "/bookings"},
	{"calendar", "/calendar"},
	{"cleaning", "/cleaning"},
	{"guest-messages", "/guest-messages"},
	{"statements", "/statements"},
	{"tax-reports", "/tax-reports"},
	{"unit-ical", "/units/{u1}/ical"},
}

// TestScreenshots renders the main pages of a small seeded portfolio in
// Chromium, as a 1280×800 window shows them. With -update it writes them as PNG for the README; otherwise
// it only checks that each page renders to a picture.
func TestScreenshots(t *testing.T) {
	if browser == nil {
		t.Skip(browserMissing)
	}
	s := webhookSite(t, storetest.Open(t, "sqlite"))
	rc := newReceiver(t, http.StatusOK)
	ctx := context.Background()
	h, err := s.svc.CreateWebhook(ctx, s.org, porter.WebhookInput{URL: rc.URL, Events: []string{"payment.*", "work_order.*"}})
	must(t, err)
	ids := seedPortfolio(t, s)
	ids["h1"] = h.ID
	// Wait until the engine has delivered what the seed fired.
	deadline := time.Now().Add(30 * time.Second)
	for {
		list, err := s.svc.WebhookDeliveries(ctx, s.org, h.ID, porter.DeliveryFilter{ListParams: porter.ListParams{Page: 1, PerPage: porter.MaxPerPage}})
		must(t, err)
		done := len(list.Items) > 0
		for _, d := range list.Items {
			done = done && d.Status == porter.DeliverySucceeded
		}
		if done {
			ids["d1"] = list.Items[0].ID
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries not done: %d", len(list.Items))
		}
		time.Sleep(50 * time.Millisecond)
	}
	b := tab(t)
	run(t, b, emulation.SetDeviceMetricsOverride(1280, 800, 1, false))
	s.signIn(t, b, "admin@acme.test", password)
	dir := filepath.Join("..", "docs", "screenshots")
	for _, p := range screenshotPages {
		path := p.path
		for k, v := range ids {
			path = strings.ReplaceAll(path, "{"+k+"}", itoa(v))
		}
		var shot []byte
		run(t, b, chromedp.Navigate(s.URL+path), chromedp.WaitVisible("h1", chromedp.ByQuery),
			chromedp.CaptureScreenshot(&shot))
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		if img.Bounds().Dx() < 600 {
			t.Fatalf("%s: screenshot %v", p.name, img.Bounds())
		}
		if *update {
			must(t, os.MkdirAll(dir, 0o755))
			must(t, os.WriteFile(filepath.Join(dir, p.name+".png"), shot, 0o644))
		}
	}
}

// seedPortfolio fills the site's first organization with a small,
// plausible portfolio and returns the ids the screenshot paths name.
func seedPortfolio(t *testing.T, s *site) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	svc, org := s.svc, s.org
	ids := map[string]int64{}
	start := s.clock()
	for i, name := range []string{"Maple Court", "Harbor View", "Elm Street Lofts"} {
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr(name), Address: ptr(itoa(int64(12+i*7)) + " " + name), City: ptr("Springfield"), Country: ptr("US")})
		must(t, err)
		if i == 0 {
			ids["p1"] = p.ID
		}
		for j, unit := range []string{"1A", "1B", "2A"} {
			un, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr(unit), Bedrooms: ptr(int64(j + 1))})
			must(t, err)
			tn, err := svc.CreateTenant(ctx, org, porter.TenantInput{Email: ptr(strings.ToLower(name[:3]+unit) + "@example.com"), FirstName: ptr([]string{"Jane", "Omar", "Priya"}[j]), LastName: ptr([]string{"Smith", "Haddad", "Patel"}[i])})
			must(t, err)
			if _, ok := ids["t1"]; !ok {
				ids["t1"] = tn.ID
			}
			rent := porter.Money(120000 + 15000*int64(j))
			l, err := svc.CreateLease(ctx, org, porter.LeaseInput{UnitID: &un.ID, TenantID: &tn.ID, StartDate: ptr("2026-01-01"), EndDate: ptr([]string{"2026-06-20", "2026-07-31", "2026-12-31"}[j]), MonthlyRent: &rent})
			must(t, err)
			_, err = svc.ActivateLease(ctx, org, l.ID)
			must(t, err)
			paid := rent - porter.Money(j*5000)
			_, err = svc.RecordPayment(ctx, org, porter.PaymentInput{TenantID: &tn.ID, Amount: &paid})
			must(t, err)
		}
		for _, wo := range []string{"Kitchen tap dripping", "Hallway light out"} {
			w, err := svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr(wo), Description: ptr(wo)})
			must(t, err)
			if _, ok := ids["w1"]; !ok {
				ids["w1"] = w.ID
			}
		}
		s.advance(26 * time.Hour)
	}
	seedRentals(t, s)
	ids["u1"] = seedRentals2(t, s)
	_, _, err := svc.CreateAPIKey(ctx, org, porter.APIKeyInput{Name: "Zapier", Scopes: []string{"payments:read", "work_orders:read"}})
	must(t, err)
	if s.clock().Sub(start) <= 0 {
		t.Fatal("clock did not move")
	}
	return ids
}
