package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"porter"
	"porter/storetest"
)

// facilityWritten sums what an organization has written on the facility
// pages: events, audit entries, assets and certificates.
func facilityWritten(t *testing.T, svc *porter.Service, org int64) string {
	t.Helper()
	ctx := context.Background()
	ev, err := svc.Events(ctx, org, porter.EventFilter{})
	must(t, err)
	au, err := svc.AuditLog(ctx, org, porter.AuditFilter{})
	must(t, err)
	as, err := svc.Assets(ctx, org, porter.AssetFilter{})
	must(t, err)
	ce, err := svc.Certificates(ctx, org, porter.CertificateFilter{})
	must(t, err)
	return fmt.Sprintf("events=%d audit=%d assets=%d certificates=%d", ev.Total, au.Total, as.Total, ce.Total)
}

// TestFacilitiesFlow: a manager, in Chromium, adds an asset, gives it a
// warranty, opens a claim and submits it, transfers the asset to another
// property and disposes of it; then records a certificate expiring soon
// and finds it under Expiring.
func TestFacilitiesFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		s.addManager(t)
		bg := context.Background()
		p1, err := s.svc.CreateProperty(bg, s.org, porter.PropertyInput{Name: ptr("Tower A")})
		must(t, err)
		p2, err := s.svc.CreateProperty(bg, s.org, porter.PropertyInput{Name: ptr("Tower B")})
		must(t, err)
		u2, err := s.svc.CreateUnit(bg, s.org, porter.UnitInput{PropertyID: &p2.ID, Name: ptr("Plant room")})
		must(t, err)
		cat, err := s.svc.CreateAssetCategory(bg, s.org, porter.AssetCategoryInput{Name: ptr("HVAC Equipment")})
		must(t, err)
		ctx := tab(t)
		q := chromedp.ByQuery
		if h1 := s.signIn(t, ctx, "manager@acme.test", password); h1 == "" {
			t.Fatal("no page after sign-in")
		}

		run(t, ctx, chromedp.Navigate(s.URL+"/assets"), chromedp.WaitVisible("#new-asset", q),
			chromedp.SetValue("#asset-property", itoa(p1.ID), q),
			chromedp.SendKeys("#asset-name", "AHU-1", q),
			chromedp.SetValue("#asset-category", itoa(cat.ID), q),
			chromedp.SendKeys("#asset-serial", "CX-100", q),
			loads(chromedp.Submit("#asset-name", q)), chromedp.WaitVisible("#asset-status", q))
		if got := text(t, ctx, "#asset-status"); got != "active" {
			t.Fatalf("new asset: %q", got)
		}
		run(t, ctx, chromedp.SendKeys("#w-provider", "Carrier", q),
			chromedp.SetValue("#w-start", "2026-01-01", q), chromedp.SetValue("#w-end", "2028-01-01", q),
			loads(chromedp.Submit("#w-provider", q)), chromedp.WaitVisible("#open-claim", q),
			chromedp.SendKeys("#c-description", "Fan bearing", q),
			loads(chromedp.Submit("#c-description", q)), chromedp.WaitVisible(".claim-submitted", q),
			loads(chromedp.Click(".claim-submitted", q)), chromedp.WaitVisible("#warranties", q))
		if got := text(t, ctx, "#warranties .claim-status"); got != "submitted" {
			t.Fatalf("claim after submit: %q", got)
		}
		run(t, ctx, chromedp.SetValue("#t-property", itoa(p2.ID), q), chromedp.SetValue("#t-unit", itoa(u2.ID), q),
			loads(chromedp.Submit("#t-unit", q)), chromedp.WaitVisible("#asset-status", q))
		if got, place := text(t, ctx, "#asset-status"), text(t, ctx, "#asset-place"); got != "transferred" || !strings.Contains(place, "Plant room") {
			t.Fatalf("after transfer: %q at %q", got, place)
		}
		run(t, ctx, chromedp.SendKeys("#d-reason", "Replaced", q),
			loads(chromedp.Submit("#d-reason", q)), chromedp.WaitVisible("#asset-status", q))
		if got := text(t, ctx, "#asset-status"); got != "disposed" {
			t.Fatalf("after dispose: %q", got)
		}

		run(t, ctx, chromedp.Navigate(s.URL+"/certificates"), chromedp.WaitVisible("#new-certificate", q),
			chromedp.SetValue("#cert-type", "elevator", q),
			chromedp.SetValue("#cert-property", itoa(p1.ID), q),
			chromedp.SendKeys("#cert-reference", "EL-118", q),
			chromedp.SetValue("#cert-issued", "2025-06-01", q),
			chromedp.SetValue("#cert-expires", "2026-06-01", q),
			loads(chromedp.Submit("#cert-reference", q)), chromedp.WaitVisible("#filter-expiring", q),
			loads(chromedp.Click("#filter-expiring", q)), chromedp.WaitVisible("#certificates", q))
		if got := text(t, ctx, "#certificates tbody"); !strings.Contains(got, "EL-118") {
			t.Fatalf("expiring certificates: %q", got)
		}
		run(t, ctx, loads(chromedp.Click("#filter-expired", q)), chromedp.WaitVisible("#certificates", q))
		if got := text(t, ctx, "#certificates tbody"); strings.Contains(got, "EL-118") {
			t.Fatalf("expired certificates: %q", got)
		}
	})
}

