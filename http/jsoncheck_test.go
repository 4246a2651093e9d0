package http

import (
	"strings"
	"testing"
)

func TestCheckJSON(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{"a":1,"b":[1,2],"c":{"d":"e"}}`, ""},
		{`{"a":1,"a":1}`, "a is given more than once"},
		{`{"a":{"b":1,"b":2}}`, "a.b is given more than once"},
		{`{"a":[{"b":1},{"b":1,"b":1}]}`, "a[1].b is given more than once"},
		{`{"a":{"b":1},"c":{"b":1}}`, ""}, // the same key in two objects
		{`{"a":"\u0041","\u0061":1}`, "a is given more than once"},
		{"{\"a\":\"\xff\"}", "a must be valid UTF-8 text"},
		{"{\"a\":[\"ok\",\"\xe2\x82\"]}", "a[1] must be valid UTF-8 text"},
		{"{\"\xff\":1}", "has a key that is not valid UTF-8"},
		{`{"a":"\ud800"}`, "a must be valid UTF-8 text"},
		{`{"a":"\ud800x"}`, "a must be valid UTF-8 text"},
		{`{"a":"\udfff"}`, "a must be valid UTF-8 text"},
		{`{"a":"\ud800\u0041"}`, "a must be valid UTF-8 text"},
		{`{"a":"\ud83d\ude00 \\u \" é"}`, ""},
	} {
		err := checkJSON([]byte(c.body))
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v, want %q", c.body, err, c.want)
		}
	}
}
