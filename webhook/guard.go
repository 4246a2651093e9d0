// Package webhook holds the parts of webhook delivery that do not depend on
// storage: the SSRF guard for target URLs (guard.go) and the request
// signatures and headers receivers verify (sign.go).
package webhook

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MaxURLLength bounds a webhook target URL.
const MaxURLLength = 2048

// TargetError is a webhook target refused by the Guard: a malformed URL at
// registration, or a forbidden address found by DNS or at connect time.
// Callers map it to a 400 on the url field (errors.As works through the
// *url.Error and *net.OpError an http.Client wraps it in).
type TargetError struct {
	Reason string // e.g. "127.0.0.1 is a loopback address"; no "url: " prefix
}

func (e *TargetError) Error() string { return "url: " + e.Reason }

func refuse(format string, args ...any) error {
	return &TargetError{Reason: fmt.Sprintf(format, args...)}
}

// Guard keeps webhook deliveries away from the network Porter runs in.
// CheckURL validates a URL when a subscription is written; DialContext and
// Client enforce the same rule on the address actually connected to, so a
// DNS answer that changes after registration (rebinding) is refused at
// connect time.
//
// Addresses fall in four classes (see Classify): public ones are always
// allowed; cloud metadata, link-local, unspecified, multicast and broadcast
// addresses are never allowed, whatever the settings; loopback, RFC 1918
// and unique-local ones only with AllowPrivate or when AllowCIDRs holds
// them; every other non-public address only when AllowCIDRs holds it.
//
// The zero Guard is ready to use.
type Guard struct {
	// AllowPrivate allows loopback, RFC 1918 and unique-local (fc00::/7)
	// targets (PORTER_ALLOW_PRIVATE_WEBHOOKS=1), for development and tests
	// against local receivers. Nothing else.
	AllowPrivate bool
	// AllowCIDRs are further ranges allowed (PORTER_WEBHOOK_ALLOW_CIDRS).
	// They never re-allow an address that is never a target; build them
	// with ParseAllowCIDRs, which refuses such ranges.
	AllowCIDRs []netip.Prefix
	// Resolver resolves target hosts, in CheckURL and when dialing; nil means
	// net.DefaultResolver. Tests point it at a fake DNS server.
	Resolver *net.Resolver
}

// Settings named in refusals, so the 400 says how to allow a target.
const (
	SettingAllowPrivate = "PORTER_ALLOW_PRIVATE_WEBHOOKS"
	SettingAllowCIDRs   = "PORTER_WEBHOOK_ALLOW_CIDRS"
)

// resolveTimeout bounds the DNS lookup in CheckURL, so a slow name server
// cannot hold an API request for long.
const resolveTimeout = 5 * time.Second

func (g *Guard) resolver() *net.Resolver {
	if g.Resolver != nil {
		return g.Resolver
	}
	return net.DefaultResolver
}

// CheckURL validates a webhook target: an absolute http(s) URL with a host,
// no credentials, at most MaxURLLength characters, whose host resolves and
// none of whose addresses the Guard refuses. Every refusal is a
// *TargetError naming the reason and, when a setting would allow the
// address, the setting.
func (g *Guard) CheckURL(ctx context.Context, raw string) error {
	if raw == "" {
		return refuse("is required")
	}
	if len(raw) > MaxURLLength {
		return refuse("must be at most %d characters", MaxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return refuse("not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return refuse("scheme must be http or https")
	}
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return refuse("must be absolute with a host, e.g. https://example.com/hooks")
	}
	// Credentials in a URL end up in logs, the delivery log and error messages.
	if u.User != nil {
		return refuse("must not contain credentials (user:password@)")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return refuse("port must be between 1 and 65535")
		}
	}
	host := u.Hostname()
	if addr, err := netip.ParseAddr(host); err == nil {
		return g.checkAddr(addr, host+" is ")
	}
	// inet_aton forms (2852039166, 0xa9fe.0xa9fe, 0251.254.169.254, 127.1)
	// are IPv4 addresses to libc and some proxies but a name to Go's
	// resolver: judge the address they stand for, and in any case ask for
	// the dotted quad, so the URL means the same to every client.
	if addr, ok := legacyIPv4(host); ok {
		if err := g.checkAddr(addr, fmt.Sprintf("%s (%s) is ", host, addr)); err != nil {
			return err
		}
		return refuse("%s is a non-standard form of the IPv4 address %s; write it as %s", host, addr, addr)
	}
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	addrs, err := g.resolver().LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return refuse("host %s does not resolve", host)
	}
	// One refused answer is enough: the dialer may pick any of them.
	for _, a := range addrs {
		if err := g.checkAddr(a.Unmap(), fmt.Sprintf("%s resolves to %s, ", host, a.Unmap())); err != nil {
			return err
		}
	}
	return nil
}

