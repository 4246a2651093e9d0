package webhook

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const (
	P = ClassPublic
	V = ClassPrivate
	R = ClassRestricted
	N = ClassNever
)

func TestClassify(t *testing.T) {
	tests := []struct {
		addr   string
		class  Class
		reason string
	}{
		// IPv4 public, including neighbours of every refused range.
		{"8.8.8.8", P, ""},
		{"1.1.1.1", P, ""},
		{"93.184.215.14", P, ""},
		{"1.0.0.0", P, ""},
		{"9.255.255.255", P, ""},
		{"11.0.0.0", P, ""},
		{"100.63.255.255", P, ""},
		{"100.128.0.0", P, ""},
		{"126.255.255.255", P, ""},
		{"128.0.0.0", P, ""},
		{"168.63.129.15", P, ""},
		{"168.63.129.17", P, ""},
		{"169.253.255.255", P, ""},
		{"169.255.0.0", P, ""},
		{"172.15.255.255", P, ""},
		{"172.32.0.0", P, ""},
		{"192.0.1.255", P, ""},
		{"192.0.3.0", P, ""},
		{"192.167.255.255", P, ""},
		{"192.169.0.0", P, ""},
		{"198.17.255.255", P, ""},
		{"198.20.0.0", P, ""},
		{"198.51.99.255", P, ""},
		{"198.51.101.0", P, ""},
		{"203.0.112.255", P, ""},
		{"203.0.114.0", P, ""},
		{"223.255.255.255", P, ""},

		// Never a target, whatever the settings.
		{"0.0.0.0", N, reasonUnspecified},
		{"0.1.2.3", N, reasonUnspecified},
		{"0.255.255.255", N, reasonUnspecified},
		{"169.254.0.0", N, reasonLinkLocal},
		{"169.254.1.1", N, reasonLinkLocal},
		{"169.254.170.2", N, reasonLinkLocal}, // ECS task metadata
		{"169.254.255.255", N, reasonLinkLocal},
		{"169.254.169.254", N, reasonMetadata},
		{"100.100.100.200", N, reasonMetadata},
		{"168.63.129.16", N, reasonMetadata},
		{"192.0.0.192", N, reasonMetadata},
		{"224.0.0.0", N, reasonMulticast},
		{"224.0.0.251", N, reasonMulticast},
		{"239.255.255.255", N, reasonMulticast},
		{"255.255.255.255", N, reasonBroadcast},
		// Private: PORTER_ALLOW_PRIVATE_WEBHOOKS allows them.
		{"10.0.0.0", V, reasonPrivate},
		{"10.1.2.3", V, reasonPrivate},
		{"10.255.255.255", V, reasonPrivate},
		{"172.16.0.0", V, reasonPrivate},
		{"172.20.1.1", V, reasonPrivate},
		{"172.31.255.255", V, reasonPrivate},
		{"192.168.0.0", V, reasonPrivate},
		{"192.168.1.1", V, reasonPrivate},
		{"192.168.255.255", V, reasonPrivate},
		{"127.0.0.1", V, reasonLoopback},
		{"127.0.0.0", V, reasonLoopback},
		{"127.1.2.3", V, reasonLoopback},
		{"127.255.255.255", V, reasonLoopback},
		// Restricted: only PORTER_WEBHOOK_ALLOW_CIDRS allows them.
		{"100.64.0.0", R, reasonCGNAT},
		{"100.100.100.199", R, reasonCGNAT},
		{"100.100.100.201", R, reasonCGNAT},
		{"100.127.255.255", R, reasonCGNAT},
		{"192.0.0.0", R, reasonReserved},
		{"192.0.0.170", R, reasonReserved},
		{"192.0.2.0", R, reasonDoc},
		{"192.0.2.255", R, reasonDoc},
		{"192.88.99.1", R, reasonReserved},
		{"198.18.0.0", R, reasonBenchmark},
		{"198.19.255.255", R, reasonBenchmark},
		{"198.51.100.7", R, reasonDoc},
		{"203.0.113.9", R, reasonDoc},
		{"240.0.0.0", R, reasonReserved},
		{"250.1.2.3", R, reasonReserved},
		{"255.255.255.254", R, reasonReserved},

		// IPv6 global unicast.
		{"2606:4700:4700::1111", P, ""},
		{"2001:4860:4860::8888", P, ""},
		{"2a00:1450:4001:80b::200e", P, ""},
		{"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", P, ""},
		{"2001:db9::", P, ""},
		{"3ffe::1", P, ""},
		{"3fff:1000::", P, ""},
		// IPv6 never.
		{"::", N, reasonUnspecified},
		{"fe80::", N, reasonLinkLocal},
		{"fe80::1", N, reasonLinkLocal},
		{"fe80::1%eth0", N, reasonLinkLocal},
		{"febf:ffff::1", N, reasonLinkLocal},
		{"fd00:ec2::254", N, reasonMetadata},
		{"fd20:ce::254", N, reasonMetadata},
		{"fd20:ce::253", V, reasonUniqueLocal},
		{"ff02::1", N, reasonMulticast},
		{"ff05::1:3", N, reasonMulticast},
		{"ff0e::1", N, reasonMulticast},
		{"64:ff9b:1::a00:1", N, reasonLocalNAT64},
		{"64:ff9b:1:ffff:ffff:ffff:ffff:ffff", N, reasonLocalNAT64},
		// IPv6 private.
		{"::1", V, reasonLoopback},
		{"fc00::", V, reasonUniqueLocal},
		{"fc00::1", V, reasonUniqueLocal},
		{"fd00::1", V, reasonUniqueLocal},
		{"fd00:ec2::253", V, reasonUniqueLocal},
		{"fd00:ec2::255", V, reasonUniqueLocal},
		{"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", V, reasonUniqueLocal},
		// IPv6 restricted.
		{"fec0::1", R, reasonSiteLocal},
		{"2001:db8::", R, reasonDoc},
		{"2001:db8:1234::1", R, reasonDoc},
		{"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", R, reasonDoc},
		{"3fff::1", R, reasonDoc},
		{"3fff:fff::1", R, reasonDoc},
		{"2001:2::1", R, reasonBenchmark},
		{"100::1", R, reasonReserved},
		{"1::1", R, reasonReserved},    // unallocated, outside 2000::/3
		{"4000::1", R, reasonReserved}, // outside 2000::/3
		{"e000::1", R, reasonReserved}, // outside 2000::/3
		{"64:ff9b:2::1", R, reasonReserved},

		// IPv4-mapped: judged as the IPv4 address.
		{"::ffff:127.0.0.1", V, reasonLoopback + " (IPv4-mapped 127.0.0.1)"},
		{"::ffff:7f00:1", V, reasonLoopback + " (IPv4-mapped 127.0.0.1)"},
		{"::ffff:10.0.0.1", V, reasonPrivate + " (IPv4-mapped 10.0.0.1)"},
		{"::ffff:100.64.0.1", R, reasonCGNAT + " (IPv4-mapped 100.64.0.1)"},
		{"::ffff:169.254.169.254", N, reasonMetadata + " (IPv4-mapped 169.254.169.254)"},
		{"::ffff:a9fe:a9fe", N, reasonMetadata + " (IPv4-mapped 169.254.169.254)"},
		{"::ffff:100.100.100.200", N, reasonMetadata + " (IPv4-mapped 100.100.100.200)"},
		{"::ffff:169.254.1.1", N, reasonLinkLocal + " (IPv4-mapped 169.254.1.1)"},
		{"::ffff:0.0.0.0", N, reasonUnspecified + " (IPv4-mapped 0.0.0.0)"},
		{"::ffff:224.0.0.1", N, reasonMulticast + " (IPv4-mapped 224.0.0.1)"},
		{"::ffff:255.255.255.255", N, reasonBroadcast + " (IPv4-mapped 255.255.255.255)"},
		{"::ffff:8.8.8.8", P, ""},
		// IPv4-compatible (deprecated): refused whatever it carries.
		{"::127.0.0.1", V, reasonLoopback + " (IPv4-compatible 127.0.0.1)"},
		{"::192.168.1.1", V, reasonPrivate + " (IPv4-compatible 192.168.1.1)"},
		{"::169.254.169.254", N, reasonMetadata + " (IPv4-compatible 169.254.169.254)"},
		{"::100.100.100.200", N, reasonMetadata + " (IPv4-compatible 100.100.100.200)"},
		{"::224.0.0.1", N, reasonMulticast + " (IPv4-compatible 224.0.0.1)"},
		{"::255.255.255.255", N, reasonBroadcast + " (IPv4-compatible 255.255.255.255)"},
		{"::0.0.0.2", N, reasonUnspecified + " (IPv4-compatible 0.0.0.2)"},
		{"::8.8.8.8", R, reasonReserved + " (IPv4-compatible, deprecated)"},
		// IPv4-translated (SIIT).
		{"::ffff:0:a00:1", V, reasonPrivate + " (IPv4-translated 10.0.0.1)"},
		{"::ffff:0:a9fe:a9fe", N, reasonMetadata + " (IPv4-translated 169.254.169.254)"},
		{"::ffff:0:808:808", R, reasonReserved + " (IPv4-translated)"},
		// NAT64 well-known prefix.
		{"64:ff9b::7f00:1", V, reasonLoopback + " (NAT64 127.0.0.1)"},
		{"64:ff9b::127.0.0.1", V, reasonLoopback + " (NAT64 127.0.0.1)"},
		{"64:ff9b::a9fe:a9fe", N, reasonMetadata + " (NAT64 169.254.169.254)"},
		{"64:ff9b::169.254.169.254", N, reasonMetadata + " (NAT64 169.254.169.254)"},
		{"64:ff9b::100.100.100.200", N, reasonMetadata + " (NAT64 100.100.100.200)"},
		{"64:ff9b::169.254.7.7", N, reasonLinkLocal + " (NAT64 169.254.7.7)"},
		{"64:ff9b::0.0.0.0", N, reasonUnspecified + " (NAT64 0.0.0.0)"},
		{"64:ff9b::239.1.1.1", N, reasonMulticast + " (NAT64 239.1.1.1)"},
		{"64:ff9b::255.255.255.255", N, reasonBroadcast + " (NAT64 255.255.255.255)"},
		{"64:ff9b::100.64.0.1", R, reasonCGNAT + " (NAT64 100.64.0.1)"},
		{"64:ff9b::808:808", P, ""},
		// 6to4.
		{"2002:7f00:1::1", V, reasonLoopback + " (6to4 127.0.0.1)"},
		{"2002:c0a8:101::1", V, reasonPrivate + " (6to4 192.168.1.1)"},
		{"2002:a9fe:a9fe::", N, reasonMetadata + " (6to4 169.254.169.254)"},
		{"2002:6464:64c8::1", N, reasonMetadata + " (6to4 100.100.100.200)"},
		{"2002:a9fe:101::1", N, reasonLinkLocal + " (6to4 169.254.1.1)"},
		{"2002::1", N, reasonUnspecified + " (6to4 0.0.0.0)"},
		{"2002:e000:1::", N, reasonMulticast + " (6to4 224.0.0.1)"},
		{"2002:ffff:ffff::", N, reasonBroadcast + " (6to4 255.255.255.255)"},
		{"2002:808:808::1", P, ""},
		// Teredo: server in bits 32-63, client inverted in the last 32 bits.
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", V, reasonLoopback + " (Teredo client 127.0.0.1)"},
		{"2001:0:4136:e378:8000:63bf:f5ff:fffe", V, reasonPrivate + " (Teredo client 10.0.0.1)"},
		{"2001:0:7f00:1::", N, reasonBroadcast + " (Teredo client 255.255.255.255)"},
		{"2001:0:7f00:1::ffff:ffff", N, reasonUnspecified + " (Teredo client 0.0.0.0)"},
		{"2001:0:7f00:1::f7f7:f7f7", V, reasonLoopback + " (Teredo server 127.0.0.1)"},
		{"2001:0:a9fe:a9fe::ffff:ffff", N, reasonMetadata + " (Teredo server 169.254.169.254)"},
		{"2001:0:4136:e378:8000:63bf:5601:5601", N, reasonMetadata + " (Teredo client 169.254.169.254)"},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", R, reasonDoc + " (Teredo client 192.0.2.45)"}, // RFC 4380's example
		{"2001:0:4136:e378:8000:63bf:f7f7:f7f7", P, ""},                                        // client 8.8.8.8
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			v := Classify(netip.MustParseAddr(tt.addr))
			if v.Class != tt.class || v.Reason != tt.reason {
				t.Errorf("Classify(%s) = %v %q; want %v %q", tt.addr, v.Class, v.Reason, tt.class, tt.reason)
			}
			reason, bad := Forbidden(netip.MustParseAddr(tt.addr))
			if bad != (tt.class != P) || reason != tt.reason {
				t.Errorf("Forbidden(%s) = %q, %v", tt.addr, reason, bad)
			}
		})
	}
	if v := Classify(netip.Addr{}); v.Class != N || v.Reason == "" {
		t.Errorf("Classify(zero) = %+v; want never", v)
	}
}

