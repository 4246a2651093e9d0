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

// TestVisitorPassesFlow: a manager, in Chromium, issues a pass for a
// unit's visitor, reads its door code, checks the visitor in and out; the
// list finds the pass on its day and not on another.
func TestVisitorPassesFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		s.addManager(t)
		bg := context.Background()
		p, err := s.svc.CreateProperty(bg, s.org, porter.PropertyInput{Name: ptr("Tower A")})
		must(t, err)
		un, err := s.svc.CreateUnit(bg, s.org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("12B")})
		must(t, err)
		ctx := tab(t)
		q := chromedp.ByQuery
		s.signIn(t, ctx, "manager@acme.test", password)

		run(t, ctx, chromedp.Navigate(s.URL+"/visitor-passes"), chromedp.WaitVisible("#issue-pass", q),
			chromedp.SetValue("#pass-unit", itoa(un.ID), q),
			chromedp.SendKeys("#pass-visitor", "Omar Haddad", q),
			chromedp.SetValue("#pass-from", "2026-05-09T15:00", q),
			loads(chromedp.Submit("#pass-visitor", q)), chromedp.WaitVisible("#pass-code", q))
		code := text(t, ctx, "#pass-code")
		if !regexp.MustCompile(`^[A-Z2-9]{6}$`).MatchString(code) || text(t, ctx, "#pass-status") != "issued" {
			t.Fatalf("issued pass: code %q, status %q", code, text(t, ctx, "#pass-status"))
		}
		run(t, ctx, loads(chromedp.Click("#action-check-in", q)), chromedp.WaitVisible("#pass-status", q))
		if got := text(t, ctx, "#pass-status"); got != "checked_in" {
			t.Fatalf("after check-in: %q", got)
		}
		run(t, ctx, loads(chromedp.Click("#action-check-out", q)), chromedp.WaitVisible("#pass-status", q))
		if got := text(t, ctx, "#pass-status"); got != "checked_out" {
			t.Fatalf("after check-out: %q", got)
		}
		var anyStep bool
		run(t, ctx, chromedp.Evaluate(`!!document.querySelector(".actions button")`, &anyStep))
		if anyStep {
			t.Fatal("a checked-out pass still offers a step")
		}

		ck := sessionCookie(t, ctx)
		for day, want := range map[string]bool{"2026-05-09": true, "2026-05-11": false} {
			_, body := get(t, s.URL+"/visitor-passes?date="+day+"&status=checked_out&property_id="+itoa(p.ID), ck)
			if strings.Contains(body, "Omar Haddad") != want {
				t.Errorf("passes of %s list the pass: %v, want %v", day, !want, want)
			}
		}
	})
}

