package porter_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// Two units that import each other's feeds settle: A's stays come back
// to A through B's feed under the UIDs they left with and are skipped as
// A's own, so several rounds of syncs create no conflict and no duplicate;
// a stay A imported from a third calendar (an Airbnb reservation) is not
// echoed back either; and a real overlap between A's and B's own stays is
// still reported, once on each side.
func TestICalEchoSettles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		// The feeds are served as /ical/{token}.ics serves them, on loopback.
		mux := http.NewServeMux()
		mux.HandleFunc("GET /ical/{file}", func(w http.ResponseWriter, r *http.Request) {
			b, err := svc.ICalFeed(r.Context(), strings.TrimSuffix(r.PathValue("file"), ".ics"))
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
			w.Write(b)
		})
		mux.HandleFunc("GET /airbnb.ics", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Airbnb Inc//Hosting Calendar//EN\r\nBEGIN:VEVENT\r\n"+
				"DTSTAMP:20250509T000000Z\r\nDTSTART;VALUE=DATE:20250901\r\nDTEND;VALUE=DATE:20250905\r\nUID:1418fb94e984-abc123@airbnb.com\r\n"+
				"SUMMARY:Reserved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
		})
		srv := httptest.NewServer(mux) // 127.0.0.1
		t.Cleanup(srv.Close)
		svc.BaseURL, svc.ICalClient, svc.Secrets = srv.URL, srv.Client(), secretBox(t)
		host := strings.Split(strings.TrimPrefix(srv.URL, "http://"), ":")[0]

		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Riad")})
		must(err)
		unit := func(name string) int64 {
			u, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr(name)})
			must(err)
			return u.ID
		}
		unitA, unitB := unit("A"), unit("B")
		stay := func(u int64, in, out string) *porter.Booking {
			b, err := svc.CreateBooking(ctx, org, porter.BookingInput{UnitID: &u, GuestName: ptr("Guest"), CheckIn: ptr(in), CheckOut: ptr(out),
				NightlyRate: ptr(porter.Money(10000)), Currency: ptr("EUR"), Status: ptr(porter.BookingConfirmed)})
			must(err)
			return b
		}
		a1 := stay(unitA, "2025-07-01", "2025-07-05")
		_, err = svc.CreateBlock(ctx, org, porter.BlockInput{UnitID: &unitA, Kind: ptr("owner_stay"), StartDate: ptr("2025-08-01"), EndDate: ptr("2025-08-03")})
		must(err)
		stay(unitB, "2025-07-20", "2025-07-23")
		source := func(u int64, name, url string) int64 {
			src, err := svc.CreateICalSource(ctx, org, porter.ICalSourceInput{UnitID: &u, Name: ptr(name), URL: ptr(url)})
			must(err)
			return src.ID
		}
		export := func(u int64) string {
			e, err := svc.ICalExportURL(ctx, org, u)
			must(err)
			return e.URL
		}
		airbnb := source(unitA, "Airbnb", srv.URL+"/airbnb.ics")
		fromA, fromB := source(unitB, "Unit A", export(unitA)), source(unitA, "Unit B", export(unitB))
		sync := func(id int64) *porter.ICalSyncResult {
			t.Helper()
			res, err := svc.SyncICalSource(ctx, org, id)
			must(err)
			return res
		}
		// active lists a unit's stays that hold nights, by dates.
		active := func(u int64) []string {
			t.Helper()
			list, err := svc.Bookings(ctx, org, porter.BookingFilter{ListParams: porter.ListParams{Page: 1, PerPage: 100}, UnitID: u})
			must(err)
			var out []string
			for _, b := range list.Items {
				if b.Status == porter.BookingConfirmed || b.Status == porter.BookingPending {
					out = append(out, b.CheckIn+"/"+b.CheckOut+" "+b.Status)
				}
			}
			sort.Strings(out)
			return out
		}
		conflicts := func() int {
			t.Helper()
			ev, err := svc.Events(ctx, org, porter.EventFilter{Types: []string{"ical.conflict_detected"}})
			must(err)
			return ev.Total
		}

		sync(airbnb)
		wantA := []string{"2025-07-01/2025-07-05 confirmed", "2025-07-20/2025-07-23 confirmed", "2025-09-01/2025-09-05 confirmed"}
		wantB := []string{"2025-07-01/2025-07-05 confirmed", "2025-07-20/2025-07-23 confirmed", "2025-08-01/2025-08-04 confirmed", "2025-09-01/2025-09-05 confirmed"}
		for round := 1; round <= 4; round++ {
			order := []int64{fromB, fromA, airbnb}
			if round%2 == 0 {
				order = []int64{fromA, fromB, airbnb}
			}
			for _, id := range order {
				if res := sync(id); res.Conflicts != 0 || (round > 2 && res.Created+res.Updated+res.Cancelled != 0) {
					t.Fatalf("round %d, source %d: %+v", round, id, *res)
				}
			}
			if got := active(unitA); fmt.Sprint(got) != fmt.Sprint(wantA) {
				t.Fatalf("round %d: unit A holds %v, want %v", round, got, wantA)
			}
			if got := active(unitB); fmt.Sprint(got) != fmt.Sprint(wantB) {
				t.Fatalf("round %d: unit B holds %v, want %v", round, got, wantB)
			}
			if n := conflicts(); n != 0 {
				t.Fatalf("round %d: %d conflicts from the echo", round, n)
			}
		}
		// B re-exports what it imported under the UIDs it came with, and
		// A skips them as its own.
		feedB, err := svc.ICalFeed(ctx, strings.TrimSuffix(strings.TrimPrefix(export(unitB), srv.URL+"/ical/"), ".ics"))
		must(err)
		for _, uid := range []string{fmt.Sprintf("booking-%d@%s", a1.ID, host), "1418fb94e984-abc123@airbnb.com"} {
			if !strings.Contains(string(feedB), "UID:"+uid) {
				t.Errorf("B's feed lacks UID %s:\n%s", uid, feedB)
			}
		}
		if res := sync(fromB); res.Events != 4 || res.Echoes != 3 || res.Unchanged != 1 {
			t.Errorf("A importing B's feed: %+v, want 4 events of which 3 echoes", *res)
		}

		// A real overlap: A and B each take their own stay on the same
		// nights before the feeds are synced. Each side reports it once.
		stay(unitA, "2025-10-10", "2025-10-14")
		stay(unitB, "2025-10-12", "2025-10-15")
		for round := 1; round <= 3; round++ {
			sync(fromB)
			sync(fromA)
		}
		if n := conflicts(); n != 2 {
			t.Fatalf("%d conflicts for one real overlap, want 2 (one per side)", n)
		}
		wantA = append(wantA, "2025-10-10/2025-10-14 confirmed", "2025-10-12/2025-10-15 pending")
		wantB = append(wantB, "2025-10-10/2025-10-14 pending", "2025-10-12/2025-10-15 confirmed")
		sort.Strings(wantA)
		sort.Strings(wantB)
		if got := active(unitA); fmt.Sprint(got) != fmt.Sprint(wantA) {
			t.Fatalf("unit A holds %v, want %v", got, wantA)
		}
		if got := active(unitB); fmt.Sprint(got) != fmt.Sprint(wantB) {
			t.Fatalf("unit B holds %v, want %v", got, wantB)
		}
	})
}
