package http_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/webhook"
)

// icalAPI is an api whose iCal imports go through the real webhook guard,
// allowed to reach loopback (as the webhook tests do): every fetch here
// goes to a test server on 127.0.0.1.
func icalAPI(t *testing.T, a *api) {
	guard := &webhook.Guard{AllowPrivate: true}
	a.svc.CheckWebhookURL = guard.CheckURL
	a.svc.ICalClient = guard.Client(5 * time.Second)
	t.Cleanup(a.svc.ICalClient.CloseIdleConnections)
}

func (a *api) unitOf(pid float64, name string) float64 {
	a.t.Helper()
	return a.do("POST", "/v1/units", map[string]any{"property_id": pid, "name": name}).must(a.t, 201).obj("data")["id"].(float64)
}

func (a *api) stay(unit float64, in, out, status string) map[string]any {
	a.t.Helper()
	return a.do("POST", "/v1/bookings", map[string]any{"unit_id": unit, "guest_name": "Karim B.", "guest_email": "karim@example.com",
		"check_in": in, "check_out": out, "nightly_rate": 100, "currency": "EUR", "status": status}).must(a.t, 201).obj("data")
}

// icalBookings lists a unit's imported bookings by check-in.
func (a *api) icalBookings(unit float64) map[string]map[string]any {
	a.t.Helper()
	r := a.do("GET", fmt.Sprintf("/v1/bookings?source=ical&per_page=100&unit_id=%v", unit), nil).must(a.t, 200)
	out := map[string]map[string]any{}
	for _, x := range r.JSON["data"].([]any) {
		b := x.(map[string]any)
		out[b["check_in"].(string)] = b
	}
	return out
}

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// The acceptance round trip: Porter exports unit A's feed, a source on
// unit B imports it through the guarded client, a confirmed stay on B is
// reported as a conflict, and a stay removed from A is cancelled on B.
func TestICalRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		icalAPI(t, a)
		pid, unitA := a.propertyWithUnit(a.key, "Riad Azur")
		unitB := a.unitOf(pid, "2B")
		b1 := a.stay(unitA, "2025-07-01", "2025-07-05", "confirmed")
		b2 := a.stay(unitA, "2025-07-10", "2025-07-14", "confirmed")
		a.stay(unitA, "2025-07-20", "2025-07-22", "pending") // requests are not exported
		block := a.do("POST", "/v1/blocks", map[string]any{"unit_id": unitA, "kind": "owner_stay", "start_date": "2025-08-01", "end_date": "2025-08-03"}).must(t, 201).obj("data")

		// The export: an RFC 5545 feed at a secret URL, no key.
		exp := a.do("GET", fmt.Sprintf("/v1/units/%v/ical_export", unitA), nil).must(t, 200).obj("data")
		feedURL := exp["url"].(string)
		if !strings.HasPrefix(feedURL, a.srv.URL+"/ical/") || !strings.HasSuffix(feedURL, ".ics") {
			t.Fatalf("export url %q", feedURL)
		}
		if again := a.do("GET", fmt.Sprintf("/v1/units/%v/ical_export", unitA), nil).must(t, 200).obj("data"); again["url"] != feedURL {
			t.Fatalf("the export URL changed on a second read: %v", again["url"])
		}
		status, hdr, feed := get(t, feedURL)
		if status != 200 || hdr.Get("Content-Type") != "text/calendar; charset=utf-8" {
			t.Fatalf("feed: %d %s", status, hdr.Get("Content-Type"))
		}
		host := strings.Split(strings.TrimPrefix(a.srv.URL, "http://"), ":")[0]
		for _, want := range []string{"BEGIN:VCALENDAR", "VERSION:2.0",
			fmt.Sprintf("UID:booking-%s@%s", id(b1), host), "DTSTART;VALUE=DATE:20250701", "DTEND;VALUE=DATE:20250705",
			fmt.Sprintf("UID:booking-%s@%s", id(b2), host), "SUMMARY:Reserved",
			fmt.Sprintf("UID:block-%s@%s", id(block), host), "DTSTART;VALUE=DATE:20250801", "DTEND;VALUE=DATE:20250804", "SUMMARY:Blocked"} {
			if !strings.Contains(feed, want) {
				t.Errorf("feed lacks %q:\n%s", want, feed)
			}
		}
		if strings.Contains(feed, "Karim") || strings.Contains(feed, "karim@") || strings.Contains(feed, "20250720") {
			t.Errorf("the feed shows a guest or a pending request:\n%s", feed)
		}

		// A confirmed stay on B overlapping b2, before the import.
		onB := a.stay(unitB, "2025-07-12", "2025-07-15", "confirmed")

		// A unit cannot import its own feed (its stays would echo back).
		if r := a.do("POST", "/v1/ical_sources", map[string]any{"unit_id": unitA, "name": "Self", "url": feedURL}).must(t, 400); !strings.Contains(string(r.Body), "own iCal export") {
			t.Fatalf("own feed: %s", r.Body)
		}
		src := a.do("POST", "/v1/ical_sources", map[string]any{"unit_id": unitB, "name": "Unit A", "url": feedURL}).must(t, 201).obj("data")
		if src["status"] != "pending" || src["property_id"] != pid {
			t.Fatalf("new source: %v", src)
		}
		res := a.do("POST", "/v1/ical_sources/"+id(src)+"/sync", nil).must(t, 200).obj("data")
		if res["events"] != 3.0 || res["created"] != 3.0 || res["conflicts"] != 1.0 || res["cancelled"] != 0.0 {
			t.Fatalf("first sync: %v", res)
		}
		got := a.icalBookings(unitB)
		if len(got) != 3 || got["2025-07-01"]["status"] != "confirmed" || got["2025-08-01"]["status"] != "confirmed" ||
			got["2025-08-01"]["check_out"] != "2025-08-04" || got["2025-07-10"]["status"] != "pending" {
			t.Fatalf("imported: %v", got)
		}
		// Confirmed imports get the cleaning of their check-out, as any
		// confirmed booking does; the pending one holds nothing.
		cleaning := func(b map[string]any) string {
			list := a.do("GET", fmt.Sprintf("/v1/cleaning_tasks?booking_id=%v", b["id"]), nil).must(t, 200).JSON["data"].([]any)
			if len(list) != 1 {
				return fmt.Sprintf("%d tasks", len(list))
			}
			return list[0].(map[string]any)["status"].(string)
		}
		if c := cleaning(got["2025-07-01"]); c != "pending" {
			t.Errorf("cleaning of an imported stay: %s", c)
		}
		if c := cleaning(got["2025-07-10"]); c != "0 tasks" {
			t.Errorf("cleaning of a pending import: %s", c)
		}
		if got["2025-07-01"]["total"] != 0.0 || got["2025-07-01"]["currency"] != "EUR" {
			t.Errorf("an unpriced import: total %v %v", got["2025-07-01"]["total"], got["2025-07-01"]["currency"])
		}
		conflicts := a.events("ical.conflict_detected")
		if len(conflicts) != 1 {
			t.Fatalf("%d conflicts, want 1", len(conflicts))
		}
		d := conflicts[0]["data"].(map[string]any)
		imported, existing := d["imported"].(map[string]any), d["existing"].(map[string]any)
		if imported["uid"] != fmt.Sprintf("booking-%s@%s", id(b2), host) || imported["check_in"] != "2025-07-10" || imported["check_out"] != "2025-07-14" ||
			existing["type"] != "booking" || existing["id"] != onB["id"] || existing["reference"] != onB["reference"] ||
			d["source"].(map[string]any)["id"] != src["id"] {
			t.Fatalf("conflict data: %v", d)
		}
		src = a.do("GET", "/v1/ical_sources/"+id(src), nil).must(t, 200).obj("data")
		if src["status"] != "ok" || src["last_synced_at"] == nil || src["last_error"] != "" {
			t.Fatalf("synced source: %v", src)
		}

		// Idempotent: the same feed again changes nothing, reports nothing.
		before := a.eventCount()
		res = a.do("POST", "/v1/ical_sources/"+id(src)+"/sync", nil).must(t, 200).obj("data")
		if res["created"] != 0.0 || res["unchanged"] != 3.0 || res["conflicts"] != 0.0 {
			t.Fatalf("second sync: %v", res)
		}
		if n := a.eventCount(); n != before {
			t.Fatalf("a repeated sync fired %d events", n-before)
		}

		// b1 leaves A's feed: its import on B is cancelled.
		a.do("POST", "/v1/bookings/"+id(b1)+"/cancel", map[string]any{"reason": "guest asked"}).must(t, 200)
		res = a.do("POST", "/v1/ical_sources/"+id(src)+"/sync", nil).must(t, 200).obj("data")
		if res["cancelled"] != 1.0 || res["events"] != 2.0 {
			t.Fatalf("third sync: %v", res)
		}
		gone := a.icalBookings(unitB)["2025-07-01"]
		if gone["status"] != "cancelled" || gone["cancellation_reason"] != porter.ICalRemovedReason {
			t.Fatalf("removed stay: %v", gone)
		}
		if c := cleaning(gone); c != "cancelled" {
			t.Errorf("cleaning of a removed stay: %s", c)
		}

		// The conflict resolves when B's own stay is cancelled.
		a.do("POST", "/v1/bookings/"+id(onB)+"/cancel", map[string]any{"reason": "moved"}).must(t, 200)
		res = a.do("POST", "/v1/ical_sources/"+id(src)+"/sync", nil).must(t, 200).obj("data")
		if res["updated"] != 1.0 || a.icalBookings(unitB)["2025-07-10"]["status"] != "confirmed" {
			t.Fatalf("resolved conflict: %v %v", res, a.icalBookings(unitB)["2025-07-10"])
		}

		// Rotating the export retires the old URL; unknown tokens are 404.
		rot := a.do("POST", fmt.Sprintf("/v1/units/%v/ical_export/rotate", unitA), nil).must(t, 200).obj("data")
		if rot["url"] == feedURL {
			t.Fatal("rotation kept the URL")
		}
		for _, u := range []string{feedURL, a.srv.URL + "/ical/nope.ics", a.srv.URL + "/ical/" + strings.TrimSuffix(strings.TrimPrefix(rot["url"].(string), a.srv.URL+"/ical/"), ".ics")} {
			if status, _, _ := get(t, u); status != 404 {
				t.Errorf("%s: %d, want 404", u, status)
			}
		}
		if status, _, _ := get(t, rot["url"].(string)); status != 200 {
			t.Errorf("rotated url: %d", status)
		}
	})
}

