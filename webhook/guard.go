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
	"strconv"
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

// Guard keeps webhook deliveries away from the network Porter runs in
// (loopback, private ranges, cloud metadata, ...). CheckURL validates a URL
// when a subscription is written; DialContext and Client enforce the same
// rule on the address actually connected to, so a DNS answer that changes
// after registration (rebinding) is refused at connect time.
//
// The zero Guard is ready to use.
type Guard struct {
	// AllowPrivate turns the address checks off (PORTER_ALLOW_PRIVATE_WEBHOOKS=1),
	// for development and tests against local receivers. URL syntax is still checked.
	AllowPrivate bool
	// Resolver resolves target hosts, in CheckURL and when dialing; nil means
	// net.DefaultResolver. Tests point it at a fake DNS server.
	Resolver *net.Resolver
}

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
// none of whose addresses is forbidden (unless AllowPrivate). Every refusal
// is a *TargetError naming the reason.
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
		if g.AllowPrivate {
			return nil
		}
		if reason, bad := Forbidden(addr); bad {
			return refuse("%s is %s", host, reason)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	addrs, err := g.resolver().LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return refuse("host %s does not resolve", host)
	}
	if g.AllowPrivate {
		return nil
	}
	// One forbidden answer is enough: the dialer may pick any of them.
	for _, a := range addrs {
		a = a.Unmap()
		if reason, bad := Forbidden(a); bad {
			return refuse("%s resolves to %s, %s", host, a, reason)
		}
	}
	return nil
}

type prefixRule struct {
	prefix netip.Prefix
	reason string
}

func rules(pairs ...string) []prefixRule {
	r := make([]prefixRule, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		r = append(r, prefixRule{netip.MustParsePrefix(pairs[i]), pairs[i+1]})
	}
	return r
}

// Reasons, shared by both families.
const (
	reasonLoopback    = "a loopback address"
	reasonPrivate     = "a private address"
	reasonLinkLocal   = "a link-local address"
	reasonMetadata    = "a link-local address (cloud metadata)"
	reasonCGNAT       = "a carrier-grade NAT address"
	reasonUnspecified = "an unspecified address"
	reasonMulticast   = "a multicast address"
	reasonBroadcast   = "a broadcast address"
	reasonUniqueLocal = "a unique-local address"
	reasonSiteLocal   = "a site-local address"
	reasonDoc         = "a documentation address"
	reasonBenchmark   = "a benchmarking address"
	reasonReserved    = "a reserved address"
)

// First match wins, so narrower prefixes come before the ranges holding them.
var v4Rules = rules(
	"0.0.0.0/8", reasonUnspecified,
	"10.0.0.0/8", reasonPrivate,
	"100.64.0.0/10", reasonCGNAT, // also Alibaba's metadata 100.100.100.200
	"127.0.0.0/8", reasonLoopback,
	"169.254.169.254/32", reasonMetadata,
	"169.254.0.0/16", reasonLinkLocal,
	"172.16.0.0/12", reasonPrivate,
	"192.0.0.0/24", reasonReserved, // IETF protocol assignments
	"192.0.2.0/24", reasonDoc,
	"192.88.99.0/24", reasonReserved, // deprecated 6to4 relay anycast
	"192.168.0.0/16", reasonPrivate,
	"198.18.0.0/15", reasonBenchmark,
	"198.51.100.0/24", reasonDoc,
	"203.0.113.0/24", reasonDoc,
	"224.0.0.0/4", reasonMulticast,
	"255.255.255.255/32", reasonBroadcast,
	"240.0.0.0/4", reasonReserved,
)

// IPv6 outside these rules and the embeddings below is refused unless it is
// global unicast (2000::/3): nothing else is reachable on the Internet.
var v6Rules = rules(
	"::/128", reasonUnspecified,
	"::1/128", reasonLoopback,
	"64:ff9b:1::/48", "a local-use NAT64 address",
	"100::/64", reasonReserved, // discard-only
	"2001:2::/48", reasonBenchmark,
	"2001:db8::/32", reasonDoc,
	"3fff::/20", reasonDoc,
	"fc00::/7", reasonUniqueLocal, // includes AWS's IPv6 metadata fd00:ec2::254
	"fe80::/10", reasonLinkLocal,
	"fec0::/10", reasonSiteLocal,
	"ff00::/8", reasonMulticast,
)

var (
	globalUnicast = netip.MustParsePrefix("2000::/3")
	compat        = netip.MustParsePrefix("::/96")
	nat64         = netip.MustParsePrefix("64:ff9b::/96")
	teredo        = netip.MustParsePrefix("2001::/32")
	sixToFour     = netip.MustParsePrefix("2002::/16")
)

// Forbidden reports whether a webhook may not connect to addr, and why
// (e.g. "a loopback address"). IPv6 forms that embed an IPv4 address
// (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4, Teredo) are judged
// by the IPv4 address they carry.
func Forbidden(addr netip.Addr) (reason string, bad bool) {
	if !addr.IsValid() {
		return "an invalid address", true
	}
	addr = addr.WithZone("")
	if addr.Is4In6() {
		return embedded(addr.Unmap(), "IPv4-mapped")
	}
	if addr.Is4() {
		for _, r := range v4Rules {
			if r.prefix.Contains(addr) {
				return r.reason, true
			}
		}
		return "", false
	}
	for _, r := range v6Rules {
		if r.prefix.Contains(addr) {
			return r.reason, true
		}
	}
	b := addr.As16()
	switch {
	case compat.Contains(addr):
		if reason, bad := embedded(v4(b[12:16]), "IPv4-compatible"); bad {
			return reason, true
		}
		return reasonReserved + " (IPv4-compatible, deprecated)", true
	case nat64.Contains(addr):
		return embedded(v4(b[12:16]), "NAT64")
	case sixToFour.Contains(addr):
		return embedded(v4(b[2:6]), "6to4")
	case teredo.Contains(addr):
		// Server address in bits 32-63, client address inverted in the last 32.
		if reason, bad := embedded(v4(b[4:8]), "Teredo server"); bad {
			return reason, true
		}
		client := [4]byte{^b[12], ^b[13], ^b[14], ^b[15]}
		return embedded(netip.AddrFrom4(client), "Teredo client")
	case !globalUnicast.Contains(addr):
		return reasonReserved, true
	}
	return "", false
}

func v4(b []byte) netip.Addr { return netip.AddrFrom4([4]byte(b)) }

// embedded judges the IPv4 address carried by an IPv6 one, naming the form.
func embedded(a netip.Addr, form string) (string, bool) {
	if reason, bad := Forbidden(a); bad {
		return fmt.Sprintf("%s (%s %s)", reason, form, a), true
	}
	return "", false
}

// dialTimeout bounds connection establishment; the request context may be shorter.
const dialTimeout = 10 * time.Second

// DialContext connects like net.Dialer.DialContext, but checks every address
// it is about to connect to, after DNS resolution, and refuses forbidden ones
// with a *TargetError (unless AllowPrivate). Only TCP is allowed.
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
	if g.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return refuse("cannot check address %q", address)
	}
	a := ap.Addr().Unmap()
	if reason, bad := Forbidden(a); bad {
		return refuse("%s is %s", a, reason)
	}
	return nil
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
