package porter

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// These fuzz the parsers that read client input. Each must never panic,
// and whatever it accepts must come back unchanged through what Porter
// writes.

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"1800.00", "0", "-12.5", "1e2", "1.005", "12.3400", "1e13", "1e14", "NaN", "Inf", "", "null", "0x1p-2", "  1", "1_000", "-0", "9007199254740993"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		b, err := m.MarshalJSON()
		if err != nil {
			t.Fatalf("%q: marshal %d: %v", s, m, err)
		}
		back, err := ParseMoney(string(b))
		if err != nil || back != m {
			t.Fatalf("%q -> %d -> %s -> %d, %v", s, m, b, back, err)
		}
	})
}

func FuzzMoneyJSON(f *testing.F) {
	for _, s := range []string{"1800.00", "1800", "-0.01", `"12"`, "null", "1e-2", "1E+3", "true", "{}", " 5 ", "0.1e1", "1.2345e2"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Money
		if err := json.Unmarshal(b, &m); err != nil {
			return
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("%q: marshal %d: %v", b, m, err)
		}
		var back Money
		if err := json.Unmarshal(out, &back); err != nil || back != m {
			t.Fatalf("%q -> %d -> %s -> %d, %v", b, m, out, back, err)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2025-05-09T14:30:00Z", "2025-05-09T14:30:00.123456789+02:00", "2025-05-09", "2025-02-30", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "", "null", "2025-05-09T24:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseTime(s)
		if err != nil {
			return
		}
		if y := v.Year(); y < 1 || y > 9999 {
			t.Fatalf("%q: accepted a time outside years 0001-9999: %v", s, v)
		}
		if v.Location() != time.UTC {
			t.Fatalf("%q: not UTC: %v", s, v.Location())
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%q: marshal: %v", s, err)
		}
		var back Time
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q -> %s: does not read back: %v", s, b, err)
		}
		if !back.Equal(v.Truncate(time.Second)) {
			t.Fatalf("%q -> %s -> %v, want %v", s, b, back, v.Truncate(time.Second))
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-06-01", "2024-02-29", "2025-02-29", "2025-6-1", "0000-01-01", "2025-06-01T00:00:00Z", "", " 2025-06-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d != s {
			t.Fatalf("%q came back as %q", s, d)
		}
		if _, err := time.Parse(DateLayout, d); err != nil {
			t.Fatalf("%q accepted but not a date: %v", s, err)
		}
	})
}

func FuzzExpandEventPattern(f *testing.F) {
	for _, s := range []string{"*", "tenant.*", "lease.signed", "maintenance.*", "payment.succeeded", ".*", "*.*", "", "tenant.", "work_order.created", "nope"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		names, ok := ExpandEventPattern(p)
		if ok != (len(names) > 0) {
			t.Fatalf("%q: ok %v with %d names", p, ok, len(names))
		}
		seen := map[string]bool{}
		for _, n := range names {
			e, found := LookupEvent(n)
			if !found || e.Name != n {
				t.Fatalf("%q expanded to %q, not a canonical event", p, n)
			}
			if seen[n] {
				t.Fatalf("%q expanded to %q twice", p, n)
			}
			seen[n] = true
		}
	})
}

func FuzzAPIKeyWellFormed(f *testing.F) {
	f.Add(NewAPIKeyText())
	for _, s := range []string{"", "pm_", "pm_" + strings.Repeat("0", keyBodyLen+keyCheckLen), "Bearer pm_x", "pm_\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if !APIKeyWellFormed(key) {
			return
		}
		if !strings.HasPrefix(key, keyPrefix) || len(key) != len(keyPrefix)+keyBodyLen+keyCheckLen {
			t.Fatalf("%q accepted with the wrong shape", key)
		}
		// One changed character must be caught by the checksum or the alphabet.
		b := []byte(key)
		i := len(keyPrefix)
		b[i] = base62Digits[(strings.IndexByte(base62Digits, b[i])+1)%len(base62Digits)]
		if APIKeyWellFormed(string(b)) {
			t.Fatalf("%q: a one-character typo %q still passes", key, b)
		}
	})
}
