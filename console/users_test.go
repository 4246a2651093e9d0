package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"porter"
	"porter/storetest"
)

// postForm posts a form as a browser would (same-origin), with a cookie,
// without following redirects.
func postForm(t *testing.T, s *site, path string, ck *http.Cookie, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.URL)
	if ck != nil {
		req.AddCookie(ck)
	}
	return do(t, req)
}

// signInHTTP signs in without a browser and returns the session cookie,
// or nil when sign-in is refused.
func signInHTTP(t *testing.T, s *site, email, pw string) *http.Cookie {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+"/login", strings.NewReader(url.Values{"email": {email}, "password": {pw}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "porter_session" && c.Value != "" {
			return &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	return nil
}

// An admin invites a user linked to a staff record; the password is shown
// once and signs the user in; the admin changes the role, then
// deactivates the user (after confirming), whose open session ends at
// once and whose sign-in is refused with the usual message.
func TestUsersAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		staff, err := s.svc.CreateStaff(context.Background(), s.org, porter.StaffInput{Name: ptr("Nina Novak"), Email: ptr("nina@acme.test")})
		must(t, err)
		ctx := tab(t)
		confirms := 0
		chromedp.ListenTarget(ctx, func(ev any) {
			if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
				confirms++
				go chromedp.Run(ctx, page.HandleJavaScriptDialog(true))
			}
		})
		s.signIn(t, ctx, "admin@acme.test", password)
		var pw, heading string
		run(t, ctx,
			chromedp.Navigate(s.URL+"/settings/users"),
			chromedp.WaitVisible("#user-email", chromedp.ByQuery),
			chromedp.SendKeys("#user-email", "Nina@Acme.test", chromedp.ByQuery),
			chromedp.SetValue("#user-role", porter.RoleManager, chromedp.ByQuery),
			chromedp.SetValue("#user-staff", itoa(staff.ID), chromedp.ByQuery),
			loads(chromedp.Submit("#user-email", chromedp.ByQuery)),
			chromedp.Value("#newpassword", &pw, chromedp.ByQuery),
			chromedp.Text("#newuser-h", &heading, chromedp.ByQuery),
		)
		if len(pw) < porter.MinPasswordLen || heading != "nina@acme.test can sign in" {
			t.Fatalf("shown once: %q %q", pw, heading)
		}
		row := text(t, ctx, `tr[data-user="nina@acme.test"]`)
		if !strings.Contains(row, "manager") || !strings.Contains(row, "Nina Novak") || !strings.Contains(row, "active") {
			t.Fatalf("row: %q", row)
		}
		// Shown once: the list page does not have it.
		if _, body := get(t, s.URL+"/settings/users", sessionCookie(t, ctx)); strings.Contains(body, pw) {
			t.Fatal("the password is shown again")
		}

		nina := signInHTTP(t, s, "nina@acme.test", pw)
		if nina == nil {
			t.Fatal("the shown password does not sign in")
		}
		if code, _ := get(t, s.URL+"/", nina); code != 200 {
			t.Fatalf("nina's dashboard: %d", code)
		}

		users, err := s.svc.Users(context.Background(), s.org)
		must(t, err)
		var id int64
		for _, u := range users {
			if u.Email == "nina@acme.test" {
				id = u.ID
			}
		}
		sel := "#role-" + itoa(id)
		run(t, ctx,
			chromedp.SetValue(sel, porter.RoleViewer, chromedp.ByQuery),
			loads(chromedp.Submit(sel, chromedp.ByQuery)),
		)
		if row := text(t, ctx, `tr[data-user="nina@acme.test"] td:nth-child(2)`); row != "viewer" {
			t.Fatalf("role after change: %q", row)
		}
		run(t, ctx,
			chromedp.Click(`tr[data-user="nina@acme.test"] form[action$="/deactivate"] button`, chromedp.ByQuery),
			chromedp.WaitVisible(`tr[data-user="nina@acme.test"] form[action$="/reactivate"]`, chromedp.ByQuery),
		)
		if confirms != 1 {
			t.Fatalf("%d confirmations asked", confirms)
		}
		if code, _ := get(t, s.URL+"/", nina); code != http.StatusSeeOther {
			t.Fatalf("a deactivated user's open session: %d", code)
		}
		code, body := postForm(t, s, "/login", nil, url.Values{"email": {"nina@acme.test"}, "password": {pw}})
		if code != http.StatusUnauthorized || !strings.Contains(body, "Email or password is incorrect.") {
			t.Fatalf("a deactivated user's sign-in: %d", code)
		}
	})
}

