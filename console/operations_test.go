package console_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"porter"
	"porter/storetest"
)

// opsFixture is one organization's operations records, made through the
// Service: a property with a unit, a work order, an inspection in progress
// with one item, a vendor, a staff member and a broadcast.
type opsFixture struct {
	property, unit, workOrder, inspection, vendor, staff, broadcast int64
}

func newOpsFixture(t *testing.T, svc *porter.Service, org int64) opsFixture {
	t.Helper()
	ctx := context.Background()
	var f opsFixture
	p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Elm Court")})
	must(t, err)
	un, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("1A")})
	must(t, err)
	wo, err := svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr("Dripping tap"), Description: ptr("Kitchen")})
	must(t, err)
	when := porter.NewTime(time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC))
	insp, err := svc.CreateInspection(ctx, org, porter.InspectionInput{PropertyID: &p.ID, ScheduledFor: &when,
		Items: []porter.InspectionItemSeed{{Label: "Doors"}}})
	must(t, err)
	_, err = svc.StartInspection(ctx, org, insp.ID)
	must(t, err)
	v, err := svc.CreateVendor(ctx, org, porter.VendorInput{Name: ptr("Pipe Pros")})
	must(t, err)
	m, err := svc.CreateStaff(ctx, org, porter.StaffInput{Name: ptr("Sam"), Email: ptr("sam@example.test")})
	must(t, err)
	b, err := svc.SendBroadcast(ctx, org, porter.BroadcastInput{Subject: ptr("Water off"), Body: ptr("Tuesday 9-11"), Audience: ptr("staff")})
	must(t, err)
	f.property, f.unit, f.workOrder, f.inspection, f.vendor, f.staff, f.broadcast = p.ID, un.ID, wo.ID, insp.ID, v.ID, m.ID, b.ID
	return f
}

// opsSignIn signs in with a plain form post and returns the session cookie.
func (s *site) opsSignIn(t *testing.T, email string) *http.Cookie {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(s.URL+"/login", url.Values{"email": {email}, "password": {password}})
	must(t, err)
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "porter_session" {
			return c
		}
	}
	t.Fatalf("sign-in of %s set no session cookie", email)
	return nil
}

func opsPost(t *testing.T, rawURL string, ck *http.Cookie, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", rawURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(ck)
	return do(t, req)
}

// opsUpload posts a document as the upload form does without JavaScript.
func opsUpload(t *testing.T, rawURL string, ck *http.Cookie, fields map[string]string, name string, content []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		must(t, mw.WriteField(k, v))
	}
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		must(t, err)
		fw.Write(content)
	}
	must(t, mw.Close())
	req, _ := http.NewRequest("POST", rawURL, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(ck)
	return do(t, req)
}

// opsWritten sums what an organization has written: every change records an
// event, and every document a file.
func opsWritten(t *testing.T, svc *porter.Service, org int64) string {
	t.Helper()
	ctx := context.Background()
	ev, err := svc.Events(ctx, org, porter.EventFilter{})
	must(t, err)
	docs, err := svc.Documents(ctx, org, porter.DocumentFilter{})
	must(t, err)
	return fmt.Sprintf("events=%d documents=%d", ev.Total, docs.Total)
}