// TestFacilitiesRefusals: a viewer's writes (403), another organization's
// records (404), bad input (400 naming the field, 409 for a disposed
// asset), each writing nothing; an asset's name is text, not HTML.
func TestFacilitiesRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		s.addManager(t)
		bg := context.Background()
		const xss = "<script>alert(1)</script>"
		type records struct{ prop, asset, disposed, warranty, claim int64 }
		seed := func(org int64, name string) records {
			var r records
			p, err := s.svc.CreateProperty(bg, org, porter.PropertyInput{Name: ptr("Tower")})
			must(t, err)
			a, err := s.svc.CreateAsset(bg, org, porter.AssetInput{PropertyID: &p.ID, Name: ptr(name)})
			must(t, err)
			d, err := s.svc.CreateAsset(bg, org, porter.AssetInput{PropertyID: &p.ID, Name: ptr("Old")})
			must(t, err)
			_, err = s.svc.DisposeAsset(bg, org, d.ID, porter.DisposeInput{Reason: ptr("gone")})
			must(t, err)
			w, err := s.svc.CreateWarranty(bg, org, a.ID, porter.WarrantyInput{Provider: ptr("Carrier"), StartDate: ptr("2026-01-01"), EndDate: ptr("2027-01-01")})
			must(t, err)
			c, err := s.svc.OpenWarrantyClaim(bg, org, w.ID, porter.WarrantyClaimInput{Description: ptr("Fan")})
			must(t, err)
			r.prop, r.asset, r.disposed, r.warranty, r.claim = p.ID, a.ID, d.ID, w.ID, c.ID
			return r
		}
		mine, theirs := seed(s.org, xss), seed(s.otherOrg, "Theirs")
		manager, viewer := s.opsSignIn(t, "manager@acme.test"), s.opsSignIn(t, "viewer@acme.test")
		id := itoa
		asset := "/assets/" + id(mine.asset)

		t.Run("viewer writes nothing", func(t *testing.T) {
			for _, path := range []string{"/assets", asset + "/transfer", asset + "/dispose", asset + "/warranties", asset + "/claims",
				asset + "/claims/" + id(mine.claim), "/certificates"} {
				before := facilityWritten(t, s.svc, s.org)
				code, _ := opsPost(t, s.URL+path, viewer, url.Values{"property_id": {id(mine.prop)}, "name": {"x"}, "reason": {"x"},
					"provider": {"x"}, "start_date": {"2026-01-01"}, "end_date": {"2027-01-01"}, "warranty_id": {id(mine.warranty)},
					"description": {"x"}, "status": {"submitted"}, "type": {"gas"}, "issue_date": {"2026-01-01"}, "expiry_date": {"2027-01-01"}})
				if code != http.StatusForbidden {
					t.Errorf("viewer POST %s: %d, want 403", path, code)
				}
				if after := facilityWritten(t, s.svc, s.org); after != before {
					t.Errorf("viewer POST %s wrote: %s -> %s", path, before, after)
				}
			}
			for _, path := range []string{"/assets", asset, "/certificates", "/certificates?expiry=expired"} {
				if code, body := get(t, s.URL+path, viewer); code != http.StatusOK {
					t.Errorf("viewer GET %s: %d %s", path, code, body)
				}
			}
		})

		t.Run("another organization's records are not found", func(t *testing.T) {
			before := facilityWritten(t, s.svc, s.otherOrg)
			theirAsset := "/assets/" + id(theirs.asset)
			if code, body := get(t, s.URL+theirAsset, manager); code != http.StatusNotFound || strings.Contains(body, "Theirs") {
				t.Errorf("GET %s: %d, want a 404 page", theirAsset, code)
			}
			for _, c := range []struct{ path, field, value string }{
				{theirAsset + "/transfer", "property_id", id(mine.prop)},
				{theirAsset + "/dispose", "reason", "mine"},
				{theirAsset + "/warranties", "provider", "x"},
				{theirAsset + "/claims/" + id(theirs.claim), "status", "submitted"},
				{asset + "/claims/" + id(theirs.claim), "status", "submitted"},
			} {
				if code, _ := opsPost(t, s.URL+c.path, manager, url.Values{c.field: {c.value}}); code != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", c.path, code)
				}
			}
			// Their warranty and property are no reference for my records.
			if code, body := opsPost(t, s.URL+asset+"/claims", manager, url.Values{"warranty_id": {id(theirs.warranty)}, "description": {"x"}}); code != http.StatusBadRequest || !strings.Contains(body, "Warranty") {
				t.Errorf("claim on their warranty: %d", code)
			}
			if code, body := opsPost(t, s.URL+"/assets", manager, url.Values{"property_id": {id(theirs.prop)}, "name": {"x"}}); code != http.StatusBadRequest || !strings.Contains(body, "Property") {
				t.Errorf("asset at their property: %d", code)
			}
			if after := facilityWritten(t, s.svc, s.otherOrg); after != before {
				t.Errorf("their organization changed: %s -> %s", before, after)
			}
		})

		t.Run("bad input names the field and writes nothing", func(t *testing.T) {
			for _, c := range []struct {
				name, path string
				form       url.Values
				code       int
				want       string
			}{
				{"asset without a name", "/assets", url.Values{"property_id": {id(mine.prop)}}, 400, "Name"},
				{"asset bad condition", "/assets", url.Values{"property_id": {id(mine.prop)}, "name": {"x"}, "condition": {"broken"}}, 400, "Condition"},
				{"asset bad date", "/assets", url.Values{"property_id": {id(mine.prop)}, "name": {"x"}, "install_date": {"May"}}, 400, "Installed"},
				{"transfer to where it is", asset + "/transfer", url.Values{"property_id": {id(mine.prop)}}, 400, "Property"},
				{"dispose without reason", asset + "/dispose", url.Values{}, 400, "Reason"},
				{"warranty ends before it starts", asset + "/warranties", url.Values{"provider": {"x"}, "start_date": {"2026-05-01"}, "end_date": {"2026-04-01"}}, 400, "End"},
				{"claim without description", asset + "/claims", url.Values{"warranty_id": {id(mine.warranty)}}, 400, "Description"},
				{"claim wrong move", asset + "/claims/" + id(mine.claim), url.Values{"status": {"approved"}}, 409, "submitted"},
				{"disposed asset", "/assets/" + id(mine.disposed) + "/transfer", url.Values{"property_id": {id(mine.prop)}}, 409, "disposed"},
				{"certificate expires before issue", "/certificates", url.Values{"type": {"gas"}, "property_id": {id(mine.prop)}, "issue_date": {"2026-05-01"}, "expiry_date": {"2026-01-01"}}, 400, "Expires"},
				{"certificate bad type", "/certificates", url.Values{"type": {"asbestos"}, "property_id": {id(mine.prop)}, "issue_date": {"2026-01-01"}, "expiry_date": {"2027-01-01"}}, 400, "Type"},
			} {
				before := facilityWritten(t, s.svc, s.org)
				code, body := opsPost(t, s.URL+c.path, manager, c.form)
				if code != c.code {
					t.Errorf("%s: %d, want %d", c.name, code, c.code)
				}
				msg := regexp.MustCompile(`(?s)id="form-error">(.*?)</p>`).FindStringSubmatch(body)
				if msg == nil || !strings.Contains(msg[1], c.want) {
					t.Errorf("%s: form error %v does not name %q", c.name, msg, c.want)
				}
				if after := facilityWritten(t, s.svc, s.org); after != before {
					t.Errorf("%s wrote: %s -> %s", c.name, before, after)
				}
			}
			for _, path := range []string{"/assets?condition=meh", "/assets?property_id=x", "/certificates?expiry=soon"} {
				if code, _ := get(t, s.URL+path, manager); code != http.StatusBadRequest {
					t.Errorf("GET %s: %d, want 400", path, code)
				}
			}
		})

		t.Run("an asset's name is text", func(t *testing.T) {
			for _, path := range []string{"/assets", asset} {
				code, body := get(t, s.URL+path, manager)
				if code != http.StatusOK || strings.Contains(body, xss) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
					t.Errorf("GET %s: %d, the name is not escaped", path, code)
				}
			}
		})
	})
}