// The server refuses what the page would not offer: managers and viewers
// get 403 on every users route; another organization's user is 404; bad
// input is 400 and writes nothing; the last active admin stays (409).
func TestUsersRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		ctx := context.Background()
		_, err := s.svc.CreateUser(ctx, s.org, porter.UserInput{Email: "manager@acme.test", Role: porter.RoleManager, Password: password})
		must(t, err)
		admin := signInHTTP(t, s, "admin@acme.test", password)
		users, err := s.svc.Users(ctx, s.org)
		must(t, err)
		ids := map[string]int64{}
		for _, u := range users {
			ids[u.Email] = u.ID
		}
		others, err := s.svc.Users(ctx, s.otherOrg)
		must(t, err)
		otherAdmin := itoa(others[0].ID)
		viewer := itoa(ids["viewer@acme.test"])

		for _, email := range []string{"manager@acme.test", "viewer@acme.test"} {
			ck := signInHTTP(t, s, email, password)
			if code, _ := get(t, s.URL+"/settings/users", ck); code != http.StatusForbidden {
				t.Errorf("%s GET: %d", email, code)
			}
			for _, path := range []string{"/settings/users", "/settings/users/" + viewer + "/role", "/settings/users/" + viewer + "/deactivate", "/settings/users/" + viewer + "/reactivate"} {
				if code, _ := postForm(t, s, path, ck, url.Values{"email": {"x@acme.test"}, "role": {"admin"}}); code != http.StatusForbidden {
					t.Errorf("%s POST %s: %d", email, path, code)
				}
			}
		}

		for _, tc := range []struct {
			name, path string
			form       url.Values
			code       int
			says       string
		}{
			{"no email", "/settings/users", url.Values{"email": {""}, "role": {"viewer"}}, 400, "Email:"},
			{"not an email", "/settings/users", url.Values{"email": {"nope"}, "role": {"viewer"}}, 400, "is not an email address"},
			{"bad role", "/settings/users", url.Values{"email": {"x@acme.test"}, "role": {"owner"}}, 400, "role &#34;owner&#34;"},
			{"bad staff id", "/settings/users", url.Values{"email": {"x@acme.test"}, "role": {"viewer"}, "staff_id": {"abc"}}, 400, "Staff record:"},
			{"missing staff", "/settings/users", url.Values{"email": {"x@acme.test"}, "role": {"viewer"}, "staff_id": {"99999"}}, 400, "Staff record:"},
			{"taken email", "/settings/users", url.Values{"email": {"viewer@acme.test"}, "role": {"viewer"}}, 409, "already exists"},
			{"bad role change", "/settings/users/" + viewer + "/role", url.Values{"role": {"root"}}, 400, "role &#34;root&#34;"},
			{"other org's user role", "/settings/users/" + otherAdmin + "/role", url.Values{"role": {"viewer"}}, 404, ""},
			{"other org's user deactivate", "/settings/users/" + otherAdmin + "/deactivate", nil, 404, ""},
			{"missing user", "/settings/users/99999/deactivate", nil, 404, ""},
			{"bad id", "/settings/users/abc/deactivate", nil, 404, ""},
			{"demote the last admin", "/settings/users/" + itoa(ids["admin@acme.test"]) + "/role", url.Values{"role": {"manager"}}, 409, "last active admin"},
			{"deactivate the last admin", "/settings/users/" + itoa(ids["admin@acme.test"]) + "/deactivate", nil, 409, "last active admin"},
		} {
			code, body := postForm(t, s, tc.path, admin, tc.form)
			if code != tc.code || !strings.Contains(body, tc.says) {
				t.Errorf("%s: %d, want %d saying %q", tc.name, code, tc.code, tc.says)
			}
		}
		// Nothing was written.
		after, err := s.svc.Users(ctx, s.org)
		must(t, err)
		if len(after) != len(users) {
			t.Fatalf("%d users, want %d", len(after), len(users))
		}
		for _, u := range append(after, others...) {
			if !u.Active() || (strings.HasPrefix(u.Email, "admin@") && u.Role != porter.RoleAdmin) || (u.Email == "viewer@acme.test" && u.Role != porter.RoleViewer) {
				t.Fatalf("changed: %+v", u)
			}
		}
		// A user named like a script renders as text.
		if _, err := s.svc.CreateStaff(ctx, s.org, porter.StaffInput{Name: ptr("<script>alert(1)</script>")}); err != nil {
			t.Fatal(err)
		}
		if _, body := get(t, s.URL+"/settings/users", admin); strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Fatal("a staff name is not escaped")
		}
		// An admin who is not the last may step down, and lands where
		// their new role may go.
		_, err = s.svc.SetUserRole(ctx, s.org, ids["manager@acme.test"], porter.RoleAdmin)
		must(t, err)
		req, _ := http.NewRequest("POST", s.URL+"/settings/users/"+itoa(ids["admin@acme.test"])+"/role", strings.NewReader("role=manager"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(admin)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Do(req)
		must(t, err)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Fatalf("step down: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		if code, _ := get(t, s.URL+"/settings/users", admin); code != http.StatusForbidden {
			t.Fatalf("a former admin on users: %d", code)
		}
	})
}
