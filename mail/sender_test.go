package mail_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/textproto"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"porter"
	"porter/mail"
	"porter/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// smtpServer is a tiny SMTP server on a loopback listener: enough of the
// protocol (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for net/smtp.
// Recipients containing "reject" get a permanent 550, "later" a 451.
type smtpServer struct {
	ln   net.Listener
	mu   sync.Mutex
	mail []received
}

type received struct {
	From string
	To   []string
	Data string
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *smtpServer) url() string {
	return "smtp://" + s.ln.Addr().String() + "?from=porter@example.com"
}

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	tp := textproto.NewConn(conn)
	reply := func(format string, args ...any) { _ = tp.PrintfLine(format, args...) }
	reply("220 test ESMTP")
	var cur received
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			reply("250-test greets %s", arg)
			reply("250 8BITMIME")
		case "HELO":
			reply("250 test")
		case "MAIL":
			from, _, _ := strings.Cut(strings.TrimPrefix(arg, "FROM:<"), ">")
			cur = received{From: from}
			reply("250 ok")
		case "RCPT":
			to := strings.Trim(strings.TrimPrefix(arg, "TO:"), "<> ")
			switch {
			case strings.Contains(to, "reject"):
				reply("550 no such user here")
			case strings.Contains(to, "later"):
				reply("451 try again later")
			default:
				cur.To = append(cur.To, to)
				reply("250 ok")
			}
		case "DATA":
			reply("354 go ahead")
			b, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			cur.Data = string(b)
			s.mu.Lock()
			s.mail = append(s.mail, cur)
			s.mu.Unlock()
			reply("250 queued")
		case "RSET":
			cur = received{}
			reply("250 ok")
		case "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}

func (s *smtpServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.mail...)
}