// TestOperationsRefusals: what the server refuses on the operations pages,
// whatever the page offered: a viewer's writes (403), another
// organization's records (404), a step the state machine does not allow
// (409), bad input (400 naming the field); and a title is text, not HTML.
func TestOperationsRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		ctx := context.Background()
		mine, theirs := newOpsFixture(t, s.svc, s.org), newOpsFixture(t, s.svc, s.otherOrg)
		admin, viewer, other := s.opsSignIn(t, "admin@acme.test"), s.opsSignIn(t, "viewer@acme.test"), s.opsSignIn(t, "admin@other.test")
		if code, body := opsUpload(t, s.URL+"/documents", other, map[string]string{"scope": "property", "scope_id": itoa(theirs.property)}, "lease.txt", []byte("theirs")); code != http.StatusSeeOther {
			t.Fatalf("upload as the other organization: %d %s", code, body)
		}
		theirDocs, err := s.svc.Documents(ctx, s.otherOrg, porter.DocumentFilter{})
		must(t, err)
		theirDoc := theirDocs.Items[0].ID
		id := func(n int64) string { return itoa(n) }

		t.Run("viewer writes nothing", func(t *testing.T) {
			for _, path := range []string{"/work-orders", "/work-orders/" + id(mine.workOrder), "/work-orders/" + id(mine.workOrder) + "/assign", "/work-orders/" + id(mine.workOrder) + "/cancel",
				"/inspections", "/inspections/" + id(mine.inspection) + "/items", "/inspections/" + id(mine.inspection) + "/submit",
				"/vendors", "/vendors/" + id(mine.vendor), "/staff", "/staff/" + id(mine.staff), "/broadcasts"} {
				before := opsWritten(t, s.svc, s.org)
				code, _ := opsPost(t, s.URL+path, viewer, url.Values{"title": {"x"}, "description": {"x"}, "property_id": {id(mine.property)},
					"name": {"x"}, "label": {"x"}, "subject": {"x"}, "body": {"x"}, "assigned_to": {"Sam"}})
				if code != http.StatusForbidden {
					t.Errorf("viewer POST %s: %d, want 403", path, code)
				}
				if after := opsWritten(t, s.svc, s.org); after != before {
					t.Errorf("viewer POST %s wrote: %s -> %s", path, before, after)
				}
			}
			before := opsWritten(t, s.svc, s.org)
			if code, _ := opsUpload(t, s.URL+"/documents", viewer, map[string]string{"scope": "property", "scope_id": id(mine.property)}, "a.txt", []byte("a")); code != http.StatusForbidden {
				t.Errorf("viewer upload: %d", code)
			}
			if after := opsWritten(t, s.svc, s.org); after != before {
				t.Errorf("viewer upload wrote: %s -> %s", before, after)
			}
			// Reading is allowed.
			for _, path := range []string{"/work-orders", "/work-orders/" + id(mine.workOrder), "/inspections/" + id(mine.inspection), "/vendors", "/staff", "/documents", "/broadcasts/" + id(mine.broadcast)} {
				if code, _ := get(t, s.URL+path, viewer); code != http.StatusOK {
					t.Errorf("viewer GET %s: %d", path, code)
				}
			}
		})

		t.Run("another organization's records are not found", func(t *testing.T) {
			before := opsWritten(t, s.svc, s.otherOrg)
			for _, path := range []string{"/work-orders/" + id(theirs.workOrder), "/inspections/" + id(theirs.inspection), "/vendors/" + id(theirs.vendor),
				"/staff/" + id(theirs.staff), "/documents/" + id(theirDoc), "/documents/" + id(theirDoc) + "/download", "/broadcasts/" + id(theirs.broadcast)} {
				code, body := get(t, s.URL+path, admin)
				if code != http.StatusNotFound || strings.Contains(body, "Elm Court") || strings.Contains(body, "theirs") {
					t.Errorf("GET %s: %d, want a 404 page", path, code)
				}
			}
			for _, c := range []struct{ path, field, value string }{
				{"/work-orders/" + id(theirs.workOrder) + "/start", "", ""},
				{"/work-orders/" + id(theirs.workOrder), "title", "Mine now"},
				{"/work-orders/" + id(theirs.workOrder) + "/assign", "vendor_id", id(mine.vendor)},
				{"/work-orders/" + id(theirs.workOrder) + "/assign", "vendor_id", "nope"},
				{"/inspections/" + id(theirs.inspection) + "/items", "label", "Windows"},
				{"/inspections/" + id(theirs.inspection) + "/submit", "", ""},
				{"/vendors/" + id(theirs.vendor), "name", "Mine now"},
				{"/staff/" + id(theirs.staff), "name", "Mine now"},
			} {
				if code, _ := opsPost(t, s.URL+c.path, admin, url.Values{c.field: {c.value}}); code != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", c.path, code)
				}
			}
			// A record of theirs is no reference for a record of mine either.
			if code, body := opsPost(t, s.URL+"/work-orders", admin, url.Values{"property_id": {id(theirs.property)}, "title": {"t"}, "description": {"d"}}); code != http.StatusBadRequest || !strings.Contains(body, "property_id") {
				t.Errorf("work order on their property: %d", code)
			}
			if after := opsWritten(t, s.svc, s.otherOrg); after != before {
				t.Errorf("their organization changed: %s -> %s", before, after)
			}
		})

		t.Run("a step the status does not allow is a 409 page", func(t *testing.T) {
			before := opsWritten(t, s.svc, s.org)
			for _, c := range []struct{ path, want string }{
				{"/work-orders/" + id(mine.workOrder) + "/close", "cannot close work order"},
				{"/work-orders/" + id(mine.workOrder) + "/start", "cannot start work order"},
				{"/inspections/" + id(mine.inspection) + "/approve", "only a submitted inspection can become approved"},
				{"/inspections/" + id(mine.inspection) + "/submit", "items without a result"},
			} {
				code, body := opsPost(t, s.URL+c.path, admin, nil)
				if code != http.StatusConflict || !strings.Contains(body, c.want) {
					t.Errorf("POST %s: %d, want 409 naming %q: %s", c.path, code, c.want, opsPageError(body))
				}
			}
			if code, _ := opsPost(t, s.URL+"/work-orders/"+id(mine.workOrder)+"/teleport", admin, nil); code != http.StatusNotFound {
				t.Errorf("unknown action: %d", code)
			}
			if after := opsWritten(t, s.svc, s.org); after != before {
				t.Errorf("refused steps wrote: %s -> %s", before, after)
			}
		})

		t.Run("bad input is a 400 naming the field", func(t *testing.T) {
			wo := "/work-orders/" + id(mine.workOrder)
			for _, c := range []struct {
				path  string
				form  url.Values
				field string
			}{
				{"/work-orders", url.Values{"property_id": {id(mine.property)}, "description": {"d"}}, "title is required"},
				{"/work-orders", url.Values{"property_id": {"abc"}, "title": {"t"}, "description": {"d"}}, "property_id must be a positive whole number"},
				{"/work-orders", url.Values{"property_id": {id(mine.property)}, "title": {"t"}, "description": {"d"}, "priority": {"urgent"}}, "priority must be one of"},
				{"/work-orders", url.Values{"property_id": {id(mine.property)}, "unit_id": {"999999"}, "title": {"t"}, "description": {"d"}}, "unit_id 999999 does not exist"},
				{wo + "/assign", url.Values{"vendor_id": {""}, "assigned_to": {""}}, "assigned_to or vendor_id is required"},
				{wo + "/assign", url.Values{"vendor_id": {"x"}}, "vendor_id must be a positive whole number"},
				{wo, url.Values{"title": {" "}}, "title is required"},
				{wo, url.Values{"priority": {"urgent"}}, "priority must be one of"},
				{wo + "/complete", url.Values{"cost": {"12.345"}}, "cost must have at most two decimals"},
				{wo + "/complete", url.Values{"cost": {"ten"}}, "cost must be a number"},
				{"/inspections", url.Values{"property_id": {id(mine.property)}, "scheduled_for": {"tomorrow"}}, "scheduled_for must be a date and time"},
				{"/inspections", url.Values{"property_id": {id(mine.property)}, "scheduled_for": {"2026-06-01T10:00"}, "kind": {"party"}}, "kind must be one of"},
				{"/inspections/" + id(mine.inspection) + "/items", url.Values{"label": {" "}}, "label is required"},
				{"/inspections/" + id(mine.inspection) + "/items/999999", url.Values{"result": {"pass"}}, ""},
				{"/vendors", url.Values{"name": {"V"}, "email": {"not an address"}}, "email must be an email address"},
				{"/vendors/" + id(mine.vendor), url.Values{"name": {""}}, "name is required"},
				{"/staff", url.Values{"name": {"S"}, "role": {"boss"}}, "role must be one of"},
				{"/broadcasts", url.Values{"subject": {"s"}, "body": {"b"}, "audience": {"property_tenants"}}, "property_id is required"},
				{"/broadcasts", url.Values{"subject": {""}, "body": {"b"}, "audience": {"all_tenants"}}, "subject is required"},
				{"/vendors", url.Values{"name": {"V\x00"}}, "name must be valid UTF-8 text without NUL characters"},
				{"/work-orders", url.Values{"property_id": {id(mine.property)}, "title": {"t\xff"}, "description": {"d"}}, "title must be valid UTF-8"},
			} {
				before := opsWritten(t, s.svc, s.org)
				code, body := opsPost(t, s.URL+c.path, admin, c.form)
				if c.field == "" { // an item not in the inspection
					if code != http.StatusNotFound {
						t.Errorf("POST %s: %d, want 404", c.path, code)
					}
				} else if code != http.StatusBadRequest || !strings.Contains(opsPageError(body), c.field) {
					t.Errorf("POST %s %v: %d %q, want 400 naming %q", c.path, c.form, code, opsPageError(body), c.field)
				}
				if after := opsWritten(t, s.svc, s.org); after != before {
					t.Errorf("POST %s wrote: %s -> %s", c.path, before, after)
				}
			}
			for _, c := range []struct {
				fields map[string]string
				file   string
				want   string
			}{
				{map[string]string{"scope": "property", "scope_id": id(mine.property)}, "", "file is required"},
				{map[string]string{"scope": "planet", "scope_id": "1"}, "a.txt", "scope must be one of"},
				{map[string]string{"scope": "property", "scope_id": id(theirs.property)}, "a.txt", "scope_id"},
			} {
				before := opsWritten(t, s.svc, s.org)
				code, body := opsUpload(t, s.URL+"/documents", admin, c.fields, c.file, []byte("x"))
				if code != http.StatusBadRequest || !strings.Contains(opsPageError(body), c.want) {
					t.Errorf("upload %v: %d %q, want 400 naming %q", c.fields, code, opsPageError(body), c.want)
				}
				if after := opsWritten(t, s.svc, s.org); after != before {
					t.Errorf("upload %v wrote: %s -> %s", c.fields, before, after)
				}
			}
			if code, body := opsPost(t, s.URL+"/documents", admin, url.Values{"title": {"x"}}); code != http.StatusUnsupportedMediaType || !strings.Contains(opsPageError(body), "multipart") {
				t.Errorf("upload as a urlencoded form: %d %q", code, opsPageError(body))
			}
			for _, path := range []string{"/work-orders?q=%00", "/work-orders?q=%FF", "/vendors?trade=%00", "/work-orders?status=lost", "/work-orders?property_id=x", "/inspections?status=lost", "/vendors?status=gone", "/staff?role=boss", "/documents?scope=planet", "/broadcasts?audience=aliens"} {
				if code, _ := get(t, s.URL+path, admin); code != http.StatusBadRequest {
					t.Errorf("GET %s: %d, want 400", path, code)
				}
			}
		})

		t.Run("a title is text", func(t *testing.T) {
			evil := "<script>alert(1)</script>"
			w, err := s.svc.CreateWorkOrder(ctx, s.org, porter.WorkOrderInput{PropertyID: &mine.property, Title: &evil, Description: &evil})
			must(t, err)
			for _, path := range []string{"/work-orders", "/work-orders?q=alert", "/work-orders/" + id(w.ID), "/vendors/" + id(mine.vendor)} {
				code, body := get(t, s.URL+path, admin)
				if code != http.StatusOK || strings.Contains(body, evil) {
					t.Errorf("GET %s: %d, the title is not escaped", path, code)
				}
				if path != "/vendors/"+id(mine.vendor) && !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
					t.Errorf("GET %s does not show the title as text", path)
				}
			}
			// The search finds it and only it.
			if _, body := get(t, s.URL+"/work-orders?q=ALERT", admin); !strings.Contains(body, "1 work orders") {
				t.Errorf("search: %s", regexp.MustCompile(`<caption>[^<]*`).FindString(body))
			}
		})

		t.Run("edit", func(t *testing.T) {
			wo := s.URL + "/work-orders/" + id(mine.workOrder)
			if code, _ := opsPost(t, wo, admin, url.Values{"priority": {"emergency"}, "title": {"Dripping tap, flooding"}}); code != http.StatusSeeOther {
				t.Fatalf("edit: %d", code)
			}
			got, err := s.svc.WorkOrder(ctx, s.org, mine.workOrder)
			must(t, err)
			if got.Priority != "emergency" || got.Title != "Dripping tap, flooding" || got.Description != "Kitchen" || !got.DueAt.Equal(got.CreatedAt.Add(4*time.Hour)) {
				t.Fatalf("edited: %+v", got)
			}
			_, err = s.svc.CancelWorkOrder(ctx, s.org, mine.workOrder)
			must(t, err)
			before := opsWritten(t, s.svc, s.org)
			if code, body := opsPost(t, wo, admin, url.Values{"title": {"Again"}}); code != http.StatusConflict || !strings.Contains(opsPageError(body), "can no longer be edited") {
				t.Errorf("edit a cancelled work order: %d %q", code, opsPageError(body))
			}
			if after := opsWritten(t, s.svc, s.org); after != before {
				t.Errorf("a refused edit wrote: %s -> %s", before, after)
			}
		})
	})
}