// A source that answers 500, garbage or malformed iCal is marked error
// with the reason → ical.sync_failed, writes no booking, and is retried.
func TestICalSyncFailures(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		icalAPI(t, a)
		_, unit := a.propertyWithUnit(a.key, "Riad Azur")
		body, code := "", 200
		feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/calendar")
			w.WriteHeader(code)
			io.WriteString(w, body)
		}))
		defer feed.Close()
		src := a.do("POST", "/v1/ical_sources", map[string]any{"unit_id": unit, "name": "Airbnb", "url": feed.URL + "/cal.ics"}).must(t, 201).obj("data")
		event := "BEGIN:VEVENT\r\nUID:a1@airbnb.com\r\nDTSTART;VALUE=DATE:20250701\r\nDTEND;VALUE=DATE:20250704\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\n"
		cases := []struct {
			name       string
			code       int
			body, want string
		}{
			{"server error", 500, "oops", "the source answered HTTP 500, not 200"},
			{"not iCal", 200, "<html>hello</html>", "malformed iCal: the feed does not begin with BEGIN:VCALENDAR"},
			{"event without UID", 200, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + event + "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20250801\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "malformed iCal: event 2 has no UID"},
			{"bad date", 200, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x@y\r\nDTSTART;VALUE=DATE:2025-13-45\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "malformed iCal: event x@y: DTSTART"},
			{"end before start", 200, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x@y\r\nDTSTART;VALUE=DATE:20250705\r\nDTEND;VALUE=DATE:20250701\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "ends (2025-07-01) before it starts (2025-07-05)"},
		}
		for i, c := range cases {
			code, body = c.code, c.body
			r := a.do("POST", "/v1/ical_sources/"+id(src)+"/sync", nil).must(t, 422)
			if d, _ := r.JSON["detail"].(string); !strings.Contains(d, c.want) {
				t.Errorf("%s: detail %q, want %q", c.name, d, c.want)
			}
			s := a.do("GET", "/v1/ical_sources/"+id(src), nil).must(t, 200).obj("data")
			if s["status"] != "error" || !strings.Contains(s["last_error"].(string), c.want) || s["last_attempt_at"] == nil || s["last_synced_at"] != nil {
				t.Errorf("%s: source %v", c.name, s)
			}
			if n := len(a.icalBookings(unit)); n != 0 {
				t.Errorf("%s: %d bookings written", c.name, n)
			}
			failed := a.events("ical.sync_failed")
			if len(failed) != i+1 || !strings.Contains(failed[i]["data"].(map[string]any)["error"].(string), c.want) {
				t.Errorf("%s: sync_failed events %v", c.name, failed)
			}
		}

		// Retried on the next scheduled run: the source is due again once
		// the interval has passed, and succeeds now.
		code, body = 200, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Airbnb Inc//Hosting Calendar//EN\r\n"+event+"END:VCALENDAR\r\n"
		if n, f, err := a.svc.SyncDueICalSources(t.Context(), 30*time.Minute); err != nil || n+f != 0 {
			t.Fatalf("not due yet: %d %d %v", n, f, err)
		}
		a.now = a.now.Add(31 * time.Minute)
		if n, f, err := a.svc.SyncDueICalSources(t.Context(), 30*time.Minute); err != nil || n != 1 || f != 0 {
			t.Fatalf("due run: %d ok, %d failed, %v", n, f, err)
		}
		s := a.do("GET", "/v1/ical_sources/"+id(src), nil).must(t, 200).obj("data")
		if s["status"] != "ok" || s["last_error"] != "" {
			t.Fatalf("retried source: %v", s)
		}
		if b := a.icalBookings(unit)["2025-07-01"]; b == nil || b["status"] != "confirmed" || b["guest_name"] != "Reserved" {
			t.Fatalf("imported: %v", a.icalBookings(unit))
		}
		if n, f, _ := a.svc.SyncDueICalSources(t.Context(), 30*time.Minute); n+f != 0 {
			t.Fatalf("a source synced just now ran again: %d %d", n, f)
		}

		// The event moves in the feed: its booking moves with it.
		moved := strings.ReplaceAll(body, "20250704", "20250706")
		code, body = 200, moved
		res := a.do("POST", "/v1/ical_sources/"+id(src)+"/sync", nil).must(t, 200).obj("data")
		b := a.icalBookings(unit)["2025-07-01"]
		if res["updated"] != 1.0 || b["check_out"] != "2025-07-06" || b["nights"] != 5.0 || b["status"] != "confirmed" {
			t.Fatalf("moved: %v %v", res, b)
		}
		if u := a.events("booking.updated"); len(u) != 1 || u[0]["previous_attributes"].(map[string]any)["check_out"] != "2025-07-04" {
			t.Fatalf("booking.updated: %v", u)
		}

		// Moved onto nights a confirmed stay holds: the confirmed import is
		// cancelled and the new dates wait as a pending booking, reported.
		mine := a.stay(unit, "2025-07-20", "2025-07-25", "confirmed")
		code, body = 200, strings.ReplaceAll(strings.ReplaceAll(moved, "20250701", "20250719"), "20250706", "20250722")
		res = a.do("POST", "/v1/ical_sources/"+id(src)+"/sync", nil).must(t, 200).obj("data")
		got := a.icalBookings(unit)
		if res["cancelled"] != 1.0 || res["conflicts"] != 1.0 || got["2025-07-01"]["status"] != "cancelled" || got["2025-07-19"]["status"] != "pending" {
			t.Fatalf("moved onto taken nights: %v %v", res, got)
		}
		c := a.events("ical.conflict_detected")
		if len(c) != 1 || c[0]["data"].(map[string]any)["existing"].(map[string]any)["reference"] != mine["reference"] {
			t.Fatalf("conflict: %v", c)
		}
	})
}