// TestVisitorPassesRefusals: a viewer's writes (403), another
// organization's passes (404), bad input (400 naming the field), a step
// the pass's status or window no longer allows (409), each writing
// nothing; a visitor's name is text, not HTML.
func TestVisitorPassesRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		s.addManager(t)
		bg := context.Background()
		const xss = "<script>alert(1)</script>"
		type records struct{ unit, issued, expired, cancelled int64 }
		seed := func(org int64, name string) records {
			p, err := s.svc.CreateProperty(bg, org, porter.PropertyInput{Name: ptr("Tower")})
			must(t, err)
			un, err := s.svc.CreateUnit(bg, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("1A")})
			must(t, err)
			issue := func(from string) int64 {
				vp, err := s.svc.IssueVisitorPass(bg, org, porter.VisitorPassInput{UnitID: &un.ID, VisitorName: ptr(name), ExpectedFrom: ptr(from)})
				must(t, err)
				return vp.ID
			}
			r := records{unit: un.ID, issued: issue("2026-05-09T14:00:00Z"), expired: issue("2026-05-01T09:00:00Z"), cancelled: issue("2026-05-09T16:00:00Z")}
			_, err = s.svc.CancelVisitorPass(bg, org, r.cancelled)
			must(t, err)
			return r
		}
		mine, theirs := seed(s.org, xss), seed(s.otherOrg, "Theirs")
		manager, viewer := s.opsSignIn(t, "manager@acme.test"), s.opsSignIn(t, "viewer@acme.test")
		id := itoa
		page := "/visitor-passes/" + id(mine.issued)

		t.Run("viewer writes nothing", func(t *testing.T) {
			for _, path := range []string{"/visitor-passes", page + "/check-in", page + "/check-out", page + "/cancel"} {
				before := residentWritten(t, s.svc, s.org)
				code, _ := opsPost(t, s.URL+path, viewer, url.Values{"unit_id": {id(mine.unit)}, "visitor_name": {"x"}, "expected_from": {"2026-05-09T15:00"}})
				if code != http.StatusForbidden {
					t.Errorf("viewer POST %s: %d, want 403", path, code)
				}
				if after := residentWritten(t, s.svc, s.org); after != before {
					t.Errorf("viewer POST %s wrote: %s -> %s", path, before, after)
				}
			}
			if code, body := get(t, s.URL+page, viewer); code != http.StatusOK || strings.Contains(body, "action-check-in") {
				t.Errorf("viewer GET %s: %d (or offered a step)", page, code)
			}
		})

		t.Run("another organization's passes are not found", func(t *testing.T) {
			before := residentWritten(t, s.svc, s.otherOrg)
			their := "/visitor-passes/" + id(theirs.issued)
			if code, body := get(t, s.URL+their, manager); code != http.StatusNotFound || strings.Contains(body, "Theirs") {
				t.Errorf("GET %s: %d, want a 404 page", their, code)
			}
			for _, path := range []string{their + "/check-in", their + "/cancel"} {
				if code, _ := opsPost(t, s.URL+path, manager, url.Values{}); code != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", path, code)
				}
			}
			if code, body := opsPost(t, s.URL+"/visitor-passes", manager, url.Values{"unit_id": {id(theirs.unit)}, "visitor_name": {"x"},
				"expected_from": {"2026-05-09T15:00"}}); code != http.StatusBadRequest || !strings.Contains(formError(body), "Unit") {
				t.Errorf("pass for their unit: %d %q", code, formError(body))
			}
			if _, body := get(t, s.URL+"/visitor-passes", manager); strings.Contains(body, "Theirs") {
				t.Error("the list shows their pass")
			}
			if after := residentWritten(t, s.svc, s.otherOrg); after != before {
				t.Errorf("their organization changed: %s -> %s", before, after)
			}
		})

		t.Run("bad input and stale steps write nothing", func(t *testing.T) {
			valid := url.Values{"unit_id": {id(mine.unit)}, "visitor_name": {"Ann"}, "expected_from": {"2026-05-09T15:00"}}
			with := func(k, v string) url.Values {
				f := url.Values{}
				for key, vs := range valid {
					f[key] = vs
				}
				f.Set(k, v)
				return f
			}
			for _, c := range []struct {
				name, path string
				form       url.Values
				code       int
				want       string
			}{
				{"no visitor", "/visitor-passes", with("visitor_name", ""), 400, "Visitor"},
				{"no unit", "/visitor-passes", with("unit_id", ""), 400, "Unit"},
				{"bad start", "/visitor-passes", with("expected_from", "tomorrow"), 400, "Expected from"},
				{"ends before it starts", "/visitor-passes", with("expected_until", "2026-05-09T14:00"), 400, "Valid until"},
				{"check out an issued pass", page + "/check-out", url.Values{}, 409, "issued"},
				{"check in an expired pass", "/visitor-passes/" + id(mine.expired) + "/check-in", url.Values{}, 409, "expired"},
				{"check in a cancelled pass", "/visitor-passes/" + id(mine.cancelled) + "/check-in", url.Values{}, 409, "cancelled"},
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
			for _, path := range []string{"/visitor-passes?status=late", "/visitor-passes?date=May", "/visitor-passes?property_id=-1"} {
				if code, _ := get(t, s.URL+path, manager); code != http.StatusBadRequest {
					t.Errorf("GET %s: %d, want 400", path, code)
				}
			}
		})

		t.Run("a visitor's name is text", func(t *testing.T) {
			for _, path := range []string{"/visitor-passes", page} {
				code, body := get(t, s.URL+path, manager)
				if code != http.StatusOK || strings.Contains(body, xss) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
					t.Errorf("GET %s: %d, the name is not escaped", path, code)
				}
			}
		})
	})
}
