package porter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
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

// ParseMoney reads a JSON number with at most two decimals into cents,
// exactly: it works on the decimal text, never through a float, so 1e-9
// is refused rather than rounded to 0.00.
func ParseMoney(s string) (Money, error) {
	if !jsonNumber.MatchString(s) {
		return 0, fmt.Errorf("must be a number")
	}
	// A huge exponent would make big.Rat build a huge number: bound it.
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp, err := strconv.Atoi(s[i+1:])
		if err != nil || exp > 30 {
			return 0, fmt.Errorf("is too large")
		}
		if exp < -30 {
			return 0, fmt.Errorf("must have at most two decimals")
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, fmt.Errorf("must be a number")
	}
	cents := r.Mul(r, big.NewRat(100, 1))
	if !cents.IsInt() {
		return 0, fmt.Errorf("must have at most two decimals")
	}
	n := cents.Num()
	if n.CmpAbs(big.NewInt(1e15)) > 0 {
		return 0, fmt.Errorf("is too large")
	}
	return Money(n.Int64()), nil
}

// jsonNumber is JSON's number grammar, which ParseFloat alone is looser
// than (it takes "0x1p4", "Inf", "1_000").
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

var _ json.Marshaler = Money(0)