// The documented never-a-target list, written out as the README states it,
// so that a rule dropped from the code fails here.
func TestNeverTargetsAsDocumented(t *testing.T) {
	guards := map[string]*Guard{
		"default":       {},
		"allow private": {AllowPrivate: true},
		"allow cidrs":   {AllowPrivate: true, AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("fd00::/8")}},
	}
	for _, a := range []string{
		"169.254.0.1", "169.254.169.254", "169.254.255.254", "fe80::1", "febf::1", "fd00:ec2::254", "fd20:ce::254",
		"100.100.100.200", "0.0.0.0", "0.0.0.1", "::", "224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::fb",
		"255.255.255.255", "::ffff:169.254.169.254", "::169.254.169.254", "64:ff9b::a9fe:a9fe", "64:ff9b:1::a9fe:a9fe",
		"2002:a9fe:a9fe::1", "::ffff:100.100.100.200", "64:ff9b::6464:64c8", "::ffff:0.0.0.0", "::ffff:224.0.0.1",
	} {
		addr := netip.MustParseAddr(a)
		for name, g := range guards {
			if g.Allows(Classify(addr)) {
				t.Errorf("%s: %s allowed", name, a)
			}
			if err := g.control(context.Background(), "tcp", netip.AddrPortFrom(addr, 80).String(), nil); !strings.HasSuffix(fmt.Sprint(err), "can never be a webhook target") {
				t.Errorf("%s: control(%s) = %v", name, a, err)
			}
		}
	}
}