// checkAddr refuses addr unless the Guard allows it; prefix starts the
// reason ("10.0.0.5 is ", "db.internal resolves to 10.0.0.5, ").
func (g *Guard) checkAddr(addr netip.Addr, prefix string) error {
	v := Classify(addr)
	if g.Allows(v) {
		return nil
	}
	switch v.Class {
	case ClassNever:
		return refuse("%s%s and can never be a webhook target", prefix, v.Reason)
	case ClassPrivate:
		return refuse("%s%s; set %s=1 or add it to %s to allow it", prefix, v.Reason, SettingAllowPrivate, SettingAllowCIDRs)
	default:
		return refuse("%s%s; add it to %s to allow it", prefix, v.Reason, SettingAllowCIDRs)
	}
}

// Allows reports whether the Guard lets a webhook connect to an address
// classified as v.
func (g *Guard) Allows(v Verdict) bool {
	switch v.Class {
	case ClassPublic:
		return true
	case ClassNever:
		return false
	case ClassPrivate:
		if g.AllowPrivate {
			return true
		}
	}
	for _, p := range g.AllowCIDRs {
		if p.Contains(v.Addr) || v.Embedded.IsValid() && p.Contains(v.Embedded) {
			return true
		}
	}
	return false
}

// legacyIPv4 parses the IPv4 forms inet_aton accepts and netip does not:
// one to four parts, each decimal, octal (leading 0) or hex (0x), the last
// filling the remaining bytes, with an optional trailing dot.
func legacyIPv4(host string) (netip.Addr, bool) {
	host = strings.TrimSuffix(host, ".")
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		base := 10
		switch {
		case len(p) > 2 && (p[:2] == "0x" || p[:2] == "0X"):
			base, p = 16, p[2:]
		case p == "0x" || p == "0X":
			p = "0" // inet_aton reads a bare 0x as 0
		case len(p) > 1 && p[0] == '0':
			base, p = 8, p[1:]
		}
		n, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals[i] = n
	}
	var v uint64
	for i, n := range vals[:len(vals)-1] {
		if n > 0xff {
			return netip.Addr{}, false
		}
		v |= n << (24 - 8*i)
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false
	}
	v |= last
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// Class is how the Guard treats an address.
type Class int

const (
	// ClassPublic addresses are allowed.
	ClassPublic Class = iota
	// ClassPrivate (loopback, RFC 1918, unique-local) are allowed by
	// AllowPrivate or AllowCIDRs.
	ClassPrivate
	// ClassRestricted (every other address that is not public: carrier-grade
	// NAT, documentation, benchmarking, reserved, ...) only by AllowCIDRs.
	ClassRestricted
	// ClassNever (cloud metadata, link-local, unspecified, multicast,
	// broadcast, and every IPv6 form embedding them) is never allowed.
	ClassNever
)

// Verdict is the Guard's view of one address.
type Verdict struct {
	Addr     netip.Addr // as judged: zone dropped, IPv4-mapped unmapped
	Embedded netip.Addr // the IPv4 address an IPv6 form carries, if any
	Class    Class
	Reason   string // e.g. "a loopback address"; "" when public
}

