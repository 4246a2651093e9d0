package porter_test

import (
	"strings"
	"testing"
	"time"

	"porter"
)

func TestInvoiceNumberFormat(t *testing.T) {
	at := time.Date(2026, 7, 15, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		format, want, period string
	}{
		{"INV-{YYYY}-{SEQ:5}", "INV-2026-00042", "2026"},
		{"{YY}{MM}-{SEQ:3}", "2607-042", "2026-07"},
		{"F{SEQ}", "F42", ""},
		{"A/{YYYY}/{MM}/{SEQ:1}", "A/2026/07/42", "2026-07"},
		{"#{SEQ:12}", "#000000000042", ""},
	} {
		f, err := porter.ParseInvoiceNumberFormat(c.format)
		if err != nil {
			t.Fatalf("%s: %v", c.format, err)
		}
		if got := f.Format(at, 42); got != c.want {
			t.Errorf("%s: %s, want %s", c.format, got, c.want)
		}
		if got := f.Period(at); got != c.period {
			t.Errorf("%s: period %q, want %q", c.format, got, c.period)
		}
	}
	for _, c := range []struct{ format, complaint string }{
		{"", "is required"},
		{"INV-{YYYY}", "{SEQ}"},
		{"{SEQ}-{SEQ}", "exactly once"},
		{"INV-{DD}-{SEQ}", "unknown placeholder {DD}"},
		{"INV-{SEQ:0}", "width"},
		{"INV-{SEQ:13}", "width"},
		{"INV-{SEQ", "unclosed"},
		{"INV {SEQ}", "not ' '"},
		{"{MM}-{SEQ}", "{MM} needs"},
		{strings.Repeat("X", 50) + "{SEQ}", "at most 50"},
	} {
		_, err := porter.ParseInvoiceNumberFormat(c.format)
		if err == nil || !strings.Contains(err.Error(), c.complaint) {
			t.Errorf("%q: %v, want an error saying %q", c.format, err, c.complaint)
		}
	}
}
