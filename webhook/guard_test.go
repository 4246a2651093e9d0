package webhook

import (
	"context"
	"crypto/tls"
	"errors"
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

func TestForbidden(t *testing.T) {
	tests := []struct {
		addr   string
		reason string // "" means allowed
	}{
		// IPv4 public, including neighbours of every forbidden range.
		{"8.8.8.8", ""},
		{"1.1.1.1", ""},
		{"93.184.215.14", ""},
		{"1.0.0.0", ""},
		{"9.255.255.255", ""},
		{"11.0.0.0", ""},
		{"100.63.255.255", ""},
		{"100.128.0.0", ""},
		{"126.255.255.255", ""},
		{"128.0.0.0", ""},
		{"169.253.255.255", ""},
		{"169.255.0.0", ""},
		{"172.15.255.255", ""},
		{"172.32.0.0", ""},
		{"192.0.1.255", ""},
		{"192.0.3.0", ""},
		{"192.167.255.255", ""},
		{"192.169.0.0", ""},
		{"198.17.255.255", ""},
		{"198.20.0.0", ""},
		{"198.51.99.255", ""},
		{"198.51.101.0", ""},
		{"203.0.112.255", ""},
		{"203.0.114.0", ""},
		{"223.255.255.255", ""},

		// Unspecified / this network.
		{"0.0.0.0", reasonUnspecified},
		{"0.1.2.3", reasonUnspecified},
		{"0.255.255.255", reasonUnspecified},
		// Private.
		{"10.0.0.0", reasonPrivate},
		{"10.1.2.3", reasonPrivate},
		{"10.255.255.255", reasonPrivate},
		{"172.16.0.0", reasonPrivate},
		{"172.20.1.1", reasonPrivate},
		{"172.31.255.255", reasonPrivate},
		{"192.168.0.0", reasonPrivate},
		{"192.168.1.1", reasonPrivate},
		{"192.168.255.255", reasonPrivate},
		// CGNAT.
		{"100.64.0.0", reasonCGNAT},
		{"100.100.100.200", reasonCGNAT},
		{"100.127.255.255", reasonCGNAT},
		// Loopback.
		{"127.0.0.1", reasonLoopback},
		{"127.0.0.0", reasonLoopback},
		{"127.1.2.3", reasonLoopback},
		{"127.255.255.255", reasonLoopback},
		// Link-local and cloud metadata.
		{"169.254.0.0", reasonLinkLocal},
		{"169.254.1.1", reasonLinkLocal},
		{"169.254.255.255", reasonLinkLocal},
		{"169.254.169.254", reasonMetadata},
		{"169.254.170.2", reasonLinkLocal}, // ECS task metadata
		// Reserved, documentation, benchmarking.
		{"192.0.0.0", reasonReserved},
		{"192.0.0.170", reasonReserved},
		{"192.0.2.0", reasonDoc},
		{"192.0.2.255", reasonDoc},
		{"192.88.99.1", reasonReserved},
		{"198.18.0.0", reasonBenchmark},
		{"198.19.255.255", reasonBenchmark},
		{"198.51.100.7", reasonDoc},
		{"203.0.113.9", reasonDoc},
		// Multicast, reserved, broadcast.
		{"224.0.0.0", reasonMulticast},
		{"224.0.0.251", reasonMulticast},
		{"239.255.255.255", reasonMulticast},
		{"240.0.0.0", reasonReserved},
		{"250.1.2.3", reasonReserved},
		{"255.255.255.254", reasonReserved},
		{"255.255.255.255", reasonBroadcast},

		// IPv6 global unicast.
		{"2606:4700:4700::1111", ""},
		{"2001:4860:4860::8888", ""},
		{"2a00:1450:4001:80b::200e", ""},
		{"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", ""},
		{"2001:db9::", ""},
		{"3ffe::1", ""},
		{"3fff:1000::", ""},
		// IPv6 forbidden.
		{"::", reasonUnspecified},
		{"::1", reasonLoopback},
		{"fe80::", reasonLinkLocal},
		{"fe80::1", reasonLinkLocal},
		{"fe80::1%eth0", reasonLinkLocal},
		{"febf:ffff::1", reasonLinkLocal},
		{"fec0::1", reasonSiteLocal},
		{"fc00::", reasonUniqueLocal},
		{"fc00::1", reasonUniqueLocal},
		{"fd00::1", reasonUniqueLocal},
		{"fd00:ec2::254", reasonUniqueLocal},
		{"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", reasonUniqueLocal},
		{"ff02::1", reasonMulticast},
		{"ff05::1:3", reasonMulticast},
		{"ff0e::1", reasonMulticast},
		{"2001:db8::", reasonDoc},
		{"2001:db8:1234::1", reasonDoc},
		{"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", reasonDoc},
		{"3fff::1", reasonDoc},
		{"3fff:fff::1", reasonDoc},
		{"2001:2::1", reasonBenchmark},
		{"100::1", reasonReserved},
		{"64:ff9b:1::a00:1", "a local-use NAT64 address"},
		{"1::1", reasonReserved},           // unallocated, outside 2000::/3
		{"4000::1", reasonReserved},        // outside 2000::/3
		{"e000::1", reasonReserved},        // outside 2000::/3
		{"::ffff:0:a00:1", reasonReserved}, // IPv4-translated (SIIT)

		// IPv4-mapped.
		{"::ffff:127.0.0.1", reasonLoopback + " (IPv4-mapped 127.0.0.1)"},
		{"::ffff:7f00:1", reasonLoopback + " (IPv4-mapped 127.0.0.1)"},
		{"::ffff:10.0.0.1", reasonPrivate + " (IPv4-mapped 10.0.0.1)"},
		{"::ffff:169.254.169.254", reasonMetadata + " (IPv4-mapped 169.254.169.254)"},
		{"::ffff:0.0.0.0", reasonUnspecified + " (IPv4-mapped 0.0.0.0)"},
		{"::ffff:8.8.8.8", ""},
		// IPv4-compatible (deprecated): refused whatever it carries.
		{"::127.0.0.1", reasonLoopback + " (IPv4-compatible 127.0.0.1)"},
		{"::192.168.1.1", reasonPrivate + " (IPv4-compatible 192.168.1.1)"},
		{"::8.8.8.8", reasonReserved + " (IPv4-compatible, deprecated)"},
		// NAT64 well-known prefix.
		{"64:ff9b::7f00:1", reasonLoopback + " (NAT64 127.0.0.1)"},
		{"64:ff9b::a9fe:a9fe", reasonMetadata + " (NAT64 169.254.169.254)"},
		{"64:ff9b::808:808", ""},
		// 6to4.
		{"2002:7f00:1::1", reasonLoopback + " (6to4 127.0.0.1)"},
		{"2002:c0a8:101::1", reasonPrivate + " (6to4 192.168.1.1)"},
		{"2002:a9fe:a9fe::", reasonMetadata + " (6to4 169.254.169.254)"},
		{"2002:808:808::1", ""},
		// Teredo: server in bits 32-63, client inverted in the last 32 bits.
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", reasonLoopback + " (Teredo client 127.0.0.1)"},
		{"2001:0:4136:e378:8000:63bf:f5ff:fffe", reasonPrivate + " (Teredo client 10.0.0.1)"},
		{"2001:0:7f00:1::", reasonLoopback + " (Teredo server 127.0.0.1)"},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", reasonDoc + " (Teredo client 192.0.2.45)"}, // RFC 4380's example
		{"2001:0:4136:e378:8000:63bf:f7f7:f7f7", ""},                                        // client 8.8.8.8
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			reason, bad := Forbidden(netip.MustParseAddr(tt.addr))
			if bad != (tt.reason != "") || reason != tt.reason {
				t.Errorf("Forbidden(%s) = %q, %v; want %q", tt.addr, reason, bad, tt.reason)
			}
		})
	}
	if reason, bad := Forbidden(netip.Addr{}); !bad || reason == "" {
		t.Errorf("Forbidden(zero) = %q, %v; want refused", reason, bad)
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

func TestCheckURLSyntaxAndLiterals(t *testing.T) {
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
		{"https://user:pass@8.8.8.8/", "url: must not contain credentials (user:password@)"},
		{"https://user@8.8.8.8/", "url: must not contain credentials (user:password@)"},
		{"https://8.8.8.8:0/", "url: port must be between 1 and 65535"},
		{"https://8.8.8.8:70000/", "url: port must be between 1 and 65535"},
		{"HTTPS://8.8.8.8/hook", ""},
		{"http://8.8.8.8:8080/hook?x=1#frag", ""},
		{"https://[2606:4700:4700::1111]/hook", ""},
		{"http://127.0.0.1/", "url: 127.0.0.1 is a loopback address"},
		{"http://127.0.0.1:8080/hook", "url: 127.0.0.1 is a loopback address"},
		{"http://0.0.0.0/", "url: 0.0.0.0 is an unspecified address"},
		{"http://10.0.0.5/", "url: 10.0.0.5 is a private address"},
		{"http://172.16.0.1/", "url: 172.16.0.1 is a private address"},
		{"http://192.168.1.1/", "url: 192.168.1.1 is a private address"},
		{"http://100.64.0.1/", "url: 100.64.0.1 is a carrier-grade NAT address"},
		{"http://169.254.169.254/latest/meta-data/", "url: 169.254.169.254 is a link-local address (cloud metadata)"},
		{"http://224.0.0.1/", "url: 224.0.0.1 is a multicast address"},
		{"http://255.255.255.255/", "url: 255.255.255.255 is a broadcast address"},
		{"http://[::1]/", "url: ::1 is a loopback address"},
		{"http://[::]/", "url: :: is an unspecified address"},
		{"http://[fd00::1]/", "url: fd00::1 is a unique-local address"},
		{"http://[fe80::1%25eth0]/", "url: fe80::1%eth0 is a link-local address"},
		{"http://[::ffff:127.0.0.1]/", "url: ::ffff:127.0.0.1 is a loopback address (IPv4-mapped 127.0.0.1)"},
		{"http://[::ffff:169.254.169.254]/", "url: ::ffff:169.254.169.254 is a link-local address (cloud metadata) (IPv4-mapped 169.254.169.254)"},
		{"http://[64:ff9b::7f00:1]/", "url: 64:ff9b::7f00:1 is a loopback address (NAT64 127.0.0.1)"},
	}
	g := &Guard{}
	for _, tt := range tests {
		checkErr(t, tt.url, g.CheckURL(context.Background(), tt.url), tt.want)
	}

	// AllowPrivate lets private literals through but still checks the syntax.
	open := &Guard{AllowPrivate: true}
	for _, u := range []string{"http://127.0.0.1:8080/hook", "http://[::1]/", "http://169.254.169.254/"} {
		checkErr(t, u, open.CheckURL(context.Background(), u), "")
	}
	checkErr(t, "ftp", open.CheckURL(context.Background(), "ftp://127.0.0.1/"), "url: scheme must be http or https")
	checkErr(t, "creds", open.CheckURL(context.Background(), "http://a:b@127.0.0.1/"), "url: must not contain credentials (user:password@)")
}