type prefixRule struct {
	prefix netip.Prefix
	class  Class
	reason string
}

func rules(c Class, pairs ...string) []prefixRule {
	r := make([]prefixRule, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		r = append(r, prefixRule{netip.MustParsePrefix(pairs[i]), c, pairs[i+1]})
	}
	return r
}

// Reasons, shared by both families.
const (
	reasonLoopback    = "a loopback address"
	reasonPrivate     = "a private address"
	reasonLinkLocal   = "a link-local address"
	reasonMetadata    = "a cloud metadata address"
	reasonCGNAT       = "a carrier-grade NAT address"
	reasonUnspecified = "an unspecified address"
	reasonMulticast   = "a multicast address"
	reasonBroadcast   = "a broadcast address"
	reasonUniqueLocal = "a unique-local address"
	reasonSiteLocal   = "a site-local address"
	reasonDoc         = "a documentation address"
	reasonBenchmark   = "a benchmarking address"
	reasonReserved    = "a reserved address"
	reasonLocalNAT64  = "a local-use NAT64 address"
)

// neverRules are never a target, whatever the settings. They come first,
// so narrower addresses inside allowable ranges (100.100.100.200 in
// carrier-grade NAT, fd00:ec2::254 in unique-local) are caught.
var neverRules = slices.Concat(rules(ClassNever,
	"0.0.0.0/8", reasonUnspecified,
	"100.100.100.200/32", reasonMetadata, // Alibaba Cloud
	"168.63.129.16/32", reasonMetadata, // Azure's host endpoint (wire server)
	"169.254.169.254/32", reasonMetadata, // AWS, GCP, Azure, OpenStack, ...
	"169.254.0.0/16", reasonLinkLocal, // also ECS task metadata 169.254.170.2
	"192.0.0.192/32", reasonMetadata, // Oracle Cloud
	"224.0.0.0/4", reasonMulticast,
	"255.255.255.255/32", reasonBroadcast,
	"::/128", reasonUnspecified,
	"fd00:ec2::254/128", reasonMetadata, // AWS over IPv6
	"fd20:ce::254/128", reasonMetadata, // Google Cloud over IPv6
	"fe80::/10", reasonLinkLocal,
	"ff00::/8", reasonMulticast,
	// RFC 8215 lets each network pick where its local-use NAT64 prefix
	// carries the IPv4 address, so Porter cannot tell which one it is.
	"64:ff9b:1::/48", reasonLocalNAT64,
))

// allowableRules are refused unless a setting allows them. First match
// wins, so narrower prefixes come before the ranges holding them.
var allowableRules = slices.Concat(
	rules(ClassPrivate,
		"10.0.0.0/8", reasonPrivate,
		"127.0.0.0/8", reasonLoopback,
		"172.16.0.0/12", reasonPrivate,
		"192.168.0.0/16", reasonPrivate,
		"::1/128", reasonLoopback,
		"fc00::/7", reasonUniqueLocal,
	),
	rules(ClassRestricted,
		"100.64.0.0/10", reasonCGNAT,
		"192.0.0.0/24", reasonReserved, // IETF protocol assignments
		"192.0.2.0/24", reasonDoc,
		"192.88.99.0/24", reasonReserved, // deprecated 6to4 relay anycast
		"198.18.0.0/15", reasonBenchmark,
		"198.51.100.0/24", reasonDoc,
		"203.0.113.0/24", reasonDoc,
		"240.0.0.0/4", reasonReserved,
		"100::/64", reasonReserved, // discard-only
		"2001:2::/48", reasonBenchmark,
		"2001:db8::/32", reasonDoc,
		"3fff::/20", reasonDoc,
		"fec0::/10", reasonSiteLocal,
	),
)