// checkErr asserts err is, or wraps, a *TargetError with exactly the message
// want ("" = nil).
func checkErr(t *testing.T, input string, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("%s: unexpected error %v", input, err)
		}
		return
	}
	var te *TargetError
	if !errors.As(err, &te) {
		t.Fatalf("%s: error %v (%T), want *TargetError %q", input, err, err, want)
	}
	if te.Error() != want {
		t.Errorf("%s: error %q, want %q", input, te.Error(), want)
	}
}

// The three refusals, as a user reads them.
func never(s string) string { return "url: " + s + " and can never be a webhook target" }
func private(s string) string {
	return "url: " + s + "; set PORTER_ALLOW_PRIVATE_WEBHOOKS=1 or add it to PORTER_WEBHOOK_ALLOW_CIDRS to allow it"
}
func restricted(s string) string {
	return "url: " + s + "; add it to PORTER_WEBHOOK_ALLOW_CIDRS to allow it"
}

func TestCheckURLSyntax(t *testing.T) {
	long := "https://example.com/" + strings.Repeat("a", MaxURLLength)
	tests := []struct {
		url, want string
	}{
		{"", "url: is required"},
		{long, "url: must be at most 2048 characters"},
		{"ftp://example.com/x", "url: scheme must be http or https"},
		{"file:///etc/passwd", "url: scheme must be http or https"},
		{"gopher://127.0.0.1:25/", "url: scheme must be http or https"},
		{"javascript:alert(1)", "url: scheme must be http or https"},
		{"example.com/hook", "url: scheme must be http or https"},
		{"/hooks", "url: scheme must be http or https"},
		{"http:example.com", "url: must be absolute with a host, e.g. https://example.com/hooks"},
		{"https:///path", "url: must be absolute with a host, e.g. https://example.com/hooks"},
		{"https://:443/path", "url: must be absolute with a host, e.g. https://example.com/hooks"},
		{"http://%zz", "url: not a valid URL"},
		{"http://exa mple.com/", "url: not a valid URL"},
		{"http://::1/", "url: not a valid URL"},
		{"https://user:pass@8.8.8.8/", "url: must not contain credentials (user:password@)"},
		{"https://user@8.8.8.8/", "url: must not contain credentials (user:password@)"},
		{"https://8.8.8.8:0/", "url: port must be between 1 and 65535"},
		{"https://8.8.8.8:70000/", "url: port must be between 1 and 65535"},
		{"HTTPS://8.8.8.8/hook", ""},
		{"http://8.8.8.8:8080/hook?x=1#frag", ""},
		{"https://[2606:4700:4700::1111]/hook", ""},
		{"https://[2606:4700:4700::1111]:8443/hook", ""},
	}
	for _, g := range []*Guard{{}, {AllowPrivate: true}} {
		for _, tt := range tests {
			checkErr(t, tt.url, g.CheckURL(context.Background(), tt.url), tt.want)
		}
	}
}

