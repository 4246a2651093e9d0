package console_test

import (
	"context"
	"encoding/json"
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

// residentWritten sums what an organization has written on the defect,
// visitor pass and amenity pages: events, audit entries and each record.
func residentWritten(t *testing.T, svc *porter.Service, org int64) string {
	t.Helper()
	ctx := context.Background()
	ev, err := svc.Events(ctx, org, porter.EventFilter{})
	must(t, err)
	au, err := svc.AuditLog(ctx, org, porter.AuditFilter{})
	must(t, err)
	df, err := svc.Defects(ctx, org, porter.DefectFilter{})
	must(t, err)
	vp, err := svc.VisitorPasses(ctx, org, porter.VisitorPassFilter{})
	must(t, err)
	am, err := svc.Amenities(ctx, org, porter.AmenityFilter{})
	must(t, err)
	ab, err := svc.AmenityBookings(ctx, org, porter.AmenityBookingFilter{})
	must(t, err)
	return fmt.Sprintf("events=%d audit=%d defects=%d passes=%d amenities=%d bookings=%d",
		ev.Total, au.Total, df.Total, vp.Total, am.Total, ab.Total)
}

// formError is the message of a page's refused form.
func formError(body string) string {
	m := regexp.MustCompile(`(?s)id="form-error">(.*?)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestDefectsFlow: a manager, in Chromium, records a defect, filters the
// list down to it, starts work on it and resolves it with the work order
// that fixed it; only the steps its status allows are offered.
func TestDefectsFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		s.addManager(t)
		bg := context.Background()
		p, err := s.svc.CreateProperty(bg, s.org, porter.PropertyInput{Name: ptr("Tower A")})
		must(t, err)
		wo, err := s.svc.CreateWorkOrder(bg, s.org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr("Regrout"), Description: ptr("Lobby")})
		must(t, err)
		_, _, err = s.svc.RecordDefect(bg, s.org, porter.DefectInput{PropertyID: &p.ID, Title: ptr("Scratched door"), Severity: ptr("low")})
		must(t, err)
		ctx := tab(t)
		q := chromedp.ByQuery
		s.signIn(t, ctx, "manager@acme.test", password)

		run(t, ctx, chromedp.Navigate(s.URL+"/defects"), chromedp.WaitVisible("#new-defect", q),
			chromedp.SetValue("#defect-property", itoa(p.ID), q),
			chromedp.SendKeys("#defect-title", "Cracked tile", q),
			chromedp.SendKeys("#defect-location", "Lobby", q),
			chromedp.SetValue("#defect-severity", "high", q),
			loads(chromedp.Submit("#defect-title", q)), chromedp.WaitVisible("#defect-status", q))
		if got := text(t, ctx, "#defect-status"); got != "open" {
			t.Fatalf("new defect: %q", got)
		}
		var resolveShown bool
		run(t, ctx, chromedp.Evaluate(`!!document.querySelector("#action-resolve")`, &resolveShown))
		if !resolveShown {
			t.Fatal("an open defect offers no Resolve")
		}
		run(t, ctx, loads(chromedp.Click("#action-start", q)), chromedp.WaitVisible("#defect-status", q))
		if got := text(t, ctx, "#defect-status"); got != "in_progress" {
			t.Fatalf("after start: %q", got)
		}
		var startShown bool
		run(t, ctx, chromedp.Evaluate(`!!document.querySelector("#action-start")`, &startShown))
		if startShown {
			t.Fatal("an in-progress defect still offers Start")
		}
		run(t, ctx, chromedp.SendKeys("#resolve-resolution", "Tile replaced", q),
			chromedp.SendKeys("#resolve-wo", itoa(wo.ID), q),
			loads(chromedp.Click("#action-resolve", q)), chromedp.WaitVisible("#defect-status", q))
		if got, link := text(t, ctx, "#defect-status"), text(t, ctx, "#defect-wo"); got != "resolved" || !strings.Contains(link, itoa(wo.ID)) {
			t.Fatalf("after resolve: %q, work order %q", got, link)
		}
		run(t, ctx, chromedp.Navigate(s.URL+"/defects"), chromedp.WaitVisible("#defect-filters", q),
			chromedp.SetValue("#df-severity", "high", q),
			loads(chromedp.Click("#df-filter", q)), chromedp.WaitVisible("#defects", q))
		if got := text(t, ctx, "#defects tbody"); !strings.Contains(got, "Cracked tile") || strings.Contains(got, "Scratched door") {
			t.Fatalf("high-severity defects: %q", got)
		}
	})
}

// TestDefectsRefusals: a viewer's writes (403), another organization's
// defects (404), bad input (400 naming the field), a step a stale page
// offered (409 showing the defect as it is), each writing nothing; a
// title is text, not HTML; an imported defect links its integration.
func TestDefectsRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := integrationSite(t, st)
		s.addManager(t)
		bg := context.Background()
		const xss = "<script>alert(1)</script>"
		type records struct{ prop, open, resolved int64 }
		seed := func(org int64, title string) records {
			p, err := s.svc.CreateProperty(bg, org, porter.PropertyInput{Name: ptr("Tower")})
			must(t, err)
			d, _, err := s.svc.RecordDefect(bg, org, porter.DefectInput{PropertyID: &p.ID, Title: ptr(title),
				Source: ptr("arkan_handover"), ExternalRef: ptr("SN-1")})
			must(t, err)
			done, _, err := s.svc.RecordDefect(bg, org, porter.DefectInput{PropertyID: &p.ID, Title: ptr("Done")})
			must(t, err)
			_, err = s.svc.ResolveDefect(bg, org, done.ID, porter.DefectResolution{})
			must(t, err)
			return records{p.ID, d.ID, done.ID}
		}
		mine, theirs := seed(s.org, xss), seed(s.otherOrg, "Theirs")
		manager, viewer := s.opsSignIn(t, "manager@acme.test"), s.opsSignIn(t, "viewer@acme.test")
		id := itoa
		page := "/defects/" + id(mine.open)

		t.Run("viewer writes nothing", func(t *testing.T) {
			for _, path := range []string{"/defects", page, page + "/start", page + "/resolve", page + "/reject"} {
				before := residentWritten(t, s.svc, s.org)
				code, _ := opsPost(t, s.URL+path, viewer, url.Values{"property_id": {id(mine.prop)}, "title": {"x"}, "resolution": {"x"}})
				if code != http.StatusForbidden {
					t.Errorf("viewer POST %s: %d, want 403", path, code)
				}
				if after := residentWritten(t, s.svc, s.org); after != before {
					t.Errorf("viewer POST %s wrote: %s -> %s", path, before, after)
				}
			}
			for _, path := range []string{"/defects", "/defects?status=open&severity=medium&source=arkan_handover", page} {
				if code, body := get(t, s.URL+path, viewer); code != http.StatusOK || strings.Contains(body, "action-start") {
					t.Errorf("viewer GET %s: %d (or offered a step)", path, code)
				}
			}
		})

		t.Run("another organization's defects are not found", func(t *testing.T) {
			before := residentWritten(t, s.svc, s.otherOrg)
			their := "/defects/" + id(theirs.open)
			if code, body := get(t, s.URL+their, manager); code != http.StatusNotFound || strings.Contains(body, "Theirs") {
				t.Errorf("GET %s: %d, want a 404 page", their, code)
			}
			for _, path := range []string{their, their + "/start", their + "/resolve", their + "/reject"} {
				if code, _ := opsPost(t, s.URL+path, manager, url.Values{"title": {"mine"}, "resolution": {"mine"}}); code != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", path, code)
				}
			}
			if code, body := opsPost(t, s.URL+"/defects", manager, url.Values{"property_id": {id(theirs.prop)}, "title": {"x"}}); code != http.StatusBadRequest || !strings.Contains(formError(body), "Property") {
				t.Errorf("defect at their property: %d %q", code, formError(body))
			}
			if code, body := get(t, s.URL+"/defects", manager); code != http.StatusOK || strings.Contains(body, "Theirs") {
				t.Errorf("the list shows their defect: %d", code)
			}
			if after := residentWritten(t, s.svc, s.otherOrg); after != before {
				t.Errorf("their organization changed: %s -> %s", before, after)
			}
		})

		t.Run("bad input and stale steps write nothing", func(t *testing.T) {
			done := "/defects/" + id(mine.resolved)
			for _, c := range []struct {
				name, path string
				form       url.Values
				code       int
				want       string
			}{
				{"defect without a title", "/defects", url.Values{"property_id": {id(mine.prop)}}, 400, "Title"},
				{"defect without a place", "/defects", url.Values{"title": {"x"}}, 400, "Property"},
				{"defect bad severity", "/defects", url.Values{"property_id": {id(mine.prop)}, "title": {"x"}, "severity": {"awful"}}, 400, "Severity"},
				{"defect missing work order", "/defects", url.Values{"property_id": {id(mine.prop)}, "title": {"x"}, "work_order_id": {"999999"}}, 400, "Work order"},
				{"defect bad asset number", "/defects", url.Values{"property_id": {id(mine.prop)}, "title": {"x"}, "asset_id": {"two"}}, 400, "Asset"},
				{"edit clears the title", page, url.Values{"property_id": {id(mine.prop)}, "title": {""}}, 400, "Title"},
				{"reject without a reason", page + "/reject", url.Values{}, 400, "Resolution"},
				{"start a resolved defect", done + "/start", url.Values{}, 409, "resolved"},
				{"resolve a resolved defect", done + "/resolve", url.Values{}, 409, "resolved"},
				{"edit a resolved defect", done, url.Values{"property_id": {id(mine.prop)}, "title": {"Changed"}}, 409, "resolved"},
			} {
				before := residentWritten(t, s.svc, s.org)
				code, body := opsPost(t, s.URL+c.path, manager, c.form)
				if code != c.code || !strings.Contains(formError(body), c.want) {
					t.Errorf("%s: %d %q, want %d naming %q", c.name, code, formError(body), c.code, c.want)
				}
				if after := residentWritten(t, s.svc, s.org); after != before {
					t.Errorf("%s wrote: %s -> %s", c.name, before, after)
				}
			}
			for _, path := range []string{"/defects?status=closed", "/defects?severity=meh", "/defects?property_id=x"} {
				if code, _ := get(t, s.URL+path, manager); code != http.StatusBadRequest {
					t.Errorf("GET %s: %d, want 400", path, code)
				}
			}
		})

		t.Run("a title is text and an import names its source", func(t *testing.T) {
			for _, path := range []string{"/defects", page} {
				code, body := get(t, s.URL+path, manager)
				if code != http.StatusOK || strings.Contains(body, xss) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
					t.Errorf("GET %s: %d, the title is not escaped", path, code)
				}
			}
			if _, body := get(t, s.URL+page, manager); !strings.Contains(body, "arkan_handover") || !strings.Contains(body, "SN-1") {
				t.Errorf("the defect's page does not name its source")
			}
			// One an integration imported names it, and links to it for
			// admins (Settings → Integrations is theirs).
			var m porter.IntegrationMapping
			must(t, json.Unmarshal([]byte(defectMapping("")), &m))
			it, err := s.svc.CreateIntegration(bg, s.org, porter.IntegrationInput{Name: ptr("Arkan Handover"), Type: ptr("handover"), Mapping: &m})
			must(t, err)
			d, _, err := s.svc.RecordDefect(bg, s.org, porter.DefectInput{PropertyID: &mine.prop, Title: ptr("Imported"),
				Source: ptr(fmt.Sprintf("integration:%d", it.ID)), ExternalRef: ptr("SRC-9")})
			must(t, err)
			as, err := s.svc.CreateAsset(bg, s.org, porter.AssetInput{PropertyID: &mine.prop, Name: ptr("AHU-7")})
			must(t, err)
			_, err = s.svc.UpdateDefect(bg, s.org, d.ID, porter.DefectInput{AssetID: &as.ID})
			must(t, err)
			if _, body := get(t, s.URL+"/defects/"+id(d.ID), manager); !strings.Contains(body, fmt.Sprintf(`href="/assets/%d">AHU-7</a>`, as.ID)) {
				t.Errorf("the defect's page does not link its asset")
			}
			link := fmt.Sprintf(`href="/settings/integrations/%d">Arkan Handover</a>`, it.ID)
			if _, body := get(t, s.URL+"/defects/"+id(d.ID), s.opsSignIn(t, "admin@acme.test")); !strings.Contains(body, link) {
				t.Errorf("an admin gets no link to the defect's integration")
			}
			if _, body := get(t, s.URL+"/defects/"+id(d.ID), manager); strings.Contains(body, link) || !strings.Contains(body, "Arkan Handover") {
				t.Errorf("a manager should read the integration's name, without a link to admin settings")
			}
		})
	})
}