// Bad input is a 400 naming the field, nothing written; another
// organization's sources and units are 404; each route needs its scope.
func TestICalSourceValidationIsolationScopes(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		icalAPI(t, a)
		pid, unit := a.propertyWithUnit(a.key, "Riad Azur")
		_, foreign := a.propertyWithUnit(a.otherKey, "Elsewhere")
		bad := []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"name": "x", "url": "http://127.0.0.1:9/a.ics"}, "unit_id"},
			{map[string]any{"unit_id": unit, "url": "http://127.0.0.1:9/a.ics"}, "name"},
			{map[string]any{"unit_id": unit, "name": "x"}, "url"},
			{map[string]any{"unit_id": unit, "name": "x", "url": "ftp://127.0.0.1/a.ics"}, "url"},
			{map[string]any{"unit_id": unit, "name": "x", "url": "http://169.254.169.254/latest"}, "url"},
			{map[string]any{"unit_id": unit, "name": "x", "url": "http://127.0.0.1:9/a.ics", "currency": "EURO"}, "currency"},
			{map[string]any{"unit_id": foreign, "name": "x", "url": "http://127.0.0.1:9/a.ics"}, "unit_id"},
		}
		for _, c := range bad {
			r := a.do("POST", "/v1/ical_sources", c.body).must(t, 400)
			if !strings.Contains(string(r.Body), `"field":"`+c.field+`"`) {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if n := a.do("GET", "/v1/ical_sources", nil).must(t, 200).JSON["data"].([]any); len(n) != 0 {
			t.Fatalf("refused sources were stored: %v", n)
		}
		src := a.do("POST", "/v1/ical_sources", map[string]any{"unit_id": unit, "name": "Booking.com", "url": "http://127.0.0.1:9/a.ics", "currency": "mad"}).must(t, 201).obj("data")
		if src["currency"] != "MAD" || src["unit_id"] != unit || src["property_id"] != pid {
			t.Fatalf("source: %v", src)
		}
		a.do("PATCH", "/v1/ical_sources/"+id(src), map[string]any{"url": "http://169.254.169.254/"}).must(t, 400)
		a.do("PATCH", "/v1/ical_sources/"+id(src), map[string]any{"unit_id": foreign}).must(t, 400)
		if r := a.do("PATCH", "/v1/ical_sources/"+id(src), map[string]any{"name": "Booking"}).must(t, 200).obj("data"); r["name"] != "Booking" {
			t.Fatalf("patched: %v", r)
		}

		// Another organization sees none of it.
		for _, c := range []struct{ method, path string }{
			{"GET", "/v1/ical_sources/" + id(src)}, {"PATCH", "/v1/ical_sources/" + id(src)}, {"DELETE", "/v1/ical_sources/" + id(src)},
			{"POST", "/v1/ical_sources/" + id(src) + "/sync"}, {"GET", fmt.Sprintf("/v1/units/%v/ical_export", unit)},
			{"POST", fmt.Sprintf("/v1/units/%v/ical_export/rotate", unit)},
		} {
			var body any
			if c.method == "PATCH" {
				body = map[string]any{"name": "mine"}
			}
			a.doKey(a.otherKey, c.method, c.path, body, nil).must(t, 404)
		}
		if l := a.doKey(a.otherKey, "GET", "/v1/ical_sources", nil, nil).must(t, 200).JSON["data"].([]any); len(l) != 0 {
			t.Fatalf("other org lists %v", l)
		}

		// Scopes: properties:read reads, properties:write changes and syncs.
		ro := a.scopedKey("properties:read")
		a.doKey(ro, "GET", "/v1/ical_sources", nil, nil).must(t, 200)
		a.doKey(ro, "GET", "/v1/ical_sources/"+id(src), nil, nil).must(t, 200)
		a.doKey(ro, "GET", fmt.Sprintf("/v1/units/%v/ical_export", unit), nil, nil).must(t, 200)
		for _, c := range []struct{ method, path string }{
			{"POST", "/v1/ical_sources"}, {"PATCH", "/v1/ical_sources/" + id(src)}, {"DELETE", "/v1/ical_sources/" + id(src)},
			{"POST", "/v1/ical_sources/" + id(src) + "/sync"}, {"POST", fmt.Sprintf("/v1/units/%v/ical_export/rotate", unit)},
		} {
			a.doKey(ro, c.method, c.path, map[string]any{}, nil).must(t, 403)
		}
		bookingsOnly := a.scopedKey("bookings:write")
		a.doKey(bookingsOnly, "GET", "/v1/ical_sources", nil, nil).must(t, 403)

		a.do("DELETE", "/v1/ical_sources/"+id(src), nil).must(t, 204)
		a.do("GET", "/v1/ical_sources/"+id(src), nil).must(t, 404)

		// Audited, newest first; the export URL (a credential) never is.
		var actions []string
		for _, e := range a.do("GET", "/v1/audit_log?resource_type=ical_source", nil).must(t, 200).JSON["data"].([]any) {
			actions = append(actions, e.(map[string]any)["action"].(string))
		}
		if strings.Join(actions, ",") != "ical_source.delete,ical_source.update,ical_source.create" {
			t.Errorf("audit: %v", actions)
		}
		rot := a.do("POST", fmt.Sprintf("/v1/units/%v/ical_export/rotate", unit), nil).must(t, 200).obj("data")
		token := strings.TrimSuffix(strings.TrimPrefix(rot["url"].(string), a.srv.URL+"/ical/"), ".ics")
		if log := a.do("GET", "/v1/audit_log?resource_type=unit", nil).must(t, 200); strings.Contains(string(log.Body), token) || !strings.Contains(string(log.Body), "ical") {
			t.Errorf("audit of the rotation: %s", log.Body)
		}
	})
}
