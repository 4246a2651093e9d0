package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"porter"
	"porter/storetest"
)

// TestCleaningFlow: two confirmed stays back to back give the first one's
// check-out a high-priority cleaning task (same-day turnover); a manager,
// in Chromium, finds it marked on the list, assigns it to a cleaner,
// starts it and completes it with two items ticked, a note and a photo.
func TestCleaningFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := str2Site(t, st)
		bg := context.Background()
		p, err := s.svc.CreateProperty(bg, s.org, porter.PropertyInput{Name: ptr("Sea Villas")})
		must(t, err)
		un, err := s.svc.CreateUnit(bg, s.org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("Villa 1")})
		must(t, err)
		sam, err := s.svc.CreateStaff(bg, s.org, porter.StaffInput{Name: ptr("Sam Cleaner"), Email: ptr("sam@example.test")})
		must(t, err)
		price := porter.Money(10000)
		for _, d := range [][2]string{{"2026-05-10", "2026-05-12"}, {"2026-05-12", "2026-05-15"}} {
			_, err := s.svc.CreateBooking(bg, s.org, porter.BookingInput{UnitID: &un.ID, GuestName: ptr("Grace Guest"), CheckIn: &d[0], CheckOut: &d[1],
				NightlyRate: &price, Currency: ptr("EUR"), Status: ptr(porter.BookingConfirmed)})
			must(t, err)
		}
		tasks, err := s.svc.CleaningTasks(bg, s.org, porter.CleaningFilter{From: "2026-05-12", To: "2026-05-12"})
		must(t, err)
		if len(tasks.Items) != 1 || tasks.Items[0].Priority != "high" {
			t.Fatalf("the turnover's task: %+v", tasks.Items)
		}
		task := tasks.Items[0]

		ctx := tab(t)
		q := chromedp.ByQuery
		s.signIn(t, ctx, "manager@acme.test", password)
		photo := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
		if code, body := opsUpload(t, s.URL+"/documents", sessionCookie(t, ctx), map[string]string{"title": "Bathroom after", "scope": "unit",
			"scope_id": itoa(un.ID)}, "bathroom.png", photo); code != http.StatusSeeOther {
			t.Fatalf("upload a photo: %d %s", code, body)
		}

		run(t, ctx, chromedp.Navigate(s.URL+"/cleaning"), chromedp.WaitVisible("#cleaning-tasks", q))
		row := fmt.Sprintf(`#cleaning-tasks tr.priority-high a[href="/cleaning/%d"]`, task.ID)
		if got := text(t, ctx, "#cleaning-tasks tr.priority-high"); !strings.Contains(strings.ToLower(got), "same-day turnover") || !strings.Contains(got, "2026-05-12 to 2026-05-12") {
			t.Fatalf("the turnover is not marked on the list: %q", got)
		}
		run(t, ctx, loads(chromedp.Click(row, q)), chromedp.WaitVisible("#assign-cleaning", q),
			chromedp.SetValue("#assign-cleaner", "staff:"+itoa(sam.ID), q),
			loads(chromedp.Click("#assign-button", q)), chromedp.WaitVisible("#start-cleaning", q))
		if got := text(t, ctx, "#cleaning-status"); got != "assigned" || text(t, ctx, "#cleaning-cleaner") != "Sam Cleaner (staff)" {
			t.Fatalf("after assign: %q, %q", got, text(t, ctx, "#cleaning-cleaner"))
		}
		run(t, ctx, loads(chromedp.Click("#start-cleaning", q)), chromedp.WaitVisible("#complete-cleaning", q),
			chromedp.Click("#done-0", q), chromedp.Click("#done-1", q),
			chromedp.SendKeys("#complete-notes", "Towels restocked", q),
			chromedp.Click(`#complete-cleaning input[name="photo"]`, q),
			loads(chromedp.Click("#complete-button", q)), chromedp.WaitVisible("#cleaning-status", q))
		if got := text(t, ctx, "#cleaning-status"); got != "completed" {
			t.Fatalf("after complete: %q (%s)", got, text(t, ctx, "main"))
		}
		if got := text(t, ctx, "#cleaning-checklist tbody"); strings.Count(got, "yes") != 2 || strings.Count(got, "no") != len(porter.DefaultCleaningChecklist)-2 {
			t.Errorf("checklist as done: %q", got)
		}
		if got := text(t, ctx, "#cleaning-notes"); got != "Towels restocked" {
			t.Errorf("notes: %q", got)
		}
		if got := text(t, ctx, "#cleaning-photos"); !strings.Contains(got, "Document ") {
			t.Errorf("photos: %q", got)
		}
		if got := text(t, ctx, ".events"); !strings.Contains(got, "cleaning.assigned") || !strings.Contains(got, "cleaning.completed") {
			t.Errorf("recent events: %q", got)
		}
	})
}