// opsPageError is the message of an error page or a refused form.
func opsPageError(body string) string {
	m := regexp.MustCompile(`(?s)class="error" role="alert"[^>]*>(.*?)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.ReplaceAll(m[1], "&#34;", `"`)
}

// TestOperationsFlow: a manager, in Chromium, adds a vendor, opens a work
// order and walks it through its states with the buttons (only those its
// status allows are shown), uploads a document and downloads the same
// bytes, and conducts an inspection with its checklist.
func TestOperationsFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := newSite(t, st)
		bg := context.Background()
		_, err := s.svc.CreateUser(bg, s.org, porter.UserInput{Email: "manager@acme.test", Role: porter.RoleManager, Password: password})
		must(t, err)
		p, err := s.svc.CreateProperty(bg, s.org, porter.PropertyInput{Name: ptr("Elm Court")})
		must(t, err)
		ctx := tab(t)
		if h1 := s.signIn(t, ctx, "manager@acme.test", password); h1 != "Dashboard" {
			t.Fatalf("signed in to %q", h1)
		}

		// A vendor.
		run(t, ctx, chromedp.Navigate(s.URL+"/vendors"),
			chromedp.SendKeys("#v-name", "Pipe Pros", chromedp.ByQuery),
			chromedp.SendKeys("#v-trade", "plumbing", chromedp.ByQuery),
			loads(chromedp.Submit("#v-name", chromedp.ByQuery)))
		if h1 := text(t, ctx, "h1"); h1 != "Pipe Pros" {
			t.Fatalf("vendor page: %q", h1)
		}
		vendors, err := s.svc.Vendors(bg, s.org, porter.VendorFilter{})
		must(t, err)
		vendor := vendors.Items[0].ID

		// A work order, through its states.
		run(t, ctx, chromedp.Navigate(s.URL+"/work-orders"),
			chromedp.SetValue("#wo-property", itoa(p.ID), chromedp.ByQuery),
			chromedp.SendKeys("#wo-title", "Leaking sink", chromedp.ByQuery),
			chromedp.SendKeys("#wo-description", "Under the kitchen sink", chromedp.ByQuery),
			chromedp.SetValue("#wo-priority", "high", chromedp.ByQuery),
			loads(chromedp.Submit("#wo-title", chromedp.ByQuery)))
		if h1 := text(t, ctx, "h1"); h1 != "Leaking sink" {
			t.Fatalf("work order page: %q", h1)
		}
		step := func(status string, buttons ...string) {
			t.Helper()
			if got := text(t, ctx, "#wo-status"); got != status {
				t.Fatalf("status %q, want %q", got, status)
			}
			var nodes []*cdp.Node
			run(t, ctx, chromedp.Nodes(`main button[id^="action-"]`, &nodes, chromedp.ByQueryAll, chromedp.AtLeast(0)))
			var got []string
			for _, n := range nodes {
				got = append(got, strings.TrimPrefix(n.AttributeValue("id"), "action-"))
			}
			if !slices.Equal(got, buttons) {
				t.Fatalf("%s: buttons %v, want %v", status, got, buttons)
			}
		}
		click := func(sel string) { t.Helper(); run(t, ctx, loads(chromedp.Click(sel, chromedp.ByQuery))) }
		step("open", "assign", "cancel")
		run(t, ctx, chromedp.SetValue("#assign-vendor", itoa(vendor), chromedp.ByQuery))
		click("#action-assign")
		step("assigned", "assign", "start", "cancel")
		if got := text(t, ctx, "#wo-assignee"); got != "Pipe Pros" {
			t.Fatalf("assignee %q", got)
		}
		click("#action-start")
		step("in_progress", "complete", "hold", "cancel")
		run(t, ctx, chromedp.SendKeys("#resolution-notes", "Replaced the washer", chromedp.ByQuery),
			chromedp.SendKeys("#cost", "125.50", chromedp.ByQuery))
		click("#action-complete")
		step("completed", "verify", "cancel")
		click("#action-verify")
		step("verified", "close", "cancel")
		click("#action-close")
		step("closed")
		wos, err := s.svc.WorkOrders(bg, s.org, porter.WorkOrderFilter{})
		must(t, err)
		wo := wos.Items[0]
		if got := text(t, ctx, "#wo-cost"); got != "125.50" {
			t.Fatalf("cost shown: %q", got)
		}
		if wo.ResolutionNotes != "Replaced the washer" || wo.Cost != 12550 || wo.VendorID == nil || *wo.VendorID != vendor {
			t.Fatalf("work order: %+v", wo)
		}
		var events []string
		evs, err := s.svc.ResourceEvents(bg, s.org, "work_order", wo.ID)
		must(t, err)
		for _, e := range evs {
			events = append(events, e.Type)
		}
		for _, want := range []string{"work_order.created", "work_order.assigned", "work_order.started", "work_order.completed", "work_order.verified", "work_order.closed"} {
			if !slices.Contains(events, want) {
				t.Errorf("no %s among %v", want, events)
			}
		}

		// A document on the work order: uploaded through htmx (with its
		// progress bar), downloaded with the same bytes.
		content := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("porter "), 20000)...)
		file := filepath.Join(t.TempDir(), "invoice.pdf")
		must(t, os.WriteFile(file, content, 0o600))
		// Refused (no such record): htmx shows the form's message in place.
		run(t, ctx, chromedp.Navigate(s.URL+"/documents?scope=work_order&scope_id=999999"),
			chromedp.WaitVisible("#d-file", chromedp.ByQuery),
			chromedp.SetUploadFiles("#d-file", []string{file}, chromedp.ByQuery),
			chromedp.Click("#upload button", chromedp.ByQuery),
			chromedp.WaitVisible("#form-error", chromedp.ByQuery))
		if msg := text(t, ctx, "#form-error"); msg != "scope_id 999999 does not exist" {
			t.Fatalf("refused upload: %q", msg)
		}
		run(t, ctx, chromedp.Navigate(s.URL+"/documents?scope=work_order&scope_id="+itoa(wo.ID)),
			chromedp.WaitVisible("#d-file", chromedp.ByQuery),
			chromedp.SendKeys("#d-title", "Plumber's invoice", chromedp.ByQuery),
			chromedp.SetUploadFiles("#d-file", []string{file}, chromedp.ByQuery),
			// Keeps what the progress bar last showed past the page change.
			chromedp.Evaluate(`document.addEventListener("htmx:xhr:progress", function () {
				var bar = document.getElementById("upload-progress");
				sessionStorage.setItem("progress", (bar.hidden ? "hidden " : "") + bar.value);
			})`, nil),
			loads(chromedp.Click("#upload button", chromedp.ByQuery)),
			chromedp.WaitVisible("#download", chromedp.ByQuery))
		var progress string
		run(t, ctx, chromedp.Evaluate(`sessionStorage.getItem("progress") || ""`, &progress))
		if progress != "100" {
			t.Errorf("the progress bar showed %q, want 100", progress)
		}
		if h1 := text(t, ctx, "h1"); h1 != "Plumber's invoice" {
			t.Fatalf("document page: %q", h1)
		}
		var href string
		run(t, ctx, chromedp.AttributeValue("#download", "href", &href, nil, chromedp.ByQuery))
		req, _ := http.NewRequest("GET", s.URL+href, nil)
		req.AddCookie(sessionCookie(t, ctx))
		res, err := http.DefaultClient.Do(req)
		must(t, err)
		var got bytes.Buffer
		got.ReadFrom(res.Body)
		res.Body.Close()
		h := res.Header
		if res.StatusCode != 200 || !bytes.Equal(got.Bytes(), content) || h.Get("Content-Type") != "application/pdf" ||
			h.Get("Content-Disposition") != `attachment; filename=invoice.pdf` || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download: %d, %d bytes (want %d), headers %v", res.StatusCode, got.Len(), len(content), h)
		}

		run(t, ctx, chromedp.Navigate(s.URL+"/work-orders/"+itoa(wo.ID)))
		if got := text(t, ctx, "#wo-documents a"); got != "Plumber's invoice" {
			t.Errorf("the work order's documents: %q", got)
		}

		// An inspection with its checklist.
		run(t, ctx, chromedp.Navigate(s.URL+"/inspections"),
			chromedp.SetValue("#i-property", itoa(p.ID), chromedp.ByQuery),
			chromedp.SetValue("#i-scheduled", "2026-05-12T09:30", chromedp.ByQuery),
			chromedp.SendKeys("#i-inspector", "Sam", chromedp.ByQuery),
			loads(chromedp.Submit("#i-inspector", chromedp.ByQuery)))
		if got := text(t, ctx, "#insp-status"); got != "scheduled" {
			t.Fatalf("inspection: %q", got)
		}
		click("#action-start")
		run(t, ctx, chromedp.SendKeys("#item-label", "Smoke detector works", chromedp.ByQuery),
			loads(chromedp.Submit("#item-label", chromedp.ByQuery)))
		run(t, ctx, chromedp.SetValue(`#checklist select`, "pass", chromedp.ByQuery),
			chromedp.SendKeys(`#checklist input`, "Tested", chromedp.ByQuery))
		click(`#checklist button`)
		click("#action-submit")
		if got := text(t, ctx, "#insp-status"); got != "submitted" {
			t.Fatalf("inspection after submit: %q (%s)", got, text(t, ctx, "main"))
		}
		insps, err := s.svc.Inspections(bg, s.org, porter.InspectionFilter{})
		must(t, err)
		if it := insps.Items[0].Items; len(it) != 1 || it[0].Result != "pass" || it[0].Notes != "Tested" {
			t.Fatalf("checklist: %+v", it[0])
		}
	})
}