// NeverPrefixes are the ranges that are never a target, for checking a
// configured allow list against.
func NeverPrefixes() []netip.Prefix {
	out := make([]netip.Prefix, len(neverRules))
	for i, r := range neverRules {
		out[i] = r.prefix
	}
	return out
}

var (
	globalUnicast = netip.MustParsePrefix("2000::/3")
	compat        = netip.MustParsePrefix("::/96")
	translated    = netip.MustParsePrefix("::ffff:0:0:0/96")
	nat64         = netip.MustParsePrefix("64:ff9b::/96")
	teredo        = netip.MustParsePrefix("2001::/32")
	sixToFour     = netip.MustParsePrefix("2002::/16")
)

// Classify tells how the Guard treats addr. IPv6 forms that embed an IPv4
// address (IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64
// 64:ff9b::/96, 6to4, Teredo) are judged by the IPv4 address they carry.
// IPv6 outside the listed ranges is refused unless it is global unicast
// (2000::/3): nothing else is reachable on the Internet.
func Classify(addr netip.Addr) Verdict {
	if !addr.IsValid() {
		return Verdict{Class: ClassNever, Reason: "an invalid address"}
	}
	addr = addr.WithZone("")
	if addr.Is4In6() {
		return embedded(addr, addr.Unmap(), "IPv4-mapped")
	}
	for _, rs := range [][]prefixRule{neverRules, allowableRules} {
		for _, r := range rs {
			if r.prefix.Contains(addr) {
				return Verdict{Addr: addr, Class: r.class, Reason: r.reason}
			}
		}
	}
	if addr.Is4() {
		return Verdict{Addr: addr}
	}
	b := addr.As16()
	switch {
	case compat.Contains(addr):
		if v := embedded(addr, v4(b[12:16]), "IPv4-compatible"); v.Class != ClassPublic {
			return v
		}
		return Verdict{Addr: addr, Class: ClassRestricted, Reason: reasonReserved + " (IPv4-compatible, deprecated)"}
	case translated.Contains(addr):
		if v := embedded(addr, v4(b[12:16]), "IPv4-translated"); v.Class != ClassPublic {
			return v
		}
		return Verdict{Addr: addr, Class: ClassRestricted, Reason: reasonReserved + " (IPv4-translated)"}
	case nat64.Contains(addr):
		return embedded(addr, v4(b[12:16]), "NAT64")
	case sixToFour.Contains(addr):
		return embedded(addr, v4(b[2:6]), "6to4")
	case teredo.Contains(addr):
		// Server address in bits 32-63, client address inverted in the
		// last 32: the stricter verdict of the two.
		server := embedded(addr, v4(b[4:8]), "Teredo server")
		client := embedded(addr, netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]}), "Teredo client")
		if server.Class >= client.Class {
			return server
		}
		return client
	case !globalUnicast.Contains(addr):
		return Verdict{Addr: addr, Class: ClassRestricted, Reason: reasonReserved}
	}
	return Verdict{Addr: addr}
}

// Forbidden reports whether the zero Guard refuses addr, and why (e.g. "a
// loopback address").
func Forbidden(addr netip.Addr) (reason string, bad bool) {
	v := Classify(addr)
	return v.Reason, v.Class != ClassPublic
}

func v4(b []byte) netip.Addr { return netip.AddrFrom4([4]byte(b)) }

// embedded judges the IPv4 address a carried by the IPv6 address addr,
// naming the form in the reason.
func embedded(addr, a netip.Addr, form string) Verdict {
	v := Classify(a)
	v.Addr, v.Embedded = addr, a
	if v.Class != ClassPublic {
		v.Reason = fmt.Sprintf("%s (%s %s)", v.Reason, form, a)
	}
	return v
}

