package porter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Money is an amount in cents. It is written to JSON as a number with two
// decimals (1800.00), as seed 000's payloads show, and read from any JSON
// number with at most two decimals, or such a number in a string ("1800.00").
type Money int64

func (m Money) String() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

func (m Money) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

func (m *Money) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		// No-code tools send every mapped field as a string: accept
		// "1800.00", but only what would have been a valid JSON number.
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("must be a number")
		}
		s = strings.TrimSpace(s)
		if !jsonNumber.MatchString(s) {
			return fmt.Errorf("must be a number")
		}
	}
	v, err := ParseMoney(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ParseMoney reads a decimal number with at most two decimals into cents.
func ParseMoney(s string) (Money, error) {
	if s == "" || s == "null" {
		return 0, fmt.Errorf("must be a number")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("must be a number")
	}
	if math.Abs(f) > 1e13 {
		return 0, fmt.Errorf("is too large")
	}
	// Exponent forms (1e2) are valid JSON; decide decimals from the value.
	if i := strings.IndexAny(s, "eE"); i < 0 {
		if dot := strings.IndexByte(s, '.'); dot >= 0 && len(strings.TrimRight(s[dot+1:], "0")) > 2 {
			return 0, fmt.Errorf("must have at most two decimals")
		}
	} else if c := f * 100; math.Abs(c-math.Round(c)) > 1e-6 {
		return 0, fmt.Errorf("must have at most two decimals")
	}
	return Money(math.Round(f * 100)), nil
}

// jsonNumber is JSON's number grammar, which ParseFloat alone is looser
// than (it takes "0x1p4", "Inf", "1_000").
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

var _ json.Marshaler = Money(0)
