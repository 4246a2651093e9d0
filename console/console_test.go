package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"porter"
	"porter/storetest"
)

func TestSignInAndOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		ctx := tab(t)
		// Signed out, a page sends the browser to sign in.
		var loc string
		run(t, ctx, chromedp.Navigate(s.URL+"/properties"), chromedp.WaitVisible("#email", chromedp.ByQuery), chromedp.Location(&loc))
		if !strings.Contains(loc, "/login?next=%2Fproperties") {
			t.Fatalf("location = %s", loc)
		}
		// A wrong password and an unknown email read the same.
		if h1 := s.signIn(t, ctx, "admin@acme.test", "wrong password!!"); h1 != "Sign in to Porter" {
			t.Fatalf("wrong password landed on %q", h1)
		}
		wrong := text(t, ctx, "#signin-error")
		s.signIn(t, ctx, "nobody@acme.test", password)
		if unknown := text(t, ctx, "#signin-error"); unknown != wrong || wrong != "Email or password is incorrect." {
			t.Fatalf("errors differ: %q vs %q", wrong, unknown)
		}
		if h1 := s.signIn(t, ctx, "Admin@Acme.test", password); h1 != "Dashboard" {
			t.Fatalf("signed in to %q", h1)
		}
		if who := text(t, ctx, ".who"); who != "admin@acme.test (admin)" {
			t.Fatalf("who = %q", who)
		}
		old := sessionCookie(t, ctx)
		if code, _ := get(t, s.URL+"/", old); code != 200 {
			t.Fatalf("dashboard with the cookie: %d", code)
		}
		// Sign out by the button; the old cookie no longer signs in.
		run(t, ctx, loads(chromedp.Click(".signout button", chromedp.ByQuery)), chromedp.WaitVisible("#email", chromedp.ByQuery))
		if code, _ := get(t, s.URL+"/", old); code != http.StatusSeeOther {
			t.Fatalf("dashboard with a signed-out cookie: %d", code)
		}
	})
}

func TestSignInRateLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		post := func(email, pw string) int {
			req, _ := http.NewRequest("POST", s.URL+"/login", strings.NewReader(url.Values{"email": {email}, "password": {pw}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			code, _ := do(t, req)
			return code
		}
		for range 5 {
			if code := post("viewer@acme.test", "not the password"); code != http.StatusUnauthorized {
				t.Fatalf("failed sign-in: %d", code)
			}
		}
		// The account is locked for the window, even with its password.
		if code := post("viewer@acme.test", password); code != http.StatusTooManyRequests {
			t.Fatalf("sixth try: %d", code)
		}
		if code := post("admin@acme.test", password); code != http.StatusSeeOther {
			t.Fatalf("another account: %d", code)
		}
		s.advance(16 * time.Minute)
		if code := post("viewer@acme.test", password); code != http.StatusSeeOther {
			t.Fatalf("after the window: %d", code)
		}
	})
}

func TestViewerCannotReachSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		ctx := tab(t)
		s.signIn(t, ctx, "viewer@acme.test", password)
		// No link to it, and the server refuses it when typed.
		var links int
		run(t, ctx, chromedp.Evaluate(`document.querySelectorAll('a[href^="/settings"]').length`, &links))
		if links != 0 {
			t.Fatal("a viewer sees a settings link")
		}
		run(t, ctx, chromedp.Navigate(s.URL+"/settings/api-keys"), chromedp.WaitVisible("h1", chromedp.ByQuery))
		if h1 := text(t, ctx, "h1"); h1 != "Forbidden" {
			t.Fatalf("h1 = %q", h1)
		}
		ck := sessionCookie(t, ctx)
		if code, _ := get(t, s.URL+"/settings/api-keys", ck); code != http.StatusForbidden {
			t.Fatalf("GET settings as viewer: %d", code)
		}
		req, _ := http.NewRequest("POST", s.URL+"/settings/api-keys", strings.NewReader("name=sneaky"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(ck)
		if code, _ := do(t, req); code != http.StatusForbidden {
			t.Fatalf("POST settings as viewer: %d", code)
		}
		if keys, _ := s.svc.APIKeys(context.Background(), s.org); len(keys) != 0 {
			t.Fatalf("a viewer made a key: %v", keys)
		}
	})
}

