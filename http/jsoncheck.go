package http

import (
	"encoding/json"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"porter"
)

// checkJSON walks a syntactically valid JSON document for what
// encoding/json lets through silently: an object key given twice (the last
// would win) and a string that is not valid UTF-8, raw or as a lone
// \u surrogate (it would be stored as U+FFFD). The error names the field
// by its path, e.g. name, metadata.plan or events[2].
func checkJSON(b []byte) error {
	c := jsonChecker{b: b}
	return c.value("")
}

type jsonChecker struct {
	b []byte
	i int
}

func (c *jsonChecker) space() {
	for c.i < len(c.b) {
		switch c.b[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return
		}
	}
}

func (c *jsonChecker) value(path string) error {
	c.space()
	if c.i >= len(c.b) {
		return nil
	}
	switch c.b[c.i] {
	case '{':
		c.i++
		seen := map[string]bool{}
		for {
			c.space()
			if c.i >= len(c.b) {
				return nil
			}
			if c.b[c.i] == '}' {
				c.i++
				return nil
			}
			if c.b[c.i] == ',' {
				c.i++
				continue
			}
			start := c.i
			if !c.str() {
				return jsonFieldError(path, "has a key that is not valid UTF-8")
			}
			var key string
			_ = json.Unmarshal(c.b[start:c.i], &key)
			field := key
			if path != "" {
				field = path + "." + key
			}
			if seen[key] {
				return jsonFieldError(field, "is given more than once")
			}
			seen[key] = true
			c.space()
			if c.i < len(c.b) && c.b[c.i] == ':' {
				c.i++
			}
			if err := c.value(field); err != nil {
				return err
			}
		}
	case '[':
		c.i++
		for n := 0; ; {
			c.space()
			if c.i >= len(c.b) {
				return nil
			}
			switch c.b[c.i] {
			case ']':
				c.i++
				return nil
			case ',':
				c.i++
				n++
				continue
			}
			if err := c.value(path + "[" + strconv.Itoa(n) + "]"); err != nil {
				return err
			}
		}
	case '"':
		if !c.str() {
			return jsonFieldError(path, "must be valid UTF-8 text")
		}
		return nil
	}
	// A number, true, false or null.
	for c.i < len(c.b) {
		switch c.b[c.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return nil
		}
		c.i++
	}
	return nil
}

// str moves past the string at c.i and tells whether it is valid UTF-8
// with no lone surrogate escape.
func (c *jsonChecker) str() bool {
	ok := true
	c.i++ // the opening quote
	for c.i < len(c.b) {
		ch := c.b[c.i]
		switch {
		case ch == '"':
			c.i++
			return ok
		case ch == '\\':
			if c.i+1 < len(c.b) && c.b[c.i+1] == 'u' {
				r, n := c.escape(c.i)
				if utf16.IsSurrogate(r) {
					lo, m := c.escape(c.i + n)
					if m == 0 || utf16.DecodeRune(r, lo) == utf8.RuneError {
						ok = false
					} else {
						n += m
					}
				}
				c.i += max(n, 2)
				continue
			}
			c.i += 2
		case ch < utf8.RuneSelf:
			c.i++
		default:
			r, size := utf8.DecodeRune(c.b[c.i:])
			if r == utf8.RuneError && size == 1 {
				ok = false
			}
			c.i += size
		}
	}
	return ok
}

// escape reads a \uXXXX escape at i: the rune and its length, or 0.
func (c *jsonChecker) escape(i int) (rune, int) {
	if i+6 > len(c.b) || c.b[i] != '\\' || c.b[i+1] != 'u' {
		return 0, 0
	}
	n, err := strconv.ParseUint(string(c.b[i+2:i+6]), 16, 16)
	if err != nil {
		return 0, 0
	}
	return rune(n), 6
}

func jsonFieldError(field, msg string) error {
	if field == "" {
		return porter.Errorf(porter.EINVALID, "request body %s", msg)
	}
	return fieldError(field, msg)
}