// TestICalFlow: a manager, in Chromium, opens a unit's iCal page from
// the unit, finds its export feed URL with a Copy button, imports a
// calendar served on loopback, syncs it now (the stay becomes an ical
// booking) and rotates the feed's token (the old URL is gone). A source
// that answers 500 shows the error on the page.
func TestICalFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := str2Site(t, st)
		bg := context.Background()
		p, err := s.svc.CreateProperty(bg, s.org, porter.PropertyInput{Name: ptr("Sea Villas")})
		must(t, err)
		un, err := s.svc.CreateUnit(bg, s.org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("Villa 1")})
		must(t, err)
		feed := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\nUID:stay-1@airbnb.test\r\nDTSTAMP:20260501T000000Z\r\n" +
			"DTSTART;VALUE=DATE:20260610\r\nDTEND;VALUE=DATE:20260613\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		ota := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/cal.ics" {
				http.Error(w, "down", http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/calendar")
			fmt.Fprint(w, feed)
		}))
		t.Cleanup(ota.Close)

		ctx := tab(t)
		q := chromedp.ByQuery
		s.signIn(t, ctx, "manager@acme.test", password)
		run(t, ctx, chromedp.Navigate(s.URL+"/units/"+itoa(un.ID)), chromedp.WaitVisible("#unit-ical", q),
			loads(chromedp.Click("#unit-ical", q)), chromedp.WaitVisible("#ical-export-url", q))
		var feedURL, copyRef string
		run(t, ctx, chromedp.Value("#ical-export-url", &feedURL, q), chromedp.AttributeValue("#copy-export", "data-copy", &copyRef, nil, q))
		if !strings.HasPrefix(feedURL, s.URL+"/ical/") || copyRef != "ical-export-url" {
			t.Fatalf("export URL %q, copy button for %q", feedURL, copyRef)
		}
		if code, body := get(t, feedURL, nil); code != http.StatusOK || !strings.Contains(body, "BEGIN:VCALENDAR") {
			t.Fatalf("the feed: %d", code)
		}

		run(t, ctx, chromedp.SendKeys("#source-name", "Airbnb", q), chromedp.SendKeys("#source-url", ota.URL+"/cal.ics", q),
			loads(chromedp.Submit("#source-name", q)), chromedp.WaitVisible("#ical-sources .source-status", q))
		if got := text(t, ctx, "#ical-sources .source-status"); got != "pending" {
			t.Fatalf("new source: %q", got)
		}
		run(t, ctx, loads(chromedp.Click(`#ical-sources button[id^="sync-"]`, q)), chromedp.WaitVisible("#sync-result", q))
		if got := text(t, ctx, "#sync-result"); !strings.Contains(got, "1 events read, 1 bookings created") {
			t.Errorf("sync result: %q", got)
		}
		if got := text(t, ctx, "#ical-sources .source-status"); got != "ok" {
			t.Errorf("after sync: %q", got)
		}
		bk, err := s.svc.Bookings(bg, s.org, porter.BookingFilter{UnitID: un.ID, Source: "ical"})
		must(t, err)
		if len(bk.Items) != 1 || bk.Items[0].CheckIn != "2026-06-10" {
			t.Errorf("imported bookings: %+v", bk.Items)
		}

		run(t, ctx, loads(chromedp.Click("#rotate-export", q)), chromedp.WaitVisible("#ical-export-url", q))
		var rotated string
		run(t, ctx, chromedp.Value("#ical-export-url", &rotated, q))
		if rotated == feedURL || !strings.HasPrefix(rotated, s.URL+"/ical/") {
			t.Errorf("after rotate: %q (was %q)", rotated, feedURL)
		}
		if code, _ := get(t, feedURL, nil); code != http.StatusNotFound {
			t.Errorf("the old feed URL: %d, want 404", code)
		}

		// A source that answers 500: the sync's failure is on the page, and
		// on the source (status error, last error).
		manager := sessionCookie(t, ctx)
		loc := postLoc(t, s.URL+"/units/"+itoa(un.ID)+"/ical/sources", manager, url.Values{"name": {"Vrbo"}, "url": {ota.URL + "/broken.ics"}})
		srcs, err := s.svc.ICalSources(bg, s.org, porter.ICalSourceFilter{UnitID: un.ID, Status: porter.ICalPending})
		must(t, err)
		if len(srcs.Items) != 1 || loc != "/units/"+itoa(un.ID)+"/ical" {
			t.Fatalf("the second source: %+v, to %q", srcs.Items, loc)
		}
		code, body := opsPost(t, s.URL+"/ical-sources/"+itoa(srcs.Items[0].ID)+"/sync", manager, nil)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Sync of Vrbo failed: URL the source answered HTTP 500") ||
			!strings.Contains(body, `class="status-error source-status">error`) {
			t.Errorf("a failing sync: %d %s", code, body)
		}
		if _, body := get(t, s.URL+"/ical-sources?status=error", manager); !strings.Contains(body, "Vrbo") || strings.Contains(body, ">Airbnb<") {
			t.Errorf("sources in error: %s", body)
		}
	})
}