// Every address form through CheckURL, under the three configurations:
// nothing allowed, PORTER_ALLOW_PRIVATE_WEBHOOKS=1, and an allow list. No
// name is resolved and nothing is dialled.
func TestCheckURLLiterals(t *testing.T) {
	cidrs, err := ParseAllowCIDRs("100.64.0.0/10, 198.18.0.0/15 10.9.0.0/16,fd12:3456::/32,2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	strict, open, listed := &Guard{}, &Guard{AllowPrivate: true}, &Guard{AllowCIDRs: cidrs}
	const ok = ""
	tests := []struct {
		url                  string
		strict, open, listed string
	}{
		// Public.
		{"http://8.8.8.8/", ok, ok, ok},
		{"http://[2606:4700:4700::1111]/", ok, ok, ok},
		{"http://[::ffff:8.8.8.8]/", ok, ok, ok},
		{"http://[64:ff9b::8.8.8.8]/", ok, ok, ok},

		// Never, whatever the settings.
		{"http://169.254.169.254/latest/meta-data/", never("169.254.169.254 is a cloud metadata address"), never("169.254.169.254 is a cloud metadata address"), never("169.254.169.254 is a cloud metadata address")},
		{"http://169.254.1.1/", never("169.254.1.1 is a link-local address"), never("169.254.1.1 is a link-local address"), never("169.254.1.1 is a link-local address")},
		{"http://100.100.100.200/", never("100.100.100.200 is a cloud metadata address"), never("100.100.100.200 is a cloud metadata address"), never("100.100.100.200 is a cloud metadata address")},
		{"http://0.0.0.0:8080/", never("0.0.0.0 is an unspecified address"), never("0.0.0.0 is an unspecified address"), never("0.0.0.0 is an unspecified address")},
		{"http://224.0.0.1/", never("224.0.0.1 is a multicast address"), never("224.0.0.1 is a multicast address"), never("224.0.0.1 is a multicast address")},
		{"http://255.255.255.255/", never("255.255.255.255 is a broadcast address"), never("255.255.255.255 is a broadcast address"), never("255.255.255.255 is a broadcast address")},
		{"http://[::]/", never(":: is an unspecified address"), never(":: is an unspecified address"), never(":: is an unspecified address")},
		{"http://[fe80::1]/", never("fe80::1 is a link-local address"), never("fe80::1 is a link-local address"), never("fe80::1 is a link-local address")},
		{"http://[fe80::1%25eth0]:8080/", never("fe80::1%eth0 is a link-local address"), never("fe80::1%eth0 is a link-local address"), never("fe80::1%eth0 is a link-local address")},
		{"http://[fd00:ec2::254]/", never("fd00:ec2::254 is a cloud metadata address"), never("fd00:ec2::254 is a cloud metadata address"), never("fd00:ec2::254 is a cloud metadata address")},
		{"http://[ff02::1]/", never("ff02::1 is a multicast address"), never("ff02::1 is a multicast address"), never("ff02::1 is a multicast address")},
		{"http://[::ffff:169.254.169.254]/", never("::ffff:169.254.169.254 is a cloud metadata address (IPv4-mapped 169.254.169.254)"), never("::ffff:169.254.169.254 is a cloud metadata address (IPv4-mapped 169.254.169.254)"), never("::ffff:169.254.169.254 is a cloud metadata address (IPv4-mapped 169.254.169.254)")},
		{"http://[::169.254.169.254]/", never("::169.254.169.254 is a cloud metadata address (IPv4-compatible 169.254.169.254)"), never("::169.254.169.254 is a cloud metadata address (IPv4-compatible 169.254.169.254)"), never("::169.254.169.254 is a cloud metadata address (IPv4-compatible 169.254.169.254)")},
		{"http://[64:ff9b::169.254.169.254]/", never("64:ff9b::169.254.169.254 is a cloud metadata address (NAT64 169.254.169.254)"), never("64:ff9b::169.254.169.254 is a cloud metadata address (NAT64 169.254.169.254)"), never("64:ff9b::169.254.169.254 is a cloud metadata address (NAT64 169.254.169.254)")},
		{"http://[64:ff9b:1::a9fe:a9fe]/", never("64:ff9b:1::a9fe:a9fe is a local-use NAT64 address"), never("64:ff9b:1::a9fe:a9fe is a local-use NAT64 address"), never("64:ff9b:1::a9fe:a9fe is a local-use NAT64 address")},
		{"http://[2002:a9fe:a9fe::1]/", never("2002:a9fe:a9fe::1 is a cloud metadata address (6to4 169.254.169.254)"), never("2002:a9fe:a9fe::1 is a cloud metadata address (6to4 169.254.169.254)"), never("2002:a9fe:a9fe::1 is a cloud metadata address (6to4 169.254.169.254)")},
		{"http://[::ffff:100.100.100.200]/", never("::ffff:100.100.100.200 is a cloud metadata address (IPv4-mapped 100.100.100.200)"), never("::ffff:100.100.100.200 is a cloud metadata address (IPv4-mapped 100.100.100.200)"), never("::ffff:100.100.100.200 is a cloud metadata address (IPv4-mapped 100.100.100.200)")},

		// Private: PORTER_ALLOW_PRIVATE_WEBHOOKS or the list.
		{"http://127.0.0.1:8080/hook", private("127.0.0.1 is a loopback address"), ok, private("127.0.0.1 is a loopback address")},
		{"http://10.0.0.5/", private("10.0.0.5 is a private address"), ok, private("10.0.0.5 is a private address")},
		{"http://10.9.1.1/", private("10.9.1.1 is a private address"), ok, ok},
		{"http://172.16.0.1/", private("172.16.0.1 is a private address"), ok, private("172.16.0.1 is a private address")},
		{"http://192.168.1.1/", private("192.168.1.1 is a private address"), ok, private("192.168.1.1 is a private address")},
		{"http://[::1]/", private("::1 is a loopback address"), ok, private("::1 is a loopback address")},
		{"http://[fd00::1]/", private("fd00::1 is a unique-local address"), ok, private("fd00::1 is a unique-local address")},
		{"http://[fd12:3456::1]/", private("fd12:3456::1 is a unique-local address"), ok, ok},
		{"http://[::ffff:127.0.0.1]/", private("::ffff:127.0.0.1 is a loopback address (IPv4-mapped 127.0.0.1)"), ok, private("::ffff:127.0.0.1 is a loopback address (IPv4-mapped 127.0.0.1)")},
		{"http://[64:ff9b::7f00:1]/", private("64:ff9b::7f00:1 is a loopback address (NAT64 127.0.0.1)"), ok, private("64:ff9b::7f00:1 is a loopback address (NAT64 127.0.0.1)")},
		{"http://[64:ff9b::10.9.0.1]/", private("64:ff9b::10.9.0.1 is a private address (NAT64 10.9.0.1)"), ok, ok},

		// Restricted: only the list.
		{"http://100.64.0.1/", restricted("100.64.0.1 is a carrier-grade NAT address"), restricted("100.64.0.1 is a carrier-grade NAT address"), ok},
		{"http://198.18.0.1/", restricted("198.18.0.1 is a benchmarking address"), restricted("198.18.0.1 is a benchmarking address"), ok},
		{"http://192.0.2.1/", restricted("192.0.2.1 is a documentation address"), restricted("192.0.2.1 is a documentation address"), restricted("192.0.2.1 is a documentation address")},
		{"http://240.0.0.1/", restricted("240.0.0.1 is a reserved address"), restricted("240.0.0.1 is a reserved address"), restricted("240.0.0.1 is a reserved address")},
		{"http://[2001:db8::1]/", restricted("2001:db8::1 is a documentation address"), restricted("2001:db8::1 is a documentation address"), ok},
		{"http://[fec0::1]/", restricted("fec0::1 is a site-local address"), restricted("fec0::1 is a site-local address"), restricted("fec0::1 is a site-local address")},

		// inet_aton forms: judged by the address they stand for, and never
		// accepted as written.
		{"http://2852039166/", never("2852039166 (169.254.169.254) is a cloud metadata address"), never("2852039166 (169.254.169.254) is a cloud metadata address"), never("2852039166 (169.254.169.254) is a cloud metadata address")},
		{"http://0xa9fea9fe/", never("0xa9fea9fe (169.254.169.254) is a cloud metadata address"), never("0xa9fea9fe (169.254.169.254) is a cloud metadata address"), never("0xa9fea9fe (169.254.169.254) is a cloud metadata address")},
		{"http://0xA9.0xFE.0xA9.0xFE/", never("0xA9.0xFE.0xA9.0xFE (169.254.169.254) is a cloud metadata address"), never("0xA9.0xFE.0xA9.0xFE (169.254.169.254) is a cloud metadata address"), never("0xA9.0xFE.0xA9.0xFE (169.254.169.254) is a cloud metadata address")},
		{"http://0251.0376.0251.0376/", never("0251.0376.0251.0376 (169.254.169.254) is a cloud metadata address"), never("0251.0376.0251.0376 (169.254.169.254) is a cloud metadata address"), never("0251.0376.0251.0376 (169.254.169.254) is a cloud metadata address")},
		{"http://169.254.43518/", never("169.254.43518 (169.254.169.254) is a cloud metadata address"), never("169.254.43518 (169.254.169.254) is a cloud metadata address"), never("169.254.43518 (169.254.169.254) is a cloud metadata address")},
		{"http://169.16689662/", never("169.16689662 (169.254.169.254) is a cloud metadata address"), never("169.16689662 (169.254.169.254) is a cloud metadata address"), never("169.16689662 (169.254.169.254) is a cloud metadata address")},
		{"http://169.254.169.254./", never("169.254.169.254. (169.254.169.254) is a cloud metadata address"), never("169.254.169.254. (169.254.169.254) is a cloud metadata address"), never("169.254.169.254. (169.254.169.254) is a cloud metadata address")},
		{"http://0/", never("0 (0.0.0.0) is an unspecified address"), never("0 (0.0.0.0) is an unspecified address"), never("0 (0.0.0.0) is an unspecified address")},
		{"http://127.1/", private("127.1 (127.0.0.1) is a loopback address"), "url: 127.1 is a non-standard form of the IPv4 address 127.0.0.1; write it as 127.0.0.1", private("127.1 (127.0.0.1) is a loopback address")},
		{"http://0177.0.0.1/", private("0177.0.0.1 (127.0.0.1) is a loopback address"), "url: 0177.0.0.1 is a non-standard form of the IPv4 address 127.0.0.1; write it as 127.0.0.1", private("0177.0.0.1 (127.0.0.1) is a loopback address")},
		{"http://2130706433:8080/", private("2130706433 (127.0.0.1) is a loopback address"), "url: 2130706433 is a non-standard form of the IPv4 address 127.0.0.1; write it as 127.0.0.1", private("2130706433 (127.0.0.1) is a loopback address")},
		{"http://134744072/", "url: 134744072 is a non-standard form of the IPv4 address 8.8.8.8; write it as 8.8.8.8", "url: 134744072 is a non-standard form of the IPv4 address 8.8.8.8; write it as 8.8.8.8", "url: 134744072 is a non-standard form of the IPv4 address 8.8.8.8; write it as 8.8.8.8"},
		{"http://010.0.0.1/", private("010.0.0.1 (8.0.0.1) is a private address"), "", ""}, // placeholder, replaced below
	}
	// 010 is octal 8: 010.0.0.1 is 8.0.0.1, a public address written oddly.
	tests[len(tests)-1].strict = "url: 010.0.0.1 is a non-standard form of the IPv4 address 8.0.0.1; write it as 8.0.0.1"
	tests[len(tests)-1].open, tests[len(tests)-1].listed = tests[len(tests)-1].strict, tests[len(tests)-1].strict
	for _, tt := range tests {
		checkErr(t, "strict "+tt.url, strict.CheckURL(context.Background(), tt.url), tt.strict)
		checkErr(t, "open "+tt.url, open.CheckURL(context.Background(), tt.url), tt.open)
		checkErr(t, "listed "+tt.url, listed.CheckURL(context.Background(), tt.url), tt.listed)
	}
}

func TestLegacyIPv4(t *testing.T) {
	tests := []struct {
		host, want string // "" = not an IPv4 form
	}{
		{"2852039166", "169.254.169.254"},
		{"0xa9fea9fe", "169.254.169.254"},
		{"0XA9FEA9FE", "169.254.169.254"},
		{"025177524776", "169.254.169.254"},
		{"0xa9.0xfe.0xa9.0xfe", "169.254.169.254"},
		{"0251.254.0xa9.254", "169.254.169.254"},
		{"169.254.43518", "169.254.169.254"},
		{"169.16689662", "169.254.169.254"},
		{"127.1", "127.0.0.1"},
		{"127.0.1", "127.0.0.1"},
		{"0", "0.0.0.0"},
		{"0x", "0.0.0.0"},
		{"1.2.3.4.", "1.2.3.4"},
		{"4294967295", "255.255.255.255"},
		{"4294967296", ""},
		{"256.1", ""},
		{"1.2.3.256", ""},
		{"1.2.65536", ""},
		{"1.2.3.4.5", ""},
		{"08.1.1.1", ""},
		{"0xg", ""},
		{"example.com", ""},
		{"deadbeef", ""},
		{"", ""},
		{"1..2", ""},
	}
	for _, tt := range tests {
		a, ok := legacyIPv4(tt.host)
		if got := map[bool]string{true: a.String(), false: ""}[ok]; got != tt.want {
			t.Errorf("legacyIPv4(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

func TestParseAllowCIDRs(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{"", "[]", ""},
		{"10.0.0.0/8", "[10.0.0.0/8]", ""},
		{" 10.1.2.3/16 ,fd12::/16\t192.168.5.7 ::1", "[10.1.0.0/16 fd12::/16 192.168.5.7/32 ::1/128]", ""},
		{"::ffff:10.0.0.0/104", "[10.0.0.0/8]", ""},
		{"100.64.0.0/10", "[100.64.0.0/10]", ""},
		{"nope", "", `PORTER_WEBHOOK_ALLOW_CIDRS: "nope" is not an address or CIDR range such as 10.1.0.0/16`},
		{"10.0.0.0/33", "", `PORTER_WEBHOOK_ALLOW_CIDRS: "10.0.0.0/33" is not an address or CIDR range such as 10.1.0.0/16`},
		{"169.254.169.254", "", "PORTER_WEBHOOK_ALLOW_CIDRS: 169.254.169.254 overlaps 169.254.169.254/32, a cloud metadata address, which can never be a webhook target"},
		{"10.0.0.0/8,169.254.0.0/16", "", "PORTER_WEBHOOK_ALLOW_CIDRS: 169.254.0.0/16 overlaps 169.254.0.0/16, a link-local address, which can never be a webhook target"},
		{"169.254.0.0/24", "", "PORTER_WEBHOOK_ALLOW_CIDRS: 169.254.0.0/24 overlaps 169.254.0.0/16, a link-local address, which can never be a webhook target"},
		{"100.100.100.200/32", "", "PORTER_WEBHOOK_ALLOW_CIDRS: 100.100.100.200/32 overlaps 100.100.100.200/32, a cloud metadata address, which can never be a webhook target"},
		{"0.0.0.0/0", "", "PORTER_WEBHOOK_ALLOW_CIDRS: 0.0.0.0/0 overlaps 0.0.0.0/8, an unspecified address, which can never be a webhook target"},
		{"100.64.0.0/10 ", "[100.64.0.0/10]", ""},
		{"100.96.0.0/11", "[100.96.0.0/11]", ""}, // 100.100.100.200 stays refused
		{"168.63.129.0/24", "[168.63.129.0/24]", ""},
		{"::/0", "", "PORTER_WEBHOOK_ALLOW_CIDRS: ::/0 overlaps fe80::/10, a link-local address, which can never be a webhook target"},
		{"fd00::/8", "[fd00::/8]", ""}, // fd00:ec2::254 stays refused
		{"fe80::/64", "", "PORTER_WEBHOOK_ALLOW_CIDRS: fe80::/64 overlaps fe80::/10, a link-local address, which can never be a webhook target"},
		{"::ffff:169.254.169.254", "", "PORTER_WEBHOOK_ALLOW_CIDRS: ::ffff:169.254.169.254 overlaps 169.254.169.254/32, a cloud metadata address, which can never be a webhook target"},
		{"::ffff:169.254.0.0/112", "", "PORTER_WEBHOOK_ALLOW_CIDRS: ::ffff:169.254.0.0/112 overlaps 169.254.0.0/16, a link-local address, which can never be a webhook target"},
		{"224.0.0.0/3", "", "PORTER_WEBHOOK_ALLOW_CIDRS: 224.0.0.0/3 overlaps 224.0.0.0/4, a multicast address, which can never be a webhook target"},
	}
	for _, tt := range tests {
		got, err := ParseAllowCIDRs(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseAllowCIDRs(%q) error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseAllowCIDRs(%q): %v", tt.in, err)
			continue
		}
		if s := fmt.Sprint(got); s != tt.want && !(tt.want == "[]" && len(got) == 0) {
			t.Errorf("ParseAllowCIDRs(%q) = %s, want %s", tt.in, s, tt.want)
		}
	}
}

// The dial-time check, called as the dialer calls it, with the literal
// address about to be connected to. Nothing is dialled.
func TestControl(t *testing.T) {
	cidrs, err := ParseAllowCIDRs("100.64.0.0/10,10.9.0.0/16")
	if err != nil {
		t.Fatal(err)
	}
	strict, open, listed := &Guard{}, &Guard{AllowPrivate: true}, &Guard{AllowCIDRs: cidrs}
	tests := []struct {
		address              string
		strict, open, listed string
	}{
		{"8.8.8.8:443", "", "", ""},
		{"[2606:4700:4700::1111]:443", "", "", ""},
		{"[::ffff:8.8.8.8]:443", "", "", ""},
		{"169.254.169.254:80", never("169.254.169.254 is a cloud metadata address"), never("169.254.169.254 is a cloud metadata address"), never("169.254.169.254 is a cloud metadata address")},
		{"[::ffff:169.254.169.254]:80", never("169.254.169.254 is a cloud metadata address"), never("169.254.169.254 is a cloud metadata address"), never("169.254.169.254 is a cloud metadata address")},
		{"[64:ff9b::a9fe:a9fe]:80", never("64:ff9b::a9fe:a9fe is a cloud metadata address (NAT64 169.254.169.254)"), never("64:ff9b::a9fe:a9fe is a cloud metadata address (NAT64 169.254.169.254)"), never("64:ff9b::a9fe:a9fe is a cloud metadata address (NAT64 169.254.169.254)")},
		{"[2002:a9fe:a9fe::]:80", never("2002:a9fe:a9fe:: is a cloud metadata address (6to4 169.254.169.254)"), never("2002:a9fe:a9fe:: is a cloud metadata address (6to4 169.254.169.254)"), never("2002:a9fe:a9fe:: is a cloud metadata address (6to4 169.254.169.254)")},
		{"[fe80::1%eth0]:80", never("fe80::1%eth0 is a link-local address"), never("fe80::1%eth0 is a link-local address"), never("fe80::1%eth0 is a link-local address")},
		{"[fd00:ec2::254]:80", never("fd00:ec2::254 is a cloud metadata address"), never("fd00:ec2::254 is a cloud metadata address"), never("fd00:ec2::254 is a cloud metadata address")},
		{"100.100.100.200:80", never("100.100.100.200 is a cloud metadata address"), never("100.100.100.200 is a cloud metadata address"), never("100.100.100.200 is a cloud metadata address")},
		{"0.0.0.0:80", never("0.0.0.0 is an unspecified address"), never("0.0.0.0 is an unspecified address"), never("0.0.0.0 is an unspecified address")},
		{"[::]:80", never(":: is an unspecified address"), never(":: is an unspecified address"), never(":: is an unspecified address")},
		{"224.0.0.251:5353", never("224.0.0.251 is a multicast address"), never("224.0.0.251 is a multicast address"), never("224.0.0.251 is a multicast address")},
		{"[ff02::fb]:5353", never("ff02::fb is a multicast address"), never("ff02::fb is a multicast address"), never("ff02::fb is a multicast address")},
		{"255.255.255.255:80", never("255.255.255.255 is a broadcast address"), never("255.255.255.255 is a broadcast address"), never("255.255.255.255 is a broadcast address")},
		{"127.0.0.1:8080", private("127.0.0.1 is a loopback address"), "", private("127.0.0.1 is a loopback address")},
		{"[::1]:8080", private("::1 is a loopback address"), "", private("::1 is a loopback address")},
		{"[::ffff:127.0.0.1]:8080", private("127.0.0.1 is a loopback address"), "", private("127.0.0.1 is a loopback address")},
		{"10.9.0.1:80", private("10.9.0.1 is a private address"), "", ""},
		{"192.168.0.1:80", private("192.168.0.1 is a private address"), "", private("192.168.0.1 is a private address")},
		{"[fd12::1]:80", private("fd12::1 is a unique-local address"), "", private("fd12::1 is a unique-local address")},
		{"100.64.1.1:80", restricted("100.64.1.1 is a carrier-grade NAT address"), restricted("100.64.1.1 is a carrier-grade NAT address"), ""},
		{"not-an-address", "url: cannot check address \"not-an-address\"", "url: cannot check address \"not-an-address\"", "url: cannot check address \"not-an-address\""},
	}
	ctx := context.Background()
	for _, tt := range tests {
		checkErr(t, "strict "+tt.address, strict.control(ctx, "tcp", tt.address, nil), tt.strict)
		checkErr(t, "open "+tt.address, open.control(ctx, "tcp", tt.address, nil), tt.open)
		checkErr(t, "listed "+tt.address, listed.control(ctx, "tcp", tt.address, nil), tt.listed)
	}
}

func TestCheckURLResolved(t *testing.T) {
	dns, r := startDNS(t)
	dns.set("public.test", "93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
	dns.set("metadata.google.internal", "169.254.169.254")
	dns.set("alibaba.test", "100.100.100.200")
	dns.set("aws6.test", "fd00:ec2::254")
	dns.set("ll6.test", "fe80::1")
	dns.set("mcast.test", "224.0.0.1")
	dns.set("bcast.test", "255.255.255.255")
	dns.set("zero.test", "0.0.0.0")
	dns.set("nat64meta.test", "64:ff9b::a9fe:a9fe")
	dns.set("6to4meta.test", "2002:a9fe:a9fe::1")
	dns.set("mappedmeta.test", "::ffff:169.254.169.254")
	dns.set("mixed.test", "93.184.215.14", "10.0.0.5")
	dns.set("mixedmeta.test", "10.0.0.5", "169.254.169.254")
	dns.set("v6only.test", "2606:4700::1")
	dns.set("v6local.test", "93.184.215.14", "fd12:3456::1")
	dns.set("mapped.test", "::ffff:127.0.0.1")
	dns.set("loop.test", "127.0.0.1")
	dns.set("cgnat.test", "100.64.0.9")
	dns.set("empty.test") // the name exists, no addresses

	meta := never("metadata.google.internal resolves to 169.254.169.254, a cloud metadata address")
	tests := []struct {
		url, strict, open string
	}{
		{"https://public.test/hook", "", ""},
		{"https://PUBLIC.test./hook", "", ""},
		{"https://v6only.test/hook", "", ""},
		{"http://metadata.google.internal/computeMetadata/v1/", meta, meta},
		{"http://alibaba.test/", never("alibaba.test resolves to 100.100.100.200, a cloud metadata address"), never("alibaba.test resolves to 100.100.100.200, a cloud metadata address")},
		{"http://aws6.test/", never("aws6.test resolves to fd00:ec2::254, a cloud metadata address"), never("aws6.test resolves to fd00:ec2::254, a cloud metadata address")},
		{"http://ll6.test/", never("ll6.test resolves to fe80::1, a link-local address"), never("ll6.test resolves to fe80::1, a link-local address")},
		{"http://mcast.test/", never("mcast.test resolves to 224.0.0.1, a multicast address"), never("mcast.test resolves to 224.0.0.1, a multicast address")},
		{"http://bcast.test/", never("bcast.test resolves to 255.255.255.255, a broadcast address"), never("bcast.test resolves to 255.255.255.255, a broadcast address")},
		{"http://zero.test/", never("zero.test resolves to 0.0.0.0, an unspecified address"), never("zero.test resolves to 0.0.0.0, an unspecified address")},
		{"http://nat64meta.test/", never("nat64meta.test resolves to 64:ff9b::a9fe:a9fe, a cloud metadata address (NAT64 169.254.169.254)"), never("nat64meta.test resolves to 64:ff9b::a9fe:a9fe, a cloud metadata address (NAT64 169.254.169.254)")},
		{"http://6to4meta.test/", never("6to4meta.test resolves to 2002:a9fe:a9fe::1, a cloud metadata address (6to4 169.254.169.254)"), never("6to4meta.test resolves to 2002:a9fe:a9fe::1, a cloud metadata address (6to4 169.254.169.254)")},
		{"http://mappedmeta.test/", never("mappedmeta.test resolves to 169.254.169.254, a cloud metadata address"), never("mappedmeta.test resolves to 169.254.169.254, a cloud metadata address")},
		{"https://mixed.test/", private("mixed.test resolves to 10.0.0.5, a private address"), ""},
		{"https://mixedmeta.test/", private("mixedmeta.test resolves to 10.0.0.5, a private address"), never("mixedmeta.test resolves to 169.254.169.254, a cloud metadata address")},
		{"https://v6local.test/", private("v6local.test resolves to fd12:3456::1, a unique-local address"), ""},
		{"https://mapped.test/", private("mapped.test resolves to 127.0.0.1, a loopback address"), ""},
		{"https://loop.test:8443/", private("loop.test resolves to 127.0.0.1, a loopback address"), ""},
		{"https://cgnat.test/", restricted("cgnat.test resolves to 100.64.0.9, a carrier-grade NAT address"), restricted("cgnat.test resolves to 100.64.0.9, a carrier-grade NAT address")},
		{"https://nx.test/", "url: host nx.test does not resolve", "url: host nx.test does not resolve"},
		{"https://empty.test/", "url: host empty.test does not resolve", "url: host empty.test does not resolve"},
	}
	strict, open := &Guard{Resolver: r}, &Guard{AllowPrivate: true, Resolver: r}
	for _, tt := range tests {
		checkErr(t, "strict "+tt.url, strict.CheckURL(context.Background(), tt.url), tt.strict)
		checkErr(t, "open "+tt.url, open.CheckURL(context.Background(), tt.url), tt.open)
	}
}

func TestDialRefusesForbidden(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	ctx := context.Background()

	// A literal loopback address is refused at connect time, however the URL got in.
	_, err := (&Guard{}).Client(5 * time.Second).Get(srv.URL)
	checkErr(t, "client", err, private("127.0.0.1 is a loopback address"))
	var ue *url.Error
	if !errors.As(err, &ue) || !IsTargetError(err) {
		t.Errorf("client error %v: want a *url.Error wrapping *TargetError", err)
	}
	_, err = (&Guard{}).DialContext(ctx, "tcp", srv.Listener.Addr().String())
	checkErr(t, "dial", err, private("127.0.0.1 is a loopback address"))
	_, err = (&Guard{AllowPrivate: true}).DialContext(ctx, "udp", "127.0.0.1:53")
	if err == nil || IsTargetError(err) {
		t.Errorf("dial udp: %v, want a network refusal", err)
	}

	resp, err := (&Guard{AllowPrivate: true}).Client(5 * time.Second).Get(srv.URL)
	if err != nil {
		t.Fatalf("AllowPrivate: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok" {
		t.Errorf("AllowPrivate: %d %q", resp.StatusCode, body)
	}
}

// TestRebinding: a name passes CheckURL with a public answer, then the DNS
// server rebinds it to loopback; the connection is refused at dial time.
func TestRebinding(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	target := "http://rebind.test:" + port + "/hook"

	dns, r := startDNS(t)
	dns.set("rebind.test", "93.184.215.14")
	g := &Guard{Resolver: r}
	if err := g.CheckURL(context.Background(), target); err != nil {
		t.Fatalf("CheckURL with a public answer: %v", err)
	}
	dns.set("rebind.test", "127.0.0.1")

	_, err := g.Client(5*time.Second).Post(target, "application/json", strings.NewReader("{}"))
	checkErr(t, "rebound", err, private("127.0.0.1 is a loopback address"))
	if n := hits.Load(); n != 0 {
		t.Errorf("receiver was hit %d times", n)
	}

	// The same name with AllowPrivate connects.
	resp, err := (&Guard{AllowPrivate: true, Resolver: r}).Client(5*time.Second).Post(target, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("AllowPrivate: %v", err)
	}
	resp.Body.Close()
	if n := hits.Load(); resp.StatusCode != 200 || n != 1 {
		t.Errorf("AllowPrivate: status %d, hits %d", resp.StatusCode, n)
	}
}

func TestClientDoesNotFollowRedirects(t *testing.T) {
	var followed atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) { followed.Store(true) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, err := (&Guard{AllowPrivate: true}).Client(5*time.Second).Post(srv.URL+"/hook", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/elsewhere" || followed.Load() {
		t.Errorf("status %d, location %q, followed %v; want the 302 itself", resp.StatusCode, resp.Header.Get("Location"), followed.Load())
	}
}

func TestClientTransport(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://192.0.2.1:3128")
	t.Setenv("HTTPS_PROXY", "http://192.0.2.1:3128")
	c := (&Guard{}).Client(7 * time.Second)
	tr, ok := c.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("transport %T", c.Transport)
	}
	if tr.Proxy != nil {
		t.Error("proxy from the environment is used")
	}
	if tr.TLSClientConfig == nil || tr.TLSClientConfig.MinVersion != tls.VersionTLS12 {
		t.Error("TLS 1.2 is not the minimum")
	}
	if c.Timeout != 7*time.Second || tr.ResponseHeaderTimeout != 7*time.Second {
		t.Errorf("timeouts %v, %v", c.Timeout, tr.ResponseHeaderTimeout)
	}
	if tr.MaxIdleConnsPerHost < 2 || tr.MaxResponseHeaderBytes == 0 || tr.TLSHandshakeTimeout == 0 {
		t.Error("transport limits not set")
	}
	if c := (&Guard{}).Client(0); c.Timeout != 0 {
		t.Errorf("Client(0).Timeout = %v, want none (left to the request context)", c.Timeout)
	}

	// A hanging receiver is cut off by the timeout.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	start := time.Now()
	_, err := (&Guard{AllowPrivate: true}).Client(200 * time.Millisecond).Get(srv.URL)
	if err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("hanging receiver: err %v after %v", err, time.Since(start))
	}
}

// What a setting allows reaches a real receiver: loopback listeners only.
func TestAllowedTargetsConnect(t *testing.T) {
	var hits atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "ok")
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	targets := []string{srv.URL + "/hook"}
	if ln, err := net.Listen("tcp", "[::1]:0"); err == nil {
		srv6 := httptest.NewUnstartedServer(h)
		srv6.Listener.Close()
		srv6.Listener = ln
		srv6.Start()
		defer srv6.Close()
		targets = append(targets, srv6.URL+"/hook")
	}
	mustCIDRs := func(s string) []netip.Prefix {
		p, err := ParseAllowCIDRs(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for name, g := range map[string]*Guard{
		"allow private":  {AllowPrivate: true},
		"loopback cidrs": {AllowCIDRs: mustCIDRs("127.0.0.0/8,::1")},
	} {
		for _, target := range targets {
			if err := g.CheckURL(context.Background(), target); err != nil {
				t.Fatalf("%s: CheckURL(%s): %v", name, target, err)
			}
			resp, err := g.Client(5*time.Second).Post(target, "application/json", strings.NewReader("{}"))
			if err != nil {
				t.Fatalf("%s: %s: %v", name, target, err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %s: status %d", name, target, resp.StatusCode)
			}
		}
	}
	if want := int32(2 * len(targets)); hits.Load() != want {
		t.Errorf("%d hits, want %d", hits.Load(), want)
	}

	// A list that does not hold loopback refuses it at connect time too.
	other := &Guard{AllowCIDRs: mustCIDRs("10.0.0.0/8")}
	_, err := other.Client(5 * time.Second).Get(srv.URL)
	checkErr(t, "other list", err, private("127.0.0.1 is a loopback address"))
	if want := int32(2 * len(targets)); hits.Load() != want {
		t.Errorf("refused request reached the receiver")
	}
}