// body decodes a received message's text.
func body(t *testing.T, r received) (subject, text string) {
	t.Helper()
	m, err := netmail.ReadMessage(bufio.NewReader(strings.NewReader(r.Data)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	return subject, strings.TrimSuffix(string(b), "\n")
}

type fixture struct {
	svc   *porter.Service
	store porter.Store
	org   int64
	now   time.Time
}

func newFixture(t *testing.T, s porter.Store) *fixture {
	t.Helper()
	f := &fixture{store: s, now: time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)}
	f.svc = porter.NewService(s, "http://porter.test", nil)
	f.svc.Now = func() time.Time { return f.now }
	org, err := f.svc.CreateOrganization(context.Background(), "Acme")
	if err != nil {
		t.Fatal(err)
	}
	f.org = org.ID
	return f
}

func (f *fixture) sender(t *testing.T, url string, log io.Writer) *mail.Sender {
	t.Helper()
	if log == nil {
		log = io.Discard
	}
	snd, err := mail.NewSender(f.store, url, slog.New(slog.NewTextHandler(log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	snd.Now = func() time.Time { return f.now }
	return snd
}

func (f *fixture) outbox(t *testing.T) []*porter.Message {
	t.Helper()
	var out []*porter.Message
	err := f.store.View(context.Background(), f.org, func(tx porter.Tx) error {
		var err error
		out, err = tx.Messages(context.Background(), nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func TestInvitationGoesOutOverSMTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		srv := newSMTPServer(t)
		tn, err := f.svc.CreateTenant(ctx, f.org, porter.TenantInput{Email: ptr("jane@example.com"), FirstName: ptr("Jane"), LastName: ptr("Smith")})
		if err != nil {
			t.Fatal(err)
		}
		snd := f.sender(t, srv.url(), nil)
		if n, err := snd.Tick(ctx); err != nil || n != 1 {
			t.Fatalf("tick = %d, %v", n, err)
		}
		got := srv.received()
		if len(got) != 1 || got[0].From != "porter@example.com" || len(got[0].To) != 1 || got[0].To[0] != "jane@example.com" {
			t.Fatalf("received %+v", got)
		}
		subject, text := body(t, got[0])
		if subject != "You are invited to Acme" || !strings.Contains(text, tn.AcceptURL) {
			t.Fatalf("subject %q, body %q, want the link %s", subject, text, tn.AcceptURL)
		}
		out := f.outbox(t)
		if len(out) != 1 || out[0].Status != porter.MessageSent || out[0].SentAt == nil || out[0].Attempts != 1 {
			t.Fatalf("outbox = %+v", out[0])
		}
		// Nothing is sent twice.
		if n, _ := snd.Tick(ctx); n != 0 || len(srv.received()) != 1 {
			t.Fatalf("second tick sent again: %d", n)
		}
	})
}

func TestBroadcastEmailSentSMSKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		srv := newSMTPServer(t)
		for _, in := range []porter.StaffInput{
			{Name: ptr("Ann"), Email: ptr("ann@example.com"), Phone: ptr("+15550001")},
			{Name: ptr("Bob"), Email: ptr("bob@example.com")},
		} {
			if _, err := f.svc.CreateStaff(ctx, f.org, in); err != nil {
				t.Fatal(err)
			}
		}
		b, err := f.svc.SendBroadcast(ctx, f.org, porter.BroadcastInput{Subject: ptr("Water off — Tuesday"), Body: ptr("From 9 to 11.\n.\nThanks"), Audience: ptr("staff"), Channel: ptr("both")})
		if err != nil {
			t.Fatal(err)
		}
		if b.Recipients != 3 || b.Skipped != 1 {
			t.Fatalf("broadcast = %+v", b)
		}
		var log bytes.Buffer
		snd := f.sender(t, srv.url(), &log)
		if _, err := snd.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		got := srv.received()
		if len(got) != 2 {
			t.Fatalf("received %d messages", len(got))
		}
		subject, text := body(t, got[0])
		if subject != "Water off — Tuesday" || text != "From 9 to 11.\n.\nThanks" {
			t.Fatalf("subject %q body %q", subject, text)
		}
		for _, m := range f.outbox(t) {
			want := porter.MessageSent
			if m.Channel == "sms" {
				want = porter.MessageQueued
			}
			if m.Status != want {
				t.Fatalf("%s message %d is %s", m.Channel, m.ID, m.Status)
			}
		}
		snd.Tick(ctx)
		if n := strings.Count(log.String(), "no SMS provider"); n != 1 {
			t.Fatalf("sms logged %d times:\n%s", n, log.String())
		}
	})
}

func TestNoSMTPKeepsMailQueued(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		for _, e := range []string{"a@example.com", "b@example.com"} {
			if _, err := f.svc.CreateTenant(ctx, f.org, porter.TenantInput{Email: ptr(e), FirstName: ptr("A"), LastName: ptr("B")}); err != nil {
				t.Fatal(err)
			}
		}
		var log bytes.Buffer
		snd := f.sender(t, "", &log)
		for i := 0; i < 3; i++ {
			if _, err := snd.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		// A start logs one line saying how many wait and how to send them,
		// not the outbox message by message.
		if lines := strings.Split(strings.TrimSpace(log.String()), "\n"); len(lines) != 1 ||
			!strings.Contains(lines[0], "PORTER_SMTP_URL is not set") || !strings.Contains(lines[0], "pending=2") ||
			!strings.Contains(lines[0], "hint=\"set PORTER_SMTP_URL=smtp://") || strings.Contains(lines[0], "to=") {
			t.Fatalf("want one summary line, logged:\n%s", log.String())
		}
		if strings.Contains(log.String(), "token=") {
			t.Fatal("the invitation link was logged")
		}
		for _, m := range f.outbox(t) {
			if m.Status != porter.MessageQueued || m.Attempts != 0 {
				t.Fatalf("message = %+v", m)
			}
		}
		// A message queued later is logged once, with its recipient.
		log.Reset()
		if _, err := f.svc.CreateTenant(ctx, f.org, porter.TenantInput{Email: ptr("c@example.com"), FirstName: ptr("C"), LastName: ptr("D")}); err != nil {
			t.Fatal(err)
		}
		snd.Tick(ctx)
		snd.Tick(ctx)
		if lines := strings.Split(strings.TrimSpace(log.String()), "\n"); len(lines) != 1 ||
			!strings.Contains(lines[0], "to=c@example.com") || !strings.Contains(lines[0], "pending=3") {
			t.Fatalf("logged:\n%s", log.String())
		}
		// Many at once (a broadcast) are one line too.
		log.Reset()
		if _, err := f.svc.SendBroadcast(ctx, f.org, porter.BroadcastInput{Subject: ptr("Hi"), Body: ptr("Hello."), Audience: ptr("all_tenants"), Channel: ptr("email")}); err != nil {
			t.Fatal(err)
		}
		snd.Tick(ctx)
		if lines := strings.Split(strings.TrimSpace(log.String()), "\n"); len(lines) != 1 ||
			!strings.Contains(lines[0], "new=3") || !strings.Contains(lines[0], "pending=6") || strings.Contains(lines[0], "to=") {
			t.Fatalf("logged:\n%s", log.String())
		}
		// A restart (a new sender) sums up the outbox again in one line.
		log.Reset()
		snd = f.sender(t, "", &log)
		snd.Tick(ctx)
		if lines := strings.Split(strings.TrimSpace(log.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "pending=6") {
			t.Fatalf("after a restart, logged:\n%s", log.String())
		}
	})
}

func TestSendFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		srv := newSMTPServer(t)
		for _, e := range []string{"reject@example.com", "later@example.com", "ok@example.com"} {
			if _, err := f.svc.CreateTenant(ctx, f.org, porter.TenantInput{Email: ptr(e), FirstName: ptr("A"), LastName: ptr("B")}); err != nil {
				t.Fatal(err)
			}
		}
		snd := f.sender(t, srv.url(), nil)
		snd.MaxAttempts = 2
		if _, err := snd.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		status := func() map[string]*porter.Message {
			m := map[string]*porter.Message{}
			for _, msg := range f.outbox(t) {
				m[msg.To] = msg
			}
			return m
		}
		st := status()
		if m := st["reject@example.com"]; m.Status != porter.MessageFailed || !strings.Contains(m.Error, "550") || m.Attempts != 1 {
			t.Fatalf("rejected = %+v", m)
		}
		if m := st["later@example.com"]; m.Status != porter.MessageQueued || !strings.Contains(m.Error, "451") || m.Attempts != 1 {
			t.Fatalf("deferred = %+v", m)
		}
		if m := st["ok@example.com"]; m.Status != porter.MessageSent {
			t.Fatalf("ok = %+v (the connection should survive a refused recipient)", m)
		}
		// Not due yet: nothing is claimed.
		if n, _ := snd.Tick(ctx); n != 0 {
			t.Fatalf("retried before its time: %d", n)
		}
		f.now = f.now.Add(2 * time.Minute)
		if n, _ := snd.Tick(ctx); n != 1 {
			t.Fatalf("retry tick = %d", n)
		}
		if m := status()["later@example.com"]; m.Status != porter.MessageFailed || m.Attempts != 2 {
			t.Fatalf("after the last attempt = %+v", m)
		}
	})
}

