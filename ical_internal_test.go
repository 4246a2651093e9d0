package porter

import (
	"strings"
	"testing"
)

// parseICal reads what OTAs publish (date and date-time starts, a missing
// DTEND, cancelled events) and names what it cannot read.
func TestParseICal(t *testing.T) {
	wrap := func(events ...string) []byte {
		return []byte("\xef\xbb\xbfBEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Airbnb Inc//Hosting Calendar//EN\r\n" + strings.Join(events, "") + "END:VCALENDAR\r\n")
	}
	ev := func(lines ...string) string {
		return "BEGIN:VEVENT\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VEVENT\r\n"
	}
	cases := []struct {
		name string
		body []byte
		want []icalEvent
		err  string
	}{
		{"all-day", wrap(ev("UID:a@x", "DTSTART;VALUE=DATE:20250701", "DTEND;VALUE=DATE:20250704", "SUMMARY:Reserved")),
			[]icalEvent{{UID: "a@x", Summary: "Reserved", CheckIn: "2025-07-01", CheckOut: "2025-07-04"}}, ""},
		{"date-times keep their dates", wrap(ev("UID:b@x", "DTSTART:20250701T150000Z", "DTEND:20250703T100000Z")),
			[]icalEvent{{UID: "b@x", CheckIn: "2025-07-01", CheckOut: "2025-07-03"}}, ""},
		{"no DTEND holds one night", wrap(ev("UID:c@x", "DTSTART;VALUE=DATE:20250701")),
			[]icalEvent{{UID: "c@x", CheckIn: "2025-07-01", CheckOut: "2025-07-02"}}, ""},
		{"cancelled events are gone", wrap(ev("UID:d@x", "STATUS:CANCELLED", "DTSTART;VALUE=DATE:20250701")), nil, ""},
		{"empty calendar", wrap(), nil, ""},
		{"not iCal", []byte("<html>"), nil, "does not begin with BEGIN:VCALENDAR"},
		{"truncated", []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n"), nil, "malformed iCal"},
		{"no UID", wrap(ev("DTSTART;VALUE=DATE:20250701")), nil, "event 1 has no UID"},
		{"no DTSTART", wrap(ev("UID:e@x")), nil, "event e@x: DTSTART"},
		{"too long", wrap(ev("UID:f@x", "DTSTART;VALUE=DATE:20250101", "DTEND;VALUE=DATE:20270101")), nil, "more than 365"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseICal(c.body)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("event %d: %+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}