// ParseAllowCIDRs reads PORTER_WEBHOOK_ALLOW_CIDRS: ranges or single
// addresses separated by commas or spaces ("10.1.0.0/16, fd12::/48,
// 192.168.5.7"). A range that reaches into addresses that are never a
// target (169.254.0.0/16, 0.0.0.0/0, ...) is an error, not silently
// narrowed: the operator asked for something Porter will not do. A wider
// range around a single metadata address (100.64.0.0/10 around
// 100.100.100.200) is accepted; the address itself stays refused.
func ParseAllowCIDRs(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		var p netip.Prefix
		var err error
		if strings.Contains(f, "/") {
			p, err = netip.ParsePrefix(f)
		} else {
			var a netip.Addr
			if a, err = netip.ParseAddr(f); err == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not an address or CIDR range such as 10.1.0.0/16", SettingAllowCIDRs, f)
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		p = p.Masked()
		for _, r := range neverRules {
			// A range around one metadata address (100.64.0.0/10 holds
			// 100.100.100.200) is fine: that address stays refused.
			hole := r.prefix.IsSingleIP() && p.Bits() < r.prefix.Bits()
			if p.Overlaps(r.prefix) && !hole {
				return nil, fmt.Errorf("%s: %s overlaps %s, %s, which can never be a webhook target", SettingAllowCIDRs, f, r.prefix, r.reason)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// dialTimeout bounds connection establishment; the request context may be shorter.
const dialTimeout = 10 * time.Second

// DialContext connects like net.Dialer.DialContext, but checks every address
// it is about to connect to, after DNS resolution, and refuses those the
// Guard does not allow with a *TargetError. Only TCP is allowed.
func (g *Guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, fmt.Errorf("webhook dial: network %q not allowed", network)
	}
	d := net.Dialer{
		Timeout:        dialTimeout,
		KeepAlive:      30 * time.Second,
		Resolver:       g.Resolver,
		ControlContext: g.control,
	}
	return d.DialContext(ctx, network, addr)
}

// control runs after resolution, just before connect(2), with the literal
// address: the only check a rebinding DNS server cannot get around.
func (g *Guard) control(_ context.Context, _, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return refuse("cannot check address %q", address)
	}
	a := ap.Addr().Unmap()
	return g.checkAddr(a, a.String()+" is ")
}

// MaxConnsPerHost is how many idle connections the client keeps to one
// receiver: as many as the engine may have in flight to one endpoint, so
// a busy receiver's connections are reused, never closed and redialled
// (64 cost a benchmark one dial per three deliveries at 128 in flight).
const MaxConnsPerHost = 256

// Transport limits.
const (
	maxIdleConns        = 1024
	maxIdleConnsPerHost = MaxConnsPerHost
	idleConnTimeout     = 90 * time.Second
	tlsHandshakeTimeout = 10 * time.Second
	maxResponseHeader   = 64 << 10
)

// Client returns an http.Client for webhook deliveries: it dials through the
// Guard, ignores proxy settings from the environment (a proxy would connect
// on our behalf, past the guard), does not follow redirects (a 3xx comes back
// as the response; the engine treats it as a failure), requires TLS 1.2+,
// and does not ask for compressed responses (bodies are stored as received).
//
// timeout bounds a whole exchange, including reading the response body, and
// the wait for response headers; timeout <= 0 leaves both to the request's
// context, for callers that apply a per-subscription timeout per request.
// The Transport is an *http.Transport; callers may tune it further.
func (g *Guard) Client(timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            g.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           maxIdleConns,
		MaxIdleConnsPerHost:    maxIdleConnsPerHost,
		IdleConnTimeout:        idleConnTimeout,
		TLSHandshakeTimeout:    tlsHandshakeTimeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: maxResponseHeader,
		DisableCompression:     true,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
	}
	if timeout > 0 {
		tr.ResponseHeaderTimeout = timeout
	}
	return &http.Client{
		Transport: tr,
		Timeout:   max(timeout, 0),
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// IsTargetError reports whether err (or an error it wraps) is a refusal by the Guard.
func IsTargetError(err error) bool {
	var te *TargetError
	return errors.As(err, &te)
}
