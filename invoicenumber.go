package porter

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultInvoiceNumberFormat numbers invoices INV-2026-00001, INV-2026-00002…,
// starting again at 1 each year.
const DefaultInvoiceNumberFormat = "INV-{YYYY}-{SEQ:5}"

const (
	maxNumberFormat = 50
	maxSeqWidth     = 12
)

// InvoiceNumberFormat is a parsed invoice number format: literal text and
// the placeholders {YYYY}, {YY}, {MM} (the issue date's year and month)
// and {SEQ} or {SEQ:n} (the sequence, zero-padded to n digits). The
// sequence restarts at 1 each month when the format has {MM}, each year
// when it has {YYYY} or {YY}, and never otherwise.
type InvoiceNumberFormat struct {
	parts []numberPart
	year  bool
	month bool
}

type numberPart struct {
	literal string
	token   string // YYYY, YY, MM or SEQ; "" for a literal
	width   int    // SEQ's padding
}

// ParseInvoiceNumberFormat checks a format such as INV-{YYYY}-{SEQ:5}.
func ParseInvoiceNumberFormat(s string) (InvoiceNumberFormat, error) {
	var f InvoiceNumberFormat
	if s == "" {
		return f, fmt.Errorf("is required, e.g. %s", DefaultInvoiceNumberFormat)
	}
	if len(s) > maxNumberFormat {
		return f, fmt.Errorf("must be at most %d characters", maxNumberFormat)
	}
	seqs := 0
	for rest := s; rest != ""; {
		open := strings.IndexByte(rest, '{')
		lit := rest
		if open >= 0 {
			lit = rest[:open]
		}
		for _, r := range lit {
			if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-_/.#", r)) {
				return f, fmt.Errorf("may hold letters, digits, - _ / . # and the placeholders {YYYY}, {YY}, {MM}, {SEQ} or {SEQ:n}, not %q", r)
			}
		}
		if lit != "" {
			f.parts = append(f.parts, numberPart{literal: lit})
		}
		if open < 0 {
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return f, fmt.Errorf("has an unclosed { at %q", rest[open:])
		}
		tok := rest[open+1 : open+end]
		rest = rest[open+end+1:]
		switch {
		case tok == "YYYY" || tok == "YY":
			f.year = true
			f.parts = append(f.parts, numberPart{token: tok})
		case tok == "MM":
			f.month = true
			f.parts = append(f.parts, numberPart{token: tok})
		case tok == "SEQ" || strings.HasPrefix(tok, "SEQ:"):
			seqs++
			p := numberPart{token: "SEQ", width: 1}
			if w, ok := strings.CutPrefix(tok, "SEQ:"); ok {
				n, err := strconv.Atoi(w)
				if err != nil || n < 1 || n > maxSeqWidth {
					return f, fmt.Errorf("{%s}: the width must be from 1 to %d", tok, maxSeqWidth)
				}
				p.width = n
			}
			f.parts = append(f.parts, p)
		default:
			return f, fmt.Errorf("has an unknown placeholder {%s}: use {YYYY}, {YY}, {MM}, {SEQ} or {SEQ:n}", tok)
		}
	}
	if seqs != 1 {
		return f, fmt.Errorf("must hold {SEQ} (or {SEQ:n}) exactly once, e.g. %s", DefaultInvoiceNumberFormat)
	}
	if f.month && !f.year {
		return f, fmt.Errorf("{MM} needs {YYYY} or {YY} too, or numbers would repeat every year")
	}
	return f, nil
}

// Period is the counter a number issued at t draws from: "" for a
// sequence that never restarts, "2026" for a yearly one, "2026-07" for a
// monthly one.
func (f InvoiceNumberFormat) Period(t time.Time) string {
	switch {
	case f.month:
		return t.UTC().Format("2006-01")
	case f.year:
		return t.UTC().Format("2006")
	}
	return ""
}

// Format writes the number of sequence seq issued at t.
func (f InvoiceNumberFormat) Format(t time.Time, seq int64) string {
	t = t.UTC()
	var b strings.Builder
	for _, p := range f.parts {
		switch p.token {
		case "":
			b.WriteString(p.literal)
		case "YYYY":
			b.WriteString(t.Format("2006"))
		case "YY":
			b.WriteString(t.Format("06"))
		case "MM":
			b.WriteString(t.Format("01"))
		case "SEQ":
			fmt.Fprintf(&b, "%0*d", p.width, seq)
		}
	}
	return b.String()
}
