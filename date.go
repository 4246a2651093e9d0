package porter

import (
	"fmt"
	"time"
)

// DateLayout is how calendar dates (lease terms, due dates) are written.
const DateLayout = "2006-01-02"

// TimeLayout is how instants are written in JSON: UTC, seconds, with Z.
const TimeLayout = "2006-01-02T15:04:05Z"

// ParseDate checks that s is an ISO date (2025-06-01) and returns it.
func ParseDate(s string) (string, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil || t.Format(DateLayout) != s {
		return "", fmt.Errorf("must be an ISO date such as 2025-06-01")
	}
	return s, nil
}

// Time is an instant written as TimeLayout in JSON.
type Time struct{ time.Time }

// NewTime truncates t to the second in UTC.
func NewTime(t time.Time) Time { return Time{t.UTC().Truncate(time.Second)} }

func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.UTC().Format(TimeLayout) + `"`), nil
}

func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' {
		return fmt.Errorf("must be an ISO 8601 time such as 2025-05-09T14:30:00Z")
	}
	v, err := ParseTime(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// ParseTime reads an RFC 3339 time (or a bare date, taken as midnight UTC).
// The instant must fall in years 0001-9999 once in UTC: an offset could
// otherwise carry it where ISO 8601 (and every store) cannot write it.
func ParseTime(s string) (Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.Parse(DateLayout, s)
	}
	if err != nil {
		return Time{}, fmt.Errorf("must be an ISO 8601 time such as 2025-05-09T14:30:00Z")
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return Time{}, fmt.Errorf("must be between years 0001 and 9999")
	}
	return Time{t.UTC()}, nil
}