func TestCheckURLResolved(t *testing.T) {
	dns, r := startDNS(t)
	dns.set("public.test", "93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
	dns.set("metadata.google.internal", "169.254.169.254")
	dns.set("mixed.test", "93.184.215.14", "10.0.0.5")
	dns.set("v6only.test", "2606:4700::1")
	dns.set("v6local.test", "93.184.215.14", "fd12:3456::1")
	dns.set("mapped.test", "::ffff:127.0.0.1")
	dns.set("loop.test", "127.0.0.1")
	dns.set("empty.test") // the name exists, no addresses

	tests := []struct {
		url, want string
	}{
		{"https://public.test/hook", ""},
		{"https://PUBLIC.test./hook", ""},
		{"https://v6only.test/hook", ""},
		{"http://metadata.google.internal/computeMetadata/v1/", "url: metadata.google.internal resolves to 169.254.169.254, a link-local address (cloud metadata)"},
		{"https://mixed.test/", "url: mixed.test resolves to 10.0.0.5, a private address"},
		{"https://v6local.test/", "url: v6local.test resolves to fd12:3456::1, a unique-local address"},
		{"https://mapped.test/", "url: mapped.test resolves to 127.0.0.1, a loopback address"},
		{"https://loop.test:8443/", "url: loop.test resolves to 127.0.0.1, a loopback address"},
		{"https://nx.test/", "url: host nx.test does not resolve"},
		{"https://empty.test/", "url: host empty.test does not resolve"},
	}
	g := &Guard{Resolver: r}
	for _, tt := range tests {
		checkErr(t, tt.url, g.CheckURL(context.Background(), tt.url), tt.want)
	}

	open := &Guard{AllowPrivate: true, Resolver: r}
	checkErr(t, "open metadata", open.CheckURL(context.Background(), "http://metadata.google.internal/"), "")
	checkErr(t, "open nx", open.CheckURL(context.Background(), "http://nx.test/"), "url: host nx.test does not resolve")
}

func TestDialRefusesForbidden(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	ctx := context.Background()

	// A literal loopback address is refused at connect time, however the URL got in.
	_, err := (&Guard{}).Client(5 * time.Second).Get(srv.URL)
	checkErr(t, "client", err, "url: 127.0.0.1 is a loopback address")
	var ue *url.Error
	if !errors.As(err, &ue) || !IsTargetError(err) {
		t.Errorf("client error %v: want a *url.Error wrapping *TargetError", err)
	}
	_, err = (&Guard{}).DialContext(ctx, "tcp", srv.Listener.Addr().String())
	checkErr(t, "dial", err, "url: 127.0.0.1 is a loopback address")
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
	checkErr(t, "rebound", err, "url: 127.0.0.1 is a loopback address")
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