func TestUnreachableServerRetries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close() // nothing listens here now
		if _, err := f.svc.CreateTenant(ctx, f.org, porter.TenantInput{Email: ptr("a@example.com"), FirstName: ptr("A"), LastName: ptr("B")}); err != nil {
			t.Fatal(err)
		}
		snd := f.sender(t, "smtp://"+addr+"?from=porter@example.com", nil)
		snd.Tick(ctx)
		m := f.outbox(t)[0]
		if m.Status != porter.MessageQueued || m.Attempts != 1 || m.Error == "" {
			t.Fatalf("message = %+v", m)
		}
	})
}

func TestClaimsAreDisjoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		for i := 0; i < 20; i++ {
			if _, err := f.svc.CreateTenant(ctx, f.org, porter.TenantInput{Email: ptr(fmt.Sprintf("t%d@example.com", i)), FirstName: ptr("A"), LastName: ptr("B")}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					msgs, err := s.ClaimMessages(ctx, "email", f.now, f.now.Add(time.Hour), 3)
					if err != nil {
						t.Error(err)
						return
					}
					if len(msgs) == 0 {
						return
					}
					mu.Lock()
					for _, m := range msgs {
						seen[m.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != 20 {
			t.Fatalf("claimed %d distinct messages, want 20", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("message %d claimed %d times", id, n)
			}
		}
	})
}

func TestBadSMTPURL(t *testing.T) {
	for _, u := range []string{"http://x", "smtp://", "smtp://host:25", "smtp://host:25?from=nope"} {
		if _, err := mail.NewSender(nil, u, nil); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}