// A form posted from another site is refused, whatever cookie it carries.
func TestCrossOriginPostRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		u, err := s.svc.Authenticate(context.Background(), "admin@acme.test", password)
		if err != nil {
			t.Fatal(err)
		}
		token, err := s.svc.StartSession(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		ck := &http.Cookie{Name: "porter_session", Value: token}
		for _, h := range []map[string]string{
			{"Sec-Fetch-Site": "cross-site"},
			{"Origin": "http://evil.example"},
		} {
			for _, path := range []string{"/settings/api-keys", "/logout"} {
				req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader("name=csrf"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				for k, v := range h {
					req.Header.Set(k, v)
				}
				req.AddCookie(ck)
				if code, body := do(t, req); code != http.StatusForbidden || !strings.Contains(body, "another site") {
					t.Fatalf("POST %s with %v: %d", path, h, code)
				}
			}
		}
		if keys, _ := s.svc.APIKeys(context.Background(), s.org); len(keys) != 0 {
			t.Fatal("a cross-origin post made a key")
		}
		if code, _ := get(t, s.URL+"/", ck); code != 200 {
			t.Fatalf("the session was ended by a cross-origin post: %d", code)
		}
	})
}

func TestXSSRendersAsText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		const evil = `<script>alert(1)</script>`
		p, err := s.svc.CreateProperty(context.Background(), s.org, porter.PropertyInput{Name: ptr(evil), City: ptr(`"><img src=x onerror=alert(2)>`)})
		if err != nil {
			t.Fatal(err)
		}
		ctx := tab(t)
		dialogs := 0
		chromedp.ListenTarget(ctx, func(ev any) {
			if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
				dialogs++
			}
		})
		s.signIn(t, ctx, "admin@acme.test", password)
		run(t, ctx, chromedp.Navigate(s.URL+"/properties"), chromedp.WaitVisible("table", chromedp.ByQuery))
		if got := text(t, ctx, "tbody a"); got != evil {
			t.Fatalf("list shows %q", got)
		}
		run(t, ctx, chromedp.Navigate(s.URL+"/properties/"+itoa(p.ID)), chromedp.WaitVisible("#property-name", chromedp.ByQuery))
		if got := text(t, ctx, "#property-name"); got != evil {
			t.Fatalf("page shows %q", got)
		}
		var scripts, imgs int
		run(t, ctx, chromedp.Evaluate(`document.querySelectorAll('main script').length`, &scripts),
			chromedp.Evaluate(`document.querySelectorAll('main img').length`, &imgs))
		if scripts != 0 || imgs != 0 || dialogs != 0 {
			t.Fatalf("injected: %d scripts, %d images, %d dialogs", scripts, imgs, dialogs)
		}
	})
}

func TestOtherOrganizationIs404(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		theirs, err := s.svc.CreateProperty(context.Background(), s.otherOrg, porter.PropertyInput{Name: ptr("Their Tower")})
		if err != nil {
			t.Fatal(err)
		}
		ctx := tab(t)
		s.signIn(t, ctx, "admin@acme.test", password)
		run(t, ctx, chromedp.Navigate(s.URL+"/properties/"+itoa(theirs.ID)), chromedp.WaitVisible("h1", chromedp.ByQuery))
		if h1 := text(t, ctx, "h1"); h1 != "Not found" {
			t.Fatalf("h1 = %q", h1)
		}
		ck := sessionCookie(t, ctx)
		code, body := get(t, s.URL+"/properties/"+itoa(theirs.ID), ck)
		if code != http.StatusNotFound || strings.Contains(body, "Their Tower") {
			t.Fatalf("another org's property: %d", code)
		}
		if code, _ := get(t, s.URL+"/properties/999999", ck); code != http.StatusNotFound {
			t.Fatalf("a missing property: %d", code)
		}
		if code, _ := get(t, s.URL+"/properties", ck); code != 200 {
			t.Fatal(code)
		}
		if _, body := get(t, s.URL+"/properties", ck); strings.Contains(body, "Their Tower") {
			t.Fatal("another org's property is listed")
		}
	})
}

func TestDashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		ctx := context.Background()
		svc, org := s.svc, s.org
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Maple Court")})
		must(t, err)
		u, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("1A")})
		must(t, err)
		tn, err := svc.CreateTenant(ctx, org, porter.TenantInput{Email: ptr("jane@example.com"), FirstName: ptr("Jane"), LastName: ptr("Smith")})
		must(t, err)
		rent := porter.Money(180000)
		l, err := svc.CreateLease(ctx, org, porter.LeaseInput{UnitID: &u.ID, TenantID: &tn.ID, StartDate: ptr("2026-01-01"), EndDate: ptr("2026-06-20"), MonthlyRent: &rent})
		must(t, err)
		_, err = svc.ActivateLease(ctx, org, l.ID)
		must(t, err)
		for _, wo := range []string{"Leaky tap", "Broken window"} {
			_, err := svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr(wo), Description: ptr(wo)})
			must(t, err)
		}
		s.advance(4 * 24 * time.Hour) // past the normal priority's 72 h SLA: now 2026-05-13
		_, err = svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr("Squeaky door"), Description: ptr("Squeaky door")})
		must(t, err)
		for _, c := range []struct {
			amount porter.Money
			due    string
		}{{10000, "2026-05-01"}, {5000, "2026-05-20"}} {
			_, err := svc.CreateCharge(ctx, org, porter.ChargeInput{TenantID: &tn.ID, Amount: &c.amount, Description: ptr("Fee"), DueDate: ptr(c.due), Category: ptr("late_fee")})
			must(t, err)
		}
		paid := porter.Money(2500)
		_, err = svc.RecordPayment(ctx, org, porter.PaymentInput{TenantID: &tn.ID, Amount: &paid})
		must(t, err)

		if _, err := svc.RunSLAPass(ctx, s.clock()); err != nil {
			t.Fatal(err)
		}

		b := tab(t)
		s.signIn(t, b, "viewer@acme.test", password)
		want := map[string]string{
			"open-work-orders": "3", "overdue-work-orders": "2", "sla-breaches": "2", "charges-overdue": "1", "charges-due": "1",
			"leases-30": "0", "leases-60": "1", "leases-90": "1", "failed-deliveries": "0",
		}
		for name, n := range want {
			if got := text(t, b, `[data-count="`+name+`"]`); got != n {
				t.Errorf("%s = %s, want %s", name, got, n)
			}
		}
		var bars int
		var title string
		run(t, b, chromedp.Evaluate(`document.querySelectorAll('#payments-chart rect').length`, &bars),
			chromedp.Evaluate(`document.querySelector('#payments-chart g:last-of-type > title').textContent`, &title))
		if bars != 14 || title != "May 13: 25.00" {
			t.Fatalf("payments chart: %d bars, last %q", bars, title)
		}
		// Deliveries per hour: a succeeded and a failed segment per hour, each bar titled.
		run(t, b, chromedp.Evaluate(`document.querySelectorAll('#deliveries-chart g[data-bar]').length`, &bars),
			chromedp.Evaluate(`document.querySelector('#deliveries-chart g:last-of-type > title').textContent`, &title))
		if bars != 24 || title != "May 13 14:00 UTC: 0 succeeded, 0 failed" {
			t.Fatalf("deliveries chart: %d bars, last %q", bars, title)
		}
	})
}

// An admin generates a key with a scope, sees it once, and revokes it
// (after confirming); the API then answers 401 to it.
func TestAPIKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		ctx := tab(t)
		confirms := 0
		chromedp.ListenTarget(ctx, func(ev any) {
			if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
				confirms++
				go chromedp.Run(ctx, page.HandleJavaScriptDialog(true))
			}
		})
		s.signIn(t, ctx, "admin@acme.test", password)
		var key string
		run(t, ctx,
			loads(chromedp.Click(`a[href="/settings/api-keys"]`, chromedp.ByQuery)),
			chromedp.SendKeys("#key-name", "Zapier", chromedp.ByQuery),
			chromedp.Click(`input[name="scope"][value="tenants:read"]`, chromedp.ByQuery),
			chromedp.SendKeys("#key-rate", "120", chromedp.ByQuery),
			loads(chromedp.Submit("#key-name", chromedp.ByQuery)),
			chromedp.Value("#newkey", &key, chromedp.ByQuery),
			chromedp.Click(`button[data-copy="newkey"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`//button[@data-copy="newkey" and text()="Copied"]`, chromedp.BySearch),
		)
		if !strings.HasPrefix(key, "pm_") {
			t.Fatalf("key = %q", key)
		}
		limit := ""
		api := func() int {
			req, _ := http.NewRequest("GET", s.URL+"/v1/tenants", nil)
			req.Header.Set("Authorization", "Bearer "+key)
			res, err := http.DefaultClient.Do(req)
			must(t, err)
			res.Body.Close()
			limit = res.Header.Get("X-RateLimit-Limit")
			return res.StatusCode
		}
		if code := api(); code != 200 || limit != "120" {
			t.Fatalf("the new key: %d, X-RateLimit-Limit %q", code, limit)
		}
		// Shown once: the list has its prefix and scope, not the key.
		var body string
		run(t, ctx, chromedp.Navigate(s.URL+"/settings/api-keys"), chromedp.Text("#keys tbody", &body, chromedp.ByQuery))
		if strings.Contains(body, key) || !strings.Contains(body, "tenants:read") || !strings.Contains(body, key[:8]) || !strings.Contains(body, "120/min") {
			t.Fatalf("list: %s", body)
		}
		run(t, ctx,
			chromedp.Click(`td form button`, chromedp.ByQuery),
			chromedp.WaitVisible(`//td[starts-with(normalize-space(.), "revoked")]`, chromedp.BySearch),
		)
		if confirms != 1 {
			t.Fatalf("%d confirmations asked", confirms)
		}
		if code := api(); code != http.StatusUnauthorized {
			t.Fatalf("a revoked key: %d", code)
		}
	})
}
