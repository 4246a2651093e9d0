package http

import (
	"net/http"
	"testing"
)

func TestClientAddr(t *testing.T) {
	for _, c := range []struct {
		remote, xff string
		trust       bool
		want        string
	}{
		{"127.0.0.1:5000", "", false, "127.0.0.1/32"},
		{"127.0.0.1:5000", "203.0.113.5", false, "127.0.0.1/32"},
		{"127.0.0.1:5000", "203.0.113.5", true, "203.0.113.5/32"},
		{"127.0.0.1:5000", "10.0.0.1, 203.0.113.5", true, "203.0.113.5/32"},
		{"127.0.0.1:5000", "not an address", true, "127.0.0.1/32"},
		{"pipe", "", false, "invalid Prefix"},
		{"[::ffff:192.0.2.1]:80", "", false, "192.0.2.1/32"},
		{"[2001:db8:1:2:3:4:5:6]:80", "", false, "2001:db8:1:2::/64"},
		{"[fe80::1%eth0]:80", "", false, "fe80::/64"},
	} {
		r := &http.Request{RemoteAddr: c.remote, Header: http.Header{}}
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := ClientAddr(r, c.trust).String(); got != c.want {
			t.Errorf("%s %q trust=%v: %s, want %s", c.remote, c.xff, c.trust, got, c.want)
		}
	}
}
