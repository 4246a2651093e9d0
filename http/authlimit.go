package http

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// DefaultAuthFailureLimit is how many failed authentications one client
// address may make per minute before its requests are answered 429.
const DefaultAuthFailureLimit = 20

// authLimiter counts failed authentications per client address in one-minute
// windows. It is per node and in memory: it bounds what guessing keys costs
// the database, and a restart forgives everyone, which is harmless.
type authLimiter struct {
	limit int

	mu      sync.Mutex
	windows map[netip.Prefix]*authWindow
	swept   time.Time
}

type authWindow struct {
	start    time.Time // the minute the count belongs to
	failures int
}

func newAuthLimiter(limit int) *authLimiter {
	return &authLimiter{limit: limit, windows: map[netip.Prefix]*authWindow{}}
}

// blocked tells whether addr has used up its failures this minute, and
// when it may try again.
func (l *authLimiter) blocked(addr netip.Prefix, now time.Time) (bool, time.Time) {
	if l.limit <= 0 || !addr.IsValid() {
		return false, time.Time{}
	}
	window := now.UTC().Truncate(time.Minute)
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows[addr]
	if w == nil || !w.start.Equal(window) || w.failures < l.limit {
		return false, time.Time{}
	}
	return true, window.Add(time.Minute)
}

// fail counts a failed authentication from addr, and reports whether it
// is the one that used up the address's allowance (a burst, for the log).
func (l *authLimiter) fail(addr netip.Prefix, now time.Time) bool {
	if l.limit <= 0 || !addr.IsValid() {
		return false
	}
	window := now.UTC().Truncate(time.Minute)
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.swept.Equal(window) {
		// Past windows count for nothing: drop them once a minute, so the
		// map holds only the addresses that failed this minute.
		for a, w := range l.windows {
			if !w.start.Equal(window) {
				delete(l.windows, a)
			}
		}
		l.swept = window
	}
	w := l.windows[addr]
	if w == nil || !w.start.Equal(window) {
		w = &authWindow{start: window}
		l.windows[addr] = w
	}
	w.failures++
	return w.failures == l.limit
}

// ClientAddr is who r comes from, for limits on failed authentication: the
// connection's address, or with trustForwarded the last address in
// X-Forwarded-For, the one the proxy in front of Porter added (earlier
// ones are the client's to write). An IPv6 client counts by its /64, as
// one host usually holds a whole /64.
func ClientAddr(r *http.Request, trustForwarded bool) netip.Prefix {
	ip := clientIP(r, trustForwarded)
	if !ip.IsValid() {
		return netip.Prefix{}
	}
	if ip.Is4() {
		return netip.PrefixFrom(ip, 32)
	}
	p, _ := ip.Prefix(64)
	return p
}

// clientIP is the address ClientAddr counts by, before IPv6 is widened to
// its /64; the zero Addr when there is none.
func clientIP(r *http.Request, trustForwarded bool) netip.Addr {
	host := r.RemoteAddr
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(host)
	if trustForwarded {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			// One the proxy could not parse counts as the proxy's own.
			if fwd, ferr := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1])); ferr == nil {
				ip, err = fwd, nil
			}
		}
	}
	if err != nil {
		return netip.Addr{}
	}
	return ip.Unmap().WithZone("")
}
