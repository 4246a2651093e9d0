package porter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Money is an amount in cents. It is written to JSON as a number with two
// decimals (1800.00), as seed 000's payloads show, and read from any JSON
// number with at most two decimals.
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
	if len(b) > 0 && b[0] == '"' {
		return fmt.Errorf("must be a number, not a string")
	}
	v, err := ParseMoney(string(b))
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

var _ json.Marshaler = Money(0)
