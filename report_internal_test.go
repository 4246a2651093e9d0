package porter

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestParseNights: the reports' fast reader of stored nightly prices
// agrees with encoding/json, and falls back to it on anything unusual.
func TestParseNights(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []Night
		raw  string
	}{
		{name: "empty", in: []Night{}},
		{name: "as stored", in: []Night{{Date: "2026-07-01", Price: 76613}, {Date: "2026-07-02", Price: 0}, {Date: "2026-07-03", Price: 5}}},
		{name: "large", in: []Night{{Date: "2026-07-01", Price: 99999999999}}},
		{name: "spaces", raw: `[ {"date": "2026-07-01", "price": 12.5} ]`},
		{name: "exponent", raw: `[{"date":"2026-07-01","price":1e2}]`},
		{name: "reordered", raw: `[{"price":7.10,"date":"2026-07-01"}]`},
	} {
		raw := c.raw
		if raw == "" {
			b, _ := json.Marshal(c.in)
			raw = string(b)
		}
		var want []Night
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatal(err)
		}
		got, err := parseNights(raw, nil)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: %v %v, want %v", c.name, got, err, want)
		}
	}
	if _, err := parseNights(`[{"date":"2026-07-01","price":"x"}]`, nil); err == nil {
		t.Error("a malformed price was read")
	}
}
